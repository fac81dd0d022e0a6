"""KPI edge cases, each on a small month of extracts shaped like conftest.GOOD_MONTH.

Every expected number is worked out here from the rows the test writes, with the arithmetic in
view; worker references are pseudonymised in the warehouse, so tests count and sum, never name.
"""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from kpi_builders import (
    Month,
    Row,
    cases,
    compute,
    council,
    line,
    load,
    month,
    post,
    staff,
    valued_over_zero,
)
from sqlalchemy import Engine, text

from workforce.periods import Period

AUTHORITY = "TST"
MARCH = Period(2025, 3)
D = "2025-03-31"
WORKING_DAYS = 253  # April 2024 – March 2025 holds no 29 February
STANDARD_WEEK = 37


def fridays(period: Period) -> list[str]:
    days = range(1, calendar.monthrange(period.year, period.month)[1] + 1)
    return [dt.date(period.year, period.month, d).isoformat() for d in days
            if dt.date(period.year, period.month, d).weekday() == calendar.FRIDAY]


def base_posts() -> list[Row]:
    return [
        post("P1", "CP01", area="Child Protection"),
        post("P2", "CP01", area="Child Protection", role="senior_social_worker"),
        post("P3", "AS01", area="Assessment"),
        post("P4", "AS01", area="Assessment", role="team_manager", status="frozen"),
    ]


def base_staff() -> list[Row]:
    return [
        staff("E1", "P1", "CP01", fte=1.0, case_holding=True, start="2021-06-01", sickness=2),
        staff("E2", "P2", "CP01", fte=0.8, role="senior_social_worker", case_holding=True,
              start="2019-02-14", sickness=0, contract="fixed_term"),
        staff("E3", "P3", "AS01", fte=0.5, case_holding=True, start="2024-11-04", sickness=1),
    ]


def agency_on_p4(period: Period, worker: str = "AG1") -> list[Row]:
    """One agency social worker covering the vacant P4 for 37 hours every week of the month."""
    return [line(f"{worker}-{week}", worker, week, hours=STANDARD_WEEK, rate="45.50",
                 post_id="P4", team="AS01") for week in fridays(period)]


def base_month(period: Period = MARCH) -> Month:
    """GOOD_MONTH's council with nobody leaving: E1 1.0, E2 0.8, E3 0.5 FTE in P1–P3, P4 vacant
    and covered by an agency worker."""
    return month(base_posts(), base_staff(), agency_on_p4(period),
                 [cases("E1", 18), cases("E2", 7), cases("E3", 9), cases("AG1", 21, "agency")])


def value(rows: dict[str, Any], kpi: str) -> float | None:
    assert kpi in rows, f"no council row for {kpi}"
    return rows[kpi].value


def fields(rows: dict[str, Any], kpi: str) -> tuple[Any, Any, Any]:
    assert kpi in rows, f"no council row for {kpi}"
    return rows[kpi].numerator, rows[kpi].denominator, rows[kpi].value


def run(engine: Engine, tmp_path: Path, months: dict[Period, Month], period: Period = MARCH,
        authority: str = AUTHORITY) -> dict[str, Any]:
    for p, data in months.items():
        load(engine, tmp_path / "landing", data, p, authority)
    return council(compute(engine, authority, period), authority)


# --- a month with no leavers --------------------------------------------------------------------


def test_no_leavers_is_a_turnover_of_zero_not_unknown(engine: Engine, tmp_path: Path) -> None:
    got = run(engine, tmp_path, {MARCH: base_month()})

    sw_fte = 1.0 + 0.8 + 0.5  # E1, E2, E3
    assert fields(got, "turnover_rate") == (0, pytest.approx(sw_fte), 0.0)
    assert got["turnover_rate"].value is not None
    assert fields(got, "turnover_rate_headcount") == (0, 3, 0.0)
    assert value(got, "leavers_fte_12m") == 0
    assert value(got, "leavers_headcount_12m") == 0


# --- an authority with no agency use ------------------------------------------------------------


