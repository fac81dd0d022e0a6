"""Airflow as it runs for real on this machine, for the backfill test and the benchmark: a
fresh PostgreSQL metadata database, the API server, scheduler and DAG processor as separate
processes (LocalExecutor), and ``airflow`` commands as an operator types them.

Used by ``tests/test_backfill.py`` (three months, and docker-compose's Celery set-up) and
``scripts/benchmark.py --backfill`` (60 months). Imports nothing from Airflow: the services
and commands are processes of the project's ``.venv``.

The scheduler preloads the tasks' modules (``scripts/airflow_local_settings.py``, on
``PYTHONPATH``), so each task process forked from it does not import them again. Python's
bytecode cache: the services write it under ``var/pycache`` even where the
environment says not to (``PYTHONDONTWRITEBYTECODE``), as an installed system has its
modules compiled. Without it every task process compiles pandas, SQLAlchemy and the
``workforce`` package from source, seconds per task.
"""

from __future__ import annotations

import contextlib
import json
import os
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

from sqlalchemy import Engine, create_engine, make_url, text

PROJECT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
AIRFLOW = str(BIN / "airflow")
PYCACHE = PROJECT / "var" / "pycache"
DAG_ID = "workforce_monthly"
SERVICES = ("api-server", "scheduler", "dag-processor")

# Scheduling latency on a small machine: a task's successor is queued on the scheduler's
# next loop, which sleeps this long when the last one found nothing to do (default 1 s); a
# DAG file is re-parsed this often (default 30 s: each parse is a process importing Airflow,
# CPU a backfill's tasks would rather have). scripts/airflow-local.sh sets the first (the
# second would delay a developer's DAG edits).
LOCAL_TUNING = {
    "AIRFLOW__SCHEDULER__SCHEDULER_IDLE_SLEEP_TIME": "0.2",
    "AIRFLOW__DAG_PROCESSOR__MIN_FILE_PROCESS_INTERVAL": "300",
}


class AirflowError(RuntimeError):
    """A command failed, a service stopped, or something did not happen in time."""


# --- the metadata database -------------------------------------------------------------------


def postgres_server_error(server_url: str) -> Exception | None:
    """Why the PostgreSQL server cannot be used (None when it can)."""
    admin = _admin(server_url)
    try:
        with admin.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:
        return exc
    finally:
        admin.dispose()
    return None


@contextlib.contextmanager
def postgres_databases(server_url: str) -> Iterator[Callable[[str], str]]:
    """Makes fresh, empty databases on the server (``new(prefix)`` gives a URL); drops them
    after."""
    server = make_url(server_url).set(drivername="postgresql+psycopg")
    admin = _admin(server_url)
    made: list[str] = []

    def new(prefix: str) -> str:
        name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        with admin.connect() as connection:
            connection.execute(text(f"CREATE DATABASE {name}"))
        made.append(name)
        return server.set(database=name).render_as_string(hide_password=False)

    try:
        yield new
    finally:
        with admin.connect() as connection:
            for name in made:
                connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


def _admin(server_url: str) -> Engine:
    server = make_url(server_url).set(drivername="postgresql+psycopg")
    return create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")


# --- the environment -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def airflow_hostname() -> str:
    """The host name Airflow records for a job (airflow.utils.net.getfqdn, the default
    hostname_callable), without importing Airflow."""
    name = socket.gethostname()
    with contextlib.suppress(OSError):
        for *_, canonical, _ in socket.getaddrinfo(name, None, 0, socket.SOCK_DGRAM, 0,
                                                   socket.AI_CANONNAME):
            if canonical:
                return canonical
    return name


def local_env(home: Path, metadata_db: str, *, landing: Path, output: Path,
              warehouse_url: str, config_dir: Path, ports: dict[str, int],
              base: dict[str, str] | None = None) -> dict[str, str]:
    """The services' environment: LocalExecutor, metadata in ``metadata_db``, the project's
    DAGs and ``workforce`` package, this machine only, the workforce folders given, no
    Airflow or workforce settings inherited from ``base`` (default: this process's)."""
    base = dict(os.environ if base is None else base)
    env = {k: v for k, v in base.items()
           if not k.startswith(("AIRFLOW", "WORKFORCE_")) and k != "PYTHONDONTWRITEBYTECODE"}
    env.update(LOCAL_TUNING)
    env.update({
        "PATH": f"{BIN}{os.pathsep}{base.get('PATH', '')}",
        "PYTHONPYCACHEPREFIX": base.get("PYTHONPYCACHEPREFIX") or str(PYCACHE),
        # airflow_local_settings.py: the scheduler imports the tasks' modules before it
        # forks them.
        "PYTHONPATH": os.pathsep.join(filter(None, [str(PROJECT / "scripts"),
                                                    base.get("PYTHONPATH")])),
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
        "WORKFORCE_LANDING_ROOT": str(landing),
        "WORKFORCE_OUTPUT_ROOT": str(output),
        "WORKFORCE_WAREHOUSE_URL": warehouse_url,
        "WORKFORCE_CONFIG_DIR": str(config_dir),
    })
    return env


