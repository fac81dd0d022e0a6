"""Personal data stops at the warehouse door: pseudonymous worker references, age bands."""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
from functools import cache

import numpy as np
import pandas as pd

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
    age = (on.year - born.dt.year - before_birthday.astype("Int64")).to_numpy(
        dtype=float, na_value=np.nan)
    # Each age's band found by search, not band by band: a load bands thousands of rows.
    band = np.searchsorted(BAND_LOWS, age, side="right") - 1
    known = ~np.isnan(age) & (band >= 0)
    known[known] &= age[known] <= BAND_HIGHS[band[known]]
    labels = np.where(known, BAND_LABELS[np.clip(band, 0, None)], None)
    return pd.Series(labels, index=birth_dates.index, dtype="string")
