"""A partnership's figures for a month: each member council's DfE measures as stored, the
partnership's own totals, and agency charge rates against the partnership's rate caps.

The partnership's total of a measure is the DfE's formula over the members' summed
numerators and denominators (``kpis.dfe.pooled``), as the DfE totals a region: never an
average of the councils' rates. A total is only given for a month every member has a full
figure for; otherwise it is "not available" and the report says which member is missing.

Everything a report shows passes through disclosure control first: each member's figures
and the totals as a council's are protected, and counts printed beside a total (social
workers by council, agency workers by supplier) get secondary suppression.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

from sqlalchemy import Engine

from workforce.config import load_authority_config
from workforce.kpis.dfe import SCALE, pooled
from workforce.measures import CATALOGUE
from workforce.partnerships import Partnership
from workforce.periods import Period, period_range
from workforce.reports import disclosure, sources
from workforce.reports.figures import Figures, Kpi, comparable
from workforce.reports.filters import SUPPRESSED, Value

# The DfE's measures, in the order the cabinet report's headline shows them.
MEASURES: Final = ("vacancy_rate", "agency_rate", "turnover_rate", "caseload_avg",
                   "absence_rate")
# Pooled with the measures so disclosure control judges a total as it judges a council:
# the counts of people behind each rate (disclosure.BASIS) and the case holders.
POOLED_RATES: Final = (*MEASURES, "caseload_over_threshold")
POOLED_COUNTS: Final = ("sw_headcount", "sw_fte", "agency_headcount", "leavers_headcount_12m")
TREND_MONTHS: Final = 13  # the month and the same month a year before, with all between


class MembersMissing(LookupError):
    """Members without stored KPI results for the month: the report waits for them."""

    def __init__(self, partnership: Partnership, period: Period, missing: Sequence[str]):
        self.missing = list(missing)
        super().__init__(
            f"partnership {partnership.code} ({partnership.name}) {period}: no KPI results "
            f"for {', '.join(missing)}; run workforce_monthly for "
            f"{'it' if len(missing) == 1 else 'them'} (or `workforce load ... --kpis`) first")


@dataclass(frozen=True)
class Member:
    code: str
    name: str
    figures: Figures  # disclosure-protected


@dataclass(frozen=True)
class RateRow:
    """Agency hours charged in the month for a role: by one supplier, or all (``supplier``
    None), across the partnership or for one member (``member``)."""

    role: str
    supplier: str | None
    member: str | None
    workers: Value
    hours: Value
    average_rate: Value  # £ an hour, weighted by hours
    cap: float | None
    above_cap: Value  # percentage of the hours charged above the cap


@dataclass(frozen=True)
class PartnershipFigures:
    partnership: Partnership
    period: Period
    months: list[Period]  # the trend: the same month a year before to the month
    members: list[Member]
    total: Figures  # the partnership's pooled figures, keyed under its code; protected
    agency: list[RateRow]

    @property
    def year_ago(self) -> Period:
        return self.months[0]

    def names(self) -> dict[str, str]:
        return {m.code: m.name for m in self.members}


def missing_members(engine: Engine, partnership: Partnership, period: Period) -> list[str]:
    """The members with no KPI results stored for the month."""
    return [code for code in partnership.members
            if str(period) not in {m.period for m in sources.computed_months(engine, code)}]


def read(engine: Engine, partnership: Partnership, period: Period,
         agency: bool = True) -> PartnershipFigures:
    """The month's figures of every member and the partnership's totals, protected, with
    the agency charge rates unless ``agency`` is false (a council's own report shows none).
    Raises ``MembersMissing`` naming the members with no results for the month."""
    missing = missing_members(engine, partnership, period)
    if missing:
        raise MembersMissing(partnership, period, missing)
    months = period_range(period.shift(1 - TREND_MONTHS), period)
    stored = {code: sources.kpis(engine, code, months) for code in partnership.members}
    members = [Member(code, load_authority_config(code).name,
                      disclosure.protect(Figures(code, stored[code]), totalled=()))
               for code in partnership.members]
    total = disclosure.protect(Figures(partnership.code, _pooled(partnership, stored, months)),
                               totalled=())
    return PartnershipFigures(partnership, period, months, members, total,
                              agency_rates(engine, partnership, period) if agency else [])


def _pooled(partnership: Partnership, stored: dict[str, dict], months: Iterable[Period]
            ) -> dict:
    out = {}
    for month in map(str, months):
        for kpi in (*POOLED_RATES, *POOLED_COUNTS):
            rows = [stored[code].get((month, "council", code, kpi))
                    for code in partnership.members]
            row = _pool(partnership.code, month, kpi, rows)
            if row is not None:
                out[row.key] = row
    return out


def _pool(code: str, month: str, kpi: str, rows: list[Kpi | None]) -> Kpi | None:
    """Every member's counts summed, or nothing when a member has no full figure."""
    if any(comparable(r) is None for r in rows):
        return None
    known = [r for r in rows if r is not None]
    unit = CATALOGUE[kpi].unit
    history = min((r.history_months for r in known if r.history_months is not None),
                  default=None)
    window = known[0].window_months
    if unit not in SCALE:  # a count: the members' values added up
        value = sum(float(r.value) for r in known)  # type: ignore[arg-type]
        return Kpi(month, "council", code, kpi, unit, value, None, value,
                   history_months=history, window_months=window)
    if any(r.numerator is None or r.denominator is None for r in known):
        return None
    numerators = [float(r.numerator) for r in known]  # type: ignore[arg-type]
    denominators = [float(r.denominator) for r in known]  # type: ignore[arg-type]
    return Kpi(month, "council", code, kpi, unit, sum(numerators), sum(denominators),
               pooled(unit, numerators, denominators), history_months=history,
               window_months=window)


def agency_rates(engine: Engine, partnership: Partnership, period: Period) -> list[RateRow]:
    """Charge rates by role: across the partnership for each supplier and all together, and
    for each member; protected (a row about fewer than five workers is withheld, and so is
    the next smallest beside a total that would give it away)."""
    lines = [Line(code, str(r["role"]), str(r["supplier"]), str(r["worker_ref"]),
                  int(r["charge_rate_pence"]), float(r["hours"]))  # type: ignore[call-overload, arg-type]
             for code in partnership.members
             for r in sources.agency_hours(engine, code, period)]
    out: list[RateRow] = []
    for role in sorted({line.role for line in lines}):
        cap = partnership.agency_rate_caps_gbp.get(role)
        chosen = [line for line in lines if line.role == role]
        whole = _row(chosen, role, None, None, cap)
        total = SUPPRESSED if disclosure.small(whole.workers) else whole.workers
        suppliers = [_row([x for x in chosen if x.supplier == s], role, s, None, cap)
                     for s in sorted({x.supplier for x in chosen})]
        members = [_row([x for x in chosen if x.member == m], role, None, m, cap)
                   for m in partnership.members if any(x.member == m for x in chosen)]
        out += _protected(suppliers, total)
        out.append(_withheld(whole) if total is SUPPRESSED else whole)
        out += _protected(members, total)
    return out


@dataclass(frozen=True)
class Line:
    """A worker's hours at one charge rate in the month (the worker by reference only)."""

    member: str
    role: str
    supplier: str
    worker_ref: str
    rate_pence: int
    hours: float


def _row(lines: Sequence[Line], role: str, supplier: str | None, member: str | None,
         cap: float | None) -> RateRow:
    hours = sum(x.hours for x in lines)
    workers = len({(x.member, x.worker_ref) for x in lines})
    average = sum(x.hours * x.rate_pence for x in lines) / hours / 100 if hours else None
    above: Value = None
    if cap is not None and hours:
        limit = round(cap * 100)  # pence, as the rates are stored
        above = 100 * sum(x.hours for x in lines if x.rate_pence > limit) / hours
    return RateRow(role, supplier, member, workers, hours, average, cap, above)


def _protected(rows: list[RateRow], total: Value) -> list[RateRow]:
    """The rows (which add up to ``total`` workers) as a public report may show them."""
    hidden = disclosure.suppress_group({str(i): r.workers for i, r in enumerate(rows)}, total)
    return [_withheld(r) if str(i) in hidden else r for i, r in enumerate(rows)]


def _withheld(row: RateRow) -> RateRow:
    return RateRow(row.role, row.supplier, row.member, SUPPRESSED, SUPPRESSED, SUPPRESSED,
                   row.cap, SUPPRESSED)
