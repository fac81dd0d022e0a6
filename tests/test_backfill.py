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
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

import pytest
import yaml
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.pool import NullPool

from conftest import POSTGRES_URL
from workforce.periods import Period
from workforce.sample import write_sample

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

PROJECT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
AIRFLOW = str(BIN / "airflow")
COMPOSE = yaml.safe_load((PROJECT / "docker-compose.yml").read_text(encoding="utf-8"))
REDIS_URL = os.environ.get("WORKFORCE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")

DAG_ID = "workforce_monthly"
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
    server = make_url(POSTGRES_URL).set(drivername="postgresql+psycopg")
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    made: list[str] = []

    def new(prefix: str) -> str:
        name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        with admin.connect() as connection:
            connection.execute(text(f"CREATE DATABASE {name}"))
        made.append(name)
        return server.set(database=name).render_as_string(hide_password=False)

    try:
        with admin.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:
        admin.dispose()
        if os.environ.get("WORKFORCE_TEST_REQUIRE_POSTGRES"):
            raise  # CI provides the server: a skip there would hide a broken set-up
        pytest.skip(
            f"PostgreSQL not reachable at {server.render_as_string()} ({type(exc).__name__}): "
            "the real-scheduler backfill test needs it for Airflow's metadata database; "
            "start it or set WORKFORCE_TEST_POSTGRES_URL"
        )
    try:
        yield new
    finally:
        with admin.connect() as connection:
            for name in made:
                connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _signal_group(process: subprocess.Popen, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, sig)


class Airflow:
    """Runs ``airflow`` commands and long-running services with one environment."""

    def __init__(self, variant: str, env: dict[str, str], home: Path,
                 ports: dict[str, int]) -> None:
        self.variant = variant
        self.env = env
        self.home = home
        self.ports = ports
        self.services: dict[str, subprocess.Popen] = {}

    def run(self, *args: str, timeout: float = 120) -> str:
        return self.shell(shlex.join([AIRFLOW, *args]), timeout=timeout)

    def shell(self, command: str, timeout: float = 120, env: dict | None = None) -> str:
        result = subprocess.run(["bash", "-c", command], env={**self.env, **(env or {})},
                                capture_output=True, text=True, timeout=timeout, cwd=self.home)
        if result.returncode != 0:
            pytest.fail(f"{command}\nexited {result.returncode}:\n"
                        f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
        return result.stdout

    def json(self, *args: str) -> list[dict]:
        # Warnings (e.g. "Could not import graphviz") go to stdout too: take the JSON line.
        lines = [line for line in self.run(*args, "-o", "json").splitlines()
                 if line.startswith("[")]
        return json.loads(lines[-1]) if lines else []

    def start(self, name: str, *args: str) -> None:
        log = (self.home / f"{name}.log").open("w")
        # Its own session, so stopping it stops everything it started (executor workers,
        # task supervisors and tasks, uvicorn and Celery worker processes).
        self.services[name] = subprocess.Popen(
            [AIRFLOW, *args], env=self.env, stdout=log, stderr=subprocess.STDOUT,
            cwd=self.home, start_new_session=True,
        )
        log.close()

    def check_services(self) -> None:
        for name, process in self.services.items():
            if process.poll() is not None:
                pytest.fail(f"airflow {name} exited {process.returncode}:\n{self.tail(name)}")

    def tail(self, name: str, lines: int = 60) -> str:
        path = self.home / f"{name}.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        for process in self.services.values():
            _signal_group(process, signal.SIGTERM)
        deadline = time.monotonic() + 30
        for process in self.services.values():
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            # Whatever is left of the group (the leader may be gone, its children not).
            _signal_group(process, signal.SIGKILL)
            process.wait()


def airflow_hostname() -> str:
    """The host name Airflow records for a job (airflow.utils.net.getfqdn, the default
    hostname_callable), without importing Airflow into the test process."""
    name = socket.gethostname()
    with contextlib.suppress(OSError):
        for *_, canonical, _ in socket.getaddrinfo(name, None, 0, socket.SOCK_DGRAM, 0,
                                                   socket.AI_CANONNAME):
            if canonical:
                return canonical
    return name


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
    metadata_db = new_database("airflow_test")
    home = tmp_path / "airflow-home"
    config = tmp_path / "config"
    home.mkdir()
    config.mkdir()
    # The sample council's real settings, and no other council (the DAG would wait for it).
    if (PROJECT / "config" / f"{AUTHORITY}.yaml").exists():
        shutil.copy(PROJECT / "config" / f"{AUTHORITY}.yaml", config)
    ports = {name: free_port() for name in ("api", "logs", "trigger-logs", "scheduler-health")}
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "WORKFORCE_"))}
    env.update({
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        # What Airflow records as a job's host (what the compose healthchecks ask about).
        "HOSTNAME": airflow_hostname(),
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": metadata_db,
        # Airflow would derive postgresql+asyncpg, which is not installed; psycopg 3 is async.
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN_ASYNC": metadata_db,
        "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
        "AIRFLOW__CORE__PARALLELISM": "4",
        "AIRFLOW__CORE__DAGS_FOLDER": str(PROJECT / "dags"),
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(PROJECT / "plugins"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__UNIT_TEST_MODE": "False",
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{ports['api']}/execution/",
        "AIRFLOW__API__HOST": "127.0.0.1",
        "AIRFLOW__API__PORT": str(ports["api"]),
        "AIRFLOW__API_AUTH__JWT_SECRET": uuid.uuid4().hex + uuid.uuid4().hex,
        "AIRFLOW__API__SECRET_KEY": uuid.uuid4().hex,
        "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(ports["logs"]),
        "AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT": str(ports["trigger-logs"]),
        "AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK": "True",
        "AIRFLOW__SCHEDULER__SCHEDULER_HEALTH_CHECK_SERVER_HOST": "127.0.0.1",
        "AIRFLOW__SCHEDULER__SCHEDULER_HEALTH_CHECK_SERVER_PORT": str(ports["scheduler-health"]),
        # Only the backfill's runs: no scheduled run of "the latest month" when unpaused.
        "AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE": "False",
        "AIRFLOW__DAG_PROCESSOR__PARSING_PROCESSES": "1",
        "WORKFORCE_LANDING_ROOT": str(tmp_path / "landing"),
        "WORKFORCE_OUTPUT_ROOT": str(tmp_path / "output"),
        "WORKFORCE_WAREHOUSE_URL": f"sqlite:///{tmp_path / 'warehouse.db'}",
        "WORKFORCE_CONFIG_DIR": str(config),
        "WORKFORCE_PSEUDONYM_KEY": "test-key",
    })
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
    airflow = Airflow(request.param, env, home, ports)
    try:
        yield airflow
    finally:
        airflow.stop()
        if request.param == "compose":
            redis_forget_queue(REDIS_URL, env["AIRFLOW__OPERATORS__DEFAULT_QUEUE"])


# --- waiting and reporting -------------------------------------------------------------------


def wait_for(what: str, check, airflow: Airflow, timeout: float, every: float = 2) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        airflow.check_services()
        if time.monotonic() > deadline:
            logs = "\n\n".join(f"== {n}\n{airflow.tail(n)}" for n in airflow.services)
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}\n{logs}")
        time.sleep(every)


