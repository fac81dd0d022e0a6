"""Reading extract files into canonical tables of text.

Councils send CSV in UTF-8, UTF-8 with a byte-order mark or Windows-1252, or Excel
workbooks, each with their own headers. This module turns any of them into a table whose
columns are the contract's names and whose cells are text (null when empty), or into
findings that say in a plain sentence why the file cannot be read. Typing the values is
validation's job.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
from python_calamine import CalamineError, CalamineWorkbook

from workforce.contracts import CONTRACTS, KINDS, NAME_HEADER_PATTERN, Severity
from workforce.findings import Finding

EXTENSIONS = (".csv", ".xlsx")
ZIP_MAGIC = b"PK\x03\x04"
OTHER_DELIMITERS = {";": "semicolons", "\t": "tabs", "|": "vertical bars"}
TEXT = pa.large_string()

# (spreadsheet row number, cells) for each non-blank row: blank rows are skipped, but findings
# must still name the row a person sees when they open the file.
Rows = list[tuple[int, list[str]]]


@dataclass(frozen=True)
class ExtractFile:
    kind: str
    path: Path
    sha256: str
    # All canonical columns, in the contract's order: cells trimmed, null when blank (every
    # cell null in a column the file lacks).
    cells: pa.Table
    # The spreadsheet row number of each data row (the first under a header in row 1 is 2;
    # blank rows leave gaps), as findings must name the row a person sees.
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


def find_month_files(month_dir: Path) -> tuple[dict[str, Path], list[Finding]]:
    """The month folder's file for each kind, and findings for missing or doubled ones."""
    found: dict[str, Path] = {}
    findings: list[Finding] = []
    for kind in KINDS:
        candidates = sorted(p for ext in EXTENSIONS if (p := month_dir / f"{kind}{ext}").is_file())
        if not candidates:
            findings.append(
                Finding(
                    str(month_dir),
                    None,
                    None,
                    f"missing extract: expected {kind}.csv or {kind}.xlsx in this folder",
                )
            )
        elif len(candidates) > 1:
            names = " and ".join(p.name for p in candidates)
            findings.append(
                Finding(str(month_dir), None, None, f"both {names} exist: keep one {kind} file")
            )
        else:
            found[kind] = candidates[0]
    return found, findings


def kind_of(path: Path) -> str | None:
    return path.stem if path.stem in CONTRACTS and path.suffix.lower() in EXTENSIONS else None


def read_extract(
    path: Path, kind: str, header_mapping: dict[str, str] | None = None
) -> tuple[ExtractFile | None, list[Finding]]:
    """Read one extract file; on a structural problem return no table and say why."""
    file = str(path)

    def refuse(message: str, row: int | None = None, column: str | None = None):
        return None, [Finding(file, row, column, message)]

    try:
        data = path.read_bytes()
    except OSError as exc:
        return refuse(f"cannot read the file ({exc.strerror})")
    if not data.strip():
        return refuse("the file is empty: expected a header row and data rows")

    is_zip = data.startswith(ZIP_MAGIC)
    if path.suffix.lower() == ".xlsx":
        if not is_zip:
            return refuse("the file is named .xlsx but is not an Excel workbook")
        grid, problem = _xlsx_grid(data, file)
    else:
        if is_zip:
            return refuse("the file is named .csv but is an Excel workbook: save it as .xlsx")
        grid, problem = _csv_grid(data, file)
    if problem:
        return refuse(problem)
    assert grid is not None
    return _canonical(path, kind, grid, header_mapping or {}, sha256_of(data))


@dataclass(frozen=True)
class _Grid:
    """A file's non-blank rows by position, before its headers are matched to the contract."""

    header_line: int
    headers: list[str]
    row_numbers: np.ndarray
    columns: list[tuple[str, ...]]  # each header position's cells, as read
    findings: list[Finding]  # rows that are not as wide as the header


def _decode(data: bytes) -> tuple[str | None, str | None]:
    if b"\x00" in data[:8192]:
        return None, "the file is binary, not CSV text"
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), None
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return None, (
            f"the file is not text in UTF-8 or Windows-1252 (byte 0x{data[exc.start]:02x} "
            f"on line {line})"
        )


