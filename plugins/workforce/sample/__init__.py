"""Deterministic sample extracts for a fictional council.

A small month-by-month simulation: an establishment of posts in teams, people who start,
leave and now and then come back, agency locums covering vacancies, sickness and caseloads.
Its rates are tuned so the KPIs land near the national picture (vacancy and agency rates in
the teens, turnover about 15%, about 16 cases per case-holding FTE), so reports and tests
built on the sample look like a real council's. Every draw comes from one generator seeded
by the seed and the authority code, and everything is visited in list order, so the same
arguments always give byte-identical files.

The package: ``parameters`` (the rates, areas, roles and weights), ``draws`` (the seeded
generator), ``records`` (teams, people, posts, assignments, placements), ``council`` (the
simulation), ``rows`` (each month's extract rows) and ``messy`` (the messy council's
files); this module runs the council month by month and writes what it gives.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path
from statistics import NormalDist

import numpy as np
import pandas as pd

from workforce.contracts import CONTRACTS, KINDS
from workforce.parallel import in_processes
from workforce.periods import Period, period_range
from workforce.sample.council import Council
from workforce.sample.messy import (
    ASYE_TITLE,
    MESSY_AUTHORITY,
    MESSY_FILES,
    MESSY_SHEET,
    MESSY_WORDS,
    MONTH_ABBREVIATIONS,
    messy_settings,
    write_messy_variant,
)
from workforce.sample.parameters import MEDIAN_POSTS, POSTS_RANGE, POSTS_SPREAD
from workforce.sample.records import Row
from workforce.sample.rows import contract_frame, write_rows

__all__ = [
    "ASYE_TITLE",
    "DEFAULT_END",
    "MESSY_AUTHORITY",
    "MESSY_FILES",
    "MESSY_SHEET",
    "MESSY_WORDS",
    "MONTH_ABBREVIATIONS",
    "authority_codes",
    "authority_sizes",
    "generate_authority",
    "messy_settings",
    "write_authorities",
    "write_messy_variant",
    "write_sample",
]

DEFAULT_END = Period(2025, 3)

# The HR row cells a resignation given with notice fills in a month early.
HR_KEY = (0, 1)  # employee_id, post_id
HR_LEAVE, HR_REASON = (
    CONTRACTS["hr_staff"].column_names.index(c) for c in ("leave_date", "leaving_reason")
)


def __getattr__(name: str) -> object:
    # MESSY_MAPPING, the messy council's headers, is read from its settings when first asked
    # for, so the canonical sample never needs the file.
    if name == "MESSY_MAPPING":
        return messy_settings().column_mapping
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def generate_authority(
    code: str, end: Period, months: int, posts: int = 350, seed: int = 0, notice: bool = False
) -> dict[Period, dict[str, pd.DataFrame]]:
    """Canonical extracts (text cells, contract columns) for each of ``months`` months to ``end``.

    The same arguments always give the same frames; another code or seed, another council.
    ``notice``: resignations are recorded with notice, so a resignee's rows in the month
    before they leave already carry their leave date (after that month's end) and reason.
    """
    return {
        period: {kind: contract_frame(kind, rows) for kind, rows in month.items()}
        for period, month in _simulate(code, end, months, posts, seed, notice)
    }


def write_sample(
    root: Path,
    code: str = "NWT",
    end: Period | None = None,
    months: int = 24,
    posts: int = 350,
    seed: int = 0,
    messy: bool = False,
    notice: bool | None = None,
) -> list[Path]:
    """Write ``root/<code>/<YYYY-MM>/<kind>.csv`` for every month; return the month folders.

    ``messy`` writes each month as the messy council's systems export it (see
    :func:`write_messy_variant` and ``config/MSY.yaml``). ``notice`` records resignations
    with notice (see :func:`generate_authority`); by default only messy months do, so the
    canonical sample is unchanged."""
    notice = messy if notice is None else notice
    folders = []
    for period, month in _simulate(code, end or DEFAULT_END, months, posts, seed, notice):
        folder = Path(root) / code / str(period)
        if messy:
            # The messy council's systems hold none of the census-only columns.
            frames = {kind: contract_frame(kind, rows)[[c.name for c in CONTRACTS[kind].columns
                                                        if c.stored]]
                      for kind, rows in month.items()}
            write_messy_variant(frames, folder, period)
        else:
            # Rows straight to CSV, no frame: thousands of small files at national scale.
            folder.mkdir(parents=True, exist_ok=True)
            for kind in KINDS:
                write_rows(folder / f"{kind}.csv", CONTRACTS[kind].column_names, month[kind])
        folders.append(folder)
    return folders


def authority_codes(count: int) -> list[str]:
    """``LA001``, ``LA002``, ...: unique, and valid as settings file names."""
    return [f"LA{i:03d}" for i in range(1, count + 1)]


def authority_sizes(count: int, seed: int = 0) -> dict[str, int]:
    """Establishment posts for ``count`` sample councils, by code: evenly spaced quantiles of
    the size distribution, shuffled by the seed, so the spread and total are the same for
    every seed (random draws would leave 153 councils short of a large county now and then)."""
    sizes = NormalDist(math.log(MEDIAN_POSTS), POSTS_SPREAD)
    posts = [round(math.exp(sizes.inv_cdf((i + 0.5) / count))) for i in range(count)]
    order = np.random.default_rng(seed).permutation(count)
    return {code: min(max(posts[i], POSTS_RANGE[0]), POSTS_RANGE[1])
            for code, i in zip(authority_codes(count), order, strict=True)}


def write_authorities(
    root: Path,
    count: int,
    end: Period | None = None,
    months: int = 24,
    seed: int = 0,
    jobs: int | None = None,
) -> dict[str, int]:
    """Write :func:`write_sample` extracts for ``count`` councils of varied sizes (codes from
    :func:`authority_codes`), councils in parallel over ``jobs`` processes (default: one per
    CPU); return each council's establishment posts."""
    sizes = authority_sizes(count, seed)
    # Largest first, so no big council starts last while the other processes sit idle.
    codes = sorted(sizes, key=sizes.__getitem__, reverse=True)
    in_processes(write_sample, [Path(root)] * count, codes, [end] * count, [months] * count,
                 [sizes[c] for c in codes], [seed] * count, jobs=jobs)
    return sizes


