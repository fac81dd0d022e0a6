"""The ``workforce`` command: exit codes, one line per finding, plain errors."""

from __future__ import annotations

import copy
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import AUTHORITY, GOOD_MONTH, PERIOD, write_month
from workforce.cli import main

FINDING_LINE = re.compile(r"^.+\.csv:\d+:[a-z_]+: (error|warning): .+$")


def broken_month(root: Path) -> Path:
    month = copy.deepcopy(GOOD_MONTH)
    month["hr_staff"][0]["fte"] = "1.5"
    month["caseloads"][0]["open_cases"] = "45"
    return write_month(root, month)


def test_validate_clean_month_exits_0(landing: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(landing / AUTHORITY / str(PERIOD))]) == 0
    assert capsys.readouterr().out == "Validation: 0 errors, 0 warnings.\n"


def test_validate_prints_one_line_per_finding_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = broken_month(tmp_path / "landing")
    assert main(["validate", str(folder)]) == 1
    *findings, last = capsys.readouterr().out.splitlines()
    assert findings == [
        f"{folder / 'hr_staff.csv'}:2:fte: error: expected a value in (0, 1]; found '1.5'",
        f"{folder / 'caseloads.csv'}:2:open_cases: warning: expected a value in [0, 40]; "
        "found '45' (unusual: please check)",
    ]
    assert last == "Validation: 1 error, 1 warning."


def test_warnings_alone_exit_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    month = copy.deepcopy(GOOD_MONTH)
    month["caseloads"][0]["open_cases"] = "45"
    assert main(["validate", str(write_month(tmp_path / "landing", month))]) == 0
    assert capsys.readouterr().out.endswith("Validation: 0 errors, 1 warning.\n")


def test_load_reports_rejection_and_leaves_warehouse_empty(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken_month(tmp_path / "landing")
    assert main(["load", "--extracts", str(tmp_path / "landing"), "--period", str(PERIOD)]) == 1
    assert "rejected (1 error, 1 warning); the warehouse is unchanged." in capsys.readouterr().out
    assert main(["status"]) == 0
    assert "0 authority-months loaded" in capsys.readouterr().out


def test_load_then_status_lists_files_with_checksums(
    landing: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["load", "--extracts", str(landing), "--period", str(PERIOD)]) == 0
    capsys.readouterr()
    assert main(["status"]) == 0
    out = capsys.readouterr().out
    assert "1 authority-months loaded" in out
    assert len(re.findall(r"sha256 [0-9a-f]{64}", out)) == 4


def test_bad_period_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["validate", "x.csv", "--period", "March 2025"])
    assert exit_info.value.code == 2
    assert "--period" in capsys.readouterr().err


def test_missing_path_is_a_plain_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(tmp_path / "nowhere")]) == 2
    assert capsys.readouterr().err == f"workforce: {tmp_path / 'nowhere'}: no such file or folder\n"


def test_sample_writes_many_councils_or_refuses_a_size_for_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["sample", "--out", str(tmp_path), "--authorities", "2", "--months", "1"]
    assert main([*args, "--jobs", "1"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Wrote 1 months of canonical sample extracts for 2 authorities "
                          "(LA001 to LA002, ")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["LA001", "LA002"]
    assert main([*args, "--posts", "100"]) == 2
    assert "no --posts or --messy" in capsys.readouterr().err


def test_installed_command_runs_as_a_process(tmp_path: Path) -> None:
    """The console script the set-up installs, run as a user would."""
    command = Path(sys.executable).with_name("workforce")
    if not command.exists():
        pytest.skip(f"{command} is not installed; run make install")
    folder = broken_month(tmp_path / "landing")
    result = subprocess.run(
        [str(command), "validate", str(folder)], capture_output=True, text=True,
        env={**os.environ}, check=False,
    )
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert all(FINDING_LINE.match(line) for line in lines[:-1]), lines
    assert lines[-1] == "Validation: 1 error, 1 warning."
    assert "Traceback" not in result.stderr
