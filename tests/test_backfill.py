"""A real Airflow backfill: the services as separate processes, a fresh PostgreSQL metadata
database (dropped after), ``airflow backfill create`` as an operator would type it.

Not ``dag.test()``: the DAG processor parses the DAG, the backfill command creates the runs,
the scheduler queues them, and every task runs in its own process, talking to the API
server's execution API with a token signed with the configured JWT secret.

Two set-ups:

- ``local``: LocalExecutor and the default auth manager (as ``make airflow`` runs it), a
  SQLite warehouse; three months, January to March 2025, one run at a time.
- ``compose``: what docker-compose.yml configures, without containers: its executor
  (Celery, a worker and the Redis broker) and auth manager, its airflow-init script run as
  written, every service it starts, a PostgreSQL warehouse, and its healthchecks run against
  the services; one month. Runs when WORKFORCE_TEST_CELERY is set (make test-celery, CI);
  skipped when the Celery provider is not installed, or Redis is not there (unless
  WORKFORCE_TEST_REQUIRE_REDIS is set).
"""

from __future__ import annotations

import contextlib
import json
import os
import shlex
import shutil
import socket
import sys
import time
import uuid
from collections.abc import Iterator
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

import pytest
import yaml
from sqlalchemy import create_engine, make_url
from sqlalchemy.pool import NullPool

from conftest import POSTGRES_URL
from workforce.periods import Period
from workforce.sample import write_sample

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT / "scripts"))
from airflow_services import (  # noqa: E402  (scripts/ is not a package)
    DAG_ID,
    Airflow,
    AirflowError,
    local_env,
    postgres_databases,
    postgres_server_error,
    query,
    service_ports,
    wait_for_backfill,
)

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

COMPOSE = yaml.safe_load((PROJECT / "docker-compose.yml").read_text(encoding="utf-8"))
REDIS_URL = os.environ.get("WORKFORCE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")

AUTHORITY = "NWT"
LANDED = ["2025-01", "2025-02", "2025-03"]
# The DAG runs at 06:00 on the 5th and reports the month before. The bounds are inclusive
# and a bare date is midnight, so 2025-02-01..2025-04-30 holds exactly the runs of
# 5 February, 5 March and 5 April 2025, which report January to March ("--to-date
# 2025-04-05" would leave out the 06:00 run of that day).
BACKFILLS = {
    # variant: (from date, to date, the periods its runs report)
    "local": ("2025-02-01", "2025-04-30", ["2025-01", "2025-02", "2025-03"]),
    # The compose set-up proves the stack; one month keeps the test short.
    "compose": ("2025-04-01", "2025-04-30", ["2025-03"]),
}

SERVICE_TIMEOUT = 120
RUN_TIMEOUT = 360


# --- the metadata database, the processes ----------------------------------------------------


@pytest.fixture
def databases() -> Iterator:
    """Makes fresh, empty PostgreSQL databases (``new(prefix)`` gives a URL); drops them."""
    error = postgres_server_error(POSTGRES_URL)
    if error is not None:
        if os.environ.get("WORKFORCE_TEST_REQUIRE_POSTGRES"):
            raise error  # CI provides the server: a skip there would hide a broken set-up
        pytest.skip(
            f"PostgreSQL not reachable at {make_url(POSTGRES_URL).render_as_string()} "
            f"({type(error).__name__}): the real-scheduler backfill test needs it for "
            "Airflow's metadata database; start it or set WORKFORCE_TEST_POSTGRES_URL"
        )
    with postgres_databases(POSTGRES_URL) as new:
        yield new


def redis_reachable(url: str) -> bool:
    parsed = make_url(url)
    try:
        with socket.create_connection((parsed.host, parsed.port or 6379), timeout=2) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def redis_forget_queue(url: str, queue: str) -> None:
    """Delete the broker's keys for a test queue (kombu's bindings and the queue itself)."""
    parsed = make_url(url)
    keys = [queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}"]
    frames = b""
    for words in ([b"SELECT", (parsed.database or "0").encode()],
                  [b"DEL", *(k.encode() for k in keys)]):
        frames += b"*%d\r\n" % len(words) + b"".join(
            b"$%d\r\n%s\r\n" % (len(w), w) for w in words)
    with contextlib.suppress(OSError), socket.create_connection(
            (parsed.host, parsed.port or 6379), timeout=2) as sock:
        sock.sendall(frames)
        sock.recv(64)


