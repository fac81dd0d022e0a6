"""What a census return is made from: the KPIs' populations at a September, read from the
warehouse through the KPIs' own functions, and the personal and census-only values of their
rows read again from the landed extracts (``workforce.census.export``)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from workforce.config import AuthorityConfig
from workforce.kpis.caseload import case_holders
from workforce.kpis.facts import (
    Facts,
    largest_assignment_first,
    read_facts,
    social_workers_in_post,
)
from workforce.kpis.workforce import agency_lines, leavers_in_window, post_vacancies, window_rows
from workforce.landed import landed_month
from workforce.periods import Period, period_range
from workforce.warehouse import loaded_months, require_current
from workforce.warehouse.sql import query

if TYPE_CHECKING:
    from workforce.census.export import Missing

LA_KPIS = ("vacancy_fte", "agency_cover_fte")


@dataclass
class Gathered:
    employees: pd.DataFrame  # a row per record: in post at 30 September, or a leaver
    agency: pd.DataFrame  # a row per agency worker: worker_ref, swe_number, fte, role, cases30
    kpis: dict[str, float]  # the stored monthly council KPIs of the September
    agency_cover_headcount: int
    missing: list[Missing] = field(default_factory=list)
    # (period, source row) → the landed hr_staff row's values (never stored)
    hr_landed: dict[tuple[str, int], dict[str, object]] = field(default_factory=dict)

    def landed(self, period: str, source_row: int) -> dict[str, object]:
        return self.hr_landed.get((period, int(source_row)), {})


def gather(engine: Engine, authority_code: str, year: int, settings: AuthorityConfig,
           extracts: Path) -> Gathered:
    from workforce.census.export import Missing

    require_current(engine, create=False)
    september = Period(year, 9)
    year_months = period_range(Period(year - 1, 10), september)
    loaded = {m.period: m for m in loaded_months(engine) if m.authority_code == authority_code}
    if str(september) not in loaded:
        raise ValueError(f"{authority_code}: {september} is not loaded; the census return is "
                         "made from the September month and the year before it")
    keys = {"authority_code": authority_code, "period": str(september)}
    with engine.connect() as connection:
        facts = read_facts(connection, authority_code, september, settings)
        first = september.shift(-12)
        extra = pd.DataFrame(connection.execute(query("census_export_hr"), {
            **keys, "first": str(first), "last": str(september)}).all())
        agency_refs = pd.DataFrame(connection.execute(query("census_export_agency"),
                                                      keys).all())
        kpis = {row.kpi: row.value for row in connection.execute(query("census_export_kpis"),
                                                                 keys)}
        payments = {row.worker_ref: int(row.amount_pence) for row in connection.execute(
            query("census_export_payments"),
            {**keys, "first": str(year_months[0]), "last": str(september)})}
    if not kpis:
        raise ValueError(f"{authority_code}: no monthly KPIs stored for {september}: run "
                         f"`workforce kpis --compute --period {september}` first")
    facts = _with_extras(facts, extra)
    missing: list[Missing] = []

    # The landed files of the year's months (the leavers' rows are in any of them).
    hr_landed: dict[tuple[str, int], dict[str, object]] = {}
    agency_landed: dict[int, dict[str, object]] = {}
    for period in year_months:
        month = loaded.get(str(period))
        if month is None:
            continue
        validated, problems = landed_month(extracts, authority_code, month, settings)
        if validated is None:
            missing += [Missing("LA level", "(landed files)", problem) for problem in problems]
            continue
        for (row, values) in _rows(validated.columns["hr_staff"],
                                   validated.files["hr_staff"].row_numbers):
            hr_landed[(str(period), row)] = values
        if period == september:
            agency_landed = dict(_rows(validated.columns["agency_spend"],
                                       validated.files["agency_spend"].row_numbers))

    employees = _employee_records(facts, payments)
    lines = agency_lines(facts)
    landed: dict[str, dict[str, object]] = {}  # a worker's first line's values
    for source_row, ref in zip(agency_refs.get("source_row", []), agency_refs.get(
            "worker_ref", []), strict=True):
        landed.setdefault(ref, agency_landed.get(int(source_row), {}))
    holders = case_holders(facts).set_index("worker_ref")["open_cases"]
    agency = lines.groupby("worker_ref", sort=False).agg(fte=("fte", "sum")).reset_index()
    roles = dict(zip(agency_refs.get("worker_ref", []), agency_refs.get("role", []),
                     strict=True))  # a worker's last line's
    agency["role"] = agency["worker_ref"].map(roles)
    for column in ("swe_number", "qualifying_institution"):
        agency[column] = [landed.get(ref, {}).get(column) for ref in agency["worker_ref"]]
    agency["cases30"] = agency["worker_ref"].map(holders)
    sept_hr = facts.hr_of(september)
    posts = post_vacancies(facts.establishment_of(september), sept_hr)
    vacant = set(posts.loc[posts["vacant_fte"] > 0, "post_id"])
    cover = lines.loc[lines["post_id"].isin(vacant), "worker_ref"].nunique()
    return Gathered(employees, agency, {k: kpis[k] for k in LA_KPIS if k in kpis},
                    int(cover), missing, hr_landed)


def _with_extras(facts: Facts, extra: pd.DataFrame) -> Facts:
    """The facts' HR rows with their source rows, gender, ethnicity and leaving reason: the
    two reads share their order (month, then source row)."""
    hr = facts.hr
    if len(extra) != len(hr) or not (extra["worker_ref"].to_numpy()
                                     == hr["worker_ref"].to_numpy()).all():
        raise ValueError(f"{facts.authority_code}: the HR rows read for the census do not match "
                         "the KPIs' month copies; reload the year's months")
    hr = hr.assign(**{c: extra[c].to_numpy() for c in ("source_row", "gender", "ethnicity",
                                                       "leaving_reason")},
                   period=extra["period"].to_numpy())
    return dataclasses.replace(facts, hr=hr)


def _employee_records(facts: Facts, payments: dict[str, int]) -> pd.DataFrame:
    """A row per census record: social workers in post (with September's cases on each case
    holder's largest assignment) and the year's leavers, each with the days lost in the
    year's rows of its assignment."""
    in_post = social_workers_in_post(facts.hr_of(facts.period)).assign(leaver=False)
    leavers = leavers_in_window(facts).assign(leaver=True)
    records = pd.concat([in_post, leavers], ignore_index=True)
    # A case holder's cases over their assignments by FTE, each given some where there are
    # enough: the return's case-holding FTE is then the KPIs' (all the holder's FTE).
    holders = case_holders(facts).set_index("worker_ref")["open_cases"]
    records["cases30"] = np.nan
    ordered = largest_assignment_first(records[~records["leaver"]])
    for ref, group in ordered.groupby("worker_ref", sort=False):
        if ref in holders.index:
            records.loc[group.index, "cases30"] = split_cases(int(holders[ref]),
                                                              group["fte"].tolist())

    # Days lost: each (worker, post)'s rows of the year on its in-post record, else its latest
    # leaver record, else the worker's first record.
    rows = window_rows(facts)
    days = rows.fillna({"sickness_days": 0.0}).groupby(["worker_ref", "post_id"])[
        "sickness_days"].sum()
    records["days_lost"] = 0.0
    taken = set()
    for position, key in enumerate(zip(records["worker_ref"], records["post_id"],
                                       strict=True)):
        if key in days.index and key not in taken:
            records.loc[position, "days_lost"] = days[key]
            taken.add(key)
    by_worker = {ref: i for i, ref in reversed(list(enumerate(records["worker_ref"])))}
    for (ref, post), lost in days.items():
        if (ref, post) not in taken and ref in by_worker:
            records.loc[by_worker[ref], "days_lost"] += lost

    # The year's retention payments on the worker's first record.
    records["rr_pence"] = 0
    for ref, pence in payments.items():
        if ref in by_worker:
            records.loc[by_worker[ref], "rr_pence"] = pence
    return records


def _rows(columns: dict[str, object], row_numbers: np.ndarray
          ) -> list[tuple[int, dict[str, object]]]:
    """Each data row's typed values by column, keyed by its row number in the file."""
    as_lists = {name: _values(values) for name, values in columns.items()}
    return [(int(number), {name: values[i] for name, values in as_lists.items()})
            for i, number in enumerate(row_numbers.tolist())]


def _values(values: object) -> list[object]:
    if isinstance(values, np.ndarray):  # dates
        return [None if np.isnat(v) else pd.Timestamp(v) for v in values]
    return [None if pd.isna(v) else v for v in pd.array(values).tolist()]


def split_cases(cases: int, ftes: list[float]) -> list[int]:
    """``cases`` shared over records of these FTEs in proportion (largest remainders), at
    least one each where there are as many cases as records; the shares add up to ``cases``."""
    n = len(ftes)
    floor = 1 if cases >= n else 0
    spare = cases - floor * n
    total = sum(ftes) or 1.0
    exact = [spare * f / total for f in ftes]
    shares = [int(e) for e in exact]
    order = sorted(range(n), key=lambda i: exact[i] - shares[i], reverse=True)
    for i in order[:spare - sum(shares)]:
        shares[i] += 1
    return [floor + share for share in shares]
