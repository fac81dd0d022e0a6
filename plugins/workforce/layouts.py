"""A file's raw table: bytes to rows of text cells, before any header means anything.

Councils export what their systems give: CSV with commas, semicolons, tabs or vertical bars,
in UTF-8 (with or without a byte-order mark), Windows-1252 or Excel's UTF-16 "Unicode text";
workbooks whose data is on another sheet, under title rows, above a footer. This module finds
the encoding, delimiter, sheet and header row (a council's ``FileLayout`` overrides each) and
returns each header position's cells as text, or a sentence saying why the file cannot be
read. Which headers are the contract's columns is for the caller: it says how to score a row.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import itertools
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from python_calamine import CalamineError, CalamineWorkbook

from workforce.config import DELIMITERS, FileLayout
from workforce.contracts import Severity
from workforce.findings import Finding

ZIP_MAGIC = b"PK\x03\x04"
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "vertical bar"}
SNIFF_ROWS = 50  # rows read to choose the delimiter
HEADER_SEARCH_ROWS = 30  # non-blank rows searched for the header
EMPTY = "expected a header row and data rows"

# (row number as seen in Excel or a text editor, cells) for each non-blank row: blank rows are
# skipped, but findings must still name the row a person sees when they open the file.
Rows = list[tuple[int, list[str]]]
HeaderScore = Callable[[Sequence[str]], int]


@dataclass(frozen=True)
class RawTable:
    encoding: str | None  # None for xlsx
    delimiter: str | None  # None for xlsx
    sheet: str | None  # None for CSV
    sheets: list[str]  # all sheet names of a workbook ([] for CSV)
    header_row: int  # as seen in Excel / a text editor
    headers: list[str]
    row_numbers: np.ndarray  # of the data rows
    columns: list[tuple[str, ...]]  # each header position's cells (text, as read)
    findings: list[Finding]  # footers skipped (warning), broken rows (error)


def read_raw(path: Path, layout: FileLayout, header_score: HeaderScore, wanted: int
             ) -> tuple[RawTable | None, str | None]:
    """The file's raw table, or no table and a sentence saying why it cannot be read.

    ``header_score(cells)`` counts a row's cells recognised as columns; the first row scoring
    ``wanted`` is the header unless ``layout.header_row`` names it."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, f"cannot read the file ({exc.strerror})"
    return parse_raw(path, data, layout, header_score, wanted)


def parse_raw(path: Path, data: bytes, layout: FileLayout, header_score: HeaderScore,
              wanted: int) -> tuple[RawTable | None, str | None]:
    """As ``read_raw``, for the bytes already read from ``path`` (which names the file)."""
    if not data.strip():
        return None, f"the file is empty: {EMPTY}"
    is_zip = data.startswith(ZIP_MAGIC)
    if path.suffix.lower() == ".xlsx":
        if not is_zip:
            return None, "the file is named .xlsx but is not an Excel workbook"
        return _read_workbook(str(path), data, layout, header_score, wanted)
    if is_zip:
        named = f"named {path.suffix}" if path.suffix else "not named .xlsx"
        return None, f"the file is {named} but is an Excel workbook: save it as .xlsx"
    return _read_text(str(path), data, layout, header_score, wanted)


# --- text files ------------------------------------------------------------------------------


