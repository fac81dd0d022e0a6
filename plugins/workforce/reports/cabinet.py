"""The cabinet workforce report (public, OFFICIAL): headline measures with target, RAG and
direction of travel, trends against England, finance and the retention scheme
(``cabinet_finance``), teams.

Figures are read from the warehouse into ``Figures``, passed once through
``disclosure.protect``, and everything the template sees (tiles, charts, tables and
commentary) is made from the protected figures only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import Engine

from workforce.comparisons.compare import DFE_MEASURES, Comparators, comparators
from workforce.config import AuthorityConfig
from workforce.measures import CATALOGUE
from workforce.periods import Period, period_range
from workforce.reports import charts, commentary, disclosure, filters, sources
from workforce.reports.benchmarks import SOURCE as NATIONAL_SOURCE
from workforce.reports.cabinet_finance import (
    FINANCE,
    finance_charts,
    finance_commentary,
    payments,
    retention,
)
from workforce.reports.context import Months, appendix, title, unit
from workforce.reports.figures import Figures, comparable, difference
from workforce.reports.filters import SUPPRESSED, Value
from workforce.reports.partnership import council_comparisons
from workforce.reports.render import Column

HEADLINE: Final = [
    "vacancy_rate", "agency_rate", "turnover_rate", "caseload_avg", "absence_rate",
    "stability_index", "vacancy_factor_actual_ytd", "scheme_cost_ytd_gbp",
]
TRENDS: Final = HEADLINE[:6]
# Measures judged against something other than a configured target.
REFERENCE: Final = {
    "vacancy_factor_actual_ytd": ("vacancy_factor_target", "Assumed in budget"),
    "scheme_cost_ytd_gbp": ("scheme_budget_gbp", "Budget for the year"),
}
TEAM_COLUMNS: Final = [
    Column("team", "Team"),
    Column("sw_headcount", "Social workers", "count"),
    Column("vacancy_rate", "Vacancy rate", "percent"),
    Column("agency_rate", "Agency rate", "percent"),
    Column("turnover_rate", "Turnover rate", "percent"),
    Column("caseload_avg", "Average caseload", "cases_per_fte"),
    Column("absence_rate", "Absence rate", "percent"),
    Column("stability_index", "Stability index", "percent"),
]
TOTALLED: Final = ("sw_headcount",)  # the team table's counts, beside the council's total
CHART_HEIGHT: Final = 2.15
NA: Final = "not available"
# The trends reach back this many months for Septembers with a census return and no monthly
# results, so five past returns give five years of trend.
ANNUAL_MONTHS: Final = 60


def read_figures(engine: Engine, settings: AuthorityConfig, months: Months) -> Figures:
    """Everything the report shows, as stored: before disclosure control."""
    scheme_before = Period.containing(settings.retention_scheme.start_date).shift(-1)
    periods = sorted({*months.trend(), months.year_ago, scheme_before})
    kpis = sources.kpis(engine, settings.code, periods, team_periods=[months.period])
    annual = sources.census_kpis(engine, settings.code, [p.year for p in septembers(months)])
    return Figures(settings.code, kpis, payments(engine, settings.code, months),
                   sources.curve(engine, settings.code, months.period), annual=annual)


def septembers(months: Months) -> list[Period]:
    """The Septembers (census reference months) the trends may reach back to."""
    window = period_range(months.period.shift(-ANNUAL_MONTHS), months.period)
    return [p for p in window if p.month == 9]


@dataclass(frozen=True)
class Span:
    """The months the trend charts cover: the monthly trend, reaching back to the earliest
    September with a census return and no monthly results (an annual point)."""

    months: list[Period]  # the charts' axis
    monthly_from: int  # the index of the first month of the monthly trend
    annual: list[Period]  # Septembers drawn from the census return
    both: list[Period]  # Septembers with monthly and census results: the monthly shown


def span(figures: Figures, months: Months) -> Span:
    trend = months.trend()
    stored = {p for p in septembers(months)
              if any(figures.census(str(p), kpi) for kpi in TRENDS)}
    annual = sorted(p for p in stored if str(p) not in months.computed)
    first = min([trend[0], *annual])
    axis = period_range(first, months.period)
    both = sorted(p for p in stored if str(p) in months.computed and p >= first)
    return Span(axis, axis.index(trend[0]), annual, both)


def tiles(figures: Figures, months: Months, compare: Comparators) -> list[dict[str, Any]]:
    out = []
    for kpi in HEADLINE:
        row = figures.get(str(months.period), kpi)
        value = None if row is None else row.value
        target, target_label, rag = (None, "Target", None) if row is None else (
            row.target, "Target", row.rag)
        if kpi in REFERENCE:
            code, target_label = REFERENCE[kpi]
            target = figures.value(str(months.period), code)
        partial = row is not None and row.window_months and (
            (row.history_months or 0) < row.window_months)
        out.append({
            "kpi": kpi, "label": title(kpi), "unit": unit(kpi), "value": value,
            "target": target, "target_label": target_label, "rag": rag,
            "better": None if kpi in REFERENCE else CATALOGUE[kpi].better,
            "changes": [
                {"change": difference(value, comparable(figures.get(str(p), kpi))),
                 "since": str(p)}
                for p in (months.previous, months.year_ago)
            ],
            # The DfE's measures beside the latest published year: England, the region,
            # the statistical neighbours and the council's rank among them.
            "comparison": (compare.compare(kpi, _rankable(value))
                           if kpi in DFE_MEASURES else None),
            "region_name": compare.region_name,
            "note": (f"Partial history: {row.history_months} of {row.window_months} months"
                     if partial and row else None),
        })
    return out


def comparison_short(compare: Comparators) -> str:
    """The cover's line: ``England, North West and 10 statistical neighbours, year to 30
    September 2025``."""
    year = compare.published.england.latest_year
    named = ["England"]
    if compare.region_name:
        named.append(compare.region_name)
    if compare.neighbours:
        named.append(f"{len(compare.neighbours)} statistical neighbours")
    only = " only" if len(named) == 1 else ""
    return f"{commentary.listed(named)}{only}, year to 30 September {year}"


def _rankable(value: Value) -> float | None:
    """A figure to rank: none when withheld (its rank would narrow it down)."""
    return float(value) if commentary.known(value) else None  # type: ignore[arg-type]


def headline_commentary(tiles_: Sequence[dict[str, Any]], figures: Figures,
                        months: Months) -> list[str]:
    sentences = []
    for tile in tiles_[:6]:
        before = comparable(figures.get(str(months.year_ago), tile["kpi"]))
        sentences.append(commentary.kpi_sentence(
            tile["label"], tile["unit"], now=tile["value"], before=before,
            now_month=str(months.period), before_month=str(months.year_ago),
            target=tile["target"], rag=tile["rag"], comparison=tile["comparison"],
            region_name=tile["region_name"]))
    return sentences


def trend_charts(figures: Figures, months: Months, compare: Comparators,
                 council_name: str) -> list[dict[str, Any]]:
    """A chart per trend measure; the DfE's measures add the census return's value for
    each September with no monthly results, as annual points."""
    trend, reach = months.trend(), span(figures, months)
    out = []
    for kpi in TRENDS:
        annual = {p: row.value for p in reach.annual
                  if (row := figures.census(str(p), kpi)) is not None}
        axis = reach.months if annual else trend
        values = [comparable(figures.get(str(m), kpi)) if m >= trend[0] else None
                  for m in axis]
        now = figures.get(str(months.period), kpi)
        comparisons = None
        if kpi in DFE_MEASURES:
            # England, the region and the neighbours' mean for each month's census year.
            by_month = [compare.by_month(kpi, m) for m in axis]
            comparisons = {name: [figures_[name] for figures_ in by_month]
                           for name in by_month[0]}
        extra: dict[str, Any] = {}
        caption = f"{title(kpi)}, {_span(axis)}"
        if annual:
            extra = {"annual": [annual.get(m) for m in axis],
                     "annual_label": f"{council_name} annual census return",
                     "monthly_from": reach.monthly_from}
            caption += (f": annual census returns (hollow diamonds) at 30 September "
                        f"{_years(sorted(annual))}; monthly figures from "
                        f"{filters.month(trend[0])}")
        chart = charts.line_chart(
            axis, values, measure=title(kpi), unit=unit(kpi), series_label=council_name,
            comparisons=comparisons, target=None if now is None else now.target,
            height=CHART_HEIGHT, **extra)
        out.append({"chart": chart, "caption": caption, "kpi": kpi,
                    "annual": [(str(p), v) for p, v in sorted(annual.items())]})
    return out


def trend_notes(figures: Figures, months: Months) -> list[str]:
    """What the trends draw from the census returns, and which figure a September with
    both monthly and census results shows."""
    reach = span(figures, months)
    notes = []
    if reach.annual:
        notes.append(
            "Where no monthly results are stored for a September, the charts of the DfE's "
            "measures add the council's annual census return for 30 September "
            f"{_years(reach.annual)}: one figure a year, drawn as a hollow diamond "
            "and joined only to the other annual figures, by a dotted line, never to the "
            "monthly line. A census figure covers the year to 30 September as the DfE "
            "counts it.")
    if reach.both:
        have = "has" if len(reach.both) == 1 else "have"
        notes.append(
            f"{commentary.listed([filters.month(p) for p in reach.both])} {have} both "
            "monthly results and an annual census return; the charts show the monthly "
            "results.")
    return notes


def trend_commentary(trends: Sequence[dict[str, Any]]) -> list[str]:
    return [commentary.annual_sentence(title(t["kpi"]), unit(t["kpi"]), t["annual"])
            for t in trends if t["annual"]]


def _years(septembers: Sequence[Period]) -> str:
    """``2020 to 2024``, or ``2020, 2022 and 2023`` when a year is missing."""
    years = [p.year for p in septembers]
    if len(years) > 2 and years == list(range(years[0], years[-1] + 1)):
        return f"{years[0]} to {years[-1]}"
    return commentary.listed([str(y) for y in years])


def _span(trend: list[Period]) -> str:
    return f"{filters.month(trend[0])} to {filters.month(trend[-1])}"


def team_rows(figures: Figures, months: Months, teams: list[sources.Team]) -> dict[str, Any]:
    p = str(months.period)
    rows = [{"team": team.name, **{c.key: figures.value(p, c.key, team.code)
                                   for c in TEAM_COLUMNS[1:]}} for team in teams]
    totals = {"team": "All teams", **{c.key: figures.value(p, c.key) for c in TEAM_COLUMNS[1:]}}
    return {"columns": TEAM_COLUMNS, "rows": rows, "totals": totals}


def context(engine: Engine, settings: AuthorityConfig, period: Period) -> dict[str, Any]:
    months = Months(period, [c.period for c in sources.computed_months(engine, settings.code)])
    # Disclosure control, once: nothing below reads the figures as stored.
    figures = disclosure.protect(read_figures(engine, settings, months), totalled=TOTALLED)
    compare = comparators(settings.dfe_la_code)
    headline = tiles(figures, months, compare)
    ratings = [t["rag"] for t in headline[:6]]
    directions = [filters.direction(t["changes"][1]["change"], t["better"])
                  for t in headline[:6]]
    teams = sources.teams(engine, settings.code, period)
    short_name = settings.name.removesuffix(" Council")
    finance = {k: figures.value(str(period), k) for k in FINANCE + HEADLINE}
    trends, reach = trend_charts(figures, months, compare, short_name), span(figures, months)
    finance["vacancy_factor_difference"] = difference(finance["vacancy_factor_actual_ytd"],
                                                      finance["vacancy_factor_target"])
    return {
        "title": "Children's social care workforce report",
        "subtitle": f"Report to Cabinet: the workforce at {filters.date(period.end)}",
        "council_name": settings.name,
        "council_short_name": short_name,
        "snapshot_date": period.end,
        "period": str(period),
        "previous": str(months.previous),
        "year_ago": str(months.year_ago),
        "marking": "OFFICIAL",
        "tiles": headline,
        "summary": [commentary.rag_summary(ratings, withheld=sum(
                        t["value"] is SUPPRESSED and t["target"] is not None
                        for t in headline[:6])),
                    commentary.direction_summary(directions, str(months.year_ago))],
        "kpi_commentary": headline_commentary(headline, figures, months),
        "finance_commentary": finance_commentary(figures, months),
        "trend_charts": trends,
        "trend_notes": trend_notes(figures, months),
        "trend_commentary": trend_commentary(trends),
        "annual_points": bool(reach.annual),
        "national_year": compare.published.england.latest_year,
        "national_source": NATIONAL_SOURCE,
        "comparison": commentary.comparison_basis(compare, short_name),
        "comparison_short": comparison_short(compare),
        "partnerships": council_comparisons(engine, settings.code, period),
        "comparison_region": compare.region_name,
        "comparison_neighbours": bool(compare.neighbours),
        "finance_charts": finance_charts(figures, months, CHART_HEIGHT),
        "finance": finance,
        "financial_year": months.financial_year_label,
        "retention": retention(figures, months, settings, CHART_HEIGHT),
        "teams": team_rows(figures, months, teams),
        "threshold": disclosure.THRESHOLD,
        **appendix(engine, settings, months, reach.months, HEADLINE,
                   [p.year for p in reach.annual]),
    }
