"""Each rule of the extract contracts, proved by breaking one cell of the valid GOOD_MONTH."""

from __future__ import annotations

import copy
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from conftest import GOOD_MONTH, write_month
from workforce.cell_typing import PARSERS
from workforce.contracts import REFERENCES, ColumnType, Severity
from workforce.findings import Finding
from workforce.pipeline import validate_paths
from workforce.privacy import WITHHELD
from workforce.validation import ValidatedMonth

Month = dict[str, list[dict[str, str]]]
# (kind, data row index in GOOD_MONTH, {column: new text})
Edit = tuple[str, int, dict[str, str]]
# (file name, spreadsheet row, column, severity, text the message must contain...)
Expected = tuple[str, int, str, Severity, tuple[str, ...]]

E, W = Severity.ERROR, Severity.WARNING


def edited(*edits: Edit) -> Month:
    month = copy.deepcopy(GOOD_MONTH)
    for kind, index, changes in edits:
        month[kind][index].update(changes)
    return month


def validate(root: Path, month: Month, edits: tuple[Edit, ...] | None = None) -> ValidatedMonth:
    """Validate the month; given the edits, only the edited files and the files they refer to.

    Each file costs tens of milliseconds however small, and every other file is GOOD_MONTH's,
    which test_good_month_is_clean_and_typed proves clean."""
    folder = write_month(root, month)
    if edits is None:
        (result,) = validate_paths([folder])
        return result
    kinds = {kind for kind, _, _ in edits}
    kinds |= {ref.target_kind for ref in REFERENCES if ref.kind in kinds}
    (result,) = validate_paths([folder / f"{kind}.csv" for kind in sorted(kinds)])
    return result


def validate_edits(root: Path, *edits: Edit) -> ValidatedMonth:
    return validate(root, edited(*edits), edits)


def located(findings: list[Finding]) -> list[tuple[str, int | None, str | None, Severity]]:
    return sorted((Path(f.file).name, f.row, f.column, f.severity) for f in findings)


def test_good_month_is_clean_and_typed(tmp_path: Path) -> None:
    result = validate(tmp_path, GOOD_MONTH)
    assert result.findings == []  # no errors and no warnings
    assert result.ok
    frames = result.frames
    assert {kind: len(frame) for kind, frame in frames.items()} == {
        "hr_staff": 3, "establishment": 4, "agency_spend": 2, "caseloads": 3
    }
    agency = frames["agency_spend"]
    assert agency["charge_rate_gbp"].tolist() == [4550, 4000]  # pence; "£40.00" read
    assert agency["line_cost_gbp"].tolist() == [168350, 122000]
    assert agency["hours"].tolist() == [37.0, 30.5]
    hr = frames["hr_staff"]
    assert hr["service_start_date"].tolist() == [
        pd.Timestamp("2021-06-01"), pd.Timestamp("2019-02-14"), pd.Timestamp("2024-11-04")
    ]
    assert hr["qualified_sw"].tolist() == [True, True, True]  # Y, yes, 1
    assert hr["case_holding"].tolist() == [True, True, True]  # Y, true, 1
    assert frames["agency_spend"]["qualified_sw"].tolist() == [True, False]
    assert hr["role"].tolist() == ["social_worker", "senior_social_worker", "social_worker"]
    assert frames["caseloads"]["cp_cases"].isna().tolist() == [False, True, True]


