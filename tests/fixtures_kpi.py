"""A hand-built council ("HND") over 13 months, March 2024 to March 2025, small enough that
every KPI in docs/kpi-definitions.md can be worked out by hand (tests/test_kpis_fixture.py
does the arithmetic).

The story, by post (team CP01 = "Child Protection North", service area Child Protection;
team AS01 = "Assessment East", service area Assessment):

    post team role                  budget  annual £  funded status    held by
    P01  CP01 social_worker           1.0    48,000   Y      active    E01 1.0 (all months)
    P02  CP01 social_worker           1.0    48,000   Y      active    E02 1.0 (all months)
    P03  CP01 social_worker           1.0    48,000   Y      active    E03 1.0 until 2024-06-14;
                                                                       vacant Jul-Sep (agency
                                                                       AG01); E09 from
                                                                       2024-10-07 at 0.8, 1.0
                                                                       from January 2025
    P04  CP01 senior_social_worker    1.0    55,200   Y      active    E04 0.6; agency AG03
                                                                       (placed 2023-10-02)
    P05  CP01 team_manager            1.0    72,000   Y      active    E05 1.0
    P06  CP01 social_worker           1.0    48,000   Y      frozen*   E15 until 2024-03-28
    P07  CP01 other                   1.0    30,000   Y      active    E06 (not a qualified SW)
    P08  AS01 advanced_practitioner   1.0    52,800   Y      active    E07 0.5, leaves on
                                                                       2025-03-31; agency AG01
                                                                       in March 2025
    P09  AS01 social_worker           1.0    48,000   Y      active    E08 0.4 (all months) +
                                                                       E12 0.6 2024-04-01 to
                                                                       2024-12-20
    P10  AS01 senior_social_worker    1.0    55,200   Y      active    E10 0.9
    P11  AS01 team_manager            1.0    72,000   Y      active    E11 1.0
    P12  AS01 social_worker           0.5    24,000   Y      active    E08 0.6 (over-filled)
    P13  AS01 social_worker           1.0    48,000   Y      deleted   nobody
    P14  AS01 social_worker           1.0    48,000   N      active    E13 1.0 (unfunded post)

    * P06 is active in March 2024 and frozen from April 2024.

E08 is the one worker with two part-time assignments (P09 0.4 + P12 0.6 = 1.0 FTE).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from conftest import write_month
from workforce.periods import Period, period_range

AUTHORITY = "HND"
FIRST = Period(2024, 3)
LAST = Period(2025, 3)
PERIODS = period_range(FIRST, LAST)  # 13 months

TEAMS = {
    "CP01": ("Child Protection North", "Child Protection"),
    "AS01": ("Assessment East", "Assessment"),
}

# post, team, role, budgeted FTE, annual cost £, funded, status
POSTS = [
    ("P01", "CP01", "social_worker", "1", "48000.00", "Y", "active"),
    ("P02", "CP01", "social_worker", "1", "48000.00", "Y", "active"),
    ("P03", "CP01", "social_worker", "1", "48000.00", "Y", "active"),
    ("P04", "CP01", "senior_social_worker", "1", "55200.00", "Y", "active"),
    ("P05", "CP01", "team_manager", "1", "72000.00", "Y", "active"),
    ("P06", "CP01", "social_worker", "1", "48000.00", "Y", "frozen"),
    ("P07", "CP01", "other", "1", "30000.00", "Y", "active"),
    ("P08", "AS01", "advanced_practitioner", "1", "52800.00", "Y", "active"),
    ("P09", "AS01", "social_worker", "1", "48000.00", "Y", "active"),
    ("P10", "AS01", "senior_social_worker", "1", "55200.00", "Y", "active"),
    ("P11", "AS01", "team_manager", "1", "72000.00", "Y", "active"),
    ("P12", "AS01", "social_worker", "0.5", "24000.00", "Y", "active"),
    ("P13", "AS01", "social_worker", "1", "48000.00", "Y", "deleted"),
    ("P14", "AS01", "social_worker", "1", "48000.00", "N", "active"),
]


@dataclass(frozen=True)
class Assignment:
    employee: str
    post: str
    team: str
    role: str
    fte: float
    start: str  # service_start_date
    leave: str = ""
    reason: str = ""
    qualified: str = "Y"
    case_holding: str = "Y"
    contract: str = "permanent"
    option: str = ""  # retention_option
    fte_by_period: dict[str, float] = field(default_factory=dict)

    def present(self, period: Period) -> bool:
        """On the month's extract: started by the month end, not left before the month."""
        started = dt.date.fromisoformat(self.start) <= period.end
        return started and (not self.leave or dt.date.fromisoformat(self.leave) >= period.start)

    def leaves_in(self, period: Period) -> bool:
        return bool(self.leave) and Period.containing(dt.date.fromisoformat(self.leave)) == period


