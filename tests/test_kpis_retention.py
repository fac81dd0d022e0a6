"""The retention scheme's schedule (instalments, "still in post when due"), its curve and the
impact review, and the ``workforce kpis`` output formats."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from kpi_builders import load, month, post, staff
from sqlalchemy import text

from workforce.cli import main
from workforce.config import AuthorityConfig, RetentionScheme
from workforce.kpis import compute_month
from workforce.kpis.impact import impact_review
from workforce.periods import Period, period_range

SETTINGS = AuthorityConfig(
    code="TST", name="Test",
    retention_scheme=RetentionScheme(start_date="2024-01-01", default_option="instalments"),
)
POSTS = [post("P1"), post("P2"), post("P3")]


def history(engine, root: Path, last: Period) -> None:
    """Three social workers: A reaches two years in March 2024 (instalments, stays);
    B reaches two years in April 2024 on a lump sum and stays; C reaches two years in March
    2024 (instalments) and leaves on 15 July 2024, before the second instalment falls due."""
    for period in period_range(Period(2024, 1), last):
        rows = [staff("A", "P1", start="2022-03-10"),
                {**staff("B", "P2", start="2022-04-01"), "retention_option": "lump_sum"}]
        if period <= Period(2024, 7):
            leave = "2024-07-15" if period == Period(2024, 7) else ""
            rows.append(staff("C", "P3", start="2022-03-20", leave=leave))
        load(engine, root, month(POSTS, rows), period)
        compute_month(engine, "TST", period, SETTINGS)


def schedule(engine) -> list[tuple]:
    with engine.connect() as connection:
        return connection.execute(text(
            "SELECT due_period, instalment, amount_pence, status FROM retention_payment "
            "WHERE period = '2024-10' ORDER BY due_period, amount_pence, status"
        )).all()


def test_instalments_are_due_only_while_in_post(engine, tmp_path: Path) -> None:
    history(engine, tmp_path, Period(2024, 10))
    assert schedule(engine) == [
        ("2024-03", 1, 66600, "due"),   # A's first instalment
        ("2024-03", 1, 66600, "due"),   # C's first instalment
        ("2024-04", 1, 200000, "due"),  # B's lump sum
        ("2024-09", 2, 66600, "due"),   # A, six months on
        ("2024-09", 2, 66600, "forfeited"),  # C left in July
        ("2025-03", 3, 66600, "forecast"),   # A, still in post
        ("2025-03", 3, 66600, "forfeited"),  # C
    ]
    with engine.connect() as connection:
        values = dict(connection.execute(text(
            "SELECT kpi, value FROM kpi_value WHERE period = '2024-10' AND scope_type = 'council'"
        )).all())
    # Financial year 2024-25 to October: B's £2,000 in April and A's £666 in September.
    assert values["retention_payments_ytd_gbp"] == 2000 + 666
    assert values["retention_payments_due_gbp"] == 0
    assert values["retention_eligible_headcount"] == 3


def test_retention_curve_and_impact_review(engine, tmp_path: Path) -> None:
    history(engine, tmp_path, Period(2024, 10))
    review = impact_review(engine, "TST", Period(2024, 10), SETTINGS)
    assert (review.before, review.after) == (Period(2023, 12), Period(2024, 10))
    assert review.turnover_before is None  # December 2023 was never loaded
    # One of three social_worker FTE left in the window: C (1.0 FTE) in July 2024.
    assert review.turnover_after == pytest.approx(100 * 1 / 2)
    curve = {p.months_since_eligible: (p.observed, p.in_post) for p in review.curve}
    # A and C became eligible in March 2024 (7 months to October), B in April (6 months).
    assert curve[0] == (3, 3)
    assert curve[4] == (3, 2)  # C left in July, four months after March
    assert curve[6] == (3, 2)
    assert curve[7] == (2, 1)  # only A and C observed seven months on; C has gone
    assert max(curve) == 7
    assert review.curve[7].share == pytest.approx(50.0)


def test_kpis_command_json_csv_and_table(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    from workforce.warehouse import make_engine

    load(make_engine(), tmp_path / "landing", month(POSTS[:2], [staff("A", "P1")]),
         Period(2025, 3))
    assert main(["kpis", "--period", "2025-03", "--compute", "--format", "json"]) == 0
    records = json.loads(capsys.readouterr().out)
    vacancy = next(r for r in records if r["kpi"] == "vacancy_rate")
    assert {k: vacancy[k] for k in ("authority", "period", "scope_type", "scope_code",
                                    "numerator", "denominator", "value")} == {
        "authority": "TST", "period": "2025-03", "scope_type": "council", "scope_code": "TST",
        "numerator": 1.0, "denominator": 2.0, "value": 50.0,  # a percentage, not 0.5
    }
    assert {r["scope_type"] for r in records} == {"council"}

    assert main(["kpis", "--period", "2025-03", "--scope", "team", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert {r["scope_code"] for r in rows} == {"CP01"}

    assert main(["kpis", "--period", "2025-03"]) == 0
    assert "  Vacancy rate" in capsys.readouterr().out

    assert main(["kpis", "--period", "2025-04"]) == 1
    assert "No KPI results for 2025-04" in capsys.readouterr().err
