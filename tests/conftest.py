"""Shared fixtures: a small valid month of extracts that tests then break one cell at a time."""

from __future__ import annotations

import csv
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from workforce.contracts import CONTRACTS
from workforce.periods import Period
from workforce.warehouse import make_engine

PERIOD = Period(2025, 3)
AUTHORITY = "TST"

# One valid month: rows as dicts of canonical column → text.
GOOD_MONTH: dict[str, list[dict[str, str]]] = {
    "establishment": [
        {"post_id": "P001", "team_code": "CP01", "team_name": "Child Protection North",
         "service_area": "Child Protection", "role": "social_worker", "grade": "SW1",
         "budgeted_fte": "1", "annual_cost_gbp": "48000.00", "funded": "Y", "status": "active"},
        {"post_id": "P002", "team_code": "CP01", "team_name": "Child Protection North",
         "service_area": "Child Protection", "role": "senior_social_worker", "grade": "SW2",
         "budgeted_fte": "1", "annual_cost_gbp": "55000.00", "funded": "Y", "status": "active"},
        {"post_id": "P003", "team_code": "AS01", "team_name": "Assessment East",
         "service_area": "Assessment", "role": "social_worker", "grade": "SW1",
         "budgeted_fte": "1", "annual_cost_gbp": "48000.00", "funded": "Y", "status": "active"},
        {"post_id": "P004", "team_code": "AS01", "team_name": "Assessment East",
         "service_area": "Assessment", "role": "team_manager", "grade": "TM",
         "budgeted_fte": "1", "annual_cost_gbp": "70000.00", "funded": "Y", "status": "frozen"},
    ],
    "hr_staff": [
        {"employee_id": "E001", "post_id": "P001", "team_code": "CP01", "role": "social_worker",
         "grade": "SW1", "fte": "1", "contract_type": "permanent", "qualified_sw": "Y",
         "case_holding": "Y", "service_start_date": "2021-06-01", "role_start_date": "2021-06-01",
         "leave_date": "", "leaving_reason": "", "sickness_days": "2", "birth_date": "1990-05-17",
         "gender": "female", "ethnicity": "White British", "retention_option": "lump_sum"},
        {"employee_id": "E002", "post_id": "P002", "team_code": "CP01",
         "role": "senior_social_worker", "grade": "SW2", "fte": "0.8",
         "contract_type": "fixed_term", "qualified_sw": "yes", "case_holding": "true",
         "service_start_date": "14/02/2019", "role_start_date": "", "leave_date": "21/03/2025",
         "leaving_reason": "resignation", "sickness_days": "0", "birth_date": "",
         "gender": "", "ethnicity": "", "retention_option": ""},
        {"employee_id": "E003", "post_id": "P003", "team_code": "AS01", "role": "social_worker",
         "grade": "SW1", "fte": "0.5", "contract_type": "permanent", "qualified_sw": "1",
         "case_holding": "1", "service_start_date": "2024-11-04", "role_start_date": "",
         "leave_date": "", "leaving_reason": "", "sickness_days": "", "birth_date": "",
         "gender": "male", "ethnicity": "", "retention_option": ""},
    ],
    "agency_spend": [
        {"line_id": "L1", "worker_ref": "AG01", "supplier": "Acme Social Care",
         "team_code": "AS01", "role": "social_worker", "post_id": "P003",
         "week_ending": "2025-03-07", "hours": "37", "charge_rate_gbp": "45.50",
         "line_cost_gbp": "1683.50", "placement_start_date": "2023-01-09", "qualified_sw": "Y"},
        {"line_id": "L2", "worker_ref": "AG02", "supplier": "Brightcare",
         "team_code": "CP01", "role": "social_worker", "post_id": "",
         "week_ending": "2025-03-28", "hours": "30.5", "charge_rate_gbp": "£40.00",
         "line_cost_gbp": "1220.00", "placement_start_date": "2025-02-03", "qualified_sw": "N"},
    ],
    "caseloads": [
        {"worker_ref": "E001", "worker_type": "employee", "open_cases": "18", "cp_cases": "6",
         "cla_cases": "6", "cin_cases": "6"},
        {"worker_ref": "E003", "worker_type": "employee", "open_cases": "9", "cp_cases": "",
         "cla_cases": "", "cin_cases": ""},
        {"worker_ref": "AG01", "worker_type": "agency", "open_cases": "21", "cp_cases": "",
         "cla_cases": "", "cin_cases": ""},
    ],
}
# The census-only columns (contracts' ``stored=False``), optional, left empty here.
for _kind, _rows in GOOD_MONTH.items():
    for _row in _rows:
        for _column in CONTRACTS[_kind].columns:
            if not _column.stored:
                _row.setdefault(_column.name, "")


def write_csv(path: Path, rows: list[dict[str, str]], kind: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding=encoding) as handle:
        writer = csv.DictWriter(handle, fieldnames=CONTRACTS[kind].column_names)
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_month(root: Path, month: dict[str, list[dict[str, str]]] | None = None,
                authority: str = AUTHORITY, period: Period = PERIOD) -> Path:
    """Write a month folder under ``root``; returns the folder."""
    folder = root / authority / str(period)
    for kind, rows in (month or GOOD_MONTH).items():
        write_csv(folder / f"{kind}.csv", rows, kind)
    return folder


@pytest.fixture
def landing(tmp_path: Path) -> Path:
    write_month(tmp_path / "landing")
    return tmp_path / "landing"


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # Tests never read the project's own config or warehouse.
    monkeypatch.setenv("WORKFORCE_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("WORKFORCE_WAREHOUSE_URL", f"sqlite:///{tmp_path / 'warehouse.db'}")
    monkeypatch.setenv("WORKFORCE_PSEUDONYM_KEY", "test-key")
    monkeypatch.setenv("WORKFORCE_OUTPUT_ROOT", str(tmp_path / "output"))


POSTGRES_URL = os.environ.get(
    "WORKFORCE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


@pytest.fixture(scope="session")
def postgres_server() -> str:
    """The PostgreSQL URL, or a skip that says how to get one."""
    try:
        with create_engine(POSTGRES_URL).connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:
        if os.environ.get("WORKFORCE_TEST_REQUIRE_POSTGRES"):
            raise  # CI provides the server: a skip there would hide a broken set-up
        pytest.skip(
            f"PostgreSQL not reachable at {POSTGRES_URL} ({type(exc).__name__}); "
            "start it or set WORKFORCE_TEST_POSTGRES_URL to run the PostgreSQL tests"
        )
    return POSTGRES_URL


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator:
    """A fresh, empty warehouse on SQLite and on PostgreSQL (its own schema, dropped after)."""
    with empty_warehouse(request.param, tmp_path / "test-warehouse.db", request) as engine:
        yield engine


@contextmanager
def empty_warehouse(backend: str, sqlite_file: Path, request: pytest.FixtureRequest
                    ) -> Iterator[Engine]:
    """An empty warehouse on ``backend`` ("sqlite": in ``sqlite_file``; "postgresql": a schema
    of its own on the test server, dropped after; skipped where there is no server)."""
    if backend == "sqlite":
        engine = make_engine(f"sqlite:///{sqlite_file}")
        yield engine
        engine.dispose()
        return
    with postgres_warehouse(request.getfixturevalue("postgres_server")) as engine:
        yield engine


@contextmanager
def postgres_warehouse(url: str) -> Iterator[Engine]:
    """A fresh, empty warehouse in its own PostgreSQL schema, dropped after."""
    schema = f"wf_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    engine = make_engine(f"{url}?options=-csearch_path%3D{schema}")
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()