def test_no_agency_use(engine: Engine, tmp_path: Path) -> None:
    data = month(base_posts(), base_staff(), [],
                 [cases("E1", 18), cases("E2", 7), cases("E3", 9)])
    got = run(engine, tmp_path, {MARCH: data})

    sw_fte = 1.0 + 0.8 + 0.5
    vacancy = (1 - 0.8) + (1 - 0.5) + 1.0  # P2, P3, P4
    assert value(got, "agency_fte") == 0
    assert value(got, "agency_headcount") == 0
    assert value(got, "agency_cover_fte") == 0
    assert value(got, "agency_over_establishment_fte") == 0
    assert fields(got, "agency_rate") == (0, pytest.approx(0 + sw_fte), 0.0)
    assert fields(got, "agency_cover_rate") == (0, 0, None)  # no agency FTE: not applicable
    assert fields(got, "vacancy_agency_cover_rate") == (0, pytest.approx(vacancy), 0.0)
    assert value(got, "agency_spend_month_gbp") == 0
    assert value(got, "agency_avg_charge_rate_gbp") is None  # no hours to divide by
    assert got["agency_avg_charge_rate_gbp"].denominator in (0, None)


# --- a post filled beyond its budget -----------------------------------------------------------


def test_an_overfilled_post_has_no_vacancy_not_a_negative_one(
    engine: Engine, tmp_path: Path
) -> None:
    posts = base_posts()
    posts[0]["budgeted_fte"] = "0.5"  # P1 is budgeted 0.5 but E1 works 1.0
    posts.append(post("P5", "CP01", area="Child Protection"))  # a job share of 0.6 + 0.6
    people = [*base_staff(),
              staff("E4", "P5", "CP01", fte=0.6, start="2020-01-06"),
              staff("E5", "P5", "CP01", fte=0.6, start="2020-01-06")]
    weeks = fridays(MARCH)
    lines = [*agency_on_p4(MARCH),  # covers P4, which is vacant
             *(line(f"AG2-{w}", "AG2", w, hours=18.5, post_id="P1", team="CP01")
               for w in weeks)]  # works on the over-filled P1, which has no vacancy
    got = run(engine, tmp_path, {MARCH: month(posts, people, lines, [])})

    vacancy = {
        "P1": max(0, 0.5 - 1.0),  # 0, not −0.5
        "P2": max(0, 1.0 - 0.8),
        "P3": max(0, 1.0 - 0.5),
        "P4": max(0, 1.0 - 0),
        "P5": max(0, 1.0 - (0.6 + 0.6)),  # the post's total, not each assignment: 0, not 0.8
    }
    vacancy_fte = sum(vacancy.values())  # 0 + 0.2 + 0.5 + 1.0 + 0 = 1.7
    sw_fte = 1.0 + 0.8 + 0.5 + 0.6 + 0.6  # 3.5
    establishment = 0.5 + 1 + 1 + 1 + 1  # 4.5
    w = len(weeks)
    agency_fte = (STANDARD_WEEK * w + 18.5 * w) / (STANDARD_WEEK * w)  # 1.5
    cover_fte = STANDARD_WEEK * w / (STANDARD_WEEK * w)  # P4's worker only: 1.0
    assert value(got, "vacancy_fte") == pytest.approx(vacancy_fte)
    assert fields(got, "vacancy_rate") == (
        pytest.approx(vacancy_fte), pytest.approx(vacancy_fte + sw_fte),
        pytest.approx(100 * vacancy_fte / (vacancy_fte + sw_fte)))
    assert fields(got, "establishment_vacancy_rate") == (
        pytest.approx(vacancy_fte), pytest.approx(establishment),
        pytest.approx(100 * vacancy_fte / establishment))
    assert value(got, "agency_fte") == pytest.approx(agency_fte)
    assert value(got, "agency_cover_fte") == pytest.approx(cover_fte)


# --- part-time staff with several assignments -------------------------------------------------


