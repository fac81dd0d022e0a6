"""The DfE's workforce measures from their counts: one formula for each, whatever the counts
come from (a month's extracts, or a council's annual census return).

A source gives the counts per scope (Series indexed as ``Scopes`` makes them: the council,
and its service areas and teams where the source has them) and these functions turn them
into the stored rows, numerator and denominator beside each value.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from workforce.kpis.values import Results


@dataclass(frozen=True)
class InPost:
    """Social workers in post at the snapshot date, vacancies and agency workers then."""

    sw_fte: pd.Series
    sw_headcount: pd.Series
    vacancy_fte: pd.Series
    agency_fte: pd.Series
    agency_headcount: pd.Series
    agency_cover_fte: pd.Series  # agency FTE covering vacancies


@dataclass(frozen=True)
class Flows:
    """Starters, leavers and days lost to sickness over the year to the snapshot date."""

    starters_fte: pd.Series
    starters_headcount: pd.Series
    leavers_fte: pd.Series
    leavers_headcount: pd.Series
    days_lost: pd.Series
    working_days: int  # in the year: 253, or 254 when it holds 29 February
    history: dict[str, object] = field(default_factory=dict)  # window_months and the like


def in_post_measures(counts: InPost, out: Results) -> None:
    out.level("sw_fte", counts.sw_fte)
    out.level("sw_headcount", counts.sw_headcount)
    out.level("vacancy_fte", counts.vacancy_fte)
    out.rate("vacancy_rate", counts.vacancy_fte, counts.vacancy_fte + counts.sw_fte)
    out.level("agency_fte", counts.agency_fte)
    out.level("agency_headcount", counts.agency_headcount)
    out.rate("agency_rate", counts.agency_fte, counts.agency_fte + counts.sw_fte)
    out.level("agency_cover_fte", counts.agency_cover_fte)
    out.rate("agency_cover_rate", counts.agency_cover_fte, counts.agency_fte)
    out.rate("vacancy_agency_cover_rate", counts.agency_cover_fte, counts.vacancy_fte)


def flow_measures(flows: Flows, in_post: InPost, out: Results) -> None:
    extra = flows.history
    out.level("starters_fte_12m", flows.starters_fte, **extra)
    out.level("starters_headcount_12m", flows.starters_headcount, **extra)
    out.level("leavers_fte_12m", flows.leavers_fte, **extra)
    out.level("leavers_headcount_12m", flows.leavers_headcount, **extra)
    out.rate("turnover_rate", flows.leavers_fte, in_post.sw_fte, **extra)
    out.rate("turnover_rate_headcount", flows.leavers_headcount, in_post.sw_headcount, **extra)
    out.rate("absence_rate", flows.days_lost, in_post.sw_fte * flows.working_days, **extra)


def caseload_average(cases: pd.Series, case_holder_fte: pd.Series, out: Results) -> None:
    """Open cases per case-holding FTE (employees and agency workers holding cases)."""
    out.ratio("caseload_avg", cases, case_holder_fte)


# A rate is 100 × numerator ÷ denominator, a ratio (cases per FTE) the plain quotient, as
# ``Results.rate`` and ``Results.ratio`` store them.
SCALE = {"percent": 100.0, "cases_per_fte": 1.0}


def pooled(unit: str, numerators: list[float], denominators: list[float]) -> float | None:
    """A measure of several councils together, as the DfE totals a region or England: the
    summed numerators over the summed denominators, never an average of the councils'
    rates (which would weigh a council of 20 social workers as one of 2,000)."""
    denominator = sum(denominators)
    return SCALE[unit] * sum(numerators) / denominator if denominator else None