CASES: dict[str, tuple[list[Edit], list[Expected]]] = {
    # required values
    "required id": (
        [("hr_staff", 1, {"employee_id": ""})],
        [("hr_staff.csv", 3, "employee_id", E, ("required value is missing", "identifier",
                                                "found a blank cell"))],
    ),
    "required flag": (
        [("agency_spend", 1, {"qualified_sw": " "})],
        [("agency_spend.csv", 3, "qualified_sw", E, ("required value is missing", "Y/N"))],
    ),
    # types
    "number type": (
        [("hr_staff", 0, {"fte": "full"})],
        [("hr_staff.csv", 2, "fte", E, ("expected decimal number", "found 'full'"))],
    ),
    "integer type": (
        [("caseloads", 0, {"open_cases": "18.5"})],
        [("caseloads.csv", 2, "open_cases", E, ("expected whole number", "found '18.5'"))],
    ),
    "integer too large to hold": (
        [("caseloads", 0, {"open_cases": "1e20"})],
        [("caseloads.csv", 2, "open_cases", E, ("expected whole number", "found '1e20'"))],
    ),
    "money too large to hold": (
        [("establishment", 1, {"annual_cost_gbp": "9" * 400})],
        [("establishment.csv", 3, "annual_cost_gbp", E, ("pounds and pence",))],
    ),
    "money type": (
        [("establishment", 1, {"annual_cost_gbp": "55k"})],
        [("establishment.csv", 3, "annual_cost_gbp", E, ("pounds and pence", "found '55k'"))],
    ),
    "flag type": (
        [("establishment", 0, {"funded": "maybe"})],
        [("establishment.csv", 2, "funded", E, ("Y/N, yes/no, true/false or 1/0",
                                                "found 'maybe'"))],
    ),
    "impossible date": (
        [("hr_staff", 0, {"service_start_date": "2021-02-30"})],
        [("hr_staff.csv", 2, "service_start_date", E, ("YYYY-MM-DD", "found '2021-02-30'"))],
    ),
    "month-first date": (
        [("hr_staff", 1, {"service_start_date": "02/14/2019"})],
        [("hr_staff.csv", 3, "service_start_date", E, ("day first", "found '02/14/2019'"))],
    ),
    "month-first date read day-first lands after the month end": (
        [("agency_spend", 0, {"week_ending": "03/07/2025"})],
        [("agency_spend.csv", 2, "week_ending", E, ("2025-03-31", "found '03/07/2025'"))],
    ),
    # codes
    "role code": (
        [("hr_staff", 0, {"role": "Social Work"})],
        [("hr_staff.csv", 2, "role", E, ("one of social_worker,", "found 'Social Work'"))],
    ),
    "post status code": (
        [("establishment", 3, {"status": "closed"})],
        [("establishment.csv", 5, "status", E, ("active, frozen, deleted", "found 'closed'"))],
    ),
    "worker type code": (
        [("caseloads", 2, {"worker_type": "locum"})],
        [("caseloads.csv", 4, "worker_type", E, ("employee, agency", "found 'locum'"))],
    ),
    # ranges
    "fte zero": (
        [("hr_staff", 0, {"fte": "0"})],
        [("hr_staff.csv", 2, "fte", E, ("in (0, 1]", "found '0'"))],
    ),
    "fte over one": (  # not also reported as the employee's total over 1
        [("hr_staff", 2, {"fte": "1.2"})],
        [("hr_staff.csv", 4, "fte", E, ("in (0, 1]", "found '1.2'"))],
    ),
    "budgeted fte": (
        [("establishment", 0, {"budgeted_fte": "-1"})],
        [("establishment.csv", 2, "budgeted_fte", E, ("in (0, 1]", "found '-1'"))],
    ),
    "hours over 84": (
        [("agency_spend", 0, {"hours": "85", "line_cost_gbp": "3867.50"})],
        [("agency_spend.csv", 2, "hours", E, ("in [0, 84]", "found '85'"))],
    ),
    "negative hours": (
        [("agency_spend", 1, {"hours": "-1", "charge_rate_gbp": "0", "line_cost_gbp": "0"})],
        [("agency_spend.csv", 3, "hours", E, ("in [0, 84]", "found '-1'"))],
    ),
    "negative annual cost": (
        [("establishment", 2, {"annual_cost_gbp": "-£48,000.00"})],
        [("establishment.csv", 4, "annual_cost_gbp", E, ("≥ £0", "found '-£48,000.00'"))],
    ),
    "negative charge rate": (  # an error, and not also the 'unusual' warning
        [("agency_spend", 0, {"hours": "0", "charge_rate_gbp": "-45.50", "line_cost_gbp": "0"})],
        [("agency_spend.csv", 2, "charge_rate_gbp", E, ("≥ £0", "found '-45.50'"))],
    ),
    "negative caseload": (
        [("caseloads", 0, {"open_cases": "-1"})],
        [("caseloads.csv", 2, "open_cases", E, ("≥ 0", "found '-1'"))],
    ),
    "sickness over a month": (
        [("hr_staff", 0, {"sickness_days": "32"})],
        [("hr_staff.csv", 2, "sickness_days", E, ("in [0, 31]", "found '32'"))],
    ),
    # line cost = hours × rate within 1p
    "line cost off by 2p": (
        [("agency_spend", 0, {"line_cost_gbp": "1683.52"})],
        [("agency_spend.csv", 2, "line_cost_gbp", E, ("hours × charge_rate_gbp", "1p",
                                                      "found '1683.52'"))],
    ),
    "line cost in pounds off by £20": (
        [("agency_spend", 1, {"line_cost_gbp": "£1,200.00"})],
        [("agency_spend.csv", 3, "line_cost_gbp", E, ("hours × charge_rate_gbp",
                                                      "found '£1,200.00'"))],
    ),
    # duplicate keys
    "duplicate line id": (
        [("agency_spend", 1, {"line_id": "L1"})],
        [("agency_spend.csv", row, "line_id", E, ("expected each (line_id) once",
                                                  "found 'L1' more than once"))
         for row in (2, 3)],
    ),
    "duplicate post (after trimming spaces)": (
        [("establishment", 3, {"post_id": " P003 "})],
        [("establishment.csv", row, "post_id", E, ("(post_id) once", "found 'P003'"))
         for row in (4, 5)],
    ),
    "duplicate assignment": (
        [("hr_staff", 1, {"employee_id": "E001", "post_id": "P001", "team_code": "CP01"})],
        [("hr_staff.csv", row, "post_id", E, ("expected each (employee_id, post_id) once",
                                              "found ('E001', 'P001') more than once"))
         for row in (2, 3)],
    ),
    "duplicate caseload worker": (
        [("caseloads", 1, {"worker_ref": "E001"})],
        [("caseloads.csv", row, "worker_ref", E, ("(worker_type, worker_ref) once",
                                                  "found ('employee', 'E001')"))
         for row in (2, 3)],
    ),
    # dates not after the month end (2025-03-31)
    "service start after month end": (
        [("hr_staff", 2, {"service_start_date": "01/04/2025"})],
        [("hr_staff.csv", 4, "service_start_date", E, ("on or before the month end 2025-03-31",
                                                       "found '01/04/2025'"))],
    ),
    "week ending after month end": (
        [("agency_spend", 1, {"week_ending": "2025-04-04"})],
        [("agency_spend.csv", 3, "week_ending", E, ("2025-03-31", "found '2025-04-04'"))],
    ),
    # rules across columns
    "leave before service start": (
        [("hr_staff", 1, {"leave_date": "13/02/2019"})],
        [("hr_staff.csv", 3, "leave_date", E, ("on or after service_start_date",
                                               "found '13/02/2019'"))],
    ),
    "placement starts after the week": (
        [("agency_spend", 1, {"placement_start_date": "2025-03-29"})],
        [("agency_spend.csv", 3, "placement_start_date", E, ("on or before week_ending",
                                                             "found '2025-03-29'"))],
    ),
    "employee over one fte": (
        [("hr_staff", 1, {"employee_id": "E001", "leave_date": "", "leaving_reason": ""})],
        [("hr_staff.csv", 2, "fte", E, ("summed over assignments", "≤ 1", "found '1'")),
         ("hr_staff.csv", 3, "fte", E, ("summed over assignments", "≤ 1", "found '0.8'"))],
    ),
    # references between files
    "hr post not in establishment": (
        [("hr_staff", 1, {"post_id": "P999"})],
        [("hr_staff.csv", 3, "post_id", E, ("expected one of the post_id values in "
                                            "establishment.csv; found 'P999'",))],
    ),
    "hr team not in establishment": (
        [("hr_staff", 1, {"team_code": "XX01"})],
        [("hr_staff.csv", 3, "team_code", E, ("team_code", "establishment.csv",
                                              "found 'XX01'"))],
    ),
    "agency post not in establishment": (
        [("agency_spend", 0, {"post_id": "P005"})],
        [("agency_spend.csv", 2, "post_id", E, ("establishment.csv", "found 'P005'"))],
    ),
    "agency team not in establishment": (
        [("agency_spend", 1, {"team_code": "CP02"})],
        [("agency_spend.csv", 3, "team_code", E, ("establishment.csv", "found 'CP02'"))],
    ),
    "caseload employee not in hr": (
        [("caseloads", 1, {"worker_ref": "E004"})],
        [("caseloads.csv", 3, "worker_ref", E, ("employee_id values in hr_staff.csv",
                                                "found 'E004'"))],
    ),
    "caseload agency worker not in agency spend": (
        [("caseloads", 2, {"worker_ref": "AG03"})],
        [("caseloads.csv", 4, "worker_ref", E, ("worker_ref values in agency_spend.csv",
                                                "found 'AG03'"))],
    ),
    "caseload agency worker who is an employee": (
        [("caseloads", 2, {"worker_ref": "E003"})],
        [("caseloads.csv", 4, "worker_ref", E, ("agency_spend.csv", "found 'E003'"))],
    ),
    # warnings: plausible but odd
    "caseload over 40": (
        [("caseloads", 0, {"open_cases": "41"})],
        [("caseloads.csv", 2, "open_cases", W, ("in [0, 40]", "found '41' (unusual"))],
    ),
    "charge rate over £120": (
        [("agency_spend", 1, {"charge_rate_gbp": "£125.00", "line_cost_gbp": "3812.50"})],
        [("agency_spend.csv", 3, "charge_rate_gbp", W, ("in [£0, £120]", "found '£125.00'",
                                                        "unusual"))],
    ),
    "sickness over working days": (
        [("hr_staff", 0, {"sickness_days": "24"})],
        [("hr_staff.csv", 2, "sickness_days", W, ("in [0, 23]", "found '24'"))],
    ),
    "role start before service start": (
        [("hr_staff", 0, {"role_start_date": "2021-05-31"})],
        [("hr_staff.csv", 2, "role_start_date", W, ("on or after service_start_date",
                                                    "found '2021-05-31'"))],
    ),
    "leaver without reason": (
        [("hr_staff", 1, {"leaving_reason": ""})],
        [("hr_staff.csv", 3, "leaving_reason", W, ("expected a leaving reason for every leaver;"
                                                   " found a blank cell",))],
    ),
    "reason without leaving": (
        [("hr_staff", 0, {"leaving_reason": "retirement"})],
        [("hr_staff.csv", 2, "leaving_reason", W, ("no leaving reason without a leave date",
                                                   "found 'retirement'"))],
    ),
}


