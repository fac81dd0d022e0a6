"""The month's extracts as rows of text cells in contract column order: what the council's
staff, posts, timesheets and caseloads write each month (``MonthRows``, which the council
inherits), and the frames and CSV files made from rows.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from workforce.contracts import CONTRACTS
from workforce.periods import Period
from workforce.sample.draws import Draws, fridays_in, hashed_draw, hashed_pick, swe_prefix
from workforce.sample.parameters import (
    ABSENT_DAYS,
    CASE_ROLES,
    DESTINATION_WEIGHTS,
    FRONTLINE_SHARE,
    FULL_TIME_HOURS,
    INSTITUTIONS,
    LONG_SICKNESS_CHANCE,
    OTHER_HOURS,
    QUALIFICATION_WEIGHTS,
    ROLE_SPECS,
    SALARY_ON_COSTS,
    START_ORIGIN_WEIGHTS,
    STEP_UP_SHARE,
)
from workforce.sample.records import (
    Assignment,
    Person,
    Placement,
    Post,
    Row,
    date_cell,
    flag_cell,
)

# Where an agency_spend row holds what the caseloads read from the month's last week.
AGENCY_WORKER, AGENCY_WEEK, AGENCY_HOURS = (
    CONTRACTS["agency_spend"].column_names.index(c) for c in ("worker_ref", "week_ending", "hours")
)


class MonthRows(Draws):
    """A month's rows from the council's state (:class:`~workforce.sample.council.Council`
    keeps it): sickness, timesheet hours and caseloads are drawn as the rows are written."""

    code: str
    posts: list[Post]
    assignments: list[Assignment]
    placements: list[Placement]

    def _hr_rows(self, period: Period) -> list[Row]:
        rows = [
            (*a.cells_before_leaving, date_cell(a.leave_date), a.leaving_reason, sick,
             *a.cells_after_sickness, *_census_cells(self.code, a, sick))
            for a, sick in zip(self.assignments, self._sickness(period), strict=True)
        ]
        rows.sort(key=lambda row: (row[0], row[1]))  # by employee_id, post_id
        return rows

    def _sickness(self, period: Period) -> list[str]:
        """FTE days lost per assignment; a person's days go on their first assignment."""
        days, seen, start = [], set(), period.start
        for a in self.assignments:
            first = id(a.person) not in seen
            seen.add(id(a.person))
            days.append(f"{self._sick_days(a.person, start) if first else 0:g}")
        return days

    def _sick_days(self, person: Person, month_start: dt.date) -> float:
        if person.service_start >= month_start:
            return 0.0
        if person.sick_months_left > 0:
            person.sick_months_left -= 1
            return float(self.rng.integers(15, 21))
        if self._chance(LONG_SICKNESS_CHANCE):
            # Long-term sickness runs on for a few months (15-20 of ~21 working days each).
            person.sick_months_left = int(self.rng.integers(0, 4))
            return float(self.rng.integers(15, 21))
        if not self._chance(0.15):
            return 0.0
        half = 0.5 if self._chance(0.1) else 0.0
        return float(min(int(self.rng.geometric(0.3)), 10)) - half

    def _establishment_rows(self) -> list[Row]:
        return [(*p.cells, flag_cell(p.funded), p.status) for p in self.posts]

    def _agency_rows(self, period: Period) -> list[Row]:
        """One timesheet line per worker per Friday week ending in the month."""
        rows: list[Row] = []
        for friday in fridays_in(period):
            week_ending = friday.isoformat()
            for p in self.placements:
                if p.start > friday or (p.end_friday is not None and friday > p.end_friday):
                    continue
                if self._chance(0.02):
                    continue  # a week's leave: agency workers are paid by the hour
                hours = 37.0 if self._chance(0.75) else OTHER_HOURS[self._index(len(OTHER_HOURS))]
                # Integer pence, half-up: line cost is exactly round(hours * rate, 2).
                cost = (p.rate_pence * int(hours * 2) + 1) // 2
                line_id = f"TS{period.year % 100:02d}{period.month:02d}-{len(rows) + 1:05d}"
                rows.append((line_id, *p.cells_before_week, week_ending, f"{hours:g}",
                             f"{p.rate_pence / 100:.2f}", f"{cost / 100:.2f}",
                             *p.cells_after_cost))
        return rows

    def _caseload_rows(self, period: Period, lines: list[Row]) -> list[Row]:
        """Open cases for case-holding staff in post and locums working the last week."""
        refs, types, expected, splits = [], [], [], []
        held: dict[str, list[Assignment]] = {}
        for a in self.assignments:
            if a.leave_date is None and a.case_holding:
                held.setdefault(a.person.employee_id, []).append(a)
        for ref, assignments in held.items():
            person, post = assignments[0].person, assignments[0].post
            fte = sum(a.fte for a in assignments)
            months_in = (period.year - person.service_start.year) * 12 + (
                period.month - person.service_start.month
            )
            ramp = (0.35, 0.75)[months_in] if months_in < 2 else 1.0
            newly_qualified = 0.8 if post.role == "social_worker" and months_in < 12 else 1.0
            refs.append(ref)
            types.append("employee")
            expected.append(post.team.area.cases * fte * ROLE_SPECS[post.role].caseload
                            * person.workload * ramp * newly_qualified)
            splits.append(post.team.area.split)
        if lines:
            last_week = max(line[AGENCY_WEEK] for line in lines)
            hours = {line[AGENCY_WORKER]: float(line[AGENCY_HOURS])
                     for line in lines if line[AGENCY_WEEK] == last_week}
            for p in self.placements:
                if p.worker_ref not in hours or p.role not in CASE_ROLES:
                    continue
                ramp = 0.5 if p.start >= period.start else 1.0
                refs.append(p.worker_ref)
                types.append("agency")
                expected.append(p.team.area.cases * hours[p.worker_ref] / FULL_TIME_HOURS
                                * ROLE_SPECS[p.role].caseload * p.workload * ramp)
                splits.append(p.team.area.split)
        cases = self.rng.poisson(np.array(expected, dtype=float))
        cp, cla, cin = _split_cases(self.rng, cases, np.array(splits, dtype=float).reshape(-1, 3))
        return [
            (r, t, str(n), str(a), str(b), str(c))
            for r, t, n, a, b, c in zip(refs, types, cases, cp, cla, cin, strict=True)
        ]


