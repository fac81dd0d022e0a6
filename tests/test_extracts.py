"""Reading extract files: encodings, Excel workbooks, header mapping, unreadable files."""

from __future__ import annotations

import copy
import datetime as dt
import io
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from conftest import GOOD_MONTH, PERIOD, write_csv, write_month
from workforce.config import ExtractSettings
from workforce.contracts import CONTRACTS, TYPE_DESCRIPTIONS, ColumnType, Severity
from workforce.extracts import read_extract
from workforce.findings import Finding
from workforce.pipeline import validate_paths

E, W = Severity.ERROR, Severity.WARNING
TEAM = "Children’s £ Services – Café"  # ’ – é: Windows-1252 has them; £ in text as in money


def csv_bytes(kind: str, rows: list[dict[str, str]], header: list[str] | None = None) -> bytes:
    """The rows as CSV text, optionally under other header names."""
    buffer = io.StringIO()
    write = io.StringIO.write
    import csv

    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header or CONTRACTS[kind].column_names)
    for row in rows:
        writer.writerow([row[c] for c in CONTRACTS[kind].column_names])
    del write
    return buffer.getvalue().encode()


def findings_of(path: Path, kind: str) -> list[tuple]:
    _, findings = read_extract(path, kind)
    return [(f.row, f.column, f.severity, f.message) for f in findings]


def only_error(path: Path, kind: str) -> Finding:
    extract, findings = read_extract(path, kind)
    assert extract is None
    (finding,) = findings
    assert (finding.file, finding.severity) == (str(path), E)
    return finding


# --- encodings -------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_encodings_keep_the_pound_sign(tmp_path: Path, encoding: str) -> None:
    rows = copy.deepcopy(GOOD_MONTH["establishment"])
    rows[0].update(team_name=TEAM, annual_cost_gbp="£1,234.00")
    path = write_csv(tmp_path / "TST" / "2025-03" / "establishment.csv", rows, "establishment",
                     encoding)
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfpost_id") == (encoding == "utf-8-sig")
    assert (b"\xa3" in data and b"\xc2\xa3" not in data) == (encoding == "cp1252")

    (result,) = validate_paths([path])
    assert result.findings == []
    extract = result.files["establishment"]
    assert extract.cells.column_names[0] == "post_id"  # no byte-order mark left on the header
    assert extract.text("team_name", 0) == TEAM
    assert extract.text("annual_cost_gbp", 0) == "£1,234.00"
    typed = result.frames["establishment"]
    assert typed.at[0, "team_name"] == TEAM
    assert typed["annual_cost_gbp"].tolist() == [123400, 5500000, 4800000, 7000000]


def test_text_in_neither_encoding_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "caseloads.csv"
    path.write_bytes(b"worker_ref,worker_type,open_cases\nE001,employee,1\x81\n")
    assert only_error(path, "caseloads").message == (
        "the file is not text in UTF-8 or Windows-1252 (byte 0x81 on line 2)"
    )


# --- Excel -----------------------------------------------------------------------------------


def excel_value(column_type: ColumnType, text: str) -> object:
    """A cell as Excel would hold it: real dates and numbers, not text."""
    if not text:
        return None
    if column_type is ColumnType.DATE:
        return dt.datetime.strptime(text, "%d/%m/%Y" if "/" in text else "%Y-%m-%d").date()
    if column_type in (ColumnType.NUMBER, ColumnType.INTEGER):
        return float(text)
    if column_type is ColumnType.MONEY and not text.startswith("£"):
        return float(text)  # "£40.00" stays a text cell, as some councils send it
    return text