def service_ports() -> dict[str, int]:
    return {name: free_port() for name in ("api", "logs", "trigger-logs", "scheduler-health")}


# --- commands and services -------------------------------------------------------------------


def _signal_group(process: subprocess.Popen, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, sig)


class Airflow:
    """Runs ``airflow`` commands and long-running services with one environment."""

    def __init__(self, env: dict[str, str], home: Path, ports: dict[str, int],
                 variant: str = "local") -> None:
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
            raise AirflowError(f"{command}\nexited {result.returncode}:\n"
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

    def start_services(self) -> None:
        """The API server, scheduler and DAG processor."""
        self.start("api-server", "api-server", "--port", str(self.ports["api"]))
        self.start("scheduler", "scheduler")
        self.start("dag-processor", "dag-processor")

    def check_services(self) -> None:
        for name, process in self.services.items():
            if process.poll() is not None:
                raise AirflowError(f"airflow {name} exited {process.returncode}:\n"
                                   f"{self.tail(name)}")

    def tail(self, name: str, lines: int = 60) -> str:
        path = self.home / f"{name}.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])

    def wait_for(self, what: str, check: Callable[[], bool], timeout: float,
                 every: float = 2) -> None:
        """Until ``check()``; AirflowError if a service stops or ``timeout`` passes."""
        deadline = time.monotonic() + timeout
        while not check():
            self.check_services()
            if time.monotonic() > deadline:
                logs = "\n\n".join(f"== {n}\n{self.tail(n)}" for n in self.services)
                raise AirflowError(f"timed out after {timeout:.0f} s waiting for {what}\n{logs}")
            time.sleep(every)

    def wait_until_ready(self, metadata: Engine, timeout: float, dag_id: str = DAG_ID) -> None:
        """The API server answers and the DAG processor has stored ``dag_id``."""
        api = f"http://127.0.0.1:{self.ports['api']}/api/v2/monitor/health"
        self.wait_for("the API server", lambda: http_ok(api), timeout)
        # Polled in the metadata database (an `airflow` command takes seconds to start).
        self.wait_for(f"the DAG processor to parse {dag_id}",
                      lambda: bool(query(metadata, "SELECT dag_id FROM dag WHERE dag_id = :dag",
                                         dag=dag_id)), timeout)

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


def http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def query(engine: Engine, sql: str, **params) -> list[tuple]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(sql), params)]


# --- a backfill's progress -------------------------------------------------------------------

UNFINISHED_OR_FAILED = ("failed", "up_for_retry", "upstream_failed", "up_for_reschedule")


def failed_tasks(metadata: Engine, dag_id: str = DAG_ID) -> list[tuple[str, str, str]]:
    """(run, task, state) of every task that failed or waits to run again (a sensor still
    waiting counts: in a backfill of landed months it should not)."""
    states = ", ".join(f"'{s}'" for s in UNFINISHED_OR_FAILED)
    return query(metadata, "SELECT run_id, task_id, state FROM task_instance "
                 f"WHERE dag_id = :dag AND state IN ({states}) ORDER BY run_id, task_id",
                 dag=dag_id)


def run_states(metadata: Engine, dag_id: str = DAG_ID) -> list[str]:
    return [s for (s,) in query(metadata, "SELECT state FROM dag_run WHERE dag_id = :dag",
                                dag=dag_id)]


def task_logs(home: Path, run_id: str, task_id: str, dag_id: str = DAG_ID) -> str:
    folder = home / "logs" / f"dag_id={dag_id}" / f"run_id={run_id}" / f"task_id={task_id}"
    parts = []
    for log in sorted(folder.rglob("*.log")):
        lines = log.read_text(errors="replace").splitlines()[-80:]
        parts.append(f"== {log.relative_to(home)}\n" + "\n".join(lines))
    return "\n".join(parts) or f"(no log files under {folder})"


def wait_for_backfill(airflow: Airflow, metadata: Engine, runs: int, timeout: float,
                      dag_id: str = DAG_ID, every: float = 2) -> None:
    """Until ``runs`` runs of ``dag_id`` have succeeded and the scheduler has marked its
    backfills completed (another cannot be created before); AirflowError, with the failed
    tasks' logs, as soon as a task fails."""

    def finished() -> bool:
        bad = failed_tasks(metadata, dag_id)
        if bad:
            logs = "\n\n".join(task_logs(airflow.home, run, task, dag_id)
                               for run, task, _ in bad)
            raise AirflowError(f"backfill tasks did not succeed: {bad}\n{logs}\n\n"
                               f"== scheduler\n{airflow.tail('scheduler')}")
        states = run_states(metadata, dag_id)
        return (len(states) == runs and all(s == "success" for s in states)
                and not query(metadata, "SELECT id FROM backfill WHERE dag_id = :dag "
                              "AND completed_at IS NULL", dag=dag_id))

    airflow.wait_for(f"{runs} successful runs of {dag_id}", finished, timeout, every)