def compose_variant_or_skip() -> None:
    # The Celery variant doubles the suite's longest test: run it when asked (make test-celery).
    if not os.environ.get("WORKFORCE_TEST_CELERY"):
        pytest.skip("the CeleryExecutor variant runs with WORKFORCE_TEST_CELERY=1")
    try:
        distribution("apache-airflow-providers-celery")
    except PackageNotFoundError:
        pytest.skip("docker-compose.yml runs the CeleryExecutor but the Celery provider is "
                    "not installed: add apache-airflow[celery] to pyproject.toml and re-lock")
    if not redis_reachable(REDIS_URL):
        message = f"Redis not reachable at {REDIS_URL} (set WORKFORCE_TEST_REDIS_URL)"
        if os.environ.get("WORKFORCE_TEST_REQUIRE_REDIS"):
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(params=["local", "compose"])
def airflow(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Airflow]:
    if request.param == "compose":
        compose_variant_or_skip()
    new_database = request.getfixturevalue("databases")
    home = tmp_path / "airflow-home"
    config = tmp_path / "config"
    home.mkdir()
    config.mkdir()
    # The sample council's real settings, and no other council (the DAG would wait for it).
    if (PROJECT / "config" / f"{AUTHORITY}.yaml").exists():
        shutil.copy(PROJECT / "config" / f"{AUTHORITY}.yaml", config)
    ports = service_ports()
    env = local_env(home, new_database("airflow_test"), landing=tmp_path / "landing",
                    output=tmp_path / "output",
                    warehouse_url=f"sqlite:///{tmp_path / 'warehouse.db'}", config_dir=config,
                    ports=ports)
    env["WORKFORCE_PSEUDONYM_KEY"] = "test-key"
    if request.param == "compose":
        compose_env = COMPOSE["x-airflow-common"]["environment"]
        env.update({
            "AIRFLOW__CORE__EXECUTOR": compose_env["AIRFLOW__CORE__EXECUTOR"],
            "AIRFLOW__CORE__AUTH_MANAGER": compose_env["AIRFLOW__CORE__AUTH_MANAGER"],
            "AIRFLOW__CELERY__BROKER_URL": REDIS_URL,
            # A queue of its own, so a test run elsewhere on the same Redis takes none of
            # this run's tasks. The result backend is left to default, as in compose.
            "AIRFLOW__OPERATORS__DEFAULT_QUEUE": f"workforce-test-{uuid.uuid4().hex[:8]}",
            "AIRFLOW__CELERY__WORKER_CONCURRENCY": "4",
            # The warehouse in PostgreSQL too, a database of its own.
            "WORKFORCE_WAREHOUSE_URL": new_database("warehouse_test"),
        })
    airflow = Airflow(env, home, ports, variant=request.param)
    try:
        yield airflow
    finally:
        airflow.stop()
        if request.param == "compose":
            redis_forget_queue(REDIS_URL, env["AIRFLOW__OPERATORS__DEFAULT_QUEUE"])


# --- the compose file, here --------------------------------------------------------------------


def compose_healthcheck(service: str, airflow: Airflow) -> str:
    """The service's healthcheck command in docker-compose.yml, as a shell command here."""
    kind, *words = COMPOSE["services"][service]["healthcheck"]["test"]
    command = words[0] if kind == "CMD-SHELL" else shlex.join(words)
    return (command.replace("$$", "$")
            .replace("localhost:8080/", f"127.0.0.1:{airflow.ports['api']}/")
            .replace("localhost:8974/", f"127.0.0.1:{airflow.ports['scheduler-health']}/"))


def compose_init_script() -> str:
    """airflow-init's script in docker-compose.yml, as the container's shell gets it."""
    flags, script = COMPOSE["services"]["airflow-init"]["command"]
    return f"set {flags.removesuffix('c')}\n{script.replace('$$', '$')}"


# --- the test --------------------------------------------------------------------------------


