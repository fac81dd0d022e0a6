"""The warehouse's schema revisions, on SQLite and PostgreSQL: a warehouse made by the release
before migrations upgrades to head with every row kept; a fresh one is made by the same
migrations; commands on an out-of-date warehouse stop saying what to run."""

from __future__ import annotations

import datetime as dt
from contextlib import ExitStack
from pathlib import Path

import pytest
from sqlalchemy import Engine, inspect, text

from conftest import AUTHORITY, PERIOD, postgres_warehouse
from workforce.cli import main
from workforce.kpis import compute_month
from workforce.pipeline import load_authority_month
from workforce.warehouse import (
    make_engine,
    require_current,
    upgrade_warehouse,
    warehouse_revision,
)
from workforce.warehouse.bulk import Rows, insert_rows
from workforce.warehouse.revisions import head_revision

FIXTURES = Path(__file__).parent / "fixtures"
# The tables of the release before migrations (tests/fixtures/schema_before_migrations.sql).
OLD_TABLES = ["load_batch", "extract_file", "hr_staff", "establishment", "agency_spend",
              "caseloads", "kpi_month_frame", "validation_finding", "kpi_value",
              "retention_payment", "retention_curve"]


def build_old_warehouse(engine: Engine) -> None:
    """The tables exactly as the release before migrations created them, no revision."""
    body = "\n".join(line for line in (FIXTURES / "schema_before_migrations.sql")
                     .read_text().splitlines() if not line.lstrip().startswith("--"))
    with engine.begin() as connection:
        for statement in filter(str.strip, body.split(";")):
            connection.exec_driver_sql(statement)


def plain(value: object) -> object:
    """One type per value whichever the backend (ISO dates, 0/1 flags, bytes)."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, memoryview):
        return bytes(value)
    return value


def columns_of(engine: Engine, tables: list[str] = OLD_TABLES) -> dict[str, list[str]]:
    inspector = inspect(engine)
    return {t: [c["name"] for c in inspector.get_columns(t)] for t in tables}


def dump(engine: Engine, tables: list[str] = OLD_TABLES,
         columns: dict[str, list[str]] | None = None) -> dict[str, list[tuple]]:
    """Every row of ``tables`` (only ``columns``, if given), in a stable order."""
    with engine.connect() as connection:
        return {t: sorted((tuple(plain(v) for v in row) for row in connection.execute(text(
            f"SELECT {', '.join(columns[t]) if columns else '*'} FROM {t}"))), key=repr)
                for t in tables}


def copy_rows(source: Engine, target: Engine) -> None:
    """The rows of the release before migrations' tables, in the columns the target has."""
    with source.connect() as read, target.begin() as write:
        for table, names in columns_of(target).items():
            result = read.execute(text(f"SELECT {', '.join(names)} FROM {table}"))
            insert_rows(write, table, Rows(names, [tuple(r) for r in result]))


@pytest.fixture
def filled(tmp_path: Path, landing: Path) -> Engine:
    """A warehouse of today's code holding a loaded and computed month: the rows to copy."""
    source = make_engine(f"sqlite:///{tmp_path / 'source.db'}")
    load_authority_month(landing, AUTHORITY, PERIOD, source)
    compute_month(source, AUTHORITY, PERIOD)
    return source