def _census_cells(code: str, a: Assignment, sick: str) -> Row:
    """swe_number ... base_salary_gbp of an assignment's row, as the contract orders them."""
    person, role = a.person, a.post.role
    spec = ROLE_SPECS[role]
    ref = person.employee_id
    salary = spec.cost[0] + hashed_draw(code, ref, role, "salary") * (spec.cost[1] - spec.cost[0])
    absent = float(sick or 0) >= ABSENT_DAYS
    leaving = a.leave_date is not None
    if not spec.qualified:
        registered: Row = ("", "", "", "", "")
    else:
        step_up = hashed_draw(code, ref, "step_up") < STEP_UP_SHARE
        frontline = not step_up and hashed_draw(code, ref, "frontline") < FRONTLINE_SHARE
        registered = (f"SW{swe_prefix(code)}{int(ref[1:]):06d}",
                      hashed_pick(INSTITUTIONS, code, ref, "institution"),
                      hashed_pick(QUALIFICATION_WEIGHTS, code, ref, "qualification"),
                      flag_cell(step_up), flag_cell(frontline))
    return (
        *registered,
        hashed_pick(START_ORIGIN_WEIGHTS, code, ref, person.service_start.isoformat()),
        hashed_pick(DESTINATION_WEIGHTS, code, ref, "destination") if leaving else "",
        "",  # reason_leave: the census export maps leaving_reason
        flag_cell(absent), "sic" if absent else "",
        f"{round(salary / SALARY_ON_COSTS):.2f}",
    )


def _split_cases(
    rng: np.random.Generator, cases: np.ndarray, shares: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Child protection, looked after and in need counts that add up to the open cases."""
    cp = rng.binomial(cases, shares[:, 0])
    rest = np.clip(1 - shares[:, 0], 1e-9, None)
    cla = rng.binomial(cases - cp, np.clip(shares[:, 1] / rest, 0, 1))
    return cp, cla, cases - cp - cla


def contract_frame(kind: str, rows: list[Row]) -> pd.DataFrame:
    """The rows as a frame of text cells with the contract's column names."""
    return pd.DataFrame(rows, columns=CONTRACTS[kind].column_names, dtype=object)


def write_rows(
    path: Path,
    header: list[str],
    rows: Iterable[Row],
    encoding: str = "utf-8",
    eol: str = "\n",
    delimiter: str = ",",
    bom: bool = False,
) -> None:
    """A CSV file of the header and rows; ``bom`` starts it with a byte-order mark."""
    with path.open("w", encoding=encoding, newline="") as handle:
        if bom:
            handle.write("\ufeff")
        writer = csv.writer(handle, delimiter=delimiter, lineterminator=eol)
        writer.writerow(header)
        writer.writerows(rows)
