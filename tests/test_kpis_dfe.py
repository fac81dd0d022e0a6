"""The DfE-consistent KPIs reproduce the published 2023 England figures.

One council's worker-level extracts are built so that they add up to the national row of the
DfE's "Children's social work workforce" statistics for 2023 (England, 30 September 2023):

    33,119.1 FTE social workers in post       5,254.6 FTE leavers in the year
    7,173.5 agency FTE                        7,722.7 FTE vacancies
    5,744.2 agency FTE covering vacancies     337,055 cases over 21,111.4 case-holder FTE
    270,751 working days lost to sickness

The twelve months of the rolling window (October 2022 to September 2023) go through validation
and the loader like any council's files; September 2023 is computed and must give the published
rates to one decimal place, with the published totals as numerators and denominators.

The months before September are sparse, as the extract grain allows: a month's hr_staff holds
everyone in post plus that month's leavers, and these months hold only their leavers (with
their posts in the establishment) and one worker who stays all year. Every total is made of
workers as the plan below says; a test without the KPI engine checks that the rows really add
up to the plan and the plan to the published row.
"""

from __future__ import annotations

import re
import uuid
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from kpi_builders import (
    Month,
    Timer,
    cases,
    compute,
    council,
    line,
    month,
    post,
    spread,
    staff,
    validated,
)
from sqlalchemy import create_engine, text

from workforce.periods import Period
from workforce.validation import ValidatedMonth
from workforce.warehouse import load_month, make_engine

AUTHORITY = "ENG"
PERIOD = Period(2023, 9)
D = PERIOD.end  # 30 September 2023
WINDOW = [PERIOD.shift(-11 + i) for i in range(12)]  # October 2022 … September 2023

# --- The published national row, 2023 ---------------------------------------------------------
SW_FTE = 33_119.1
LEAVERS_FTE = 5_254.6
AGENCY_FTE = 7_173.5
VACANCY_FTE = 7_722.7
AGENCY_COVER_FTE = 5_744.2
CASES = 337_055
CASE_HOLDER_FTE = 21_111.4
DAYS_LOST = 270_751
WORKING_DAYS = 253  # 1 Oct 2022 – 30 Sep 2023 holds no 29 February
PUBLISHED_RATES = {
    "turnover_rate": 15.9,
    "agency_rate": 17.8,
    "vacancy_rate": 18.9,
    "agency_cover_rate": 80.1,
    "vacancy_agency_cover_rate": 74.4,
    "caseload_avg": 16.0,
    "absence_rate": 3.2,
}

# --- The plan: how the national totals are made of workers -------------------------------------
STANDARD_WEEK = 37
WEEKS = ("2023-09-01", "2023-09-08", "2023-09-15", "2023-09-22", "2023-09-29")  # Fridays: W = 5
AGENCY_MONTH_HOURS = STANDARD_WEEK * len(WEEKS)  # 185 hours in September = 1 agency FTE

# Employees in post at 30 September 2023, all qualified, one assignment each.
FT_HOLDERS = 20_110  # full-time case holders
FT_NON_HOLDERS = 13_008  # full-time, holding no cases
PART_TIMERS = ((0.4, 1.0), (0.5, 0.5), (0.2, 0.3))  # (FTE, budgeted FTE of the post); hold cases
# sw_fte = 20,110 + 13,008 + 0.4 + 0.5 + 0.2 = 33,119.1
HOLDERS_FLAG_ONLY = 100  # case_holding = Y and no caseload row: case holders with 0 cases
HOLDERS_CASES_ONLY = 200  # case_holding = N but open cases > 0: case holders too
NON_HOLDERS_ZERO_ROW = 50  # a caseload row with 0 open cases: not case holders
OVERFILLED = 3  # full-time case holders in posts budgeted 0.5: vacancy 0 there, not −0.5

# Qualified leavers over the window, all full-time but one.
LEAVERS_BY_MONTH = dict(zip(WINDOW, [438] * 10 + [437] * 2, strict=True))
# 10 × 438 + 2 × 437 = 5,254 full-time leavers; September's 437 include one leaving on d
PART_LEAVER = (Period(2023, 3), 0.6)
# leavers_fte = 5,254 + 0.6 = 5,254.6
LEAVERS_WITH_CASES = 3  # September leavers the case system still lists: not case holders

