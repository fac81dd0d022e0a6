"""KPI results as an Excel workbook (``workforce kpis --format xlsx``).

One sheet per scope type, numbers kept as numbers in their unit's format (so a reader can
sum, filter and chart them), and an "About" sheet naming the extract files, with their
SHA-256, that the figures came from.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import Engine

from workforce.kpis.output import KPI_ORDER, SCOPE_ORDER
from workforce.measures import CATALOGUE
from workforce.periods import Period
from workforce.version import code_version
from workforce.warehouse import loaded_months
from workforce.warehouse.sql import query

PLAIN = "#,##0.0##"
# Quoted so the pound sign is a literal in every spreadsheet program; minus before the sign.
MONEY = '"£"#,##0.00;-"£"#,##0.00'
MONTH = "mmm yyyy"
TIMESTAMP = "yyyy-mm-dd hh:mm:ss"


@dataclass(frozen=True)
class Style:
    """How a unit's figures are written: Excel number formats, and a decimal shift so that
    a stored percentage (18.9) becomes the fraction Excel formats as a percentage (0.189)."""

    value: str
    numerator: str = PLAIN
    denominator: str = PLAIN
    shift: int = 0


STYLES: dict[str, Style] = {
    "percent": Style("0.0%", shift=-2),
    "gbp": Style(MONEY, MONEY, MONEY),
    "gbp_per_hour": Style(MONEY, MONEY),  # pounds over hours worked
    "fte": Style("#,##0.0"),
    "cases_per_fte": Style("#,##0.0"),
    "count": Style("#,##0"),
    "cases": Style("#,##0"),
}

SHEETS = {"council": "Council", "service_area": "Service areas", "team": "Teams",
          "supplier": "Suppliers"}
HEADER = ["authority", "period", "scope code", "scope name", "KPI code", "KPI title", "unit",
          "value", "numerator", "denominator", "target", "RAG", "window_months",
          "history_months", "computed_at", "code_version", "load_id", "source"]
FILE_HEADER = ["authority", "kind", "file name", "rows", "SHA-256", "load id", "loaded at",
               "code version of the load"]


def _number(value: object, shift: int = 0) -> float | None:
    # Not applicable is an empty cell, never 0; Excel has no NaN or infinity either.
    if value is None or not math.isfinite(number := float(value)):  # type: ignore[arg-type]
        return None
    # Shift the decimal digits rather than divide, so 18.9 gives 0.189, not 0.18899999999999997.
    return float(Decimal(repr(number)).scaleb(shift)) if shift else number


def _utc(stamp: object) -> dt.datetime | None:
    """An ISO timestamp as a naive UTC datetime: Excel has no time zones."""
    if stamp is None or stamp == "":
        return None
    moment = stamp if isinstance(stamp, dt.datetime) else dt.datetime.fromisoformat(str(stamp))
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    return moment


def _team_names(
    engine: Engine, authorities: Iterable[str], period: Period
) -> dict[tuple[str, str], str]:
    with engine.connect() as connection:
        return {(authority, row.team_code): row.team_name for authority in authorities
                for row in connection.execute(query("report_teams"), {
                    "authority_code": authority, "period": str(period)})}


def _start(ws: Worksheet, header: Sequence[str]) -> None:
    ws.append(list(header))
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)


def _widths(ws: Worksheet, first_row: int = 1) -> None:
    """Fit each column to its longest entry, within bounds; numbers by their digits."""
    widths: dict[int, int] = {}
    for row in ws.iter_rows(min_row=first_row):
        for cell in row:
            if cell.value is not None:
                shown = 12 if isinstance(cell.value, dt.datetime | float) else len(str(cell.value))
                widths[cell.column] = max(widths.get(cell.column, 0), shown)
    for column, width in widths.items():
        ws.column_dimensions[get_column_letter(column)].width = min(max(width + 2, 8), 60)


def _kpi_sheet(ws: Worksheet, rows: list[dict[str, object]], period: Period,
               team_names: dict[tuple[str, str], str]) -> None:
    _start(ws, HEADER)
    month = dt.datetime(period.year, period.month, 1)
    for row in rows:
        authority, scope_type, scope_code = (str(row[k]) for k in (
            "authority_code", "scope_type", "scope_code"))
        unit = str(row["unit"])
        style = STYLES.get(unit, Style(PLAIN))
        measure = CATALOGUE.get(str(row["kpi"]))
        name = team_names.get((authority, scope_code), scope_code) if scope_type == "team" \
            else scope_code
        ws.append([
            authority, month, scope_code, name, row["kpi"], measure.title if measure else None,
            unit, _number(row["value"], style.shift), _number(row["numerator"]),
            _number(row["denominator"]), _number(row["target"], style.shift), row["rag"],
            row["window_months"], row["history_months"], _utc(row["computed_at"]),
            row["code_version"], row["load_id"], row["source"],
        ])
        cells = ws[ws.max_row]
        for index, number_format in ((1, MONTH), (7, style.value), (8, style.numerator),
                                     (9, style.denominator), (10, style.value),
                                     (14, TIMESTAMP)):
            cells[index].number_format = number_format
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    _widths(ws)


def _about(ws: Worksheet, engine: Engine, authorities: list[str], period: Period,
           count: int) -> None:
    ws.append(["KPI results from the children's social care workforce warehouse"])
    ws["A1"].font = Font(bold=True, size=14)
    for label, value in [
        ("Authorities", ", ".join(authorities)),
        ("Period", dt.datetime(period.year, period.month, 1)),
        ("Generated at (UTC)", dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)),
        ("Code version", code_version()),
        ("KPI values", count),
    ]:
        ws.append([label, value])
        ws.cell(ws.max_row, 1).font = Font(bold=True)
    ws["B3"].number_format = MONTH
    ws["B4"].number_format = TIMESTAMP
    ws.append([])
    ws.append(["The month's extract files, as loaded:"])
    _start(ws, FILE_HEADER)
    for month in loaded_months(engine):
        if month.period == str(period) and month.authority_code in authorities:
            for file in month.files:
                ws.append([month.authority_code, file.kind, file.file_name, file.row_count,
                           file.sha256, month.load_id, _utc(month.loaded_at),
                           month.code_version])
                ws.cell(ws.max_row, 7).number_format = TIMESTAMP
    _widths(ws, 2)  # the title may overflow its cell


def write_workbook(engine: Engine, rows: list[dict[str, object]], period: Period,
                   path: Path) -> Path:
    """Write stored KPI rows (``read_kpis``) for one month to an .xlsx file at ``path``."""
    rows = sorted(rows, key=lambda r: (
        r["authority_code"], SCOPE_ORDER.get(str(r["scope_type"]), 9), r["scope_code"],
        KPI_ORDER.get(str(r["kpi"]), len(KPI_ORDER)), r["kpi"]))
    authorities = sorted({str(r["authority_code"]) for r in rows})
    team_names = _team_names(engine, authorities, period)
    book = Workbook()
    book.remove(book.active)
    for scope_type in sorted({str(r["scope_type"]) for r in rows},
                             key=lambda s: SCOPE_ORDER.get(s, 9)):
        _kpi_sheet(book.create_sheet(SHEETS.get(scope_type, scope_type[:31])),
                   [r for r in rows if r["scope_type"] == scope_type], period, team_names)
    _about(book.create_sheet("About"), engine, authorities, period, len(rows))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path
