"""Reading extract files into canonical frames of text.

Councils send CSV in UTF-8, UTF-8 with a byte-order mark or Windows-1252, or Excel
workbooks, each with their own headers. This module turns any of them into a frame whose
columns are the contract's names and whose cells are text (``None`` when empty), or into
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
import pandas as pd
from python_calamine import CalamineError, CalamineWorkbook

from workforce.contracts import CONTRACTS, KINDS, NAME_HEADER_PATTERN, Severity
from workforce.findings import Finding

EXTENSIONS = (".csv", ".xlsx")
ZIP_MAGIC = b"PK\x03\x04"
OTHER_DELIMITERS = {";": "semicolons", "\t": "tabs", "|": "vertical bars"}

# (spreadsheet row number, cells) for each non-blank row: blank rows are skipped, but findings
# must still name the row a person sees when they open the file.
Rows = list[tuple[int, list[str]]]


@dataclass(frozen=True)
class ExtractFile:
    kind: str
    path: Path
    sha256: str
    rows: int
    # All canonical columns, text cells; the index is the spreadsheet row number - 2 (the first
    # data row under a header in row 1 is 0; blank rows leave gaps).
    frame: pd.DataFrame

    @property
    def name(self) -> str:
        return self.path.name


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
    """Read one extract file; on a structural problem return no frame and say why."""
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
        rows, problem = _xlsx_rows(data)
    else:
        if is_zip:
            return refuse("the file is named .csv but is an Excel workbook: save it as .xlsx")
        rows, problem = _csv_rows(data)
    if problem:
        return refuse(problem)
    assert rows is not None
    return _canonical_frame(path, kind, rows, header_mapping or {}, sha256_of(data))


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


def _csv_rows(data: bytes) -> tuple[Rows | None, str | None]:
    text, problem = _decode(data)
    if problem:
        return None, problem
    assert text is not None
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


def _xlsx_rows(data: bytes) -> tuple[Rows | None, str | None]:
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
    return rows, None


def _canonical_frame(
    path: Path, kind: str, rows: Rows, mapping: dict[str, str], checksum: str
) -> tuple[ExtractFile | None, list[Finding]]:
    contract = CONTRACTS[kind]
    file = str(path)
    findings: list[Finding] = []
    lookup = {normalise_header(k): v for k, v in mapping.items()}
    canonical = set(contract.column_names)

    header_line, headers = rows[0]
    columns: list[str | None] = []  # canonical name per position, None to drop
    for header in headers:
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

    width = len(headers)
    lines = [line for line, _ in rows[1:]]
    body = [row for _, row in rows[1:]]
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

    if len(body) < contract.min_rows:
        findings.append(Finding(file, None, None, f"the file has no data rows: a {kind} "
                                "extract needs at least one"))

    # Column by column into one block: cells stripped, blanks as None (the first of a doubled
    # column kept; a column the file lacks all None).
    cells = np.full((len(contract.column_names), len(body)), None, dtype=object)
    filled: set[str] = set()
    for name, column in zip(columns, zip(*body, strict=True) if body else [()] * width,
                            strict=True):
        if name is not None and name not in filled:
            filled.add(name)
            values = cells[contract.column_names.index(name)]
            values[:] = list(map(str.strip, column))
            values[values == ""] = None
    frame = pd.DataFrame(cells.T, index=[line - 2 for line in lines],
                         columns=contract.column_names, dtype=object)
    return ExtractFile(kind, path, checksum, len(body), frame), findings
