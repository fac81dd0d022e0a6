"""The recruitment and retention scheme: retention payments, market supplements, the scheme's
cost against its budget, and the eligible group's retention (the impact review)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from workforce.kpis.facts import (
    Facts,
    in_post,
    social_workers_in_post,
    years_before,
)
from workforce.kpis.values import Results, Scopes
from workforce.kpis.workforce import leavers_in_window, stability_index, window_history
from workforce.periods import Period, period_range

MONTHS_IN_YEAR = 12


@dataclass(frozen=True)
class Payment:
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
    rows = history[history["role"].isin(scheme.eligible_roles)].copy()
    # A returner's new service start gives a new anniversary: the latest start counts.
    rows = rows.sort_values(["period", "service_start_date"])
    latest = rows.groupby("worker_ref").tail(1).set_index("worker_ref")
    # DateOffset takes 29 February to 28 February in a common year, as HR systems do.
    anniversary = latest["service_start_date"] + pd.DateOffset(years=scheme.qualifying_years)
    workers = pd.DataFrame({
        "anniversary": anniversary,
        "option": latest["retention_option"].fillna(scheme.default_option).replace(
            "", scheme.default_option),
    })
    workers = workers[workers["anniversary"] >= pd.Timestamp(scheme.start_date)]
    first_loaded = history["period"].min() if not history.empty else None
    rows = rows.merge(workers[["anniversary"]], left_on="worker_ref", right_index=True)
    month_of = rows["anniversary"].dt.strftime("%Y-%m")
    confirmed = rows[(rows["period"] == month_of)
                     | ((month_of < first_loaded) & (rows["period"] >= month_of))]
    now = in_post(facts.hr_of(facts.period), facts.snapshot)
    in_role_now = set(now.loc[now["role"].isin(scheme.eligible_roles), "worker_ref"])
    workers["eligible"] = workers.index.isin(set(confirmed["worker_ref"]))
    workers["in_post"] = workers.index.isin(set(now["worker_ref"]))
    future = workers["anniversary"] > facts.snapshot
    workers.loc[future, "eligible"] = workers.index[future].isin(in_role_now)
    return workers[workers["eligible"]]


def payment_schedule(facts: Facts) -> list[Payment]:
    """Every payment of every eligible worker: made (due), missed because they had left
    (forfeited), still to come (forecast) or in a month that is not loaded."""
    scheme = facts.settings.retention_scheme
    history = facts.eligibility_history
    month_rows = history.groupby("period")
    present: dict[str, set[str]] = {}
    for period, rows in month_rows:
        start = pd.Timestamp(Period.parse(period).start)
        present[period] = set(rows.loc[rows["leave_date"].isna() | (rows["leave_date"] >= start),
                                       "worker_ref"])
    payments = []
    for worker_ref, worker in eligible_workers(facts).iterrows():
        first = Period.containing(worker["anniversary"].date())
        if worker["option"] == "lump_sum":
            amounts = [scheme.lump_sum_gbp]
        else:
            amounts = list(scheme.instalments_gbp)
        for number, amount in enumerate(amounts, start=1):
            due = first.shift((number - 1) * scheme.instalment_interval_months)
            if due > facts.period:
                status = "forecast" if worker["in_post"] else "forfeited"
            elif str(due) not in present:
                status = "not_loaded"
            else:
                status = "due" if worker_ref in present[str(due)] else "forfeited"
            payments.append(Payment(str(worker_ref), number, str(due), round(amount * 100),
                                    status))
    return sorted(payments, key=lambda p: (p.due_period, p.worker_ref, p.instalment))


def supplements_pence(facts: Facts, period: Period) -> float:
    """Market supplements for a month: annual amount × FTE ÷ 12 for those in post at its end
    in a role that attracts one."""
    rates = facts.settings.supplements(period.financial_year)
    staff = in_post(facts.hr_of(period), pd.Timestamp(period.end))
    annual = staff["role"].map(rates).astype("float64").fillna(0.0)
    return float((annual * 100 * staff["fte"] / MONTHS_IN_YEAR).sum())


def retention_curve(facts: Facts) -> list[tuple[int, int, int]]:
    """(months since eligibility, workers observed that long, of whom still in post)."""
    workers = eligible_workers(facts)
    workers = workers[workers["anniversary"] <= facts.snapshot]
    history = facts.eligibility_history
    left = history.dropna(subset=["leave_date"]).groupby("worker_ref")["leave_date"].max()
    curve = []
    longest = max((_months_between(a, facts.period) for a in workers["anniversary"]), default=-1)
    for months in range(longest + 1):
        observed = in_post_count = 0
        for worker_ref, anniversary in workers["anniversary"].items():
            month = Period.containing(anniversary.date()).shift(months)
            if month > facts.period:
                continue
            observed += 1
            leave = left.get(worker_ref)
            in_post_count += pd.isna(leave) or leave < anniversary or leave > pd.Timestamp(
                month.end)
        curve.append((months, observed, in_post_count))
    return curve


def _months_between(day: pd.Timestamp, period: Period) -> int:
    return (period.year - day.year) * 12 + period.month - day.month


def compute(facts: Facts, scopes: Scopes, out: Results) -> list[Payment]:
    settings = facts.settings
    scheme = settings.retention_scheme
    year = settings.financial_year(facts.period.financial_year)
    on_cost = 1 + settings.on_cost_rate
    payments = payment_schedule(facts)
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
    supplements_now = supplements_pence(facts, facts.period)
    supplements_ytd = sum(supplements_pence(facts, p) for p in loaded)
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

    workers = eligible_workers(facts)
    reached = workers[workers["anniversary"] <= facts.snapshot]
    out.level("retention_eligible_headcount", scopes.council(len(reached)))
    year_on = reached[reached["anniversary"] <= years_before(facts.snapshot, 1)]
    out.rate("retention_after_payment_rate", scopes.council(int(year_on["in_post"].sum())),
             scopes.council(len(year_on)))

    sw = social_workers_in_post(facts.hr_of(facts.period), facts.snapshot)
    eligible_sw = sw[sw["role"].isin(scheme.eligible_roles)]
    leavers = leavers_in_window(facts)
    out.rate("turnover_rate_eligible_group",
             scopes.council(leavers.loc[leavers["role"].isin(scheme.eligible_roles),
                                        "fte"].sum()),
             scopes.council(eligible_sw["fte"].sum()), **window_history(facts))
    stability_index(facts, scopes.council_scope(), out, "stability_index_eligible_group",
                    eligible_sw, scheme.eligible_roles)
    return payments
