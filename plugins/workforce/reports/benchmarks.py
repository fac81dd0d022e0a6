"""Figures to compare with: the DfE's published CSWW indicators for England, each region
and each council.

The file is the DfE's own CSV as published (``data/benchmarks/README.md``). Its years run to
30 September; a month is compared with the census year it falls in (October to September),
and the headline with the latest year in the file. Only the published rates are read, the
measures compared; a value the DfE did not publish is None, never 0.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass, field
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
    """One geography's figures (England's, a region's or a council's) by census year (the
    year of the 30 September snapshot)."""

    by_year: dict[int, dict[str, float | None]]
    path: Path
    name: str = "England"  # as published; a joint return's is both councils' ("A / B")

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


@dataclass(frozen=True)
class Published:
    """The published figures of England, of each region by region code (London's ``E12000007``
    and its Inner and Outer London, ``E13000001`` and ``E13000002``, each have theirs) and of
    each council by its current new code. A council's years under a former code are filed
    under its current one; a joint return's figures (``940 / 941``) under each of its
    councils' codes, the same object for both."""

    england: National
    regions: dict[str, National]
    councils: dict[str, National]
    former: dict[str, str] = field(default_factory=dict)  # a former new code: the current one

    def region(self, code: str) -> National | None:
        return self.regions.get(code.strip().upper())

    def council(self, new_code: str) -> National | None:
        """By the council's current new code, or a former one."""
        code = new_code.strip().upper()
        return self.councils.get(self.former.get(code, code))


def split_joint(text: str) -> list[str]:
    """A joint return's codes or names, one per council ("940 / 941"); others' alone."""
    return [part.strip() for part in text.split("/")]


@cache
def _read(path: Path, mtime: float) -> Published:
    by_year: dict[tuple[str, str], dict[int, dict[str, float | None]]] = {}
    names: dict[tuple[str, str], str] = {}
    new_codes: dict[str, list[str]] = {}  # a council's old code: its new codes, year by year
    with path.open(newline="", encoding="utf-8-sig") as handle:
        for row in sorted(csv.DictReader(handle), key=lambda row: int(row["time_period"])):
            level = row["geographic_level"]
            # A council is kept by its old code, which stays when its new code changes.
            key = level, {"National": "", "Regional": row["region_code"]}.get(
                level, row["old_la_code"])
            by_year.setdefault(key, {})[int(row["time_period"])] = {
                kpi: _number(row[column]) for kpi, column in COLUMNS.items()}
            names[key] = {"National": row["country_name"], "Regional": row["region_name"]}.get(
                level, row["la_name"])
            if level == "Local authority":
                new_codes.setdefault(row["old_la_code"], []).append(row["new_la_code"])
    geographies = {key: National(years, path, names[key]) for key, years in by_year.items()}
    councils: dict[str, National] = {}
    former: dict[str, str] = {}
    for old, codes in new_codes.items():
        current = split_joint(codes[-1])
        councils.update(dict.fromkeys(current, geographies["Local authority", old]))
        for earlier in map(split_joint, codes[:-1]):
            if len(earlier) == len(current):
                former.update((was, now) for was, now in zip(earlier, current, strict=True)
                              if was != now)
    return Published(
        geographies.get(("National", ""), National({}, path)),
        {code: g for (level, code), g in geographies.items() if level == "Regional"},
        councils, former)


def published() -> Published:
    """England's, every region's and every council's published figures by year."""
    path = benchmarks_path()
    return _read(path, path.stat().st_mtime)


def england() -> National:
    return published().england
