"""A council's DfE measures beside England, its region and its statistical neighbours.

The comparison is with the latest published year (the DfE's figures for the year to 30
September), as council reports on children's services make it: England's figure, the
region's, the mean of the neighbours' published figures (those the DfE published for the
year; the count is said) and where the council's own figure ranks among its neighbours'
("3rd lowest vacancy rate of 11"). A figure the DfE did not publish is missing, never 0.

Without ``dfe_la_code`` in the settings there is no region and no neighbour to look up:
the comparison is with England only and ``Comparators.reason`` says why.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Final

from workforce.comparisons.authorities import Authority, lookup
from workforce.measures import CATALOGUE
from workforce.periods import Period
from workforce.reports.benchmarks import COLUMNS, National, Published, published

# The measures the DfE publishes for every council, in the order reports show them.
DFE_MEASURES: Final = tuple(COLUMNS)
NO_CODE: Final = ("the settings give no dfe_la_code, so the council's region and statistical "
                  "neighbours are not known")


def ordinal(n: int) -> str:
    """``1st``, ``2nd``, ``3rd``, ``11th``, ``22nd``."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def published_places(value: float) -> Decimal:
    """A figure at the DfE's precision (one decimal place), so ranks agree with the figures
    printed: 14.24 and 14.2 are the same to a reader."""
    return Decimal(repr(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Rank:
    """A place among ``of`` figures, 1 being the best; equal figures share a place."""

    position: int
    of: int
    joint: bool
    better: str  # "lower" or "higher"

    @property
    def place(self) -> str:
        """``3rd of 11``, ``joint 1st of 11``, counting from the best."""
        return f"{'joint ' if self.joint else ''}{ordinal(self.position)} of {self.of}"

    def describe(self, title: str) -> str:
        """``3rd lowest vacancy rate of 11``; ``joint 2nd highest stability index of 11``."""
        end = "lowest" if self.better == "lower" else "highest"
        place = "" if self.position == 1 and not self.joint else f"{ordinal(self.position)} "
        joint = "joint " if self.joint else ""
        return f"{joint}{place}{end} {title[0].lower()}{title[1:]} of {self.of}"


def rank(value: float, others: list[float], better: str) -> Rank:
    """Where ``value`` stands among ``others`` and itself (standard competition ranking:
    1, 2, 2, 4), compared at the published precision."""
    own = published_places(value)
    figures = [published_places(v) for v in others]
    ahead = sum(f < own if better == "lower" else f > own for f in figures)
    return Rank(ahead + 1, len(others) + 1, own in figures, better)


@dataclass(frozen=True)
class Comparison:
    """One measure's published comparators for ``year``, and the council's rank."""

    kpi: str
    year: int | None
    england: float | None
    region: float | None
    neighbours_mean: float | None
    neighbours_published: int  # how many of the neighbours have a figure for the year
    rank: Rank | None  # None when the council's figure is not known or no neighbour has one


@dataclass(frozen=True)
class Comparators:
    """What a council is compared with: England always; its region and neighbours when the
    settings name its DfE code."""

    published: Published
    authority: Authority | None
    reason: str | None  # why the comparison is with England only; None when it is not

    @property
    def region_name(self) -> str | None:
        return None if self.authority is None else self.authority.region_name

    @property
    def region(self) -> National | None:
        if self.authority is None:
            return None
        return self.published.region(self.authority.region_code)

    @property
    def neighbours(self) -> list[National]:
        if self.authority is None:
            return []
        own = self.published.council(self.authority.new_code)
        out: list[National] = []
        for neighbour in self.authority.neighbours:
            found = self.published.council(neighbour.new_code)
            # A joint return (Kingston and Richmond's, say) is one figure: counted once,
            # and not at all when it is the council's own.
            if found is not None and found is not own and all(found is not o for o in out):
                out.append(found)
        return out

    def latest_year(self, kpi: str) -> int | None:
        """The latest year England's figure for the measure is published."""
        years = [y for y, row in self.published.england.by_year.items() if row.get(kpi) is not None]
        return max(years, default=None)

    def neighbours_mean(self, kpi: str, year: int) -> tuple[float | None, int]:
        """The mean of the neighbours' published figures for ``year`` and how many there
        are; a neighbour the DfE published nothing for is left out, never counted as 0."""
        figures = _figures(self.neighbours, kpi, year)
        return (sum(figures) / len(figures) if figures else None), len(figures)

    def compare(self, kpi: str, value: float | None) -> Comparison:
        """``value`` (the council's own figure, or None when withheld or not available)
        against the latest published year."""
        year = self.latest_year(kpi)
        if year is None:
            return Comparison(kpi, None, None, None, None, 0, None)
        region = self.region
        mean, count = self.neighbours_mean(kpi, year)
        placed = None
        if value is not None and count:
            placed = rank(float(value), _figures(self.neighbours, kpi, year),
                          CATALOGUE[kpi].better or "lower")
        return Comparison(
            kpi, year, self.published.england.by_year[year].get(kpi),
            None if region is None else region.by_year.get(year, {}).get(kpi),
            mean, count, placed)

    def by_month(self, kpi: str, period: Period) -> dict[str, float | None]:
        """The comparators' figures for the census year holding ``period`` (October to
        September), named as a chart's legend names them."""
        year = period.year + 1 if period.month >= 10 else period.year
        out = {"England": self.published.england.for_month(kpi, period)}
        region = self.region
        if region is not None and self.region_name:
            out[self.region_name] = region.for_month(kpi, period)
        if self.neighbours:
            out["Statistical neighbours (mean)"] = self.neighbours_mean(kpi, year)[0]
        return out


def _figures(geographies: list[National], kpi: str, year: int) -> list[float]:
    found = (g.by_year.get(year, {}).get(kpi) for g in geographies)
    return [float(v) for v in found if v is not None]


def comparators(dfe_la_code: str | None) -> Comparators:
    """The comparators of the council with this DfE code (None: England only)."""
    figures = published()
    if dfe_la_code is None:
        return Comparators(figures, None, NO_CODE)
    authority = lookup(dfe_la_code)
    return Comparators(figures, authority, authority.neighbours_note)
