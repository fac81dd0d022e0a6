"""The stored figures a public report shows, as read from the warehouse and before any
disclosure control: ``disclosure.protect`` turns them into what may be published."""

from __future__ import annotations

from dataclasses import dataclass, field

from workforce.reports.filters import SUPPRESSED, Value

Key = tuple[str, str, str, str]  # period, scope type, scope code, KPI


@dataclass(frozen=True)
class Kpi:
    """One ``kpi_value`` row as a report needs it."""

    period: str
    scope_type: str
    scope_code: str
    kpi: str
    unit: str
    numerator: float | None
    denominator: float | None
    value: Value
    target: float | None = None
    rag: str | None = None
    history_months: int | None = None
    window_months: int | None = None

    @property
    def key(self) -> Key:
        return (self.period, self.scope_type, self.scope_code, self.kpi)


@dataclass(frozen=True)
class Payments:
    """Retention payments over a span of months: how many workers, payments and pounds."""

    label: str
    workers: Value
    payments: Value
    amount_gbp: Value


@dataclass(frozen=True)
class CurvePoint:
    """Of the workers ``observed`` so many months after becoming eligible, those in post."""

    months_since_eligible: int
    observed: Value
    in_post: Value
    share: Value  # percentage in post; None when nobody was observed that long


@dataclass(frozen=True)
class Figures:
    authority_code: str
    kpis: dict[Key, Kpi]
    payments: list[Payments] = field(default_factory=list)
    curve: list[CurvePoint] = field(default_factory=list)
    # The council's measures from its annual census returns, keyed as ``kpis`` (each at its
    # September): kept apart, as a September may hold monthly results too.
    annual: dict[Key, Kpi] = field(default_factory=dict)

    def get(self, period: str, kpi: str, team: str | None = None) -> Kpi | None:
        """The council's figure, or a team's; None when the month was not computed."""
        if team is None:
            return self.kpis.get((period, "council", self.authority_code, kpi))
        return self.kpis.get((period, "team", team, kpi))

    def value(self, period: str, kpi: str, team: str | None = None) -> Value:
        row = self.get(period, kpi, team)
        return None if row is None else row.value

    def census(self, period: str, kpi: str) -> Kpi | None:
        """The council's figure from the census return at ``period`` (its September)."""
        return self.annual.get((period, "council", self.authority_code, kpi))


def comparable(row: Kpi | None) -> Value:
    """A value to compare with: none when the month is not computed or its rolling window
    was only partly loaded (a part-year turnover is not a turnover)."""
    if row is None:
        return None
    if row.window_months and (row.history_months or 0) < row.window_months:
        return None
    return row.value


def difference(now: Value, before: Value) -> Value:
    """The change from ``before`` to ``now``; withheld when either is (a change would give
    the withheld figure back), none when either is missing."""
    if now is SUPPRESSED or before is SUPPRESSED:
        return SUPPRESSED
    if now is None or before is None:
        return None
    return float(now) - float(before)  # type: ignore[arg-type]
