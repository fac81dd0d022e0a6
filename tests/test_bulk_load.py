"""The load's bulk path, on SQLite and PostgreSQL: each month's rows go in as Arrow tables (COPY
of CSV written by Arrow on PostgreSQL) and its frames are taken from those tables. It stores
exactly what inserting the same rows one by one and reading the frames back stored, awkward
text and empty extracts included, and a failure anywhere in it, the database refusing a row
in the middle of a COPY included, leaves the warehouse as it was."""

from __future__ import annotations

import copy
from pathlib import Path

import psycopg
import pyarrow as pa
import pyarrow.ipc as ipc
import pytest
import sqlalchemy.exc
from sqlalchemy import Engine, text

from conftest import AUTHORITY, GOOD_MONTH, PERIOD, empty_warehouse, write_month
from workforce.pipeline import load_authority_month
from workforce.sample import write_sample
from workforce.warehouse import load as load_module
from workforce.warehouse.bulk import Rows, insert_rows
from workforce.warehouse.frames import store_month_frames

TABLES = ["load_batch", "extract_file", "hr_staff", "establishment", "agency_spend",
          "caseloads", "validation_finding", "kpi_month_frame"]
REFUSED = (sqlalchemy.exc.IntegrityError, psycopg.IntegrityError)


def dump(engine: Engine) -> dict[str, list[tuple]]:
    """Every stored value but load times, frames as their bytes, in a stable order."""
    with engine.connect() as connection:
        dumped = {}
        for table in TABLES:
            result = connection.execute(text(f"SELECT * FROM {table}"))
            rows = [{name: value for name, value in row._mapping.items() if name != "loaded_at"}
                    for row in result]
            if table == "kpi_month_frame":
                for row in rows:
                    row["arrow_stream"] = _frame(bytes(row["arrow_stream"]), row["kind"],
                                                 engine.dialect.name)
            dumped[table] = sorted((tuple(row.values()) for row in rows), key=repr)
        return dumped


def _frame(stream: bytes, kind: str, backend: str) -> object:
    if backend == "postgresql" and kind == "kpi_establishment":
        # Its query leaves the order of a month's posts open, and PostgreSQL's plan decides
        # it: compared as rows in post_id order (SQLite's primary key gives that order).
        table = ipc.open_stream(pa.py_buffer(stream)).read_all()
        post = table.column_names.index("post_id")
        return str(table.schema), sorted(zip(*table.to_pydict().values(), strict=True),
                                         key=lambda row: row[post])
    return stream


def _row_by_row(connection, name: str, table: pa.Table) -> None:
    insert_rows(connection, name, Rows.of_table(table))


def _frames_read_back(connection, authority_code, period, load_id, inserted=None) -> None:
    store_month_frames(connection, authority_code, period, load_id)


@pytest.fixture
def months(tmp_path: Path) -> list[tuple[Path, str]]:
    """The hand-built month (gaps, pound signs, UK dates) with awkward text, a sample
    council's month, and a month without agency workers (two empty extracts)."""
    root = tmp_path / "landing"
    awkward = copy.deepcopy(GOOD_MONTH)
    names = ['Smith, "Jones" & Co', "NULL", "\\N", "Café – Ünïcode ✓"]
    for row, name in zip(awkward["establishment"], names, strict=True):
        row["team_name"] = name
    awkward["hr_staff"][0]["ethnicity"] = "back\\slash; semi|colon"
    awkward["hr_staff"][1]["ethnicity"] = "two\nlines"
    awkward["establishment"].reverse()  # posts not in post_id order
    write_month(root, awkward)
    write_sample(root, "SMP", PERIOD, months=1, posts=60)
    no_agency = copy.deepcopy(GOOD_MONTH)
    no_agency["agency_spend"] = []
    no_agency["caseloads"] = [row for row in no_agency["caseloads"]
                              if row["worker_type"] == "employee"]
    write_month(root, no_agency, authority="NAG")
    return [(root, code) for code in (AUTHORITY, "SMP", "NAG")]