# Vacancies: SW posts budgeted 1.0 with nobody in post at d: September's 437 leavers' posts
# and 7,285 never-filled posts (every tenth frozen, which still counts).
VACANT_POSTS = 7_722
NEVER_FILLED = VACANT_POSTS - LEAVERS_BY_MONTH[PERIOD]  # 7,285
# vacancy_fte = 7,722 × 1.0 + (1.0 − 0.4) + (0.5 − 0.5) + (0.3 − 0.2) + 3 × 0 = 7,722.7

# Agency social workers in September 2023 (qualified timesheet lines).
COVER_FULL = 5_744  # 5 × 37 h on a distinct vacant post: 1.0 FTE each
COVER_PART_WEEK = 7.4  # one worker, 5 × 7.4 h = 37 h = 0.2 FTE, on the 0.4 FTE employee's post
# agency_cover_fte = 5,744 + 37 / 185 = 5,744.2
OVER_ESTABLISHMENT = 900  # 5 × 37 h, no post
SPLIT_PAIRS = 100  # pairs, no post: one worker 2 × 37 h, the next 3 × 37 h = 1.0 FTE a pair
ON_FILLED_POSTS = 429  # 5 × 37 h on a post with nobody missing: not cover
OTHER_PART_WEEK = 11.1  # one worker, 5 × 11.1 h = 55.5 h = 0.3 FTE, no post
# agency_fte = 5,744.2 + 900 + 100 + 429 + 55.5 / 185 = 7,173.5
AGENCY_HOLDERS_FULL = 1_000  # of the full-time cover workers, with open cases
AGENCY_ZERO_ROWS = 30  # workers on filled posts with a caseload row of 0 cases
# case_holder_fte = 20,110 + 0.4 + 0.5 + 0.2 + 1,000 + 0.3 (the 55.5 h worker holds cases)
#                 = 21,111.4
CASES_LOW, CASES_HIGH = 6, 26  # every case-holder's caseload, to stay under the warning at 40

# Sickness: 4 days on each qualified leaver's row (5,255 × 4 = 21,020) and the remaining
# 270,751 − 21,020 = 249,731 spread over the rows of SWs in post, 0 to 16 days each.
LEAVER_SICKNESS = 4

STAYER = "E000001"  # a full-time case holder in post all year (since 2006)

# Rows the DfE measures must ignore.
UNQUALIFIED_IN_POST = 40  # family support workers (role other, qualified N), 10 sick days each
UNQUALIFIED_WITH_CASES = 5
UNQUALIFIED_AGENCY = 20  # unqualified timesheet lines: spend, but no agency FTE
DELETED_POSTS, UNFUNDED_POSTS, OTHER_EMPTY_POSTS = 100, 50, 10  # not social work vacancies

AREAS = ("Assessment", "Child Protection", "Children in Care", "Leaving Care")
ROLE_CYCLE = ("social_worker",) * 6 + ("senior_social_worker",) * 2 + (
    "advanced_practitioner", "team_manager")


def team(i: int) -> tuple[str, str]:
    return f"T{i % 40 + 1:02d}", AREAS[i % 40 % 4]


def start_date(i: int) -> str:
    """Every thirteenth worker started inside the window; the rest between 2005 and 2021."""
    if i % 13 == 0:
        started = WINDOW[i % 12]
        return f"{started.year}-{started.month:02d}-{1 + i % 28:02d}"
    return f"{2005 + i % 17}-{1 + i % 12:02d}-01"


@dataclass
class Built:
    months: dict[Period, Month]
    # numbers of workers the plan leads to, for the headcount checks
    in_post_headcount: int
    leavers_headcount: int
    agency_last_week_headcount: int


