"""Reading extract files into canonical tables of text.

Councils send CSV or Excel workbooks laid out as their systems export them, each with their own
file names and headers. ``layouts`` turns a file into rows of text cells under a header; this
module finds each extract's file in a month folder, matches the headers to the contract's
columns, and returns a table whose columns are the contract's names and whose cells are text
(null when empty), or findings that say in a plain sentence why the file cannot be read.
Typing the values is validation's job (``cell_typing``).
"""

from __future__ import annotations

import fnmatch
import hashlib
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa

from workforce.config import ExtractSettings
from workforce.contracts import CONTRACTS, KINDS, NAME_HEADER_PATTERN, Severity
from workforce.findings import Finding
from workforce.layouts import RawTable, parse_raw

EXTENSIONS = (".csv", ".xlsx")
TEXT = pa.large_string()
HEADER_MATCHES = 3  # cells recognised as columns that make a row the header (fewer if the
# contract has fewer required columns)


@dataclass(frozen=True)
class ExtractFile:
    kind: str
    path: Path
    sha256: str
    # All canonical columns, in the contract's order: cells trimmed, null when blank (every
    # cell null in a column the file lacks).
    cells: pa.Table
    # The row number of each data row as seen in Excel or a text editor (the first under a
    # header in row 1 is 2; blank, title and footer rows leave gaps), as findings must name
    # the row a person sees.
    row_numbers: np.ndarray

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def rows(self) -> int:
        return len(self.row_numbers)

    def text(self, column: str, position: int) -> str | None:
        """The cell as found (trimmed), for a finding to quote."""
        return self.cells.column(column)[position].as_py()


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def normalise_header(header: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", header.strip().lower()).strip("_")


# --- which file is which extract ---------------------------------------------------------------


def _pattern(kind: str, settings: ExtractSettings | None) -> str | None:
    return settings.layout(kind).pattern if settings else None


def _matches(name: str, kind: str, pattern: str | None) -> bool:
    """Whether a file name is the kind's: its pattern, else <kind>.csv or <kind>.xlsx. Case is
    ignored, as the councils' Windows file shares ignore it."""
    patterns = [pattern] if pattern else [f"{kind}{ext}" for ext in EXTENSIONS]
    return any(fnmatch.fnmatchcase(name.casefold(), p.casefold()) for p in patterns)


def find_month_files(
    month_dir: Path, settings: ExtractSettings | None = None
) -> tuple[dict[str, Path], list[Finding]]:
    """The month folder's file for each kind, and findings for missing, doubled or ambiguous
    ones. Hidden files and Excel's lock files (~$...) are not extracts."""
    folder = str(month_dir)
    names = sorted(p.name for p in month_dir.iterdir()
                   if p.is_file() and not p.name.startswith((".", "~$"))
                   ) if month_dir.is_dir() else []
    patterns = {kind: _pattern(kind, settings) for kind in KINDS}
    matched = {kind: [n for n in names if _matches(n, kind, patterns[kind])] for kind in KINDS}
    claims = Counter(name for kind in KINDS for name in matched[kind])
    found: dict[str, Path] = {}
    findings: list[Finding] = []
    reported: set[str] = set()
    for kind in KINDS:
        pattern, candidates = patterns[kind], matched[kind]
        shared = [name for name in candidates if claims[name] > 1]
        for name in shared:
            if name not in reported:
                reported.add(name)
                kinds = [k for k in KINDS if name in matched[k]]
                findings.append(Finding(folder, None, None, (
                    f"{name} matches the patterns of more than one extract "
                    f"({', '.join(kinds)}): make the patterns in the settings tell them apart"
                )))
        if shared:
            continue
        if not candidates:
            message = (
                f"missing extract: no file matches the {kind} pattern {pattern!r}; the folder "
                f"holds {', '.join(names) or 'no files'}" if pattern else
                f"missing extract: expected {kind}.csv or {kind}.xlsx in this folder"
            )
            findings.append(Finding(folder, None, None, message))
        elif len(candidates) > 1:
            message = (
                f"{len(candidates)} files match the {kind} pattern {pattern!r}: "
                f"{', '.join(candidates)}; keep one, or narrow the pattern in the settings"
                if pattern else f"both {' and '.join(candidates)} exist: keep one {kind} file"
            )
            findings.append(Finding(folder, None, None, message))
        else:
            found[kind] = month_dir / candidates[0]
    return found, findings


def kind_of(path: Path, settings: ExtractSettings | None = None) -> str | None:
    """The one kind whose file name ``path`` has, or None."""
    kinds = [kind for kind in KINDS if _matches(path.name, kind, _pattern(kind, settings))]
    return kinds[0] if len(kinds) == 1 else None


# --- reading a file --------------------------------------------------------------------------


def read_extract(
    path: Path, kind: str, settings: ExtractSettings | None = None
) -> tuple[ExtractFile | None, list[Finding]]:
    """Read one extract file; on a structural problem return no table and say why."""
    settings = settings or ExtractSettings()
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, [Finding(str(path), None, None, f"cannot read the file ({exc.strerror})")]
    lookup = _header_lookup(settings.header_mapping(kind))
    raw, problem = parse_raw(path, data, settings.layout(kind), *_header_rule(kind, lookup))
    if problem:
        return None, [Finding(str(path), None, None, problem)]
    assert raw is not None
    return _canonical(path, kind, raw, lookup, sha256_of(data))


def _header_lookup(mapping: dict[str, str]) -> dict[str, str]:
    """The council's headers, normalised, → canonical names."""
    return {normalise_header(header): name for header, name in mapping.items()}


def _header_rule(kind: str, lookup: dict[str, str]
                 ) -> tuple[Callable[[Sequence[str]], int], int]:
    """How a row scores as the kind's header (its cells that are contract columns, after the
    council's mapping), and the score that makes it one."""
    canonical = set(CONTRACTS[kind].column_names)

    def score(cells: Sequence[str]) -> int:
        return sum(lookup.get(norm, norm) in canonical
                   for norm in map(normalise_header, filter(None, cells)))

    required = sum(column.required for column in CONTRACTS[kind].columns)
    return score, min(HEADER_MATCHES, required)


def _canonical(
    path: Path, kind: str, raw: RawTable, lookup: dict[str, str], checksum: str
) -> tuple[ExtractFile | None, list[Finding]]:
    contract = CONTRACTS[kind]
    file = str(path)
    findings: list[Finding] = []
    canonical = set(contract.column_names)

    header_line = raw.header_row
    columns: list[str | None] = []  # canonical name per position, None to drop
    for header in raw.headers:
        norm = normalise_header(header)
        name = lookup.get(norm, norm)
        if name in canonical:
            if name in columns:
                findings.append(
                    Finding(file, header_line, header, f"column {name} appears twice")
                )
            columns.append(name)
        elif re.match(NAME_HEADER_PATTERN, norm):
            findings.append(
                Finding(
                    file,
                    header_line,
                    header,
                    "this column looks like a person's name: names must not be sent; "
                    "remove the column and send the file again",
                )
            )
            columns.append(None)
        else:
            if norm:
                findings.append(
                    Finding(
                        file,
                        header_line,
                        header,
                        f"column is not in the {kind} contract and is ignored",
                        Severity.WARNING,
                    )
                )
            columns.append(None)

    for column in contract.columns:
        if column.name not in columns and column.required:
            findings.append(
                Finding(
                    file, header_line, column.name, "required column is missing from the header"
                )
            )
    findings += raw.findings
    if len(raw.row_numbers) < contract.min_rows:
        findings.append(Finding(file, None, None, f"the file has no data rows: a {kind} "
                                "extract needs at least one"))

    # The first of a doubled column is kept; a column the file lacks is all null.
    blank = pa.nulls(len(raw.row_numbers), TEXT)
    cells = [_stripped(raw.columns[columns.index(name)]) if name in columns else blank
             for name in contract.column_names]
    table = pa.Table.from_arrays(cells, names=contract.column_names)
    return ExtractFile(kind, path, checksum, table, raw.row_numbers), findings


def _stripped(cells: tuple[str, ...]) -> pa.Array:
    """The cells without surrounding spaces, a blank one as null."""
    return pa.array([text or None for text in map(str.strip, cells)], TEXT)
