"""Caseload measures: average per case-holding FTE, holders over the threshold, the largest."""

from __future__ import annotations

import pandas as pd

from workforce.kpis.dfe import caseload_average
from workforce.kpis.facts import Facts, largest_assignment_first, social_workers_in_post
from workforce.kpis.values import Results, Scopes
from workforce.kpis.workforce import agency_lines


def case_holders(facts: Facts) -> pd.DataFrame:
    """One row per case holder at the snapshot: worker_ref, team_code, fte, open_cases.

    Employees: social workers in post flagged case-holding or holding cases (FTE summed over
    assignments, team of the largest). Agency workers: a line in the month and open cases."""
    cases = facts.caseloads
    open_cases = {
        worker_type: group.set_index("worker_ref")["open_cases"]
        for worker_type, group in cases.groupby("worker_type")
    }
    sw = social_workers_in_post(facts.hr_of(facts.period))
    employees = (
        largest_assignment_first(sw)
        .groupby("worker_ref", sort=False)
        .agg(team_code=("team_code", "first"), fte=("fte", "sum"),
             case_holding=("case_holding", "any"))
        .reset_index()
    )
    employees["open_cases"] = employees["worker_ref"].map(
        open_cases.get("employee", pd.Series(dtype="float64"))).fillna(0)
    employees = employees[employees["case_holding"] | (employees["open_cases"] > 0)]

    lines = agency_lines(facts).sort_values("week_ending")
    agency = (
        lines.groupby("worker_ref", sort=False)
        .agg(team_code=("team_code", "last"), fte=("fte", "sum"))
        .reset_index()
    )
    agency["open_cases"] = agency["worker_ref"].map(
        open_cases.get("agency", pd.Series(dtype="float64"))).fillna(0)
    agency = agency[agency["open_cases"] > 0]
    columns = ["worker_ref", "team_code", "fte", "open_cases"]
    return pd.concat([employees[columns], agency[columns]], ignore_index=True)


def compute(facts: Facts, scopes: Scopes, out: Results) -> None:
    holders = case_holders(facts)
    caseload_average(scopes.aggregate(holders, "sum", "open_cases"),
                     scopes.aggregate(holders, "sum", "fte"), out)
    over = holders[holders["open_cases"] > facts.settings.caseload_threshold]
    out.rate("caseload_over_threshold", scopes.aggregate(over, "size", "worker_ref"),
             scopes.aggregate(holders, "size", "worker_ref"))
    out.level("caseload_max", scopes.aggregate(holders, "max", "open_cases"))
