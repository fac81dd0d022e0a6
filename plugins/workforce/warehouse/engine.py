"""Connecting to the warehouse named by a URL (SQLite by default, PostgreSQL in production)."""

from __future__ import annotations

import os

from sqlalchemy import Engine, create_engine, event

from workforce.config import PROJECT_ROOT

URL_VARIABLE = "WORKFORCE_WAREHOUSE_URL"


def default_url() -> str:
    return f"sqlite:///{PROJECT_ROOT / 'var' / 'warehouse.db'}"


def warehouse_url(explicit: str | None = None) -> str:
    return explicit or os.environ.get(URL_VARIABLE) or default_url()


def make_engine(url: str | None = None) -> Engine:
    url = warehouse_url(url)
    if url.startswith("sqlite"):
        database = url.split("///", 1)[-1]
        if database and database != ":memory:":
            os.makedirs(os.path.dirname(os.path.abspath(database)), exist_ok=True)
        # Wait for a concurrent writer (parallel months) rather than failing at once.
        engine = create_engine(url, connect_args={"timeout": 60})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.close()
