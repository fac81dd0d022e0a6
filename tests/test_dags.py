"""The DAGs, run by Airflow itself (``dag.test()``) against a throwaway metadata database."""

from __future__ import annotations

import copy
import datetime as dt
import email
import hashlib
import importlib
import json
import logging
import socket
import socketserver
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType, SimpleNamespace

import pytest
from sqlalchemy import make_url, select, text

from conftest import AUTHORITY, GOOD_MONTH, PERIOD, write_month
from workforce.kpis import compute_month
from workforce.pipeline import load_authority_month
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
    # As the DAG processor and workers parse them: the DAG folder on sys.path, so the DAG
    # files import their shared module.
    from airflow.dag_processing.dagbag import BundleDagBag

    return BundleDagBag(dag_folder=str(DAGS), bundle_path=DAGS)


def parsed_with_a_short_wait(monkeypatch: pytest.MonkeyPatch, dag_file: str, waiting_for: str):
    """``dag_file`` parsed with a three-second wait re-checked every half second (a DAG reads
    ``WORKFORCE_<waiting_for>_WAIT_HOURS`` and ``..._POKE_MINUTES`` at parse time), so a run
    gives up quickly."""
    from airflow.dag_processing.dagbag import BundleDagBag

    monkeypatch.setenv(f"WORKFORCE_{waiting_for}_WAIT_HOURS", str(3 / 3600))
    monkeypatch.setenv(f"WORKFORCE_{waiting_for}_POKE_MINUTES", str(0.5 / 60))
    return BundleDagBag(dag_folder=str(DAGS / dag_file), bundle_path=DAGS)


@pytest.fixture(scope="module")
def common(dagbag) -> ModuleType:
    """The DAGs' shared module, imported by name as the DAG files import it."""
    return importlib.import_module("workforce_dag_common")


def test_every_dag_imports_cleanly_with_owner_tags_retries_and_alerts(dagbag, common) -> None:
    assert dagbag.import_errors == {}
    assert set(dagbag.dags) == {"workforce_monthly", "monitoring_visit_pack",
                                "partnership_report"}
    # .airflowignore: the shared module is imported by the DAG files, not parsed as one.
    assert {Path(f).name for f in dagbag.file_last_changed} == {
        "workforce_monthly.py", "monitoring_visit_pack.py", "partnership_report.py"}
    for dag in dagbag.dags.values():
        assert dag.tags, dag.dag_id
        for task in dag.tasks:
            assert task.owner == "workforce-data-team", (dag.dag_id, task.task_id)
            assert task.retries is not None
            callbacks = task.on_failure_callback
            assert common.notify_failure in (
                callbacks if isinstance(callbacks, list) else [callbacks]), task.task_id


def test_dag_files_parse_in_under_a_second(airflow_home: Path) -> None:
    """No database, network or domain work at parse time: with Airflow already imported,
    running a DAG file takes well under a second."""
    timer = (
        "import runpy, sys, time; import airflow.sdk; sys.path.append(sys.argv[2]); "
        "started = time.perf_counter(); runpy.run_path(sys.argv[1]); "
        "print(time.perf_counter() - started)"
    )
    for dag_file in DAGS.glob("*.py"):
        result = subprocess.run([sys.executable, "-c", timer, str(dag_file), str(DAGS)],
                                check=True, capture_output=True, text=True)
        assert float(result.stdout.strip().splitlines()[-1]) < 1.0, dag_file.name


def run_monthly(dagbag, logical_date: dt.datetime, mark_success: str | None = None, **conf):
    """One run of workforce_monthly; ``mark_success`` names tasks to mark done unrun."""
    dag = dagbag.get_dag("workforce_monthly")
    return dag.test(logical_date=logical_date, run_conf=conf or None,
                    mark_success_pattern=mark_success)


def task_states(run) -> dict[str, str]:
    return {ti.task_id: ti.state for ti in run.get_task_instances()}


