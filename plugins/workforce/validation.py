"""Apply the extract contracts: text cells → typed values, rules → findings.

Single-file rules (required values, codes, ranges, duplicate keys, dates after the month end,
the contract's row rules) are generated from the contract and run over whole columns at once;
a finding is built only for a row that fails. Rules across files (references between
extracts) are set lookups over the typed columns.
"""

from __future__ import annotations

import datetime as dt
import gc
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pandas.api.extensions import ExtensionArray
from pandas.arrays import BooleanArray, FloatingArray, IntegerArray

from workforce.config import ExtractSettings
from workforce.contracts import (
    CONTRACTS,
    REFERENCES,
    TYPE_DESCRIPTIONS,
    Column,
    ColumnType,
    Contract,
    Severity,
    Typed,
)
from workforce.extracts import ExtractFile, find_month_files, read_extract
from workforce.findings import Finding, errors
from workforce.periods import Period
from workforce.privacy import WITHHELD
from workforce.value_mapping import Unmapped, apply_value_mapping, unmapped_values

TRUE_WORDS = {"y", "yes", "true", "1"}
FALSE_WORDS = {"n", "no", "false", "0"}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[ T]00:00(?::00)?)?$")
UK_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?: 00:00(?::00)?)?$")
# A date column's number as Excel stores a date (days since 30 December 1899) when the cell
# lost its date format: five digits, 1927 to 2119, so no other number is taken for one.
EXCEL_SERIAL = re.compile(r"^(\d{5})(?:\.0+)?$")
EXCEL_EPOCH = dt.date(1899, 12, 30)
SERIAL_RANGE = (10_000, 80_000)
CODE_SEPARATORS = re.compile(r"[\s\-]+")
MONEY_NOISE = re.compile(r"[£,\s]")
AMOUNT = re.compile(r"^-?\d*\.?\d+$")
# Texts these match (ASCII only, run by pyarrow) come out of the rewriting above unchanged,
# so most of a column skips the per-value Python.
PLAIN_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
PLAIN_AMOUNT = r"^-?[0-9]*\.?[0-9]+$"
PLAIN_DECIMAL = r"^[0-9]+(?:\.[0-9]+)?$"
LARGEST_EXACT = 2**53  # the largest whole number a float64 holds exactly


@dataclass
class ValidatedMonth:
    """The month's typed columns, the files they came from, and every finding."""

    period: Period
    files: dict[str, ExtractFile] = field(default_factory=dict)
    # Each file's typed columns by name, in the contract's order, a value per data row.
    columns: dict[str, dict[str, Typed]] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    # Each code column's values neither a code nor mapped, with their row counts.
    unmapped: Unmapped = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not errors(self.findings)

    @property
    def frames(self) -> dict[str, pd.DataFrame]:
        """The typed columns as frames, to look at: indexed by spreadsheet row number - 2, as
        the warehouse's source rows count. The pipeline itself reads the columns."""
        return {kind: pd.DataFrame(columns, index=self.files[kind].row_numbers - 2)
                for kind, columns in self.columns.items()}


# --- typing the text cells ---------------------------------------------------------------
# Each distinct text of a column is typed once and spread back over its rows: a month repeats
# the same codes, flags, dates and amounts many times. Python's ``re`` rules (Unicode \s and
# \d) apply, as they did through pandas' ``.str`` methods.


def _strings(texts: pa.Array) -> ExtensionArray:
    return pd.StringDtype().__from_arrow__(texts)


def _each_distinct(texts: pa.Array, parse: Callable[[pa.Array], pa.Array]) -> pa.Array:
    """``parse`` applied to the column's distinct texts (never null), spread over the rows."""
    encoded = pc.dictionary_encode(texts)
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


def normalise_code(texts: pa.Array) -> ExtensionArray:
    def normalise(distinct: pa.Array) -> pa.Array:
        return pa.array([CODE_SEPARATORS.sub("_", t) for t in _trimmed_lower(distinct)],
                        distinct.type)

    return _strings(_each_distinct(texts, normalise))


def _parse_flag(texts: pa.Array) -> ExtensionArray:
    def flag(texts: pa.Array) -> pa.Array:
        return pa.array([True if w in TRUE_WORDS else False if w in FALSE_WORDS else None
                         for w in _trimmed_lower(texts)], pa.bool_())

    return _masked(_each_distinct(texts, flag), BooleanArray, "bool")


