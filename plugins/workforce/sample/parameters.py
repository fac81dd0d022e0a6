"""The simulation's reference data: the monthly chances of starting, leaving and agency
cover, the service areas and their teams, the roles' pay, ages and caseloads, the agency
suppliers, and the weights the people's details and the census columns are drawn by.

Declarative only: :mod:`workforce.sample.council` and :mod:`workforce.sample.rows` draw
by these; nothing here draws or writes.
"""

from __future__ import annotations

from dataclasses import dataclass

FULL_TIME_HOURS = 37.0  # a full-time week, by which a locum's hours count as FTE

# Monthly chances. The steady state is fill ÷ (fill + leave) ≈ 86% of posts filled, and
# cover ÷ (cover + cover end + fill) ≈ 75% of empty posts covered by agency; with part-time
# gaps and frozen posts that is a vacancy rate near 18%, an agency rate near 13% and FTE
# turnover near 15% a year.
INITIAL_FILL = 0.86
INITIAL_COVER = 0.8
LEAVE_CHANCE = 0.0105
FIXED_TERM_LEAVE_CHANCE = 0.02
FILL_CHANCE = 0.08
COVER_CHANCE = 0.6
COVER_END_CHANCE = 0.05
PART_TIME_CHANCE = 0.08
RETURNER_CHANCE = 0.05  # a starter is a former employee coming back
OVER_ESTABLISHMENT_SHARE = 0.025  # agency workers without a post, per post
LONG_SICKNESS_CHANCE = 0.004
OTHER_HOURS = (30.0, 32.5, 35.0, 37.5, 40.0, 42.0, 45.0)  # timesheets that are not 37 hours

# Many councils (a region, or all 153 in England): establishment sizes drawn around the
# national picture, about 230 posts at the median, from small unitaries near 60 to counties
# over 1,000, so 153 councils hold some 42,000 posts: ~35,000 social workers in post and
# ~6,000 agency workers.
MEDIAN_POSTS = 230
POSTS_SPREAD = 0.6  # standard deviation of log(posts)
POSTS_RANGE = (60, 1200)


@dataclass(frozen=True)
class Area:
    code: str
    name: str
    team_names: tuple[str, ...]  # the first min_teams are always created
    min_teams: int
    size: float  # relative posts per team
    cases: float  # open cases per case-holding FTE
    split: tuple[float, float, float]  # shares of child protection, looked after, in need


AREAS: tuple[Area, ...] = (
    Area("AS", "Assessment", tuple(f"Assessment {p}" for p in ("North", "South", "East",
         "West")), 3, 1.2, 19.5, (0.15, 0.05, 0.80)),
    Area("CP", "Child Protection", tuple(f"Child Protection {p}" for p in ("North", "South",
         "East", "West", "Central")), 3, 1.1, 17.0, (0.60, 0.10, 0.30)),
    Area("LA", "Children Looked After", tuple(f"Children Looked After {p}" for p in ("North",
         "South", "East", "West")), 3, 1.0, 15.0, (0.05, 0.90, 0.05)),
    Area("LC", "Leaving Care", ("Leaving Care North", "Leaving Care South", "Care Leavers 16+"),
         2, 0.8, 17.0, (0.0, 0.50, 0.50)),
    Area("FO", "Fostering", ("Fostering Assessment", "Fostering Support", "Kinship Care"),
         2, 0.7, 11.0, (0.0, 1.0, 0.0)),
    Area("MA", "MASH", ("MASH", "MASH Early Help"), 1, 0.9, 14.0, (0.10, 0.0, 0.90)),
)


@dataclass(frozen=True)
class RoleSpec:
    grade: str
    cost: tuple[float, float]  # annual cost incl. on-costs at 1 FTE: lowest, highest point
    qualified: bool
    case_holding: float  # share of post holders who carry cases
    caseload: float  # relative to the area's cases per FTE
    agency_uplift: float  # £/hour over the supplier's social worker rate
    age: tuple[float, float]  # mean and sd at appointment
    service_months: float  # mean continuous service of the staff in post at the start


ROLE_SPECS: dict[str, RoleSpec] = {
    "social_worker": RoleSpec("SW1", (44_800, 51_600), True, 0.96, 1.0, 0.0, (31, 7), 40),
    "senior_social_worker": RoleSpec("SW2", (52_200, 58_400), True, 0.92, 1.0, 3.0, (38, 8), 80),
    "advanced_practitioner": RoleSpec("AP", (58_300, 63_600), True, 0.5, 0.6, 5.0, (43, 8), 110),
    "team_manager": RoleSpec("TM", (65_500, 71_800), True, 0.0, 0.0, 18.0, (45, 8), 120),
    "service_manager": RoleSpec("SM", (72_000, 75_900), True, 0.0, 0.0, 25.0, (48, 7), 150),
    "other": RoleSpec("SWA", (33_400, 38_200), False, 0.0, 0.0, -12.0, (36, 10), 60),
}
CASE_ROLES = ("social_worker", "senior_social_worker", "advanced_practitioner")

SUPPLIERS = (
    "Meridian Social Care Recruitment",
    "Pennine Locum Partners",
    "Keystone Children's Services Staffing",
    "Harbour Social Work Ltd",
    "Oakfield Professional Recruitment",
    "Northbridge Care Staffing",
)
LEAVING_WEIGHTS = {
    "resignation": 0.56,
    "retirement": 0.08,
    "end_of_contract": 0.06,
    "dismissal": 0.03,
    "redundancy": 0.01,
    "transfer": 0.07,
    "other": 0.10,
    "unknown": 0.09,
}
GENDER_WEIGHTS = {"female": 0.82, "male": 0.155, "other": 0.005, "not_known": 0.01, "": 0.01}
ETHNICITY_WEIGHTS = {
    "White British": 0.60,
    "White Irish": 0.02,
    "White Other": 0.05,
    "Black African": 0.10,
    "Black Caribbean": 0.04,
    "Asian Indian": 0.03,
    "Asian Pakistani": 0.04,
    "Asian Bangladeshi": 0.01,
    "Mixed White and Black Caribbean": 0.02,
    "Mixed Other": 0.01,
    "Chinese": 0.005,
    "Any other ethnic group": 0.01,
    "Prefer not to say": 0.025,
    "": 0.04,
}
RETENTION_WEIGHTS = {"lump_sum": 0.45, "instalments": 0.35, "": 0.20}
# The census-only columns (the DfE's codes): drawn from a hash of the council, the person and
# the item, never from the simulation's generator, so the other columns are as before.
QUALIFICATION_WEIGHTS = {"1": 0.55, "2": 0.4, "3": 0.05}
START_ORIGIN_WEIGHTS = {"1": 0.2, "2": 0.3, "3": 0.04, "4": 0.16, "5": 0.06, "6": 0.1,
                        "7": 0.06, "8": 0.03, "9": 0.05}
DESTINATION_WEIGHTS = {"1": 0.3, "2": 0.03, "3": 0.2, "4": 0.1, "5": 0.07, "6": 0.12,
                       "7": 0.06, "8": 0.12}
STEP_UP_SHARE, FRONTLINE_SHARE = 0.04, 0.07
INSTITUTIONS = {"University of Salford": 0.2, "Manchester Metropolitan University": 0.25,
                "University of Central Lancashire": 0.15, "Lancaster University": 0.1,
                "Liverpool John Moores University": 0.15, "The Open University": 0.15}
SALARY_ON_COSTS = 1.3  # the establishment's annual cost over the base salary
ABSENT_DAYS = 15  # a month's sickness from which the worker is absent at the month end