def test_part_time_staff_with_several_assignments(engine: Engine, tmp_path: Path) -> None:
    posts = [post("P1", "CP01"), post("P2", "CP01", budget=0.5),
             post("P3", "AS01", area="Assessment", budget=0.5),
             post("P4", "AS01", area="Assessment"),
             post("P5", "AS01", area="Assessment", budget=0.5)]
    people = [
        staff("E1", "P1", "CP01", fte=1.0, case_holding=True, start="2021-06-01", sickness=2),
        # E5 holds two part-time posts in two teams, E6 two that make a full-time week
        staff("E5", "P2", "CP01", fte=0.5, case_holding=True, sickness=1),
        staff("E5", "P3", "AS01", fte=0.3, case_holding=True, sickness=2),
        staff("E6", "P4", "AS01", fte=0.6, case_holding=True, sickness=0),
        staff("E6", "P5", "AS01", fte=0.4, case_holding=False, sickness=1),
    ]
    weeks = fridays(MARCH)
    # one agency worker with two lines a week, split between P3 and P4
    lines = [line(f"AG1-{post_id}-{w}", "AG1", w, hours=hours, post_id=post_id, team="AS01")
             for w in weeks for post_id, hours in (("P3", 20), ("P4", 17))]
    caseloads = [cases("E1", 18), cases("E5", 12), cases("E6", 10)]
    got = run(engine, tmp_path, {MARCH: month(posts, people, lines, caseloads)})

    sw_fte = 1.0 + (0.5 + 0.3) + (0.6 + 0.4)  # 2.8
    assert value(got, "sw_headcount") == 3  # E1, E5, E6: each once
    assert value(got, "sw_fte") == pytest.approx(sw_fte)
    vacancy = (0.5 - 0.3) + (1.0 - 0.6) + (0.5 - 0.4)  # P3, P4, P5; P1 and P2 are full
    assert value(got, "vacancy_fte") == pytest.approx(vacancy)
    # every one holds cases (E6 through the open cases as well as the flag), counted once
    holder_fte = 1.0 + (0.5 + 0.3) + (0.6 + 0.4)
    open_cases = 18 + 12 + 10
    assert fields(got, "caseload_avg") == (
        open_cases, pytest.approx(holder_fte), pytest.approx(open_cases / holder_fte))
    assert fields(got, "caseload_over_threshold")[:2] == (0, 3)  # 3 people, none over 20
    assert value(got, "caseload_max") == 18
    days = 2 + 1 + 2 + 0 + 1  # sickness summed over every assignment
    assert fields(got, "absence_rate") == (
        days, pytest.approx(sw_fte * WORKING_DAYS),
        pytest.approx(100 * days / (sw_fte * WORKING_DAYS)))
    w = len(weeks)
    assert value(got, "agency_headcount") == 1  # two lines in the last week, one worker
    assert value(got, "agency_fte") == pytest.approx((20 + 17) * w / (STANDARD_WEEK * w))


# --- a worker who leaves and comes back -------------------------------------------------------


def test_a_worker_who_leaves_and_returns_in_a_later_month(
    engine: Engine, tmp_path: Path
) -> None:
    posts = [post("P1", "CP01"), post("P2", "CP01"), post("P3", "CP01")]
    e2 = staff("E2", "P2", "CP01", fte=0.8, start="2019-02-14")
    months = {
        Period(2025, 1): month(posts, [
            staff("E1", "P1", "CP01", start="2018-05-01", leave="2025-01-17"), e2]),
        Period(2025, 2): month(posts, [e2]),  # E1 is away
        MARCH: month(posts, [staff("E1", "P3", "CP01", start="2025-03-03"), e2]),  # back
    }
    got = run(engine, tmp_path, months)

    assert value(got, "leavers_headcount_12m") == 1  # the departure, once
    assert value(got, "leavers_fte_12m") == pytest.approx(1.0)
    assert value(got, "starters_headcount_12m") == 1  # the return: service starts 3 March
    assert value(got, "starters_fte_12m") == pytest.approx(1.0)
    assert value(got, "sw_headcount") == 2  # E1 again and E2
    sw_fte = 1.0 + 0.8
    assert fields(got, "turnover_rate") == (
        pytest.approx(1.0), pytest.approx(sw_fte), pytest.approx(100 * 1.0 / sw_fte))
    assert got["turnover_rate"].history_months == 3  # January to March of the 12


def test_a_worker_who_leaves_and_returns_in_the_same_month(
    engine: Engine, tmp_path: Path
) -> None:
    posts = [post("P1", "CP01"), post("P2", "CP01"), post("P3", "CP01")]
    people = [staff("E1", "P1", "CP01", start="2018-05-01", leave="2025-03-07"),
              staff("E1", "P3", "CP01", start="2025-03-24"),
              staff("E2", "P2", "CP01", fte=0.8, start="2019-02-14")]
    got = run(engine, tmp_path, {MARCH: month(posts, people)})

    assert value(got, "leavers_headcount_12m") == 1
    assert value(got, "starters_headcount_12m") == 1
    assert value(got, "sw_headcount") == 2
    assert value(got, "sw_fte") == pytest.approx(1.0 + 0.8)
    assert value(got, "vacancy_fte") == pytest.approx(1.0 + (1.0 - 0.8) + 0)  # P1, P2, P3


