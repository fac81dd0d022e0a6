"""Councils' files as they come: names by pattern, encodings, delimiters, sheets, title rows
above the header and footers under the data."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from pathlib import Path

import openpyxl
import pytest

from conftest import GOOD_MONTH, PERIOD, write_month
from workforce.config import ExtractSettings, FileLayout
from workforce.contracts import CONTRACTS, ColumnType, Severity
from workforce.extracts import find_month_files, kind_of, read_extract
from workforce.layouts import RawTable, read_raw
from workforce.pipeline import validate_paths
from workforce.validation import ValidatedMonth, validate_month

E, W = Severity.ERROR, Severity.WARNING
HR_REPORT = "HR Staff Report *.xlsx"
FOOTER = "a footer row after the data was skipped (one filled cell)"
LONE_ROW = ("this row has one filled cell but data rows follow it, so it is not a data row (a "
            "title, subtotal or note?): delete it or fill in its other cells, and send the file "
            "again")


def settings(**layouts: FileLayout) -> ExtractSettings:
    return ExtractSettings(files=layouts)


def delimited(kind: str, delimiter: str = ",", rows: list[dict[str, str]] | None = None,
              above: Sequence[list[str]] = (), below: Sequence[list[str]] = ()) -> str:
    """The kind's GOOD_MONTH rows (or ``rows``) as delimited text, with rows above the header
    and below the data."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerows(above)
    writer.writerow(CONTRACTS[kind].column_names)
    writer.writerows([r[c] for c in CONTRACTS[kind].column_names]
                     for r in (GOOD_MONTH[kind] if rows is None else rows))
    writer.writerows(below)
    return buffer.getvalue()


def excel_row(kind: str, record: dict[str, str]) -> list[object]:
    """A record as Excel holds it: real date and number cells."""
    cells: list[object] = []
    for column in CONTRACTS[kind].columns:
        text = record[column.name]
        if text and column.type is ColumnType.DATE:
            cells.append(dt.datetime.strptime(text, "%d/%m/%Y" if "/" in text
                                              else "%Y-%m-%d").date())
        elif text and column.type is ColumnType.NUMBER:
            cells.append(float(text))
        else:
            cells.append(text or None)
    return cells


def write_workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path


def hr_report(path: Path, records: list[dict[str, str]] = GOOD_MONTH["hr_staff"]) -> Path:
    """The HR system's report: two title rows, a blank row, the header on row 4, the data
    (rows 5 to 7) and a footer (row 8)."""
    return write_workbook(path, {"Report": [
        ["HR Staff Report"],
        ["Run date 05/04/2025"],
        [],
        CONTRACTS["hr_staff"].column_names,
        *(excel_row("hr_staff", record) for record in records),
        [f"Total records: {len(records)}"],
    ]})


def raw(path: Path, kind: str, layout: FileLayout | None = None) -> RawTable:
    """The raw table as read with the contract's header rule, which read_extract uses."""
    names = set(CONTRACTS[kind].column_names)
    table, problem = read_raw(path, layout or FileLayout(),
                              lambda cells: sum(c in names for c in cells), 3)
    assert problem is None and table is not None, problem
    return table


def located(month: ValidatedMonth) -> list[tuple]:
    return [(Path(f.file).name, f.row, f.column, f.severity, f.message) for f in month.findings]


def only_refusal(path: Path, kind: str, layout: FileLayout) -> str:
    extract, findings = read_extract(path, kind, settings(**{kind: layout}))
    assert extract is None
    (finding,) = findings
    assert (finding.row, finding.column, finding.severity) == (None, None, E)
    return finding.message


# --- encodings and delimiters ---------------------------------------------------------------