def _read_text(file: str, data: bytes, layout: FileLayout, header_score: HeaderScore,
               wanted: int) -> tuple[RawTable | None, str | None]:
    text, encoding, problem = _decode(data, layout.encoding)
    if problem:
        return None, problem
    delimiter = layout.delimiter or _sniff(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        rows = [(n, row) for n, row in enumerate(reader, start=1) if "".join(row).strip()]
    except csv.Error as exc:
        return None, (
            f"the CSV is malformed near line {reader.line_num} ({exc}); "
            "the file may be truncated or have an unclosed quote"
        )
    if not rows:
        return None, f"the file is empty: {EMPTY}"
    unquoted = f"a value contains an unquoted {DELIMITER_NAMES[delimiter]}"
    return _table(file, rows, layout, header_score, wanted, unquoted,
                  encoding=encoding, delimiter=delimiter, sheet=None, sheets=[])


def _decode(data: bytes, encoding: str | None) -> tuple[str, str, str | None]:
    """The text, the encoding it was read in, and why it could not be read (or None)."""
    if encoding:
        return _decoded(data, encoding, f"{encoding}, as the settings say")
    if data.startswith(UTF16_BOMS):  # Excel's "Unicode text"
        return _decoded(data, "utf-16", "UTF-16, as its byte-order mark says")
    if b"\x00" in data[:8192]:
        return "", "", "the file is binary, not CSV text"
    utf8 = "utf-8-sig" if data.startswith(codecs.BOM_UTF8) else "utf-8"
    try:
        return data.decode(utf8), utf8, None
    except UnicodeDecodeError:
        return _decoded(data, "cp1252", "UTF-8 or Windows-1252")


def _decoded(data: bytes, encoding: str, described: str) -> tuple[str, str, str | None]:
    try:
        # A byte-order mark left by an explicit encoding would stick to the first header.
        return data.decode(encoding).removeprefix("\ufeff"), encoding, None
    except UnicodeDecodeError as exc:
        line = data[:exc.start].decode(encoding, errors="replace").count("\n") + 1
        return "", encoding, (
            f"the file is not text in {described} (byte 0x{data[exc.start]:02x} on line {line})"
        )


def _sniff(text: str) -> str:
    """The delimiter that splits most of the first rows into one width over 1 (title rows of
    one cell count for none); a tie goes to the wider split, then to the earlier delimiter.
    With none, a comma: the missing-column findings then explain the file."""
    end = -1
    for _ in range(SNIFF_ROWS):  # the first lines only: not a copy of the file per delimiter
        end = text.find("\n", end + 1)
        if end < 0:
            break
    head = text if end < 0 else text[:end]
    best, best_score = ",", (0, 0)
    # A delimiter absent from the first rows splits none of them, so it cannot win; with no
    # other than a comma there, the answer is a comma either way.
    present = [delimiter for delimiter in DELIMITERS if delimiter in head]
    if not set(present) - {","}:
        return best
    for delimiter in present:
        reader = csv.reader(io.StringIO(head, newline=""), delimiter=delimiter)
        try:
            widths = Counter(len(row) for row in itertools.islice(reader, SNIFF_ROWS)
                             if len(row) > 1)
        except csv.Error:  # not this delimiter's quoting
            continue
        if widths:
            width, count = max(widths.items(), key=lambda item: (item[1], item[0]))
            if (count, width) > best_score:
                best, best_score = delimiter, (count, width)
    return best


# --- workbooks -------------------------------------------------------------------------------


def _cell_text(value: object) -> str:
    # python-calamine gives a date cell as a date (a date-time at midnight too), a date-time as
    # a datetime, a time-only cell as a time and a duration as a timedelta: str() writes
    # those last two as 09:30:00 and 5:00:00.
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _read_workbook(file: str, data: bytes, layout: FileLayout, header_score: HeaderScore,
                   wanted: int) -> tuple[RawTable | None, str | None]:
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = list(workbook.sheet_names)
        # Excel itself ignores case in sheet names.
        sheet = next((s for s in sheets if s.casefold() == layout.sheet.casefold()), None
                     ) if layout.sheet else sheets[0]
        if sheet is None:
            return None, (f"the workbook has no sheet {layout.sheet!r}; its sheets are "
                          + ", ".join(map(repr, sheets)))
        values = workbook.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    except (CalamineError, ValueError, OSError, IndexError) as exc:
        return None, f"the Excel workbook cannot be read ({exc}); it may be damaged or truncated"
    rows = []
    for n, row in enumerate(values, start=1):
        cells = [v if type(v) is str else _cell_text(v) for v in row]
        if "".join(cells).strip():
            rows.append((n, cells))
    if not rows:
        which = f"sheet {sheet!r}" if layout.sheet else "first sheet"
        return None, f"the workbook's {which} is empty: {EMPTY}"
    return _table(file, rows, layout, header_score, wanted, "a cell was cut off",
                  encoding=None, delimiter=None, sheet=sheet, sheets=sheets)


# --- header, data and footer rows ------------------------------------------------------------


def _table(file: str, rows: Rows, layout: FileLayout, header_score: HeaderScore, wanted: int,
           cut_short: str, *, encoding: str | None, delimiter: str | None, sheet: str | None,
           sheets: list[str]) -> tuple[RawTable | None, str | None]:
    """The rows under the header as columns of the header's width. Rows above the header are
    titles, skipped; rows of one filled cell at the end are footers, skipped with a warning."""
    at, problem = _header_position(rows, layout.header_row, header_score, wanted)
    if problem:
        return None, problem
    header_row, headers = rows[at]
    # Under a header of one column, a row of one filled cell is a data row like any other.
    body, findings = (_data_rows(file, rows[at + 1:]) if _filled(headers) > 1
                      else (rows[at + 1:], []))
    width = len(headers)
    lines = [line for line, _ in body]
    cells = [row for _, row in body]
    # Rows of the header's width are the rule; only the others are looked at one by one.
    for i in np.flatnonzero(np.fromiter(map(len, cells), int, len(cells)) != width):
        row = cells[i]
        # Trailing empty cells are harmless; anything else means a broken row.
        if len(row) > width and not "".join(row[width:]).strip():
            cells[i] = row[:width]
        else:
            findings.append(Finding(
                file, lines[i], None,
                f"row has {len(row)} fields but the header has {width}; "
                f"the file may be truncated or {cut_short}",
            ))
            cells[i] = (row + [""] * width)[:width]
    findings.sort(key=lambda f: f.row or 0)
    columns = list(zip(*cells, strict=True)) if cells else [()] * width
    return RawTable(encoding, delimiter, sheet, sheets, header_row, headers,
                    np.array(lines, dtype=np.int64), columns, findings), None


def _header_position(rows: Rows, header_row: int | None, header_score: HeaderScore,
                     wanted: int) -> tuple[int, str | None]:
    """The header's position in ``rows``: the row the settings name, else the first of the
    first rows to score ``wanted``, else the first row (the missing-column findings then say
    what is wrong with it)."""
    if header_row is None:
        search = itertools.islice(enumerate(rows), HEADER_SEARCH_ROWS)
        return next((i for i, (_, cells) in search if header_score(cells) >= wanted), 0), None
    for i, (line, _) in enumerate(rows):
        if line == header_row:
            return i, None
    last = rows[-1][0]
    if header_row < last:
        return 0, f"row {header_row}, the header row in the settings, is blank"
    return 0, (f"the file ends at row {last}, before row {header_row}, the header row in the "
               "settings")


def _filled(row: list[str]) -> int:
    return sum(1 for cell in row if cell.strip())


def _data_rows(file: str, body: Rows) -> tuple[Rows, list[Finding]]:
    """The data rows without the rows of one filled cell: footers at the end (one warning for
    them all, never quoting them: a footer may name a person) and such rows among the data
    (an error each)."""
    end = len(body)
    while end and _filled(body[end - 1][1]) == 1:
        end -= 1
    findings = []
    if end < len(body):
        footers = len(body) - end
        findings.append(Finding(
            file, body[end][0], None,
            "a footer row after the data was skipped (one filled cell)" if footers == 1 else
            f"{footers} footer rows after the data were skipped (one filled cell each)",
            Severity.WARNING,
        ))
    # Rows are non-blank, so one non-empty cell is one filled cell. (A row padded with cells
    # of spaces is not counted here, so as not to strip every cell; its blanks are reported.)
    lone = [i for i, (_, row) in enumerate(body[:end]) if len(row) - row.count("") == 1]
    for i in lone:
        findings.append(Finding(
            file, body[i][0], None,
            "this row has one filled cell but data rows follow it, so it is not a data row (a "
            "title, subtotal or note?): delete it or fill in its other cells, and send the file "
            "again",
        ))
    if not lone:
        return body[:end], findings
    skipped = set(lone)
    return [row for i, row in enumerate(body[:end]) if i not in skipped], findings
