"""The cabinet report's money and its recruitment and retention scheme: agency spend against
budget with the year's forecast, the vacancy factor's savings, the scheme's cost, payments
and the eligible group's turnover, stability and retention curve.

As everywhere in the report, from the figures after disclosure control (``cabinet.context``
protects them once); the payments schedule is read with the figures, before.
"""

from __future__ import annotations

from typing import Any, Final

from sqlalchemy import Engine

from workforce.config import AuthorityConfig
from workforce.periods import Period
from workforce.reports import charts, commentary, disclosure, filters, sources
from workforce.reports.context import Months, title, unit
from workforce.reports.figures import Figures, Payments, comparable, difference
from workforce.reports.filters import Value

# The scheme's eligible group, before and after the scheme began.
ELIGIBLE: Final = ["turnover_rate_eligible_group", "stability_index_eligible_group"]
# The month's money figures the finance chapter quotes.
FINANCE: Final = [
    "agency_spend_month_gbp", "agency_spend_ytd_gbp", "agency_spend_forecast_gbp",
    "agency_budget_gbp", "agency_budget_variance_gbp", "scheme_cost_forecast_gbp",
    "scheme_budget_gbp", "scheme_budget_variance_gbp", "vacancy_factor_target",
    "vacancy_savings_ytd_gbp", "vacancy_factor_target_savings_ytd_gbp",
    "vacancy_factor_variance_gbp", "retention_eligible_headcount",
    "retention_after_payment_rate",
]


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


def finance_charts(figures: Figures, months: Months, height: float
                   ) -> list[dict[str, Any]]:
    """Agency spend by month with the forecast, the scheme's cost against its budget, and
    the vacancy factor's savings, each ``height`` inches tall."""
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
            y_label="Agency spend (£)", height=height),
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
            y_label="Cost to date (£)", height=height),
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
            y_label="Savings to date (£)", height=height),
        "caption": f"Vacancy factor: savings assumed in the budget and achieved, {label} "
                   "to date",
        "source": "Establishment and HR extracts; budget settings",
    })
    return out


def retention(figures: Figures, months: Months, settings: AuthorityConfig, height: float
              ) -> dict[str, Any]:
    """The scheme's chapter: the eligible group before and after it began, the payments and
    the retention curve (a chart ``height`` inches tall)."""
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
            unit="percent", y_label="Still in post (%)", height=height)
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
