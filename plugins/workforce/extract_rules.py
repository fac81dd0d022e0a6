"""The contract's rules within one extract: its typed columns → findings.

The rules (required values, codes, ranges, dates after the month end, duplicate keys, the
contract's row rules) are generated from the contract once per month end and run over whole
columns at once; a finding is built only for a row that fails. HR leave dates after the month
end (notice given) get one note. Rules across files (references between extracts) are the
month's: ``validation``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pandas.api.extensions import ExtensionArray

from workforce.cell_typing import shown
from workforce.contracts import (
    CONTRACTS,
    TYPE_DESCRIPTIONS,
    Column,
    ColumnType,
    Contract,
    Severity,
    Typed,
)
from workforce.extracts import ExtractFile
from workforce.findings import Finding


@dataclass(frozen=True)
class _Rule:
    """One of a contract's rules, ready to run over a file's typed columns."""

    name: str
    severity: Severity
    column: str  # the column a finding is reported against
    # the file's typed columns by name → positions of the failing rows
    failing: Callable[[dict[str, Typed]], np.ndarray]
    explain: Callable[[str], str]  # the found value, as printed → message
    shows: tuple[str, ...] = ()  # columns printed as the found value; default (column,)
    unmapped: bool = False  # it fails the values of a code column neither a code nor mapped


def _missing(values: Typed) -> np.ndarray:
    # The column's own test: pd.isna's dispatch costs more than the test on a council's file.
    return np.isnat(values) if isinstance(values, np.ndarray) else values.isna()


def _where_false(ok: np.ndarray) -> np.ndarray:
    return np.flatnonzero(~ok)


def _numbers(values: ExtensionArray) -> np.ndarray:
    return values.to_numpy(dtype="float64", na_value=np.nan)


def _column_rules(column: Column, end: pd.Timestamp) -> list[_Rule]:
    rules: list[_Rule] = []

    def add(rule_id: str, severity: Severity, ok: Callable[[Typed], np.ndarray],
            explain: Callable[[str], str], unmapped: bool = False) -> None:
        rules.append(_Rule(f"{column.name}.{rule_id}", severity, column.name,
                           lambda columns: _where_false(ok(columns[column.name])),
                           explain, unmapped=unmapped))

    unit = "£" if column.type is ColumnType.MONEY else ""
    scale = 100 if column.type is ColumnType.MONEY else 1  # money is held in pence
    for rule_id, severity, bound, note in (
        ("bound", Severity.ERROR, column.bound, ""),
        ("warn_bound", Severity.WARNING, column.warn_bound, " (unusual: please check)"),
    ):
        if bound is not None:
            add(
                rule_id,
                severity,
                lambda s, b=bound: b.holds(_numbers(s) / scale),
                lambda found, b=bound, n=note: (
                    f"expected a value {b.describe(unit)}; found {found}{n}"
                ),
            )
    if column.codes:
        # A blank passes: the value set holds a null, which matches it.
        known = pa.array((*column.codes, None), pa.large_string())
        add(
            "codes",
            Severity.ERROR,
            lambda s: pc.is_in(pa.array(s), value_set=known, skip_nulls=False).to_numpy(
                zero_copy_only=False),
            lambda found, codes=column.codes: f"expected one of {', '.join(codes)}; found {found}",
            unmapped=True,
        )
    if column.type is ColumnType.DATE and column.not_after_period_end:
        add(
            "not_after_period_end",
            Severity.ERROR,
            lambda s: ~(s > end.to_datetime64()),  # a missing date (NaT) compares False
            lambda found: f"expected a date on or before the month end {end:%Y-%m-%d}; "
            f"found {found}",
        )
    return rules


def _duplicated(columns: list[Typed]) -> np.ndarray:
    """Rows whose values in ``columns`` occur together in another row too (blanks equal)."""
    group = np.zeros(len(columns[0]), dtype=np.int64)
    for values in columns:
        encoded = pc.dictionary_encode(pa.array(values), null_encoding="encode")
        group = group * len(encoded.dictionary) + encoded.indices.to_numpy()
        _, group = np.unique(group, return_inverse=True)  # keeps the numbers small
    return np.bincount(group)[group] > 1


def _duplicate_keys(key: tuple[str, ...]) -> Callable[[dict[str, Typed]], np.ndarray]:
    def failing(columns: dict[str, Typed]) -> np.ndarray:
        duplicated = _duplicated([columns[c] for c in key])
        if not duplicated.any():
            return np.flatnonzero(duplicated)
        # A row with no value at all is not judged, and rows come in the order of their
        # first value's column (as the schema library reported them, column by column).
        present = np.column_stack([~pd.isna(values) for values in columns.values()])
        rows = np.flatnonzero(duplicated & present.any(axis=1))
        return rows[np.argsort(present[rows].argmax(axis=1), kind="stable")]

    return failing


@lru_cache(maxsize=64)  # a few months of four contracts; the rules hold no data
def build_rules(contract: Contract, end: pd.Timestamp) -> tuple[_Rule, ...]:
    """The contract's single-file rules in the order their findings are reported: each
    column's (a missing required value first), then duplicate keys, then the row rules."""
    rules: list[_Rule] = []
    for column in contract.columns:
        if column.required:
            expected = TYPE_DESCRIPTIONS[column.type]
            rules.append(_Rule(
                "not_nullable",
                Severity.ERROR,
                column.name,
                lambda columns, c=column.name: np.flatnonzero(_missing(columns[c])),
                lambda _found, e=expected: (
                    f"required value is missing: expected {e}; found a blank cell"
                ),
            ))
        rules += _column_rules(column, end)
    key = contract.key
    rules.append(_Rule(
        "duplicate_key",
        Severity.ERROR,
        key[-1],
        _duplicate_keys(key),
        lambda found: f"expected each ({', '.join(key)}) once; found {found} more than once",
        shows=key,
    ))
    for rule in contract.rules:
        rules.append(_Rule(
            rule.id,
            rule.severity,
            rule.column,
            lambda columns, r=rule: _where_false(r.check(columns, end.to_datetime64())),
            lambda found, r=rule: f"expected {r.description}; found {found}",
        ))
    return tuple(rules)


