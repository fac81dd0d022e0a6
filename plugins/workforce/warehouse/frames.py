"""Typed frames of the warehouse's queries, and each loaded month's stored columnar copy.

The KPIs read a year or more of HR and establishment rows for a council-month. Fetched row
by row, the driver makes one Python object per value (about 0.25 µs each: most of a large
council's KPI time). So the load also stores, for each month, the rows of each of the KPIs'
reads as one Arrow stream (``kpi_month_frame``), read back in a few milliseconds.

The copy is made in the load's transaction from the rows the load has just inserted, so it
holds exactly those rows; it is replaced and deleted with its month (``sql/delete_month.sql``).
A read that selects one table's rows of the month (:data:`SELECTIONS`) is taken from the
Arrow table the load inserted, typed as :func:`_typed` types the same values read back from
the database; the others run their query on the inserted rows. A month loaded before copies
were stored is read from its table by the same query. So a frame is the same whichever way
it came.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

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
# The reads that are one table's rows of a month, some of its columns, in the extract's row
# order (a load's table is in that order); establishment's query leaves the order within a
# month open, and post_id's is the one SQLite's primary key gives it.
SELECTIONS = {"kpi_hr_staff": ("hr_staff", None), "kpi_establishment": ("establishment", "post_id"),
              "kpi_agency_spend": ("agency_spend", None), "kpi_caseloads": ("caseloads", None)}
_COLUMNS: dict[str, list[str]] = {}  # each query's column names, asked once per process
# Uncompressed: a month reads in tens of microseconds rather than half a millisecond, for
# about a third more than the month's rows take in their table (docs/performance.md).
_WRITE_OPTIONS = ipc.IpcWriteOptions(compression=None)
_TEXT = pa.dictionary(pa.int32(), pa.string())


def read_frame(connection: Connection, name: str, params: dict[str, str]) -> pd.DataFrame:
    """The query's rows, typed alike on SQLite and PostgreSQL (:func:`_table`)."""
    return _frame(_table(connection, name, params))


def store_month_frames(connection: Connection, authority_code: str, period: Period,
                       load_id: str, inserted: Mapping[str, pa.Table] | None = None) -> None:
    """Store the month's rows of each of :data:`MONTH_FRAMES`, in the load's transaction:
    read back from the tables, or for :data:`SELECTIONS` taken from the tables' rows just
    inserted (``inserted``, the load's Arrow table of each), which saves reading them back."""
    keys = {"authority_code": authority_code, "first": str(period), "last": str(period)}
    frames = []
    for name in MONTH_FRAMES:
        if inserted is not None and name in SELECTIONS:
            source, order = SELECTIONS[name]
            table = _selected(inserted[source], _query_columns(connection, name), order)
        else:
            table = _table(connection, name, keys)
        frames.append({"authority_code": authority_code, "period": str(period), "kind": name,
                       "load_id": load_id, "arrow_stream": _stream(table)})
    connection.execute(query("insert_month_frame"), frames)  # one executemany


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
            table = _table(connection, name, {"authority_code": authority_code,
                                              "first": period, "last": period})
        else:
            table = ipc.open_stream(pa.py_buffer(stream)).read_all()
        tables.append(table.select(columns) if columns else table)
    if not tables:  # none loaded: typed, with no rows
        table = _table(connection, name, keys)
        return _frame(table.select(columns) if columns else table)
    return _frame(pa.concat_tables(tables, promote_options="permissive")
                  .unify_dictionaries().combine_chunks())


def _table(connection: Connection, name: str, params: dict[str, str]) -> pa.Table:
    """The query's rows straight from the database driver's cursor (no SQLAlchemy ``Row``
    for each), typed column by column: the same types from SQLite (text dates, 0/1 flags)
    as from PostgreSQL (date objects, booleans), text dictionary-encoded, and each row's
    month as a number (``Period.index``) for cheap comparison."""
    result = connection.execute(query(name), params)
    names = list(result.keys())
    rows = result.cursor.fetchall()
    result.close()
    cells = list(zip(*rows, strict=True)) if rows else [()] * len(names)
    table = pa.table({n: _typed(n, values) for n, values in zip(names, cells, strict=True)})
    if "period" in names:
        table = table.append_column("month", _month_numbers(cells[names.index("period")]))
    return table


