"""The DfE's annual measures at 30 September from a census return, through the same formulas
as the monthly data (``workforce.kpis.dfe``): only the counts come from the return.

How the return's items become the counts (docs/kpi-definitions.md, "The census"):
- social workers in post: `AgencyWorker` 0, started by the reference date and not ended by
  it, at their FTE then: `FTE` (0 for a leaver), or `FTE30` where a record gives no `FTE`;
- starters and leavers: `AgencyWorker` 0 with `RoleStartDate` / `RoleEndDate` in the year to
  the reference date (1 October to 30 September), at their FTE in the role: `FTE30` (at
  leaving, for a leaver), or `FTE` where a record gives no `FTE30`;
- agency workers: `AgencyWorker` 1 records in post at the reference date, at their FTE then
  (as above); agency workers covering vacancies and vacancies: the LA-level `NoAgencyFTE`
  and `NumberOfVacancies`;
- caseload: `Cases30` over the `FTE` of the workers in post holding cases (agency ones too);
- absence: `WorkingDaysLost` of the council's workers over the in-post FTE × the year's
  working days (254 when the year holds 29 February).
A return says nothing of teams, so its measures are the council's.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from workforce.census.read import CensusReturn
from workforce.config import AuthorityConfig
from workforce.kpis import dfe
from workforce.kpis.facts import contains_leap_day, years_before
from workforce.kpis.targets import with_targets
from workforce.kpis.values import KpiRow, Results, Scopes
from workforce.kpis.workforce import WINDOW_MONTHS


def census_period(year: int) -> str:
    """The month a return's measures are stored for: its September."""
    return f"{year}-09"


def census_kpis(census: CensusReturn, worker_refs: list[str | None], authority_code: str,
                load_id: str, settings: AuthorityConfig) -> list[KpiRow]:
    """The return's council measures, ``worker_refs`` being its workers' pseudonyms (a
    person counted once however many records)."""
    workers = _frame(census, worker_refs)
    day = pd.Timestamp(census.reference_date)
    year_start = years_before(day, 1)  # the year is (year_start, day]
    started = workers["role_start_date"].isna() | (workers["role_start_date"] <= day)
    in_post = started & (workers["role_end_date"].isna() | (workers["role_end_date"] > day))
    council = workers[~workers["agency_worker"]]
    employees = council[in_post[~workers["agency_worker"]]]
    agency = workers[workers["agency_worker"] & in_post]
    leavers = council[_within(council["role_end_date"], year_start, day)]
    starters = council[_within(council["role_start_date"], year_start, day)]
    holders = pd.concat([employees, agency])
    holders = holders[holders["cases30"].fillna(0) > 0]

    scopes = Scopes(authority_code, (), {})
    sums = {name: scopes.council(value) for name, value in {
        "sw_fte": employees["fte"].sum(), "sw_headcount": employees["ref"].nunique(),
        "agency_fte": agency["fte"].sum(), "agency_headcount": agency["ref"].nunique(),
        "vacancy_fte": census.la_level.vacancies_fte,
        "agency_cover_fte": census.la_level.agency_fte,
    }.items()}
    in_post_counts = dfe.InPost(**sums)
    days = (settings.working_days_leap if contains_leap_day(year_start, day)
            else settings.working_days)
    flows = dfe.Flows(
        starters_fte=scopes.council(starters["fte30"].sum()),
        starters_headcount=scopes.council(starters["ref"].nunique()),
        leavers_fte=scopes.council(leavers["fte30"].sum()),
        leavers_headcount=scopes.council(leavers["ref"].nunique()),
        days_lost=scopes.council(council["working_days_lost"].sum()),
        working_days=days,
        history={"window_months": WINDOW_MONTHS, "history_months": WINDOW_MONTHS},
    )
    out = Results(authority_code, census_period(census.year), load_id, [], source="census")
    dfe.in_post_measures(in_post_counts, out)
    dfe.flow_measures(flows, in_post_counts, out)
    dfe.caseload_average(scopes.council(holders["cases30"].sum()),
                         scopes.council(holders["fte"].sum()), out)
    return with_targets(out.rows, settings.targets)


def _frame(census: CensusReturn, worker_refs: list[str | None]) -> pd.DataFrame:
    workers = census.workers
    frame = pd.DataFrame({
        "agency_worker": [w.agency_worker for w in workers],
        # A record without a reference is a person of its own.
        "ref": [ref or f"line {w.line}" for w, ref in zip(workers, worker_refs, strict=True)],
        "role_start_date": _dates([w.role_start_date for w in workers]),
        "role_end_date": _dates([w.role_end_date for w in workers]),
        # The FTE at the reference date, and in the role (at leaving, for a leaver).
        "fte": [w.fte if w.fte is not None else w.fte30 for w in workers],
        "fte30": [w.fte30 if w.fte30 is not None else w.fte for w in workers],
        "cases30": [w.cases30 for w in workers],
        "working_days_lost": [w.working_days_lost for w in workers],
    })
    numbers = ["fte", "fte30", "cases30", "working_days_lost"]
    frame[numbers] = frame[numbers].astype("float64")
    return frame.astype({"agency_worker": bool})


def _dates(values: list[dt.date | None]) -> pd.Series:
    return pd.to_datetime(pd.Series(values, dtype="object"))


def _within(dates: pd.Series, after: pd.Timestamp, until: pd.Timestamp) -> pd.Series:
    return (dates > after) & (dates <= until)