def test_the_bulk_path_stores_what_row_by_row_inserts_stored(
    engine: Engine, months: list[tuple[Path, str]], tmp_path: Path,
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch,
) -> None:
    with empty_warehouse(engine.dialect.name, tmp_path / "rows.db", request) as rows:
        with monkeypatch.context() as patched:
            patched.setattr(load_module, "insert_table", _row_by_row)
            patched.setattr(load_module, "store_month_frames", _frames_read_back)
            for root, code in months:
                load_authority_month(root, code, PERIOD, rows)
        for root, code in months:
            load_authority_month(root, code, PERIOD, engine)
        stored = dump(engine)
        assert stored == dump(rows)
    assert len(stored["kpi_month_frame"]) == 5 * len(months)
    with engine.connect() as connection:
        names = connection.execute(text(
            "SELECT team_name FROM establishment WHERE authority_code = :a ORDER BY source_row"
        ), {"a": AUTHORITY}).scalars().all()
        nag = connection.execute(text(
            "SELECT COUNT(*) FROM agency_spend WHERE authority_code = 'NAG'")).scalar_one()
        ethnicities = connection.execute(text(
            "SELECT ethnicity FROM hr_staff WHERE authority_code = :a ORDER BY source_row"
        ), {"a": AUTHORITY}).scalars().all()
    assert names == ["Café – Ünïcode ✓", "\\N", "NULL", 'Smith, "Jones" & Co']
    assert ethnicities == ["back\\slash; semi|colon", "two\nlines", None]
    assert nag == 0


def _corrected(landing: Path) -> None:
    corrected = copy.deepcopy(GOOD_MONTH)
    corrected["hr_staff"][0]["fte"] = "0.6"
    write_month(landing, corrected)


def test_a_row_refused_in_the_middle_of_a_bulk_insert_rolls_back_the_load(
    engine: Engine, landing: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_authority_month(landing, AUTHORITY, PERIOD, engine)
    before = dump(engine)
    _corrected(landing)
    real_insert = load_module.insert_table

    def second_line_without_supplier(connection, name: str, table: pa.Table) -> None:
        if name == "agency_spend":  # after two fact tables; its first line goes in
            position = table.schema.get_field_index("supplier")
            suppliers = pa.array([table["supplier"][0].as_py(), None], pa.string())
            table = table.set_column(position, "supplier", suppliers)
        real_insert(connection, name, table)

    monkeypatch.setattr(load_module, "insert_table", second_line_without_supplier)
    with pytest.raises(REFUSED, match="supplier"):
        load_authority_month(landing, AUTHORITY, PERIOD, engine)

    assert dump(engine) == before


def test_a_failure_after_the_frames_rolls_back_the_facts_and_frames(
    engine: Engine, landing: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_authority_month(landing, AUTHORITY, PERIOD, engine)
    before = dump(engine)
    _corrected(landing)
    real_insert = load_module.insert_rows

    def failing_findings(connection, name: str, rows: Rows) -> None:
        if name == "validation_finding":  # the load's last insert
            raise RuntimeError("injected failure")
        real_insert(connection, name, rows)

    monkeypatch.setattr(load_module, "insert_rows", failing_findings)
    with pytest.raises(RuntimeError, match="injected failure"):
        load_authority_month(landing, AUTHORITY, PERIOD, engine)

    assert dump(engine) == before


def test_rows_of_a_table_are_plain_values_with_dates_as_iso_text() -> None:
    table = pa.table({
        "d": pa.array([None, 0, 20_178], pa.date32()),
        "b": pa.array([True, None, False]),
        "n": pa.array([1.5, None, 2.0]),
        "s": pa.array(["x", None, ""], pa.string()),
    })
    assert Rows.of_table(table) == Rows(["d", "b", "n", "s"], [
        (None, True, 1.5, "x"), ("1970-01-01", None, None, None),
        ("2025-03-31", False, 2.0, "")])