def _simulate(
    code: str, end: Period, months: int, posts: int, seed: int, notice: bool = False
) -> Iterator[tuple[Period, dict[str, list[Row]]]]:
    """Each month to ``end`` in order, with its rows by kind, from one council."""
    if months < 1:
        raise ValueError(f"months must be at least 1; got {months}")
    first = end.shift(-(months - 1))
    council = Council(code, first, months, posts, seed)
    if not notice:
        for period in period_range(first, end):
            yield period, council.month(period)
        return
    # Notice given: each month is held back until the next is simulated (one month past the
    # end for the last), so a resignation can be written into the month before it too. The
    # draws are the same as without notice: only those HR cells differ.
    held: tuple[Period, dict[str, list[Row]]] | None = None
    for period in period_range(first, end.shift(1)):
        month = council.month(period)
        if held is not None:
            _give_notice(held[1]["hr_staff"], month["hr_staff"])
            yield held
        held = (period, month)


def _give_notice(before: list[Row], rows: list[Row]) -> None:
    """Resignations recorded with notice: a resignee's rows in the month before they leave
    already carry the leave date and reason (a date after that month's end)."""
    resigned = {(row[HR_KEY[0]], row[HR_KEY[1]]): row for row in rows
                if row[HR_REASON] == "resignation"}
    for i, row in enumerate(before):
        leaving = resigned.get((row[HR_KEY[0]], row[HR_KEY[1]]))
        if leaving is not None and not row[HR_LEAVE]:
            before[i] = (*row[:HR_LEAVE], leaving[HR_LEAVE], leaving[HR_REASON],
                         *row[HR_REASON + 1:])