def _iso_date(text: str) -> str | None:
    # A day-first UK date is rewritten as ISO, so one strict format reads both forms; a
    # month-first date such as 03/31/2024 then has month 31 and is refused.
    serial = EXCEL_SERIAL.match(text)
    if serial and SERIAL_RANGE[0] <= int(serial[1]) <= SERIAL_RANGE[1]:
        return (EXCEL_EPOCH + dt.timedelta(days=int(serial[1]))).isoformat()
    iso = UK_DATE.sub(lambda m: f"{m[3]}-{m[2]:0>2}-{m[1]:0>2}", text)
    return iso[:10] if ISO_DATE.match(iso) else None


def _parse_date(texts: pa.Array) -> np.ndarray:
    def date(distinct: pa.Array) -> pa.Array:
        iso = _python_where_needed(distinct, PLAIN_DATE, _iso_date).to_numpy(
            zero_copy_only=False)
        try:
            # numpy reads plain ISO dates as pandas does, much faster, but all or nothing.
            days = iso.astype("datetime64[s]")
        except ValueError:  # an impossible date such as 2021-02-30, or a rewritten one refused
            days = pd.to_datetime(iso, format="%Y-%m-%d", errors="coerce").to_numpy()
        return pa.array(days.astype("datetime64[s]"), from_pandas=True)

    return _each_distinct(texts, date).to_numpy(zero_copy_only=False).astype("datetime64[s]")


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
    numbers = pd.to_numeric(pd.Series(_strings(trimmed)), errors="coerce")
    return pa.array(numbers.astype("Float64"))


def _masked(values: pa.Array, array: type[BooleanArray | FloatingArray | IntegerArray],
            numpy_type: str) -> ExtensionArray:
    """A nullable pandas column from pyarrow's values, null as NA."""
    with np.errstate(invalid="ignore"):  # an infinite whole number, cast as pandas casts it
        filled = values.fill_null(np.zeros((), numpy_type).item())
        data = filled.to_numpy(zero_copy_only=False).astype(numpy_type)
    return array(data, values.is_null().to_numpy(zero_copy_only=False))


def _parse_number(texts: pa.Array) -> ExtensionArray:
    return _masked(_each_distinct(texts, _distinct_numbers), FloatingArray, "float64")


def _exact(numbers: pa.Array) -> pa.Array:
    """Whether each whole number is one a float64 and an int64 both hold exactly: a larger
    one (``1e20`` open cases) is refused, not wrapped round to a negative."""
    return pc.less_equal(pc.abs(numbers), LARGEST_EXACT)


def _parse_integer(texts: pa.Array) -> ExtensionArray:
    def whole(distinct: pa.Array) -> pa.Array:
        numbers = _distinct_numbers(distinct)
        integral = pc.equal(pc.round(numbers, round_mode="half_to_even"), numbers)
        return pc.if_else(pc.and_(integral, _exact(numbers)), numbers, None)

    return _masked(_each_distinct(texts, whole), IntegerArray, "int64")


def _amount(text: str) -> str | None:
    cleaned = MONEY_NOISE.sub("", text)
    return cleaned if AMOUNT.match(cleaned) else None


def _parse_money(texts: pa.Array) -> ExtensionArray:
    def pence(distinct: pa.Array) -> pa.Array:
        cleaned = _python_where_needed(distinct, PLAIN_AMOUNT, _amount)
        if _all_short_decimals(cleaned.drop_null(), 12):  # under 10^12 pounds: pence exact
            return pc.round(pc.multiply(pc.cast(cleaned, pa.float64()), 100),
                            round_mode="half_to_even")
        pence = pa.array(pd.to_numeric(pd.Series(_strings(cleaned)), errors="coerce")
                         .mul(100).round().astype("Float64"))
        return pc.if_else(_exact(pence), pence, None)

    return _masked(_each_distinct(texts, pence), IntegerArray, "int64")


# Each takes a column's text cells (pyarrow large strings, null for a blank cell).
PARSERS: dict[ColumnType, Callable[[pa.Array], Typed]] = {
    ColumnType.ID: _strings,
    ColumnType.TEXT: _strings,
    ColumnType.CODE: normalise_code,
    ColumnType.FLAG: _parse_flag,
    ColumnType.DATE: _parse_date,
    ColumnType.NUMBER: _parse_number,
    ColumnType.INTEGER: _parse_integer,
    ColumnType.MONEY: _parse_money,
}


def shown(contract: Contract, column: str, value: object) -> object:
    """The found value as a finding may print it: never a personal field's content."""
    return WITHHELD if column in contract.personal_columns else value


