"""A council's own exports, as they come, give the same warehouse and KPIs as canonical files.

The messy sample council (config/MSY.yaml) exports its months as its systems write them: an
HR report workbook with title rows and a footer, a semicolon-separated Windows-1252
establishment, the agency timesheets as Excel's UTF-16 "Unicode text", its own headers and
words for the codes, and resignations recorded with notice. The same records are written
once as canonical ``<kind>.csv`` files (no settings) and once as the council's exports (its
settings), each loaded month by month into its own warehouse: every fact and every KPI value,
at every scope, must come out the same.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
import yaml
from sqlalchemy import Engine

from workforce.config import PROJECT_ROOT, load_authority_config
from workforce.contracts import KINDS
from workforce.periods import Period
from workforce.sample import generate_authority, write_messy_variant

AUTHORITY = "MSY"
END = Period(2025, 3)
MONTHS = 13  # a year before the last months computed, for rolling measures and stability
POSTS, SEED = 75, 4  # a seed whose last months all hold a resignee serving their notice
COMPUTED = [END.shift(-2), END.shift(-1), END]
EXTRACT_SETTINGS = ("column_mapping", "value_mapping", "files")
KPI_COLUMNS = ["period", "scope_type", "scope_code", "kpi", "numerator", "denominator", "value"]


@dataclass
class Run:
    landing: Path
    config_dir: Path
    engine: Engine | None = None


@pytest.fixture(scope="module")
def records() -> dict[Period, dict[str, pd.DataFrame]]:
    return generate_authority(AUTHORITY, END, MONTHS, posts=POSTS, seed=SEED, notice=True)


@pytest.fixture(scope="module")
def runs(records, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Run]:
    """The records written both ways, each loaded into its own warehouse with its KPIs."""
    from workforce.kpis import compute_month
    from workforce.pipeline import load_authority_month
    from workforce.warehouse import make_engine

    root = tmp_path_factory.mktemp("council_exports")
    shipped = PROJECT_ROOT / "config" / f"{AUTHORITY}.yaml"
    runs = {style: Run(root / style / "landing", root / style / "config")
            for style in ("canonical", "messy")}
    for run in runs.values():
        run.config_dir.mkdir(parents=True)
    # The canonical run: the council's settings without anything about reading its files.
    settings = yaml.safe_load(shipped.read_text(encoding="utf-8"))
    plain = {key: value for key, value in settings.items() if key not in EXTRACT_SETTINGS}
    (runs["canonical"].config_dir / f"{AUTHORITY}.yaml").write_text(
        yaml.safe_dump(plain), encoding="utf-8")
    shutil.copy(shipped, runs["messy"].config_dir)

    for period, frames in records.items():
        folder = runs["canonical"].landing / AUTHORITY / str(period)
        folder.mkdir(parents=True)
        for kind, frame in frames.items():
            frame.to_csv(folder / f"{kind}.csv", index=False)
        write_messy_variant(frames, runs["messy"].landing / AUTHORITY / str(period), period,
                            load_authority_config(AUTHORITY, runs["messy"].config_dir))

    with pytest.MonkeyPatch.context() as env:
        env.setenv("WORKFORCE_PSEUDONYM_KEY", "test-key")
        for style, run in runs.items():
            env.setenv("WORKFORCE_CONFIG_DIR", str(run.config_dir))
            run.engine = make_engine(f"sqlite:///{root / style / 'warehouse.db'}")
            for period in records:
                load_authority_month(run.landing, AUTHORITY, period, run.engine)
            for period in COMPUTED:
                compute_month(run.engine, AUTHORITY, period,
                              load_authority_config(AUTHORITY, run.config_dir))
    yield runs
    for run in runs.values():
        run.engine.dispose()


def _table(engine: Engine, name: str, drop: list[str], order: list[str] | None = None
           ) -> pd.DataFrame:
    frame = pd.read_sql(f"SELECT * FROM {name}", engine).drop(columns=drop)
    return frame.sort_values(order or list(frame.columns)).reset_index(drop=True)


def test_the_records_have_resignees_serving_their_notice(records) -> None:
    for period in COMPUTED:
        hr = records[period]["hr_staff"]
        notice = hr[hr["leave_date"] > period.end.isoformat()]
        assert len(notice) >= 1, period
        assert (notice["leaving_reason"] == "resignation").all()
    assert 60 <= len(records[END]["establishment"]) <= 80


def test_the_messy_month_is_the_councils_exports(runs) -> None:
    folder = runs["messy"].landing / AUTHORITY / str(END)
    assert sorted(p.name for p in folder.iterdir()) == [
        "Agency Timesheets Mar 2025.txt", "Caseloads Mar 2025.csv",
        "Establishment Mar 2025.csv", "HR Staff Report Mar 2025.xlsx",
    ]


def test_the_councils_exports_load_the_same_facts(runs) -> None:
    for kind in KINDS:
        canonical, messy = (_table(run.engine, kind, ["load_id", "source_row"])
                            for run in runs.values())
        assert len(canonical) > 0, kind
        pd.testing.assert_frame_equal(messy, canonical, obj=kind)


def test_the_councils_exports_give_the_same_kpis_at_every_scope(runs) -> None:
    canonical, messy = (_table(run.engine, "kpi_value", [], KPI_COLUMNS[:4])[KPI_COLUMNS]
                        for run in runs.values())
    assert sorted(canonical["period"].unique()) == [str(p) for p in COMPUTED]
    assert {"council", "team"} <= set(canonical["scope_type"])
    assert len(canonical) > 100
    pd.testing.assert_frame_equal(messy, canonical)


def test_the_councils_month_validates_with_its_settings(
    runs, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from workforce.cli import main

    monkeypatch.setenv("WORKFORCE_CONFIG_DIR", str(runs["messy"].config_dir))
    folder = runs["messy"].landing / AUTHORITY / str(END)
    status = main(["validate", str(folder), "--authority", AUTHORITY])
    out = capsys.readouterr().out
    assert status == 0, out
    lines = out.splitlines()
    assert lines[-1].startswith("Validation: 0 errors"), out
    # What is left to say: the resignees serving their notice, and the footer row skipped.
    notes = [line for line in lines[:-1] if line.strip()]
    assert not [line for line in notes if ": error:" in line], out
    expected = ("notice", "footer", "total records")
    assert all(any(word in line.casefold() for word in expected) for line in notes), out
    assert any("notice" in line for line in notes), out
