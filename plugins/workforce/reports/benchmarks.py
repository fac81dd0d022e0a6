"""National figures to compare with: the DfE's published CSWW indicators for England.

The file is the DfE's own CSV as published (``data/benchmarks/README.md``). Its years run to
30 September; a month is compared with the census year it falls in (October to September),
and the headline with the latest year in the file.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Final

from workforce.config import PROJECT_ROOT
from workforce.periods import Period

BENCHMARKS_VARIABLE: Final = "WORKFORCE_BENCHMARKS"
SHARED_BENCHMARKS: Final = PROJECT_ROOT.parent / "shared" / "benchmarks"
OWN_BENCHMARKS: Final = PROJECT_ROOT / "data" / "benchmarks"
FILE_PATTERN: Final = "csww_indicators_*.csv"

# KPI code → the published column computed by the same formula (docs/kpi-definitions.md).
COLUMNS: Final = {
    "turnover_rate": "turnover_rate_fte",
    "agency_rate": "agency_rate_fte",
    "vacancy_rate": "vacancy_rate_fte",
    "caseload_avg": "caseload_fte",
    "absence_rate": "absence_rate_fte",
}
SOURCE: Final = ("Department for Education, Children's social work workforce statistics "
                 "(Open Government Licence v3.0)")


@dataclass(frozen=True)
class National:
    """England's figures by census year (the year of the 30 September snapshot)."""

    by_year: dict[int, dict[str, float | None]]
    path: Path

    @property
    def latest_year(self) -> int | None:
        return max(self.by_year, default=None)

    def latest(self, kpi: str) -> float | None:
        year = self.latest_year
        return None if year is None else self.by_year[year].get(kpi)

    def for_month(self, kpi: str, period: Period) -> float | None:
        """The figure for the census year holding the month (October to September)."""
        year = period.year + 1 if period.month >= 10 else period.year
        return self.by_year.get(year, {}).get(kpi)


def benchmarks_path() -> Path:
    """``$WORKFORCE_BENCHMARKS`` (a file, or a folder of ``csww_indicators_*.csv``), else the
    shared folder beside the project when present, else the project's own copy."""
    chosen = os.environ.get(BENCHMARKS_VARIABLE)
    folder = Path(chosen) if chosen else (
        SHARED_BENCHMARKS if SHARED_BENCHMARKS.is_dir() else OWN_BENCHMARKS
    )
    if folder.is_file():
        return folder
    files = sorted(folder.glob(FILE_PATTERN))  # the name ends in the years it covers
    if not files:
        raise FileNotFoundError(
            f"no {FILE_PATTERN} in {folder}; set {BENCHMARKS_VARIABLE} to the DfE CSWW file"
        )
    return files[-1]


def _number(text: str) -> float | None:
    # The DfE marks cells it does not publish with letters (c, u, x, z).
    try:
        return float(text)
    except ValueError:
        return None


@cache
def _read(path: Path, mtime: float) -> National:
    by_year: dict[int, dict[str, float | None]] = {}
    with path.open(newline="", encoding="utf-8-sig") as handle:
        for row in csv.DictReader(handle):
            if row["geographic_level"] == "National":
                by_year[int(row["time_period"])] = {
                    kpi: _number(row[column]) for kpi, column in COLUMNS.items()
                }
    return National(by_year, path)


def england() -> National:
    path = benchmarks_path()
    return _read(path, path.stat().st_mtime)
