"""Loading a validated month: all four extracts in one transaction, or nothing.

A month already loaded from the same files by the same code is left untouched, so a rerun
changes nothing; anything else replaces that authority's month and nothing else.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
from sqlalchemy import Engine

from workforce.contracts import CONTRACTS, Column, ColumnType, Typed
from workforce.findings import ExtractRejected
from workforce.periods import Period
from workforce.privacy import age_band, pseudonyms
from workforce.validation import ValidatedMonth
from workforce.version import code_version
from workforce.warehouse.bulk import Rows, insert_rows, insert_table
from workforce.warehouse.frames import store_month_frames
from workforce.warehouse.keys import authority_key
from workforce.warehouse.revisions import require_current
from workforce.warehouse.sql import query, statements

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LoadResult:
    authority_code: str
    period: Period
    load_id: str
    rows: dict[str, int]
    replaced: bool  # an earlier load of this month was replaced
    unchanged: bool  # the month already held exactly these files

    def describe(self) -> str:
        if self.unchanged:
            return (
                f"{self.authority_code} {self.period}: already loaded from the same files "
                f"(load {self.load_id}); nothing changed"
            )
        counts = ", ".join(f"{n} {kind}" for kind, n in self.rows.items())
        verb = "replaced" if self.replaced else "loaded"
        return f"{self.authority_code} {self.period}: {verb} {counts} (load {self.load_id})"


def load_id_for(month: ValidatedMonth, authority_code: str, version: str) -> str:
    """Same authority, month, file contents and code → same id."""
    parts = [authority_code, str(month.period), version]
    parts += [f"{kind}:{month.files[kind].sha256}" for kind in sorted(month.files)]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def load_month(engine: Engine, month: ValidatedMonth, authority_code: str,
               authority_name: str | None = None) -> LoadResult:
    """Replace the authority's month with the validated extracts, in one transaction.

    Refused before anything is written when the warehouse is not at this code's revision
    (``WarehouseOutOfDate``) or the pseudonym key is not the authority's
    (``PseudonymKeyError``)."""
    if not month.ok or set(month.files) != set(CONTRACTS):
        raise ExtractRejected(month.findings)
    require_current(engine)
    version = code_version()
    load_id = load_id_for(month, authority_code, version)
    keys = {"authority_code": authority_code, "period": str(month.period)}
    rows = {kind: month.files[kind].rows for kind in month.columns}

    with engine.begin() as connection:
        key = authority_key(connection, authority_code, authority_name,
                            _arrow(month.columns["hr_staff"]["employee_id"]).to_pylist())
        current = connection.execute(query("current_load"), keys).first()
        if current is not None and current.load_id == load_id:
            return LoadResult(authority_code, month.period, load_id, rows, False, True)
        tables = warehouse_tables(month, authority_code, load_id, key)
        for statement in statements("delete_month"):
            connection.execute(statement, keys)
        loaded_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        insert_rows(connection, "load_batch", Rows.of_records([
            {**keys, "load_id": load_id, "loaded_at": loaded_at, "code_version": version}
        ]))
        insert_rows(connection, "extract_file", Rows.of_records([
            {
                **keys,
                "load_id": load_id,
                "kind": kind,
                "file_name": extract.name,
                "sha256": extract.sha256,
                "row_count": extract.rows,
                "loaded_at": loaded_at,
                "code_version": version,
            }
            for kind, extract in sorted(month.files.items())
        ]))
        for kind, table in tables.items():
            insert_table(connection, kind, table)
        store_month_frames(connection, authority_code, month.period, load_id, tables)
        insert_rows(connection, "validation_finding", Rows.of_records([
            {
                **keys,
                "load_id": load_id,
                "file_name": finding.file.rsplit("/", 1)[-1],
                "row_number": finding.row,
                "column_name": finding.column,
                "severity": str(finding.severity),
                "message": finding.message,
            }
            for finding in month.findings
        ]))
    result = LoadResult(authority_code, month.period, load_id, rows, current is not None, False)
    log.info(result.describe())
    return result


def warehouse_rows(month: ValidatedMonth, authority_code: str, load_id: str, key: bytes
                   ) -> dict[str, Rows]:
    """:func:`warehouse_tables` as rows of plain Python values."""
    return {kind: Rows.of_table(table)
            for kind, table in warehouse_tables(month, authority_code, load_id, key).items()}


def warehouse_tables(month: ValidatedMonth, authority_code: str, load_id: str, key: bytes
                     ) -> dict[str, pa.Table]:
    """The typed extracts as the warehouse's rows, an Arrow table per fact table: workers
    pseudonymised, birth dates banded, money in pence, each row stamped with its authority,
    month, load and source row, in the extract's row order.

    Built column by column straight from the validated columns, each converted once, by
    Arrow: copying, renaming and inserting into frames cost more than the conversion itself
    on councils' small files.

    Columns declared ``stored=False`` (the census-only items, e.g. the Social Work England
    number) are left out: the warehouse has no column for them, and they are read again from
    the landed files when needed (``workforce.census.export``)."""
    stamp = {"authority_code": authority_code, "period": str(month.period), "load_id": load_id}
    tables = {}
    for kind, typed in month.columns.items():
        cells = {_stored_name(column): _arrow(typed[column.name])
                 for column in CONTRACTS[kind].columns if column.stored}
        _protect_personal_data(kind, cells, typed, authority_code, month.period.end, key)
        tables[kind] = _stamped(stamp, month.files[kind].row_numbers, cells)
    return tables


def _stored_name(column: Column) -> str:
    """Money is stored in pence, and its column named so."""
    if column.type is ColumnType.MONEY:
        return column.name.removesuffix("_gbp") + "_pence"
    return column.name


def _arrow(values: Typed) -> pa.Array:
    """A typed column as the warehouse stores it: dates as dates, gaps null."""
    if isinstance(values, np.ndarray):  # dates, NaT for a gap
        return pa.array(values.astype("datetime64[D]"), from_pandas=True)
    return pa.array(values)


def _protect_personal_data(kind: str, cells: dict[str, pa.Array], typed: dict[str, Typed],
                           authority_code: str, end: dt.date, key: bytes) -> None:
    """Replace the worker references by pseudonyms and the birth date by an age band."""
    if kind == "hr_staff":
        cells["worker_ref"] = pa.array(pseudonyms(
            cells.pop("employee_id").to_pylist(), authority_code, "employee", key), pa.string())
        cells["age_band"] = pa.array(age_band(typed["birth_date"], end), pa.string())
        del cells["birth_date"]
    elif kind == "agency_spend":
        cells["worker_ref"] = pa.array(pseudonyms(
            cells["worker_ref"].to_pylist(), authority_code, "agency", key), pa.string())
    elif kind == "caseloads":
        # Each reference hashed as its row's worker type says (validation refuses any other).
        cells["worker_ref"] = pa.array([
            pseudonyms((ref,), authority_code, worker_type, key)[0]
            for ref, worker_type in zip(cells["worker_ref"].to_pylist(),
                                        cells["worker_type"].to_pylist(), strict=True)
        ], pa.string())


def _stamped(stamp: dict[str, str], source_rows: np.ndarray, cells: dict[str, pa.Array]
             ) -> pa.Table:
    n = len(source_rows)
    return pa.table({**{name: pa.array([value] * n, pa.string()) for name, value in stamp.items()},
                     "source_row": pa.array(source_rows, pa.int64()), **cells})
