"""The catalogue of KPIs: code, title, unit and which way is better.

One entry per code in docs/kpi-definitions.md. The formulas live in ``workforce.kpis``;
this module is what settings, reports and the command line need to know about each code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Unit = Literal["fte", "count", "percent", "gbp", "gbp_per_hour", "cases_per_fte", "cases"]
Better = Literal["lower", "higher"] | None

# Each unit as a reader names it: beside a figure in a BI tool (the warehouse's kpi_measure
# table) and in docs/warehouse.md. A percentage is stored as 18.9 meaning 18.9%.
UNIT_LABELS: dict[str, str] = {
    "fte": "FTE",
    "count": "people",
    "percent": "%",
    "gbp": "£",
    "gbp_per_hour": "£ per hour",
    "cases_per_fte": "cases per FTE",
    "cases": "cases",
}


@dataclass(frozen=True)
class Measure:
    code: str
    title: str
    unit: Unit
    better: Better = None
    rolling: bool = False  # computed over the rolling 12 months


def _m(code: str, title: str, unit: Unit, better: Better = None, rolling: bool = False) -> Measure:
    return Measure(code, title, unit, better, rolling)


CATALOGUE: dict[str, Measure] = {m.code: m for m in [
    # DfE-consistent measures
    _m("sw_fte", "Social workers in post (FTE)", "fte"),
    _m("sw_headcount", "Social workers in post", "count"),
    _m("vacancy_fte", "Vacancies (FTE)", "fte", "lower"),
    _m("vacancy_rate", "Vacancy rate", "percent", "lower"),
    _m("agency_fte", "Agency social workers (FTE)", "fte", "lower"),
    _m("agency_headcount", "Agency social workers", "count", "lower"),
    _m("agency_rate", "Agency worker rate", "percent", "lower"),
    _m("agency_cover_fte", "Agency FTE covering vacancies", "fte"),
    _m("agency_cover_rate", "Agency workers covering vacancies", "percent"),
    _m("vacancy_agency_cover_rate", "Vacancies covered by agency workers", "percent"),
    _m("starters_fte_12m", "Starters in 12 months (FTE)", "fte", None, True),
    _m("starters_headcount_12m", "Starters in 12 months", "count", None, True),
    _m("leavers_fte_12m", "Leavers in 12 months (FTE)", "fte", "lower", True),
    _m("leavers_headcount_12m", "Leavers in 12 months", "count", "lower", True),
    _m("turnover_rate", "Turnover rate", "percent", "lower", True),
    _m("turnover_rate_headcount", "Turnover rate (headcount)", "percent", "lower", True),
    _m("caseload_avg", "Average caseload", "cases_per_fte", "lower"),
    _m("absence_rate", "Sickness absence rate", "percent", "lower", True),
    # Local measures
    _m("establishment_fte", "Establishment (FTE)", "fte"),
    _m("establishment_fte_active", "Establishment without frozen posts (FTE)", "fte"),
    _m("establishment_vacancy_rate", "Vacancies as a share of establishment", "percent",
       "lower"),
    _m("vacancy_factor_target", "Vacancy factor assumed in the budget", "percent"),
    _m("vacancy_factor_actual_ytd", "Vacancy factor achieved this year", "percent"),
    _m("vacancy_savings_ytd_gbp", "Savings from vacant posts this year", "gbp"),
    _m("vacancy_factor_target_savings_ytd_gbp", "Savings the vacancy factor assumed", "gbp"),
    _m("vacancy_factor_variance_gbp", "Vacancy factor variance", "gbp", "higher"),
    _m("agency_spend_month_gbp", "Agency spend in the month", "gbp", "lower"),
    _m("agency_spend_ytd_gbp", "Agency spend this year", "gbp", "lower"),
    _m("agency_spend_forecast_gbp", "Agency spend forecast outturn", "gbp", "lower"),
    _m("agency_budget_gbp", "Agency budget", "gbp"),
    _m("agency_budget_variance_gbp", "Agency forecast against budget", "gbp", "lower"),
    _m("agency_avg_charge_rate_gbp", "Average agency charge rate", "gbp_per_hour", "lower"),
    _m("agency_long_placements", "Agency placements over 12 months", "count", "lower"),
    _m("agency_over_establishment_fte", "Agency FTE over establishment", "fte", "lower"),
    _m("stability_index", "Stability index", "percent", "higher", True),
    _m("experienced_share", "Social workers with 2+ years' service", "percent", "higher"),
    _m("caseload_over_threshold", "Case holders over the caseload threshold", "percent",
       "lower"),
    _m("caseload_max", "Largest caseload", "cases", "lower"),
    # Recruitment and retention scheme
    _m("retention_payments_due_gbp", "Retention payments due in the month", "gbp"),
    _m("retention_payments_ytd_gbp", "Retention payments this year", "gbp"),
    _m("market_supplement_cost_gbp", "Market supplements in the month", "gbp"),
    _m("scheme_cost_ytd_gbp", "Scheme cost this year", "gbp"),
    _m("scheme_cost_forecast_gbp", "Scheme cost forecast outturn", "gbp"),
    _m("scheme_budget_gbp", "Scheme budget", "gbp"),
    _m("scheme_budget_variance_gbp", "Scheme forecast against budget", "gbp", "lower"),
    _m("retention_eligible_headcount", "Workers eligible for the retention payment", "count"),
    _m("retention_after_payment_rate", "Eligible workers still in post a year on", "percent",
       "higher"),
    _m("turnover_rate_eligible_group", "Turnover of the eligible group", "percent", "lower",
       True),
    _m("stability_index_eligible_group", "Stability of the eligible group", "percent",
       "higher", True),
]}
