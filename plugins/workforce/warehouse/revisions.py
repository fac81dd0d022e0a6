"""The warehouse's schema revision: Alembic migrations in the package, one revision per change
(``warehouse/migrations/versions/``), the same on SQLite (batch mode) and PostgreSQL.

Every command and DAG task checks the revision before it reads or writes
(:func:`require_current`) and stops with a sentence saying what to run, instead of failing
later on a missing column. An empty database is created by the same migrations, so a fresh
warehouse and an upgraded one are the same.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, inspect

from workforce.errors import WarehouseOutOfDate

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# A table every release of this project has made: its presence without a recorded revision
# means a warehouse from the release before migrations.
MARKER_TABLE = "load_batch"
UPGRADE_HINT = "run `workforce db upgrade`"
LOCK_ID = 7_310_014  # PostgreSQL advisory lock held while upgrading


@dataclass(frozen=True)
class WarehouseRevision:
    current: str | None  # None: empty, or made before migrations
    head: str
    empty: bool

    @property
    def up_to_date(self) -> bool:
        return self.current == self.head

    def describe(self) -> str:
        """Where the warehouse is and, unless it is current, what to do about it."""
        if self.up_to_date:
            return f"at revision {self.head}, as this code needs"
        if self.empty:
            return f"empty (no tables): `workforce db upgrade` creates it at revision {self.head}"
        if self.current is None:
            return (f"at revision none (made before migrations), this code needs {self.head}: "
                    f"{UPGRADE_HINT}")
        if self.current not in known_revisions():
            return (f"at revision {self.current}, which this code does not know (made by a "
                    f"newer release?), this code needs {self.head}: use the release that made "
                    "it or a later one")
        return f"at revision {self.current}, this code needs {self.head}: {UPGRADE_HINT}"


def _config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


# Read once per process: the revisions shipped with this code do not change while it runs.
@cache
def head_revision() -> str:
    return ScriptDirectory.from_config(_config()).get_current_head()  # type: ignore[return-value]


@cache
def known_revisions() -> frozenset[str]:
    return frozenset(script.revision
                     for script in ScriptDirectory.from_config(_config()).walk_revisions())


def revision_of(connection: Connection) -> WarehouseRevision:
    current = MigrationContext.configure(connection).get_current_revision()
    empty = current is None and not inspect(connection).has_table(MARKER_TABLE)
    return WarehouseRevision(current, head_revision(), empty)


def warehouse_revision(engine: Engine) -> WarehouseRevision:
    with engine.connect() as connection:
        return revision_of(connection)


def upgrade_warehouse(engine: Engine, target: str = "head"
                      ) -> tuple[WarehouseRevision, WarehouseRevision]:
    """Bring the warehouse to the head revision (or ``target``, for tests of a migration) in
    one transaction; (before, after).

    On SQLite, foreign keys are off while tables are copied (batch mode drops and recreates
    a table, which referencing rows would otherwise block) and checked before committing."""
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys = OFF")
            # Python's sqlite3 would begin only at the first INSERT, leaving DDL outside it.
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        try:
            if not sqlite:  # one upgrade at a time (parallel tasks on a fresh warehouse)
                connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({LOCK_ID})")
            before = revision_of(connection)
            if before.current is not None and before.current not in known_revisions():
                raise WarehouseOutOfDate(_message(engine, before))
            command.upgrade(_config(connection), target)
            if sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                if broken:
                    raise WarehouseOutOfDate(
                        f"upgrade abandoned: {len(broken)} rows would break a reference "
                        f"(first in table {broken[0][0]}); the warehouse is unchanged")
            after = revision_of(connection)
            connection.commit()
        except BaseException:
            connection.rollback()
            raise
        finally:
            if sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys = ON")
    _checked.pop(engine, None)
    return before, after


# Engines found at the head revision, so a history import checks once, not once a month.
_checked: weakref.WeakKeyDictionary[Engine, bool] = weakref.WeakKeyDictionary()


def require_current(engine: Engine, create: bool = True) -> None:
    """Stop unless the warehouse is at the head revision: ``WarehouseOutOfDate`` naming
    where it is and what to run. An empty one is created at head (``create``)."""
    if engine in _checked:
        return
    state = warehouse_revision(engine)
    if state.empty and create:
        upgrade_warehouse(engine)
    elif not state.up_to_date:
        raise WarehouseOutOfDate(_message(engine, state))
    _checked[engine] = True


def _message(engine: Engine, state: WarehouseRevision) -> str:
    return f"warehouse {engine.url.render_as_string(hide_password=True)} {state.describe()}"
