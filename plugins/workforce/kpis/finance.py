"""Finance measures: the vacancy factor against what happened, and agency spend."""

from __future__ import annotations

import pandas as pd

from workforce.kpis.facts import Facts, months_of, social_work_posts
from workforce.kpis.values import Results, Scopes
from workforce.kpis.workforce import post_vacancies

MONTHS_IN_YEAR = 12
FORECAST_MONTHS = 3  # the forecast runs on at the average of the last three months


def vacancy_factor(facts: Facts, scopes: Scopes, out: Results) -> None:
    """Year to date: vacant FTE against establishment FTE, and the pounds not spent on
    vacant posts against the savings the budget assumed."""
    year = facts.settings.financial_year(facts.period.financial_year)
    ytd = facts.year_to_date()
    loaded = [p for p in ytd if facts.loaded(p)]
    history = {"window_months": len(ytd), "history_months": len(loaded),
               "source_load_ids": facts.load_ids(loaded)}
    posts = post_vacancies(months_of(facts.establishment, ytd[0], facts.period),
                           months_of(facts.hr, ytd[0], facts.period))
    vacant_fte = posts["vacant_fte"].sum()
    establishment_fte = posts["budgeted_fte"].sum()
    # A vacant post saves its own monthly budget, pro rata to the vacant share.
    share = posts["vacant_fte"] / posts["budgeted_fte"].where(posts["budgeted_fte"] > 0)
    savings_pence = (share.fillna(0) * posts["annual_cost_pence"] / MONTHS_IN_YEAR).sum()

    budget_gbp = year.establishment_budget_gbp
    if budget_gbp is None:  # the establishment extract is the budget
        posts = social_work_posts(facts.establishment_of(facts.period))
        budget_gbp = posts["annual_cost_pence"].sum() / 100
    savings = round(savings_pence) / 100
    target = year.vacancy_factor * budget_gbp * len(ytd) / MONTHS_IN_YEAR
    out.level("vacancy_factor_target", scopes.council(100 * year.vacancy_factor))
    out.rate("vacancy_factor_actual_ytd", scopes.council(vacant_fte),
             scopes.council(establishment_fte), **history)
    out.level("vacancy_savings_ytd_gbp", scopes.council(savings), **history)
    out.level("vacancy_factor_target_savings_ytd_gbp", scopes.council(round(target, 2)),
              **history)
    out.level("vacancy_factor_variance_gbp", scopes.council(round(savings - target, 2)),
              **history)


def month_spend_pence(facts: Facts) -> dict[str, int]:
    """Agency spend by loaded month, in pence: every line, qualified or not."""
    spend = facts.agency_spend_pence()
    return {str(period): spend.get(period.index, 0)
            for period in facts.window() if facts.loaded(period)}


def agency_spend(facts: Facts, scopes: Scopes, out: Results) -> None:
    lines = facts.agency_lines()
    cost_gbp = scopes.aggregate(lines, "sum", "line_cost_pence") / 100  # summed in pence
    out.level("agency_spend_month_gbp", cost_gbp)
    by_supplier = lines.groupby("supplier")["line_cost_pence"].sum() / 100
    if not by_supplier.empty:
        by_supplier.index = pd.MultiIndex.from_product([["supplier"], by_supplier.index])
        out.level("agency_spend_month_gbp", by_supplier)
    out.ratio("agency_avg_charge_rate_gbp", cost_gbp, scopes.aggregate(lines, "sum", "hours"))

    spend = month_spend_pence(facts)
    ytd = facts.year_to_date()
    loaded = [p for p in ytd if str(p) in spend]
    history = {"window_months": len(ytd), "history_months": len(loaded),
               "source_load_ids": facts.load_ids(loaded)}
    ytd_pence = sum(spend[str(p)] for p in loaded)
    recent = [spend[p] for p in sorted(spend)[-FORECAST_MONTHS:]]
    months_left = MONTHS_IN_YEAR - len(ytd)
    forecast_pence = ytd_pence + sum(recent) / len(recent) * months_left
    forecast = round(forecast_pence) / 100
    out.level("agency_spend_ytd_gbp", scopes.council(ytd_pence / 100), **history)
    out.level("agency_spend_forecast_gbp", scopes.council(forecast), **history)
    budget = facts.settings.financial_year(facts.period.financial_year).agency_budget_gbp
    if budget is not None:
        out.level("agency_budget_gbp", scopes.council(budget))
        out.level("agency_budget_variance_gbp", scopes.council(round(forecast - budget, 2)),
                  **history)
