"""The model of an extract contract: what a column, a row rule and a contract are.

A contract declares one monthly extract's columns (type, codes, bounds), its key and its row
rules; a reference ties a column to another extract's. The four contracts themselves are
declared with these in ``contracts``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from pandas.api.extensions import ExtensionArray


class ColumnType(StrEnum):
    ID = "id"
    TEXT = "text"
    CODE = "code"
    FLAG = "flag"
    DATE = "date"
    NUMBER = "number"
    INTEGER = "integer"
    MONEY = "money"


TYPE_DESCRIPTIONS: dict[ColumnType, str] = {
    ColumnType.ID: "identifier (text, surrounding spaces removed)",
    ColumnType.TEXT: "free text",
    ColumnType.CODE: "one of the listed codes (case, spaces and hyphens are ignored)",
    ColumnType.FLAG: "Y/N, yes/no, true/false or 1/0",
    ColumnType.DATE: "date as YYYY-MM-DD or DD/MM/YYYY (day first, never month first), or an "
    "Excel date",
    ColumnType.NUMBER: "decimal number",
    ColumnType.INTEGER: "whole number",
    ColumnType.MONEY: "pounds and pence, e.g. 1234.56 (a leading £ and thousands commas allowed)",
}


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Bound:
    """A numeric range; ``None`` leaves that side open."""

    low: float | None = None
    high: float | None = None
    low_inclusive: bool = True
    high_inclusive: bool = True

    def describe(self, unit: str = "") -> str:
        """E.g. 'in (0, 1]', '≥ £0'; ``unit`` is written before each number."""
        left = "[" if self.low_inclusive else "("
        right = "]" if self.high_inclusive else ")"
        low = "" if self.low is None else f"{unit}{self.low:g}"
        high = "" if self.high is None else f"{unit}{self.high:g}"
        if self.low is not None and self.high is None:
            return f"{'≥' if self.low_inclusive else '>'} {low}"
        if self.high is not None and self.low is None:
            return f"{'≤' if self.high_inclusive else '<'} {high}"
        return f"in {left}{low}, {high}{right}"

    def holds(self, values: np.ndarray) -> np.ndarray:
        """True where a value is in range or unknown (NaN compares False, so it passes)."""
        ok = np.ones(len(values), dtype=bool)
        if self.low is not None:
            ok &= ~(values < self.low if self.low_inclusive else values <= self.low)
        if self.high is not None:
            ok &= ~(values > self.high if self.high_inclusive else values >= self.high)
        return ok


@dataclass(frozen=True)
class Column:
    name: str
    type: ColumnType
    description: str
    required: bool = True
    codes: tuple[str, ...] = ()
    bound: Bound | None = None  # for money, in pounds
    warn_bound: Bound | None = None
    personal: bool = False
    not_after_period_end: bool = True  # only read for dates
    # False: validated and read from the landed file when needed (the census export), never
    # written to the warehouse, which has no column for it.
    stored: bool = True


# A typed column: a pandas extension array (text, flags, numbers, pence), or numpy
# datetime64[s] for dates.
Typed = ExtensionArray | np.ndarray
# A row rule sees the file's typed columns by name and the period end, and returns True for
# good rows.
RowCheck = Callable[[Mapping[str, Typed], np.datetime64], np.ndarray]


@dataclass(frozen=True)
class RowRule:
    id: str
    column: str  # the column a finding is reported against
    description: str  # what is expected, in a sentence
    check: RowCheck
    severity: Severity = Severity.ERROR


@dataclass(frozen=True)
class Reference:
    """Values of ``column`` in ``kind`` must exist in ``target_column`` of ``target_kind``."""

    kind: str
    column: str
    target_kind: str
    target_column: str
    when: tuple[str, str] | None = None  # (column, value): only rows where column == value

    def describe(self) -> str:
        scope = f" (rows with {self.when[0]} = {self.when[1]})" if self.when else ""
        target = f"`{self.target_column}` in `{self.target_kind}`"
        return f"`{self.column}`{scope} must exist as {target}"


@dataclass(frozen=True)
class Contract:
    kind: str
    description: str
    grain: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    rules: tuple[RowRule, ...] = ()
    min_rows: int = 0

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def personal_columns(self) -> set[str]:
        return {c.name for c in self.columns if c.personal}

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)