def _csv_grid(data: bytes, file: str) -> tuple[_Grid | None, str | None]:
    text, problem = _decode(data)
    if problem:
        return None, problem
    assert text is not None
    rows, problem = _csv_rows(text)
    return (None, problem) if problem else (_grid(rows, file), None)


def _csv_rows(text: str) -> tuple[Rows | None, str | None]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        rows = [(n, row) for n, row in enumerate(reader, start=1) if "".join(row).strip()]
    except csv.Error as exc:
        return None, (
            f"the CSV is malformed near line {reader.line_num} ({exc}); "
            "the file may be truncated or have an unclosed quote"
        )
    if not rows:
        return None, "the file is empty: expected a header row and data rows"
    header = rows[0][1]
    if len(header) == 1:
        for delimiter, name in OTHER_DELIMITERS.items():
            if delimiter in header[0]:
                return None, f"the file uses {name} between columns: expected commas"
    return rows, None


def _cell_text(value: object) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _xlsx_grid(data: bytes, file: str) -> tuple[_Grid | None, str | None]:
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except (CalamineError, ValueError, OSError) as exc:
        return None, f"the Excel workbook cannot be read ({exc}); it may be damaged or truncated"
    rows = [
        (n, [_cell_text(v) for v in row])
        for n, row in enumerate(sheet, start=1)
        if any(str(v).strip() for v in row)
    ]
    if not rows:
        return None, "the workbook's first sheet is empty: expected a header row and data rows"
    return _grid(rows, file), None


def _grid(rows: Rows, file: str) -> _Grid:
    """The rows as columns; a row not as wide as the header is made so, with a finding
    unless only empty cells are cut."""
    header_line, headers = rows[0]
    width = len(headers)
    lines = [line for line, _ in rows[1:]]
    body = [row for _, row in rows[1:]]
    findings = []
    # Rows of the header's width are the rule; only the others are looked at one by one.
    for i in np.flatnonzero(np.fromiter(map(len, body), int, len(body)) != width):
        row = body[i]
        # Trailing empty cells are harmless; anything else means a broken row.
        if len(row) > width and not "".join(row[width:]).strip():
            body[i] = row[:width]
        else:
            findings.append(
                Finding(
                    file,
                    lines[i],
                    None,
                    f"row has {len(row)} fields but the header has {width}; "
                    "the file may be truncated or a value contains an unquoted comma",
                )
            )
            body[i] = (row + [""] * width)[:width]
    columns = list(zip(*body, strict=True)) if body else [()] * width
    return _Grid(header_line, headers, np.array(lines, dtype=np.int64), columns, findings)


def _canonical(
    path: Path, kind: str, grid: _Grid, mapping: dict[str, str], checksum: str
) -> tuple[ExtractFile | None, list[Finding]]:
    contract = CONTRACTS[kind]
    file = str(path)
    findings: list[Finding] = []
    lookup = {normalise_header(k): v for k, v in mapping.items()}
    canonical = set(contract.column_names)

    header_line = grid.header_line
    columns: list[str | None] = []  # canonical name per position, None to drop
    for header in grid.headers:
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
    findings += grid.findings
    if len(grid.row_numbers) < contract.min_rows:
        findings.append(Finding(file, None, None, f"the file has no data rows: a {kind} "
                                "extract needs at least one"))

    # The first of a doubled column is kept; a column the file lacks is all null.
    blank = pa.nulls(len(grid.row_numbers), TEXT)
    cells = [_stripped(grid.columns[columns.index(name)]) if name in columns else blank
             for name in contract.column_names]
    table = pa.Table.from_arrays(cells, names=contract.column_names)
    return ExtractFile(kind, path, checksum, table, grid.row_numbers), findings


def _stripped(cells: tuple[str, ...]) -> pa.Array:
    """The cells without surrounding spaces, a blank one as null."""
    return pa.array([text or None for text in map(str.strip, cells)], TEXT)
