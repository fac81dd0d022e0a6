"""Apply the extract contracts: text cells → typed values, rules → findings.

Single-file rules (required values, codes, ranges, duplicate keys, dates after the month end,
the contract's row rules) are generated from the contract and run over whole columns at once;
a finding is built only for a row that fails. Rules across files (references between
extracts) are set lookups over the typed frames.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pandas.arrays import BooleanArray, FloatingArray, IntegerArray
from pandas.core.arrays.masked import BaseMaskedArray

from workforce.contracts import (
    CONTRACTS,
    REFERENCES,
    TYPE_DESCRIPTIONS,
    Column,
    ColumnType,
    Contract,
    Severity,
)
from workforce.extracts import ExtractFile, find_month_files, read_extract
from workforce.findings import Finding, errors
from workforce.periods import Period
from workforce.privacy import WITHHELD

TRUE_WORDS = {"y", "yes", "true", "1"}
FALSE_WORDS = {"n", "no", "false", "0"}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[ T]00:00(?::00)?)?$")
UK_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
CODE_SEPARATORS = re.compile(r"[\s\-]+")
MONEY_NOISE = re.compile(r"[£,\s]")
AMOUNT = re.compile(r"^-?\d*\.?\d+$")
# Texts these match (ASCII only, run by pyarrow) come out of the rewriting above unchanged,
# so most of a column skips the per-value Python.
PLAIN_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
PLAIN_AMOUNT = r"^-?[0-9]*\.?[0-9]+$"
PLAIN_DECIMAL = r"^[0-9]+(?:\.[0-9]+)?$"


@dataclass
class ValidatedMonth:
    """The month's typed frames, the files they came from, and every finding."""

    period: Period
    files: dict[str, ExtractFile] = field(default_factory=dict)
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not errors(self.findings)


# --- typing the text cells ---------------------------------------------------------------
# Each distinct text of a column is typed once and spread back over its rows: a month repeats
# the same codes, flags, dates and amounts many times. Python's ``re`` rules (Unicode \s and
# \d) apply, as they did through pandas' ``.str`` methods.


def _arrow(values: pd.Series) -> pa.Array:
    return pa.array(values.array, type=pa.large_string())


def _strings(texts: pa.Array, index: pd.Index) -> pd.Series:
    return pd.Series(pd.StringDtype().__from_arrow__(texts), index=index)


def _each_distinct(values: pd.Series, parse: Callable[[pa.Array], pa.Array]) -> pa.Array:
    """``parse`` applied to the column's distinct texts (never null), spread over the rows."""
    encoded = pc.dictionary_encode(_arrow(values))
    return parse(encoded.dictionary).take(encoded.indices)


def _python_where_needed(texts: pa.Array, plain: str, rewrite: Callable[[str], str | None]
                         ) -> pa.Array:
    """``rewrite`` each text, except those matching ``plain``, which it would leave as they are."""
    is_plain = pc.match_substring_regex(texts, plain)
    if pc.all(is_plain).as_py():
        return texts
    return pa.array(
        [t if p else rewrite(t) for t, p in zip(texts.to_pylist(), is_plain.to_pylist(),
                                               strict=True)],
        type=texts.type,
    )


def _trimmed_lower(texts: pa.Array) -> list[str]:
    return pc.utf8_lower(pc.utf8_trim_whitespace(texts)).to_pylist()


def normalise_code(values: pd.Series) -> pd.Series:
    def normalise(texts: pa.Array) -> pa.Array:
        return pa.array([CODE_SEPARATORS.sub("_", t) for t in _trimmed_lower(texts)], texts.type)

    return _strings(_each_distinct(values, normalise), values.index)


def _parse_flag(values: pd.Series) -> pd.Series:
    def flag(texts: pa.Array) -> pa.Array:
        return pa.array([True if w in TRUE_WORDS else False if w in FALSE_WORDS else None
                         for w in _trimmed_lower(texts)], pa.bool_())

    return _masked(_each_distinct(values, flag), values.index, BooleanArray, "bool")


def _iso_date(text: str) -> str | None:
    # A day-first UK date is rewritten as ISO, so one strict format reads both forms; a
    # month-first date such as 03/31/2024 then has month 31 and is refused.
    iso = UK_DATE.sub(lambda m: f"{m[3]}-{m[2]:0>2}-{m[1]:0>2}", text)
    return iso[:10] if ISO_DATE.match(iso) else None


