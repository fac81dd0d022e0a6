"""Personal data stops at the warehouse door: pseudonymous worker references, age bands."""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
from functools import cache

import pandas as pd

from workforce.contracts import AGE_BANDS

log = logging.getLogger(__name__)

KEY_VARIABLE = "WORKFORCE_PSEUDONYM_KEY"
DEVELOPMENT_KEY = "development-only-pseudonym-key"
WITHHELD = "[personal data withheld]"
PREFIX = {"employee": "W", "agency": "A"}


def pseudonym_key() -> bytes:
    key = os.environ.get(KEY_VARIABLE)
    if not key:
        _warn_development_key()
        key = DEVELOPMENT_KEY
    return key.encode()


@cache
def _warn_development_key() -> None:
    """Once per process: a history import loads many months and needs telling only once."""
    log.warning("%s is not set: using the development key (not for live data)", KEY_VARIABLE)


def pseudonymise(refs: pd.Series, authority_code: str, worker_type: str, key: bytes) -> pd.Series:
    """Keyed hash of each worker reference: stable across months, not reversible without the
    key, and distinct between councils that reuse employee numbers."""
    prefix = PREFIX[worker_type]

    def one(ref: str) -> str:
        message = f"{authority_code}|{worker_type}|{ref}".encode()
        return prefix + hmac.new(key, message, hashlib.sha256).hexdigest()[:11].upper()

    unique = refs.dropna().unique()
    lookup = dict(zip(unique, map(one, unique), strict=True))
    return refs.map(lookup)


def age_band(birth_dates: pd.Series, on: pd.Timestamp) -> pd.Series:
    """Age in whole years at ``on`` as a band such as '30-39'; the date itself is dropped."""
    born = pd.to_datetime(birth_dates)
    before_birthday = (born.dt.month > on.month) | (
        (born.dt.month == on.month) & (born.dt.day > on.day)
    )
    age = on.year - born.dt.year - before_birthday.astype("Int64")
    bands = pd.Series(pd.NA, index=birth_dates.index, dtype="string")
    for low, high in AGE_BANDS:
        label = f"{low}-{high}" if high is not None else f"{low}+"
        in_band = (age >= low) & (age <= high) if high is not None else age >= low
        bands[in_band.fillna(False).astype(bool)] = label
    return bands