STAFF = [
    # E01 reaches two years' service on 2025-03-10 (retention lump sum, blank option → default).
    Assignment("E01", "P01", "CP01", "social_worker", 1.0, "2023-03-10"),
    # E02 reached two years on 2024-03-18; chose the lump sum; holds 22 cases (over 20).
    Assignment("E02", "P02", "CP01", "social_worker", 1.0, "2022-03-18", option="lump_sum"),
    # E03 reached two years on 2024-03-04 (instalments), resigned 2024-06-14.
    Assignment("E03", "P03", "CP01", "social_worker", 1.0, "2022-03-04", leave="2024-06-14",
               reason="resignation", option="instalments"),
    Assignment("E04", "P04", "CP01", "senior_social_worker", 0.6, "2015-01-05"),
    Assignment("E05", "P05", "CP01", "team_manager", 1.0, "2012-09-03", case_holding="N"),
    Assignment("E06", "P07", "CP01", "other", 1.0, "2020-01-06", qualified="N",
               case_holding="N"),
    # E07 retires on the snapshot date itself.
    Assignment("E07", "P08", "AS01", "advanced_practitioner", 0.5, "2021-02-01",
               leave="2025-03-31", reason="retirement"),
    # E08: two part-time assignments.
    Assignment("E08", "P09", "AS01", "social_worker", 0.4, "2018-06-04"),
    Assignment("E08", "P12", "AS01", "social_worker", 0.6, "2018-06-04"),
    # E09 starts 2024-10-07 at 0.8 FTE, full time from January 2025.
    Assignment("E09", "P03", "CP01", "social_worker", 1.0, "2024-10-07",
               fte_by_period={"2024-10": 0.8, "2024-11": 0.8, "2024-12": 0.8}),
    Assignment("E10", "P10", "AS01", "senior_social_worker", 0.9, "2023-09-04"),
    # E11: flagged not case holding, but the case system gives them 4 open cases.
    Assignment("E11", "P11", "AS01", "team_manager", 1.0, "2016-04-11", case_holding="N"),
    # E12: fixed-term, starts on the first day of the window, leaves 2024-12-20.
    Assignment("E12", "P09", "AS01", "social_worker", 0.6, "2024-04-01", leave="2024-12-20",
               reason="end_of_contract", contract="fixed_term"),
    # E13 reaches two years on 2024-11-14 (instalments); sits in the unfunded post P14.
    Assignment("E13", "P14", "AS01", "social_worker", 1.0, "2022-11-14", option="instalments"),
    # E15 resigned 2024-03-28: before the window, but in post at none of its month ends.
    Assignment("E15", "P06", "CP01", "social_worker", 1.0, "2020-02-03", leave="2024-03-28",
               reason="resignation"),
]

# (employee, post, period) → sickness days on that row.
SICKNESS = {
    ("E01", "P01", "2024-03"): 1,  # before the window: not counted
    ("E15", "P06", "2024-03"): 2,  # before the window: not counted
    ("E03", "P03", "2024-05"): 4,
    ("E08", "P09", "2024-07"): 1,
    ("E08", "P12", "2024-07"): 1,
    ("E06", "P07", "2024-08"): 5,  # not a social worker: not counted
    ("E01", "P01", "2024-11"): 3,
    ("E10", "P10", "2025-02"): 2,
    ("E07", "P08", "2025-03"): 1.5,
}

# Open cases per employee, the same every month they are on the case system's extract.
CASES = {"E01": 18, "E02": 22, "E03": 13, "E04": 12, "E07": 6, "E08": 15, "E09": 14,
         "E10": 10, "E11": 4, "E12": 11, "E13": 16}

SUPPLIER_A = "Acme Social Care"
SUPPLIER_B = "Brightcare"


@dataclass(frozen=True)
class Line:
    worker: str
    supplier: str
    team: str
    role: str
    post: str
    week_ending: dt.date
    hours: float
    rate: str  # £ per hour, 2 decimals
    placement_start: str
    qualified: str = "Y"


def fridays(period: Period) -> list[dt.date]:
    days = (period.start + dt.timedelta(days=i) for i in range(period.end.day))
    return [d for d in days if d.weekday() == 4]