def test_semicolons_in_windows_1252(tmp_path: Path) -> None:
    folder = write_month(tmp_path)
    rows = [dict(r) for r in GOOD_MONTH["establishment"]]
    rows[0].update(team_name="Équipe Café", annual_cost_gbp="£48,000.00")
    path = folder / "establishment.csv"
    path.write_bytes(delimited("establishment", ";", rows).encode("cp1252"))

    table = raw(path, "establishment")
    assert (table.encoding, table.delimiter, table.sheet, table.sheets) == ("cp1252", ";", None, [])
    month = validate_month(folder, PERIOD, ExtractSettings())
    assert month.ok and month.findings == []
    assert month.files["establishment"].text("team_name", 0) == "Équipe Café"
    assert month.columns["establishment"]["annual_cost_gbp"][0] == 4_800_000  # pence


def test_tabs_in_utf16_as_excel_saves_unicode_text(tmp_path: Path) -> None:
    folder = write_month(tmp_path)
    (folder / "caseloads.csv").unlink()
    path = folder / "caseloads.txt"  # as Excel names it
    path.write_text(delimited("caseloads", "\t"), encoding="utf-16", newline="")
    assert path.read_bytes().startswith(b"\xff\xfe")

    table = raw(path, "caseloads")
    assert (table.encoding, table.delimiter, table.header_row) == ("utf-16", "\t", 1)
    assert table.headers == CONTRACTS["caseloads"].column_names
    month = validate_month(folder, PERIOD, settings(caseloads=FileLayout(pattern="caseloads.txt")))
    assert month.ok and month.findings == []
    assert month.files["caseloads"].row_numbers.tolist() == [2, 3, 4]


def test_vertical_bars(tmp_path: Path) -> None:
    folder = write_month(tmp_path)
    path = folder / "agency_spend.csv"
    path.write_text(delimited("agency_spend", "|"), encoding="utf-8")
    assert raw(path, "agency_spend").delimiter == "|"
    month = validate_month(folder, PERIOD, ExtractSettings())
    assert month.ok and month.findings == []
    assert month.files["agency_spend"].text("supplier", 1) == "Brightcare"


@pytest.mark.parametrize(("encoding", "found"), [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"),
                                                 ("cp1252", "cp1252"), ("utf-16", "utf-16")])
def test_the_encoding_found(tmp_path: Path, encoding: str, found: str) -> None:
    path = tmp_path / "establishment.csv"
    rows = [dict(r) for r in GOOD_MONTH["establishment"]]
    rows[0]["team_name"] = "Café £"
    path.write_bytes(delimited("establishment", rows=rows).encode(encoding))
    table = raw(path, "establishment")
    assert table.encoding == found
    assert table.headers[0] == "post_id"  # no byte-order mark left on the first header
    assert table.columns[2][0] == "Café £"


def test_title_rows_do_not_confuse_the_delimiter(tmp_path: Path) -> None:
    path = tmp_path / "caseloads.csv"
    path.write_text(delimited("caseloads", ";", above=[["Caseload report, March 2025"],
                                                         ["Run date 05/04/2025"]]),
                    encoding="utf-8")
    table = raw(path, "caseloads")
    assert (table.delimiter, table.header_row) == (";", 3)
    assert table.row_numbers.tolist() == [4, 5, 6]
    assert table.findings == []


def test_encoding_override(tmp_path: Path) -> None:
    # An old DOS code page: é is byte 0x82, which Windows-1252 reads as a low quote.
    path = tmp_path / "establishment.csv"
    rows = [dict(r) for r in GOOD_MONTH["establishment"]]
    rows[0]["team_name"] = "Café"
    path.write_bytes(delimited("establishment", rows=rows).encode("cp850"))
    assert raw(path, "establishment").columns[2][0] == "Caf\u201a"

    layout = FileLayout(encoding="cp850")
    extract, findings = read_extract(path, "establishment", settings(establishment=layout))
    assert findings == [] and extract is not None
    assert extract.text("team_name", 0) == "Café"
    assert raw(path, "establishment", layout).encoding == "cp850"


