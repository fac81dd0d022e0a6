"""Inserting many rows at once, below SQLAlchemy's per-row parameter handling."""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
from sqlalchemy import Connection

# Every text value quoted, a null as nothing at all: how COPY's CSV format tells a null from
# an empty text. Numbers are written in the shortest form that reads back as the same double.
_CSV = pa_csv.WriteOptions(include_header=False, quoting_style="needed")


@dataclass(frozen=True)
class Rows:
    """Rows for one table as the database driver takes them: a tuple of plain Python values
    per row, in the order of ``columns``."""

    columns: list[str]
    values: list[tuple]

    @classmethod
    def of_records(cls, records: list[dict]) -> Rows:
        return cls(list(records[0]) if records else [], [tuple(r.values()) for r in records])

    @classmethod
    def of_table(cls, table: pa.Table) -> Rows:
        """An Arrow table's rows, dates as ISO text (which both backends store as the date)."""
        values = [(pc.cast(column, pa.string()) if pa.types.is_date(column.type) else column)
                  .to_pylist() for column in table.columns]
        return cls(table.column_names, list(zip(*values, strict=True)))


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


def insert_table(connection: Connection, name: str, table: pa.Table) -> None:
    """Insert an Arrow table's rows (its columns named as the table's), in the connection's
    transaction. On PostgreSQL, COPY in CSV written by Arrow, so no Python object is made for
    any value; on SQLite, whose driver binds Python values, one executemany of its rows
    (``insert_rows``)."""
    if not table.num_rows:
        return
    if connection.dialect.name == "postgresql":
        sink = pa.BufferOutputStream()
        pa_csv.write_csv(table, sink, _CSV)
        names = ", ".join(table.column_names)
        driver = connection.connection.driver_connection
        with driver.cursor() as cursor, cursor.copy(
                f"COPY {name} ({names}) FROM STDIN (FORMAT csv, ENCODING 'UTF8')") as copy:
            copy.write(memoryview(sink.getvalue()))
        return
    insert_rows(connection, name, Rows.of_table(table))