# --- a leaver on the snapshot date ------------------------------------------------------------


def test_a_leaver_on_the_snapshot_date_has_left(engine: Engine, tmp_path: Path) -> None:
    people = base_staff()
    people[1].update(leave_date=D, leaving_reason="resignation", sickness_days="3")  # E2, 0.8
    data = month(base_posts(), people, [],
                 [cases("E1", 18), cases("E2", 10), cases("E3", 9)])
    got = run(engine, tmp_path, {MARCH: data})

    sw_fte = 1.0 + 0.5  # E1 and E3; E2 left on d
    assert value(got, "sw_headcount") == 2
    assert value(got, "sw_fte") == pytest.approx(sw_fte)
    assert value(got, "leavers_headcount_12m") == 1
    assert fields(got, "turnover_rate") == (
        pytest.approx(0.8), pytest.approx(sw_fte), pytest.approx(100 * 0.8 / sw_fte))
    assert value(got, "vacancy_fte") == pytest.approx(1.0 + (1.0 - 0.5) + 1.0)  # P2 whole
    # E2's cases are not a case holder's: E1 and E3 only
    assert fields(got, "caseload_avg")[:2] == (18 + 9, pytest.approx(1.0 + 0.5))
    days = 2 + 3 + 1  # E2's sickness before leaving still counts
    assert fields(got, "absence_rate")[:2] == (days, pytest.approx(sw_fte * WORKING_DAYS))


# --- a loaded month with nobody in post --------------------------------------------------------


def test_a_loaded_month_with_nobody_in_post(engine: Engine, tmp_path: Path) -> None:
    """February's files hold only its one leaver (the extract grain allows it): March's figures
    still count the leaver, and February adds nothing to the year's supplements."""
    february = month([post("P9", "CP01")],
                     [staff("E9", "P9", "CP01", start="2016-01-04", leave="2025-02-14")])
    got = run(engine, tmp_path, {Period(2025, 2): february, MARCH: base_month()})

    sw_fte = 1.0 + 0.8 + 0.5
    assert value(got, "leavers_headcount_12m") == 1
    assert fields(got, "turnover_rate") == (
        pytest.approx(1.0), pytest.approx(sw_fte), pytest.approx(100 * 1.0 / sw_fte))
    supplement = 5_000 * 0.8 / 12  # E2, senior social worker: £5,000 a year × 0.8 FTE
    assert value(got, "market_supplement_cost_gbp") == pytest.approx(supplement, abs=0.01)
    # E1's retention payment fell due in June 2023 (two years from June 2021), not this year
    assert value(got, "scheme_cost_ytd_gbp") == pytest.approx(0 + supplement, abs=0.01)


# --- the financial year restarts in April -----------------------------------------------------


def spend(data: Month) -> Decimal:
    return sum((Decimal(r["line_cost_gbp"]) for r in data["agency_spend"]), Decimal(0))


def test_agency_spend_year_to_date_restarts_in_april(engine: Engine, tmp_path: Path) -> None:
    def with_lines(*lines: Row) -> Month:
        return month(base_posts(), base_staff()[:1], lines, [])

    months = {
        Period(2024, 3): with_lines(  # the year before: never in 2024-25's figures
            line("A1", "AG1", "2024-03-08", hours=37, rate="41.13", post_id="P4", team="AS01"),
            line("A2", "AG2", "2024-03-22", hours=20, rate="23.45", role="other",
                 qualified=False, team="AS01")),
        Period(2024, 4): with_lines(
            line("B1", "AG1", "2024-04-12", hours=37, rate="42.17", post_id="P4", team="AS01"),
            line("B2", "AG1", "2024-04-26", hours=35.5, rate="42.18", post_id="P4",
                 team="AS01")),
        Period(2025, 3): with_lines(
            line("C1", "AG1", "2025-03-14", hours=37, rate="44.09", post_id="P4", team="AS01"),
            line("C2", "AG3", "2025-03-28", hours=22.5, rate="51.26", team="CP01",
                 supplier="Brightcare")),
        Period(2025, 4): with_lines(
            line("D1", "AG1", "2025-04-04", hours=37, rate="44.09", post_id="P4", team="AS01"),
            line("D2", "AG3", "2025-04-25", hours=30, rate="51.26", team="CP01",
                 supplier="Brightcare")),
    }
    for p, data in months.items():
        load(engine, tmp_path / "landing", data, p)
    got = {p: council(compute(engine, AUTHORITY, p)) for p in months}

    month_spend = {p: spend(data) for p, data in months.items()}
    ytd = {
        Period(2024, 3): month_spend[Period(2024, 3)],  # last month of 2023-24
        Period(2024, 4): month_spend[Period(2024, 4)],  # first month of 2024-25
        # 2024-25 to March: April 2024 and March 2025, the months loaded; not March 2024
        Period(2025, 3): month_spend[Period(2024, 4)] + month_spend[Period(2025, 3)],
        Period(2025, 4): month_spend[Period(2025, 4)],  # 2025-26 starts again
    }
    assert ytd[Period(2025, 3)] == Decimal("1560.29") + Decimal("1497.39") + Decimal(
        "1631.33") + Decimal("1153.35")
    for p in months:
        assert value(got[p], "agency_spend_month_gbp") == pytest.approx(
            float(month_spend[p]), abs=0.005), p
        assert value(got[p], "agency_spend_ytd_gbp") == pytest.approx(
            float(ytd[p]), abs=0.005), p


