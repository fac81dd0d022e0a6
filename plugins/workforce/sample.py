"""Deterministic sample extracts for a fictional council.

A small month-by-month simulation: an establishment of posts in teams, people who start,
leave and now and then come back, agency locums covering vacancies, sickness and caseloads.
Its rates are tuned so the KPIs land near the national picture (vacancy and agency rates in
the teens, turnover about 15%, about 16 cases per case-holding FTE), so reports and tests
built on the sample look like a real council's. Every draw comes from one generator seeded
by the seed and the authority code, and everything is visited in list order, so the same
arguments always give byte-identical files.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import hashlib
import io
import itertools
import math
import re
import zipfile
from bisect import bisect
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from statistics import NormalDist

import numpy as np
import pandas as pd
from openpyxl import Workbook

from workforce.config import PROJECT_ROOT, ExtractSettings, load_authority_config
from workforce.contracts import CONTRACTS, KINDS, ColumnType
from workforce.parallel import in_processes
from workforce.periods import Period, period_range

DEFAULT_END = Period(2025, 3)
FULL_TIME_HOURS = 37.0

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
UNIFORM_BLOCK = 4096
OTHER_HOURS = (30.0, 32.5, 35.0, 37.5, 40.0, 42.0, 45.0)  # timesheets that are not 37 hours

# Many councils (a region, or all 153 in England): establishment sizes drawn around the
# national picture, about 230 posts at the median, from small unitaries near 60 to counties
# over 1,000, so 153 councils hold some 42,000 posts: ~35,000 social workers in post and
# ~6,000 agency workers.
MEDIAN_POSTS = 230
POSTS_SPREAD = 0.6  # standard deviation of log(posts)
POSTS_RANGE = (60, 1200)

Row = tuple[str, ...]  # one extract row: text cells in contract column order
# Where an agency_spend row holds what the caseloads read from the month's last week.
AGENCY_WORKER, AGENCY_WEEK, AGENCY_HOURS = (
    CONTRACTS["agency_spend"].column_names.index(c) for c in ("worker_ref", "week_ending", "hours")
)


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

# The example council whose exports come as its systems write them ("Messy Borough",
# config/MSY.yaml): each kind's file name ({month} as "Mar 2025"), found by the settings'
# `files` patterns, and the council's words for the contracts' codes, which the settings'
# `value_mapping` maps back where a word is not a code as spelled ("Live" → active).
MESSY_AUTHORITY = "MSY"
MESSY_FILES = {
    "hr_staff": "HR Staff Report {month}.xlsx",  # title rows, a footer, real date cells
    "establishment": "Establishment {month}.csv",  # semicolons, Windows-1252, £45,000.00
    "agency_spend": "Agency Timesheets {month}.txt",  # Excel's Unicode text: UTF-16, tabs
    "caseloads": "Caseloads {month}.csv",  # plain UTF-8
}
MESSY_SHEET = "Staff"
MESSY_WORDS: dict[str, dict[str, str]] = {  # code column → code → the council's word
    "role": {
        "social_worker": "Social Worker",
        "senior_social_worker": "Senior Social Worker",
        "advanced_practitioner": "Senior Practitioner",
        "team_manager": "Team Manager",
        "service_manager": "Service Manager",
        "senior_manager": "Head of Service",
        "other": "Family Support Worker",
    },
    "leaving_reason": {
        "resignation": "Resigned",
        "retirement": "Retired",
        "dismissal": "Dismissed",
        "end_of_contract": "End of Fixed Term Contract",
        "redundancy": "Redundancy",
        "transfer": "TUPE Transfer",
        "other": "Other",
        "unknown": "Not Recorded",
    },
    "status": {"active": "Live", "frozen": "Frozen", "deleted": "Deleted"},
    "worker_type": {"employee": "Staff", "agency": "Agency"},
}
# HR's job title for a social worker in their first year in post (the Assessed and
# Supported Year in Employment); other codes are written as HR systems display them.
ASYE_TITLE = "Social Worker (ASYE)"
# The HR row cells a resignation given with notice fills in a month early.
HR_KEY = (0, 1)  # employee_id, post_id
HR_LEAVE, HR_REASON = (
    CONTRACTS["hr_staff"].column_names.index(c) for c in ("leave_date", "leaving_reason")
)


@cache
def messy_settings() -> ExtractSettings:
    """The messy council's settings as shipped in ``config/MSY.yaml``: its headers, values
    and files, which :func:`write_messy_variant` writes by."""
    return load_authority_config(MESSY_AUTHORITY, PROJECT_ROOT / "config")


def __getattr__(name: str) -> object:
    # MESSY_MAPPING, the messy council's headers, is read from its settings when first asked
    # for, so the canonical sample never needs the file.
    if name == "MESSY_MAPPING":
        return messy_settings().column_mapping
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# --- the simulated council ---------------------------------------------------------------


@dataclass
class _Team:
    code: str
    name: str
    area: Area


@dataclass
class _Person:
    employee_id: str
    birth_date: dt.date
    gender: str
    ethnicity: str
    service_start: dt.date
    contract_type: str
    retention_option: str
    workload: float  # stable personal caseload factor
    sick_months_left: int = 0


@dataclass
class _Post:
    post_id: str
    team: _Team
    role: str
    budgeted_fte: float
    annual_cost: float
    funded: bool = True
    status: str = "active"
    holder: _Assignment | None = None
    cover: _Placement | None = None

    @property
    def recruiting(self) -> bool:
        return self.status == "active"

    @cached_property
    def cells(self) -> Row:
        """The establishment cells before funded and status, which can change."""
        return (self.post_id, self.team.code, self.team.name, self.team.area.name, self.role,
                ROLE_SPECS[self.role].grade, f"{self.budgeted_fte:g}", f"{self.annual_cost:.2f}")


@dataclass
class _Assignment:
    person: _Person
    post: _Post
    fte: float
    role_start: dt.date | None
    case_holding: bool
    leave_date: dt.date | None = None
    leaving_reason: str = ""

    # The HR cells that never change once the council is set up (text formatting is most of
    # the cost of a month), either side of leave date, reason and sickness days.
    @cached_property
    def cells_before_leaving(self) -> Row:
        person, post = self.person, self.post
        spec = ROLE_SPECS[post.role]
        return (person.employee_id, post.post_id, post.team.code, post.role, spec.grade,
                f"{self.fte:g}", person.contract_type, _flag(spec.qualified),
                _flag(self.case_holding), person.service_start.isoformat(), _iso(self.role_start))

    @cached_property
    def cells_after_sickness(self) -> Row:
        person = self.person
        # The retention scheme is for Social Worker Level 1 only.
        option = person.retention_option if self.post.role == "social_worker" else ""
        return (person.birth_date.isoformat(), person.gender, person.ethnicity, option)


@dataclass
class _Placement:
    worker_ref: str
    supplier: str
    rate_pence: int
    team: _Team
    role: str
    post: _Post | None  # None: over establishment
    start: dt.date
    workload: float
    end_friday: dt.date | None = None
    swe_number: str = ""

    # A timesheet line's fixed cells, either side of week ending, hours, rate and cost.
    @cached_property
    def cells_before_week(self) -> Row:
        return (self.worker_ref, self.supplier, self.team.code, self.role,
                self.post.post_id if self.post else "")

    @cached_property
    def cells_after_cost(self) -> Row:
        return (self.start.isoformat(), _flag(ROLE_SPECS[self.role].qualified),
                self.swe_number, _hashed_pick(INSTITUTIONS, self.swe_number, "institution"))


def _hashed(*parts: str) -> float:
    """A draw in [0, 1) fixed by ``parts``: the census columns, off the simulation's generator."""
    digest = hashlib.sha256("|".join(parts).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def _hashed_pick(weights: dict[str, float], *parts: str) -> str:
    keys, cumulative = _cumulative(tuple(weights.items()))
    return keys[min(bisect(cumulative, _hashed(*parts) * cumulative[-1]), len(keys) - 1)]


def _swe_prefix(code: str) -> int:
    """Four digits of the council's, so two sample councils' SWE numbers differ."""
    return 1000 + int(_hashed(code, "swe") * 9000)


def _census_cells(code: str, a: _Assignment, sick: str) -> Row:
    """swe_number ... base_salary_gbp of an assignment's row, as the contract orders them."""
    person, role = a.person, a.post.role
    spec = ROLE_SPECS[role]
    ref = person.employee_id
    salary = spec.cost[0] + _hashed(code, ref, role, "salary") * (spec.cost[1] - spec.cost[0])
    absent = float(sick or 0) >= ABSENT_DAYS
    leaving = a.leave_date is not None
    if not spec.qualified:
        registered: Row = ("", "", "", "", "")
    else:
        step_up = _hashed(code, ref, "step_up") < STEP_UP_SHARE
        frontline = not step_up and _hashed(code, ref, "frontline") < FRONTLINE_SHARE
        registered = (f"SW{_swe_prefix(code)}{int(ref[1:]):06d}",
                      _hashed_pick(INSTITUTIONS, code, ref, "institution"),
                      _hashed_pick(QUALIFICATION_WEIGHTS, code, ref, "qualification"),
                      _flag(step_up), _flag(frontline))
    return (
        *registered,
        _hashed_pick(START_ORIGIN_WEIGHTS, code, ref, person.service_start.isoformat()),
        _hashed_pick(DESTINATION_WEIGHTS, code, ref, "destination") if leaving else "",
        "",  # reason_leave: the census export maps leaving_reason
        _flag(absent), "sic" if absent else "",
        f"{round(salary / SALARY_ON_COSTS):.2f}",
    )


def _stable_seed(code: str, seed: int) -> list[int]:
    # Python's hash() of a str changes between runs, so the code is hashed with SHA-256.
    digest = hashlib.sha256(code.encode("utf-8")).digest()
    return [seed, int.from_bytes(digest[:8], "big")]


@cache
def _weekdays(period: Period) -> tuple[dt.date, ...]:
    days = calendar.monthrange(period.year, period.month)[1]
    dates = (dt.date(period.year, period.month, d) for d in range(1, days + 1))
    return tuple(d for d in dates if d.weekday() < 5)


@cache
def _fridays(period: Period) -> tuple[dt.date, ...]:
    return tuple(d for d in _weekdays(period) if d.weekday() == 4)


@cache
def _cumulative(weights: tuple[tuple[str, float], ...]) -> tuple[list[str], list[float]]:
    keys, values = zip(*weights, strict=True)
    return list(keys), list(itertools.accumulate(values))


def _age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


class _Council:
    """The council's state between months; ``month`` advances it and returns the extracts."""

    def __init__(self, code: str, first: Period, months: int, posts: int, seed: int) -> None:
        if posts < 48:
            raise ValueError(f"posts must be at least 48 to make the council's teams; got {posts}")
        self.code = code
        self.first = first
        self.months = months
        self.rng = np.random.default_rng(_stable_seed(code, seed))
        self._uniforms: list[float] = []
        self.next_post = int(self.rng.integers(1000, 9000))
        self.next_employee = int(self.rng.integers(100, 900))
        self.next_worker = int(self.rng.integers(10, 90))
        self.suppliers = self._make_suppliers()
        self.teams = self._make_teams(posts)
        self.posts: list[_Post] = []
        self.assignments: list[_Assignment] = []
        self.placements: list[_Placement] = []
        self.former: list[tuple[_Person, Period, str]] = []  # who left, when, why
        self._make_establishment(posts)
        self._initial_staff()
        self._initial_agency()

    # small helpers over the generator

    def _uniform(self) -> float:
        """A draw in [0, 1). The simulation takes a few per post a month, so they come from
        the generator in blocks: one call per draw costs more than the rest of the month."""
        if not self._uniforms:
            self._uniforms = self.rng.random(UNIFORM_BLOCK).tolist()
        return self._uniforms.pop()

    def _pick(self, weights: dict[str, float]) -> str:
        keys, cumulative = _cumulative(tuple(weights.items()))
        return keys[min(bisect(cumulative, self._uniform() * cumulative[-1]), len(keys) - 1)]

    def _chance(self, p: float) -> bool:
        return self._uniform() < p

    def _index(self, n: int) -> int:
        """A random index into a sequence of ``n`` items."""
        return int(self._uniform() * n)

    def _day_in(self, period: Period) -> dt.date:
        days = _weekdays(period)
        return days[self._index(len(days))]

    # the establishment

    def _make_suppliers(self) -> list[tuple[str, float, float]]:
        """(name, social worker hourly rate, share of placements) for 4-6 suppliers."""
        count = int(self.rng.integers(4, 7))
        names = [SUPPLIERS[i] for i in sorted(self.rng.choice(len(SUPPLIERS), count, False))]
        rates = self.rng.uniform(38.0, 48.0, count)
        shares = self.rng.dirichlet(np.full(count, 2.0))
        return [(n, float(r), float(s)) for n, r, s in zip(names, rates, shares, strict=True)]

    def _make_teams(self, posts: int) -> list[_Team]:
        counts = {a.code: a.min_teams for a in AREAS}
        wanted = min(int(self.rng.integers(15, 21)), max(len(AREAS), posts // 8))
        while sum(counts.values()) < wanted:
            open_areas = [a for a in AREAS if counts[a.code] < len(a.team_names)]
            area = open_areas[self._index(len(open_areas))]
            counts[area.code] += 1
        while sum(counts.values()) > wanted:  # a small council: fewer teams per area
            area = max(AREAS, key=lambda a: counts[a.code])
            counts[area.code] -= 1
        return [
            _Team(f"{a.code}{i + 1:02d}", a.team_names[i], a)
            for a in AREAS
            for i in range(counts[a.code])
        ]

    def _team_roles(self, size: int, with_service_manager: bool) -> list[str]:
        """A team of ``size`` posts: one manager, practitioners, mostly social workers."""
        roles = ["team_manager"]
        if with_service_manager:
            roles.append("service_manager")
        roles += ["advanced_practitioner"] * (1 if size < 16 else 2)
        if size >= 10 and self._chance(0.25):
            roles.append("other")
        rest = max(size - len(roles), 1)
        seniors = round(rest * self.rng.uniform(0.25, 0.35))
        return roles + ["senior_social_worker"] * seniors + ["social_worker"] * (rest - seniors)

    def _new_post(self, team: _Team, role: str) -> _Post:
        spec = ROLE_SPECS[role]
        fte = 1.0
        if role in ("social_worker", "senior_social_worker") and self._chance(0.07):
            fte = float(self.rng.choice([0.5, 0.6, 0.8]))
        low, high = spec.cost
        point = low + (high - low) * self._index(4) / 3  # one of four pay points
        post = _Post(f"P{self.next_post:05d}", team, role, fte, round(point * fte, 2))
        self.next_post += 1
        self.posts.append(post)
        return post

    def _make_establishment(self, posts: int) -> None:
        weights = np.array([t.area.size for t in self.teams]) * self.rng.uniform(
            0.85, 1.15, len(self.teams)
        )
        exact = weights / weights.sum() * posts
        sizes = np.floor(exact).astype(int)
        for i in np.argsort(sizes - exact)[: posts - sizes.sum()]:  # largest remainders
            sizes[i] += 1
        seen_areas: set[str] = set()
        for team, size in zip(self.teams, sizes, strict=True):
            first_in_area = team.area.code not in seen_areas
            seen_areas.add(team.area.code)
            for role in self._team_roles(int(size), first_in_area):
                self._new_post(team, role)
        for post in self.posts:
            if post.role not in CASE_ROLES:
                continue
            draw = self.rng.random()
            if draw < 0.02:
                post.status = "frozen"
            elif draw < 0.03:
                post.status, post.funded = "deleted", False
            elif draw < 0.05:
                post.funded = False  # in post over budget, e.g. a growth post awaiting approval

    # people

    def _new_person(self, role: str, start: dt.date, birth: dt.date | None = None) -> _Person:
        if birth is None:
            age = int(np.clip(self.rng.normal(*ROLE_SPECS[role].age), 22, 62))
            birth = self._birth(start, age)
        person = _Person(
            employee_id=f"E{self.next_employee:06d}",
            birth_date=birth,
            gender=self._pick(GENDER_WEIGHTS),
            ethnicity=self._pick(ETHNICITY_WEIGHTS),
            service_start=start,
            contract_type="fixed_term" if self._chance(0.12) else "permanent",
            retention_option=self._pick(RETENTION_WEIGHTS),
            workload=float(self.rng.lognormal(0.0, 0.18)),
        )
        self.next_employee += 1
        return person

    def _birth(self, day: dt.date, age: int) -> dt.date:
        return day - dt.timedelta(days=int(age * 365.25 + self.rng.integers(0, 365)))

    def _assign(self, person: _Person, post: _Post, fte: float, role_start: dt.date | None) -> None:
        spec = ROLE_SPECS[post.role]
        holds_cases = self._chance(spec.case_holding)
        assignment = _Assignment(person, post, fte, role_start, holds_cases)
        post.holder = assignment
        self.assignments.append(assignment)

    def _person_fte(self, post: _Post) -> float:
        if post.budgeted_fte < 1 or not self._chance(PART_TIME_CHANCE):
            return post.budgeted_fte
        return float(self.rng.choice([0.5, 0.6, 0.8, 0.9]))

    def _initial_staff(self) -> None:
        """Staff in post before the first month, with service spread over 0-25 years."""
        before = self.first.shift(-1).end
        oldest = max(23, 65 - self.months // 12)  # nobody older than 66 by the last month
        filled = [p for p in self.posts if p.recruiting and self._chance(INITIAL_FILL)]
        for post in filled:
            spec = ROLE_SPECS[post.role]
            age = int(np.clip(self.rng.normal(spec.age[0] + 6, spec.age[1]), 23, oldest))
            longest = max(0, min(300 - self.months, (age - 22) * 12))  # ≤ 25 years at the end
            months = min(int(self.rng.exponential(spec.service_months)), longest)
            start = before - dt.timedelta(days=int(months * 30.44 + self.rng.integers(0, 28)))
            person = self._new_person(post.role, start, birth=self._birth(before, age))
            self._assign(person, post, self._person_fte(post), self._role_start(post, start))
        self._seed_anniversaries()
        self._job_sharers(before)
        # Older staff have the lower employee numbers, as in a real payroll.
        people = sorted({id(a.person): a.person for a in self.assignments}.values(),
                        key=lambda p: p.service_start)
        for number, person in enumerate(people, start=self.next_employee - len(people)):
            person.employee_id = f"E{number:06d}"

    def _role_start(self, post: _Post, service_start: dt.date) -> dt.date | None:
        if self._chance(0.03):
            return None  # HR systems often lack it
        if post.role == "social_worker" or self._chance(0.3):
            return service_start
        served = (self.first.start - service_start).days
        return service_start + dt.timedelta(days=int(served * self.rng.uniform(0.3, 0.9)))

    def _seed_anniversaries(self) -> None:
        """Three social workers reach 2 years' service in each early month of the sample.

        The retention scheme pays on that anniversary, so every month needs some; later
        months get theirs from the sample's own starters.
        """
        social_workers = [a for a in self.assignments if a.post.role == "social_worker"]
        order = self.rng.permutation(len(social_workers))
        for k in range(min(self.months, 24)):
            for i in order[3 * k : 3 * k + 3]:
                if i >= len(social_workers):
                    continue
                assignment = social_workers[int(i)]
                start = self._day_in(self.first.shift(k - 24))
                assignment.person.service_start = start
                assignment.role_start = start

    def _job_sharers(self, before: dt.date) -> None:
        """A few people hold two part-time posts (their FTE adds up to at most 1)."""
        empty = [p for p in self.posts if p.recruiting and p.holder is None
                 and p.role in ("social_worker", "senior_social_worker")]
        order = self.rng.permutation(len(empty))
        for k in range(max(1, len(self.posts) // 100)):
            if 2 * k + 1 >= len(empty):
                break
            first, second = empty[int(order[2 * k])], empty[int(order[2 * k + 1])]
            start = before - dt.timedelta(days=int(self.rng.integers(200, 3000)))
            person = self._new_person(first.role, start)
            share = min(0.5, first.budgeted_fte)
            self._assign(person, first, share, start)
            self._assign(person, second, min(round(1 - share, 1), second.budgeted_fte, 0.5), start)

    # agency

    def _new_placement(self, team: _Team, role: str, post: _Post | None, start: dt.date) -> None:
        names, rates, shares = zip(*self.suppliers, strict=True)
        i = int(self.rng.choice(len(names), p=np.array(shares)))
        rate = rates[i] + ROLE_SPECS[role].agency_uplift + self.rng.uniform(-3.0, 5.0)
        if role in ("social_worker", "senior_social_worker"):
            rate = float(np.clip(rate, 35.0, 55.0))
        placement = _Placement(
            f"AG{self.next_worker:04d}", names[i], round(rate * 100), team, role, post,
            start, float(self.rng.lognormal(0.05, 0.18)),
        )
        placement.swe_number = f"SW{_swe_prefix(self.code)}{self.next_worker:05d}"
        self.next_worker += 1
        if post is not None:
            post.cover = placement
        self.placements.append(placement)

    def _initial_agency(self) -> None:
        """Locums already in place, some for more than a year."""
        first_friday = _fridays(self.first)[0]
        for post in self.posts:
            if post.recruiting and post.holder is None and self._chance(INITIAL_COVER):
                self._new_placement(post.team, post.role, post, self._past_start(first_friday))
        for _ in range(self._over_establishment_target()):
            self._new_over_establishment(self._past_start(first_friday))

    def _past_start(self, first_friday: dt.date) -> dt.date:
        weeks = 1 + int(self.rng.exponential(36))
        return first_friday - dt.timedelta(days=7 * weeks + 4)  # a Monday

    def _over_establishment_target(self) -> int:
        return max(1, round(len(self.posts) * OVER_ESTABLISHMENT_SHARE))

    def _new_over_establishment(self, start: dt.date) -> None:
        team = self.teams[self._index(len(self.teams))]
        role = self._pick({"social_worker": 0.6, "senior_social_worker": 0.3,
                           "advanced_practitioner": 0.05, "team_manager": 0.05})
        self._new_placement(team, role, None, start)

    # one month

    def month(self, period: Period) -> dict[str, list[Row]]:
        self._change_establishment()
        self._starters(period)
        self._leavers(period)
        self._agency_changes(period)
        lines = self._agency_rows(period)
        rows = {
            "hr_staff": self._hr_rows(period),
            "establishment": self._establishment_rows(),
            "agency_spend": lines,
            "caseloads": self._caseload_rows(period, lines),
        }
        self._close_month(period)
        return rows

    def _change_establishment(self) -> None:
        """Budget decisions: the odd post frozen, unfrozen, added or deleted."""
        empty = [p for p in self.posts if p.recruiting and p.funded and p.holder is None
                 and p.cover is None and p.role in CASE_ROLES]
        if empty and self._chance(0.2):
            empty[self._index(len(empty))].status = "frozen"
        frozen = [p for p in self.posts if p.status == "frozen"]
        if frozen and self._chance(0.12):
            frozen.pop(self._index(len(frozen))).status = "active"
        if frozen and self._chance(0.04):
            post = frozen[self._index(len(frozen))]
            post.status, post.funded = "deleted", False
        if self._chance(0.12):
            team = self.teams[self._index(len(self.teams))]
            self._new_post(team, "social_worker")

    def _starters(self, period: Period) -> None:
        for post in self.posts:
            if not (post.recruiting and post.holder is None and self._chance(FILL_CHANCE)):
                continue
            start = self._day_in(period)
            person = self._returner(period, start) or self._new_person(post.role, start)
            self._assign(person, post, self._person_fte(post), start)
            if post.cover is not None and post.cover.end_friday is None:
                # The locum hands over in the starter's first week.
                post.cover.end_friday = start + dt.timedelta(days=(4 - start.weekday()) % 7)

    def _returner(self, period: Period, start: dt.date) -> _Person | None:
        """Now and then a former employee comes back, with a new continuous service start."""
        if not self._chance(RETURNER_CHANCE):
            return None
        cutoff = period.shift(-3)
        eligible = [i for i, (_, left, reason) in enumerate(self.former)
                    if left <= cutoff and reason not in ("dismissal", "retirement")]
        if not eligible:
            return None
        old, _, _ = self.former.pop(eligible[self._index(len(eligible))])
        return _Person(old.employee_id, old.birth_date, old.gender, old.ethnicity, start,
                       "permanent", old.retention_option, old.workload)

    def _leavers(self, period: Period) -> None:
        """People in post since before the month may leave in it, from all their posts."""
        people: dict[int, list[_Assignment]] = {}
        start = period.start
        for a in self.assignments:
            if a.person.service_start < start:
                people.setdefault(id(a.person), []).append(a)
        for held in people.values():
            person = held[0].person
            fixed = person.contract_type == "fixed_term"
            if not self._chance(FIXED_TERM_LEAVE_CHANCE if fixed else LEAVE_CHANCE):
                continue
            day = period.end if self._chance(0.3) else self._day_in(period)
            reason = self._leaving_reason(person, period.end)
            for a in held:
                a.leave_date, a.leaving_reason = day, reason

    def _leaving_reason(self, person: _Person, day: dt.date) -> str:
        age = _age_on(person.birth_date, day)
        if person.contract_type == "fixed_term" and self._chance(0.6):
            return "end_of_contract"
        if age >= 60 and self._chance(0.6):
            return "retirement"
        weights = dict(LEAVING_WEIGHTS)
        if age < 55:
            weights.pop("retirement")
        return self._pick(weights)

    def _agency_changes(self, period: Period) -> None:
        fridays = _fridays(period)
        for placement in self.placements:
            if placement.end_friday is None and self._chance(COVER_END_CHANCE):
                ok = [f for f in fridays if f >= placement.start]
                placement.end_friday = ok[self._index(len(ok))] if ok else None
        for post in self.posts:
            vacant = post.recruiting and post.holder is None and post.cover is None
            if vacant and self._chance(COVER_CHANCE):
                friday = fridays[self._index(len(fridays))]
                self._new_placement(post.team, post.role, post, friday - dt.timedelta(days=4))
        current = sum(p.post is None and p.end_friday is None for p in self.placements)
        if current < self._over_establishment_target() and self._chance(0.7):
            friday = fridays[self._index(len(fridays))]
            self._new_over_establishment(friday - dt.timedelta(days=4))

    def _close_month(self, period: Period) -> None:
        """Leavers and finished placements drop out before the next month."""
        former = {id(person) for person, _, _ in self.former}
        for a in self.assignments:
            if a.leave_date is None:
                continue
            a.post.holder = None
            if id(a.person) not in former:  # once, however many posts they left
                former.add(id(a.person))
                self.former.append((a.person, period, a.leaving_reason))
        self.assignments = [a for a in self.assignments if a.leave_date is None]
        end = period.end
        ended = [p for p in self.placements if p.end_friday and p.end_friday <= end]
        for placement in ended:
            if placement.post is not None and placement.post.cover is placement:
                placement.post.cover = None
        self.placements = [p for p in self.placements
                           if not (p.end_friday and p.end_friday <= end)]

    # rows: tuples of text cells in contract column order (a frame or a CSV file from them)

    def _hr_rows(self, period: Period) -> list[Row]:
        rows = [
            (*a.cells_before_leaving, _iso(a.leave_date), a.leaving_reason, sick,
             *a.cells_after_sickness, *_census_cells(self.code, a, sick))
            for a, sick in zip(self.assignments, self._sickness(period), strict=True)
        ]
        rows.sort(key=lambda row: (row[0], row[1]))  # by employee_id, post_id
        return rows

    def _sickness(self, period: Period) -> list[str]:
        """FTE days lost per assignment; a person's days go on their first assignment."""
        days, seen, start = [], set(), period.start
        for a in self.assignments:
            first = id(a.person) not in seen
            seen.add(id(a.person))
            days.append(f"{self._sick_days(a.person, start) if first else 0:g}")
        return days

    def _sick_days(self, person: _Person, month_start: dt.date) -> float:
        if person.service_start >= month_start:
            return 0.0
        if person.sick_months_left > 0:
            person.sick_months_left -= 1
            return float(self.rng.integers(15, 21))
        if self._chance(LONG_SICKNESS_CHANCE):
            # Long-term sickness runs on for a few months (15-20 of ~21 working days each).
            person.sick_months_left = int(self.rng.integers(0, 4))
            return float(self.rng.integers(15, 21))
        if not self._chance(0.15):
            return 0.0
        half = 0.5 if self._chance(0.1) else 0.0
        return float(min(int(self.rng.geometric(0.3)), 10)) - half

    def _establishment_rows(self) -> list[Row]:
        return [(*p.cells, _flag(p.funded), p.status) for p in self.posts]

    def _agency_rows(self, period: Period) -> list[Row]:
        """One timesheet line per worker per Friday week ending in the month."""
        rows: list[Row] = []
        for friday in _fridays(period):
            week_ending = friday.isoformat()
            for p in self.placements:
                if p.start > friday or (p.end_friday is not None and friday > p.end_friday):
                    continue
                if self._chance(0.02):
                    continue  # a week's leave: agency workers are paid by the hour
                hours = 37.0 if self._chance(0.75) else OTHER_HOURS[self._index(len(OTHER_HOURS))]
                # Integer pence, half-up: line cost is exactly round(hours * rate, 2).
                cost = (p.rate_pence * int(hours * 2) + 1) // 2
                line_id = f"TS{period.year % 100:02d}{period.month:02d}-{len(rows) + 1:05d}"
                rows.append((line_id, *p.cells_before_week, week_ending, f"{hours:g}",
                             f"{p.rate_pence / 100:.2f}", f"{cost / 100:.2f}",
                             *p.cells_after_cost))
        return rows

    def _caseload_rows(self, period: Period, lines: list[Row]) -> list[Row]:
        """Open cases for case-holding staff in post and locums working the last week."""
        refs, types, expected, splits = [], [], [], []
        held: dict[str, list[_Assignment]] = {}
        for a in self.assignments:
            if a.leave_date is None and a.case_holding:
                held.setdefault(a.person.employee_id, []).append(a)
        for ref, assignments in held.items():
            person, post = assignments[0].person, assignments[0].post
            fte = sum(a.fte for a in assignments)
            months_in = (period.year - person.service_start.year) * 12 + (
                period.month - person.service_start.month
            )
            ramp = (0.35, 0.75)[months_in] if months_in < 2 else 1.0
            newly_qualified = 0.8 if post.role == "social_worker" and months_in < 12 else 1.0
            refs.append(ref)
            types.append("employee")
            expected.append(post.team.area.cases * fte * ROLE_SPECS[post.role].caseload
                            * person.workload * ramp * newly_qualified)
            splits.append(post.team.area.split)
        if lines:
            last_week = max(line[AGENCY_WEEK] for line in lines)
            hours = {line[AGENCY_WORKER]: float(line[AGENCY_HOURS])
                     for line in lines if line[AGENCY_WEEK] == last_week}
            for p in self.placements:
                if p.worker_ref not in hours or p.role not in CASE_ROLES:
                    continue
                ramp = 0.5 if p.start >= period.start else 1.0
                refs.append(p.worker_ref)
                types.append("agency")
                expected.append(p.team.area.cases * hours[p.worker_ref] / FULL_TIME_HOURS
                                * ROLE_SPECS[p.role].caseload * p.workload * ramp)
                splits.append(p.team.area.split)
        cases = self.rng.poisson(np.array(expected, dtype=float))
        cp, cla, cin = _split_cases(self.rng, cases, np.array(splits, dtype=float).reshape(-1, 3))
        return [
            (r, t, str(n), str(a), str(b), str(c))
            for r, t, n, a, b, c in zip(refs, types, cases, cp, cla, cin, strict=True)
        ]


def _split_cases(
    rng: np.random.Generator, cases: np.ndarray, shares: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Child protection, looked after and in need counts that add up to the open cases."""
    cp = rng.binomial(cases, shares[:, 0])
    rest = np.clip(1 - shares[:, 0], 1e-9, None)
    cla = rng.binomial(cases - cp, np.clip(shares[:, 1] / rest, 0, 1))
    return cp, cla, cases - cp - cla


def _flag(value: bool) -> str:
    return "Y" if value else "N"


def _iso(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def _frame(kind: str, rows: list[Row]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=CONTRACTS[kind].column_names, dtype=object)


def _simulate(
    code: str, end: Period, months: int, posts: int, seed: int, notice: bool = False
) -> Iterator[tuple[Period, dict[str, list[Row]]]]:
    if months < 1:
        raise ValueError(f"months must be at least 1; got {months}")
    first = end.shift(-(months - 1))
    council = _Council(code, first, months, posts, seed)
    if not notice:
        for period in period_range(first, end):
            yield period, council.month(period)
        return
    # Notice given: each month is held back until the next is simulated (one month past the
    # end for the last), so a resignation can be written into the month before it too. The
    # draws are the same as without notice: only those HR cells differ.
    held: tuple[Period, dict[str, list[Row]]] | None = None
    for period in period_range(first, end.shift(1)):
        month = council.month(period)
        if held is not None:
            _give_notice(held[1]["hr_staff"], month["hr_staff"])
            yield held
        held = (period, month)


def _give_notice(before: list[Row], rows: list[Row]) -> None:
    """Resignations recorded with notice: a resignee's rows in the month before they leave
    already carry the leave date and reason (a date after that month's end)."""
    resigned = {(row[HR_KEY[0]], row[HR_KEY[1]]): row for row in rows
                if row[HR_REASON] == "resignation"}
    for i, row in enumerate(before):
        leaving = resigned.get((row[HR_KEY[0]], row[HR_KEY[1]]))
        if leaving is not None and not row[HR_LEAVE]:
            before[i] = (*row[:HR_LEAVE], leaving[HR_LEAVE], leaving[HR_REASON],
                         *row[HR_REASON + 1:])


# --- public API -----------------------------------------------------------------------------


def generate_authority(
    code: str, end: Period, months: int, posts: int = 350, seed: int = 0, notice: bool = False
) -> dict[Period, dict[str, pd.DataFrame]]:
    """Canonical extracts (text cells, contract columns) for each of ``months`` months to ``end``.

    The same arguments always give the same frames; another code or seed, another council.
    ``notice``: resignations are recorded with notice, so a resignee's rows in the month
    before they leave already carry their leave date (after that month's end) and reason.
    """
    return {
        period: {kind: _frame(kind, rows) for kind, rows in month.items()}
        for period, month in _simulate(code, end, months, posts, seed, notice)
    }


def write_sample(
    root: Path,
    code: str = "NWT",
    end: Period | None = None,
    months: int = 24,
    posts: int = 350,
    seed: int = 0,
    messy: bool = False,
    notice: bool | None = None,
) -> list[Path]:
    """Write ``root/<code>/<YYYY-MM>/<kind>.csv`` for every month; return the month folders.

    ``messy`` writes each month as the messy council's systems export it (see
    :func:`write_messy_variant` and ``config/MSY.yaml``). ``notice`` records resignations
    with notice (see :func:`generate_authority`); by default only messy months do, so the
    canonical sample is unchanged."""
    notice = messy if notice is None else notice
    folders = []
    for period, month in _simulate(code, end or DEFAULT_END, months, posts, seed, notice):
        folder = Path(root) / code / str(period)
        if messy:
            # The messy council's systems hold none of the census-only columns.
            frames = {kind: _frame(kind, rows)[[c.name for c in CONTRACTS[kind].columns
                                                 if c.stored]]
                      for kind, rows in month.items()}
            write_messy_variant(frames, folder, period)
        else:
            # Rows straight to CSV, no frame: thousands of small files at national scale.
            folder.mkdir(parents=True, exist_ok=True)
            for kind in KINDS:
                _write_rows(folder / f"{kind}.csv", CONTRACTS[kind].column_names, month[kind])
        folders.append(folder)
    return folders


def authority_codes(count: int) -> list[str]:
    """``LA001``, ``LA002``, ...: unique, and valid as settings file names."""
    return [f"LA{i:03d}" for i in range(1, count + 1)]


def authority_sizes(count: int, seed: int = 0) -> dict[str, int]:
    """Establishment posts for ``count`` sample councils, by code: evenly spaced quantiles of
    the size distribution, shuffled by the seed, so the spread and total are the same for
    every seed (random draws would leave 153 councils short of a large county now and then)."""
    sizes = NormalDist(math.log(MEDIAN_POSTS), POSTS_SPREAD)
    posts = [round(math.exp(sizes.inv_cdf((i + 0.5) / count))) for i in range(count)]
    order = np.random.default_rng(seed).permutation(count)
    return {code: min(max(posts[i], POSTS_RANGE[0]), POSTS_RANGE[1])
            for code, i in zip(authority_codes(count), order, strict=True)}


def write_authorities(
    root: Path,
    count: int,
    end: Period | None = None,
    months: int = 24,
    seed: int = 0,
    jobs: int | None = None,
) -> dict[str, int]:
    """Write :func:`write_sample` extracts for ``count`` councils of varied sizes (codes from
    :func:`authority_codes`), councils in parallel over ``jobs`` processes (default: one per
    CPU); return each council's establishment posts."""
    sizes = authority_sizes(count, seed)
    # Largest first, so no big council starts last while the other processes sit idle.
    codes = sorted(sizes, key=sizes.__getitem__, reverse=True)
    in_processes(write_sample, [Path(root)] * count, codes, [end] * count, [months] * count,
                 [sizes[c] for c in codes], [seed] * count, jobs=jobs)
    return sizes


def write_messy_variant(
    month_frames: dict[str, pd.DataFrame],
    folder: Path,
    period: Period,
    settings: ExtractSettings | None = None,
) -> dict[str, Path]:
    """Write one month as the messy council's systems export it, with the council's headers
    from ``settings`` (default: ``config/MSY.yaml``); return each kind's file.

    - HR staff: "HR Staff Report Mar 2025.xlsx", sheet "Staff": two title rows and a blank
      row above the header, a "Total records: N" footer, real date and number cells, job
      titles, Yes/No flags and the council's words for codes ("Fixed Term", "Resigned");
    - establishment: "Establishment Mar 2025.csv", semicolon-separated Windows-1252 with
      '£45,000.00' costs, post status Live/Frozen/Deleted;
    - agency spend: "Agency Timesheets Mar 2025.txt", Excel's Unicode text (UTF-16 with a
      byte-order mark, tab-separated), DD/MM/YYYY dates, '£1,877.75' money;
    - caseloads: "Caseloads Mar 2025.csv", plain UTF-8, worker type Staff/Agency.
    """
    settings = settings or messy_settings()
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    month = f"{MONTH_ABBREVIATIONS[period.month - 1]} {period.year}"
    paths = {kind: folder / MESSY_FILES[kind].format(month=month) for kind in KINDS}
    headers = {
        kind: {canonical: council for council, canonical in settings.header_mapping(kind).items()}
        for kind in KINDS
    }
    words = {kind: _council_words(kind, month_frames[kind], period) for kind in KINDS}
    _write_hr_report(words["hr_staff"], paths["hr_staff"], headers["hr_staff"], period)
    _write_csv(words["establishment"], paths["establishment"], headers["establishment"],
               "cp1252", delimiter=";")
    agency = words["agency_spend"]
    for column in ("week_ending", "placement_start_date"):
        agency[column] = agency[column].map(_uk_date)
    _write_csv(agency, paths["agency_spend"], headers["agency_spend"], "utf-16-le",
               delimiter="\t", bom=True)
    _write_csv(words["caseloads"], paths["caseloads"], headers["caseloads"], "utf-8", "\n")
    return paths


MONTH_ABBREVIATIONS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
                       "Nov", "Dec")  # not strftime's %b, which follows the locale


def _council_words(kind: str, frame: pd.DataFrame, period: Period) -> pd.DataFrame:
    """The frame with codes, flags and money as the council's systems write them."""
    out = frame.copy()
    for column in CONTRACTS[kind].columns:
        if column.name not in out:
            continue
        if column.type is ColumnType.CODE:
            words = MESSY_WORDS.get(column.name, {})
            out[column.name] = out[column.name].map(lambda code, w=words: _word(w, code))
        elif column.type is ColumnType.FLAG:
            out[column.name] = out[column.name].map({"Y": "Yes", "N": "No", "": ""})
        elif column.type is ColumnType.MONEY:
            out[column.name] = out[column.name].map(lambda v: f"£{float(v):,.2f}" if v else "")
    if kind == "hr_staff":
        first_year = (frame["role"] == "social_worker") & (
            frame["service_start_date"] > period.shift(-12).end.isoformat()
        )
        out.loc[first_year, "role"] = ASYE_TITLE
    return out


def _word(words: dict[str, str], code: str) -> str:
    """The council's word for a code; otherwise as HR systems display one ('Fixed Term')."""
    if not code:
        return ""
    return words.get(code) or code.replace("_", " ").title()


def _uk_date(text: str) -> str:
    return dt.date.fromisoformat(text).strftime("%d/%m/%Y") if text else ""


def _write_csv(
    frame: pd.DataFrame,
    path: Path,
    headers: dict[str, str],
    encoding: str,
    eol: str = "\r\n",
    delimiter: str = ",",
    bom: bool = False,
) -> None:
    """Write with the council's headers; Windows line ends by default, as desktops export."""
    _write_rows(path, [headers.get(c, c) for c in frame.columns],
                frame.itertuples(index=False, name=None), encoding, eol, delimiter, bom)


def _write_rows(
    path: Path,
    header: list[str],
    rows: Iterable[Row],
    encoding: str = "utf-8",
    eol: str = "\n",
    delimiter: str = ",",
    bom: bool = False,
) -> None:
    with path.open("w", encoding=encoding, newline="") as handle:
        if bom:
            handle.write("\ufeff")
        writer = csv.writer(handle, delimiter=delimiter, lineterminator=eol)
        writer.writerow(header)
        writer.writerows(rows)


def _write_hr_report(
    frame: pd.DataFrame, path: Path, headers: dict[str, str], period: Period
) -> None:
    """The HR system's staff report: title rows, the header, typed cells, a footer."""
    contract = CONTRACTS["hr_staff"]
    types = [contract.column(c).type for c in frame.columns]
    run = dt.datetime.combine(period.end + dt.timedelta(days=5), dt.time(7, 30))
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = MESSY_SHEET
    sheet.append(["HR Staff Report"])
    sheet.append([f"Run date: {run:%d/%m/%Y}"])
    sheet.append([])
    sheet.append([headers.get(c, c) for c in frame.columns])
    first = sheet.max_row + 1
    for row in frame.itertuples(index=False, name=None):
        sheet.append([_xlsx_cell(v, t) for v, t in zip(row, types, strict=True)])
    for index, kind in enumerate(types, start=1):
        if kind is ColumnType.DATE:
            for (cell,) in sheet.iter_rows(min_row=first, min_col=index, max_col=index):
                cell.number_format = "DD/MM/YYYY"
    sheet.append([f"Total records: {len(frame)}"])
    _save_as_of(workbook, path, run)


def _save_as_of(workbook: Workbook, path: Path, when: dt.datetime) -> None:
    """Save with ``when`` as the workbook's and its parts' times, so the same month gives
    the same bytes (openpyxl stamps the time of saving)."""
    buffer = io.BytesIO()
    workbook.save(buffer)
    stamp = when.isoformat(timespec="seconds").encode() + b"Z"
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(path, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>" + stamp,
                              data)
            target.writestr(zipfile.ZipInfo(info.filename, when.timetuple()[:6]), data,
                            zipfile.ZIP_DEFLATED)


def _xlsx_cell(text: str, kind: ColumnType) -> object:
    if text == "":
        return None
    if kind is ColumnType.DATE:
        return dt.date.fromisoformat(text)
    if kind is ColumnType.NUMBER:
        return float(text)
    return text
