"""Where the simulation's chance comes from: one generator seeded by the seed and the
authority code, drawn in a fixed order (``Draws``); draws fixed by a hash, for the census
columns, which must not move the generator; and the month's working days.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import itertools
from bisect import bisect
from functools import cache

import numpy as np

from workforce.periods import Period

UNIFORM_BLOCK = 4096  # uniform draws taken from the generator at a time


def _stable_seed(code: str, seed: int) -> list[int]:
    # Python's hash() of a str changes between runs, so the code is hashed with SHA-256.
    digest = hashlib.sha256(code.encode("utf-8")).digest()
    return [seed, int.from_bytes(digest[:8], "big")]


@cache
def _weekdays(period: Period) -> tuple[dt.date, ...]:
    days = calendar.monthrange(period.year, period.month)[1]
    dates = (dt.date(period.year, period.month, d) for d in range(1, days + 1))
    return tuple(d for d in dates if d.weekday() < 5)


@cache
def fridays_in(period: Period) -> tuple[dt.date, ...]:
    """The month's Fridays: the week endings of its timesheets."""
    return tuple(d for d in _weekdays(period) if d.weekday() == 4)


@cache
def _cumulative(weights: tuple[tuple[str, float], ...]) -> tuple[list[str], list[float]]:
    keys, values = zip(*weights, strict=True)
    return list(keys), list(itertools.accumulate(values))


def hashed_draw(*parts: str) -> float:
    """A draw in [0, 1) fixed by ``parts``: the census columns, off the simulation's generator."""
    digest = hashlib.sha256("|".join(parts).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def hashed_pick(weights: dict[str, float], *parts: str) -> str:
    keys, cumulative = _cumulative(tuple(weights.items()))
    return keys[min(bisect(cumulative, hashed_draw(*parts) * cumulative[-1]), len(keys) - 1)]


def swe_prefix(code: str) -> int:
    """Four digits of the council's, so two sample councils' SWE numbers differ."""
    return 1000 + int(hashed_draw(code, "swe") * 9000)


class Draws:
    """The council's generator and the small draws the simulation makes from it."""

    def __init__(self, code: str, seed: int) -> None:
        self.rng = np.random.default_rng(_stable_seed(code, seed))
        self._uniforms: list[float] = []

    def _uniform(self) -> float:
        """A draw in [0, 1). The simulation takes a few per post a month, so they come from
        the generator in blocks: one call per draw costs more than the rest of the month."""
        if not self._uniforms:
            self._uniforms = self.rng.random(UNIFORM_BLOCK).tolist()
        return self._uniforms.pop()

    def _pick(self, weights: dict[str, float]) -> str:
        keys, cumulative = _cumulative(tuple(weights.items()))
        return keys[min(bisect(cumulative, self._uniform() * cumulative[-1]), len(keys) - 1)]

    def _chance(self, p: float) -> bool:
        return self._uniform() < p

    def _index(self, n: int) -> int:
        """A random index into a sequence of ``n`` items."""
        return int(self._uniform() * n)

    def _day_in(self, period: Period) -> dt.date:
        days = _weekdays(period)
        return days[self._index(len(days))]