def test_a_warehouse_from_before_migrations_upgrades_to_head_keeping_every_row(
    engine: Engine, filled: Engine, landing: Path
) -> None:
    build_old_warehouse(engine)
    copy_rows(filled, engine)
    old = columns_of(engine)
    before = dump(engine, columns=old)
    assert before == dump(filled, columns=old)
    assert all(before[t] for t in ("load_batch", "hr_staff", "kpi_month_frame", "kpi_value"))
    state = warehouse_revision(engine)
    assert (state.current, state.empty, state.up_to_date) == (None, False, False)

    upgraded_from, now = upgrade_warehouse(engine)

    assert upgraded_from.current is None and now.current == head_revision()
    assert dump(engine, columns=old) == before
    with engine.connect() as connection:  # results of that release came from the extracts
        sources = connection.execute(text("SELECT DISTINCT source FROM kpi_value")).scalars()
        assert list(sources) == ["monthly"]
    with engine.connect() as connection:
        authorities = connection.execute(text(
            "SELECT authority_code, key_fingerprint FROM authority")).all()
    # Known to the warehouse, its key not yet recorded: the next load records it.
    assert [tuple(a) for a in authorities] == [(AUTHORITY, None)]
    # The upgraded warehouse works: the month reloads unchanged and recomputes the same.
    assert load_authority_month(landing, AUTHORITY, PERIOD, engine).unchanged
    kpis = kpi_values(engine)
    compute_month(engine, AUTHORITY, PERIOD)
    assert kpi_values(engine) == kpis


def kpi_values(engine: Engine) -> list[tuple]:
    """Every stored KPI result but when and by which code it was computed."""
    with engine.connect() as connection:
        return sorted(tuple(row) for row in connection.execute(text(
            "SELECT authority_code, period, scope_type, scope_code, kpi, unit, numerator, "
            "denominator, value, target, rag, window_months, history_months, load_id, "
            "source_load_ids FROM kpi_value")))


def schema_of(engine: Engine) -> dict[str, tuple]:
    """Each table's columns (name, nullable), primary key, indexes and references. A primary
    key column's nullability is left out: SQLite lets a one-column TEXT PRIMARY KEY hold NULL
    unless it says NOT NULL, which the old schema did not (no load ever wrote one)."""
    inspector = inspect(engine)
    schema = {}
    for table in inspector.get_table_names():
        key = inspector.get_pk_constraint(table)["constrained_columns"]
        schema[table] = (
            sorted((c["name"], c["nullable"] or c["name"] in key)
                   for c in inspector.get_columns(table)),
            sorted(key),
            sorted(i["name"] for i in inspector.get_indexes(table)),
            sorted(fk["referred_table"] for fk in inspector.get_foreign_keys(table)),
        )
    return schema


def test_a_fresh_warehouse_and_an_upgraded_one_have_the_same_schema(
    request: pytest.FixtureRequest, engine: Engine, tmp_path: Path
) -> None:
    build_old_warehouse(engine)
    upgrade_warehouse(engine)
    with ExitStack() as stack:
        if engine.dialect.name == "sqlite":
            fresh = make_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
        else:
            fresh = stack.enter_context(
                postgres_warehouse(request.getfixturevalue("postgres_server")))
        upgrade_warehouse(fresh)
        assert schema_of(engine) == schema_of(fresh)


def test_an_empty_warehouse_is_created_by_the_migrations(engine: Engine) -> None:
    assert warehouse_revision(engine).empty
    require_current(engine)
    state = warehouse_revision(engine)
    assert state.current == head_revision() and state.up_to_date
    assert set(OLD_TABLES) <= set(inspect(engine).get_table_names())


def test_upgrading_twice_changes_nothing(engine: Engine, filled: Engine) -> None:
    upgrade_warehouse(engine)
    copy_rows(filled, engine)
    before = dump(engine)
    first, second = upgrade_warehouse(engine)
    assert first.current == second.current == head_revision()
    assert dump(engine) == before


