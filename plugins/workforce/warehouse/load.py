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
import pandas as pd
from sqlalchemy import Connection, Engine

from workforce.contracts import CONTRACTS, ColumnType
from workforce.findings import ExtractRejected
from workforce.periods import Period
from workforce.privacy import age_band, pseudonym_key, pseudonymise
from workforce.validation import ValidatedMonth
from workforce.version import code_version
from workforce.warehouse.schema import create_schema
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


def load_month(engine: Engine, month: ValidatedMonth, authority_code: str) -> LoadResult:
    """Replace the authority's month with the validated extracts, in one transaction."""
    if not month.ok or set(month.files) != set(CONTRACTS):
        raise ExtractRejected(month.findings)
    create_schema(engine)
    version = code_version()
    load_id = load_id_for(month, authority_code, version)
    keys = {"authority_code": authority_code, "period": str(month.period)}
    rows = {kind: len(frame) for kind, frame in month.frames.items()}

    with engine.begin() as connection:
        current = connection.execute(query("current_load"), keys).first()
        if current is not None and current.load_id == load_id:
            return LoadResult(authority_code, month.period, load_id, rows, False, True)
        tables = warehouse_frames(month, authority_code, load_id)
        for statement in statements("delete_month"):
            connection.execute(statement, keys)
        loaded_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        _insert(connection, "load_batch", Rows.of_records([
            {**keys, "load_id": load_id, "loaded_at": loaded_at, "code_version": version}
        ]))
        _insert(connection, "extract_file", Rows.of_records([
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
        for kind, frame in tables.items():
            _insert(connection, kind, Rows.of_frame(frame))
        _insert(connection, "validation_finding", Rows.of_records([
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


def warehouse_frames(
    month: ValidatedMonth, authority_code: str, load_id: str
) -> dict[str, pd.DataFrame]:
    """The typed extracts as warehouse rows: workers pseudonymised, birth dates banded,
    money in pence, each row stamped with its authority, month, load and source row."""
    key = pseudonym_key()
    end = pd.Timestamp(month.period.end)
    frames = {}
    for kind, typed in month.frames.items():
        frame = typed.copy()
        if kind == "hr_staff":
            frame["worker_ref"] = pseudonymise(frame.pop("employee_id"), authority_code,
                                               "employee", key)
            frame["age_band"] = age_band(frame.pop("birth_date"), end)
        elif kind == "agency_spend":
            frame["worker_ref"] = pseudonymise(frame["worker_ref"], authority_code, "agency", key)
        elif kind == "caseloads":
            refs = frame["worker_ref"].copy()
            for worker_type in ("employee", "agency"):
                rows = frame["worker_type"] == worker_type
                refs.loc[rows] = pseudonymise(frame.loc[rows, "worker_ref"], authority_code,
                                          worker_type, key)
            frame["worker_ref"] = refs
        money = [c.name for c in CONTRACTS[kind].columns if c.type is ColumnType.MONEY]
        frame = frame.rename(columns={c: c.removesuffix("_gbp") + "_pence" for c in money})
        frame.insert(0, "source_row", frame.index + 2)
        frame.insert(0, "load_id", load_id)
        frame.insert(0, "period", str(month.period))
        frame.insert(0, "authority_code", authority_code)
        frames[kind] = frame
    return frames


@dataclass(frozen=True)
class Rows:
    """Rows for one table as the database driver takes them: a tuple of plain Python values
    per row (dates as ISO text, which both backends store as the date; gaps as None), in the
    order of ``columns``."""

    columns: list[str]
    values: list[tuple]

    @classmethod
    def of_records(cls, records: list[dict]) -> Rows:
        return cls(list(records[0]) if records else [], [tuple(r.values()) for r in records])

    @classmethod
    def of_frame(cls, frame: pd.DataFrame) -> Rows:
        # Column by column in numpy, not cell by cell: converting values one at a time was
        # most of a load's time.
        cells = []
        for _, values in frame.items():
            if pd.api.types.is_datetime64_any_dtype(values):
                days = values.to_numpy()
                text = np.datetime_as_string(days, unit="D").astype(object)
                text[np.isnat(days)] = None
                cells.append(text.tolist())
            else:
                cells.append(values.to_numpy(dtype=object, na_value=None).tolist())
        return cls(list(frame.columns), list(zip(*cells, strict=True)))


def _insert(connection: Connection, name: str, rows: Rows) -> None:
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
