"""Workforce measures: the DfE set (in post, vacancies, agency, turnover, absence) and the
local establishment, stability and experience measures."""

from __future__ import annotations

import pandas as pd

from workforce.kpis import dfe
from workforce.kpis.facts import (
    WINDOW_MONTHS,
    Facts,
    contains_leap_day,
    largest_assignment_first,
    months_of,
    social_work_posts,
    social_workers_in_post,
    years_before,
)
from workforce.kpis.values import Results, Scopes


def post_vacancies(establishment: pd.DataFrame, hr: pd.DataFrame) -> pd.DataFrame:
    """Each funded, not deleted social work post with its vacant FTE at the end of its month
    (of one month or several): budgeted FTE less the FTE of social workers in post assigned
    to it, never below 0."""
    posts = social_work_posts(establishment)
    sw = social_workers_in_post(hr)
    # Assignments matched to posts on (month, post) as one number, posts numbered by
    # position among the distinct post ids (-1: an assignment to no social work post).
    post, ids = pd.factorize(posts["post_id"])
    assigned_to = ids.get_indexer(sw["post_id"])
    sw, assigned_to = sw[assigned_to >= 0], assigned_to[assigned_to >= 0]
    filled = sw["fte"].groupby(sw["month"].to_numpy() * len(ids) + assigned_to).sum()
    assigned = filled.reindex(posts["month"].to_numpy() * len(ids) + post,
                              fill_value=0.0).to_numpy()
    return posts.assign(vacant_fte=(posts["budgeted_fte"] - assigned).clip(lower=0.0))


def agency_lines(facts: Facts) -> pd.DataFrame:
    """The month's qualified agency lines, each with its FTE: hours ÷ (standard weekly hours ×
    the number of distinct weeks in the month)."""
    lines = facts.agency_lines()
    lines = lines[lines["qualified_sw"]]
    weeks = lines["week_ending"].nunique()
    fte = lines["hours"] / (facts.settings.standard_weekly_hours * weeks) if weeks else 0.0
    return lines.assign(fte=fte)


def in_window(dates: pd.Series, facts: Facts) -> pd.Series:
    start = pd.Timestamp(facts.period.shift(-WINDOW_MONTHS).end)
    return (dates > start) & (dates <= facts.snapshot)


def window_rows(facts: Facts) -> pd.DataFrame:
    """Social worker rows of the loaded months in the rolling 12 months."""
    hr = months_of(facts.hr, facts.window()[0], facts.period)
    return hr[hr["qualified_sw"]]


def stability_index(facts: Facts, scopes: Scopes, out: Results, kpi: str,
                    now: pd.DataFrame, roles: tuple[str, ...] | None = None) -> None:
    """Social workers in post a year ago (in ``roles``, if given) still in post in ``now``;
    not applicable when the month a year ago is not loaded."""
    year_ago = facts.period.shift(-WINDOW_MONTHS)
    history = {"window_months": WINDOW_MONTHS,
               "history_months": WINDOW_MONTHS if facts.loaded(year_ago) else 0,
               "source_load_ids": facts.load_ids([year_ago, facts.period])}
    then = social_workers_in_post(facts.hr_of(year_ago))
    if roles is not None:
        then = then[then["role"].isin(roles)]
    # A person counts once, in the team of their largest assignment.
    then = largest_assignment_first(then).drop_duplicates("worker_ref")
    stayed = then[then["worker_ref"].isin(set(now["worker_ref"]))]
    stayed_count = scopes.aggregate(stayed, "nunique", "worker_ref")
    then_count = scopes.aggregate(then, "nunique", "worker_ref")
    if not facts.loaded(year_ago):
        stayed_count = then_count = then_count * float("nan")
    out.rate(kpi, stayed_count, then_count, **history)


def window_history(facts: Facts) -> dict[str, object]:
    return {"window_months": WINDOW_MONTHS,
            "history_months": sum(facts.loaded(p) for p in facts.window()),
            "source_load_ids": facts.load_ids(facts.window())}


def leavers_in_window(facts: Facts) -> pd.DataFrame:
    """Social work assignments that ended in the rolling 12 months, each once, with the FTE
    and team at leaving."""
    rows = window_rows(facts).iloc[::-1]  # latest month first (facts are in month order)
    return rows[in_window(rows["leave_date"], facts)].drop_duplicates(
        ["worker_ref", "post_id", "leave_date"])


def compute(facts: Facts, scopes: Scopes, out: Results) -> None:
    d = facts.snapshot
    month_hr = facts.hr_of(facts.period)
    sw = social_workers_in_post(month_hr)
    sw_fte = scopes.aggregate(sw, "sum", "fte")

    # Vacancies and establishment
    establishment = facts.establishment_of(facts.period)
    posts = post_vacancies(establishment, month_hr)
    vacancy_fte = scopes.aggregate(posts, "sum", "vacant_fte")
    establishment_fte = scopes.aggregate(posts, "sum", "budgeted_fte")
    active = social_work_posts(establishment, active_only=True)
    out.level("establishment_fte", establishment_fte)
    out.level("establishment_fte_active", scopes.aggregate(active, "sum", "budgeted_fte"))
    out.rate("establishment_vacancy_rate", vacancy_fte, establishment_fte)

    # Agency workers
    lines = agency_lines(facts)
    last_week = lines[lines["week_ending"] == lines["week_ending"].max()]
    vacant_posts = set(posts.loc[posts["vacant_fte"] > 0, "post_id"])
    out.level("agency_over_establishment_fte",
              scopes.aggregate(lines[lines["post_id"].isna()], "sum", "fte"))
    long_placed = lines[lines["placement_start_date"] < years_before(d, 1)]
    out.level("agency_long_placements", scopes.aggregate(long_placed, "nunique", "worker_ref"))
    in_post = dfe.InPost(
        sw_fte=sw_fte,
        sw_headcount=scopes.aggregate(sw, "nunique", "worker_ref"),
        vacancy_fte=vacancy_fte,
        agency_fte=scopes.aggregate(lines, "sum", "fte"),
        agency_headcount=scopes.aggregate(last_week, "nunique", "worker_ref"),
        agency_cover_fte=scopes.aggregate(lines[lines["post_id"].isin(vacant_posts)], "sum",
                                          "fte"),
    )
    dfe.in_post_measures(in_post, out)

    # Starters, leavers, turnover and absence over the rolling 12 months
    rows = window_rows(facts)
    latest_first = rows.iloc[::-1]
    starters = latest_first[in_window(latest_first["service_start_date"], facts)].drop_duplicates(
        ["worker_ref", "post_id", "service_start_date"])
    leavers = leavers_in_window(facts)
    settings = facts.settings
    year_start = pd.Timestamp(facts.period.shift(-WINDOW_MONTHS).end)
    days = settings.working_days_leap if contains_leap_day(year_start, d) else (
        settings.working_days)
    dfe.flow_measures(dfe.Flows(
        starters_fte=scopes.aggregate(starters, "sum", "fte"),
        starters_headcount=scopes.aggregate(starters, "nunique", "worker_ref"),
        leavers_fte=scopes.aggregate(leavers, "sum", "fte"),
        leavers_headcount=scopes.aggregate(leavers, "nunique", "worker_ref"),
        days_lost=scopes.aggregate(rows.fillna({"sickness_days": 0.0}), "sum", "sickness_days"),
        working_days=days,
        history=window_history(facts),
    ), in_post, out)

    stability_index(facts, scopes, out, "stability_index", sw)

    experienced = sw[sw["service_start_date"] <= years_before(d, 2)]
    out.rate("experienced_share", scopes.aggregate(experienced, "sum", "fte"), sw_fte)
