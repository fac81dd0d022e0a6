"""What the simulated council is made of: teams, people, posts, people's assignments to
posts and agency placements, and the extract cells each writes that never change.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

from workforce.sample.draws import hashed_pick
from workforce.sample.parameters import INSTITUTIONS, ROLE_SPECS, Area

Row = tuple[str, ...]  # one extract row: text cells in contract column order


@dataclass
class Team:
    code: str
    name: str
    area: Area


@dataclass
class Person:
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
class Post:
    post_id: str
    team: Team
    role: str
    budgeted_fte: float
    annual_cost: float
    funded: bool = True
    status: str = "active"
    holder: Assignment | None = None
    cover: Placement | None = None

    @property
    def recruiting(self) -> bool:
        return self.status == "active"

    @cached_property
    def cells(self) -> Row:
        """The establishment cells before funded and status, which can change."""
        return (self.post_id, self.team.code, self.team.name, self.team.area.name, self.role,
                ROLE_SPECS[self.role].grade, f"{self.budgeted_fte:g}", f"{self.annual_cost:.2f}")


@dataclass
class Assignment:
    person: Person
    post: Post
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
                f"{self.fte:g}", person.contract_type, flag_cell(spec.qualified),
                flag_cell(self.case_holding), person.service_start.isoformat(),
                date_cell(self.role_start))

    @cached_property
    def cells_after_sickness(self) -> Row:
        person = self.person
        # The retention scheme is for Social Worker Level 1 only.
        option = person.retention_option if self.post.role == "social_worker" else ""
        return (person.birth_date.isoformat(), person.gender, person.ethnicity, option)


@dataclass
class Placement:
    worker_ref: str
    supplier: str
    rate_pence: int
    team: Team
    role: str
    post: Post | None  # None: over establishment
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
        return (self.start.isoformat(), flag_cell(ROLE_SPECS[self.role].qualified),
                self.swe_number, hashed_pick(INSTITUTIONS, self.swe_number, "institution"))


def flag_cell(value: bool) -> str:
    return "Y" if value else "N"


def date_cell(day: dt.date | None) -> str:
    return day.isoformat() if day else ""
