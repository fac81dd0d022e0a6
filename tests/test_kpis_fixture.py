"""Every KPI of docs/kpi-definitions.md on a hand-built council, worked out by hand.

The council "HND" (tests/fixtures_kpi.py, whose docstring tells the story post by post) has
13 months of extracts, March 2024 to March 2025. They go through validation and the loader
like any council's files, on SQLite and PostgreSQL, and the KPI engine computes March 2025
(snapshot date d = 31 March 2025; rolling window 1 April 2024 to 31 March 2025, no 29 February,
so 253 working days). Each expected number below is derived from the fixture by hand, with the
arithmetic written out; none is copied from the engine's output.

Worker references are pseudonymised in the warehouse, so the tests look only at counts and
sums.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from fixtures_kpi import AUTHORITY, PERIODS, SUPPLIER_A, SUPPLIER_B, write_months
from sqlalchemy import Engine, text

from workforce.config import (
    AuthorityConfig,
    ExtractSettings,
    FinancialYear,
    RetentionScheme,
    Target,
)
from workforce.kpis import compute_month
from workforce.periods import Period
from workforce.validation import ValidatedMonth, validate_month
from workforce.warehouse import load_month

MARCH = Period(2025, 3)
NOVEMBER = Period(2024, 11)
DOC = Path(__file__).resolve().parents[1] / "docs" / "kpi-definitions.md"

AGENCY_BUDGET = 30_000.0
SETTINGS = AuthorityConfig(
    code=AUTHORITY,
    name="Hand-built council",
    # From 1 March 2024: E02 and E03 qualify in March 2024, E13 in November 2024 and E01
    # in March 2025; every earlier anniversary is before the scheme.
    retention_scheme=RetentionScheme(start_date=dt.date(2024, 3, 1)),
    financial_years={
        "2023-24": FinancialYear(agency_budget_gbp=AGENCY_BUDGET),
        "2024-25": FinancialYear(agency_budget_gbp=AGENCY_BUDGET),
    },
    targets={
        "vacancy_rate": Target(target=20, tolerance=5),  # lower is better
        "turnover_rate": Target(target=25, tolerance=2),  # lower is better
        "stability_index": Target(target=85, tolerance=10),  # higher is better
    },
)

# --- Hand arithmetic: March 2025 --------------------------------------------------------------

STANDARD_HOURS = 37
WORKING_DAYS = 253  # the window 2024-04-01 … 2025-03-31 holds no 29 February

# Social workers in post at d (qualified, started, no leave date or one after d). E07 left
# on d itself (not in post); E06 is not a qualified social worker; E03, E12, E15 left earlier.
SW_FTE_CP01 = 1.0 + 1.0 + 1.0 + 0.6 + 1.0  # E01, E02, E09 (1.0 since January), E04, E05
SW_FTE_AS01 = (0.4 + 0.6) + 0.9 + 1.0 + 1.0  # E08 (P09 + P12), E10, E11, E13 (unfunded P14)
SW_FTE = SW_FTE_CP01 + SW_FTE_AS01  # 8.5
SW_HEADCOUNT = 5 + 4  # E08 counted once

# Vacancies at d over funded, not deleted social work posts: max(0, budget − SW FTE in post).
# P01, P02, P03 (E09), P05, P11 full; P12 over-filled (0.5 − 0.6 → 0); P07 is role other,
# P13 deleted, P14 unfunded: not counted.
VACANCY_CP01 = (1 - 0.6) + 1.0  # P04 (E04 0.6), P06 (frozen, empty: still funded, not deleted)
VACANCY_AS01 = 1.0 + (1 - 0.4) + (1 - 0.9)  # P08 (E07 left on d), P09 (E08 0.4), P10 (E10)
VACANCY_FTE = VACANCY_CP01 + VACANCY_AS01  # 3.1

# Funded, not deleted social work posts: P01-P06 (6 × 1.0, P06 frozen), P08-P11 (4 × 1.0),
# P12 0.5.
ESTABLISHMENT_FTE = 6 * 1.0 + 4 * 1.0 + 0.5  # 10.5
ESTABLISHMENT_FTE_ACTIVE = ESTABLISHMENT_FTE - 1.0  # without the frozen P06

# Agency, March 2025: qualified lines on the week endings 7, 14, 21 and 28 March → W = 4.
W = 4
AG01_HOURS = 4 * 37  # covering P08 (vacant at d)
AG02_HOURS = 3 * 30  # no post: over establishment; no line on 28 March
AG03_HOURS = 4 * 15  # covering P04 (vacancy 0.4 at d); placed 2023-10-02: a long placement
AG05_HOURS = 1 * 37  # covering P01, which has no vacancy: not cover
AGENCY_HOURS = AG01_HOURS + AG02_HOURS + AG03_HOURS + AG05_HOURS  # 335; AG04 unqualified
AGENCY_FTE = AGENCY_HOURS / (STANDARD_HOURS * W)
AGENCY_COVER_FTE = (AG01_HOURS + AG03_HOURS) / (STANDARD_HOURS * W)
AGENCY_OVER_ESTABLISHMENT_FTE = AG02_HOURS / (STANDARD_HOURS * W)
AGENCY_HEADCOUNT = 3  # AG01, AG03, AG05 on 28 March (AG04 there too, but unqualified)

# Agency spend: every line, qualified or not.
SPEND_A_MARCH = 4 * 1665.00 + 4 * 750.00 + 1554.00  # Acme: AG01 37h × £45, AG03 15h × £50,
#                                                        AG05 37h × £42
SPEND_B_MARCH = 3 * 1200.00 + 500.00  # Brightcare: AG02 30h × £40, AG04 20h × £25
SPEND_MARCH = SPEND_A_MARCH + SPEND_B_MARCH  # 15,314
HOURS_ALL_LINES = AGENCY_HOURS + 20  # with AG04's 20 unqualified hours
SPEND_YTD = (
    11 * 750.00  # AG03, one line a month April … February (its 4 March lines are in March)
    + 3 * 1665.00  # AG01 covering P03, July, August, September 2024
    + 4 * 1200.00  # AG02, November 2024 … February 2025
    + SPEND_MARCH
)  # 33,359; AG03's March 2024 line is in the previous financial year

# Starters: service start in the window, FTE at the latest loaded row.
STARTERS_FTE = 0.6 + 1.0  # E12 (2024-04-01, last row December 0.6), E09 (2024-10-07, 1.0)
STARTERS_HEADCOUNT = 2
# Leavers: leave date in the window, FTE at leaving. E15 (2024-03-28) is before the window.
LEAVERS_FTE_CP01 = 1.0  # E03 left 2024-06-14 at 1.0
LEAVERS_FTE_AS01 = 0.6 + 0.5  # E12 left 2024-12-20 at 0.6, E07 left 2025-03-31 at 0.5
LEAVERS_FTE = LEAVERS_FTE_CP01 + LEAVERS_FTE_AS01  # 2.1
LEAVERS_HEADCOUNT = 3

# Case holders at d: SWs in post with case_holding Y or open cases > 0, agency workers with
# a line and open cases > 0. E05 (not case holding, no cases) is not one; E11 (flag N, 4
# cases) is; E07 (listed with 6 cases) left on d; AG05 has 0 cases.
CASES_CP01 = 18 + 22 + 12 + 14 + 5  # E01, E02, E04, E09, AG03
CASES_AS01 = 15 + 10 + 4 + 16 + 9  # E08, E10, E11, E13, AG01
CASE_FTE_CP01 = 1.0 + 1.0 + 0.6 + 1.0 + AG03_HOURS / (STANDARD_HOURS * W)
CASE_FTE_AS01 = 1.0 + 0.9 + 1.0 + 1.0 + AG01_HOURS / (STANDARD_HOURS * W)
CASE_HOLDERS = 5 + 5
OVER_THRESHOLD = 1  # E02 with 22 > 20
CASELOAD_MAX = 22

# Sickness of SW rows in the window's months. Not counted: E01's 1 and E15's 2 days in March
# 2024 (before the window), E06's 5 days (not a social worker).
SICKNESS_DAYS = 4 + (1 + 1) + 3 + 2 + 1.5  # E03 May, E08 July (both posts), E01 November,
#                                             E10 February, E07 March (leaver's own month)

# Stability: SWs in post at 31 March 2024: E01, E02, E03, E04, E05, E07, E08, E10, E11, E13
# (E15 left on 28 March). Of those, in post at d: all but E03 and E07.
STABLE_BASE = 10
STABLE = 8

# Experienced: service start ≤ 2023-03-31. E01 (2023-03-10) 1.0, E02 1.0, E04 0.6, E05 1.0,
# E08 1.0, E11 1.0, E13 1.0; not E09 (2024-10-07) or E10 (2023-09-04).
EXPERIENCED_FTE = 1.0 + 1.0 + 0.6 + 1.0 + 1.0 + 1.0 + 1.0  # 6.6

# Vacancy FTE at each month end of the financial year (April 2024 … March 2025). Steady:
# P04 0.4, P06 1.0, P08 0.5 (E07 0.5), P10 0.1 = 2.0; P03 vacant from E03's leaving (June) to
# E09's start (1.0 June-September, 0.2 October-December while E09 is 0.8); P09 0.6 from
# E12's leaving in December; P08 1.0 in March.
MONTHLY_VACANCY = {
    "2024-04": 2.0, "2024-05": 2.0,
    "2024-06": 2.0 + 1.0, "2024-07": 2.0 + 1.0, "2024-08": 2.0 + 1.0, "2024-09": 2.0 + 1.0,
    "2024-10": 2.0 + 0.2, "2024-11": 2.0 + 0.2, "2024-12": 2.0 + 0.2 + 0.6,
    "2025-01": 2.0 + 0.6, "2025-02": 2.0 + 0.6, "2025-03": 2.0 + 0.5 + 0.6,
}
# Monthly cost of one vacant FTE (annual cost ÷ budget ÷ 12): SW £48,000 → £4,000, senior
# £55,200 → £4,600, advanced practitioner £52,800 → £4,400.
STEADY_SAVING = 0.4 * 4600 + 1.0 * 4000 + 0.5 * 4400 + 0.1 * 4600  # P04, P06, P08, P10: 8,500
VACANCY_SAVINGS_YTD = (
    11 * STEADY_SAVING  # April … February
    + (0.4 * 4600 + 1.0 * 4000 + 1.0 * 4400 + 0.1 * 4600)  # March (P08 fully vacant)
    + 4 * 1.0 * 4000 + 3 * 0.2 * 4000  # P03: June-September, October-December
    + 4 * 0.6 * 4000  # P09: December … March
)  # 132,200
# Establishment budget (no establishment_budget_gbp set): annual cost of funded, not
# deleted SW posts in March: 5 SW posts × £48,000 (P01, P02, P03, P06, P09), 2 seniors ×
# £55,200, 2 managers × £72,000, P08 £52,800, P12 £24,000.
ESTABLISHMENT_BUDGET = 5 * 48_000 + 2 * 55_200 + 2 * 72_000 + 52_800 + 24_000  # 571,200
VACANCY_FACTOR = 0.10

# Retention scheme (start 2024-03-01, lump sum £2,000 or 3 × £666 every 6 months):
#   E02 lump sum March 2024 (financial year 2023-24: not this year)
#   E03 instalments March 2024 (paid), September 2024 and March 2025 (not due: left June)
#   E13 instalments November 2024 (paid), May 2025, November 2025
#   E01 lump sum (blank option → default) March 2025
PAYMENTS_DUE_MARCH = 2000  # E01
PAYMENTS_YTD = 666 + 2000  # E13 November, E01 March
# Market supplements, annual amount × FTE ÷ 12, the same people every month of the year.
SUPPLEMENT_CP01 = 5000 * 0.6 / 12 + 5487 * 1.0 / 12  # E04 senior 0.6 → 250, E05 manager
SUPPLEMENT_AS01 = 5000 * 0.9 / 12 + 5487 * 1.0 / 12  # E10 senior 0.9 → 375, E11 manager
SUPPLEMENTS = SUPPLEMENT_CP01 + SUPPLEMENT_AS01  # 1,539.50 a month
SCHEME_COST_YTD = 12 * SUPPLEMENTS + PAYMENTS_YTD  # on-cost rate 0
SCHEME_BUDGET = 2_061_000  # Manchester default for years after 2020-21
ELIGIBLE = 4  # E02, E03, E13, E01
ELIGIBLE_12M_AGO = 2  # E02, E03 (anniversaries March 2024 ≤ 2024-03-31)
ELIGIBLE_12M_AGO_IN_POST = 1  # E02
# Eligible role social_worker: leavers E03 1.0, E12 0.6 (E07 was an advanced practitioner);
# in post E01, E02, E09, E08 (0.4 + 0.6), E13.
ELIGIBLE_ROLE_LEAVERS_FTE = 1.0 + 0.6
ELIGIBLE_ROLE_FTE = 1.0 + 1.0 + 1.0 + (0.4 + 0.6) + 1.0


def rate(numerator: float, denominator: float) -> tuple:
    return numerator, denominator, (100 * numerator / denominator if denominator else None)


def ratio(numerator: float, denominator: float) -> tuple:
    return numerator, denominator, numerator / denominator


def total(value: float) -> tuple:
    return value, None, value


EXPECTED_MARCH_COUNCIL: dict[str, tuple] = {
    # DfE-consistent measures
    "sw_fte": total(SW_FTE),
    "sw_headcount": total(SW_HEADCOUNT),
    "vacancy_fte": total(VACANCY_FTE),
    "vacancy_rate": rate(VACANCY_FTE, VACANCY_FTE + SW_FTE),  # 3.1 / 11.6
    "agency_fte": total(AGENCY_FTE),  # 335 / 148
    "agency_headcount": total(AGENCY_HEADCOUNT),
    "agency_rate": rate(AGENCY_FTE, AGENCY_FTE + SW_FTE),
    "agency_cover_fte": total(AGENCY_COVER_FTE),  # 208 / 148
    "agency_cover_rate": rate(AGENCY_COVER_FTE, AGENCY_FTE),  # 208 / 335
    "vacancy_agency_cover_rate": rate(AGENCY_COVER_FTE, VACANCY_FTE),
    "starters_fte_12m": total(STARTERS_FTE),
    "starters_headcount_12m": total(STARTERS_HEADCOUNT),
    "leavers_fte_12m": total(LEAVERS_FTE),
    "leavers_headcount_12m": total(LEAVERS_HEADCOUNT),
    "turnover_rate": rate(LEAVERS_FTE, SW_FTE),  # 2.1 / 8.5
    "turnover_rate_headcount": rate(LEAVERS_HEADCOUNT, SW_HEADCOUNT),  # 3 / 9
    "caseload_avg": ratio(CASES_CP01 + CASES_AS01, CASE_FTE_CP01 + CASE_FTE_AS01),  # 125 / 8.9
    "absence_rate": rate(SICKNESS_DAYS, SW_FTE * WORKING_DAYS),  # 12.5 / (8.5 × 253)
    # Local measures
    "establishment_fte": total(ESTABLISHMENT_FTE),
    "establishment_fte_active": total(ESTABLISHMENT_FTE_ACTIVE),
    "establishment_vacancy_rate": rate(VACANCY_FTE, ESTABLISHMENT_FTE),  # 3.1 / 10.5
    "vacancy_factor_target": total(VACANCY_FACTOR * 100),
    "vacancy_factor_actual_ytd": rate(sum(MONTHLY_VACANCY.values()), 12 * ESTABLISHMENT_FTE),
    "vacancy_savings_ytd_gbp": total(VACANCY_SAVINGS_YTD),
    "vacancy_factor_target_savings_ytd_gbp": total(VACANCY_FACTOR * ESTABLISHMENT_BUDGET * 12
                                                   / 12),
    "vacancy_factor_variance_gbp": total(VACANCY_SAVINGS_YTD
                                         - VACANCY_FACTOR * ESTABLISHMENT_BUDGET),
    "agency_spend_month_gbp": total(SPEND_MARCH),
    "agency_spend_ytd_gbp": total(SPEND_YTD),
    "agency_spend_forecast_gbp": total(SPEND_YTD + 0),  # March: no months left in the year
    "agency_budget_gbp": total(AGENCY_BUDGET),
    "agency_budget_variance_gbp": total(SPEND_YTD - AGENCY_BUDGET),
    "agency_avg_charge_rate_gbp": ratio(SPEND_MARCH, HOURS_ALL_LINES),  # 15,314 / 355 h
    "agency_long_placements": total(1),  # AG03, placed 2023-10-02 < 2024-03-31
    "agency_over_establishment_fte": total(AGENCY_OVER_ESTABLISHMENT_FTE),  # 90 / 148
    "stability_index": rate(STABLE, STABLE_BASE),
    "experienced_share": rate(EXPERIENCED_FTE, SW_FTE),
    "caseload_over_threshold": rate(OVER_THRESHOLD, CASE_HOLDERS),
    "caseload_max": total(CASELOAD_MAX),
    # Recruitment and retention scheme
    "retention_payments_due_gbp": total(PAYMENTS_DUE_MARCH),
    "retention_payments_ytd_gbp": total(PAYMENTS_YTD),
    "market_supplement_cost_gbp": total(SUPPLEMENTS),
    "scheme_cost_ytd_gbp": total(SCHEME_COST_YTD),
    "scheme_cost_forecast_gbp": total(SCHEME_COST_YTD + 0),  # no months left
    "scheme_budget_gbp": total(SCHEME_BUDGET),
    "scheme_budget_variance_gbp": total(SCHEME_COST_YTD - SCHEME_BUDGET),
    "retention_eligible_headcount": total(ELIGIBLE),
    "retention_after_payment_rate": rate(ELIGIBLE_12M_AGO_IN_POST, ELIGIBLE_12M_AGO),
    "turnover_rate_eligible_group": rate(ELIGIBLE_ROLE_LEAVERS_FTE, ELIGIBLE_ROLE_FTE),
    # social_worker role in post at 31 March 2024: E01, E02, E03, E08, E13 (E15 had left);
    # all but E03 are in post at d.
    "stability_index_eligible_group": rate(4, 5),
}

ROLLING = ["starters_fte_12m", "starters_headcount_12m", "leavers_fte_12m",
           "leavers_headcount_12m", "turnover_rate", "turnover_rate_headcount", "absence_rate"]


def documented_codes() -> list[str]:
    """The KPI codes in the measure tables of docs/kpi-definitions.md."""
    measures = DOC.read_text(encoding="utf-8").split("## DfE-consistent measures", 1)[1]
    return re.findall(r"^\| `([a-z0-9_]+)` \|", measures, flags=re.MULTILINE)


# --- Loading --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def validated(tmp_path_factory: pytest.TempPathFactory) -> dict[Period, ValidatedMonth]:
    """The 13 months written as CSV folders and validated once for the module."""
    folders = write_months(tmp_path_factory.mktemp("landing"))
    months = {}
    for period, folder in folders.items():
        month = validate_month(folder, period, ExtractSettings())
        assert month.ok, f"{period}:\n" + "\n".join(map(str, month.findings))
        months[period] = month
    return months


def load(engine: Engine, validated: dict[Period, ValidatedMonth],
         periods: list[Period] = PERIODS) -> dict[Period, str]:
    return {p: load_month(engine, validated[p], AUTHORITY).load_id for p in periods}


def by_key(rows: list) -> dict[tuple[str, str, str], object]:
    keyed = {(r.scope_type, r.scope_code, r.kpi): r for r in rows}
    assert len(keyed) == len(rows), "one row per scope and KPI"
    return keyed


def council(rows: list, kpi: str):
    return by_key(rows)[("council", AUTHORITY, kpi)]


def mismatches(rows: list, expected: dict[str, tuple], scope_type: str = "council",
               scope_code: str = AUTHORITY) -> list[str]:
    """Every KPI whose numerator, denominator or value differs from the hand arithmetic."""
    keyed = by_key(rows)
    problems = []
    for kpi, (numerator, denominator, value) in expected.items():
        row = keyed.get((scope_type, scope_code, kpi))
        if row is None:
            problems.append(f"{kpi}: no row for {scope_type} {scope_code}")
            continue
        tolerance = {"rel": 1e-9, "abs": 0.005 if kpi.endswith("_gbp") else 1e-9}
        for part, want, got in (("numerator", numerator, row.numerator),
                                ("denominator", denominator, row.denominator),
                                ("value", value, row.value)):
            same = got is None if want is None else (
                got is not None and got == pytest.approx(want, **tolerance))
            if not same:
                problems.append(f"{kpi} ({scope_type} {scope_code}): {part} expected {want!r}, "
                                f"got {got!r}")
    return problems


# --- Tests ----------------------------------------------------------------------------------


def test_the_fixture_months_pass_validation(validated: dict[Period, ValidatedMonth]) -> None:
    assert list(validated) == PERIODS
    assert str(PERIODS[0]) == "2024-03" and str(PERIODS[-1]) == "2025-03"


def test_every_documented_kpi_is_expected() -> None:
    codes = documented_codes()
    assert len(codes) == 18 + 20 + 11
    assert sorted(EXPECTED_MARCH_COUNCIL) == sorted(codes)
    # The hand arithmetic agrees with itself.
    totals = {"sw_fte": SW_FTE, "vacancy_fte": VACANCY_FTE,
              "vacancy_march": MONTHLY_VACANCY["2025-03"], "spend_march": SPEND_MARCH,
              "spend_ytd": SPEND_YTD, "savings_ytd": VACANCY_SAVINGS_YTD,
              "supplements": SUPPLEMENTS, "scheme_ytd": SCHEME_COST_YTD}
    assert totals == pytest.approx({"sw_fte": 8.5, "vacancy_fte": 3.1, "vacancy_march": 3.1,
                                    "spend_march": 15_314, "spend_ytd": 33_359,
                                    "savings_ytd": 132_200, "supplements": 1539.50,
                                    "scheme_ytd": 21_140})

def test_council_kpis_for_march_2025(engine: Engine,
                                     validated: dict[Period, ValidatedMonth]) -> None:
    loads = load(engine, validated)
    rows = compute_month(engine, AUTHORITY, MARCH, settings=SETTINGS)

    problems = mismatches(rows, EXPECTED_MARCH_COUNCIL)
    assert not problems, "\n".join(problems)

    for row in rows:
        assert (row.authority_code, row.period, row.load_id) == (AUTHORITY, "2025-03",
                                                                 loads[MARCH])
    for kpi in EXPECTED_MARCH_COUNCIL:
        row = council(rows, kpi)
        if kpi.endswith("_rate") or kpi in ("stability_index", "experienced_share",
                                            "caseload_over_threshold"):
            assert row.unit == "percent", kpi
        elif kpi == "agency_avg_charge_rate_gbp":
            assert row.unit == "gbp_per_hour"
        elif kpi.endswith("_gbp"):
            assert row.unit == "gbp", kpi

    # Rolling measures: a 12-month window, all 12 of its months loaded, and every one of
    # those loads named as a source.
    window = PERIODS[1:]  # April 2024 … March 2025
    for kpi in ROLLING:
        row = council(rows, kpi)
        assert (row.window_months, row.history_months) == (12, 12), kpi
        assert all(loads[p] in row.source_load_ids for p in window), kpi
    # The stability index reads the month twelve back.
    assert loads[PERIODS[0]] in council(rows, "stability_index").source_load_ids

    # Targets: vacancy 26.7% against 20 ± 5 (lower better) → red; turnover 24.7% against
    # 25 → green; stability 80% against 85 ± 10 (higher better) → amber.
    assert council(rows, "vacancy_rate").rag == "R"
    assert council(rows, "vacancy_rate").target == 20
    assert council(rows, "turnover_rate").rag == "G"
    assert council(rows, "stability_index").rag == "A"
    assert council(rows, "sw_fte").rag is None

    # The rows are stored in kpi_value, one per row returned.
    with engine.connect() as connection:
        stored = connection.execute(text(
            "SELECT COUNT(*) FROM kpi_value WHERE authority_code = :a AND period = :p"),
            {"a": AUTHORITY, "p": "2025-03"}).scalar_one()
        turnover = connection.execute(text(
            "SELECT numerator, denominator, value FROM kpi_value WHERE authority_code = :a "
            "AND period = :p AND scope_type = 'council' AND kpi = 'turnover_rate'"),
            {"a": AUTHORITY, "p": "2025-03"}).one()
    assert stored == len(rows)
    assert tuple(turnover) == pytest.approx(rate(LEAVERS_FTE, SW_FTE))


def test_team_service_area_and_supplier_kpis_for_march_2025(
    engine: Engine, validated: dict[Period, ValidatedMonth]
) -> None:
    load(engine, validated)
    rows = compute_month(engine, AUTHORITY, MARCH, settings=SETTINGS)

    expected_teams = {
        "CP01": {
            "sw_fte": total(SW_FTE_CP01),  # 4.6
            "vacancy_fte": total(VACANCY_CP01),  # 1.4
            "vacancy_rate": rate(VACANCY_CP01, VACANCY_CP01 + SW_FTE_CP01),  # 1.4 / 6.0
            "caseload_avg": ratio(CASES_CP01, CASE_FTE_CP01),  # 71 / (3.6 + 60/148)
            "leavers_fte_12m": total(LEAVERS_FTE_CP01),
            "turnover_rate": rate(LEAVERS_FTE_CP01, SW_FTE_CP01),  # 1.0 / 4.6
        },
        "AS01": {
            "sw_fte": total(SW_FTE_AS01),  # 3.9
            "vacancy_fte": total(VACANCY_AS01),  # 1.7
            "vacancy_rate": rate(VACANCY_AS01, VACANCY_AS01 + SW_FTE_AS01),  # 1.7 / 5.6
            "caseload_avg": ratio(CASES_AS01, CASE_FTE_AS01),  # 54 / 4.9
            "leavers_fte_12m": total(LEAVERS_FTE_AS01),
            "turnover_rate": rate(LEAVERS_FTE_AS01, SW_FTE_AS01),  # 1.1 / 3.9
        },
    }
    problems = []
    for team, expected in expected_teams.items():
        problems += mismatches(rows, expected, "team", team)
    assert not problems, "\n".join(problems)

    # One team per service area: each area's figures are its team's.
    areas = [r for r in rows if r.scope_type == "service_area" and r.kpi == "vacancy_rate"]
    assert len(areas) == 2
    assert sorted(r.value for r in areas) == pytest.approx(sorted(
        [100 * VACANCY_CP01 / (VACANCY_CP01 + SW_FTE_CP01),
         100 * VACANCY_AS01 / (VACANCY_AS01 + SW_FTE_AS01)]))

    # Agency spend by supplier, every line (AG04's unqualified line too).
    suppliers = {r.scope_code: r.value for r in rows
                 if r.scope_type == "supplier" and r.kpi == "agency_spend_month_gbp"}
    assert suppliers == {SUPPLIER_A: pytest.approx(SPEND_A_MARCH),
                         SUPPLIER_B: pytest.approx(SPEND_B_MARCH)}


def test_the_anniversary_month_november_2024(engine: Engine,
                                             validated: dict[Period, ValidatedMonth]) -> None:
    """E13 (social worker since 2022-11-14, instalments) qualifies in November 2024."""
    load(engine, validated)
    rows = compute_month(engine, AUTHORITY, NOVEMBER, settings=SETTINGS)

    months_elapsed = 8  # April … November
    months_left = 4  # December … March
    supplements_ytd = months_elapsed * SUPPLEMENTS  # same seniors and managers all year
    scheme_ytd = supplements_ytd + 666  # E13's first instalment; E03's September one is not
    #                                     due (E03 left in June)
    spend_ytd = 8 * 750.00 + 3 * 1665.00 + 1200.00  # AG03 Apr-Nov, AG01 Jul-Sep, AG02 Nov
    last_three = (750.00 + 1665.00) + 750.00 + (750.00 + 1200.00)  # September, October, Nov
    spend_forecast = spend_ytd + last_three / 3 * months_left
    vacancy_ytd = sum(v for p, v in MONTHLY_VACANCY.items() if p <= "2024-11")  # 20.4
    savings_ytd = (months_elapsed * STEADY_SAVING
                   + 4 * 1.0 * 4000 + 2 * 0.2 * 4000)  # P03: June-September, Oct-November
    target_savings = VACANCY_FACTOR * ESTABLISHMENT_BUDGET * months_elapsed / 12
    # SWs in post at 30 November 2024: E01, E02, E04, E05, E07, E08, E09 (0.8), E10, E11,
    # E12, E13.
    sw_fte = 1.0 + 1.0 + 0.6 + 1.0 + 0.5 + (0.4 + 0.6) + 0.8 + 0.9 + 1.0 + 0.6 + 1.0  # 9.4
    # Window 2023-12-01 … 2024-11-30: E15 (2024-03-28) and E03 (2024-06-14) left in it.
    leavers_fte = 1.0 + 1.0

    expected = {
        "retention_payments_due_gbp": total(666),
        "retention_payments_ytd_gbp": total(666),
        "retention_eligible_headcount": total(3),  # E02, E03, E13
        "market_supplement_cost_gbp": total(SUPPLEMENTS),
        "scheme_cost_ytd_gbp": total(scheme_ytd),
        # Each month left: this month's supplements, plus payments that will fall due to
        # workers in post now: E01's £2,000 in March 2025 (E13's next is May 2025).
        "scheme_cost_forecast_gbp": total(scheme_ytd + months_left * SUPPLEMENTS + 2000),
        "scheme_budget_gbp": total(SCHEME_BUDGET),
        "agency_spend_ytd_gbp": total(spend_ytd),
        "agency_spend_forecast_gbp": total(spend_forecast),  # 12,195 + 1,705 × 4
        "agency_budget_variance_gbp": total(spend_forecast - AGENCY_BUDGET),
        "vacancy_factor_actual_ytd": rate(vacancy_ytd, months_elapsed * ESTABLISHMENT_FTE),
        "vacancy_savings_ytd_gbp": total(savings_ytd),
        "vacancy_factor_target_savings_ytd_gbp": total(target_savings),
        "vacancy_factor_variance_gbp": total(savings_ytd - target_savings),
        "turnover_rate": rate(leavers_fte, sw_fte),
    }
    problems = mismatches(rows, expected)
    assert not problems, "\n".join(problems)

    # Nobody became eligible 12 months or more before 30 November 2024 (the scheme began in
    # March 2024): a zero denominator is not applicable, never 0.
    after_payment = council(rows, "retention_after_payment_rate")
    assert after_payment.value is None
    assert not after_payment.denominator
    # The window December 2023 … November 2024 has 9 loaded months (March … November 2024).
    assert (council(rows, "turnover_rate").window_months,
            council(rows, "turnover_rate").history_months) == (12, 9)


def test_only_the_last_three_months_loaded(engine: Engine,
                                           validated: dict[Period, ValidatedMonth]) -> None:
    load(engine, validated, PERIODS[-3:])  # January, February, March 2025
    rows = compute_month(engine, AUTHORITY, MARCH, settings=SETTINGS)

    turnover = council(rows, "turnover_rate")
    assert (turnover.window_months, turnover.history_months) == (12, 3)
    stability = council(rows, "stability_index")  # March 2024 is not loaded
    assert stability.value is None
    assert stability.history_months == 0

    expected = {
        # Only E07's leaving (2025-03-31, 0.5) is in a loaded month; E12's row was December.
        "leavers_fte_12m": total(0.5),
        "turnover_rate": rate(0.5, SW_FTE),
        # E09 (started 2024-10-07) is in the loaded months, at 1.0; E12 is not.
        "starters_fte_12m": total(1.0),
        "starters_headcount_12m": total(1),
        # Sickness in the loaded months: E10 2 (February), E07 1.5 (March).
        "absence_rate": rate(2 + 1.5, SW_FTE * WORKING_DAYS),
        # Loaded months of the year: January 2.6, February 2.6, March 3.1.
        "vacancy_factor_actual_ytd": rate(2.6 + 2.6 + 3.1, 3 * ESTABLISHMENT_FTE),
        # AG03 750 + AG02 1,200 in January and in February, then March.
        "agency_spend_ytd_gbp": total(2 * (750.00 + 1200.00) + SPEND_MARCH),
        # The snapshot itself does not depend on history.
        "sw_fte": total(SW_FTE),
        "vacancy_rate": rate(VACANCY_FTE, VACANCY_FTE + SW_FTE),
    }
    problems = mismatches(rows, expected)
    assert not problems, "\n".join(problems)


def test_defaults_apply_without_settings(engine: Engine,
                                         validated: dict[Period, ValidatedMonth]) -> None:
    """No settings file for HND: the documented defaults (vacancy factor 0.10, 37-hour
    week, threshold 20, Manchester supplements and scheme budget)."""
    load(engine, validated)
    rows = compute_month(engine, AUTHORITY, MARCH)

    expected = {key: EXPECTED_MARCH_COUNCIL[key] for key in (
        "vacancy_factor_target", "vacancy_factor_target_savings_ytd_gbp", "agency_fte",
        "caseload_over_threshold", "market_supplement_cost_gbp", "scheme_budget_gbp",
        "turnover_rate", "absence_rate", "vacancy_rate",
    )}
    problems = mismatches(rows, expected)
    assert not problems, "\n".join(problems)
    assert council(rows, "vacancy_rate").rag is None  # no targets set