@pytest.mark.parametrize(("edits", "expected"), CASES.values(), ids=CASES.keys())
def test_each_rule_reports_exactly_the_broken_cell(
    tmp_path: Path, edits: list[Edit], expected: list[Expected]
) -> None:
    findings = validate_edits(tmp_path, *edits).findings
    assert located(findings) == sorted((name, row, col, sev) for name, row, col, sev, _ in expected)
    for finding in findings:
        (texts,) = [
            t for name, row, col, sev, t in expected
            if (name, row, col, sev) == (Path(finding.file).name, finding.row, finding.column,
                                         finding.severity)
        ]
        for text in texts:
            assert text in finding.message, (text, str(finding))
        assert finding.message.startswith(("expected", "required value is missing: expected"))
        assert "; found " in finding.message


# Variations that must pass, grouped so that each group is one month (they do not overlap).
ACCEPTED: dict[str, list[Edit]] = {
    "values on the boundaries": [
        ("agency_spend", 0, {"charge_rate_gbp": "120", "line_cost_gbp": "4,440.01"}),  # +1p
        ("agency_spend", 1, {"line_cost_gbp": "1219.99", "week_ending": "2025-03-31"}),  # -1p
        ("caseloads", 0, {"open_cases": "40"}),
        ("hr_staff", 1, {"leave_date": "31/03/2025", "sickness_days": "23"}),
    ],
    "lenient spellings": [
        ("hr_staff", 0, {"post_id": "  P001 ", "role": "Social-Worker",
                         "contract_type": " PERMANENT"}),
        ("hr_staff", 1, {"role": "Senior Social Worker", "contract_type": "Fixed-Term"}),
        ("establishment", 0, {"annual_cost_gbp": " £48,000 "}),
        ("agency_spend", 0, {"post_id": ""}),  # blank: over establishment
    ],
    "employee at exactly one fte over two posts": [
        ("hr_staff", 1, {"employee_id": "E003", "fte": "0.5", "leave_date": "",
                         "leaving_reason": ""})
    ],
    "a leaver's fte does not count": [("hr_staff", 1, {"employee_id": "E001"})],
}


