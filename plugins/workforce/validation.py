"""Apply the extract contracts: text cells → typed values, rules → findings.

Single-file rules (required values, codes, ranges, duplicate keys, dates after the month end,
the contract's row rules) run as a pandera schema generated from the contract, collected
lazily so every problem is reported at once. Rules across files (references between
extracts) are set lookups over the typed frames.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

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


def normalise_code(values: pd.Series) -> pd.Series:
    return values.str.strip().str.lower().str.replace(r"[\s\-]+", "_", regex=True)


def _parse_flag(values: pd.Series) -> pd.Series:
    lowered = values.str.strip().str.lower()
    parsed = pd.Series(pd.NA, index=values.index, dtype="boolean")
    parsed[lowered.isin(TRUE_WORDS)] = True
    parsed[lowered.isin(FALSE_WORDS)] = False
    return parsed


def _parse_date(values: pd.Series) -> pd.Series:
    # A day-first UK date is rewritten as ISO, so one strict format reads both forms; a
    # month-first date such as 03/31/2024 then has month 31 and is refused.
    iso = values.str.replace(UK_DATE, lambda m: f"{m[3]}-{m[2]:0>2}-{m[1]:0>2}", regex=True)
    iso = iso.where(iso.str.match(ISO_DATE).fillna(False).astype(bool)).str[:10]
    return pd.to_datetime(iso, format="%Y-%m-%d", errors="coerce").astype("datetime64[s]")


def _parse_number(values: pd.Series) -> pd.Series:
    return pd.to_numeric(values.str.strip(), errors="coerce").astype("Float64")


def _parse_integer(values: pd.Series) -> pd.Series:
    numbers = _parse_number(values)
    return numbers.where(numbers.round() == numbers).astype("Int64")


def _parse_money(values: pd.Series) -> pd.Series:
    cleaned = values.str.replace(r"[£,\s]", "", regex=True)
    cleaned = cleaned.where(cleaned.str.match(r"^-?\d*\.?\d+$").fillna(False).astype(bool))
    pounds = pd.to_numeric(cleaned, errors="coerce")
    return (pounds * 100).round().astype("Int64")  # integer pence


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
    text = extract.frame.astype("string")
    typed = {}
    findings: list[Finding] = []
    for column in contract.columns:
        raw = text[column.name]
        typed[column.name] = PARSERS[column.type](raw)
        unparsed = raw.notna() & typed[column.name].isna()
        for row in unparsed[unparsed].index:
            findings.append(
                Finding(
                    str(extract.path),
                    int(row) + 2,
                    column.name,
                    f"expected {TYPE_DESCRIPTIONS[column.type]}; "
                    f"found {shown(contract, column.name, raw[row])!r}",
                )
            )
    return pd.DataFrame(typed, index=text.index), findings


# --- single-file rules as a pandera schema -----------------------------------------------


@dataclass(frozen=True)
class _Rule:
    severity: Severity
    column: str  # the column a finding is reported against
    explain: Callable[[str], str]  # the found value, as printed → message
    shows: tuple[str, ...] = ()  # columns printed as the found value; default (column,)


def _column_checks(column: Column, end: pd.Timestamp, rules: dict[str, _Rule]) -> list[pa.Check]:
    checks: list[pa.Check] = []

    def add(rule_id: str, severity: Severity, test: Callable[[pd.Series], pd.Series],
            explain: Callable[[str], str]) -> None:
        name = f"{column.name}.{rule_id}"
        rules[name] = _Rule(severity, column.name, explain)
        checks.append(pa.Check(test, name=name, ignore_na=False))

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
                lambda s, b=bound: b.holds(s.astype("Float64") / scale),
                lambda found, b=bound, n=note: (
                    f"expected a value {b.describe(unit)}; found {found}{n}"
                ),
            )
    if column.codes:
        add(
            "codes",
            Severity.ERROR,
            lambda s, codes=column.codes: s.isin(codes).fillna(True).astype(bool) | s.isna(),
            lambda found, codes=column.codes: f"expected one of {', '.join(codes)}; found {found}",
        )
    if column.type is ColumnType.DATE and column.not_after_period_end:
        add(
            "not_after_period_end",
            Severity.ERROR,
            lambda s: ((s <= end) | s.isna()).astype(bool),
            lambda found: f"expected a date on or before the month end {end:%Y-%m-%d}; "
            f"found {found}",
        )
    return checks


def build_schema(
    contract: Contract, end: pd.Timestamp
) -> tuple[pa.DataFrameSchema, dict[str, _Rule]]:
    """The contract's single-file rules as one pandera schema, and how to explain each check.

    Required columns are not nullable; a missing value is explained from the column's type."""
    rules: dict[str, _Rule] = {}
    columns = {
        c.name: pa.Column(
            checks=_column_checks(c, end, rules), nullable=not c.required, required=True
        )
        for c in contract.columns
    }
    key = contract.key
    rules["duplicate_key"] = _Rule(
        Severity.ERROR,
        key[-1],
        lambda found: f"expected each ({', '.join(key)}) once; found {found} more than once",
        shows=key,
    )
    frame_checks = [
        pa.Check(lambda df: ~df.duplicated(list(key), keep=False), name="duplicate_key")
    ]
    for rule in contract.rules:
        rules[rule.id] = _Rule(
            rule.severity,
            rule.column,
            lambda found, r=rule: f"expected {r.description}; found {found}",
        )
        frame_checks.append(
            pa.Check(lambda df, r=rule: r.check(df, end), name=rule.id, ignore_na=False)
        )
    schema = pa.DataFrameSchema(columns, checks=frame_checks, name=contract.kind)
    return schema, rules


