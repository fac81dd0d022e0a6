"""A month's validation: each extract file read (``extracts``), its cells typed
(``cell_typing``) and the contract's rules applied to it (``extract_rules``), then the
references between the files checked; the findings in file order, one per cell.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workforce.cell_typing import type_columns
from workforce.config import ExtractSettings
from workforce.contracts import REFERENCES, Severity, Typed
from workforce.extract_rules import apply_rules, notice_given
from workforce.extracts import ExtractFile, find_month_files, read_extract
from workforce.findings import Finding, errors
from workforce.periods import Period
from workforce.value_mapping import Unmapped, apply_value_mapping, unmapped_values


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
