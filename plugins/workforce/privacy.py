"""Personal data stops at the warehouse door: pseudonymous worker references, age bands."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import os
from collections.abc import Iterable
from functools import cache, lru_cache

import numpy as np

from workforce.contracts import AGE_BANDS

log = logging.getLogger(__name__)

KEY_VARIABLE = "WORKFORCE_PSEUDONYM_KEY"
DEVELOPMENT_KEY = "development-only-pseudonym-key"
WITHHELD = "[personal data withheld]"
PREFIX = {"employee": "W", "agency": "A"}
BAND_LOWS = np.array([low for low, _ in AGE_BANDS])
BAND_HIGHS = np.array([np.inf if high is None else high for _, high in AGE_BANDS])
BAND_LABELS = np.array([f"{low}-{high}" if high is not None else f"{low}+"
                        for low, high in AGE_BANDS], dtype=object)
# Pseudonyms kept per process: the same workers come back every month, and a history import
# or a national month would otherwise hash each of them again. 2^17 of them (about 300 bytes
# each, 40 MiB at most) hold the national workforce of a year, about 60,000 workers.
PSEUDONYMS_KEPT = 1 << 17


def configured_key() -> bytes | None:
    """The pseudonym key from ``WORKFORCE_PSEUDONYM_KEY``, None when it is unset. Whether a
    warehouse accepts it (or the development key in its place) is decided against the
    fingerprint it recorded: ``workforce.warehouse.keys``."""
    key = os.environ.get(KEY_VARIABLE, "")
    return key.encode() if key else None


@cache
def warn_development_key() -> None:
    """Once per process: a history import loads many months and needs telling only once."""
    log.warning("%s is not set: using the development key, which this development warehouse "
                "allows (never for live data)", KEY_VARIABLE)


@lru_cache(maxsize=PSEUDONYMS_KEPT)
def _pseudonym(key: bytes, authority_code: str, worker_type: str, ref: str) -> str:
    message = f"{authority_code}|{worker_type}|{ref}".encode()
    return PREFIX[worker_type] + hmac.new(key, message, hashlib.sha256).hexdigest()[:11].upper()


def pseudonyms(refs: Iterable[str | None], authority_code: str, worker_type: str, key: bytes
               ) -> list[str | None]:
    """Keyed hash of each worker reference (None stays None): stable across months, not
    reversible without the key, and distinct between councils that reuse employee numbers."""
    return [None if ref is None else _pseudonym(key, authority_code, worker_type, ref)
            for ref in refs]


def age_band(birth_dates: np.ndarray, on: dt.date) -> list[str | None]:
    """Age in whole years at ``on`` as a band such as '30-39' (None where the date is
    missing or in the future); the date itself is dropped."""
    known = ~np.isnat(birth_dates)
    days = birth_dates.astype("datetime64[D]")
    months = days.astype("datetime64[M]")
    year = months.astype("datetime64[Y]").astype(np.int64) + 1970
    month = months.astype(np.int64) % 12 + 1
    day = (days - months).astype(np.int64) + 1
    before_birthday = (month > on.month) | ((month == on.month) & (day > on.day))
    age = on.year - year - before_birthday
    # Each age's band found by search, not band by band: a load bands thousands of rows.
    band = np.searchsorted(BAND_LOWS, age, side="right") - 1
    known &= band >= 0
    known[known] &= age[known] <= BAND_HIGHS[band[known]]
    return np.where(known, BAND_LABELS[np.clip(band, 0, None)], None).tolist()