def _parse_date(values: pd.Series) -> pd.Series:
    def date(texts: pa.Array) -> pa.Array:
        iso = _python_where_needed(texts, PLAIN_DATE, _iso_date).to_numpy(zero_copy_only=False)
        try:
            # numpy reads plain ISO dates as pandas does, much faster, but all or nothing.
            days = iso.astype("datetime64[s]")
        except ValueError:  # an impossible date such as 2021-02-30, or a rewritten one refused
            days = pd.to_datetime(iso, format="%Y-%m-%d", errors="coerce").to_numpy()
        return pa.array(days.astype("datetime64[s]"), from_pandas=True)

    dates = _each_distinct(values, date).to_numpy(zero_copy_only=False)
    return pd.Series(dates.astype("datetime64[s]"), index=values.index)


def _all_short_decimals(texts: pa.Array, longest: int) -> bool:
    """Whether every text is an unsigned decimal of at most ``longest`` characters: pyarrow's
    cast reads those exactly as pandas' ``to_numeric`` does (both round correctly), without
    its cost per call."""
    plain = pc.match_substring_regex(texts, PLAIN_DECIMAL)
    short = pc.less_equal(pc.utf8_length(texts), longest)
    return bool(pc.all(pc.and_(plain, short)).as_py())


def _distinct_numbers(texts: pa.Array) -> pa.Array:
    trimmed = pc.utf8_trim_whitespace(texts)
    if _all_short_decimals(trimmed, 15):
        return pc.cast(trimmed, pa.float64())
    numbers = pd.to_numeric(_strings(trimmed, pd.RangeIndex(len(texts))), errors="coerce")
    return pa.array(numbers.astype("Float64"))


def _masked(values: pa.Array, index: pd.Index, array: type[BaseMaskedArray],
            numpy_type: str) -> pd.Series:
    """A nullable pandas column from pyarrow's values, null as NA."""
    with np.errstate(invalid="ignore"):  # an infinite whole number, cast as pandas casts it
        filled = values.fill_null(np.zeros((), numpy_type).item())
        data = filled.to_numpy(zero_copy_only=False).astype(numpy_type)
    return pd.Series(array(data, values.is_null().to_numpy(zero_copy_only=False)), index=index)


def _parse_number(values: pd.Series) -> pd.Series:
    return _masked(_each_distinct(values, _distinct_numbers), values.index, FloatingArray,
                   "float64")


def _parse_integer(values: pd.Series) -> pd.Series:
    def whole(texts: pa.Array) -> pa.Array:
        numbers = _distinct_numbers(texts)
        return pc.if_else(pc.equal(pc.round(numbers, round_mode="half_to_even"), numbers),
                          numbers, None)

    return _masked(_each_distinct(values, whole), values.index, IntegerArray, "int64")


def _amount(text: str) -> str | None:
    cleaned = MONEY_NOISE.sub("", text)
    return cleaned if AMOUNT.match(cleaned) else None


def _parse_money(values: pd.Series) -> pd.Series:
    def pence(texts: pa.Array) -> pa.Array:
        cleaned = _python_where_needed(texts, PLAIN_AMOUNT, _amount)
        if _all_short_decimals(cleaned.drop_null(), 12):  # under 10^12 pounds: pence exact
            return pc.round(pc.multiply(pc.cast(cleaned, pa.float64()), 100),
                            round_mode="half_to_even")
        pounds = pd.to_numeric(_strings(cleaned, pd.RangeIndex(len(texts))), errors="coerce")
        return pa.array((pounds * 100).round().astype("Int64"))

    return _masked(_each_distinct(values, pence), values.index, IntegerArray, "int64")


PARSERS: dict[ColumnType, Callable[[pd.Series], pd.Series]] = {
    ColumnType.ID: lambda v: v.astype("string"),
    ColumnType.TEXT: lambda v: v.astype("string"),
    ColumnType.CODE: lambda v: normalise_code(v.astype("string")),
    ColumnType.FLAG: _parse_flag,
    ColumnType.DATE: _parse_date,
    ColumnType.NUMBER: _parse_number,
    ColumnType.INTEGER: _parse_integer,
    ColumnType.MONEY: _parse_money,
}