# --- division by zero -------------------------------------------------------------------------

NOT_APPLICABLE_WITHOUT_SOCIAL_WORKERS = (
    "vacancy_rate", "agency_rate", "agency_cover_rate", "vacancy_agency_cover_rate",
    "turnover_rate", "turnover_rate_headcount", "caseload_avg", "absence_rate",
    "establishment_vacancy_rate", "agency_avg_charge_rate_gbp", "experienced_share",
    "caseload_over_threshold", "vacancy_factor_actual_ytd", "stability_index",
    "retention_after_payment_rate", "turnover_rate_eligible_group",
)


def test_a_council_with_no_social_workers_in_post(engine: Engine, tmp_path: Path) -> None:
    """Its last social worker left this month and the post was deleted; one unqualified family
    support worker remains. Every rate divides by zero: each is not applicable (no value)."""
    posts = [post("P1", "CP01", status="deleted"), post("P2", "CP01", role="other")]
    # E1 reached two years' service in June 2024: eligible for the retention payment, but not
    # 12 months ago, so the retention rate has no one to divide by either
    people = [staff("E1", "P1", "CP01", start="2022-06-01", leave="2025-03-14", sickness=2),
              staff("U1", "P2", "CP01", role="other", qualified=False, sickness=1)]
    load(engine, tmp_path / "landing", month(posts, people), MARCH)
    rows = compute(engine, AUTHORITY, MARCH)
    got = council(rows)

    assert value(got, "sw_fte") == 0
    assert value(got, "sw_headcount") == 0
    assert value(got, "leavers_fte_12m") == pytest.approx(1.0)
    assert value(got, "establishment_fte") == 0  # P1 deleted, P2 not a social work post
    valued = {kpi: value(got, kpi) for kpi in NOT_APPLICABLE_WITHOUT_SOCIAL_WORKERS}
    assert valued == dict.fromkeys(NOT_APPLICABLE_WITHOUT_SOCIAL_WORKERS)
    assert valued_over_zero(rows) == []


def test_a_council_whose_social_work_posts_are_all_vacant(engine: Engine, tmp_path: Path) -> None:
    """No social worker in post, but a vacant social work post: the vacancy rates are 100%,
    the rates over social workers are not applicable."""
    posts = [post("P1", "CP01"), post("P2", "CP01", role="other")]
    people = [staff("E1", "P1", "CP01", start="2022-06-01", leave="2025-03-14", sickness=2),
              staff("U1", "P2", "CP01", role="other", qualified=False, sickness=1)]
    load(engine, tmp_path / "landing", month(posts, people), MARCH)
    rows = compute(engine, AUTHORITY, MARCH)
    got = council(rows)

    assert fields(got, "vacancy_rate") == (1.0, 1.0 + 0, 100.0)  # P1 vacant, nobody in post
    assert fields(got, "establishment_vacancy_rate") == (1.0, 1.0, 100.0)
    assert fields(got, "vacancy_agency_cover_rate") == (0, 1.0, 0.0)
    not_applicable = [kpi for kpi in NOT_APPLICABLE_WITHOUT_SOCIAL_WORKERS if kpi not in (
        "vacancy_rate", "establishment_vacancy_rate", "vacancy_agency_cover_rate",
        "vacancy_factor_actual_ytd")]
    valued = {kpi: value(got, kpi) for kpi in not_applicable}
    assert valued == dict.fromkeys(not_applicable)
    assert valued_over_zero(rows) == []


