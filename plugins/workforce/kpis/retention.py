"""The recruitment and retention scheme: retention payments, market supplements, the scheme's
cost against its budget, and the eligible group's retention (the impact review)."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from workforce.kpis.facts import (
    Facts,
    in_post,
    month_index,
    months_of,
    social_workers_in_post,
    years_before,
)
from workforce.kpis.values import Results, Scopes
from workforce.kpis.workforce import leavers_in_window, stability_index, window_history
from workforce.periods import Period, period_range

MONTHS_IN_YEAR = 12


class Payment(NamedTuple):  # a tuple: a large council's month makes thousands
    worker_ref: str
    instalment: int  # 1 for a lump sum
    due_period: str
    amount_pence: int
    status: str  # due, forfeited (not in post when due), forecast, not_loaded


def eligible_workers(facts: Facts) -> pd.DataFrame:
    """Workers whose qualifying anniversary falls on or after the scheme start, with the
    anniversary, their payment option, and whether they are in post at the snapshot.

    Eligible now: in an eligible role on a row of the anniversary's month, or (when that
    month is before the loaded history) on any later row. Future anniversaries are kept for
    the forecast when the worker is in post in an eligible role now."""
    scheme = facts.settings.retention_scheme
    history = facts.eligibility_history
    rows = history.loc[history["role"].isin(scheme.eligible_roles),
                       ["month", "worker_ref", "service_start_date", "retention_option"]]
    # A returner's new service start gives a new anniversary: the latest start counts.
    latest = (rows.sort_values(["month", "service_start_date"], kind="stable")
              .drop_duplicates("worker_ref", keep="last").set_index("worker_ref"))
    # DateOffset takes 29 February to 28 February in a common year, as HR systems do.
    anniversary = latest["service_start_date"] + pd.DateOffset(years=scheme.qualifying_years)
    workers = pd.DataFrame({
        "anniversary": anniversary,
        "option": latest["retention_option"].fillna(scheme.default_option).replace(
            "", scheme.default_option),
    })
    workers = workers[workers["anniversary"] >= pd.Timestamp(scheme.start_date)]
    # Each row's worker by position in ``workers`` (-1: not eligible), and that worker's
    # anniversary month.
    worker = workers.index.get_indexer(rows["worker_ref"])
    month_of = np.append(month_index(workers["anniversary"]).to_numpy(float), np.nan)[worker]
    month = rows["month"].to_numpy()
    confirmed = (month == month_of) | ((month_of < facts.first_month) & (month >= month_of))
    now = in_post(facts.hr_of(facts.period))
    in_role_now = set(now.loc[now["role"].isin(scheme.eligible_roles), "worker_ref"])
    workers["eligible"] = np.isin(np.arange(len(workers)), worker[confirmed])
    workers["in_post"] = workers.index.isin(set(now["worker_ref"]))
    future = workers["anniversary"] > facts.snapshot
    workers.loc[future, "eligible"] = workers.index[future].isin(in_role_now)
    return workers[workers["eligible"]]


def payment_schedule(facts: Facts, workers: pd.DataFrame) -> list[Payment]:
    """Every payment of every eligible worker: made (due), missed because they had left
    (forfeited), still to come (forecast) or in a month that is not loaded."""
    scheme = facts.settings.retention_scheme
    lump = pd.DataFrame({"option": "lump_sum", "instalment": [1],
                         "amount_pence": [round(scheme.lump_sum_gbp * 100)]})
    parts = pd.DataFrame({
        "option": "instalments",
        "instalment": range(1, len(scheme.instalments_gbp) + 1),
        "amount_pence": [round(a * 100) for a in scheme.instalments_gbp],
    })
    plan = workers.reset_index().merge(pd.concat([lump, parts]), on="option")
    plan["due_month"] = (month_index(plan["anniversary"])
                         + (plan["instalment"] - 1) * scheme.instalment_interval_months)
    due_periods = {m: str(Period.from_index(m)) for m in plan["due_month"].unique()}
    plan["due_period"] = plan["due_month"].map(due_periods)

    # In post in a month: a row that month with no leave date or one in or after the month.
    # Rows and payments are matched on (month, worker) as one number, workers numbered by
    # their position in ``workers``.
    history = facts.eligibility_history
    worker = workers.index.get_indexer(history["worker_ref"])  # -1: not eligible
    present = (worker >= 0) & (history["leave_date"].isna()
                               | (month_index(history["leave_date"]) >= history["month"]))
    present_in = history["month"].to_numpy()[present] * len(workers) + worker[present]
    paid_in = (plan["due_month"].to_numpy() * len(workers)
               + workers.index.get_indexer(plan["worker_ref"]))
    future = (plan["due_month"] > facts.period.index).to_numpy()
    plan["status"] = "forfeited"
    plan.loc[np.isin(paid_in, present_in), "status"] = "due"
    plan.loc[~plan["due_month"].isin(history["month"].unique()), "status"] = "not_loaded"
    plan.loc[future & plan["in_post"], "status"] = "forecast"
    plan.loc[future & ~plan["in_post"], "status"] = "forfeited"
    plan = plan.sort_values(["due_period", "worker_ref", "instalment"])
    return list(map(Payment._make, zip(*(plan[c].tolist() for c in Payment._fields),
                                       strict=True)))


def supplements_pence(facts: Facts, periods: list[Period]) -> dict[Period, float]:
    """Market supplements for months of the reporting month's financial year: annual amount
    × FTE ÷ 12 for those in post at each month's end in a role that attracts one."""
    rates = facts.settings.supplements(facts.period.financial_year)
    staff = in_post(months_of(facts.hr, periods[0], periods[-1]))
    annual = pd.Series(rates, dtype="float64").reindex(staff["role"]).fillna(0.0).to_numpy()
    by_month = (annual * 100 * staff["fte"] / MONTHS_IN_YEAR).groupby(staff["month"]).sum()
    return {p: float(by_month.get(p.index, 0.0)) for p in periods}