def _query_columns(connection: Connection, name: str) -> list[str]:
    """The names of the query's columns, from running it once on no rows."""
    if name not in _COLUMNS:
        result = connection.execute(query(name), {"authority_code": "", "first": "", "last": ""})
        _COLUMNS[name] = list(result.keys())
        result.close()
    return _COLUMNS[name]


def _selected(rows: pa.Table, names: list[str], order: str | None) -> pa.Table:
    """What :func:`_table` gives for a query of ``names`` over the month's ``rows``."""
    if order is not None:
        rows = rows.take(pc.sort_indices(rows[order]))
    table = pa.table({n: _typed_arrow(n, rows[n].combine_chunks()) for n in names})
    if "period" in names:
        table = table.append_column("month", _month_numbers(rows["period"].to_pylist()))
    return table


def _typed_arrow(name: str, values: pa.Array) -> pa.Array:
    """What :func:`_typed` makes of these values when the database hands them back: dates as
    timestamps, flags as booleans, numbers as stored (floating point when there are none),
    text dictionary-encoded in order of first appearance."""
    if name in DATE_COLUMNS:
        return values.cast(pa.timestamp("us"))
    if name in FLAG_COLUMNS:  # stored from validation's booleans
        return values
    if name in NUMBER_COLUMNS:
        return values.cast(pa.float64()) if values.null_count == len(values) else values
    return pc.dictionary_encode(values.cast(pa.string()))


def _typed(name: str, values: Sequence[object]) -> pa.Array:
    # Each type named rather than inferred and cast: on a council's month of a few hundred
    # rows, pyarrow's per-call overhead is most of the cost.
    if name in DATE_COLUMNS:
        array = pa.array(values)
        if pa.types.is_string(array.type):  # SQLite hands back ISO text
            array = pc.strptime(array, format="%Y-%m-%d", unit="us")
        return array.cast(pa.timestamp("us"))
    if name in FLAG_COLUMNS:  # SQLite's 0/1, PostgreSQL's booleans
        return pa.array([None if v is None else bool(v) for v in values], pa.bool_())
    if name in NUMBER_COLUMNS:
        array = pa.array(values)
        # No values, or PostgreSQL's exact sums: floating point, as pandas would make them.
        if pa.types.is_null(array.type) or pa.types.is_decimal(array.type):
            return array.cast(pa.float64())
        return array
    return pa.array(values, _TEXT)


def _month_numbers(periods: Sequence[str | None]) -> pa.Array:
    """``Period.index`` of each ``YYYY-MM`` (missing stays missing), parsing each distinct
    month once."""
    numbers = {p: Period.parse(p).index for p in set(periods) if p is not None}
    return pa.array([numbers.get(p) for p in periods], pa.int64())


def _stream(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    with ipc.new_stream(sink, table.schema, options=_WRITE_OPTIONS) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def _frame(table: pa.Table) -> pd.DataFrame:
    """A typed table as the KPIs use it. Text becomes Python strings in object columns, each
    distinct value once: pandas would otherwise make Arrow-backed strings, several times
    slower to hash (``isin``, ``groupby``) in frames of this size."""
    columns = {}
    for field, column in zip(table.schema, table.columns, strict=True):
        if pa.types.is_dictionary(field.type):
            columns[field.name] = pd.Series(_python_strings(column), dtype=object)
        else:
            columns[field.name] = column.to_pandas()
    return pd.DataFrame(columns)


def _python_strings(column: pa.ChunkedArray) -> np.ndarray:
    """A dictionary-encoded text column as an object array, gaps None."""
    parts = []
    for chunk in column.chunks:
        values = np.array([*chunk.dictionary.to_pylist(), None], dtype=object)
        parts.append(values[chunk.indices.fill_null(len(chunk.dictionary)).to_numpy()])
    return np.concatenate(parts) if parts else np.array([], dtype=object)