def build() -> Built:
    months = {p: month([], []) for p in WINDOW}
    sept = months[PERIOD]
    in_post_rows: list[dict[str, str]] = []
    holder_refs: list[tuple[str, str]] = []  # (worker_ref, worker_type) with open cases > 0

    # Employees in post.
    for i in range(FT_HOLDERS + FT_NON_HOLDERS):
        code, area = team(i)
        holder = i < FT_HOLDERS
        overfilled = FT_HOLDERS - OVERFILLED <= i < FT_HOLDERS
        role = ROLE_CYCLE[i % 10]
        ref, post_id = f"E{i:06d}", f"P{i:06d}"
        sept["establishment"].append(
            post(post_id, code, area=area, role=role, budget=0.5 if overfilled else 1.0))
        flag = holder and not HOLDERS_FLAG_ONLY <= i < HOLDERS_FLAG_ONLY + HOLDERS_CASES_ONLY
        row = staff(ref, post_id, code, role=role, case_holding=flag, start=start_date(i),
                    contract="fixed_term" if i % 7 == 0 else "permanent")
        sept["hr_staff"].append(row)
        in_post_rows.append(row)
        if holder and i >= HOLDERS_FLAG_ONLY:
            holder_refs.append((ref, "employee"))
        if FT_HOLDERS <= i < FT_HOLDERS + NON_HOLDERS_ZERO_ROW:
            sept["caseloads"].append(cases(ref, 0))
    for k, (fte, budget) in enumerate(PART_TIMERS):
        code, area = team(k)
        sept["establishment"].append(post(f"PT{k}", code, area=area, budget=budget))
        row = staff(f"EPT{k}", f"PT{k}", code, fte=fte, case_holding=True, start="2019-02-01")
        sept["hr_staff"].append(row)
        in_post_rows.append(row)
        holder_refs.append((f"EPT{k}", "employee"))

    # Leavers, each in the month they leave; sickness days on their rows.
    vacant_posts: list[tuple[str, str]] = []  # (post_id, team) with nobody in post at d
    leavers = 0
    for m, (period, count) in enumerate(LEAVERS_BY_MONTH.items()):
        data = months[period]
        people = [(f"L{m:02d}{k:03d}", 1.0) for k in range(count)]
        if period == PART_LEAVER[0]:
            people.append((f"L{m:02d}PT", PART_LEAVER[1]))
        for k, (ref, fte) in enumerate(people):
            code, area = team(k)
            post_id = f"LP{ref[1:]}"
            day = period.end.day if (period == PERIOD and k == 0) else 1 + k % period.end.day
            started = f"{period.year}-{period.month:02d}-01" if k % 100 == 0 else "2012-06-01"
            data["establishment"].append(post(post_id, code, area=area, budget=fte))
            data["hr_staff"].append(staff(
                ref, post_id, code, fte=fte, start=started,
                leave=f"{period.year}-{period.month:02d}-{day:02d}",
                reason=("resignation", "retirement", "end_of_contract", "transfer")[k % 4],
                sickness=LEAVER_SICKNESS, case_holding=k % 3 == 0))
            leavers += 1
            if period == PERIOD:
                vacant_posts.append((post_id, code))
                if 1 <= k <= LEAVERS_WITH_CASES:
                    sept["caseloads"].append(cases(ref, 10))
        # one unqualified leaver a month, in a post that is not a social work post
        data["establishment"].append(post(f"ULP{m}", "T01", area=AREAS[0], role="other"))
        data["hr_staff"].append(staff(f"UL{m}", f"ULP{m}", "T01", role="other", qualified=False,
                                      leave=f"{period.year}-{period.month:02d}-10",
                                      sickness=10))
    for j in range(NEVER_FILLED):
        code, area = team(j)
        sept["establishment"].append(
            post(f"V{j:05d}", code, area=area, status="frozen" if j % 10 == 0 else "active"))
        vacant_posts.append((f"V{j:05d}", code))

    # Sickness of SWs in post: 249,731 days over their rows.
    in_post_days = spread(DAYS_LOST - LEAVER_SICKNESS * leavers, len(in_post_rows), 0, 15)
    for row, days in zip(in_post_rows, in_post_days, strict=True):
        row["sickness_days"] = str(days)

    # Posts and staff the DfE measures must ignore.
    for k in range(UNQUALIFIED_IN_POST):
        sept["establishment"].append(post(f"UP{k}", "T02", area=AREAS[1], role="other"))
        sept["hr_staff"].append(staff(f"U{k}", f"UP{k}", "T02", role="other", qualified=False,
                                      sickness=10, case_holding=True))
        if k < UNQUALIFIED_WITH_CASES:
            sept["caseloads"].append(cases(f"U{k}", 8))
    for k in range(DELETED_POSTS):
        sept["establishment"].append(post(f"DP{k}", "T03", area=AREAS[2], status="deleted"))
    for k in range(UNFUNDED_POSTS):
        sept["establishment"].append(post(f"FP{k}", "T04", area=AREAS[3], funded=False))
    for k in range(OTHER_EMPTY_POSTS):
        sept["establishment"].append(post(f"OP{k}", "T01", area=AREAS[0], role="other"))

    # Agency timesheets.
    lines = sept["agency_spend"]

    def weeks(worker: str, hours: float, which: range = range(len(WEEKS)), **kw: Any) -> None:
        for w in which:
            lines.append(line(f"{worker}-{w}", worker, WEEKS[w], hours=hours, **kw))

    last_week = 0
    for j in range(COVER_FULL):
        post_id, code = vacant_posts[j]
        weeks(f"AC{j:05d}", STANDARD_WEEK, post_id=post_id, team=code)
        last_week += 1
        if j < AGENCY_HOLDERS_FULL:
            holder_refs.append((f"AC{j:05d}", "agency"))
    weeks("ACP", COVER_PART_WEEK, post_id="PT0", team=team(0)[0])  # the 0.4 FTE's post
    last_week += 1
    for j in range(OVER_ESTABLISHMENT):
        weeks(f"AO{j:04d}", STANDARD_WEEK, team=team(j)[0], supplier="Brightcare")
        last_week += 1
    for j in range(SPLIT_PAIRS):
        weeks(f"AS{j:03d}a", STANDARD_WEEK, range(0, 2), team=team(j)[0])
        weeks(f"AS{j:03d}b", STANDARD_WEEK, range(2, 5), team=team(j)[0],
              placement_start="2023-09-11")
        last_week += 1  # only the second of the pair works the last week
    for j in range(ON_FILLED_POSTS):
        i = FT_HOLDERS + NON_HOLDERS_ZERO_ROW + j  # a full-time non-holder's post
        weeks(f"AF{j:03d}", STANDARD_WEEK, post_id=f"P{i:06d}", team=team(i)[0])
        last_week += 1
        if j < AGENCY_ZERO_ROWS:
            sept["caseloads"].append(cases(f"AF{j:03d}", 0, "agency"))
    weeks("AOP", OTHER_PART_WEEK, team="T05", rate="52.00")
    last_week += 1
    holder_refs.append(("AOP", "agency"))
    for j in range(UNQUALIFIED_AGENCY):
        weeks(f"AU{j:02d}", STANDARD_WEEK, team="T02", role="other", qualified=False,
              rate="25.00", supplier="Brightcare")
        if j < UNQUALIFIED_WITH_CASES:
            sept["caseloads"].append(cases(f"AU{j:02d}", 6, "agency"))

    # Each earlier month also holds one social worker in post, who stays through September
    # (no sickness days on those rows): real extracts are never without one, and a month with
    # nobody in post is an edge case of its own (test_kpis_edges.py).
    stayer = next(r for r in sept["hr_staff"] if r["employee_id"] == STAYER)
    stayer_post = next(r for r in sept["establishment"] if r["post_id"] == stayer["post_id"])
    for period in WINDOW[:-1]:
        months[period]["establishment"].append(dict(stayer_post))
        months[period]["hr_staff"].append({**stayer, "sickness_days": "0"})

    # Open cases of the case holders: 337,055 in all, 6 to 26 each.
    for (ref, kind), n in zip(holder_refs, spread(CASES, len(holder_refs), CASES_LOW,
                                                  CASES_HIGH), strict=True):
        sept["caseloads"].append(cases(ref, n, kind))

    return Built(months, len(in_post_rows), leavers, last_week)