def test_an_encoding_override_the_file_is_not_in(tmp_path: Path) -> None:
    path = tmp_path / "establishment.csv"
    rows = [dict(r) for r in GOOD_MONTH["establishment"]]
    rows[1]["annual_cost_gbp"] = "£55,000.00"
    path.write_bytes(delimited("establishment", rows=rows).encode("cp1252"))
    assert only_refusal(path, "establishment", FileLayout(encoding="utf-8")) == (
        "the file is not text in utf-8, as the settings say (byte 0xa3 on line 3)"
    )


def test_delimiter_override(tmp_path: Path) -> None:
    path = tmp_path / "caseloads.csv"
    path.write_text(delimited("caseloads", ";"), encoding="utf-8")
    assert raw(path, "caseloads", FileLayout(delimiter=";")).delimiter == ";"

    # Told commas, the header is one cell: the missing columns say so.
    extract, findings = read_extract(path, "caseloads", settings(caseloads=FileLayout(
        delimiter=",")))
    assert extract is not None
    assert [(f.row, f.column, f.severity) for f in findings] == [
        (1, "worker_ref;worker_type;open_cases;cp_cases;cla_cases;cin_cases", W),
        (1, "worker_ref", E), (1, "worker_type", E), (1, "open_cases", E),
    ]


# --- workbooks ---------------------------------------------------------------------------


def test_a_report_with_title_rows_and_a_footer(tmp_path: Path) -> None:
    folder = write_month(tmp_path)
    (folder / "hr_staff.csv").unlink()
    path = hr_report(folder / "HR Staff Report March 2025.xlsx")

    table = raw(path, "hr_staff")
    assert (table.encoding, table.delimiter, table.sheet, table.sheets) == (
        None, None, "Report", ["Report"])
    assert (table.header_row, table.headers) == (4, CONTRACTS["hr_staff"].column_names)
    assert table.row_numbers.tolist() == [5, 6, 7]
    month = validate_month(folder, PERIOD, settings(hr_staff=FileLayout(pattern=HR_REPORT)))
    assert month.ok
    assert located(month) == [(path.name, 8, None, W, FOOTER)]
    assert month.files["hr_staff"].row_numbers.tolist() == [5, 6, 7]


def test_findings_name_the_rows_excel_shows(tmp_path: Path) -> None:
    folder = write_month(tmp_path)
    (folder / "hr_staff.csv").unlink()
    records = [dict(r) for r in GOOD_MONTH["hr_staff"]]
    records[1]["contract_type"] = "casual"
    hr_report(folder / "HR Staff Report March 2025.xlsx", records)
    month = validate_month(folder, PERIOD, settings(hr_staff=FileLayout(pattern=HR_REPORT)))
    assert not month.ok
    assert [(f.row, f.column, f.severity) for f in month.findings] == [
        (8, None, W), (6, "contract_type", E)]


def test_footers_are_one_warning_that_never_quotes_them(tmp_path: Path) -> None:
    path = tmp_path / "caseloads.csv"
    path.write_text(delimited("caseloads", below=[["Total records: 3"], [], ["Prepared by",
                                                                              "", ""]]),
                    encoding="utf-8")
    extract, findings = read_extract(path, "caseloads")
    assert extract is not None and extract.row_numbers.tolist() == [2, 3, 4]
    assert [(f.row, f.severity, f.message) for f in findings] == [
        (5, W, "2 footer rows after the data were skipped (one filled cell each)")]


def test_a_row_of_one_cell_among_the_data_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "caseloads.xlsx"
    rows = [[r[c] or None for c in CONTRACTS["caseloads"].column_names]
            for r in GOOD_MONTH["caseloads"]]
    write_workbook(path, {"Sheet1": [CONTRACTS["caseloads"].column_names, rows[0],
                                     ["Subtotal: Child Protection"], *rows[1:],
                                     ["End of report"]]})
    extract, findings = read_extract(path, "caseloads")
    assert extract is not None and extract.row_numbers.tolist() == [2, 4, 5]
    assert [(f.row, f.column, f.severity, f.message) for f in findings] == [
        (3, None, E, LONE_ROW), (6, None, W, FOOTER)]


