"""The DAGs, run by Airflow itself (``dag.test()``) against a throwaway metadata database."""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from conftest import AUTHORITY, GOOD_MONTH, write_month
from workforce.warehouse import loaded_months, make_engine

PROJECT = Path(__file__).resolve().parents[1]
DAGS = PROJECT / "dags"


@pytest.fixture(scope="module")
def airflow_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated Airflow metadata DB; Airflow reads its settings when first imported."""
    if "airflow" in sys.modules:
        pytest.fail("airflow was imported before its test settings were made")
    home = tmp_path_factory.mktemp("airflow-home")
    env = {
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS),
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(PROJECT / "plugins"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__UNIT_TEST_MODE": "False",
    }
    with pytest.MonkeyPatch.context() as patch:
        for key, value in env.items():
            patch.setenv(key, value)
        subprocess.run(
            [str(Path(sys.executable).with_name("airflow")), "db", "migrate"],
            check=True, capture_output=True,
        )
        yield home


@pytest.fixture(scope="module")
def dagbag(airflow_home: Path):
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(DAGS))


def test_every_dag_imports_cleanly_with_owner_tags_and_retries(dagbag) -> None:
    assert dagbag.import_errors == {}
    assert "workforce_monthly" in dagbag.dags
    for dag in dagbag.dags.values():
        assert dag.tags, dag.dag_id
        for task in dag.tasks:
            assert task.owner == "workforce-data-team", (dag.dag_id, task.task_id)
            assert task.retries is not None


def test_dag_files_parse_in_under_a_second(airflow_home: Path) -> None:
    """No database, network or domain work at parse time: with Airflow already imported,
    running a DAG file takes well under a second."""
    timer = (
        "import runpy, sys, time; import airflow.sdk; started = time.perf_counter(); "
        "runpy.run_path(sys.argv[1]); print(time.perf_counter() - started)"
    )
    for dag_file in DAGS.glob("*.py"):
        result = subprocess.run([sys.executable, "-c", timer, str(dag_file)],
                                check=True, capture_output=True, text=True)
        assert float(result.stdout.strip().splitlines()[-1]) < 1.0, dag_file.name


def run_monthly(dagbag, logical_date: dt.datetime, **conf):
    dag = dagbag.get_dag("workforce_monthly")
    return dag.test(logical_date=logical_date, run_conf=conf or None)


def test_monthly_run_loads_the_month_before_its_logical_date(
    dagbag, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    landing = tmp_path / "landing"
    write_month(landing)
    monkeypatch.setenv("WORKFORCE_LANDING_ROOT", str(landing))
    monkeypatch.setenv("WORKFORCE_OUTPUT_ROOT", str(tmp_path / "output"))

    run = run_monthly(dagbag, dt.datetime(2025, 4, 5, 6, tzinfo=dt.UTC))

    assert run.state == "success"
    (month,) = loaded_months(make_engine())
    assert (month.authority_code, month.period) == (AUTHORITY, "2025-03")
    first = kpi_rows()
    # E001 (1.0) and E003 (0.5) are in post; E002 left on 21 March.
    assert ("council", AUTHORITY, "sw_fte", 1.5) in {r[:4] for r in first}

    folder = tmp_path / "output" / AUTHORITY / "2025-03"
    assert sorted(p.name for p in folder.iterdir()) == [
        "TST_cabinet_2025-03.html", "TST_cabinet_2025-03.pdf",
        "TST_monitoring-visit_2025-03.html", "TST_monitoring-visit_2025-03.pdf", "manifest.json"]
    manifest = json.loads((folder / "manifest.json").read_text())
    assert len(manifest["reports"]) == 4 and len(manifest["extracts"]) == 4
    assert manifest["reports"][1]["sha256"] == hashlib.sha256(
        (folder / manifest["reports"][1]["file"]).read_bytes()).hexdigest()

    # A rerun of the same month gives identical KPI rows.
    rerun = run_monthly(dagbag, dt.datetime(2025, 4, 5, 7, tzinfo=dt.UTC), period="2025-03")
    assert rerun.state == "success"
    assert kpi_rows() == first


def kpi_rows() -> list[tuple]:
    with make_engine().connect() as connection:
        return connection.execute(text(
            "SELECT scope_type, scope_code, kpi, value, numerator, denominator, load_id "
            "FROM kpi_value ORDER BY scope_type, scope_code, kpi"
        )).all()


def test_a_broken_extract_fails_validation_and_leaves_the_warehouse_unchanged(
    dagbag, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    landing = tmp_path / "landing"
    write_month(landing)
    monkeypatch.setenv("WORKFORCE_LANDING_ROOT", str(landing))
    assert run_monthly(dagbag, dt.datetime(2025, 4, 5, 6, tzinfo=dt.UTC)).state == "success"
    engine = make_engine()
    with engine.connect() as connection:
        before = connection.execute(text("SELECT * FROM hr_staff ORDER BY post_id")).all()

    broken = copy.deepcopy(GOOD_MONTH)
    broken["hr_staff"][0]["fte"] = "1.5"
    write_month(landing, broken)
    run = run_monthly(dagbag, dt.datetime(2025, 4, 6, 6, tzinfo=dt.UTC),
                      period="2025-03", authority=AUTHORITY)

    assert run.state == "failed"
    states = {ti.task_id: ti.state for ti in run.get_task_instances()}
    assert states["wait_for_extracts"] == "success"
    assert states["validate"] == "failed"
    assert states["load"] != "success"
    with engine.connect() as connection:
        after = connection.execute(text("SELECT * FROM hr_staff ORDER BY post_id")).all()
    assert after == before