# --- Without the KPI engine: the extracts really are the published row -------------------------


@pytest.fixture(scope="module")
def built() -> Built:
    return build()


def test_the_plan_adds_up_to_the_published_row() -> None:
    part_fte = sum(fte for fte, _ in PART_TIMERS)  # 0.4 + 0.5 + 0.2 = 1.1
    assert FT_HOLDERS + FT_NON_HOLDERS + part_fte == pytest.approx(SW_FTE)
    assert sum(LEAVERS_BY_MONTH.values()) + PART_LEAVER[1] == pytest.approx(LEAVERS_FTE)
    part_vacancy = sum(max(0.0, budget - fte) for fte, budget in PART_TIMERS)  # 0.6 + 0 + 0.1
    assert VACANT_POSTS * 1.0 + part_vacancy + OVERFILLED * 0 == pytest.approx(VACANCY_FTE)
    cover = COVER_FULL + COVER_PART_WEEK * len(WEEKS) / AGENCY_MONTH_HOURS
    assert cover == pytest.approx(AGENCY_COVER_FTE)
    other_part = OTHER_PART_WEEK * len(WEEKS) / AGENCY_MONTH_HOURS  # 0.3
    agency = cover + OVER_ESTABLISHMENT + SPLIT_PAIRS + ON_FILLED_POSTS + other_part
    assert agency == pytest.approx(AGENCY_FTE)
    assert FT_HOLDERS + part_fte + AGENCY_HOLDERS_FULL + other_part == pytest.approx(
        CASE_HOLDER_FTE)
    # and the published rates follow from the published totals
    assert round(100 * LEAVERS_FTE / SW_FTE, 1) == PUBLISHED_RATES["turnover_rate"]
    assert round(100 * AGENCY_FTE / (AGENCY_FTE + SW_FTE), 1) == PUBLISHED_RATES["agency_rate"]
    assert round(100 * VACANCY_FTE / (VACANCY_FTE + SW_FTE), 1) == PUBLISHED_RATES[
        "vacancy_rate"]
    assert round(100 * AGENCY_COVER_FTE / AGENCY_FTE, 1) == PUBLISHED_RATES["agency_cover_rate"]
    assert round(100 * AGENCY_COVER_FTE / VACANCY_FTE, 1) == PUBLISHED_RATES[
        "vacancy_agency_cover_rate"]
    assert round(CASES / CASE_HOLDER_FTE, 1) == PUBLISHED_RATES["caseload_avg"]
    assert round(100 * DAYS_LOST / (SW_FTE * WORKING_DAYS), 1) == PUBLISHED_RATES[
        "absence_rate"]


