"""The simulated council, month by month: its establishment of posts in teams, the staff
in post and the agency locums it starts with, and each month's budget decisions, starters,
leavers, returners and agency cover; :mod:`workforce.sample.rows` writes each month's rows.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from workforce.periods import Period
from workforce.sample.draws import fridays_in, swe_prefix
from workforce.sample.parameters import (
    AREAS,
    CASE_ROLES,
    COVER_CHANCE,
    COVER_END_CHANCE,
    ETHNICITY_WEIGHTS,
    FILL_CHANCE,
    FIXED_TERM_LEAVE_CHANCE,
    GENDER_WEIGHTS,
    INITIAL_COVER,
    INITIAL_FILL,
    LEAVE_CHANCE,
    LEAVING_WEIGHTS,
    OVER_ESTABLISHMENT_SHARE,
    PART_TIME_CHANCE,
    RETENTION_WEIGHTS,
    RETURNER_CHANCE,
    ROLE_SPECS,
    SUPPLIERS,
)
from workforce.sample.records import Assignment, Person, Placement, Post, Row, Team
from workforce.sample.rows import MonthRows


def _age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


class Council(MonthRows):
    """The council's state between months; ``month`` advances it and returns the extracts."""

    def __init__(self, code: str, first: Period, months: int, posts: int, seed: int) -> None:
        if posts < 48:
            raise ValueError(f"posts must be at least 48 to make the council's teams; got {posts}")
        super().__init__(code, seed)
        self.code = code
        self.first = first
        self.months = months
        self.next_post = int(self.rng.integers(1000, 9000))
        self.next_employee = int(self.rng.integers(100, 900))
        self.next_worker = int(self.rng.integers(10, 90))
        self.suppliers = self._make_suppliers()
        self.teams = self._make_teams(posts)
        self.posts: list[Post] = []
        self.assignments: list[Assignment] = []
        self.placements: list[Placement] = []
        self.former: list[tuple[Person, Period, str]] = []  # who left, when, why
        self._make_establishment(posts)
        self._initial_staff()
        self._initial_agency()

    # the establishment

    def _make_suppliers(self) -> list[tuple[str, float, float]]:
        """(name, social worker hourly rate, share of placements) for 4-6 suppliers."""
        count = int(self.rng.integers(4, 7))
        names = [SUPPLIERS[i] for i in sorted(self.rng.choice(len(SUPPLIERS), count, False))]
        rates = self.rng.uniform(38.0, 48.0, count)
        shares = self.rng.dirichlet(np.full(count, 2.0))
        return [(n, float(r), float(s)) for n, r, s in zip(names, rates, shares, strict=True)]

    def _make_teams(self, posts: int) -> list[Team]:
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
            Team(f"{a.code}{i + 1:02d}", a.team_names[i], a)
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

    def _new_post(self, team: Team, role: str) -> Post:
        spec = ROLE_SPECS[role]
        fte = 1.0
        if role in ("social_worker", "senior_social_worker") and self._chance(0.07):
            fte = float(self.rng.choice([0.5, 0.6, 0.8]))
        low, high = spec.cost
        point = low + (high - low) * self._index(4) / 3  # one of four pay points
        post = Post(f"P{self.next_post:05d}", team, role, fte, round(point * fte, 2))
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

    def _new_person(self, role: str, start: dt.date, birth: dt.date | None = None) -> Person:
        if birth is None:
            age = int(np.clip(self.rng.normal(*ROLE_SPECS[role].age), 22, 62))
            birth = self._birth(start, age)
        person = Person(
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

    def _assign(self, person: Person, post: Post, fte: float, role_start: dt.date | None) -> None:
        spec = ROLE_SPECS[post.role]
        holds_cases = self._chance(spec.case_holding)
        assignment = Assignment(person, post, fte, role_start, holds_cases)
        post.holder = assignment
        self.assignments.append(assignment)

    def _person_fte(self, post: Post) -> float:
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

    def _role_start(self, post: Post, service_start: dt.date) -> dt.date | None:
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

    def _new_placement(self, team: Team, role: str, post: Post | None, start: dt.date) -> None:
        names, rates, shares = zip(*self.suppliers, strict=True)
        i = int(self.rng.choice(len(names), p=np.array(shares)))
        rate = rates[i] + ROLE_SPECS[role].agency_uplift + self.rng.uniform(-3.0, 5.0)
        if role in ("social_worker", "senior_social_worker"):
            rate = float(np.clip(rate, 35.0, 55.0))
        placement = Placement(
            f"AG{self.next_worker:04d}", names[i], round(rate * 100), team, role, post,
            start, float(self.rng.lognormal(0.05, 0.18)),
        )
        placement.swe_number = f"SW{swe_prefix(self.code)}{self.next_worker:05d}"
        self.next_worker += 1
        if post is not None:
            post.cover = placement
        self.placements.append(placement)

    def _initial_agency(self) -> None:
        """Locums already in place, some for more than a year."""
        first_friday = fridays_in(self.first)[0]
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

    def _returner(self, period: Period, start: dt.date) -> Person | None:
        """Now and then a former employee comes back, with a new continuous service start."""
        if not self._chance(RETURNER_CHANCE):
            return None
        cutoff = period.shift(-3)
        eligible = [i for i, (_, left, reason) in enumerate(self.former)
                    if left <= cutoff and reason not in ("dismissal", "retirement")]
        if not eligible:
            return None
        old, _, _ = self.former.pop(eligible[self._index(len(eligible))])
        return Person(old.employee_id, old.birth_date, old.gender, old.ethnicity, start,
                       "permanent", old.retention_option, old.workload)

    def _leavers(self, period: Period) -> None:
        """People in post since before the month may leave in it, from all their posts."""
        people: dict[int, list[Assignment]] = {}
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

    def _leaving_reason(self, person: Person, day: dt.date) -> str:
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
        fridays = fridays_in(period)
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
