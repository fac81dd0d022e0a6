"""Which authorities a monthly run covers, and what it waits for."""

from __future__ import annotations

from pathlib import Path

from conftest import AUTHORITY, PERIOD, write_month
from workforce.pipeline import authorities_to_run, missing_extracts


def test_missing_extracts_names_what_has_not_landed(tmp_path: Path) -> None:
    assert missing_extracts(tmp_path, AUTHORITY, PERIOD) == [
        "hr_staff", "establishment", "agency_spend", "caseloads"]
    folder = write_month(tmp_path)
    (folder / "caseloads.csv").unlink()
    assert missing_extracts(tmp_path, AUTHORITY, PERIOD) == ["caseloads"]


def test_a_run_covers_configured_and_landed_authorities(tmp_path: Path, monkeypatch) -> None:
    config = tmp_path / "config"
    config.mkdir()
    (config / "ABC.yaml").write_text("name: A\n")
    monkeypatch.setenv("WORKFORCE_CONFIG_DIR", str(config))
    write_month(tmp_path / "landing")
    # ABC is configured (its files may still be on their way); TST has landed without
    # settings and runs on the defaults.
    assert authorities_to_run(tmp_path / "landing", PERIOD) == ["ABC", AUTHORITY]
    assert authorities_to_run(tmp_path / "landing", PERIOD, "ABC") == ["ABC"]
