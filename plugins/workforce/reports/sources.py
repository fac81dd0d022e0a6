"""What the reports read from the warehouse: stored KPI results, the retention schedule and
curve, lineage, validation findings and, for the monitoring-visit pack, the month's facts.

Nothing here recomputes a KPI; the pack's lists (starters, leavers, long placements,
caseloads over the threshold) select the rows the stored counts were made from.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Engine, bindparam, select

from workforce.kpis.impact import CurvePoint as StoredPoint
from workforce.kpis.store import KPI_VALUE, read_curve
from workforce.periods import Period
from workforce.reports.figures import CurvePoint, Key, Kpi
from workforce.warehouse.lineage import LoadedMonth, loaded_months
from workforce.warehouse.sql import query

Row = dict[str, object]


def _rows(engine: Engine, name: str, dates: tuple[str, ...] = (),
          **params: object) -> list[Row]:
    """The query's rows as dicts, the ``dates`` columns as ``date`` on either backend."""
    with engine.connect() as connection:
        rows = [dict(r._mapping) for r in connection.execute(query(name), params)]
    for row in rows:
        for column in dates:
            row[column] = as_date(row[column])
    return rows


def as_date(value: object) -> dt.date | None:
    """A stored date: text on SQLite, a ``date`` on PostgreSQL."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def kpis(engine: Engine, authority_code: str, periods: Iterable[Period],
         team_periods: Iterable[Period] = ()) -> dict[Key, Kpi]:
    """Council results for ``periods`` and team results for ``team_periods``."""
    council = [str(p) for p in periods]
    teams = [str(p) for p in team_periods]
    k = KPI_VALUE.c
    return _kpis(engine, authority_code, "monthly",
                 ((k.scope_type == "council") & k.period.in_(council))
                 | ((k.scope_type == "team") & k.period.in_(teams)))


def census_kpis(engine: Engine, authority_code: str, years: Iterable[int]) -> dict[Key, Kpi]:
    """The council's measures from its census returns for ``years``, each at its September
    (a return says nothing of teams)."""
    k = KPI_VALUE.c
    return _kpis(engine, authority_code, "census",
                 (k.scope_type == "council") & k.period.in_([f"{y}-09" for y in years]))


def census_returns(engine: Engine, authority_code: str, years: Iterable[int]) -> list[Row]:
    """The imported returns of ``years``, latest first: the files the annual figures came
    from, with their SHA-256."""
    years = list(years)
    if not years:
        return []
    statement = query("report_census_returns").bindparams(bindparam("years", expanding=True))
    with engine.connect() as connection:
        return [dict(r._mapping) for r in connection.execute(
            statement, {"authority_code": authority_code, "years": years})]


def _kpis(engine: Engine, authority_code: str, source: str,
          where: ColumnElement[bool]) -> dict[Key, Kpi]:
    k = KPI_VALUE.c
    query_ = select(k.period, k.scope_type, k.scope_code, k.kpi, k.unit, k.numerator,
                    k.denominator, k.value, k.target, k.rag, k.history_months,
                    k.window_months).where(
        k.authority_code == authority_code, k.source == source, where,
    ).order_by(k.period, k.scope_type, k.scope_code, k.kpi)
    with engine.connect() as connection:
        rows = [Kpi(**r._mapping) for r in connection.execute(query_)]
    return {row.key: row for row in rows}


@dataclass(frozen=True)
class ComputedMonth:
    period: str
    computed_at: str
    code_version: str


def computed_months(engine: Engine, authority_code: str) -> list[ComputedMonth]:
    return [ComputedMonth(**r) for r in _rows(engine, "report_kpi_months",  # type: ignore[arg-type]
                                              authority_code=authority_code)]


def lineage(engine: Engine, authority_code: str, periods: Iterable[Period]) -> list[LoadedMonth]:
    """The loads (and their extract files) behind the months a report draws on."""
    wanted = {str(p) for p in periods}
    return [m for m in loaded_months(engine)
            if m.authority_code == authority_code and m.period in wanted]


@dataclass(frozen=True)
class Team:
    code: str
    name: str
    service_area: str


def teams(engine: Engine, authority_code: str, period: Period) -> list[Team]:
    rows = _rows(engine, "report_teams", authority_code=authority_code, period=str(period))
    return [Team(str(r["team_code"]), str(r["team_name"]), str(r["service_area"]))
            for r in rows]


def curve(engine: Engine, authority_code: str, period: Period) -> list[CurvePoint]:
    stored = (StoredPoint(*row) for row in read_curve(engine, authority_code, period))
    return [CurvePoint(p.months_since_eligible, p.observed, p.in_post, p.share) for p in stored]


def payments(engine: Engine, authority_code: str, period: Period) -> list[Row]:
    return _rows(engine, "report_payments", authority_code=authority_code, period=str(period))


# Findings on identifier columns may quote a raw employee number or agency reference.
_IDENTIFIERS = ("employee_id", "worker_ref")
_FOUND = re.compile(r"; found .*$")


def findings(engine: Engine, authority_code: str, first: Period, last: Period) -> list[Row]:
    """Validation warnings of the months, with any quoted worker identifier withheld: the
    reports name workers only by pseudonymous reference."""
    rows = _rows(engine, "report_findings", authority_code=authority_code, first=str(first),
                 last=str(last))
    for row in rows:
        message = str(row["message"])
        if row["column_name"] in _IDENTIFIERS or any(i in message for i in _IDENTIFIERS):
            row["message"] = _FOUND.sub("; the value found is withheld (a worker identifier)",
                                        message)
    return rows


def sw_rows(engine: Engine, authority_code: str, first: Period, last: Period) -> list[Row]:
    return _rows(engine, "report_sw_rows", ("service_start_date", "leave_date"),
                 authority_code=authority_code, first=str(first), last=str(last))


def agency_lines(engine: Engine, authority_code: str, period: Period) -> list[Row]:
    return _rows(engine, "report_agency_lines", ("week_ending", "placement_start_date"),
                 authority_code=authority_code, period=str(period))


def caseloads(engine: Engine, authority_code: str, period: Period) -> list[Row]:
    return _rows(engine, "report_caseloads", authority_code=authority_code, period=str(period))


def agency_hours(engine: Engine, authority_code: str, period: Period) -> list[Row]:
    """The month's agency hours by role, supplier, worker reference and charge rate."""
    return _rows(engine, "partnership_agency_hours", authority_code=authority_code,
                 period=str(period))