@pytest.mark.parametrize("edits", ACCEPTED.values(), ids=ACCEPTED.keys())
def test_valid_variations_have_no_findings(tmp_path: Path, edits: list[Edit]) -> None:
    assert validate_edits(tmp_path, *edits).findings == []


def parse(column_type: ColumnType, *texts: str | None) -> list[object]:
    values = pd.Series(PARSERS[column_type](pa.array(texts, pa.large_string()))).astype(object)
    return [None if pd.isna(v) else v for v in values]


def test_dates_are_iso_or_uk_day_first_never_month_first() -> None:
    assert parse(
        ColumnType.DATE, "2024-03-31", "31/03/2024", "1/3/2024", "01/12/2024",
        "2024-03-31T00:00:00", "2024-03-31 00:00", None,
    ) == [pd.Timestamp(d) for d in ("2024-03-31", "2024-03-31", "2024-03-01", "2024-12-01",
                                    "2024-03-31", "2024-03-31")] + [None]
    # None here becomes an error finding, as in the "month-first date" case above.
    assert parse(
        ColumnType.DATE, "03/31/2024", "12/25/2023", "2024/03/31", "31-03-2024",
        "31 March 2024", "31/03/24", "2024-03-31T09:30:00", "2023-02-29", "32/01/2024",
    ) == [None] * 9