def retention_curve(facts: Facts, workers: pd.DataFrame) -> list[tuple[int, int, int]]:
    """(months since eligibility, workers observed that long, of whom still in post)."""
    reached = workers[workers["anniversary"] <= facts.snapshot]
    if reached.empty:
        return []
    history = facts.eligibility_history
    left = history.dropna(subset=["leave_date"]).groupby("worker_ref")["leave_date"].max()
    leave = pd.to_datetime(left.reindex(reached.index))
    start = month_index(reached["anniversary"]).to_numpy()
    observed_for = facts.period.index - start
    # Months in post after eligibility: a leaver is in post at the end of every month
    # before the one they left in; a worker who has not left, for ever.
    left_after = (leave >= reached["anniversary"]).to_numpy()
    leave_month = month_index(leave).to_numpy(dtype="float64", na_value=np.inf)
    survived = np.where(left_after, leave_month - start, np.inf)
    return [
        (k, int((observed_for >= k).sum()), int(((observed_for >= k) & (survived > k)).sum()))
        for k in range(int(observed_for.max()) + 1)
    ]


def compute(facts: Facts, scopes: Scopes,
            out: Results) -> tuple[list[Payment], list[tuple[int, int, int]]]:
    """The scheme's KPIs; returns the payment schedule and the retention curve to store."""
    settings = facts.settings
    scheme = settings.retention_scheme
    year = settings.financial_year(facts.period.financial_year)
    on_cost = 1 + settings.on_cost_rate
    workers = eligible_workers(facts)
    payments = payment_schedule(facts, workers)
    ytd = facts.year_to_date()
    loaded = [p for p in ytd if facts.loaded(p)]
    ytd_keys = {str(p) for p in loaded}
    history = {"window_months": len(ytd), "history_months": len(loaded),
               "source_load_ids": facts.load_ids(loaded)}

    def paid(periods: set[str], status: str = "due") -> float:
        return sum(p.amount_pence for p in payments
                   if p.status == status and p.due_period in periods)

    due_now = paid({str(facts.period)})
    payments_ytd = paid(ytd_keys)
    supplements = supplements_pence(facts, loaded)
    supplements_now = supplements.get(facts.period, 0.0)
    supplements_ytd = sum(supplements.values())
    rest_of_year = period_range(facts.period.shift(1), Period(facts.period.financial_year + 1, 3))
    forecast_rest = (paid({str(p) for p in rest_of_year}, "forecast")
                     + supplements_now * len(rest_of_year))
    cost_ytd = round((payments_ytd + supplements_ytd) * on_cost) / 100
    forecast = round((payments_ytd + supplements_ytd + forecast_rest) * on_cost) / 100

    out.level("retention_payments_due_gbp", scopes.council(due_now / 100))
    out.level("retention_payments_ytd_gbp", scopes.council(payments_ytd / 100), **history)
    out.level("market_supplement_cost_gbp", scopes.council(round(supplements_now) / 100))
    out.level("scheme_cost_ytd_gbp", scopes.council(cost_ytd), **history)
    out.level("scheme_cost_forecast_gbp", scopes.council(forecast), **history)
    out.level("scheme_budget_gbp", scopes.council(year.scheme_budget_gbp))
    out.level("scheme_budget_variance_gbp",
              scopes.council(round(forecast - year.scheme_budget_gbp, 2)), **history)

    reached = workers[workers["anniversary"] <= facts.snapshot]
    out.level("retention_eligible_headcount", scopes.council(len(reached)))
    year_on = reached[reached["anniversary"] <= years_before(facts.snapshot, 1)]
    out.rate("retention_after_payment_rate", scopes.council(int(year_on["in_post"].sum())),
             scopes.council(len(year_on)))

    sw = social_workers_in_post(facts.hr_of(facts.period))
    eligible_sw = sw[sw["role"].isin(scheme.eligible_roles)]
    leavers = leavers_in_window(facts)
    out.rate("turnover_rate_eligible_group",
             scopes.council(leavers.loc[leavers["role"].isin(scheme.eligible_roles),
                                        "fte"].sum()),
             scopes.council(eligible_sw["fte"].sum()), **window_history(facts))
    stability_index(facts, scopes.council_scope(), out, "stability_index_eligible_group",
                    eligible_sw, scheme.eligible_roles)
    return payments, retention_curve(facts, workers)
