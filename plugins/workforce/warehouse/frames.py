"""Typed frames of the warehouse's queries, and each loaded month's stored columnar copy.

The KPIs read a year or more of HR and establishment rows for a council-month. Fetched row
by row, the driver makes one Python object per value (about 0.25 µs each: most of a large
council's KPI time). So the load also stores, for each month, the rows of each of the KPIs'
reads as one Arrow stream (``kpi_month_frame``), read back in a few milliseconds.

The copy is made by running the same query on the rows the load has just inserted, in the
load's transaction, so it holds exactly those rows; it is replaced and deleted with its
month (``sql/delete_month.sql``). A month loaded before copies were stored is read from its
table by the same query.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.ipc as ipc
from sqlalchemy import Connection

from workforce.periods import Period
from workforce.warehouse.sql import query

# The KPIs' reads of a month's rows, stored with every loaded month: each query selects
# one authority's months from :first to :last (or the month :last alone).
MONTH_FRAMES = ("kpi_hr_staff", "kpi_establishment", "kpi_agency_spend", "kpi_agency_weeks",
                "kpi_caseloads")

DATE_COLUMNS = ("service_start_date", "leave_date", "week_ending", "placement_start_date")
FLAG_COLUMNS = ("qualified_sw", "case_holding", "funded")
NUMBER_COLUMNS = ("fte", "sickness_days", "budgeted_fte", "annual_cost_pence", "hours",
                  "line_cost_pence", "open_cases")
# Uncompressed: a month reads in tens of microseconds rather than half a millisecond, for
# about a third more than the month's rows take in their table (docs/performance.md).
_WRITE_OPTIONS = ipc.IpcWriteOptions(compression=None)


def read_frame(connection: Connection, name: str, params: dict[str, str]) -> pd.DataFrame:
    """The query's rows straight from the database driver's cursor, typed alike on SQLite
    and PostgreSQL. Text stays as Python strings (an object frame; pandas would otherwise
    make Arrow-backed strings): hashing them (``isin``, ``groupby``) is several times faster
    for frames of this size."""
    result = connection.execute(query(name), params)
    columns = list(result.keys())
    rows = result.cursor.fetchall()  # skips building a SQLAlchemy Row for every row
    result.close()
    return _typed(pd.DataFrame(rows, columns=columns, dtype=object))


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """The same types from SQLite (text dates, 0/1 flags) as from PostgreSQL (date objects),
    and each row's month as a number (``Period.index``) for cheap comparison."""
    for column in frame.columns:
        if column in DATE_COLUMNS:
            # An explicit format is quicker than inference; one unit whatever the driver gave.
            frame[column] = pd.to_datetime(frame[column], format="%Y-%m-%d").astype(
                "datetime64[us]")
        elif column in FLAG_COLUMNS:
            frame[column] = frame[column].astype(bool)
        elif column in NUMBER_COLUMNS:
            frame[column] = pd.to_numeric(frame[column])
    if "period" in frame.columns:
        frame["month"] = month_numbers(frame["period"])
    return frame


def month_numbers(periods: pd.Series) -> pd.Series:
    """``Period.index`` of each ``YYYY-MM`` (missing stays missing), parsing each distinct
    month once."""
    codes, texts = pd.factorize(periods)
    numbers = np.array([Period.parse(t).index for t in texts] + [-1])  # code -1: missing
    return pd.Series(numbers[codes], index=periods.index).where(codes >= 0)


def store_month_frames(connection: Connection, authority_code: str, period: Period,
                       load_id: str) -> None:
    """Store the month's rows of each of :data:`MONTH_FRAMES`, read back from the tables in
    the load's transaction."""
    keys = {"authority_code": authority_code, "first": str(period), "last": str(period)}
    for name in MONTH_FRAMES:
        connection.execute(query("insert_month_frame"), {
            "authority_code": authority_code, "period": str(period), "kind": name,
            "load_id": load_id, "arrow_stream": _stream(read_frame(connection, name, keys)),
        })


def read_months(connection: Connection, name: str, authority_code: str, first: Period,
                last: Period, columns: list[str] | None = None) -> pd.DataFrame:
    """What ``read_frame`` gives for query ``name`` (one of :data:`MONTH_FRAMES`) over the
    loaded months from ``first`` to ``last``, from the months' stored copies (``columns``
    only, if given)."""
    keys = {"authority_code": authority_code, "kind": name,
            "first": str(first), "last": str(last)}
    tables = []
    for period, stream in connection.execute(query("kpi_month_frames"), keys).all():
        if stream is None:  # loaded before copies were stored
            stream = _stream(read_frame(connection, name, {
                "authority_code": authority_code, "first": period, "last": period}))
        table = ipc.open_stream(pa.py_buffer(stream)).read_all()
        tables.append(table.select(columns) if columns else table)
    if not tables:
        frame = read_frame(connection, name, keys)  # none loaded: typed, with no rows
        return frame[columns] if columns else frame
    return _frame(pa.concat_tables(tables, promote_options="permissive")
                  .unify_dictionaries().combine_chunks())


def _stream(frame: pd.DataFrame) -> bytes:
    """A typed frame as an Arrow stream, text columns dictionary-encoded (each
    distinct value stored, and later made a Python string, once)."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    for i, field in enumerate(table.schema):
        if pa.types.is_string(field.type):
            table = table.set_column(i, field.name, pc.dictionary_encode(table.column(i)))
    sink = pa.BufferOutputStream()
    with ipc.new_stream(sink, table.schema, options=_WRITE_OPTIONS) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def _frame(table: pa.Table) -> pd.DataFrame:
    """The stored months as ``read_frame`` types them: text as Python strings in object
    columns, the rest as Arrow converts them."""
    columns = {}
    for field, column in zip(table.schema, table.columns, strict=True):
        if pa.types.is_dictionary(field.type) or pa.types.is_string(field.type) or (
                pa.types.is_null(field.type)):
            columns[field.name] = pd.Series(_python_strings(column), dtype=object)
        else:
            columns[field.name] = column.to_pandas()
    return pd.DataFrame(columns)


def _python_strings(column: pa.ChunkedArray) -> np.ndarray:
    """A text column as an object array; each distinct value becomes a Python string once
    (the months' dictionaries are unified first), gaps None."""
    parts = []
    for chunk in column.chunks:
        if pa.types.is_dictionary(chunk.type):
            values = np.array([*chunk.dictionary.to_pylist(), None], dtype=object)
            parts.append(values[chunk.indices.fill_null(len(chunk.dictionary)).to_numpy()])
        else:
            parts.append(np.array(chunk.to_pylist(), dtype=object))
    return np.concatenate(parts) if parts else np.array([], dtype=object)