def test_backfill_through_the_scheduler(airflow: Airflow, tmp_path: Path) -> None:
    started = time.monotonic()
    from_date, to_date, periods = BACKFILLS[airflow.variant]
    # Each run is on the 5th of the month after the one it reports.
    logical_dates = [Period.parse(p).shift(1).start.replace(day=5).isoformat() for p in periods]
    write_sample(tmp_path / "landing", AUTHORITY, Period(2025, 3), 3, 60, 0, False)
    assert sorted(p.name for p in (tmp_path / "landing" / AUTHORITY).iterdir()) == LANDED
    metadata = create_engine(airflow.env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"],
                             poolclass=NullPool)

    compose = airflow.variant == "compose"
    if compose:
        # Migrate, create the admin user and the warehouse connection, as airflow-init does.
        airflow.shell(compose_init_script(), timeout=300,
                      env={"AIRFLOW_ADMIN_PASSWORD": uuid.uuid4().hex})
        connection = airflow.json("connections", "get", "workforce_warehouse")[0]
        assert connection["get_uri"] == airflow.env["WORKFORCE_WAREHOUSE_URL"]
        # `docker compose up` runs it at every start: a second run must succeed too.
        airflow.shell(compose_init_script(), timeout=300,
                      env={"AIRFLOW_ADMIN_PASSWORD": uuid.uuid4().hex})
    else:
        airflow.run("db", "migrate", timeout=300)
    migrated = time.monotonic()

    airflow.start_services()
    if compose:
        airflow.start("triggerer", "triggerer")
        airflow.start("celery-worker", "celery", "worker", "--queues",
                      airflow.env["AIRFLOW__OPERATORS__DEFAULT_QUEUE"],
                      "--celery-hostname", f"celery@{airflow.env['HOSTNAME']}")
    airflow.wait_until_ready(metadata, SERVICE_TIMEOUT)
    # The CLI confirms what the database said.
    assert DAG_ID in {d["dag_id"] for d in airflow.json("dags", "list")}
    parsed = time.monotonic()

    airflow.run("dags", "unpause", DAG_ID)
    # One month at a time, oldest first: a month's KPIs read the months before it. Locally,
    # as the README advises for history: the earlier months without reports, then the
    # latest month with them, a second backfill once the first has finished.
    backfills = [(from_date, to_date, {"reports": True})]
    if not compose:
        backfills = [(from_date, "2025-03-31", {"reports": False}),
                     ("2025-04-01", to_date, {"reports": True})]
    runs = 0
    for first, last, conf in backfills:
        airflow.run("backfill", "create", "--dag-id", DAG_ID, "--from-date", first,
                    "--to-date", last, "--max-active-runs", "1",
                    "--dag-run-conf", json.dumps({"authority": AUTHORITY, **conf}))
        runs += sum(first <= d <= last for d in logical_dates)
        try:
            wait_for_backfill(airflow, metadata, runs, RUN_TIMEOUT)
        except AirflowError as error:
            pytest.fail(str(error))
    done = time.monotonic()
    metadata.dispose()

    listed = airflow.json("dags", "list-runs", DAG_ID)
    assert sorted(r["logical_date"][:10] for r in listed) == logical_dates
    assert all(r["state"] == "success" for r in listed)
    assert all(r["run_id"].startswith("backfill__") for r in listed)

    warehouse = create_engine(airflow.env["WORKFORCE_WAREHOUSE_URL"], poolclass=NullPool)
    loaded = query(warehouse, "SELECT authority_code, period FROM load_batch ORDER BY period")
    kpis = dict(query(warehouse, "SELECT period, COUNT(*) FROM kpi_value "
                      "WHERE authority_code = :a GROUP BY period", a=AUTHORITY))
    assert loaded == [(AUTHORITY, p) for p in periods]
    assert sorted(kpis) == periods and all(kpis[p] > 0 for p in periods), kpis

    # Every month is published with its manifest; only the months run with reports on have
    # PDFs (and HTML copies), each listed in the manifest with its checksum.
    with_reports = periods[-1:]
    for period in periods:
        folder = tmp_path / "output" / AUTHORITY / period
        manifest = json.loads((folder / "manifest.json").read_text())
        assert manifest["load_id"] and len(manifest["extracts"]) == 4
        pdfs = sorted(folder.glob("*.pdf"))
        if period in with_reports:
            assert manifest["reports_rendered"] is True
            assert len(pdfs) == 2 and all(p.read_bytes()[:5] == b"%PDF-" for p in pdfs), pdfs
            assert {r["file"] for r in manifest["reports"]} >= {p.name for p in pdfs}
        else:
            assert manifest["reports_rendered"] is False
            assert manifest["reports"] == [] and pdfs == []

    # The compose file's healthchecks report these services healthy.
    running = {"airflow-apiserver", "airflow-scheduler", "airflow-dag-processor"}
    if compose:
        running |= {"airflow-triggerer", "airflow-worker"}
    for service in sorted(running):
        airflow.shell(compose_healthcheck(service, airflow), timeout=60)

    months = f"{len(periods)} month{'s' if len(periods) > 1 else ''}"
    print(f"\nbackfill ({airflow.variant}, {months}): "
          f"migrate {migrated - started:.0f} s, services up and DAG parsed "
          f"{parsed - migrated:.0f} s, runs {done - parsed:.0f} s, "
          f"total {time.monotonic() - started:.0f} s")