def test_flags_accept_yes_no_true_false_one_zero() -> None:
    truthy = ("Y", "y", "Yes", "YES", "true", "TRUE", "1", " yes ")
    falsy = ("N", "n", "No", "no", "false", "False", "0", " N ")
    assert parse(ColumnType.FLAG, *truthy) == [True] * len(truthy)
    assert parse(ColumnType.FLAG, *falsy) == [False] * len(falsy)
    assert parse(ColumnType.FLAG, "x", "2", "yeah", "t", "-1", "ok", None) == [None] * 7


def test_money_numbers_and_codes() -> None:
    assert parse(ColumnType.MONEY, "£1,234.00", "1234.5", "-£5", " £ 12 ", "0.015", "12") == [
        123400, 123450, -500, 1200, 2, 1200
    ]
    assert parse(ColumnType.MONEY, "£", "1.2.3", "12p", "(5.00)", "€5", "1e3") == [None] * 6
    assert parse(ColumnType.NUMBER, "0.8", "1", " 37.5 ", "1,000", "eight") == [
        0.8, 1.0, 37.5, None, None
    ]
    assert parse(ColumnType.INTEGER, "18", "18.0", "18.5", "x") == [18, 18, None, None]
    assert parse(ColumnType.CODE, " Senior Social-Worker ", "FIXED TERM") == [
        "senior_social_worker", "fixed_term"
    ]


def test_several_problems_in_several_files_are_all_reported(tmp_path: Path) -> None:
    month = edited(
        ("hr_staff", 0, {"fte": "2"}),
        ("establishment", 1, {"status": "gone"}),
        ("caseloads", 2, {"open_cases": "50"}),
    )
    result = validate(tmp_path, month)
    assert located(result.findings) == [
        ("caseloads.csv", 4, "open_cases", W),
        ("establishment.csv", 3, "status", E),
        ("hr_staff.csv", 2, "fte", E),
    ]
    assert not result.ok


