"""Benchmark: time each pipeline stage on sample data and compare it with a yardstick.

Run with ``make bench``. Prints a table and writes ``var/benchmark.json``. Figures are
measured, never asserted: compare runs on the same machine.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from pyarrow import csv as pa_csv

from workforce.contracts import KINDS
from workforce.kpis import compute_month
from workforce.periods import Period
from workforce.pipeline import load_authority_month, month_folder, validate_authority_month
from workforce.sample import write_sample
from workforce.warehouse import make_engine

PROJECT = Path(__file__).resolve().parents[1]


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def raw_read(folder: Path) -> None:
    for kind in KINDS:
        pa_csv.read_csv(folder / f"{kind}.csv")


def run(authority: str, months: int, posts: int) -> dict:
    end = Period(2025, 3)
    periods = [end.shift(-i) for i in reversed(range(months))]
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch) / "landing"
        sample_s = timed(lambda: write_sample(root, authority, end, months, posts, seed=1))
        engine = make_engine(f"sqlite:///{scratch}/warehouse.db")
        stages: dict[str, list[float]] = {"raw_read": [], "validate": [], "load": [],
                                          "reload_unchanged": [], "kpis": []}
        rows = 0
        for period in periods:
            folder = month_folder(root, authority, period)
            stages["raw_read"].append(timed(lambda f=folder: raw_read(f)))
            stages["validate"].append(
                timed(lambda p=period: validate_authority_month(root, authority, p))
            )
            started = time.perf_counter()
            result = load_authority_month(root, authority, period, engine)
            stages["load"].append(time.perf_counter() - started)
            rows += sum(result.rows.values())
            stages["reload_unchanged"].append(
                timed(lambda p=period: load_authority_month(root, authority, p, engine))
            )
            stages["kpis"].append(timed(lambda p=period: compute_month(engine, authority, p)))
    medians = {stage: statistics.median(times) for stage, times in stages.items()}
    return {
        "authority": authority,
        "months": months,
        "posts": posts,
        "rows_loaded": rows,
        "sample_seconds": round(sample_s, 3),
        "median_seconds_per_month": {k: round(v, 4) for k, v in medians.items()},
        "kpis_last_month_seconds": round(stages["kpis"][-1], 4),
        "ingest_ratio_to_raw_read": round(
            (medians["validate"] + medians["load"]) / medians["raw_read"], 1
        ),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--months", type=int, default=13)
    parser.add_argument("--posts", type=int, default=350)
    parser.add_argument("--out", type=Path, default=PROJECT / "var" / "benchmark.json")
    args = parser.parse_args()
    figures = run("BEN", args.months, args.posts)
    print(f"Benchmark: 1 council, {args.posts} posts, {args.months} months "
          f"({figures['rows_loaded']} rows loaded), SQLite warehouse")
    print(f"  sample generation      {figures['sample_seconds']:8.3f} s (all months)")
    for stage, seconds in figures["median_seconds_per_month"].items():
        print(f"  {stage:<22} {seconds:8.4f} s per month (median)")
    print(f"  kpis, last month       {figures['kpis_last_month_seconds']:8.4f} s (full window)")
    print(f"  ingest (validate+load) = {figures['ingest_ratio_to_raw_read']}x the pyarrow raw read")
    print(f"  peak memory            {figures['peak_rss_mib']:8.1f} MiB")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(figures, indent=2) + "\n")
    print(f"Wrote {args.out}")


if __name__ == "__main__":
    main()