def test_the_sheet_chosen_by_name(tmp_path: Path) -> None:
    header = CONTRACTS["caseloads"].column_names
    path = write_workbook(tmp_path / "caseloads.xlsx", {
        "Notes": [["This workbook holds the caseloads on the next sheet"]],
        "Caseloads": [header, ["E001", "employee", 18, None, None, None]],
    })
    layout = FileLayout(sheet="caseloads")  # Excel ignores case in sheet names
    table = raw(path, "caseloads", layout)
    assert (table.sheet, table.sheets) == ("Caseloads", ["Notes", "Caseloads"])
    extract, findings = read_extract(path, "caseloads", settings(caseloads=layout))
    assert findings == [] and extract is not None
    assert extract.cells["open_cases"].to_pylist() == ["18"]

    assert only_refusal(path, "caseloads", FileLayout(sheet="Data")) == (
        "the workbook has no sheet 'Data'; its sheets are 'Notes', 'Caseloads'")


def test_excel_date_time_and_number_cells(tmp_path: Path) -> None:
    header = CONTRACTS["agency_spend"].column_names
    cells = excel_row("agency_spend", GOOD_MONTH["agency_spend"][0])
    assert isinstance(cells[6], dt.date)  # week_ending, a real date cell
    cells[7] = 37.0  # hours, a whole number as Excel stores it
    with_time = [*cells[:6], dt.datetime(2025, 3, 7, 17, 30), *cells[7:]]
    midnight = [*cells[:6], dt.datetime(2025, 3, 7), *cells[7:]]
    time_only = [*cells[:6], dt.time(9, 30), *cells[7:]]
    path = write_workbook(tmp_path / "agency_spend.xlsx",
                          {"Sheet1": [header, cells, with_time, midnight, time_only]})
    table = raw(path, "agency_spend")
    assert table.columns[6] == ("2025-03-07", "2025-03-07T17:30:00", "2025-03-07", "09:30:00")
    assert table.columns[7] == ("37",) * 4
    assert table.columns[10][0] == "2023-01-09"


# --- the header row --------------------------------------------------------------------------


def test_header_row_override(tmp_path: Path) -> None:
    # Only open_cases is a contract column as the council names them: no row is recognised.
    path = tmp_path / "caseloads.csv"
    path.write_text("Caseloads\nMarch 2025\nRef,Type,Open Cases\nE001,employee,3\n",
                    encoding="utf-8")
    _, findings = read_extract(path, "caseloads")
    assert [(f.row, f.column) for f in findings if "required" in f.message] == [
        (1, "worker_ref"), (1, "worker_type"), (1, "open_cases")]  # the first row, as found

    extract, findings = read_extract(path, "caseloads",
                                     settings(caseloads=FileLayout(header_row=3)))
    assert extract is not None and extract.row_numbers.tolist() == [4]
    assert [(f.row, f.column, f.severity) for f in findings] == [
        (3, "Ref", W), (3, "Type", W), (3, "worker_ref", E), (3, "worker_type", E)]


def test_header_row_override_on_a_blank_row_or_past_the_end(tmp_path: Path) -> None:
    path = tmp_path / "caseloads.csv"
    path.write_text("Caseloads\n\n" + delimited("caseloads"), encoding="utf-8")
    assert only_refusal(path, "caseloads", FileLayout(header_row=2)) == (
        "row 2, the header row in the settings, is blank")
    assert only_refusal(path, "caseloads", FileLayout(header_row=9)) == (
        "the file ends at row 6, before row 9, the header row in the settings")


def test_header_found_through_the_councils_column_mapping(tmp_path: Path) -> None:
    path = tmp_path / "caseloads.csv"
    path.write_text("Caseloads March 2025,,\nStaff Ref,Staff Type,Cases\nE001,employee,3\n",
                    encoding="utf-8")
    mapping = {"caseloads": {"Staff Ref": "worker_ref", "Staff Type": "worker_type",
                             "Cases": "open_cases"}}
    extract, findings = read_extract(path, "caseloads", ExtractSettings(column_mapping=mapping))
    assert findings == [] and extract is not None
    assert extract.row_numbers.tolist() == [3]
    assert extract.cells["open_cases"].to_pylist() == ["3"]