def yes(cell: str) -> bool:
    return cell == "Y"


def test_the_extract_rows_add_up_to_the_plan(built: Built) -> None:
    """Sums straight over the text rows, by the definitions, with none of the pipeline's code."""
    sept = built.months[PERIOD]
    sw = [r for r in sept["hr_staff"] if yes(r["qualified_sw"]) and not r["leave_date"]]
    assert sum(float(r["fte"]) for r in sw) == pytest.approx(SW_FTE)

    all_rows = [r for m in built.months.values() for r in m["hr_staff"]]
    qualified = [r for r in all_rows if yes(r["qualified_sw"])]
    assert sum(float(r["fte"]) for r in qualified if r["leave_date"]) == pytest.approx(
        LEAVERS_FTE)
    assert sum(float(r["sickness_days"] or 0) for r in qualified) == DAYS_LOST

    filled: dict[str, float] = defaultdict(float)
    for r in sw:
        filled[r["post_id"]] += float(r["fte"])
    vacancy = {
        p["post_id"]: max(0.0, float(p["budgeted_fte"]) - filled[p["post_id"]])
        for p in sept["establishment"]
        if yes(p["funded"]) and p["status"] != "deleted" and p["role"] != "other"
    }
    assert sum(vacancy.values()) == pytest.approx(VACANCY_FTE)

    agency = [r for r in sept["agency_spend"] if yes(r["qualified_sw"])]
    w = len({r["week_ending"] for r in agency})
    assert w == 5
    assert sum(float(r["hours"]) for r in agency) / (37 * w) == pytest.approx(AGENCY_FTE)
    cover = [r for r in agency if vacancy.get(r["post_id"], 0) > 0]
    assert sum(float(r["hours"]) for r in cover) / (37 * w) == pytest.approx(AGENCY_COVER_FTE)

    open_cases = {(r["worker_type"], r["worker_ref"]): int(r["open_cases"])
                  for r in sept["caseloads"]}
    hours: dict[str, float] = defaultdict(float)
    for r in agency:
        hours[r["worker_ref"]] += float(r["hours"])
    fte: dict[str, float] = defaultdict(float)
    holders: set[str] = set()
    for r in sw:
        fte[r["employee_id"]] += float(r["fte"])
        if yes(r["case_holding"]) or open_cases.get(("employee", r["employee_id"]), 0) > 0:
            holders.add(r["employee_id"])
    holder_fte = sum(fte[e] for e in holders)
    holder_cases = sum(open_cases.get(("employee", e), 0) for e in holders)
    agency_holders = [ref for ref in hours if open_cases.get(("agency", ref), 0) > 0]
    holder_fte += sum(hours[ref] for ref in agency_holders) / (37 * w)
    holder_cases += sum(open_cases[("agency", ref)] for ref in agency_holders)
    assert holder_fte == pytest.approx(CASE_HOLDER_FTE)
    assert holder_cases == CASES
    assert max(open_cases.values()) <= 40