def test_a_council_where_nobody_is_eligible_for_the_retention_payment(
    engine: Engine, tmp_path: Path
) -> None:
    """Everyone reached two years' service before the scheme started (April 2020)."""
    people = base_staff()
    for person in people:
        person["service_start_date"] = "2015-04-01"  # two years on: April 2017
    data = month(base_posts(), people, agency_on_p4(MARCH), [])
    rows = compute_after_load(engine, tmp_path, data)
    got = council(rows)

    assert value(got, "retention_eligible_headcount") == 0
    assert value(got, "retention_payments_due_gbp") == 0
    assert fields(got, "retention_after_payment_rate")[1:] == (0, None)
    assert valued_over_zero(rows) == []


def compute_after_load(engine: Engine, tmp_path: Path, data: Month) -> list[Any]:
    load(engine, tmp_path / "landing", data, MARCH)
    return compute(engine, AUTHORITY, MARCH)


def test_no_row_anywhere_gives_a_value_over_a_zero_denominator(
    engine: Engine, tmp_path: Path
) -> None:
    data = month(base_posts(), base_staff(), [], [])  # no agency, no cases
    load(engine, tmp_path / "landing", data, MARCH)
    assert valued_over_zero(compute(engine, AUTHORITY, MARCH)) == []


# --- recomputing a month ----------------------------------------------------------------------


def stored(engine: Engine, authority: str, period: Period) -> list[tuple[str, ...]]:
    with engine.connect() as connection:
        result = connection.execute(
            text("SELECT * FROM kpi_value WHERE authority_code = :a AND period = :p"),
            {"a": authority, "p": str(period)})
        return sorted(tuple(map(str, r)) for r in result)


def stored_rows(engine: Engine, authority: str, period: Period) -> list[dict[str, Any]]:
    with engine.connect() as connection:
        result = connection.execute(
            text("SELECT * FROM kpi_value WHERE authority_code = :a AND period = :p"),
            {"a": authority, "p": str(period)})
        return [dict(r) for r in result.mappings()]


def test_recomputing_a_month_replaces_it_and_nothing_else(
    engine: Engine, tmp_path: Path
) -> None:
    february = Period(2025, 2)
    load(engine, tmp_path / "landing", base_month(february), february)
    first = load(engine, tmp_path / "landing", base_month(), MARCH)
    load(engine, tmp_path / "landing", base_month(), MARCH, "OTH")
    compute(engine, AUTHORITY, february)
    before_rows = compute(engine, AUTHORITY, MARCH)
    compute(engine, "OTH", MARCH)
    february_before = stored(engine, AUTHORITY, february)
    other_before = stored(engine, "OTH", MARCH)
    march_before = stored_rows(engine, AUTHORITY, MARCH)
    assert february_before and other_before
    assert len(march_before) == len(before_rows)

    corrected = base_month()
    corrected["hr_staff"][2]["fte"] = "1"  # E3 goes full-time
    second = load(engine, tmp_path / "landing", corrected, MARCH)
    assert second.load_id != first.load_id
    after_rows = compute(engine, AUTHORITY, MARCH)

    assert stored(engine, AUTHORITY, february) == february_before
    assert stored(engine, "OTH", MARCH) == other_before
    march_after = stored_rows(engine, AUTHORITY, MARCH)
    keys = [(r["scope_type"], r["scope_code"], r["kpi"]) for r in march_after]
    assert len(keys) == len(set(keys)) == len(after_rows)  # replaced, not added to
    assert set(keys) == {(r.scope_type, r.scope_code, r.kpi) for r in after_rows}
    assert {r["load_id"] for r in march_after} == {second.load_id}
    sw_fte = [r["value"] for r in march_after if r["kpi"] == "sw_fte"
              and r["scope_type"] == "council"]
    assert sw_fte == [pytest.approx(1.0 + 0.8 + 1.0)]  # was 1.0 + 0.8 + 0.5

    compute(engine, AUTHORITY, MARCH)  # once more, unchanged: still one row each
    assert len(stored_rows(engine, AUTHORITY, MARCH)) == len(after_rows)