# --- finding the month's files ------------------------------------------------------------------


def test_a_pattern_matching_nothing(tmp_path: Path) -> None:
    folder = write_month(tmp_path)
    found, findings = find_month_files(folder, settings(hr_staff=FileLayout(pattern=HR_REPORT)))
    assert set(found) == {"establishment", "agency_spend", "caseloads"}
    assert [(f.file, f.severity, f.message) for f in findings] == [(
        str(folder), E,
        "missing extract: no file matches the hr_staff pattern 'HR Staff Report *.xlsx'; the "
        "folder holds agency_spend.csv, caseloads.csv, establishment.csv, hr_staff.csv",
    )]


def test_a_pattern_matching_two_files(tmp_path: Path) -> None:
    folder = write_month(tmp_path)
    (folder / "hr_staff.csv").unlink()
    hr_report(folder / "HR Staff Report March.xlsx")
    hr_report(folder / "HR Staff Report March (1).xlsx")
    (folder / "~$HR Staff Report March.xlsx").write_bytes(b"")  # Excel's lock file: ignored
    month = validate_month(folder, PERIOD, settings(hr_staff=FileLayout(pattern=HR_REPORT)))
    assert [(f.file, f.message) for f in month.findings] == [(
        str(folder),
        "2 files match the hr_staff pattern 'HR Staff Report *.xlsx': HR Staff Report March "
        "(1).xlsx, HR Staff Report March.xlsx; keep one, or narrow the pattern in the settings",
    )]
    assert "hr_staff" not in month.files and not month.ok


def test_two_files_of_one_kind(tmp_path: Path) -> None:
    folder = write_month(tmp_path)
    (folder / "caseloads.xlsx").write_bytes(b"")
    found, findings = find_month_files(folder)
    assert "caseloads" not in found
    assert [f.message for f in findings] == [
        "both caseloads.csv and caseloads.xlsx exist: keep one caseloads file"]


def test_one_file_matched_by_two_kinds(tmp_path: Path) -> None:
    folder = write_month(tmp_path)
    (folder / "caseloads.csv").rename(folder / "agency and caseloads.csv")
    (folder / "agency_spend.csv").unlink()
    found, findings = find_month_files(folder, settings(
        agency_spend=FileLayout(pattern="agency*.csv"),
        caseloads=FileLayout(pattern="*caseloads.csv")))
    assert set(found) == {"hr_staff", "establishment"}
    assert [f.message for f in findings] == [
        "agency and caseloads.csv matches the patterns of more than one extract (agency_spend, "
        "caseloads): make the patterns in the settings tell them apart"
    ]


def test_single_files_are_told_apart_by_pattern(tmp_path: Path) -> None:
    folder = write_month(tmp_path)
    path = hr_report(folder / "HR Staff Report March 2025.xlsx")
    layout = settings(hr_staff=FileLayout(pattern=HR_REPORT))
    assert kind_of(path, layout) == "hr_staff"
    assert kind_of(path) is None
    assert kind_of(folder / "HR_STAFF.CSV") == "hr_staff"  # case is ignored
    assert kind_of(folder / "hr_staff.csv", layout) is None  # the pattern replaces the name

    config = tmp_path / "config"
    config.mkdir()
    (config / "TST.yaml").write_text(
        f'name: Test Council\nfiles:\n  hr_staff:\n    pattern: "{HR_REPORT}"\n',
        encoding="utf-8")
    (result,) = validate_paths([path, folder / "establishment.csv"])
    assert [(f.row, f.severity, f.message) for f in result.findings] == [(8, W, FOOTER)]
    assert result.files["hr_staff"].row_numbers.tolist() == [5, 6, 7]
