"""Builders for KPI test months: extract rows as text dicts in the contracts' canonical columns
(the same shape as conftest.GOOD_MONTH), and helpers that validate, load and compute them."""

from __future__ import annotations

import math
import time
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from conftest import write_month
from workforce.config import ExtractSettings
from workforce.periods import Period
from workforce.validation import ValidatedMonth, validate_month
from workforce.warehouse import LoadResult, load_month

Row = dict[str, str]
Month = dict[str, list[Row]]


def num(value: float | int | str) -> str:
    """A number as an extract cell: 0.4, 1, 18.5 (never 0.30000000000000004)."""
    if isinstance(value, str):
        return value
    return f"{round(value, 6):g}"


def post(post_id: str, team: str = "CP01", *, area: str = "Child Protection",
         role: str = "social_worker", budget: float = 1.0, cost: str = "48000.00",
         funded: bool = True, status: str = "active") -> Row:
    return {"post_id": post_id, "team_code": team, "team_name": f"Team {team}",
            "service_area": area, "role": role, "grade": "", "budgeted_fte": num(budget),
            "annual_cost_gbp": cost, "funded": "Y" if funded else "N", "status": status}


def staff(employee_id: str, post_id: str, team: str = "CP01", *, fte: float = 1.0,
          role: str = "social_worker", qualified: bool = True, case_holding: bool = False,
          start: str = "2015-04-01", leave: str = "", reason: str = "",
          sickness: float | str = "", contract: str = "permanent") -> Row:
    return {"employee_id": employee_id, "post_id": post_id, "team_code": team, "role": role,
            "grade": "", "fte": num(fte), "contract_type": contract,
            "qualified_sw": "Y" if qualified else "N", "case_holding": "Y" if case_holding else "N",
            "service_start_date": start, "role_start_date": "", "leave_date": leave,
            "leaving_reason": reason or ("resignation" if leave else ""),
            "sickness_days": num(sickness), "birth_date": "", "gender": "", "ethnicity": "",
            "retention_option": ""}


def line(line_id: str, worker: str, week_ending: str, *, hours: float = 37,
         rate: str = "40.00", post_id: str = "", team: str = "CP01",
         supplier: str = "Acme Social Care", qualified: bool = True, role: str = "social_worker",
         placement_start: str = "2023-01-09") -> Row:
    """A timesheet line; its cost is hours × rate rounded to the penny, as validation expects."""
    cost = (Decimal(num(hours)) * Decimal(rate)).quantize(Decimal("0.01"))
    return {"line_id": line_id, "worker_ref": worker, "supplier": supplier, "team_code": team,
            "role": role, "post_id": post_id, "week_ending": week_ending, "hours": num(hours),
            "charge_rate_gbp": rate, "line_cost_gbp": str(cost),
            "placement_start_date": placement_start, "qualified_sw": "Y" if qualified else "N"}


def cases(worker_ref: str, open_cases: int, worker_type: str = "employee") -> Row:
    return {"worker_ref": worker_ref, "worker_type": worker_type, "open_cases": str(open_cases),
            "cp_cases": "", "cla_cases": "", "cin_cases": ""}


def month(establishment: Iterable[Row], hr_staff: Iterable[Row],
          agency_spend: Iterable[Row] = (), caseloads: Iterable[Row] = ()) -> Month:
    return {"establishment": list(establishment), "hr_staff": list(hr_staff),
            "agency_spend": list(agency_spend), "caseloads": list(caseloads)}


def spread(total: int, count: int, low: int, high: int) -> list[int]:
    """``count`` whole numbers in [low, high] that vary row to row and sum to ``total``."""
    values = [low + i % (high - low + 1) for i in range(count)]
    gap = total - sum(values)
    step = 1 if gap > 0 else -1
    i = 0
    while gap:
        if low <= values[i % count] + step <= high:
            values[i % count] += step
            gap -= step
        i += 1
        assert i < 10 * count * (high - low + 1), "total out of reach"
    return values


def validated(root: Path, data: Month, period: Period, authority: str) -> ValidatedMonth:
    """Write the month under ``root``, validate it and insist it has no errors."""
    folder = write_month(root, data, authority=authority, period=period)
    result = validate_month(folder, period, ExtractSettings())
    assert result.ok, "fixture month fails validation:\n" + "\n".join(
        str(f) for f in result.findings
    )
    return result


def load(engine: Engine, root: Path, data: Month, period: Period,
         authority: str = "TST") -> LoadResult:
    return load_month(engine, validated(root, data, period, authority), authority)


def compute(engine: Engine, authority: str, period: Period, **kwargs: Any) -> list[Any]:
    """compute_month, checking it returns one row per scope and KPI, all for the month asked."""
    from workforce.kpis import compute_month

    rows = compute_month(engine, authority, period, **kwargs)
    keys = [(r.scope_type, r.scope_code, r.kpi) for r in rows]
    assert len(keys) == len(set(keys)), "duplicate KPI rows"
    assert {(r.authority_code, r.period) for r in rows} == {(authority, str(period))}
    return rows


def valued_over_zero(rows: list[Any]) -> list[str]:
    """Rows that give a value although their denominator is zero (or a value not finite)."""
    return [
        f"{r.scope_type} {r.scope_code} {r.kpi}: {r.numerator} / {r.denominator} = {r.value}"
        for r in rows
        if (r.denominator is not None and r.denominator == 0 and r.value is not None)
        or (r.value is not None and not math.isfinite(r.value))
    ]


def council(rows: list[Any], authority: str = "TST") -> dict[str, Any]:
    """The council-scope rows by KPI code."""
    return {r.kpi: r for r in rows if r.scope_type == "council" and r.scope_code == authority}


class Timer:
    """Wall-clock seconds of named steps, for the DfE test's timing report."""

    def __init__(self) -> None:
        self.steps: dict[str, float] = {}

    def __call__(self, name: str) -> _Step:
        return _Step(self, name)

    def report(self) -> str:
        return ", ".join(f"{name} {seconds:.1f}s" for name, seconds in self.steps.items())


class _Step:
    def __init__(self, timer: Timer, name: str) -> None:
        self.timer, self.name = timer, name

    def __enter__(self) -> None:
        self.start = time.perf_counter()

    def __exit__(self, *_: object) -> None:
        elapsed = time.perf_counter() - self.start
        self.timer.steps[self.name] = self.timer.steps.get(self.name, 0.0) + elapsed