def type_columns(extracts: list[ExtractFile]) -> list[tuple[dict[str, Typed], list[Finding]]]:
    """Each extract's columns typed, and a finding for each cell that would not parse.

    All the columns of one type, over all the files, are typed as one array and handed back
    in slices: the cost is mostly per call, not per cell, and a month's files have 46 columns
    of only 8 types."""
    by_type: dict[ColumnType, list[tuple[int, Column, pa.Array]]] = {}
    for i, extract in enumerate(extracts):
        for column, cells in zip(CONTRACTS[extract.kind].columns, extract.cells.columns,
                                 strict=True):
            by_type.setdefault(column.type, []).append((i, column, cells.combine_chunks()))
    typed: list[dict[str, Typed]] = [{} for _ in extracts]
    unparsed: list[dict[str, np.ndarray]] = [{} for _ in extracts]
    for column_type, members in by_type.items():
        texts = pa.concat_arrays([cells for _, _, cells in members])
        values = PARSERS[column_type](texts)
        failed = texts.is_valid().to_numpy(zero_copy_only=False) & pd.isna(values)
        start = 0
        for i, column, cells in members:
            stop = start + len(cells)
            typed[i][column.name] = values[start:stop]
            unparsed[i][column.name] = np.flatnonzero(failed[start:stop])
            start = stop
    return [(typed[i], _unparsed_findings(extract, unparsed[i]))
            for i, extract in enumerate(extracts)]


def _unparsed_findings(extract: ExtractFile, unparsed: dict[str, np.ndarray]) -> list[Finding]:
    """Findings for the cells that would not parse, column by column in the contract's order."""
    contract = CONTRACTS[extract.kind]
    return [
        Finding(
            str(extract.path),
            int(extract.row_numbers[position]),
            column.name,
            f"expected {TYPE_DESCRIPTIONS[column.type]}; "
            f"found {shown(contract, column.name, extract.text(column.name, position))!r}",
        )
        for column in contract.columns
        for position in unparsed[column.name]
    ]


# --- single-file rules -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Rule:
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


# --- rules across files -------------------------------------------------------------------


def check_references(
    files: dict[str, ExtractFile], columns: dict[str, dict[str, Typed]]
) -> list[Finding]:
    findings = []
    for ref in REFERENCES:
        if ref.kind not in columns or ref.target_kind not in columns:
            continue
        source = columns[ref.kind]
        values = pa.array(source[ref.column])
        applies = values.is_valid()
        if ref.when:
            applies = pc.and_(applies, pc.equal(pa.array(source[ref.when[0]]), ref.when[1])
                              .fill_null(False))
        known = pa.array(columns[ref.target_kind][ref.target_column]).drop_null()
        # Kleene logic: a blank value (null) does not apply, so it is never missing.
        missing = pc.and_kleene(applies, pc.invert(pc.is_in(values, known)))
        for position in np.flatnonzero(missing.to_numpy(zero_copy_only=False)):
            findings.append(
                Finding(
                    str(files[ref.kind].path),
                    int(files[ref.kind].row_numbers[position]),
                    ref.column,
                    f"expected one of the {ref.target_column} values in "
                    f"{files[ref.target_kind].name}; found {values[position].as_py()!r}",
                )
            )
    return findings


# --- entry points ---------------------------------------------------------------------------


@contextmanager
def _cycle_collection_paused() -> Iterator[None]:
    """Reading files makes a list or tuple per row and per column, none in a reference cycle
    (refcounting frees them), but alive long enough to set off full collections of every
    object the process holds: a third of a large council's validation. Collection resumes
    after, as it was."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@_cycle_collection_paused()
def validate_files(
    paths: dict[str, Path], period: Period, settings: ExtractSettings
) -> ValidatedMonth:
    """Validate a set of extract files (one per kind) for a period."""
    result = ValidatedMonth(period)
    end = pd.Timestamp(period.end)
    # Findings in file order: each file's reading, then its cells and rules.
    by_file: dict[str, list[Finding]] = {}
    readable = []
    for kind, path in paths.items():
        extract, by_file[kind] = read_extract(path, kind, settings)
        if extract is not None and not errors(by_file[kind]):
            readable.append(apply_value_mapping(extract, settings))
    for extract, (columns, findings) in zip(readable, type_columns(readable), strict=True):
        checked, unmapped = apply_rules(extract, columns, end)
        by_file[extract.kind] += findings + checked + notice_given(extract, columns, end)
        result.files[extract.kind] = extract
        result.columns[extract.kind] = columns
        if unmapped:  # every code column has a code rule, so none is missed
            result.unmapped.update(unmapped_values(extract, columns))
    result.findings = [finding for findings in by_file.values() for finding in findings]
    result.findings += check_references(result.files, result.columns)
    result.findings = _deduplicate(result.findings)
    return result


def validate_month(
    month_dir: Path, period: Period, settings: ExtractSettings
) -> ValidatedMonth:
    paths, missing = find_month_files(month_dir, settings)
    result = validate_files(paths, period, settings)
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
