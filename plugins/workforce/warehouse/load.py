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
from workforce.warehouse.bulk import Rows, insert_rows
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
                            _cells(month.columns["hr_staff"]["employee_id"]))
        current = connection.execute(query("current_load"), keys).first()
        if current is not None and current.load_id == load_id:
            return LoadResult(authority_code, month.period, load_id, rows, False, True)
        tables = warehouse_rows(month, authority_code, load_id, key)
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
            insert_rows(connection, kind, table)
        store_month_frames(connection, authority_code, month.period, load_id)
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
    """The typed extracts as warehouse rows: workers pseudonymised, birth dates banded,
    money in pence, each row stamped with its authority, month, load and source row.

    Built column by column straight from the validated columns: copying, renaming and
    inserting into frames cost more than the conversion itself on councils' small files.

    Columns declared ``stored=False`` (the census-only items, e.g. the Social Work England
    number) are left out: the warehouse has no column for them, and they are read again from
    the landed files when needed (``workforce.census.export``)."""
    stamp = {"authority_code": authority_code, "period": str(month.period), "load_id": load_id}
    tables = {}
    for kind, typed in month.columns.items():
        cells = {_stored_name(column): _cells(typed[column.name])
                 for column in CONTRACTS[kind].columns if column.stored}
        _protect_personal_data(kind, cells, typed, authority_code, month.period.end, key)
        tables[kind] = _stamped(stamp, month.files[kind].row_numbers.tolist(), cells)
    return tables


def _stored_name(column: Column) -> str:
    """Money is stored in pence, and its column named so."""
    if column.type is ColumnType.MONEY:
        return column.name.removesuffix("_gbp") + "_pence"
    return column.name


def _cells(values: Typed) -> list:
    """A typed column as the driver takes it: plain Python values, dates as ISO text (which
    both backends store as the date), gaps as None."""
    if isinstance(values, np.ndarray):  # dates
        text = np.datetime_as_string(values, unit="D").astype(object)
        text[np.isnat(values)] = None
        return text.tolist()
    return pa.array(values).to_pylist()  # through Arrow: half the time of pandas' to_numpy


def _protect_personal_data(kind: str, cells: dict[str, list], typed: dict[str, Typed],
                           authority_code: str, end: dt.date, key: bytes) -> None:
    """Replace the worker references by pseudonyms and the birth date by an age band."""
    if kind == "hr_staff":
        cells["worker_ref"] = pseudonyms(cells.pop("employee_id"), authority_code, "employee",
                                         key)
        cells["age_band"] = age_band(typed["birth_date"], end)
        del cells["birth_date"]
    elif kind == "agency_spend":
        cells["worker_ref"] = pseudonyms(cells["worker_ref"], authority_code, "agency", key)
    elif kind == "caseloads":
        # Each reference hashed as its row's worker type says (validation refuses any other).
        cells["worker_ref"] = [
            pseudonyms((ref,), authority_code, worker_type, key)[0]
            for ref, worker_type in zip(cells["worker_ref"], cells["worker_type"], strict=True)
        ]


def _stamped(stamp: dict[str, str], source_rows: list[int], cells: dict[str, list]) -> Rows:
    n = len(source_rows)
    columns = {**{name: [value] * n for name, value in stamp.items()},
               "source_row": source_rows, **cells}
    return Rows(list(columns), list(zip(*columns.values(), strict=True)))
