"""A council's own values for the codes (value_mapping), leave dates after the month end
(notice given) and Excel's serial dates: mapped, accepted or refused at the row the analyst
sees, with one line to add to the settings per unmapped value."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from conftest import AUTHORITY, GOOD_MONTH, PERIOD, write_month
from workforce.cli import main
from workforce.config import ConfigError, ExtractSettings, config_dir, load_authority_config
from workforce.contracts import Severity
from workforce.kpis import compute_month
from workforce.periods import Period
from workforce.pipeline import load_authority_month
from workforce.privacy import WITHHELD
from workforce.validation import validate_month
from workforce.value_mapping import describe_unmapped

TITLES = {"social_worker": "Social Worker (ASYE)", "senior_social_worker": "Senior Practitioner",
          "team_manager": "Team Manager"}
MAPPING = {"hr_staff": {"role": {"social worker (asye)": "social_worker",
                                 "  SENIOR PRACTITIONER ": "senior_social_worker"}},
           "establishment": {"role": {"Social Worker (ASYE)": "social_worker",
                                      "Senior Practitioner": "senior_social_worker",
                                      "Team Manager": "team_manager"},
                             "status": {"Live": "active", "On Hold": "frozen"}},
           "caseloads": {"worker_type": {"Staff": "employee"}}}


def council_month() -> dict[str, list[dict[str, str]]]:
    """GOOD_MONTH with job titles for roles, 'Live'/'On Hold' statuses and 'Staff' workers."""
    month = copy.deepcopy(GOOD_MONTH)
    for kind in ("hr_staff", "establishment"):
        for row in month[kind]:
            row["role"] = TITLES[row["role"]]
    for row in month["establishment"]:
        row["status"] = {"active": "Live", "frozen": "On Hold"}[row["status"]]
    for row in month["caseloads"]:
        if row["worker_type"] == "employee":
            row["worker_type"] = "Staff"
    return month


def test_mapped_values_load_as_their_codes(engine: Engine, tmp_path: Path) -> None:
    canonical, council = tmp_path / "canonical", tmp_path / "council"
    write_month(canonical)
    write_month(council, council_month())

    assert not validate_month(council / AUTHORITY / str(PERIOD), PERIOD, ExtractSettings()).ok
    month = validate_month(council / AUTHORITY / str(PERIOD), PERIOD,
                           ExtractSettings(value_mapping=MAPPING))
    assert month.ok and month.findings == []
    assert list(month.columns["hr_staff"]["role"]) == [
        "social_worker", "senior_social_worker", "social_worker"]

    # Loaded through the settings file, the stored rows are those of the canonical month.
    config = config_dir()
    config.mkdir(parents=True, exist_ok=True)
    (config / f"{AUTHORITY}.yaml").write_text(
        "name: Test Council\n" + _yaml({"value_mapping": MAPPING}), encoding="utf-8")
    load_authority_month(council, AUTHORITY, PERIOD, engine)
    with engine.connect() as connection:
        roles = connection.execute(text(
            "SELECT post_id, role, status FROM establishment ORDER BY post_id")).all()
    assert [tuple(r) for r in roles] == [
        ("P001", "social_worker", "active"), ("P002", "senior_social_worker", "active"),
        ("P003", "social_worker", "active"), ("P004", "team_manager", "frozen")]


def _yaml(data: dict) -> str:
    import yaml

    return yaml.safe_dump(data, allow_unicode=True)


def test_an_unmapped_value_is_an_error_at_its_row_and_one_line_to_add(tmp_path: Path) -> None:
    folder = write_month(tmp_path, council_month())
    settings = ExtractSettings(value_mapping={"hr_staff": MAPPING["hr_staff"],
                                              "caseloads": MAPPING["caseloads"]})
    month = validate_month(folder, PERIOD, settings)

    errors = sorted((Path(f.file).name, f.row, f.column) for f in month.findings
                    if f.severity is Severity.ERROR)
    # Each establishment row's role and status, at the row and column the analyst sees;
    # "Team Manager" (row 5) is a code as written (case and spaces are ignored).
    assert errors == sorted([("establishment.csv", row, "role") for row in (2, 3, 4)]
                            + [("establishment.csv", row, "status") for row in (2, 3, 4, 5)])
    summary = describe_unmapped(month.unmapped, AUTHORITY)
    assert summary[0].startswith(
        f"Values that are neither a code nor mapped: add a line for each under value_mapping "
        f"in config/{AUTHORITY}.yaml")
    assert summary[1:] == [
        "value_mapping:",
        "  establishment:",
        "    role:  # one of social_worker, senior_social_worker, advanced_practitioner, "
        "team_manager, service_manager, senior_manager, other",
        '      "Social Worker (ASYE)": ?  # 2 rows',
        '      "Senior Practitioner": ?  # 1 row',
        "    status:  # one of active, frozen, deleted",
        '      "Live": ?  # 3 rows',
        '      "On Hold": ?  # 1 row',
    ]
    # With a suggester (onboarding's synonyms), the line says what it suggests.
    suggested = describe_unmapped(month.unmapped, AUTHORITY,
                                  lambda kind, column, value: "active" if value == "Live"
                                  else None)
    assert '      "Live": active  # suggested; 3 rows' in suggested


def test_the_command_prints_the_lines_to_add_after_the_findings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = write_month(tmp_path, council_month())
    assert main(["validate", str(folder)]) == 1
    out = capsys.readouterr().out.splitlines()
    summary = out.index(next(line for line in out if line.startswith("Validation: ")))
    assert out[summary + 1].startswith("Values that are neither a code nor mapped")
    assert '      "Staff": employee  # suggested; 2 rows' in out
    # One line per value, not one per row: "Live" is listed once for its three rows.
    assert sum('"Live"' in line for line in out[summary:]) == 1


def test_a_personal_columns_rare_values_are_withheld_from_the_lines(tmp_path: Path) -> None:
    month = copy.deepcopy(GOOD_MONTH)
    for row, gender in zip(month["hr_staff"], ("Jane Smith", "F", "F"), strict=True):
        row["gender"] = gender
    folder = write_month(tmp_path, month)
    validated = validate_month(folder, PERIOD, ExtractSettings())
    lines = "\n".join(describe_unmapped(validated.unmapped, AUTHORITY))
    assert "Jane" not in lines and '"F"' not in lines  # under 5 rows each: withheld
    assert "values in 3 rows withheld (a personal column)" in lines
    assert all("Jane" not in str(f) for f in validated.findings)
    assert any(WITHHELD in str(f) for f in validated.findings)


@pytest.mark.parametrize("mapping, message", [
    ({"hr_staff": {"role": {"Senior Practitioner": "wizard"}}},
     "value_mapping: Value error, hr_staff.role.'Senior Practitioner': 'wizard' is not a role "
     "code; expected one of ['social_worker'"),
    ({"hr_staff": {"grade": {"SW1": "social_worker"}}},
     "hr_staff.grade: not a code column of hr_staff; its code columns are ['role', "),
    ({"payroll": {"role": {"SW": "social_worker"}}}, "unknown extract kind 'payroll'"),
    ({"hr_staff": {"role": {"Senior": "team_manager", " senior ": "other"}}},
     "are the same value (case and surrounding spaces are ignored)"),
], ids=["not a code", "not a code column", "not a kind", "two codes for one value"])
def test_a_mapping_that_cannot_be_right_is_refused_when_the_settings_load(
    tmp_path: Path, mapping: dict, message: str
) -> None:
    (tmp_path / "TST.yaml").write_text("name: Test\n" + _yaml({"value_mapping": mapping}),
                                       encoding="utf-8")
    with pytest.raises(ConfigError) as refused:
        load_authority_config("TST", tmp_path)
    assert str(refused.value).startswith(f"{tmp_path / 'TST.yaml'}: ")
    assert message in str(refused.value)


def test_notice_given_is_in_post_this_month_and_a_leaver_in_the_month_it_falls_in(
    engine: Engine, tmp_path: Path
) -> None:
    march = copy.deepcopy(GOOD_MONTH)
    march["hr_staff"][0].update(leave_date="18/04/2025", leaving_reason="resignation")
    landing = tmp_path / "landing"
    folder = write_month(landing, march)
    month = validate_month(folder, PERIOD, ExtractSettings())
    assert month.ok
    assert [(f.row, f.column, f.severity) for f in month.findings] == [
        (None, "leave_date", Severity.WARNING)]
    assert "1 assignment has a leave date after the month end (notice given)" in str(
        month.findings[0])

    april = copy.deepcopy(march)
    write_month(landing, april, period=Period(2025, 4))
    for period in (PERIOD, Period(2025, 4)):
        load_authority_month(landing, AUTHORITY, period, engine)
        compute_month(engine, AUTHORITY, period)
    with engine.connect() as connection:
        values = dict(connection.execute(text(
            "SELECT period || ' ' || kpi, value FROM kpi_value WHERE scope_type = 'council' "
            "AND kpi IN ('sw_fte', 'leavers_headcount_12m')")).all())
    # March: E001 (1.0, notice given) and E003 (0.5) in post; E002 left on 21 March.
    assert values["2025-03 sw_fte"] == 1.5 and values["2025-03 leavers_headcount_12m"] == 1
    # April: E001 has left (18 April), a leaver that month.
    assert values["2025-04 sw_fte"] == 0.5 and values["2025-04 leavers_headcount_12m"] == 2


def test_excel_serial_dates_are_read_as_dates(tmp_path: Path) -> None:
    month = copy.deepcopy(GOOD_MONTH)
    month["hr_staff"][0]["service_start_date"] = "44348"  # 1 June 2021, a cell without format
    month["agency_spend"][0]["week_ending"] = "45723.0"  # 7 March 2025
    folder = write_month(tmp_path, month)
    validated = validate_month(folder, PERIOD, ExtractSettings())
    assert validated.ok, validated.findings
    assert str(validated.columns["hr_staff"]["service_start_date"][0])[:10] == "2021-06-01"
    assert str(validated.columns["agency_spend"]["week_ending"][0])[:10] == "2025-03-07"