def apply_rules(extract: ExtractFile, columns: dict[str, Typed], end: pd.Timestamp
                ) -> tuple[list[Finding], bool]:
    """The rules' findings, and whether a code column holds a value neither a code nor
    mapped (only then are such values gathered for the settings: ``unmapped_values``)."""
    contract = CONTRACTS[extract.kind]
    findings = []
    unmapped = False
    reported: set[tuple[str, int]] = set()  # (rule, row): a row's blanks are reported once
    for rule in build_rules(contract, end):
        failing = rule.failing(columns)
        unmapped |= rule.unmapped and len(failing) > 0
        for position in failing:
            if (rule.name, position) in reported:
                continue
            reported.add((rule.name, position))
            found = [_printed(contract, c, extract.text(c, position)) for c in rule.shows or
                     (rule.column,)]
            message = rule.explain(found[0] if len(found) == 1 else f"({', '.join(found)})")
            findings.append(Finding(str(extract.path), int(extract.row_numbers[position]),
                                    rule.column, message, rule.severity))
    return findings, unmapped


def notice_given(extract: ExtractFile, columns: dict[str, Typed], end: pd.Timestamp
                 ) -> list[Finding]:
    """One note for the HR extract's leave dates after the month end (workers serving their
    notice): accepted, in post at the month end, leavers in the month the date falls in."""
    if extract.kind != "hr_staff":
        return []
    later = int((columns["leave_date"] > end.to_datetime64()).sum())
    if not later:
        return []
    return [Finding(str(extract.path), None, "leave_date",
                    f"{later} assignment{'s have' if later > 1 else ' has'} a leave date after "
                    f"the month end (notice given): counted in post at {end:%d %B %Y} and as "
                    "a leaver in the month the date falls in", Severity.WARNING)]


def _printed(contract: Contract, column: str, value: str | None) -> str:
    return "a blank cell" if value is None else repr(shown(contract, column, value))