def test_columns_of_one_type_typed_together_keep_their_files_and_rows(tmp_path: Path) -> None:
    # The month's number columns (fte, sickness_days, budgeted_fte, hours) are typed as one
    # array; each finding still names its own file, row and column.
    month = edited(
        ("hr_staff", 2, {"sickness_days": "x"}),
        ("establishment", 0, {"budgeted_fte": "one"}),
        ("agency_spend", 1, {"hours": "thirty", "line_cost_gbp": "0"}),
    )
    result = validate(tmp_path, month)
    assert [(Path(f.file).name, f.row, f.column, f.message) for f in result.findings] == [
        ("hr_staff.csv", 4, "sickness_days", "expected decimal number; found 'x'"),
        ("establishment.csv", 2, "budgeted_fte", "expected decimal number; found 'one'"),
        ("agency_spend.csv", 3, "hours", "expected decimal number; found 'thirty'"),
    ]
    assert result.frames["agency_spend"]["hours"].tolist()[0] == 37.0


def test_warnings_alone_do_not_fail_the_month(tmp_path: Path) -> None:
    result = validate_edits(tmp_path, ("caseloads", 0, {"open_cases": "45"}))
    assert [f.severity for f in result.findings] == [W]
    assert result.ok


# --- personal data -------------------------------------------------------------------------


def test_personal_values_are_never_printed(tmp_path: Path) -> None:
    findings = validate_edits(
        tmp_path,
        ("hr_staff", 0, {"birth_date": "2026-01-01", "gender": "Femme"}),
        ("hr_staff", 1, {"birth_date": "03/31/1985", "ethnicity": "Mixed: White and Asian",
                         "fte": "x"}),
    ).findings
    assert located(findings) == [
        ("hr_staff.csv", 2, "birth_date", E),  # after the month end
        ("hr_staff.csv", 2, "gender", E),  # not a code
        ("hr_staff.csv", 3, "birth_date", E),  # not a date
        ("hr_staff.csv", 3, "fte", E),
    ]
    for finding in findings:
        if finding.column != "fte":
            assert finding.message.endswith(f"; found {WITHHELD!r}"), str(finding)
    printed = "\n".join(map(str, findings))
    for secret in ("2026-01-01", "Femme", "03/31/1985", "1985", "Mixed"):
        assert secret not in printed
    assert "found 'x'" in printed  # other columns still show what was found


# --- the month folder ----------------------------------------------------------------------


def test_missing_extract_in_month_folder(tmp_path: Path) -> None:
    folder = write_month(tmp_path)
    (folder / "caseloads.csv").unlink()
    (result,) = validate_paths([folder])
    assert [(f.file, f.row, f.column, f.severity, f.message) for f in result.findings] == [
        (str(folder), None, None, E,
         "missing extract: expected caseloads.csv or caseloads.xlsx in this folder")
    ]
    assert set(result.frames) == {"hr_staff", "establishment", "agency_spend"}
    assert not result.ok


def test_empty_month_folder_lists_every_missing_extract(tmp_path: Path) -> None:
    folder = tmp_path / "TST" / "2025-03"
    folder.mkdir(parents=True)
    (result,) = validate_paths([folder])
    assert [f.message for f in result.findings] == [
        f"missing extract: expected {kind}.csv or {kind}.xlsx in this folder"
        for kind in ("hr_staff", "establishment", "agency_spend", "caseloads")
    ]


def test_two_files_for_one_extract(tmp_path: Path) -> None:
    folder = write_month(tmp_path)
    (folder / "caseloads.xlsx").write_bytes(b"")
    (result,) = validate_paths([folder])
    assert [(f.file, f.message) for f in result.findings] == [
        (str(folder), "both caseloads.csv and caseloads.xlsx exist: keep one caseloads file")
    ]


def test_references_are_skipped_when_the_target_file_cannot_be_read(tmp_path: Path) -> None:
    folder = write_month(tmp_path)
    (folder / "establishment.csv").write_bytes(b"")
    (result,) = validate_paths([folder])
    assert located(result.findings) == [("establishment.csv", None, None, E)]
    assert "empty" in result.findings[0].message


def test_single_files_are_validated_with_their_neighbours_only(tmp_path: Path) -> None:
    folder = write_month(tmp_path, edited(("hr_staff", 1, {"post_id": "P999"})))
    (alone,) = validate_paths([folder / "hr_staff.csv"])
    assert alone.findings == []  # no establishment given: references are not checked
    (pair,) = validate_paths([folder / "hr_staff.csv", folder / "establishment.csv"])
    assert located(pair.findings) == [("hr_staff.csv", 3, "post_id", E)]
