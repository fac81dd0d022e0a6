"""KPI rows and the arithmetic shared by every family: scopes, sums and safe ratios.

A family computes a numerator (and a denominator) per scope as pandas Series indexed by
``(scope_type, scope_code)``; ``Results`` turns them into rows, with a zero denominator
giving "not applicable" (None), never 0 or an exception.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from workforce.measures import CATALOGUE

Scope = tuple[str, str]
SCOPE_INDEX = ["scope_type", "scope_code"]


@dataclass(frozen=True)
class KpiRow:
    authority_code: str
    period: str
    scope_type: str
    scope_code: str
    kpi: str
    unit: str
    numerator: float | None
    denominator: float | None
    value: float | None
    target: float | None = None
    rag: str | None = None
    window_months: int | None = None
    history_months: int | None = None
    load_id: str = ""
    source_load_ids: str = ""
    source: str = "monthly"  # or "census": an imported DfE return


@dataclass(frozen=True)
class Scopes:
    """The council and the month's service areas and teams.

    ``team_area`` also holds teams seen only in earlier months (a leaver's closed team):
    their people count for the council and their area, not as a team of this month."""

    authority_code: str
    teams: tuple[str, ...]
    team_area: dict[str, str]

    @cached_property
    def areas(self) -> list[str]:
        return sorted({self.team_area[t] for t in self.teams})

    @property
    def all(self) -> list[Scope]:
        return ([("council", self.authority_code)] + [("service_area", a) for a in self.areas]
                + [("team", t) for t in self.teams])

    @cached_property
    def index(self) -> pd.MultiIndex:
        return pd.MultiIndex.from_tuples(self.all, names=SCOPE_INDEX)

    def council_scope(self) -> Scopes:
        """The same council with no teams: for measures reported for the council only."""
        return Scopes(self.authority_code, (), self.team_area)

    @cached_property
    def _positions(self) -> tuple[pd.Index, np.ndarray, np.ndarray]:
        """Every known team, with its position among the month's areas and among its teams
        (-1: not reported this month)."""
        known = pd.Index(list(self.team_area))
        areas = pd.Index(self.areas).get_indexer([self.team_area[t] for t in known])
        return known, areas, pd.Index(self.teams).get_indexer(known)

    def aggregate(
        self, frame: pd.DataFrame, how: str, column: str
    ) -> pd.Series:
        """``column`` aggregated (``sum``, ``nunique``, ``size``, ``max``) for the council,
        each area and each team; scopes with no rows get 0 (NaN for ``max``)."""
        values = [_agg(frame[column], how)]
        if not self.teams:
            return pd.Series(values, index=self.council_index, dtype="float64")
        known, area_of, team_of = self._positions
        team = known.get_indexer(frame["team_code"])  # -1: a team never seen: council only
        for position, count in ((area_of, len(self.areas)), (team_of, len(self.teams))):
            groups = np.where(team >= 0, position[team], -1)
            values.extend(_grouped(frame[column], groups, how, count))
        return pd.Series(values, index=self.index, dtype="float64")

    @cached_property
    def council_index(self) -> pd.MultiIndex:
        return pd.MultiIndex.from_tuples([("council", self.authority_code)], names=SCOPE_INDEX)

    def council(self, value: float) -> pd.Series:
        return pd.Series([value], index=self.council_index, dtype="float64")


def _grouped(values: pd.Series, groups: np.ndarray, how: str, count: int) -> np.ndarray:
    """``values`` aggregated into ``count`` numbered groups (rows in group -1 left out)."""
    inside = groups >= 0
    groups = groups[inside]
    if how == "size":
        return np.bincount(groups, minlength=count).astype("float64")
    if how == "nunique":  # count each (group, value) pair once
        codes, uniques = pd.factorize(values[inside])
        pairs = np.unique(groups[codes >= 0] * len(uniques) + codes[codes >= 0])
        return np.bincount(pairs // max(len(uniques), 1), minlength=count).astype("float64")
    numbers = values[inside].to_numpy(dtype="float64", na_value=np.nan)
    if how == "sum":
        return np.bincount(groups, weights=np.nan_to_num(numbers), minlength=count)
    if how == "max":
        result = np.full(count, np.nan)
        np.fmax.at(result, groups, numbers)  # fmax ignores NaN, as pandas does
        return result
    raise ValueError(f"unknown aggregation {how!r}")


def _agg(values: pd.Series, how: str) -> float:
    if values.empty:
        return math.nan if how == "max" else 0.0
    return float(len(values) if how == "size" else values.agg(how))


@dataclass
class Results:
    """Collects one family's rows for an authority-month."""

    authority_code: str
    period: str
    load_id: str  # the month's own load; rolling measures name every load they read
    rows: list[KpiRow]
    source: str = "monthly"

    def level(self, kpi: str, numerator: pd.Series, **extra: object) -> None:
        """A measure with no denominator: its value is the numerator."""
        for scope, num in numerator.items():
            value = None if _missing(num) else float(num)
            self._add(kpi, scope, value, None, value, **extra)

    def rate(self, kpi: str, numerator: pd.Series, denominator: pd.Series,
             **extra: object) -> None:
        """A percentage: 100 × numerator ÷ denominator."""
        self._ratio(kpi, numerator, denominator, 100.0, **extra)

    def ratio(self, kpi: str, numerator: pd.Series, denominator: pd.Series,
              **extra: object) -> None:
        """A plain ratio, such as cases per FTE or pounds per hour."""
        self._ratio(kpi, numerator, denominator, 1.0, **extra)

    def _ratio(self, kpi: str, numerator: pd.Series, denominator: pd.Series, scale: float,
               **extra: object) -> None:
        denominators = denominator.reindex(numerator.index).tolist()
        for scope, num, den in zip(numerator.index, numerator.tolist(), denominators,
                                   strict=True):
            if _missing(num) or _missing(den):
                self._add(kpi, scope, None, None, None, **extra)
                continue
            value = scale * num / den if den != 0 else None
            self._add(kpi, scope, float(num), float(den), value, **extra)

    def _add(self, kpi: str, scope: Scope, numerator: float | None,
             denominator: float | None, value: float | None, **extra: object) -> None:
        measure = CATALOGUE[kpi]  # an unknown code is a programming error
        extra.setdefault("source_load_ids", self.load_id)
        self.rows.append(KpiRow(
            self.authority_code, self.period, scope[0], scope[1], kpi, measure.unit,
            numerator, denominator, value, load_id=self.load_id, source=self.source,
            **extra,  # type: ignore[arg-type]
        ))


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))
