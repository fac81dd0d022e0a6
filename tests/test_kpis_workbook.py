"""KPI results as an Excel workbook: sheets, number formats, dates, lineage, and the CLI."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import Engine

from conftest import AUTHORITY, PERIOD
from workforce.cli import main
from workforce.kpis import compute_month, read_kpis
from workforce.kpis.workbook import HEADER, _number, write_workbook
from workforce.pipeline import load_authority_month
from workforce.version import code_version

SHEETS = ["Council", "Service areas", "Teams", "Suppliers", "About"]


@pytest.fixture
def stored(landing: Path, engine: Engine) -> list[dict[str, object]]:
    load_authority_month(landing, AUTHORITY, PERIOD, engine)
    compute_month(engine, AUTHORITY, PERIOD)
    return read_kpis(engine, PERIOD)


@pytest.fixture
def book(stored: list[dict[str, object]], engine: Engine, tmp_path: Path) -> Workbook:
    path = write_workbook(engine, stored, PERIOD, tmp_path / "out" / "kpis.xlsx")
    return load_workbook(path)


def cells(ws: Worksheet, scope_code: str, kpi: str) -> dict[str, object]:
    """The cells of one KPI's row, by header."""
    for row in ws.iter_rows(min_row=2):
        if row[2].value == scope_code and row[4].value == kpi:
            return dict(zip(HEADER, row, strict=True))
    raise AssertionError(f"no row for {scope_code} {kpi} in {ws.title}")


def stored_row(stored: list[dict[str, object]], scope_code: str, kpi: str) -> dict[str, object]:
    return next(r for r in stored if r["scope_code"] == scope_code and r["kpi"] == kpi)


def test_sheets_and_headers(book: Workbook, stored: list[dict[str, object]]) -> None:
    assert book.sheetnames == SHEETS
    for name in SHEETS[:-1]:
        ws = book[name]
        assert ws.freeze_panes == "A2"
        assert ws.auto_filter.ref == ws.dimensions
        assert [c.value for c in ws[1]] == HEADER
    assert sum(book[name].max_row - 1 for name in SHEETS[:-1]) == len(stored)


def test_numbers_keep_their_units(book: Workbook, stored: list[dict[str, object]]) -> None:
    council = book["Council"]
    rate = cells(council, AUTHORITY, "vacancy_rate")
    value = stored_row(stored, AUTHORITY, "vacancy_rate")["value"]
    assert isinstance(rate["value"].value, float)
    assert rate["value"].value == pytest.approx(value / 100, rel=1e-12)  # type: ignore[operator]
    assert rate["value"].number_format.endswith("%")
    assert cells(council, AUTHORITY, "caseload_over_threshold")["value"].value == pytest.approx(
        1 / 3, rel=1e-12)

    spend = cells(council, AUTHORITY, "agency_spend_month_gbp")
    assert spend["value"].value == pytest.approx(2903.5)
    assert "£" in spend["value"].number_format
    assert "£" in spend["numerator"].number_format
    variance = cells(council, AUTHORITY, "scheme_budget_variance_gbp")["value"]
    assert variance.value < 0 and "-" in variance.number_format
    charge = cells(council, AUTHORITY, "agency_avg_charge_rate_gbp")
    assert "£" in charge["value"].number_format and "£" not in charge["denominator"].number_format

    headcount = cells(council, AUTHORITY, "sw_headcount")["value"]
    assert headcount.value == 2 and headcount.number_format == "#,##0"
    assert cells(council, AUTHORITY, "sw_fte")["value"].number_format == "#,##0.0"


def test_percentages_shift_exactly() -> None:
    assert _number(18.9, -2) == 0.189  # 18.9 / 100 would give 0.18899999999999997
    assert _number(None, -2) is None and _number(float("nan")) is None
    assert _number(-9683.33) == -9683.33


def test_dates_and_empty_values(book: Workbook, stored: list[dict[str, object]]) -> None:
    row = cells(book["Council"], AUTHORITY, "stability_index")
    assert row["period"].value == dt.datetime(2025, 3, 1)
    assert row["period"].number_format == "mmm yyyy"
    computed_at = dt.datetime.fromisoformat(
        str(stored_row(stored, AUTHORITY, "stability_index")["computed_at"]))
    assert row["computed_at"].value == computed_at.astimezone(dt.UTC).replace(tzinfo=None)
    # Not applicable stays empty, never 0.
    assert row["value"].value is None and row["numerator"].value is None
    assert cells(book["Council"], AUTHORITY, "sw_fte")["denominator"].value is None


def test_scope_names(book: Workbook) -> None:
    assert cells(book["Teams"], "CP01", "sw_fte")["scope name"].value == "Child Protection North"
    assert cells(book["Teams"], "AS01", "sw_fte")["scope name"].value == "Assessment East"
    assert cells(book["Council"], AUTHORITY, "sw_fte")["scope name"].value == AUTHORITY
    assert cells(book["Council"], AUTHORITY, "sw_fte")["KPI title"].value == \
        "Social workers in post (FTE)"


def test_about_names_the_files_and_code(book: Workbook, landing: Path) -> None:
    about = list(book["About"].iter_rows(values_only=True))
    assert ("Authorities", AUTHORITY) in [row[:2] for row in about]
    assert ("Code version", code_version()) in [row[:2] for row in about]
    files = {row[2]: row for row in about if row[0] == AUTHORITY}
    landed = sorted((landing / AUTHORITY / str(PERIOD)).glob("*.csv"))
    assert sorted(files) == [path.name for path in landed]
    for path in landed:
        assert files[path.name][4] == hashlib.sha256(path.read_bytes()).hexdigest()
        assert files[path.name][7]  # the code version of the load
        assert isinstance(files[path.name][6], dt.datetime)


def test_cli_writes_a_workbook(
    landing: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = os.environ["WORKFORCE_WAREHOUSE_URL"]
    assert main(["load", "--extracts", str(landing), "--period", str(PERIOD), "--kpis",
                 "--warehouse", url]) == 0
    capsys.readouterr()
    out = tmp_path / "kpis.xlsx"
    assert main(["kpis", "--period", str(PERIOD), "--scope", "team", "--format", "xlsx",
                 "--out", str(out), "--warehouse", url]) == 0
    teams = load_workbook(out)["Teams"].max_row - 1
    assert capsys.readouterr().out == f"Wrote {out} ({teams} KPI values).\n"
    assert load_workbook(out).sheetnames == ["Teams", "About"]

    csv_out = tmp_path / "kpis.csv"
    assert main(["kpis", "--period", str(PERIOD), "--format", "csv", "--out", str(csv_out),
                 "--warehouse", url]) == 0
    assert csv_out.read_text().startswith("authority,period,")
    assert capsys.readouterr().out.startswith(f"Wrote {csv_out} (")


def test_cli_xlsx_needs_out(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["kpis", "--period", str(PERIOD), "--format", "xlsx"]) == 2
    captured = capsys.readouterr()
    assert "--out" in captured.err and captured.out == ""