def shown(contract: Contract, column: str, value: object) -> object:
    """The found value as a finding may print it: never a personal field's content."""
    return WITHHELD if column in contract.personal_columns else value


def type_frame(extract: ExtractFile) -> tuple[pd.DataFrame, list[Finding]]:
    """Typed copy of the extract's frame, and a finding for each cell that would not parse."""
    contract = CONTRACTS[extract.kind]
    index = extract.frame.index
    typed = {}
    findings: list[Finding] = []
    # The frame's columns are the contract's, in order; one 2-D array avoids a lookup each.
    for column, cells in zip(contract.columns, extract.frame.to_numpy().T, strict=True):
        texts = pa.array(cells, type=pa.large_string(), from_pandas=True)
        typed[column.name] = PARSERS[column.type](_strings(texts, index))
        unparsed = (texts.is_valid().to_numpy(zero_copy_only=False)
                    & np.asarray(typed[column.name].array.isna()))
        for position in np.flatnonzero(unparsed):
            findings.append(
                Finding(
                    str(extract.path),
                    int(index[position]) + 2,
                    column.name,
                    f"expected {TYPE_DESCRIPTIONS[column.type]}; "
                    f"found {shown(contract, column.name, cells[position])!r}",
                )
            )
    return pd.DataFrame(typed, index=index, copy=False), findings


# --- single-file rules -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Rule:
    name: str
    severity: Severity
    column: str  # the column a finding is reported against
    # (typed frame, its columns by name) → positions of the failing rows
    failing: Callable[[pd.DataFrame, dict[str, pd.Series]], np.ndarray]
    explain: Callable[[str], str]  # the found value, as printed → message
    shows: tuple[str, ...] = ()  # columns printed as the found value; default (column,)


def _where_false(ok: np.ndarray) -> np.ndarray:
    return np.flatnonzero(~ok)


def _numbers(values: pd.Series) -> np.ndarray:
    return values.to_numpy(dtype="float64", na_value=np.nan)


def _column_rules(column: Column, end: pd.Timestamp) -> list[_Rule]:
    rules: list[_Rule] = []

    def add(rule_id: str, severity: Severity, ok: Callable[[pd.Series], np.ndarray],
            explain: Callable[[str], str]) -> None:
        rules.append(_Rule(f"{column.name}.{rule_id}", severity, column.name,
                           lambda _typed, columns: _where_false(ok(columns[column.name])),
                           explain))

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
            lambda s: pc.is_in(_arrow(s), value_set=known, skip_nulls=False).to_numpy(
                zero_copy_only=False),
            lambda found, codes=column.codes: f"expected one of {', '.join(codes)}; found {found}",
        )
    if column.type is ColumnType.DATE and column.not_after_period_end:
        add(
            "not_after_period_end",
            Severity.ERROR,
            lambda s: ~(s.to_numpy() > end.to_datetime64()),  # a missing date (NaT) passes
            lambda found: f"expected a date on or before the month end {end:%Y-%m-%d}; "
            f"found {found}",
        )
    return rules


def _duplicated(columns: list[pd.Series]) -> np.ndarray:
    """Rows whose values in ``columns`` occur together in another row too (blanks equal)."""
    group = np.zeros(len(columns[0]), dtype=np.int64)
    for values in columns:
        encoded = pc.dictionary_encode(pa.array(values.array), null_encoding="encode")
        group = group * len(encoded.dictionary) + encoded.indices.to_numpy()
        _, group = np.unique(group, return_inverse=True)  # keeps the numbers small
    return np.bincount(group)[group] > 1


def _duplicate_keys(key: tuple[str, ...]) -> Callable[[pd.DataFrame, dict[str, pd.Series]],
                                                      np.ndarray]:
    def failing(typed: pd.DataFrame, columns: dict[str, pd.Series]) -> np.ndarray:
        duplicated = _duplicated([columns[c] for c in key])
        if not duplicated.any():
            return np.flatnonzero(duplicated)
        # A row with no value at all is not judged, and rows come in the order of their
        # first value's column (as the schema library reported them, column by column).
        present = typed.notna().to_numpy()
        rows = np.flatnonzero(duplicated & present.any(axis=1))
        return rows[np.argsort(present[rows].argmax(axis=1), kind="stable")]

    return failing


