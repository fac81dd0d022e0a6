"""The production stack (docker-compose.yml, Dockerfile, .env.example), checked as far as it
can be without a Docker engine: the compose file's structure and references, where secrets
come from, that the image is the pinned Airflow with exactly the locked Python packages, and
that it holds every folder the package reads. The warehouse init script is run for real
against PostgreSQL when there is one."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
import uuid
from pathlib import Path

import pytest
import yaml
from sqlalchemy import create_engine, make_url, text

from workforce.config import PROJECT_ROOT
from workforce.version import COMMIT_VARIABLE

PROJECT = Path(__file__).resolve().parents[1]
COMPOSE_TEXT = (PROJECT / "docker-compose.yml").read_text(encoding="utf-8")
COMPOSE = yaml.safe_load(COMPOSE_TEXT)  # PyYAML resolves the << merge keys
SERVICES: dict[str, dict] = COMPOSE["services"]
COMMON = COMPOSE["x-airflow-common"]
COMMON_ENV: dict[str, str] = COMMON["environment"]
DOCKERFILE = (PROJECT / "Dockerfile").read_text(encoding="utf-8")
ENV_EXAMPLE = (PROJECT / ".env.example").read_text(encoding="utf-8")
PYPROJECT = tomllib.loads((PROJECT / "pyproject.toml").read_text(encoding="utf-8"))
UV = Path(sys.executable).with_name("uv")

AIRFLOW_SERVICES = {"airflow-init", "airflow-apiserver", "airflow-scheduler",
                    "airflow-dag-processor", "airflow-triggerer", "airflow-worker"}
LONG_RUNNING = (AIRFLOW_SERVICES - {"airflow-init"}) | {"postgres", "redis"}
# Settings every Airflow service must share (a task token signed by the scheduler is checked
# by the API server; every service reads the same databases and broker).
SHARED_SETTINGS = ["AIRFLOW__API_AUTH__JWT_SECRET", "AIRFLOW__CORE__FERNET_KEY",
                   "AIRFLOW__API__SECRET_KEY", "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN",
                   "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN_ASYNC", "AIRFLOW__CELERY__BROKER_URL",
                   "AIRFLOW__CORE__EXECUTOR", "AIRFLOW__CORE__AUTH_MANAGER",
                   "AIRFLOW__CORE__EXECUTION_API_SERVER_URL", "WORKFORCE_WAREHOUSE_URL",
                   "WORKFORCE_PSEUDONYM_KEY"]
WEASYPRINT_DEBS = {"libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz0b", "libharfbuzz-subset0",
                   "libfontconfig1", "fonts-dejavu-core"}
# Folders the package finds from PROJECT_ROOT that the image does not carry: state and
# I/O set by environment (WORKFORCE_* variables) and the developers' generated docs.
NOT_IN_IMAGE = {"var", "landing", "output", "docs"}
IMAGE_ROOT = "/opt/workforce"

# ${NAME}, ${NAME:?message}, ${NAME:-default}; not $${NAME}, which compose leaves to the shell.
VARIABLE = re.compile(r"(?<!\$)\$\{(\w+)(?::?([?-])[^}]*)?\}")


def env_example() -> tuple[set[str], set[str]]:
    """Names .env.example asks for (``NAME=``) and documents as optional (``# NAME=``)."""
    required = set(re.findall(r"^(\w+)=", ENV_EXAMPLE, re.M))
    optional = set(re.findall(r"^#\s*(\w+)=", ENV_EXAMPLE, re.M))
    return required, optional


def concrete(value: str) -> str:
    """A compose value with every ${...} replaced by a placeholder, as after interpolation."""
    return VARIABLE.sub("x", value)


def dockerfile_env() -> dict[str, str]:
    joined = DOCKERFILE.replace("\\\n", " ")
    found = {}
    for line in joined.splitlines():
        if line.startswith("ENV "):
            found.update(dict(re.findall(r"(\w+)=(\S+)", line)))
    return found


def dockerfile_copies() -> dict[str, str]:
    """COPY source → destination (single-source COPY instructions from the build context)."""
    copies = {}
    for line in DOCKERFILE.splitlines():
        words = [w for w in shlex.split(line) if not w.startswith("--")] if line.startswith(
            "COPY ") else []
        if len(words) == 3:
            copies[words[1]] = words[2]
    return copies


def lock_export() -> list[str]:
    """The package names of the lock's runtime set, as the Dockerfile exports it."""
    result = subprocess.run(
        [str(UV), "export", "--locked", "--no-dev", "--no-emit-project", "--no-hashes",
         "--quiet"],
        cwd=PROJECT, capture_output=True, text=True, env={**os.environ, "UV_OFFLINE": "1"},
    )
    assert result.returncode == 0, f"uv.lock is not up to date with pyproject.toml:\n" \
        f"{result.stderr}"
    return [re.split(r"[=<>~ ;]", line, maxsplit=1)[0].lower()
            for line in result.stdout.splitlines() if line and line[0].isalnum()]


# --- the compose file ---------------------------------------------------------------------


def test_the_stack_has_every_service() -> None:
    assert set(SERVICES) == AIRFLOW_SERVICES | {"postgres", "redis"}
    assert COMMON_ENV["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
    assert SERVICES["airflow-worker"]["command"] == "celery worker"
    commands = {name: SERVICES[name]["command"] for name in AIRFLOW_SERVICES - {"airflow-init"}}
    assert commands == {"airflow-apiserver": "api-server", "airflow-scheduler": "scheduler",
                        "airflow-dag-processor": "dag-processor",
                        "airflow-triggerer": "triggerer", "airflow-worker": "celery worker"}


def test_every_reference_names_something_that_exists() -> None:
    declared_volumes = set(COMPOSE.get("volumes") or {})
    used_volumes = set()
    for name, service in SERVICES.items():
        for dependency in service.get("depends_on") or {}:
            assert dependency in SERVICES, f"{name} depends on unknown service {dependency}"
            assert dependency != name
        for volume in service.get("volumes") or []:
            source = volume.split(":")[0]
            if source.startswith((".", "/")):
                assert (PROJECT / source).exists(), f"{name}: bind mount {source} is missing"
            else:
                assert source in declared_volumes, f"{name}: volume {source} is not declared"
                used_volumes.add(source)
        build = service.get("build")
        if build:
            assert (PROJECT / build["context"] / "Dockerfile").exists()
    assert used_volumes == declared_volumes, "declared volumes no service uses"


def test_services_start_in_order() -> None:
    for name in AIRFLOW_SERVICES:
        needs = SERVICES[name]["depends_on"]
        assert needs["postgres"]["condition"] == "service_healthy", name
        assert needs["redis"]["condition"] == "service_healthy", name
        if name != "airflow-init":
            assert needs["airflow-init"]["condition"] == "service_completed_successfully", name
    # Tasks talk to the execution API: the worker waits for the API server to be healthy.
    assert SERVICES["airflow-worker"]["depends_on"]["airflow-apiserver"]["condition"] == \
        "service_healthy"


def test_every_long_running_service_has_a_healthcheck_and_restarts() -> None:
    for name in LONG_RUNNING:
        check = SERVICES[name].get("healthcheck") or {}
        assert check.get("test"), f"{name} has no healthcheck"
        assert not check.get("disable"), name
        assert SERVICES[name].get("restart") in {"always", "unless-stopped"}, name
    assert SERVICES["airflow-init"].get("restart") == "no"
    # The scheduler's check calls its health server, which is off unless enabled.
    assert "8974/health" in str(SERVICES["airflow-scheduler"]["healthcheck"]["test"])
    assert COMMON_ENV["AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK"] == "true"
    # The API server's check is the unauthenticated health endpoint.
    assert "/api/v2/monitor/health" in str(SERVICES["airflow-apiserver"]["healthcheck"]["test"])


def test_every_airflow_service_runs_the_one_image_with_the_shared_settings() -> None:
    for name in AIRFLOW_SERVICES:
        service = SERVICES[name]
        assert service["image"] == COMMON["image"], name
        assert service["build"] == COMMON["build"], name
        for key in SHARED_SETTINGS:
            assert service["environment"].get(key) == COMMON_ENV[key], (name, key)
        assert service["volumes"] == COMMON["volumes"], name


def test_secrets_come_from_env_and_each_setting_is_written_once() -> None:
    required, optional = env_example()
    referenced = {m[0] for m in VARIABLE.findall(COMPOSE_TEXT)}
    unknown = referenced - required - optional
    assert not unknown, f"not in .env.example: {unknown}"
    assert required <= referenced, f".env.example asks for unused {required - referenced}"
    # A required value has no default: compose refuses to start without it.
    for name, kind in VARIABLE.findall(COMPOSE_TEXT):
        if name in required:
            assert kind == "?", f"${{{name}}} should be ${{{name}:?...}}"
    # .env.example holds no values for them (no shared example secret gets deployed).
    for name in required - {"AIRFLOW_UID"}:
        assert re.search(rf"^{name}=$", ENV_EXAMPLE, re.M), f"{name} has a value in .env.example"
    # Each shared setting is written once (in x-airflow-common), nowhere else.
    for key in SHARED_SETTINGS:
        assert len(re.findall(rf"^\s*{key}:", COMPOSE_TEXT, re.M)) == 1, key
    metadata_url = concrete(COMMON_ENV["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"])
    assert concrete(COMMON_ENV["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN_ASYNC"]) == metadata_url
    for fragment in ["@postgres:5432/airflow", "@postgres:5432/warehouse", "redis://"]:
        assert COMPOSE_TEXT.count(fragment) == 1, fragment
    # No literal secret anywhere: every secret-looking value is a reference to .env.
    for service in [COMMON, *SERVICES.values()]:
        for key, value in (service.get("environment") or {}).items():
            if re.search(r"SECRET|PASSWORD|FERNET|_KEY$", key):
                assert "${" in str(value), f"{key} is written into docker-compose.yml"
    assert not re.search(r"^\s*(ENV|ARG)\s.*(SECRET|PASSWORD|FERNET|_KEY)", DOCKERFILE, re.M | re.I)


def test_env_files_never_reach_git_or_the_image() -> None:
    assert ".env" in (PROJECT / ".gitignore").read_text().split()
    ignore = [line.strip() for line in (PROJECT / ".dockerignore").read_text().splitlines()
              if line.strip() and not line.startswith("#")]
    # Either everything is left out and only what the image needs let back in, or .env is.
    assert ignore[0] == "*" or ".env" in ignore
    assert not [line for line in ignore if line.startswith("!.env")]


def test_init_migrates_and_creates_the_admin_and_the_warehouse_connection() -> None:
    init = SERVICES["airflow-init"]
    script = " ".join(init["command"]) if isinstance(init["command"], list) else init["command"]
    assert init["entrypoint"] == "/bin/bash"
    assert init["command"][0].startswith("-") and "e" in init["command"][0], \
        "the init script must stop at the first failing command"
    lines = [line.strip() for line in script.splitlines()]
    migrate = next(line for line in lines if "airflow db migrate" in line)
    assert "||" not in migrate, "a failed migration must fail airflow-init"
    # The warehouse's schema too, so the tasks find it at their code's revision.
    assert "workforce db upgrade" in lines, "airflow-init must upgrade the warehouse"
    assert "airflow users create --role Admin --username admin" in script
    assert 'airflow connections add workforce_warehouse --conn-uri "$${WORKFORCE_WAREHOUSE_URL}"' \
        in COMPOSE_TEXT
    # ... under the id the DAGs look up.
    dag_helpers = (PROJECT / "dags" / "workforce_dag_common.py").read_text(encoding="utf-8")
    assert 'WAREHOUSE_CONN_ID = "workforce_warehouse"' in dag_helpers
    assert init["environment"]["AIRFLOW_ADMIN_PASSWORD"].startswith("${AIRFLOW_ADMIN_PASSWORD:?")


def test_postgres_holds_separate_metadata_and_warehouse_databases() -> None:
    postgres = SERVICES["postgres"]["environment"]
    metadata = make_url(concrete(COMMON_ENV["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]))
    warehouse = make_url(concrete(COMMON_ENV["WORKFORCE_WAREHOUSE_URL"]))
    assert metadata.drivername == warehouse.drivername == "postgresql+psycopg"
    assert metadata.host == warehouse.host == "postgres"
    assert (metadata.username, metadata.database) == (postgres["POSTGRES_USER"],
                                                       postgres["POSTGRES_DB"])
    assert warehouse.database != metadata.database
    assert warehouse.username != metadata.username, "the warehouse has its own role"
    assert "${WAREHOUSE_PASSWORD" in COMMON_ENV["WORKFORCE_WAREHOUSE_URL"]
    assert postgres["WAREHOUSE_PASSWORD"].startswith("${WAREHOUSE_PASSWORD:?")
    mounts = SERVICES["postgres"]["volumes"]
    assert "./scripts/create-warehouse-db.sql:/docker-entrypoint-initdb.d/10-warehouse.sql:ro" \
        in mounts
    # The script's default names are the ones in the warehouse URL.
    sql = (PROJECT / "scripts" / "create-warehouse-db.sql").read_text()
    assert f"\\set warehouse_db {warehouse.database}" in sql
    assert f"\\set warehouse_user {warehouse.username}" in sql


def test_landing_and_report_archive_are_volumes_where_the_image_points() -> None:
    image_env = dockerfile_env()
    mounts = dict(v.split(":")[:2][::-1] for v in COMMON["volumes"])
    assert mounts[image_env["WORKFORCE_LANDING_ROOT"]] == "landing"
    assert mounts[image_env["WORKFORCE_OUTPUT_ROOT"]] == "output"
    assert {"landing", "output", "postgres-data"} <= set(COMPOSE["volumes"])


# --- the image ------------------------------------------------------------------------------


def test_the_image_extends_the_airflow_release_pyproject_pins() -> None:
    pins = [d for d in PYPROJECT["project"]["dependencies"] if d.startswith("apache-airflow")]
    airflow = next(re.fullmatch(r"apache-airflow(\[[^]]*\])?==([\d.]+)", d)[2] for d in pins
                   if re.fullmatch(r"apache-airflow(\[[^]]*\])?==[\d.]+", d))
    python = re.fullmatch(r"==(3\.\d+)\.\*", PYPROJECT["project"]["requires-python"])[1]
    (base,) = re.findall(r"^FROM\s+(\S+)", DOCKERFILE, re.M)
    assert base == f"apache/airflow:{airflow}-python{python}"


def test_the_image_installs_exactly_the_lock() -> None:
    joined = DOCKERFILE.replace("\\\n", " ")
    export = re.search(r"uv export (.*?) -o (\S+)", joined)
    assert export, "the Dockerfile must install a requirements file exported from uv.lock"
    assert set(export[1].split()) == {"--locked", "--no-dev", "--no-emit-project", "--no-hashes"}
    # sync, not install: packages the base image has and the lock lacks are removed.
    assert re.search(rf"uv pip sync .*{re.escape(export[2])}", joined)
    assert "COPY --chown=airflow:0 pyproject.toml uv.lock" in DOCKERFILE
    # The project itself: no dependencies of its own beyond the lock.
    assert re.search(rf"uv pip install .*--no-deps -e {IMAGE_ROOT}\b", joined)
    # The same uv as the developers' (Makefile) and the dev group's pin.
    (uv_image,) = re.findall(r"ghcr.io/astral-sh/uv:([\d.]+)", DOCKERFILE)
    makefile = (PROJECT / "Makefile").read_text()
    assert f"UV_VERSION := {uv_image}" in makefile
    assert f"uv=={uv_image}" in PYPROJECT["dependency-groups"]["dev"]
    # And the export the build runs works on this lock.
    assert "apache-airflow-core" in lock_export()


def required_distributions() -> dict[str, str]:
    """What the compose configuration needs installed: distribution → the setting asking."""
    needs = {}
    for key, value in COMMON_ENV.items():
        value = str(value)
        for module in re.findall(r"\bairflow\.providers\.(\w+)\.", value):
            needs[f"apache-airflow-providers-{module.replace('_', '-')}"] = key
        scheme = value.split("://")[0] if "://" in value else ""
        driver = scheme.removeprefix("db+")
        if driver in {"postgresql", "postgresql+psycopg2"}:
            needs["psycopg2-binary"] = key
        elif driver == "postgresql+psycopg":
            needs["psycopg"] = key
        elif driver == "redis":
            needs["redis"] = key
    if COMMON_ENV["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor":
        needs["apache-airflow-providers-celery"] = "AIRFLOW__CORE__EXECUTOR"
        needs["celery"] = "AIRFLOW__CORE__EXECUTOR"
    if "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN_ASYNC" not in COMMON_ENV:
        needs["asyncpg"] = "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN (its async twin)"
    return needs


def test_the_lock_holds_everything_the_compose_configuration_runs() -> None:
    """The image is exactly the lock, so what compose configures must be in it."""
    locked = set(lock_export())
    missing = {d: why for d, why in required_distributions().items() if d not in locked}
    assert not missing, (
        f"docker-compose.yml needs {sorted(missing)} (for {sorted(set(missing.values()))}) "
        "but uv.lock does not have them: add them to pyproject.toml and run `uv lock`"
    )


# Run in a fresh interpreter (this test session must not import Airflow before test_dags
# makes its settings): load the executor and auth manager compose configures, and find every
# `airflow` command the services and airflow-init run.
CHECK_AIRFLOW = """
import argparse, importlib, json, sys
from airflow.configuration import conf
from airflow.executors.executor_loader import ExecutorLoader
from airflow.cli.cli_parser import get_parser
ExecutorLoader.import_default_executor_cls()
module, _, name = conf.get("core", "auth_manager").rpartition(".")
getattr(importlib.import_module(module), name)
missing = []
for words in json.loads(sys.argv[1]):
    parser = get_parser()
    for word in words:
        sub = next((a for a in parser._actions if isinstance(a, argparse._SubParsersAction)), None)
        if sub is None or word not in sub.choices:
            missing.append(" ".join(words))
            break
        parser = sub.choices[word]
print(json.dumps(missing))
"""


def test_the_installed_airflow_runs_what_compose_configures(tmp_path: Path) -> None:
    commands = [SERVICES[name]["command"].split() for name in AIRFLOW_SERVICES - {"airflow-init"}]
    init_script = SERVICES["airflow-init"]["command"][-1]
    commands += [m.split() for m in re.findall(r"\bairflow ([a-z-]+ [a-z-]+)", init_script)]
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW")}
    env.update({
        "AIRFLOW_HOME": str(tmp_path),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__EXECUTOR": COMMON_ENV["AIRFLOW__CORE__EXECUTOR"],
        "AIRFLOW__CORE__AUTH_MANAGER": COMMON_ENV["AIRFLOW__CORE__AUTH_MANAGER"],
    })
    result = subprocess.run([sys.executable, "-c", CHECK_AIRFLOW, json.dumps(commands)],
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    assert json.loads(result.stdout.strip().splitlines()[-1]) == [], \
        "commands docker-compose.yml runs that this Airflow does not have"


def test_the_image_knows_the_commit_it_was_built_from() -> None:
    """No git checkout in the image: the commit stamped on loads and reports comes from
    the build argument compose passes, kept in the image's environment."""
    assert COMMON["build"]["args"][COMMIT_VARIABLE] == f"${{{COMMIT_VARIABLE}:-unknown}}"
    assert re.search(rf"^ARG {COMMIT_VARIABLE}=unknown$", DOCKERFILE, re.M)
    assert dockerfile_env()[COMMIT_VARIABLE] == f"${COMMIT_VARIABLE}"
    # ARG is in scope only after it is declared: the ENV must come later.
    assert DOCKERFILE.index(f"ARG {COMMIT_VARIABLE}") < DOCKERFILE.index(
        f"{COMMIT_VARIABLE}=${COMMIT_VARIABLE}")
    assert COMMIT_VARIABLE in env_example()[1]
    assert ".git" not in dockerfile_copies(), "the image is not meant to carry a checkout"


def test_the_image_installs_weasyprints_libraries() -> None:
    joined = DOCKERFILE.replace("\\\n", " ")
    installs = re.findall(r"apt-get install ([^&]*)", joined)
    packages = {w for line in installs for w in line.split() if not w.startswith("-")}
    assert packages >= WEASYPRINT_DEBS, WEASYPRINT_DEBS - packages


def test_the_image_holds_every_folder_the_package_reads() -> None:
    """The package finds its folders relative to PROJECT_ROOT (two levels above
    plugins/workforce/config.py); the image keeps the repository's layout under
    /opt/workforce and installs the package editable from there."""
    assert PROJECT_ROOT == PROJECT
    code = "\n".join(p.read_text() for p in (PROJECT / "plugins").rglob("*.py"))
    read = set(re.findall(r'PROJECT_ROOT\s*/\s*"(\w+)"', code))
    read |= set(re.findall(r'parents\[\d\]\s*/\s*"(\w+)"', code))
    assert {"sql", "templates", "config"} <= read  # the finder works
    copies = dockerfile_copies()
    for folder in [*sorted(read - NOT_IN_IMAGE), "plugins", "dags"]:
        assert (PROJECT / folder).is_dir(), folder
        assert copies.get(folder) == f"{IMAGE_ROOT}/{folder}", f"the image lacks {folder}/"
    assert dockerfile_env()["AIRFLOW__CORE__DAGS_FOLDER"] == f"{IMAGE_ROOT}/dags"
    # Everything copied is in the build context .dockerignore lets through.
    allowed = {line[1:] for line in (PROJECT / ".dockerignore").read_text().splitlines()
               if line.startswith("!")}
    for source in copies:
        if not source.startswith("/"):
            assert source in allowed, f".dockerignore keeps {source} out of the build"
    assert {"pyproject.toml", "uv.lock", "README.md"} <= allowed


# --- the warehouse init script, for real ----------------------------------------------------


@pytest.mark.postgres
def test_the_warehouse_init_script_makes_a_separate_database_and_role(
    postgres_server: str,
) -> None:
    psql = shutil.which("psql")
    if psql is None:
        if os.environ.get("WORKFORCE_TEST_REQUIRE_POSTGRES"):
            pytest.fail("psql is not installed")
        pytest.skip("psql is not installed (PostgreSQL's client)")
    server = make_url(postgres_server)
    suffix = uuid.uuid4().hex[:10]
    names = {"WAREHOUSE_DB": f"wh_test_{suffix}", "WAREHOUSE_USER": f"wf_test_{suffix}",
             "POSTGRES_DB": f"md_test_{suffix}"}
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {names['POSTGRES_DB']}"))
    env = {**os.environ, **names, "WAREHOUSE_PASSWORD": f"pw-{suffix}",
           "PGHOST": server.host or "127.0.0.1", "PGPORT": str(server.port or 5432),
           "PGUSER": server.username or "postgres", "PGPASSWORD": server.password or "",
           "PGDATABASE": "postgres"}
    script = PROJECT / "scripts" / "create-warehouse-db.sql"
    try:
        run = subprocess.run([psql, "--no-psqlrc", "-v", "ON_ERROR_STOP=1", "-f", str(script)],
                             env=env, capture_output=True, text=True)
        assert run.returncode == 0, run.stderr
        with admin.connect() as connection:
            owner = connection.execute(text(
                "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = :d"),
                {"d": names["WAREHOUSE_DB"]}).scalar_one()
            can = connection.execute(text(
                "SELECT has_database_privilege(:u, :w, 'CONNECT'), "
                "has_database_privilege(:u, :m, 'CONNECT')"),
                {"u": names["WAREHOUSE_USER"], "w": names["WAREHOUSE_DB"],
                 "m": names["POSTGRES_DB"]}).one()
        assert owner == names["WAREHOUSE_USER"]
        assert tuple(can) == (True, False), "the warehouse role reaches only the warehouse"

        # Without the password the script stops with a message, creating nothing.
        env.pop("WAREHOUSE_PASSWORD")
        env["WAREHOUSE_DB"] += "_2"
        run = subprocess.run([psql, "--no-psqlrc", "-f", str(script)], env=env,
                             capture_output=True, text=True)
        assert run.returncode != 0 and "WAREHOUSE_PASSWORD is not set" in run.stderr
    finally:
        with admin.connect() as connection:
            for database in (names["WAREHOUSE_DB"], names["POSTGRES_DB"]):
                connection.execute(text(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)"))
            connection.execute(text(f"DROP ROLE IF EXISTS {names['WAREHOUSE_USER']}"))
        admin.dispose()
