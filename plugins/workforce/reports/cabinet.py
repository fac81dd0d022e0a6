"""The cabinet workforce report (public, OFFICIAL): headline measures with target, RAG and
direction of travel, trends against England, finance, the retention scheme, teams.

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
from workforce.reports.context import Months, appendix, title, unit
from workforce.reports.figures import Figures, Payments, comparable, difference
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
ELIGIBLE: Final = ["turnover_rate_eligible_group", "stability_index_eligible_group"]
FINANCE: Final = [
    "agency_spend_month_gbp", "agency_spend_ytd_gbp", "agency_spend_forecast_gbp",
    "agency_budget_gbp", "agency_budget_variance_gbp", "scheme_cost_forecast_gbp",
    "scheme_budget_gbp", "scheme_budget_variance_gbp", "vacancy_factor_target",
    "vacancy_savings_ytd_gbp", "vacancy_factor_target_savings_ytd_gbp",
    "vacancy_factor_variance_gbp", "retention_eligible_headcount",
    "retention_after_payment_rate",
]
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


def payments(engine: Engine, authority_code: str, months: Months) -> list[Payments]:
    """The schedule stored with the month, summed over the spans the report states."""
    rows = sources.payments(engine, authority_code, months.period)
    this_year = {str(p) for p in months.year_to_date}
    rest_of_year = {str(p) for p in months.financial_year} - this_year

    def span(label: str, chosen: list[dict[str, object]]) -> Payments:
        return Payments(label, len({r["worker_ref"] for r in chosen}), len(chosen),
                        sum(int(r["amount_pence"]) for r in chosen) / 100)  # type: ignore[call-overload]

    due = [r for r in rows if r["status"] == "due"]
    return [
        span(f"Paid in {months.financial_year_label} to date",
             [r for r in due if r["due_period"] in this_year]),
        span("Paid since the scheme began", due),
        span(f"Due by the end of {months.financial_year_label} (forecast)",
             [r for r in rows if r["status"] == "forecast" and r["due_period"] in rest_of_year]),
        span("Not paid: the worker had left", [r for r in rows if r["status"] == "forfeited"]),
    ]


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


def finance_commentary(figures: Figures, months: Months) -> list[str]:
    p, fy = str(months.period), months.financial_year_label
    get = lambda kpi: figures.value(p, kpi)  # noqa: E731
    out = []
    ytd, forecast = get("agency_spend_ytd_gbp"), get("agency_spend_forecast_gbp")
    budget_text = commentary.over_under(get("agency_budget_variance_gbp"),
                                        get("agency_budget_gbp"))
    if months.period.month == 3:
        out.append(f"Agency spend for {fy} was {commentary.money(ytd)}, {budget_text}.")
    elif commentary.known(ytd):
        out.append(f"Agency spend in {fy} to date is {commentary.money(ytd)}; at the average "
                   f"of the last three months the year will end at "
                   f"{commentary.money(forecast)}, {budget_text}.")
    assumed, actual = get("vacancy_factor_target"), get("vacancy_factor_actual_ytd")
    if commentary.known(assumed) and commentary.known(actual):
        text = (f"The budget assumes a vacancy factor of {filters.percent(assumed)}; in {fy} "
                f"to date {filters.percent(actual)} of the establishment has been vacant")
        saved = get("vacancy_savings_ytd_gbp")
        variance = get("vacancy_factor_variance_gbp")
        if commentary.known(saved) and commentary.known(variance):
            more = "more" if float(variance) >= 0 else "less"  # type: ignore[arg-type]
            text += (f", saving {commentary.money(saved)}, "
                     f"{commentary.money(abs(float(variance)))} {more} than "  # type: ignore[arg-type]
                     f"the {commentary.money(get('vacancy_factor_target_savings_ytd_gbp'))} "
                     "assumed")
        out.append(text + ".")
    cost, scheme_forecast = get("scheme_cost_ytd_gbp"), get("scheme_cost_forecast_gbp")
    if commentary.known(cost):
        scheme_budget = commentary.over_under(get("scheme_budget_variance_gbp"),
                                              get("scheme_budget_gbp"))
        out.append(f"The recruitment and retention scheme has cost {commentary.money(cost)} "
                   f"in {fy} to date; the forecast for the year is "
                   f"{commentary.money(scheme_forecast)}, {scheme_budget}.")
    return out


def finance_charts(figures: Figures, months: Months) -> list[dict[str, Any]]:
    fy = months.financial_year
    done = len(months.year_to_date)
    p = str(months.period)
    get = figures.value
    spend: list[Value] = [get(str(m), "agency_spend_month_gbp") for m in fy[:done]]
    ytd, forecast = get(p, "agency_spend_ytd_gbp"), get(p, "agency_spend_forecast_gbp")
    left = len(fy) - done
    if left and commentary.known(ytd) and commentary.known(forecast):
        spend += [(float(forecast) - float(ytd)) / left] * left  # type: ignore[arg-type]
    else:
        spend += [None] * left
    budget = get(p, "agency_budget_gbp")
    label = months.financial_year_label
    out = [{
        "chart": charts.bar_chart(
            fy, spend, measure="Agency spend", unit="gbp",
            forecast_from=done if left else None,
            reference=float(budget) / 12 if commentary.known(budget) else None,  # type: ignore[arg-type]
            y_label="Agency spend (£)", height=CHART_HEIGHT),
        "caption": f"Agency spend by month, {label}"
                   + (", with the forecast to March" if left else ""),
        "source": "Agency timesheet extracts; forecast: the average of the last three "
                  "months; budget: the year's agency budget ÷ 12",
    }]
    ytd_months = months.year_to_date
    scheme_budget = get(p, "scheme_budget_gbp")
    profile: list[Value] = [
        float(scheme_budget) * (i + 1) / 12 if commentary.known(scheme_budget) else None  # type: ignore[arg-type]
        for i in range(done)
    ]
    out.append({
        "chart": charts.line_chart(
            ytd_months, [get(str(m), "scheme_cost_ytd_gbp") for m in ytd_months],
            measure="Scheme cost to date", unit="gbp", series_label="Cost to date",
            comparisons={"Budget to date (evenly spread)": profile}, zero_based=True,
            y_label="Cost to date (£)", height=CHART_HEIGHT),
        "caption": f"Recruitment and retention scheme: cost to date against budget, {label}",
        "source": "Retention payment schedule and market supplements; budget settings",
    })
    out.append({
        "chart": charts.grouped_bar_chart(
            [filters.month(m, short=True).split(" ")[0] for m in ytd_months],
            {"Assumed in budget": [get(str(m), "vacancy_factor_target_savings_ytd_gbp")
                                   for m in ytd_months],
             "Achieved": [get(str(m), "vacancy_savings_ytd_gbp") for m in ytd_months]},
            measure="Savings from vacant posts to date", unit="gbp",
            y_label="Savings to date (£)", height=CHART_HEIGHT),
        "caption": f"Vacancy factor: savings assumed in the budget and achieved, {label} "
                   "to date",
        "source": "Establishment and HR extracts; budget settings",
    })
    return out


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


def retention(figures: Figures, months: Months, settings: AuthorityConfig) -> dict[str, Any]:
    start = settings.retention_scheme.start_date
    before = Period.containing(start).shift(-1)
    p = str(months.period)
    rows = []
    for kpi in ELIGIBLE:
        then, now = (comparable(figures.get(str(before), kpi)),
                     comparable(figures.get(p, kpi)))
        rows.append({"measure": title(kpi), "before": then, "after": now,
                     "change": difference(now, then), "unit": unit(kpi)})
    step = 1 if len(figures.curve) <= 13 else 3  # every third month when there are many
    points = [pt for pt in figures.curve if pt.months_since_eligible % step == 0]
    curve, curve_note = None, "No worker has become eligible yet, so there is no retention curve."
    if points and not any(commentary.known(pt.share) for pt in points):
        curve_note = (f"The retention curve is withheld: it rests on fewer than "
                      f"{disclosure.THRESHOLD} workers at every point.")
    elif points:
        curve = charts.grouped_bar_chart(
            [str(pt.months_since_eligible) for pt in points],
            {"Still in post": [pt.share for pt in points]},
            measure="Share of eligible workers still in post, by months since eligibility",
            unit="percent", y_label="Still in post (%)", height=CHART_HEIGHT)
    turnover = rows[0]
    sentence = commentary.movement(
        "Turnover of the eligible group", "percent", turnover["after"], turnover["before"],
        p, str(before)) + "."
    return {
        "start_date": start, "before": str(before), "eligible": rows,
        "payments": figures.payments, "curve": curve, "curve_note": curve_note,
        "sentence": sentence,
        "eligible_headcount": figures.value(p, "retention_eligible_headcount"),
        "after_payment_rate": figures.value(p, "retention_after_payment_rate"),
        "roles": ", ".join(r.replace("_", " ") for r in settings.retention_scheme.eligible_roles),
        "qualifying_years": settings.retention_scheme.qualifying_years,
    }


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
        "finance_charts": finance_charts(figures, months),
        "finance": finance,
        "financial_year": months.financial_year_label,
        "retention": retention(figures, months, settings),
        "teams": team_rows(figures, months, teams),
        "threshold": disclosure.THRESHOLD,
        **appendix(engine, settings, months, reach.months, HEADLINE,
                   [p.year for p in reach.annual]),
    }