def build_rules(contract: Contract, end: pd.Timestamp) -> list[_Rule]:
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
                lambda _typed, columns, c=column.name: np.flatnonzero(
                    np.asarray(columns[c].array.isna())),
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
            lambda typed, _columns, r=rule: _where_false(
                r.check(typed, end).to_numpy(dtype=bool)),
            lambda found, r=rule: f"expected {r.description}; found {found}",
        ))
    return rules


def apply_rules(extract: ExtractFile, typed: pd.DataFrame, end: pd.Timestamp) -> list[Finding]:
    contract = CONTRACTS[extract.kind]
    frame = extract.frame
    findings = []
    reported: set[tuple[str, int]] = set()  # (rule, row): a row's blanks are reported once
    columns = dict(typed.items())
    for rule in build_rules(contract, end):
        for position in rule.failing(typed, columns):
            row = int(frame.index[position])
            if (rule.name, row) in reported:
                continue
            reported.add((rule.name, row))
            found = [_printed(contract, c, frame.at[row, c]) for c in rule.shows or
                     (rule.column,)]
            message = rule.explain(found[0] if len(found) == 1 else f"({', '.join(found)})")
            findings.append(Finding(str(extract.path), row + 2, rule.column, message,
                                    rule.severity))
    return findings


def _printed(contract: Contract, column: str, value: str | None) -> str:
    return "a blank cell" if value is None else repr(shown(contract, column, value))


# --- rules across files -------------------------------------------------------------------


def check_references(
    files: dict[str, ExtractFile], frames: dict[str, pd.DataFrame]
) -> list[Finding]:
    findings = []
    for ref in REFERENCES:
        if ref.kind not in frames or ref.target_kind not in frames:
            continue
        source = frames[ref.kind]
        values = source[ref.column]
        applies = values.notna().to_numpy()
        if ref.when:
            applies = applies & (source[ref.when[0]] == ref.when[1]).fillna(False).to_numpy(bool)
        known = _arrow(frames[ref.target_kind][ref.target_column]).drop_null()
        found = pc.is_in(_arrow(values), known).to_numpy(zero_copy_only=False)
        for position in np.flatnonzero(applies & ~found):
            findings.append(
                Finding(
                    str(files[ref.kind].path),
                    int(source.index[position]) + 2,
                    ref.column,
                    f"expected one of the {ref.target_column} values in "
                    f"{files[ref.target_kind].name}; found {values.iloc[position]!r}",
                )
            )
    return findings


# --- entry points ---------------------------------------------------------------------------


def validate_files(
    paths: dict[str, Path], period: Period, header_mappings: dict[str, dict[str, str]]
) -> ValidatedMonth:
    """Validate a set of extract files (one per kind) for a period."""
    result = ValidatedMonth(period)
    end = pd.Timestamp(period.end)
    for kind, path in paths.items():
        extract, findings = read_extract(path, kind, header_mappings.get(kind))
        result.findings += findings
        if extract is None or errors(findings):
            continue
        typed, findings = type_frame(extract)
        result.findings += findings + apply_rules(extract, typed, end)
        result.files[kind] = extract
        result.frames[kind] = typed
    result.findings += check_references(result.files, result.frames)
    result.findings = _deduplicate(result.findings)
    return result


def validate_month(
    month_dir: Path, period: Period, header_mappings: dict[str, dict[str, str]]
) -> ValidatedMonth:
    paths, missing = find_month_files(month_dir)
    result = validate_files(paths, period, header_mappings)
    result.findings = missing + result.findings
    return result


def _deduplicate(findings: list[Finding]) -> list[Finding]:
    """One finding per cell: a value that would not parse is not also 'missing', and a value
    that is wrong (an error) is not also 'unusual' (a warning)."""
    wrong = {(f.file, f.row, f.column) for f in findings if f.severity is Severity.ERROR}
    seen: set[tuple] = set()
    kept = []
    for finding in findings:
        cell = (finding.file, finding.row, finding.column)
        if finding.row is not None and finding.column is not None:
            if (*cell, finding.severity) in seen or (
                finding.severity is Severity.WARNING and cell in wrong
            ):
                continue
            seen.add((*cell, finding.severity))
        kept.append(finding)
    return kept
