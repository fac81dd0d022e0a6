"""One call per item, over several processes: validating, computing and rendering are
CPU-bound Python (pandas, WeasyPrint), so threads would share one core."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

Result = TypeVar("Result")


def in_processes(
    function: Callable[..., Result], *arguments: Iterable[object], jobs: int | None = None
) -> list[Result]:
    """``list(map(function, *arguments))`` over ``jobs`` processes (default: one per CPU),
    results in the order of the arguments. One job, or one item, runs here without a pool.
    ``function`` must be importable by name (a module-level function) for the processes."""
    calls = list(zip(*arguments, strict=True))
    jobs = min(jobs or os.cpu_count() or 1, len(calls))
    if jobs <= 1:
        return [function(*call) for call in calls]
    with ProcessPoolExecutor(jobs) as pool:
        return list(pool.map(function, *zip(*calls, strict=True)))