def kpi_asset_events(common: ModuleType, run) -> list[dict]:
    """The extras of the KPI asset's events that ``run`` emitted."""
    from airflow.models.asset import AssetEvent, AssetModel
    from airflow.utils.session import create_session

    with create_session() as session:
        return list(session.scalars(
            select(AssetEvent.extra).join(AssetModel, AssetEvent.asset_id == AssetModel.id)
            .where(AssetModel.uri == common.KPI_ASSET.uri,
                   AssetEvent.source_run_id == run.run_id)))


def test_compute_kpis_announces_the_kpi_asset(dagbag, common) -> None:
    monthly = dagbag.get_dag("workforce_monthly")
    assert monthly.get_task("compute_kpis").outlets == [common.KPI_ASSET]
    assert common.KPI_ASSET.uri == "workforce://warehouse/kpi_value"
    assert [t.task_id for t in monthly.tasks if t.outlets] == ["compute_kpis"]


def test_monthly_run_loads_the_month_before_its_logical_date(
    dagbag, common, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
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
    assert kpi_asset_events(common, run) == [{"authority": AUTHORITY, "period": "2025-03"}]

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


def test_a_run_with_reports_off_stores_the_kpis_and_renders_nothing(
    dagbag, common, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a backfill of past months runs (README): everything but the two reports."""
    monthly = dagbag.get_dag("workforce_monthly")
    assert monthly.params["reports"] is True  # a scheduled run renders them
    assert monthly.max_active_runs == 1  # months in order
    landing = tmp_path / "landing"
    write_month(landing)
    monkeypatch.setenv("WORKFORCE_LANDING_ROOT", str(landing))
    monkeypatch.setenv("WORKFORCE_OUTPUT_ROOT", str(tmp_path / "output"))

    run = run_monthly(dagbag, dt.datetime(2025, 4, 5, 6, tzinfo=dt.UTC), reports=False)

    assert run.state == "success"
    assert set(task_states(run).values()) == {"success"}
    (month,) = loaded_months(make_engine())
    assert (month.authority_code, month.period) == (AUTHORITY, "2025-03")
    assert ("council", AUTHORITY, "sw_fte", 1.5) in {r[:4] for r in kpi_rows()}
    assert kpi_asset_events(common, run) == [{"authority": AUTHORITY, "period": "2025-03"}]
    folder = tmp_path / "output" / AUTHORITY / "2025-03"
    assert sorted(p.name for p in folder.iterdir()) == ["manifest.json"]
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["reports_rendered"] is False and manifest["reports"] == []
    assert manifest["load_id"] == month.load_id and len(manifest["extracts"]) == 4

    # The same month again with reports (the latest month after a backfill): rendered and
    # listed; the load is unchanged. (Said explicitly: dag.test() keeps the last run's conf
    # in the shared DAG's params.)
    rerun = run_monthly(dagbag, dt.datetime(2025, 4, 5, 7, tzinfo=dt.UTC), period="2025-03",
                        reports=True)
    assert rerun.state == "success"
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["reports_rendered"] is True and manifest["load_id"] == month.load_id
    assert {r["file"] for r in manifest["reports"]} == {
        p.name for p in folder.iterdir() if p.suffix in (".pdf", ".html")}
    assert len(manifest["reports"]) == 4


def kpi_rows() -> list[tuple]:
    with make_engine().connect() as connection:
        return connection.execute(text(
            "SELECT scope_type, scope_code, kpi, value, numerator, denominator, load_id "
            "FROM kpi_value ORDER BY scope_type, scope_code, kpi"
        )).all()


def test_a_broken_extract_fails_validation_and_leaves_the_warehouse_unchanged(
    dagbag, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
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
    caplog.set_level(logging.INFO)
    run = run_monthly(dagbag, dt.datetime(2025, 4, 6, 6, tzinfo=dt.UTC),
                      period="2025-03", authority=AUTHORITY)

    assert run.state == "failed"
    states = task_states(run)
    assert states["wait_for_extracts"] == "success"
    # The validate task's log: the findings (file:row:column) first, then the failure.
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors[0].startswith(f"{AUTHORITY} 2025-03: extracts rejected (1 error")
    assert errors[0].splitlines()[1] == (
        f"{landing / AUTHORITY / '2025-03' / 'hr_staff.csv'}:2:fte: error: expected a value "
        "in (0, 1]; found '1.5'")
    assert errors[1].endswith(
        "task validate[0], period 2025-03, authority TST: AirflowFailException: TST 2025-03: "
        "extracts rejected (1 error, 0 warnings); the findings are in the log above")
    assert states["validate"] == "failed"
    assert states["load"] != "success"
    with engine.connect() as connection:
        after = connection.execute(text("SELECT * FROM hr_staff ORDER BY post_id")).all()
    assert after == before



def test_a_run_on_an_out_of_date_warehouse_stops_at_its_first_task_saying_what_to_run(
    dagbag, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from workforce.warehouse import upgrade_warehouse
    from workforce.warehouse.revisions import head_revision

    landing = tmp_path / "landing"
    write_month(landing)
    monkeypatch.setenv("WORKFORCE_LANDING_ROOT", str(landing))
    engine = make_engine()
    upgrade_warehouse(engine, "0001")
    caplog.set_level(logging.ERROR)

    run = run_monthly(dagbag, dt.datetime(2025, 4, 5, 6, tzinfo=dt.UTC), authority=AUTHORITY,
                      reports=False)

    assert run.state == "failed"
    assert task_states(run)["plan"] == "failed"
    assert {s for t, s in task_states(run).items() if t != "plan"} == {"upstream_failed"}
    (line,) = failure_lines(caplog)
    assert line.endswith(f"AirflowFailException: warehouse {engine.url} at revision 0001, this "
                         f"code needs {head_revision()}: run `workforce db upgrade`")
    assert loaded_months(engine) == []


def test_a_load_with_another_pseudonym_key_fails_without_retrying(
    dagbag, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    landing = tmp_path / "landing"
    write_month(landing)
    monkeypatch.setenv("WORKFORCE_LANDING_ROOT", str(landing))
    first = run_monthly(dagbag, dt.datetime(2025, 4, 5, 6, tzinfo=dt.UTC), reports=False)
    assert first.state == "success"
    before = kpi_rows()

    monkeypatch.setenv("WORKFORCE_PSEUDONYM_KEY", "a-key-set-by-mistake")
    caplog.set_level(logging.ERROR)
    run = run_monthly(dagbag, dt.datetime(2025, 4, 6, 6, tzinfo=dt.UTC), period="2025-03",
                      authority=AUTHORITY, reports=False)

    assert run.state == "failed" and task_states(run)["load"] == "failed"
    (line,) = failure_lines(caplog)
    assert "task load[0]" in line and "AirflowFailException: TST: the pseudonym key" in line
    assert "workforce rotate-key --authority TST" in line
    assert kpi_rows() == before


def test_the_sensor_waits_naming_the_missing_extract_until_it_lands(
    airflow_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    short_wait = parsed_with_a_short_wait(monkeypatch, "workforce_monthly.py", "EXTRACT")
    landing = tmp_path / "landing"
    write_month(landing, {k: rows for k, rows in GOOD_MONTH.items() if k != "caseloads"})
    monkeypatch.setenv("WORKFORCE_LANDING_ROOT", str(landing))
    caplog.set_level(logging.WARNING)

    run = run_monthly(short_wait, dt.datetime(2025, 4, 5, 6, tzinfo=dt.UTC))

    assert run.state == "failed"
    states = task_states(run)
    assert states["wait_for_extracts"] == "failed"
    assert states["validate"] == states["load"] == "upstream_failed"
    waiting = [r.getMessage() for r in caplog.records if "still waiting" in r.getMessage()]
    assert len(waiting) >= 2, "the sensor should have checked again before giving up"
    assert set(waiting) == {
        f"{AUTHORITY} 2025-03: still waiting for caseloads in {landing / AUTHORITY / '2025-03'}"}
    assert loaded_months(make_engine()) == []

    # The file lands: the next run's first check finds all four and the month loads.
    write_month(landing, {"caseloads": GOOD_MONTH["caseloads"]})
    caplog.clear()
    rerun = run_monthly(short_wait, dt.datetime(2025, 4, 5, 7, tzinfo=dt.UTC),
                        mark_success="render_reports|publish")

    assert rerun.state == "success"
    assert task_states(rerun)["wait_for_extracts"] == "success"
    assert not [r for r in caplog.records if "still waiting" in r.getMessage()]
    (month,) = loaded_months(make_engine())
    assert (month.authority_code, month.period) == (AUTHORITY, "2025-03")


# --- monitoring_visit_pack ------------------------------------------------------------------


def run_pack(dagbag, **conf):
    return dagbag.get_dag("monitoring_visit_pack").test(run_conf=conf)


def pack_params(dagbag, **conf) -> dict:
    """The params a trigger with ``conf`` would run with (ParamValidationError if refused)."""
    params = copy.deepcopy(dagbag.get_dag("monitoring_visit_pack").params)
    params.update(conf)
    return params.validate()


def test_the_pack_takes_a_snapshot_date_and_an_authority_both_checked(dagbag) -> None:
    from airflow.sdk.exceptions import ParamValidationError

    dag = dagbag.get_dag("monitoring_visit_pack")
    assert dag.timetable.can_be_scheduled is False  # by hand only
    assert pack_params(dagbag, snapshot_date="2025-03-14", authority="NWT") == {
        "snapshot_date": "2025-03-14", "authority": "NWT"}
    for conf in [{"snapshot_date": "14/03/2025", "authority": "NWT"},
                 {"snapshot_date": "2025-02-30", "authority": "NWT"},
                 {"snapshot_date": "2025-03-14", "authority": "N W"},
                 {"snapshot_date": "2025-03-14", "authority": ""},
                 {"snapshot_date": "2025-03-14"},
                 {"authority": "NWT"}]:
        with pytest.raises(ParamValidationError):
            pack_params(dagbag, **conf)


def failure_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "workforce_dag_common"]


def test_the_pack_fails_saying_the_month_is_not_in_the_warehouse(
    dagbag, landing: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR)
    run = run_pack(dagbag, snapshot_date="2025-03-14", authority=AUTHORITY)

    assert run.state == "failed"
    assert task_states(run) == {"render_pack": "failed", "publish": "upstream_failed"}
    advice = ('Run workforce_monthly for that month first (conf {"period": "2025-03", '
              '"authority": "TST"}).')
    (line,) = failure_lines(caplog)
    assert line.endswith(f"period 2025-03, authority TST: AirflowFailException: No "
                         f"monitoring-visit pack for TST 2025-03: TST 2025-03 is not loaded "
                         f"in the warehouse. {advice}")

    # Loaded but its KPIs never computed: the same advice, saying what is missing.
    load_authority_month(landing, AUTHORITY, PERIOD, make_engine())
    caplog.clear()
    run = run_pack(dagbag, snapshot_date="2025-03-31", authority=AUTHORITY)
    assert run.state == "failed"
    (line,) = failure_lines(caplog)
    assert "TST 2025-03 has no KPI results" in line and line.endswith(advice)


def test_the_pack_is_rendered_from_the_warehouse_into_the_archive(
    dagbag, landing: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The warehouse the workforce_warehouse connection names (WORKFORCE_WAREHOUSE_URL names
    # an empty one): the tasks must take the connection.
    url = f"sqlite:///{tmp_path / 'connected-warehouse.db'}"
    monkeypatch.setenv("AIRFLOW_CONN_WORKFORCE_WAREHOUSE", url)
    engine = make_engine(url)
    load_authority_month(landing, AUTHORITY, PERIOD, engine)
    compute_month(engine, AUTHORITY, PERIOD)
    # Nothing is read from the landing folder: the pack comes from the warehouse alone.
    for extract in (landing / AUTHORITY / str(PERIOD)).iterdir():
        extract.unlink()

    run = run_pack(dagbag, snapshot_date="2025-03-01", authority=AUTHORITY)

    assert run.state == "success"
    folder = tmp_path / "output" / AUTHORITY / "2025-03"
    assert sorted(p.name for p in folder.iterdir()) == [
        "TST_monitoring-visit_2025-03.html", "TST_monitoring-visit_2025-03.pdf",
        "manifest.json"]
    manifest = json.loads((folder / "manifest.json").read_text())
    assert {r["file"]: r["sha256"] for r in manifest["reports"]} == {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.glob("TST_*")}


# --- the failure alert ----------------------------------------------------------------------

FAILED_RUN = "scheduled__2025-04-05T06:00:00+00:00"
FAILURE_LINE = (f"workforce_monthly failed: run {FAILED_RUN}, task validate[0], period 2025-03, "
                "authority NWT: AirflowFailException: NWT 2025-03: extracts rejected (1 error, "
                "0 warnings); the findings are in the log above")


def failed_task_context() -> dict:
    """What Airflow gives a failure callback, as far as the alert reads it."""
    from airflow.sdk.exceptions import AirflowFailException

    return {
        "ti": SimpleNamespace(dag_id="workforce_monthly", run_id=FAILED_RUN,
                              task_id="validate", map_index=0),
        "task": SimpleNamespace(op_kwargs={"authority": "NWT"}),
        "params": {"period": None, "authority": None},
        "logical_date": dt.datetime(2025, 4, 5, 6, tzinfo=dt.UTC),
        "exception": AirflowFailException(
            "NWT 2025-03: extracts rejected (1 error, 0 warnings); the findings are in the "
            "log above\nsecond line"),
    }


class _SmtpSession(socketserver.StreamRequestHandler):
    """Just enough SMTP for smtplib: every command accepted, each message kept."""

    def handle(self) -> None:
        self.wfile.write(b"220 localhost test mail server\r\n")
        sender, recipients = "", []
        for line in self.rfile:
            verb = line[:4].upper()
            if verb == b"MAIL":
                sender = line.decode().split(":", 1)[1].strip().strip("<>")
            elif verb == b"RCPT":
                recipients.append(line.decode().split(":", 1)[1].strip().strip("<>"))
            elif verb == b"DATA":
                self.wfile.write(b"354 end with a line holding a full stop\r\n")
                data = b"".join(iter(self.rfile.readline, b".\r\n")).decode()
                self.server.messages.append((sender, recipients, data))  # type: ignore[attr-defined]
            elif verb == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            self.wfile.write(b"250 OK\r\n")


@pytest.fixture
def mail_server() -> Iterator[socketserver.ThreadingTCPServer]:
    with socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SmtpSession) as server:
        server.messages = []  # type: ignore[attr-defined]
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        yield server
        server.shutdown()


def smtp_connection(port: int) -> str:
    """The SMTP connection (smtp_default) as Airflow reads it from AIRFLOW_CONN_SMTP_DEFAULT."""
    return json.dumps({"conn_type": "smtp", "host": "127.0.0.1", "port": port,
                       "extra": {"disable_ssl": True, "disable_tls": True, "timeout": 5,
                                 "retry_limit": 0, "from_email": "airflow@example.org"}})


def test_a_failure_with_no_recipient_set_is_one_log_line(
    common, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AIRFLOW_VAR_WORKFORCE_ALERT_EMAIL", raising=False)
    caplog.set_level(logging.DEBUG, logger="workforce_dag_common")
    common.notify_failure(failed_task_context())
    assert [(r.levelname, r.getMessage(), r.exc_info) for r in caplog.records
            if r.name == "workforce_dag_common"] == [("ERROR", FAILURE_LINE, None)]


def test_a_failure_is_emailed_to_the_recipient_set(
    common, mail_server, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AIRFLOW_VAR_WORKFORCE_ALERT_EMAIL", "workforce-team@example.org")
    monkeypatch.setenv("AIRFLOW_CONN_SMTP_DEFAULT", smtp_connection(mail_server.server_address[1]))
    caplog.set_level(logging.INFO, logger="workforce_dag_common")
    common.notify_failure(failed_task_context())

    ((sender, recipients, data),) = mail_server.messages
    assert (sender, recipients) == ("airflow@example.org", ["workforce-team@example.org"])
    message = email.message_from_string(data)
    assert message["Subject"] == "[workforce] workforce_monthly failed at validate"
    (body,) = message.get_payload()
    assert body.get_payload(decode=True).decode() == f"<p>{FAILURE_LINE}</p>"
    assert failure_lines(caplog) == [FAILURE_LINE]


def test_an_unreachable_mail_server_is_one_warning_not_a_second_failure(
    common, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as closed:  # a port nothing listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    monkeypatch.setenv("AIRFLOW_VAR_WORKFORCE_ALERT_EMAIL", "workforce-team@example.org")
    monkeypatch.setenv("AIRFLOW_CONN_SMTP_DEFAULT", smtp_connection(port))
    caplog.set_level(logging.INFO, logger="workforce_dag_common")
    common.notify_failure(failed_task_context())

    records = [r for r in caplog.records if r.name == "workforce_dag_common"]
    assert [(r.levelname, r.exc_info) for r in records] == [("ERROR", None), ("WARNING", None)]
    assert records[0].getMessage() == FAILURE_LINE
    assert records[1].getMessage().startswith(
        "Could not email the failure to workforce-team@example.org: ")


# --- the warehouse connection ---------------------------------------------------------------


def test_tasks_use_the_warehouse_connection_when_there_is_one(
    common, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = tmp_path / "from-connection" / "warehouse.db"
    # Airflow's URI form of an absolute SQLite path: four slashes, as SQLAlchemy's.
    monkeypatch.setenv("AIRFLOW_CONN_WORKFORCE_WAREHOUSE", f"sqlite:///{database}")
    assert common.warehouse_url() == f"sqlite:///{database}"
    engine = common.warehouse_engine()
    assert engine.url.database == str(database)
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))
    assert database.exists()


def test_without_the_connection_tasks_use_the_environment(
    common, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AIRFLOW_CONN_WORKFORCE_WAREHOUSE", raising=False)
    assert common.warehouse_url() is None
    assert common.warehouse_engine().url.database == str(tmp_path / "warehouse.db")


@pytest.mark.parametrize(("uri", "expected"), [
    # What docker-compose's airflow-init stores (--conn-uri WORKFORCE_WAREHOUSE_URL), with a
    # password needing quoting.
    ("postgresql+psycopg://workforce:p%40ss%2Fw@postgres:5432/warehouse",
     "postgresql+psycopg://workforce:p%40ss%2Fw@postgres:5432/warehouse"),
    # Airflow stores postgresql:// as "postgres", which SQLAlchemy does not know.
    ("postgresql://workforce@db.example/warehouse?options=-csearch_path%3Dwf",
     "postgresql+psycopg://workforce@db.example/warehouse?options=-csearch_path%3Dwf"),
    ("sqlite:////var/lib/workforce/warehouse.db", "sqlite:////var/lib/workforce/warehouse.db"),
    ("sqlite:///relative/warehouse.db", "sqlite:///relative/warehouse.db"),
])
def test_a_connection_becomes_the_sqlalchemy_url_it_was_made_from(
    common, uri: str, expected: str
) -> None:
    from airflow.sdk import Connection

    url = common.sqlalchemy_url(Connection(conn_id="workforce_warehouse", uri=uri))
    assert url == expected
    assert make_url(url).password == make_url(expected).password


# --- the local Airflow's settings -------------------------------------------------------------


def test_only_the_processes_that_fork_tasks_preload_the_workforce_modules() -> None:
    """scripts/airflow_local_settings.py: imported by every Airflow process on the path."""
    sys.path.insert(0, str(PROJECT / "scripts"))
    try:
        settings = importlib.import_module("airflow_local_settings")
    finally:
        sys.path.remove(str(PROJECT / "scripts"))
    airflow = "/venv/bin/airflow"
    assert settings.starts_tasks([airflow, "scheduler"])
    assert settings.starts_tasks([airflow, "celery", "worker", "--queues", "default"])
    for command in (["api-server"], ["dag-processor"], ["dags", "test", "workforce_monthly"],
                    ["backfill", "create"], ["celery", "flower"], []):
        assert not settings.starts_tasks([airflow, *command]), command
    assert settings.preload([airflow, "dags", "list"]) == []
    preloaded = settings.preload([airflow, "scheduler"])
    assert "workforce.pipeline" in preloaded and all(m in sys.modules for m in preloaded)
    assert "workforce.reports.build" not in preloaded


# ---- partnership_report ------------------------------------------------------------------


def partnership_settings(config: Path) -> None:
    """Partnership TP of the test council and a second one, TS2."""
    config.mkdir(parents=True, exist_ok=True)
    (config / f"{AUTHORITY}.yaml").write_text("name: Test Council\n")
    (config / "TS2.yaml").write_text("name: Second Test Council\n")
    (config / "partnerships.yaml").write_text(
        f"TP:\n  name: Test Partnership\n  members: [{AUTHORITY}, TS2]\n"
        "  agency_rate_caps_gbp: {social_worker: 45.00}\n")


def test_the_partnership_report_is_scheduled_on_the_kpi_asset(dagbag, common) -> None:
    dag = dagbag.get_dag("partnership_report")
    # Triggered by the asset alone, no clock.
    assert list(dag.timetable.asset_condition.objects) == [common.KPI_ASSET]
    assert type(dag.timetable).__name__ == "AssetTriggeredTimetable"


def test_the_partnership_report_is_published_when_every_member_is_in(
    dagbag, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    landing = tmp_path / "landing"
    partnership_settings(tmp_path / "config")
    engine = make_engine()
    for code in (AUTHORITY, "TS2"):
        write_month(landing, authority=code)
        load_authority_month(landing, code, PERIOD, engine)
        compute_month(engine, code, PERIOD)

    run = dagbag.get_dag("partnership_report").test(
        run_conf={"partnership": "TP", "period": "2025-03"})

    assert run.state == "success"
    folder = tmp_path / "output" / "partnerships" / "TP" / "2025-03"
    assert sorted(p.name for p in folder.iterdir()) == [
        "TP_partnership_2025-03.html", "TP_partnership_2025-03.pdf", "manifest.json"]
    manifest = json.loads((folder / "manifest.json").read_text())
    assert [m["authority"] for m in manifest["members"]] == [AUTHORITY, "TS2"]


def test_the_partnership_report_waits_for_a_member_then_fails_naming_it(
    airflow_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    short_wait = parsed_with_a_short_wait(monkeypatch, "partnership_report.py", "PARTNERSHIP")
    partnership_settings(tmp_path / "config")
    landing = tmp_path / "landing"
    write_month(landing)
    engine = make_engine()
    load_authority_month(landing, AUTHORITY, PERIOD, engine)
    compute_month(engine, AUTHORITY, PERIOD)
    caplog.set_level(logging.WARNING)

    run = short_wait.get_dag("partnership_report").test(
        run_conf={"partnership": "TP", "period": "2025-03"})

    assert run.state == "failed"
    assert task_states(run) == {"plan": "success", "wait_for_members": "failed",
                                "publish": "upstream_failed"}
    messages = [r.getMessage() for r in caplog.records]
    waiting = [m for m in messages if "still waiting" in m]
    assert len(waiting) >= 2, "the sensor should have checked again before giving up"
    assert set(waiting) == {"TP 2025-03: still waiting for the KPIs of TS2"}
    assert any("TP 2025-03: no KPI results for TS2 after waiting" in m for m in messages)
    assert not (tmp_path / "output" / "partnerships").exists()
