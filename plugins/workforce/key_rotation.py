"""An authority's pseudonym key checked and changed against its landed extracts.

A pseudonym is a keyed hash of the worker's reference and cannot be turned back into it, so
the references are read again from the files each month was loaded from (checked against
their SHA-256 in the lineage) by the same code that loaded them. That serves two things:

- **Rotation** (``workforce rotate-key``): every stored pseudonym re-keyed in one
  transaction, so workers keep following themselves across months and every KPI stays as it
  was. A rotation that cannot re-key every stored pseudonym is refused whole.
- **The fingerprint of a warehouse from before fingerprints** (``workforce db upgrade`` with
  a key set): recorded only once the key is shown to give the stored pseudonyms of the
  authority's latest month.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from workforce.config import load_authority_config
from workforce.errors import PseudonymKeyError
from workforce.landed import landed_month
from workforce.periods import Period
from workforce.privacy import KEY_VARIABLE, configured_key
from workforce.warehouse import LoadedMonth, loaded_months, require_current
from workforce.warehouse.bulk import Rows, insert_rows
from workforce.warehouse.frames import store_month_frames
from workforce.warehouse.keys import (
    key_fingerprint,
    record_fingerprint,
    short,
    usable_key,
)
from workforce.warehouse.load import warehouse_rows
from workforce.warehouse.sql import query, statements

PROBLEMS_SHOWN = 10


@dataclass(frozen=True)
class Rotation:
    authority_code: str
    months: int
    pseudonyms: int
    fingerprint: str

    def describe(self) -> str:
        return (f"{self.authority_code}: {self.pseudonyms} pseudonyms re-keyed over "
                f"{self.months} months; key fingerprint now {short(self.fingerprint)}")


def rotate_key(engine: Engine, authority_code: str, old_key: bytes, new_key: bytes,
               extracts: Path) -> Rotation:
    """Re-key the authority's stored pseudonyms from ``old_key`` to ``new_key`` in one
    transaction; ``PseudonymKeyError`` (and nothing changed) when it cannot be done whole."""
    require_current(engine, create=False)
    _check_old_key(engine, authority_code, old_key)
    if new_key == old_key:
        raise PseudonymKeyError(f"{authority_code}: the new key is the old one; nothing to do")
    months = [m for m in loaded_months(engine) if m.authority_code == authority_code]
    renamed = _renames(months, authority_code, old_key, new_key, extracts)
    keys = {"authority_code": authority_code}
    with engine.begin() as connection:
        stored = set(connection.execute(query("authority_worker_refs"), keys).scalars())
        unknown = stored - set(renamed)
        if unknown:
            raise PseudonymKeyError(
                f"{authority_code}: {len(unknown)} stored pseudonyms match no worker of the "
                "landed extracts under the old key (were the settings' column mappings "
                "changed since those months were loaded?); nothing was changed")
        connection.execute(query("create_rekey_map"))
        insert_rows(connection, "rekey_map", Rows(["old_ref", "new_ref"], [
            (old, renamed[old]) for old in sorted(stored)]))
        for statement in statements("rekey_worker_refs"):
            connection.execute(statement, keys)
        # The month frames hold the pseudonyms too: made again from the re-keyed rows.
        connection.execute(query("delete_authority_frames"), keys)
        for month in months:
            store_month_frames(connection, authority_code, Period.parse(month.period),
                               month.load_id)
        fingerprint = key_fingerprint(new_key)
        record_fingerprint(connection, authority_code, fingerprint)
    return Rotation(authority_code, len(months), len(stored), fingerprint)


def record_verified_fingerprints(engine: Engine, extracts: Path
                                ) -> tuple[list[str], list[str]]:
    """For each authority without a key fingerprint (loaded before they were recorded), the
    configured key's, once it gives exactly the pseudonyms stored for the authority's latest
    month; ``PseudonymKeyError`` when it does not. (recorded, not checkable: that month's
    files are not under ``extracts``, so the next load checks the key and records it.)"""
    if configured_key() is None:
        return [], []
    with engine.connect() as connection:
        key = usable_key(connection)
        unrecorded = [row.authority_code for row in connection.execute(query("authority_keys"))
                      if row.key_fingerprint is None]
    recorded, unchecked = [], []
    months = loaded_months(engine)
    for code in unrecorded:
        latest = [m for m in months if m.authority_code == code][-1:]
        try:
            made = set(_renames(latest, code, key, key, extracts))
        except PseudonymKeyError:
            unchecked.append(code)
            continue
        keys = {"authority_code": code, "period": latest[0].period}
        with engine.begin() as connection:
            stored = set(connection.execute(query("month_worker_refs"), keys).scalars())
            if not stored <= made:
                raise PseudonymKeyError(
                    f"{code}: {KEY_VARIABLE} (fingerprint {short(key_fingerprint(key))}) is "
                    f"not the key {code}'s months were loaded with: it does not give the "
                    f"pseudonyms stored for {latest[0].period}. The schema was upgraded; no "
                    f"fingerprint was recorded. Set {KEY_VARIABLE} to that key and run "
                    "`workforce db upgrade` again")
            record_fingerprint(connection, code, key_fingerprint(key))
        recorded.append(code)
    return recorded, unchecked


def _check_old_key(engine: Engine, authority_code: str, old_key: bytes) -> None:
    with engine.connect() as connection:
        recorded = connection.execute(query("authority_key"),
                                      {"authority_code": authority_code}).first()
    if recorded is None or recorded.key_fingerprint is None:
        raise PseudonymKeyError(
            f"{authority_code}: no key fingerprint is recorded for this authority (nothing "
            "loaded since fingerprints were recorded): load a month with the old key first")
    if key_fingerprint(old_key) != recorded.key_fingerprint:
        raise PseudonymKeyError(
            f"{authority_code}: the old key given (fingerprint {short(key_fingerprint(old_key))})"
            f" is not the one this authority's pseudonyms were made with (fingerprint "
            f"{short(recorded.key_fingerprint)}); nothing was changed")


def _renames(months: list[LoadedMonth], authority_code: str, old_key: bytes, new_key: bytes,
             extracts: Path) -> dict[str, str]:
    """Old pseudonym → new, for every worker of the authority's loaded months, read from the
    files each month was loaded from."""
    settings = load_authority_config(authority_code)
    renamed: dict[str, str] = {}
    problems = []
    for month in months:
        validated, missing = landed_month(extracts, authority_code, month, settings)
        problems += missing
        if validated is None:
            continue
        before = warehouse_rows(validated, authority_code, month.load_id, old_key)
        after = warehouse_rows(validated, authority_code, month.load_id, new_key)
        for kind, rows in before.items():
            position = rows.columns.index("worker_ref") if "worker_ref" in rows.columns else None
            if position is None:
                continue
            for old, new in zip(rows.values, after[kind].values, strict=True):
                renamed[old[position]] = new[position]
    if problems:
        shown = "\n  ".join(problems[:PROBLEMS_SHOWN])
        hidden = len(problems) - PROBLEMS_SHOWN
        more = f"\n  and {hidden} more" if hidden > 0 else ""
        raise PseudonymKeyError(
            f"{authority_code}: cannot re-key: the worker references are read again from the "
            f"files each month was loaded from, under {extracts}, and these are not there as "
            f"loaded:\n  {shown}{more}\nRestore them (docs/operations.md); nothing was changed")
    return renamed