def test_the_months_pass_validation(validated_months: dict[Period, ValidatedMonth]) -> None:
    assert list(validated_months) == WINDOW
    # no warnings either: sickness and caseloads are spread under the warning levels
    assert [str(f) for m in validated_months.values() for f in m.findings] == []


# --- Through the pipeline ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def validated_months(tmp_path_factory: pytest.TempPathFactory,
                     built: Built) -> dict[Period, ValidatedMonth]:
    landing = tmp_path_factory.mktemp("dfe-landing")
    timer = Timer()
    with timer("validate"):
        result = {p: validated(landing, data, p, AUTHORITY) for p, data in built.months.items()}
    print(f"DfE months written and validated: {timer.report()}")
    return result


@dataclass
class Computed:
    backend: str
    rows: list[Any]
    council: dict[str, Any]
    timer: Timer


@pytest.fixture(scope="module", params=[
    "sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def computed(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
             validated_months: dict[Period, ValidatedMonth]) -> Iterator[Computed]:
    """Twelve months loaded into a fresh warehouse and September 2023 computed, once per
    backend for the whole module."""
    from workforce.config import AuthorityConfig

    settings = AuthorityConfig(code=AUTHORITY, name="England")  # the documented defaults
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("WORKFORCE_PSEUDONYM_KEY", "test-key")
        patch.setenv("WORKFORCE_CONFIG_DIR", str(tmp_path_factory.mktemp("config")))
        admin = schema = None
        if request.param == "sqlite":
            path = tmp_path_factory.mktemp("dfe-warehouse") / "warehouse.db"
            engine = make_engine(f"sqlite:///{path}")
        else:
            url = request.getfixturevalue("postgres_server")
            schema = f"wf_test_{uuid.uuid4().hex[:12]}"
            admin = create_engine(url)
            with admin.begin() as connection:
                connection.execute(text(f"CREATE SCHEMA {schema}"))
            engine = make_engine(f"{url}?options=-csearch_path%3D{schema}")
        timer = Timer()
        try:
            with timer("load 12 months"):
                for validated_month in validated_months.values():
                    load_month(engine, validated_month, AUTHORITY)
            with timer("compute 2023-09"):
                rows = compute(engine, AUTHORITY, PERIOD, settings=settings)
            print(f"DfE replication on {request.param}: {timer.report()}")
            yield Computed(request.param, rows, council(rows, AUTHORITY), timer)
        finally:
            engine.dispose()
            if admin is not None:
                with admin.begin() as connection:
                    connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
                admin.dispose()


def mismatches(got: dict[str, Any], expected: list[tuple[str, str, float]],
               tolerance: float) -> list[str]:
    """Every (kpi, field, expected) that the computed rows do not give, as readable lines."""
    found = []
    for kpi, field, want in expected:
        row = got.get(kpi)
        have = None if row is None else getattr(row, field)
        if have is None or have != pytest.approx(want, abs=tolerance):
            found.append(f"{kpi}.{field}: expected {want}, computed {have}")
    return found


def test_published_rates_to_one_decimal_place(computed: Computed) -> None:
    wrong = [
        f"{kpi}: published {rate}, computed {row.value if row else 'no row'}"
        for kpi, rate in PUBLISHED_RATES.items()
        if (row := computed.council.get(kpi)) is None or row.value is None
        or round(row.value, 1) != rate
    ]
    assert wrong == []


def test_numerators_and_denominators_are_the_published_totals(computed: Computed) -> None:
    expected = [
        ("turnover_rate", "numerator", LEAVERS_FTE),
        ("turnover_rate", "denominator", SW_FTE),
        ("agency_rate", "numerator", AGENCY_FTE),
        ("agency_rate", "denominator", AGENCY_FTE + SW_FTE),  # 40,292.6
        ("vacancy_rate", "numerator", VACANCY_FTE),
        ("vacancy_rate", "denominator", VACANCY_FTE + SW_FTE),  # 40,841.8
        ("agency_cover_rate", "numerator", AGENCY_COVER_FTE),
        ("agency_cover_rate", "denominator", AGENCY_FTE),
        ("vacancy_agency_cover_rate", "numerator", AGENCY_COVER_FTE),
        ("vacancy_agency_cover_rate", "denominator", VACANCY_FTE),
        ("caseload_avg", "numerator", CASES),
        ("caseload_avg", "denominator", CASE_HOLDER_FTE),
        ("absence_rate", "numerator", DAYS_LOST),
        ("absence_rate", "denominator", SW_FTE * WORKING_DAYS),  # 8,379,132.3
    ]
    assert mismatches(computed.council, expected, 0.05) == []


def test_the_fte_measures_are_the_published_totals(computed: Computed) -> None:
    expected = [
        ("sw_fte", "value", SW_FTE),
        ("leavers_fte_12m", "value", LEAVERS_FTE),
        ("agency_fte", "value", AGENCY_FTE),
        ("vacancy_fte", "value", VACANCY_FTE),
        ("agency_cover_fte", "value", AGENCY_COVER_FTE),
    ]
    assert mismatches(computed.council, expected, 0.05) == []


def test_rates_are_stored_unrounded(computed: Computed) -> None:
    expected = [
        ("turnover_rate", "value", 100 * LEAVERS_FTE / SW_FTE),  # 15.866…
        ("agency_rate", "value", 100 * AGENCY_FTE / (AGENCY_FTE + SW_FTE)),
        ("vacancy_rate", "value", 100 * VACANCY_FTE / (VACANCY_FTE + SW_FTE)),
        ("agency_cover_rate", "value", 100 * AGENCY_COVER_FTE / AGENCY_FTE),
        ("vacancy_agency_cover_rate", "value", 100 * AGENCY_COVER_FTE / VACANCY_FTE),
        ("caseload_avg", "value", CASES / CASE_HOLDER_FTE),
        ("absence_rate", "value", 100 * DAYS_LOST / (SW_FTE * WORKING_DAYS)),
    ]
    assert mismatches(computed.council, expected, 1e-6) == []


def test_headcounts_and_the_window(computed: Computed, built: Built) -> None:
    expected = [
        # 20,110 + 13,008 + 3 part-timers
        ("sw_headcount", "value", FT_HOLDERS + FT_NON_HOLDERS + len(PART_TIMERS)),
        ("leavers_headcount_12m", "value", sum(LEAVERS_BY_MONTH.values()) + 1),  # 5,255
        # on 29 September: 5,744 + 1 cover, 900 + 100 + 429 + 1 others (not the unqualified)
        ("agency_headcount", "value",
         COVER_FULL + 1 + OVER_ESTABLISHMENT + SPLIT_PAIRS + ON_FILLED_POSTS + 1),
        ("turnover_rate", "window_months", 12),
        ("turnover_rate", "history_months", 12),
        ("absence_rate", "window_months", 12),
        ("absence_rate", "history_months", 12),
    ]
    # starters: SWs whose service started in the window, counted straight from the rows —
    # every 13th full-time employee (2,548) and the leavers who started in their leaving month
    # (5 a month: 60)
    window_start = f"{WINDOW[0].year}-{WINDOW[0].month:02d}-01"
    starters = {(r["employee_id"], r["post_id"]) for m in built.months.values()
                for r in m["hr_staff"] if r["qualified_sw"] == "Y"
                and window_start <= r["service_start_date"] <= D.isoformat()}
    assert len(starters) == 2_548 + 60
    expected += [("starters_headcount_12m", "value", len(starters)),
                 ("starters_fte_12m", "value", len(starters) * 1.0)]  # all full-time
    assert built.in_post_headcount == expected[0][2]
    assert built.leavers_headcount == expected[1][2]
    assert built.agency_last_week_headcount == expected[2][2]
    assert mismatches(computed.council, expected, 0) == []


def test_every_month_of_the_window_is_a_source(computed: Computed) -> None:
    turnover = computed.council["turnover_rate"]
    # a list of load ids, or text holding them: load ids are 16 hexadecimal digits
    sources = re.findall(r"[0-9a-f]{16}", str(turnover.source_load_ids))
    assert len(set(sources)) == len(WINDOW)
    assert turnover.load_id in sources


def test_run_time(computed: Computed) -> None:
    """Not a limit, a record: the timings are printed (pytest -s, or in the report on failure)."""
    print(f"{computed.backend}: {computed.timer.report()}")
    assert sum(computed.timer.steps.values()) < 600
