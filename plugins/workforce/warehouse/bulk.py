"""Inserting many rows at once, below SQLAlchemy's per-row parameter handling."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection


@dataclass(frozen=True)
class Rows:
    """Rows for one table as the database driver takes them: a tuple of plain Python values
    per row, in the order of ``columns``."""

    columns: list[str]
    values: list[tuple]

    @classmethod
    def of_records(cls, records: list[dict]) -> Rows:
        return cls(list(records[0]) if records else [], [tuple(r.values()) for r in records])


def insert_rows(connection: Connection, name: str, rows: Rows) -> None:
    """Insert in bulk, in the connection's transaction: COPY on PostgreSQL (psycopg 3), one
    prepared executemany on SQLite. Neither goes through SQLAlchemy's per-row parameter
    handling, which costs more than the database's own work."""
    if not rows.values:
        return
    names = ", ".join(rows.columns)
    if connection.dialect.name == "postgresql":
        driver = connection.connection.driver_connection
        with driver.cursor() as cursor, cursor.copy(f"COPY {name} ({names}) FROM STDIN") as copy:
            for row in rows.values:
                copy.write_row(row)
    else:
        marks = ", ".join("?" * len(rows.columns))
        connection.exec_driver_sql(f"INSERT INTO {name} ({names}) VALUES ({marks})", rows.values)
