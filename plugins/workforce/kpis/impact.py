"""The retention scheme's impact review: the eligible group before and after the scheme,
and its retention curve, read from stored results (the minute asked for a review 18 months
after implementation)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from workforce.config import AuthorityConfig, load_authority_config
from workforce.kpis.store import council_values, read_curve
from workforce.periods import Period

MEASURES = ["turnover_rate_eligible_group", "stability_index_eligible_group"]


@dataclass(frozen=True)
class CurvePoint:
    months_since_eligible: int
    observed: int
    in_post: int

    @property
    def share(self) -> float | None:
        """Percentage still in post; not applicable when nobody was observed that long."""
        return 100 * self.in_post / self.observed if self.observed else None


@dataclass(frozen=True)
class ImpactReview:
    before: Period  # the last month before the scheme started
    after: Period
    turnover_before: float | None  # None: that month's results are not in the warehouse
    turnover_after: float | None
    stability_before: float | None
    stability_after: float | None
    curve: list[CurvePoint]


def impact_review(
    engine: Engine, authority_code: str, period: Period, settings: AuthorityConfig | None = None
) -> ImpactReview:
    settings = settings or load_authority_config(authority_code)
    before = Period.containing(settings.retention_scheme.start_date).shift(-1)
    values = council_values(engine, authority_code, MEASURES, [before, period])
    return ImpactReview(
        before=before,
        after=period,
        turnover_before=values.get((str(before), MEASURES[0])),
        turnover_after=values.get((str(period), MEASURES[0])),
        stability_before=values.get((str(before), MEASURES[1])),
        stability_after=values.get((str(period), MEASURES[1])),
        curve=[CurvePoint(*row) for row in read_curve(engine, authority_code, period)],
    )
