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
UK_DATE = re.compile(r"^\d{1,2}/\d{1,2}/\d{4}$")


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
    iso = values.str.match(ISO_DATE).fillna(False).astype(bool)
    uk = values.str.match(UK_DATE).fillna(False).astype(bool)
    parsed = pd.Series(pd.NaT, index=values.index, dtype="datetime64[s]")
    if iso.any():
        parsed[iso] = pd.to_datetime(values[iso].str[:10], format="%Y-%m-%d", errors="coerce")
    if uk.any():
        parsed[uk] = pd.to_datetime(values[uk], format="%d/%m/%Y", errors="coerce")
    return parsed


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
    typed = pd.DataFrame(index=extract.frame.index)
    findings: list[Finding] = []
    for column in contract.columns:
        raw = extract.frame[column.name].astype("string")
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
    return typed, findings


# --- single-file rules as a pandera schema -----------------------------------------------


@dataclass(frozen=True)
class _Rule:
    column: str
    severity: Severity
    explain: Callable[[object], str]  # found value → message


def _column_checks(
    column: Column, severity: Severity, end: pd.Timestamp, rules: dict[str, _Rule]
) -> list[pa.Check]:
    checks: list[pa.Check] = []

    def add(rule_id: str, test: Callable[[pd.Series], pd.Series], explain) -> None:
        name = f"{column.name}.{rule_id}"
        rules[name] = _Rule(column.name, severity, explain)
        checks.append(pa.Check(test, name=name, ignore_na=False))

    bound = column.bound if severity is Severity.ERROR else column.warn_bound
    if bound is not None:
        scale = 100 if column.type is ColumnType.MONEY else 1
        prefix = "£" if column.type is ColumnType.MONEY else ""
        add(
            "bound",
            lambda s, b=bound, k=scale: b.holds(s.astype("Float64") / k),
            lambda found, b=bound, p=prefix: (
                f"expected a value {b.describe().replace(' ', ' ' + p, 1) if p else b.describe()}"
                f"; found {found!r}"
                + ("" if severity is Severity.ERROR else " (unusual: please check)")
            ),
        )
    if severity is Severity.ERROR and column.codes:
        add(
            "codes",
            lambda s, codes=column.codes: s.isin(codes).fillna(True).astype(bool) | s.isna(),
            lambda found, codes=column.codes: (
                f"expected one of {', '.join(codes)}; found {found!r}"
            ),
        )
    if (
        severity is Severity.ERROR
        and column.type is ColumnType.DATE
        and column.not_after_period_end
    ):
        add(
            "not_after_period_end",
            lambda s, e=end: ((s <= e) | s.isna()).astype(bool),
            lambda found, e=end: (
                f"expected a date on or before the month end {e:%Y-%m-%d}; found {found!r}"
            ),
        )
    return checks


def build_schema(
    contract: Contract, severity: Severity, end: pd.Timestamp
) -> tuple[pa.DataFrameSchema, dict[str, _Rule]]:
    """The contract's rules of one severity as a pandera schema, and how to explain each."""
    rules: dict[str, _Rule] = {}
    columns = {
        c.name: pa.Column(
            checks=_column_checks(c, severity, end, rules),
            nullable=not (c.required and severity is Severity.ERROR),
            required=True,
        )
        for c in contract.columns
    }
    frame_checks: list[pa.Check] = []
    if severity is Severity.ERROR:
        key = list(contract.key)
        rules["duplicate_key"] = _Rule(
            key[-1],
            Severity.ERROR,
            lambda found: f"expected each ({', '.join(key)}) once; this key is repeated",
        )
        frame_checks.append(
            pa.Check(lambda df: ~df.duplicated(key, keep=False), name="duplicate_key")
        )
    for rule in contract.rules:
        if rule.severity is not severity:
            continue
        rules[rule.id] = _Rule(
            rule.column,
            rule.severity,
            lambda found, r=rule: f"expected {r.description}; found {found!r}",
        )
        frame_checks.append(
            pa.Check(lambda df, r=rule: r.check(df, end), name=rule.id, ignore_na=False)
        )
    schema = pa.DataFrameSchema(columns, checks=frame_checks, name=contract.kind)
    return schema, rules


def apply_rules(
    extract: ExtractFile, typed: pd.DataFrame, end: pd.Timestamp
) -> list[Finding]:
    contract = CONTRACTS[extract.kind]
    findings: list[Finding] = []
    for severity in Severity:
        schema, rules = build_schema(contract, severity, end)
        try:
            schema.validate(typed, lazy=True)
        except pa.errors.SchemaErrors as exc:
            findings += _explain_failures(extract, exc.failure_cases, rules, severity)
    return findings


def _explain_failures(
    extract: ExtractFile, failures: pd.DataFrame, rules: dict[str, _Rule], severity: Severity
) -> list[Finding]:
    findings = []
    for failure in failures.itertuples(index=False):
        if pd.isna(failure.index):
            # A check that failed as a whole rather than on rows is a defect in a rule.
            raise RuntimeError(f"rule {failure.check} failed to run: {failure.failure_case}")
        row = int(failure.index)
        if failure.check == "not_nullable":
            column, message = failure.column, "required value is missing"
        else:
            rule = rules[str(failure.check)]
            column = rule.column
            found = shown(CONTRACTS[extract.kind], column, extract.frame.at[row, column])
            message = rule.explain(found)
        findings.append(Finding(str(extract.path), row + 2, column, message, severity))
    return findings


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
                    f"expected a {ref.target_column} listed in {files[ref.target_kind].name}; "
                    f"found {values[row]!r}",
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
    """One finding per cell and severity: a value that would not parse is not also 'missing'."""
    seen: set[tuple] = set()
    kept = []
    for finding in findings:
        cell = (finding.file, finding.row, finding.column, finding.severity)
        if finding.row is not None and finding.column is not None and cell in seen:
            continue
        seen.add(cell)
        kept.append(finding)
    return kept