def apply_rules(extract: ExtractFile, typed: pd.DataFrame, end: pd.Timestamp) -> list[Finding]:
    schema, rules = build_schema(CONTRACTS[extract.kind], end)
    try:
        schema.validate(typed, lazy=True)
    except pa.errors.SchemaErrors as exc:
        return _explain_failures(extract, exc.failure_cases, rules)
    return []


def _explain_failures(
    extract: ExtractFile, failures: pd.DataFrame, rules: dict[str, _Rule]
) -> list[Finding]:
    contract = CONTRACTS[extract.kind]
    # pandera lists a failing row of a frame-wide rule once per column, and frame-wide rules
    # first; a cell's own rule explains it best, and only a cell's first finding is kept.
    failures = failures.drop_duplicates(["check", "index"]).sort_values(
        "schema_context", key=lambda context: context != "Column", kind="stable"
    )
    findings = []
    for failure in failures.itertuples(index=False):
        if pd.isna(failure.index):
            # A check that failed as a whole rather than on rows is a defect in a rule.
            raise RuntimeError(f"rule {failure.check} failed to run: {failure.failure_case}")
        row = int(failure.index)
        if failure.check == "not_nullable":
            column, severity = str(failure.column), Severity.ERROR
            expected = TYPE_DESCRIPTIONS[contract.column(column).type]
            message = f"required value is missing: expected {expected}; found a blank cell"
        else:
            rule = rules[str(failure.check)]
            column, severity = rule.column, rule.severity
            found = [_printed(contract, c, extract.frame.at[row, c]) for c in rule.shows or
                     (column,)]
            message = rule.explain(found[0] if len(found) == 1 else f"({', '.join(found)})")
        findings.append(Finding(str(extract.path), row + 2, column, message, severity))
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
        applies = values.notna()
        if ref.when:
            applies &= (source[ref.when[0]] == ref.when[1]).fillna(False).astype(bool)
        known = frames[ref.target_kind][ref.target_column].dropna().unique()
        missing = applies & ~values.isin(known).fillna(False).astype(bool)
        for row in missing[missing].index:
            findings.append(
                Finding(
                    str(files[ref.kind].path),
                    int(row) + 2,
                    ref.column,
                    f"expected one of the {ref.target_column} values in "
                    f"{files[ref.target_kind].name}; found {values[row]!r}",
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