def test_a_half_made_warehouse_that_is_not_ours_is_refused(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE load_batch (load_id TEXT PRIMARY KEY)")
    with pytest.raises(RuntimeError, match=r"load_batch exists without the columns"):
        upgrade_warehouse(engine)
    # Nothing was left behind by the failed upgrade.
    assert set(inspect(engine).get_table_names()) == {"load_batch"}


def at_first_revision(engine: Engine, landing: Path) -> dict[str, list[tuple]]:
    """A warehouse at revision 0001 holding a month, as a release of that revision left it."""
    source = make_engine(f"sqlite:///{landing.parent / 'first.db'}")
    load_authority_month(landing, AUTHORITY, PERIOD, source)
    upgrade_warehouse(engine, "0001")
    copy_rows(source, engine)
    return dump(engine)


def test_commands_on_an_out_of_date_warehouse_stop_saying_what_to_run(
    tmp_path: Path, landing: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = make_engine(url)
    before = at_first_revision(engine, landing)
    expected = (f"warehouse {url} at revision 0001, this code needs {head_revision()}: run "
                "`workforce db upgrade`")
    for argv in (["load", "--extracts", str(landing), "--period", "2025-03"],
                 ["kpis", "--period", "2025-03"], ["status"],
                 ["report", "cabinet", "--period", "2025-03", "--out", str(tmp_path / "out")],
                 ["rotate-key", "--authority", AUTHORITY]):
        capsys.readouterr()
        assert main([*argv, "--warehouse", url]) == 2, argv
        assert capsys.readouterr().err.strip() == f"workforce: {expected}", argv
    assert dump(engine) == before

    assert main(["db", "status", "--warehouse", url]) == 1
    assert capsys.readouterr().out.startswith(f"Warehouse {url}: at revision 0001, this code")
    assert main(["db", "upgrade", "--warehouse", url]) == 0
    out = capsys.readouterr().out
    assert f"upgraded from revision 0001 to {head_revision()}" in out
    assert main(["db", "status", "--warehouse", url]) == 0
    assert main(["load", "--extracts", str(landing), "--period", "2025-03",
                 "--warehouse", url]) == 0


def test_a_warehouse_from_a_newer_release_is_refused_not_downgraded(
    engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    upgrade_warehouse(engine)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(RuntimeError, match=r"at revision 9999, which this code does not know"):
        require_current(make_engine(engine.url.render_as_string(hide_password=False)))
    with pytest.raises(RuntimeError, match=r"9999, which this code does not know"):
        upgrade_warehouse(engine)


def test_each_revision_names_the_one_before_in_one_line() -> None:
    """One chain of revisions (no branches), each file named for its revision."""
    from alembic.script import ScriptDirectory

    from workforce.warehouse.revisions import MIGRATIONS_DIR, _config

    scripts = list(ScriptDirectory.from_config(_config()).walk_revisions())
    assert len(ScriptDirectory.from_config(_config()).get_heads()) == 1
    for script in scripts:
        assert Path(script.path).name.startswith(f"{script.revision}_"), script.path
    assert {Path(p).name for p in (MIGRATIONS_DIR / "versions").glob("*.py")} == {
        Path(s.path).name for s in scripts}


def test_revision_0004_keeps_every_kpi_value_as_a_monthly_one(
    engine: Engine, filled: Engine
) -> None:
    """From the revision before: every stored result kept, marked monthly, and a census
    result can then sit beside it under the same month, scope and KPI."""
    upgrade_warehouse(engine, "0003")
    copy_rows(filled, engine)
    old = columns_of(engine)
    before = dump(engine, columns=old)

    assert upgrade_warehouse(engine)[1].current == "0004"

    assert dump(engine, columns=old) == before
    with engine.begin() as connection:
        assert list(connection.execute(text(
            "SELECT DISTINCT source FROM kpi_value")).scalars()) == ["monthly"]
        connection.execute(text(
            "INSERT INTO kpi_value (authority_code, period, scope_type, scope_code, kpi, unit, "
            "load_id, source_load_ids, computed_at, code_version, source) SELECT "
            "authority_code, period, scope_type, scope_code, kpi, unit, load_id, "
            "source_load_ids, computed_at, code_version, 'census' FROM kpi_value"))
        shown = connection.execute(text(
            "SELECT source, COUNT(*) FROM bi_kpi_results GROUP BY source ORDER BY source"))
        assert [tuple(r) for r in shown] == [("census", len(before["kpi_value"])),
                                             ("monthly", len(before["kpi_value"]))]
