"""The pseudonym key cannot drift: each authority's pseudonyms are made with one key, whose
fingerprint the warehouse records at the authority's first load.

A load with another key, or with none, would give every worker a new pseudonym and silently
break every measure that follows workers across months (stability, retention, leavers and
returners). So such a load is refused before anything is written, saying how to rotate the
key deliberately (``workforce rotate-key``). The development key is accepted only by a
warehouse marked as a development one (the sample's and the tests'); anywhere else a load
without a key fails closed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Sequence

from sqlalchemy import Connection, Engine

from workforce.errors import PseudonymKeyError
from workforce.privacy import (
    DEVELOPMENT_KEY,
    KEY_VARIABLE,
    configured_key,
    pseudonyms,
    warn_development_key,
)
from workforce.version import code_version
from workforce.warehouse.sql import query

# What the fingerprint is an HMAC of: a fixed text, so it identifies the key and reveals
# nothing of it, nor of any worker.
FINGERPRINT_TEXT = b"workforce pseudonym key fingerprint, version 1"
DEVELOPMENT_SETTING = "development"
ROTATE_HINT = ("to change keys deliberately, run `workforce rotate-key --authority {code}` "
               "(docs/operations.md, \"Rotating the pseudonym key\")")


def key_fingerprint(key: bytes) -> str:
    return hmac.new(key, FINGERPRINT_TEXT, hashlib.sha256).hexdigest()


def short(fingerprint: str) -> str:
    """The first characters of a fingerprint, enough to tell two keys apart in a message."""
    return fingerprint[:12]


def is_development(connection: Connection) -> bool:
    value = connection.execute(query("warehouse_setting"), {"name": DEVELOPMENT_SETTING})
    return value.scalar() == "true"


def mark_development(engine: Engine) -> None:
    """Mark the warehouse as a development one, where loads without a key use the development
    key. Refused where an authority's pseudonyms were made with a real key."""
    development = key_fingerprint(DEVELOPMENT_KEY.encode())
    with engine.begin() as connection:
        live = [row.authority_code for row in connection.execute(query("authority_keys"))
                if row.key_fingerprint not in (None, development)]
        if live:
            raise PseudonymKeyError(
                f"not marking the warehouse as a development one: the pseudonyms of "
                f"{', '.join(live)} were made with a real key")
        connection.execute(query("set_warehouse_setting"),
                           {"name": DEVELOPMENT_SETTING, "value": "true"})


def usable_key(connection: Connection) -> bytes:
    """``WORKFORCE_PSEUDONYM_KEY``, or the development key where the warehouse allows it;
    ``PseudonymKeyError`` where it does not."""
    key = configured_key()
    development = is_development(connection)
    if key is None and development:
        warn_development_key()
        return DEVELOPMENT_KEY.encode()
    if key is None or (key == DEVELOPMENT_KEY.encode() and not development):
        problem = "is not set" if key is None else "is the development key"
        raise PseudonymKeyError(
            f"{KEY_VARIABLE} {problem}, and this warehouse is not a development one: nothing "
            f"was loaded. Set {KEY_VARIABLE} to the council's secret pseudonym key (the one its "
            "months were loaded with); a sample or test warehouse is marked with `workforce "
            "db upgrade --development`")
    return key


def authority_key(connection: Connection, authority_code: str, name: str | None = None,
                  employee_ids: Sequence[str | None] = ()) -> bytes:
    """The key to pseudonymise the authority's month with, checked against the fingerprint
    recorded at its first load (recorded now, in the caller's transaction, if there is none).
    ``PseudonymKeyError`` before anything is written when it differs.

    An authority loaded before fingerprints were recorded has pseudonyms but no fingerprint:
    its first load since must give at least one of the month's employees (``employee_ids``)
    a pseudonym already stored, or the key is not the one those months were loaded with."""
    key = usable_key(connection)
    fingerprint = key_fingerprint(key)
    recorded = connection.execute(query("authority_key"),
                                  {"authority_code": authority_code}).first()
    if recorded is not None and recorded.key_fingerprint not in (None, fingerprint):
        raise PseudonymKeyError(
            f"{authority_code}: the pseudonym key ({KEY_VARIABLE}, fingerprint "
            f"{short(fingerprint)}) is not the one this authority's pseudonyms were made with "
            f"(fingerprint {short(recorded.key_fingerprint)}, recorded "
            f"{recorded.key_recorded_at}): nothing was loaded, since every worker would get a "
            f"new pseudonym. Set {KEY_VARIABLE} to that key; "
            + ROTATE_HINT.format(code=authority_code))
    first = recorded is None or recorded.key_fingerprint is None
    if first:
        _check_continuity(connection, authority_code, key, employee_ids)
    connection.execute(query("upsert_authority"), {"authority_code": authority_code,
                                                   "name": name})
    if first:
        record_fingerprint(connection, authority_code, fingerprint)
    return key


def _check_continuity(connection: Connection, authority_code: str, key: bytes,
                      employee_ids: Sequence[str | None]) -> None:
    stored = set(connection.execute(query("authority_employee_refs"),
                                    {"authority_code": authority_code}).scalars())
    month = {ref for ref in pseudonyms(employee_ids, authority_code, "employee", key) if ref}
    if stored and month and not stored & month:
        raise PseudonymKeyError(
            f"{authority_code}: no pseudonym key fingerprint is recorded yet (months loaded "
            f"before fingerprints were), and this key ({KEY_VARIABLE}, fingerprint "
            f"{short(key_fingerprint(key))}) gives none of the month's {len(month)} employees "
            f"a pseudonym already stored for {authority_code}: it is not the key those months "
            f"were loaded with, and nothing was loaded. Set {KEY_VARIABLE} to that key")


def record_fingerprint(connection: Connection, authority_code: str, fingerprint: str) -> None:
    connection.execute(query("set_key_fingerprint"), {
        "authority_code": authority_code, "key_fingerprint": fingerprint,
        "recorded_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "code_version": code_version(),
    })


def authority_fingerprints(engine: Engine) -> list[tuple[str, str | None, str | None]]:
    """(code, name, short fingerprint or None) of every authority, for ``workforce db status``."""
    with engine.connect() as connection:
        return [(row.authority_code, row.name,
                 short(row.key_fingerprint) if row.key_fingerprint else None)
                for row in connection.execute(query("authority_keys"))]