def agency_lines(period: Period) -> list[Line]:
    march = period == LAST
    weeks = fridays(period) if march else fridays(period)[-1:]
    lines: list[Line] = []
    # AG03: long placement (since 2023-10-02) covering part of P04, 15 h a week at £50.
    lines += [Line("AG03", SUPPLIER_A, "CP01", "senior_social_worker", "P04", w, 15, "50.00",
                   "2023-10-02") for w in weeks]
    if Period(2024, 7) <= period <= Period(2024, 9):
        # AG01 covers the vacant P03, one 37 h week a month at £45.
        lines.append(Line("AG01", SUPPLIER_A, "CP01", "social_worker", "P03", weeks[-1], 37,
                          "45.00", "2024-07-01"))
    if Period(2024, 11) <= period <= Period(2025, 2):
        # AG02: over establishment (no post), one 30 h week a month at £40.
        lines.append(Line("AG02", SUPPLIER_B, "CP01", "social_worker", "", weeks[-1], 30,
                          "40.00", "2024-11-04"))
    if march:
        # Week endings 7, 14, 21 and 28 March 2025.
        lines += [Line("AG01", SUPPLIER_A, "AS01", "advanced_practitioner", "P08", w, 37,
                       "45.00", "2025-03-03") for w in weeks]
        lines += [Line("AG02", SUPPLIER_B, "CP01", "social_worker", "", w, 30, "40.00",
                       "2024-11-04") for w in weeks[:3]]
        lines.append(Line("AG04", SUPPLIER_B, "AS01", "other", "", weeks[-1], 20, "25.00",
                          "2025-01-06", qualified="N"))
        lines.append(Line("AG05", SUPPLIER_A, "CP01", "social_worker", "P01", weeks[-1], 37,
                          "42.00", "2025-03-24"))
    return lines


# Agency open cases, March 2025 only (AG05 is listed with none).
AGENCY_CASES_MARCH = {"AG01": 9, "AG03": 5, "AG05": 0}


def month_rows(period: Period) -> dict[str, list[dict[str, str]]]:
    key = str(period)
    establishment = [
        {"post_id": post, "team_code": team, "team_name": TEAMS[team][0],
         "service_area": TEAMS[team][1], "role": role, "grade": "",
         "budgeted_fte": budget, "annual_cost_gbp": cost, "funded": funded,
         "status": "active" if post == "P06" and period == FIRST else status}
        for post, team, role, budget, cost, funded, status in POSTS
    ]
    hr_staff = []
    caseloads = []
    for a in STAFF:
        if not a.present(period):
            continue
        leaving = a.leaves_in(period)
        sickness = SICKNESS.get((a.employee, a.post, key))
        hr_staff.append({
            "employee_id": a.employee, "post_id": a.post, "team_code": a.team,
            "role": a.role, "grade": "", "fte": f"{a.fte_by_period.get(key, a.fte):g}",
            "contract_type": a.contract, "qualified_sw": a.qualified,
            "case_holding": a.case_holding, "service_start_date": a.start,
            "role_start_date": "", "leave_date": a.leave if leaving else "",
            "leaving_reason": a.reason if leaving else "",
            "sickness_days": "" if sickness is None else f"{sickness:g}",
            "birth_date": "", "gender": "", "ethnicity": "", "retention_option": a.option,
        })
        # The case system lists workers at the month end; E07 is still listed on 31 March
        # 2025, their last day (a leaver on the snapshot date is not in post: not counted).
        on_case_list = not leaving or (a.employee == "E07" and period == LAST)
        listed = {c["worker_ref"] for c in caseloads}
        if a.employee in CASES and on_case_list and a.employee not in listed:
            caseloads.append({"worker_ref": a.employee, "worker_type": "employee",
                              "open_cases": str(CASES[a.employee]), "cp_cases": "",
                              "cla_cases": "", "cin_cases": ""})
    agency = []
    for n, line in enumerate(agency_lines(period), start=1):
        cost = f"{line.hours * float(line.rate):.2f}"
        agency.append({
            "line_id": f"{key}-L{n:02d}", "worker_ref": line.worker, "supplier": line.supplier,
            "team_code": line.team, "role": line.role, "post_id": line.post,
            "week_ending": line.week_ending.isoformat(), "hours": f"{line.hours:g}",
            "charge_rate_gbp": line.rate, "line_cost_gbp": cost,
            "placement_start_date": line.placement_start, "qualified_sw": line.qualified,
        })
    if period == LAST:
        caseloads += [{"worker_ref": ref, "worker_type": "agency", "open_cases": str(n),
                       "cp_cases": "", "cla_cases": "", "cin_cases": ""}
                      for ref, n in AGENCY_CASES_MARCH.items()]
    return {"establishment": establishment, "hr_staff": hr_staff, "agency_spend": agency,
            "caseloads": caseloads}


def write_months(root: Path, periods: list[Period] = PERIODS) -> dict[Period, Path]:
    """Write the months' CSV folders under ``root``; returns each month's folder."""
    return {p: write_month(root, month_rows(p), authority=AUTHORITY, period=p) for p in periods}