def http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def query(engine, sql: str, **params) -> list[tuple]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(sql), {"dag": DAG_ID, **params})]


def task_logs(home: Path, run_id: str, task_id: str) -> str:
    folder = home / "logs" / f"dag_id={DAG_ID}" / f"run_id={run_id}" / f"task_id={task_id}"
    parts = []
    for log in sorted(folder.rglob("*.log")):
        lines = log.read_text(errors="replace").splitlines()[-80:]
        parts.append(f"== {log.relative_to(home)}\n" + "\n".join(lines))
    return "\n".join(parts) or f"(no log files under {folder})"


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

    airflow.start("api-server", "api-server", "--port", str(airflow.ports["api"]))
    airflow.start("scheduler", "scheduler")
    airflow.start("dag-processor", "dag-processor")
    if compose:
        airflow.start("triggerer", "triggerer")
        airflow.start("celery-worker", "celery", "worker", "--queues",
                      airflow.env["AIRFLOW__OPERATORS__DEFAULT_QUEUE"],
                      "--celery-hostname", f"celery@{airflow.env['HOSTNAME']}")

    api = f"http://127.0.0.1:{airflow.ports['api']}/api/v2/monitor/health"
    wait_for("the API server", lambda: http_ok(api), airflow, SERVICE_TIMEOUT)
    # Polled in the metadata database (an `airflow` command takes seconds to start); the
    # CLI then confirms.
    wait_for(f"the DAG processor to parse {DAG_ID}",
             lambda: bool(query(metadata, "SELECT dag_id FROM dag WHERE dag_id = :dag")),
             airflow, SERVICE_TIMEOUT)
    assert DAG_ID in {d["dag_id"] for d in airflow.json("dags", "list")}
    parsed = time.monotonic()

    airflow.run("dags", "unpause", DAG_ID)
    # One month at a time, oldest first: a month's KPIs read the months before it.
    airflow.run("backfill", "create", "--dag-id", DAG_ID, "--from-date", from_date,
                "--to-date", to_date, "--max-active-runs", "1")

    def finished() -> bool:
        # Any failure (or a sensor still waiting: every extract is there) ends the wait.
        bad = query(metadata, "SELECT run_id, task_id, state FROM task_instance "
                    "WHERE dag_id = :dag AND state IN ('failed', 'up_for_retry', "
                    "'upstream_failed', 'up_for_reschedule') ORDER BY run_id, task_id")
        if bad:
            logs = "\n\n".join(task_logs(airflow.home, run, task) for run, task, _ in bad)
            pytest.fail(f"backfill tasks did not succeed: {bad}\n{logs}\n\n"
                        f"== scheduler\n{airflow.tail('scheduler')}")
        states = query(metadata, "SELECT state FROM dag_run WHERE dag_id = :dag")
        return len(states) == len(periods) and all(s == ("success",) for s in states)

    wait_for(f"{len(periods)} successful backfill runs", finished, airflow, RUN_TIMEOUT)
    done = time.monotonic()
    metadata.dispose()

    runs = airflow.json("dags", "list-runs", DAG_ID)
    assert sorted(r["logical_date"][:10] for r in runs) == logical_dates
    assert all(r["state"] == "success" for r in runs)
    assert all(r["run_id"].startswith("backfill__") for r in runs)

    warehouse = create_engine(airflow.env["WORKFORCE_WAREHOUSE_URL"], poolclass=NullPool)
    loaded = query(warehouse, "SELECT authority_code, period FROM load_batch ORDER BY period")
    kpis = dict(query(warehouse, "SELECT period, COUNT(*) FROM kpi_value "
                      "WHERE authority_code = :a GROUP BY period", a=AUTHORITY))
    assert loaded == [(AUTHORITY, p) for p in periods]
    assert sorted(kpis) == periods and all(kpis[p] > 0 for p in periods), kpis

    # Reports are not required here; if the DAG renders them, every month has its PDFs.
    pdfs = sorted((tmp_path / "output").rglob("*.pdf"))
    for pdf in pdfs:
        assert pdf.read_bytes()[:5] == b"%PDF-", pdf
    if pdfs:
        assert all(any(p in str(pdf) for pdf in pdfs) for p in periods), pdfs

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