def write_xlsx(path: Path, rows: list[list[object]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def write_month_xlsx(folder: Path, month: dict[str, list[dict[str, str]]]) -> None:
    for kind, records in month.items():
        columns = CONTRACTS[kind].columns
        write_xlsx(folder / f"{kind}.xlsx", [[c.name for c in columns]] + [
            [excel_value(c.type, record[c.name]) for c in columns] for record in records
        ])


def test_excel_month_reads_the_same_as_csv(tmp_path: Path) -> None:
    month = copy.deepcopy(GOOD_MONTH)
    month["hr_staff"][0]["qualified_sw"] = True  # a real boolean cell
    month["hr_staff"][1]["employee_id"] = 2002  # an integer cell used as an identifier
    month["caseloads"].append({"worker_ref": 2002, "worker_type": "employee", "open_cases": "3",
                               "cp_cases": "", "cla_cases": "", "cin_cases": ""})
    month["establishment"][0]["team_name"] = TEAM
    excel = tmp_path / "xlsx" / "TST" / "2025-03"
    write_month_xlsx(excel, month)
    sheet = openpyxl.load_workbook(excel / "agency_spend.xlsx").active
    assert sheet["G2"].is_date and isinstance(sheet["H2"].value, int | float)  # really typed cells

    (from_excel,) = validate_paths([excel])
    assert from_excel.findings == []
    for kind in month:
        for record in month[kind]:
            for column, value in record.items():
                record[column] = {True: "Y", 2002: "2002"}.get(value, value)
    (from_csv,) = validate_paths([write_month(tmp_path / "csv", month)])
    assert from_csv.findings == []
    for kind in month:
        pd.testing.assert_frame_equal(from_excel.frames[kind], from_csv.frames[kind])
    assert from_excel.frames["hr_staff"].at[1, "employee_id"] == "2002"
    assert from_excel.files["agency_spend"].text("week_ending", 0) == "2025-03-07"
    assert from_excel.files["agency_spend"].text("hours", 1) == "30.5"


def test_excel_cells_keep_their_spreadsheet_row_numbers(tmp_path: Path) -> None:
    header = CONTRACTS["caseloads"].column_names
    path = write_xlsx(tmp_path / "caseloads.xlsx", [
        [],  # the header is in row 2
        header,
        ["E001", "employee", 18, None, None, None],
        [],  # a blank row
        ["E003", "employee", dt.datetime(2025, 3, 1, 9, 30), None, None, None],
        ["AG01", "agency", -1, None, None, None],
    ])
    (result,) = validate_paths([path], PERIOD, "TST")
    assert [(f.row, f.column, f.severity, f.message) for f in result.findings] == [
        (5, "open_cases", E, "expected whole number; found '2025-03-01T09:30:00'"),
        (6, "open_cases", E, "expected a value ≥ 0; found '-1'"),
    ]


def test_excel_date_with_a_time_is_not_a_date(tmp_path: Path) -> None:
    rows = [CONTRACTS["agency_spend"].column_names] + [
        [excel_value(c.type, r[c.name]) for c in CONTRACTS["agency_spend"].columns]
        for r in GOOD_MONTH["agency_spend"]
    ]
    rows[1][6] = dt.datetime(2025, 3, 7, 0, 0)  # midnight: a date
    rows[2][6] = dt.datetime(2025, 3, 28, 17, 0)
    (result,) = validate_paths([write_xlsx(tmp_path / "agency_spend.xlsx", rows)], PERIOD, "TST")
    assert [(f.row, f.column, f.message) for f in result.findings] == [
        (3, "week_ending", f"expected {TYPE_DESCRIPTIONS[ColumnType.DATE]}; "
                           "found '2025-03-28T17:00:00'")
    ]


# --- header mapping --------------------------------------------------------------------------

COUNCIL_HEADERS = {"Employee Number": "employee_id", "Position No.": "post_id",
                   "FTE (contracted)": "fte", "Start of Service": "service_start_date"}


def test_authority_header_mapping_renames_columns(tmp_path: Path) -> None:
    folder = write_month(tmp_path)
    renamed = [{"employee_id": "Employee Number", "post_id": "Position No.",
                "fte": "FTE (contracted)", "service_start_date": "start of  service"}.get(c, c)
               for c in CONTRACTS["hr_staff"].column_names]
    (folder / "hr_staff.csv").write_bytes(csv_bytes("hr_staff", GOOD_MONTH["hr_staff"], renamed))

    (unmapped,) = validate_paths([folder])
    assert sorted((f.row, f.column, f.severity) for f in unmapped.findings) == sorted(
        [(1, h, W) for h in ("Employee Number", "Position No.", "FTE (contracted)",
                             "start of  service")]
        + [(1, c, E) for c in ("employee_id", "post_id", "fte", "service_start_date")]
    )
    assert "column is not in the hr_staff contract and is ignored" in unmapped.findings[0].message

    config = tmp_path / "config"
    config.mkdir()
    (config / "TST.yaml").write_text(
        "name: Test Council\ncolumn_mapping:\n  hr_staff:\n"
        + "".join(f'    "{header}": {column}\n' for header, column in COUNCIL_HEADERS.items()),
        encoding="utf-8",
    )
    (mapped,) = validate_paths([folder])
    assert mapped.findings == []  # headers matched ignoring case, spaces and punctuation
    assert mapped.frames["hr_staff"]["employee_id"].tolist() == ["E001", "E002", "E003"]
    assert mapped.frames["hr_staff"]["fte"].tolist() == [1.0, 0.8, 0.5]


def test_mapping_passed_directly(tmp_path: Path) -> None:
    path = tmp_path / "hr_staff.csv"
    header = ["Employee Number" if c == "employee_id" else c
              for c in CONTRACTS["hr_staff"].column_names]
    path.write_bytes(csv_bytes("hr_staff", GOOD_MONTH["hr_staff"], header))
    settings = ExtractSettings(column_mapping={"hr_staff": {"employee number": "employee_id"}})
    extract, findings = read_extract(path, "hr_staff", settings)
    assert findings == []
    assert extract is not None
    assert extract.cells["employee_id"].to_pylist() == ["E001", "E002", "E003"]


# --- headers -------------------------------------------------------------------------------

NAME_HEADERS = ["Surname", "First Name", "Employee Name", "full_name", "Name", "Forenames",
                "Worker name", "KNOWN AS NAME"]


@pytest.mark.parametrize("header", NAME_HEADERS)
def test_a_column_of_names_is_refused(tmp_path: Path, header: str) -> None:
    path = tmp_path / "caseloads.csv"
    path.write_text(f"worker_ref,{header},worker_type,open_cases\nE001,Smith,employee,3\n",
                    encoding="utf-8")
    assert findings_of(path, "caseloads") == [
        (1, header, E, "this column looks like a person's name: names must not be sent; "
                       "remove the column and send the file again")
    ]


@pytest.mark.parametrize("header", ["team_name", "Team Name", "supplier_name", "grade_name"])
def test_other_name_like_headers_are_only_ignored(tmp_path: Path, header: str) -> None:
    path = tmp_path / "caseloads.csv"
    path.write_text(f"worker_ref,{header},worker_type,open_cases\nE001,x,employee,3\n",
                    encoding="utf-8")
    assert findings_of(path, "caseloads") == [
        (1, header, W, "column is not in the caseloads contract and is ignored")
    ]


def test_team_name_is_a_contract_column_of_establishment(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "establishment.csv", GOOD_MONTH["establishment"],
                     "establishment")
    extract, findings = read_extract(path, "establishment")
    assert findings == []
    assert extract is not None
    assert extract.text("team_name", 0) == "Child Protection North"


def test_headers_match_ignoring_case_spaces_and_punctuation(tmp_path: Path) -> None:
    path = tmp_path / "caseloads.csv"
    path.write_text(" Worker Ref ,WORKER-TYPE,Open Cases,CP cases\nE001,employee,3,1\n",
                    encoding="utf-8")
    extract, findings = read_extract(path, "caseloads")
    assert findings == []
    assert extract is not None
    assert extract.cells.slice(0, 1).to_pylist() == [
        {"worker_ref": "E001", "worker_type": "employee", "open_cases": "3", "cp_cases": "1",
         "cla_cases": None, "cin_cases": None}
    ]


def test_missing_and_doubled_columns(tmp_path: Path) -> None:
    path = tmp_path / "caseloads.csv"
    path.write_text("worker_ref,Worker Ref,cp_cases\nE001,E001,1\n", encoding="utf-8")
    assert findings_of(path, "caseloads") == [
        (1, "Worker Ref", E, "column worker_ref appears twice"),
        (1, "worker_type", E, "required column is missing from the header"),
        (1, "open_cases", E, "required column is missing from the header"),
    ]


# --- rows ------------------------------------------------------------------------------------


def test_blank_lines_keep_the_row_numbers_a_person_sees(tmp_path: Path) -> None:
    path = tmp_path / "caseloads.csv"
    path.write_text("\nworker_ref,worker_type,open_cases\nE001,employee,3\n\n,,\nE003,employee,x\n",
                    encoding="utf-8")
    extract, findings = read_extract(path, "caseloads")
    assert findings == []
    assert extract is not None
    assert extract.rows == 2
    assert extract.row_numbers.tolist() == [3, 6]
    (result,) = validate_paths([path], PERIOD, "TST")
    assert [(f.row, f.column) for f in result.findings] == [(6, "open_cases")]


def test_trailing_empty_cells_are_harmless(tmp_path: Path) -> None:
    path = tmp_path / "caseloads.csv"
    path.write_text("worker_ref,worker_type,open_cases\nE001,employee,3,,\n", encoding="utf-8")
    assert findings_of(path, "caseloads") == []


def test_a_row_with_an_unquoted_comma(tmp_path: Path) -> None:
    path = tmp_path / "establishment.csv"
    data = csv_bytes("establishment", GOOD_MONTH["establishment"]).replace(b"48000.00",
                                                                           b"48,000.00", 1)
    path.write_bytes(data)
    assert findings_of(path, "establishment") == [
        (2, None, E, "row has 11 fields but the header has 10; the file may be truncated or "
                     "a value contains an unquoted comma")
    ]


def test_header_only(tmp_path: Path) -> None:
    hr = write_csv(tmp_path / "hr_staff.csv", [], "hr_staff")
    assert findings_of(hr, "hr_staff") == [
        (None, None, E, "the file has no data rows: a hr_staff extract needs at least one")
    ]
    agency = write_csv(tmp_path / "agency_spend.csv", [], "agency_spend")
    assert findings_of(agency, "agency_spend") == []  # a month without agency staff


# --- files that are not what they claim ---------------------------------------------------------


def workbook_bytes() -> bytes:
    buffer = io.BytesIO()
    workbook = openpyxl.Workbook()
    workbook.active.append(["worker_ref", "worker_type", "open_cases"])
    workbook.save(buffer)
    return buffer.getvalue()


def zip_of_csv() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("caseloads.csv", "worker_ref,worker_type,open_cases\n")
    return buffer.getvalue()


GOOD_CASELOADS = csv_bytes("caseloads", GOOD_MONTH["caseloads"])

BROKEN: dict[str, tuple[str, bytes, str]] = {
    "empty": ("caseloads.csv", b"", "the file is empty: expected a header row and data rows"),
    "blank lines only": ("caseloads.csv", b"\r\n \r\n", "the file is empty"),
    "byte-order mark only": ("caseloads.csv", b"\xef\xbb\xbf", "the file is empty"),
    "binary": ("caseloads.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
               "the file is binary, not CSV text"),
    # Without a byte-order mark UTF-16 cannot be told from binary.
    "UTF-16 text without a byte-order mark": (
        "caseloads.csv", "worker_ref,worker_type\n".encode("utf-16-le"),
        "the file is binary, not CSV text"),
    "UTF-16 with a byte-order mark only": ("caseloads.csv", "".encode("utf-16"),
                                           "the file is empty"),
    "UTF-16 cut mid-character": ("caseloads.csv", "worker_ref\n".encode("utf-16") + b"A",
                                 "the file is not text in UTF-16, as its byte-order mark says "
                                 "(byte 0x41 on line 2)"),
    "truncated inside a quote": ("caseloads.csv", GOOD_CASELOADS + b'E009,"employee',
                                 "the CSV is malformed near line 5 (unexpected end of data); "
                                 "the file may be truncated or have an unclosed quote"),
    "xlsx that is text": ("caseloads.xlsx", GOOD_CASELOADS,
                          "the file is named .xlsx but is not an Excel workbook"),
    "workbook named csv": ("caseloads.csv", workbook_bytes(),
                           "the file is named .csv but is an Excel workbook: save it as .xlsx"),
    "truncated workbook": ("caseloads.xlsx", workbook_bytes()[:600],
                           "the Excel workbook cannot be read"),
    "zip that is not a workbook": ("caseloads.xlsx", zip_of_csv(),
                                   "the Excel workbook cannot be read"),
}


@pytest.mark.parametrize(("name", "data", "message"), BROKEN.values(), ids=BROKEN.keys())
def test_unreadable_files_are_one_plain_error(
    tmp_path: Path, name: str, data: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    finding = only_error(path, "caseloads")
    assert finding.message.startswith(message)
    assert (finding.row, finding.column) == (None, None)


def test_truncated_mid_row(tmp_path: Path) -> None:
    path = tmp_path / "caseloads.csv"
    header = b"worker_ref,worker_type,open_cases,cp_cases,cla_cases,cin_cases\r\n"
    path.write_bytes(header + b"E001,employee,3,1,1,1\r\nE002,employee,4,0\r\n")  # cut short
    assert findings_of(path, "caseloads") == [
        (3, None, E, "row has 4 fields but the header has 6; the file may be truncated or a "
                     "value contains an unquoted comma")
    ]


def test_empty_workbook(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "caseloads.xlsx", [])
    assert only_error(path, "caseloads").message == (
        "the workbook's first sheet is empty: expected a header row and data rows"
    )


def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "caseloads.csv"
    path.mkdir()  # a folder where the file should be
    assert only_error(path, "caseloads").message.startswith("cannot read the file (")


def test_a_broken_file_does_not_stop_the_others(tmp_path: Path) -> None:
    folder = write_month(tmp_path)
    (folder / "agency_spend.csv").write_bytes(b"\x00\x01")
    (result,) = validate_paths([folder])
    assert [(Path(f.file).name, f.message) for f in result.findings] == [
        ("agency_spend.csv", "the file is binary, not CSV text")
    ]
    assert set(result.frames) == {"hr_staff", "establishment", "caseloads"}
    assert not result.ok
