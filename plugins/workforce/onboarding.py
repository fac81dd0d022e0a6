"""Drafting a council's settings file from one raw month: ``workforce onboard``.

Each file in the month folder is read as it is (encoding, delimiter, sheet and header row
found by :mod:`workforce.layouts`), recognised as an extract kind by its name and headers,
and its headers and code values are matched with the names councils' systems use
(:mod:`workforce.synonyms`). The draft is YAML an analyst finishes by hand: every guess is
commented as a guess with its evidence, everything unplaced is marked ``# TODO``, and the
lines still to decide are commented out, so the draft loads as settings as it stands.

No personal value is ever written: only code columns' values are listed, and for a personal
code column (gender) only values of at least ``PERSONAL_MIN_ROWS`` rows; a column whose header
looks like a person's name is reported without its values.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import yaml
from python_calamine import CalamineError, CalamineWorkbook

from workforce.config import AuthorityConfig, FileLayout
from workforce.contracts import CONTRACTS, KINDS, NAME_HEADER_PATTERN, ColumnType
from workforce.extracts import normalise_header
from workforce.layouts import read_raw
from workforce.onboarding_draft import (
    PERSONAL_MIN_ROWS,
    CodeColumn,
    Draft,
    FileDraft,
    HeaderLine,
    ValueLine,
    render,
)
from workforce.synonyms import code_guess, column_guess, header_score, kind_scores

WANTED_HEADERS = 3  # known headers a row needs to be taken for the header row
READABLE = (".csv", ".txt", ".tsv", ".xlsx")
FLAG_WORDS = {"y", "yes", "true", "1", "n", "no", "false", "0"}  # as validation reads flags


def draft_settings(month_folder: Path, authority: str) -> str:
    """The draft settings file (YAML text) for ``authority`` from one raw month folder."""
    return build_draft(month_folder, authority).text


def build_draft(month_folder: Path, authority: str) -> Draft:
    """:func:`draft_settings` with what was found, for a summary."""
    folder = Path(month_folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder} is not a folder")
    if not re.fullmatch(r"[A-Za-z0-9_-]+", authority):
        raise ValueError(f"{authority!r} is not an authority code: letters, digits, _ and - "
                         "only (it names config/CODE.yaml)")
    files = [_read(path) for path in sorted(folder.iterdir())
             if path.is_file() and not path.name.startswith((".", "~$"))]
    _assign_kinds(files)
    for file in files:
        if file.kind and file.table is not None:
            _map_headers(file)
            _list_codes(file)
    draft = Draft(authority, folder, files, [])
    found = draft.kinds
    draft.missing = [f"{kind}.{column.name}" if kind in found else f"{kind}.* (no file)"
                     for kind in KINDS for column in CONTRACTS[kind].columns
                     if column.required and column.name not in
                     (found[kind].mapped.values() if kind in found else ())]
    draft.missing = list(dict.fromkeys(draft.missing))  # one "(no file)" per kind
    draft.text = render(draft)
    parsed = yaml.safe_load(draft.text)
    AuthorityConfig(**parsed)  # the draft must load as it stands
    return draft


def _read(path: Path) -> FileDraft:
    file = FileDraft(path)
    if path.suffix.lower() not in READABLE:
        file.problem = "not a CSV, text or Excel file"
        return file
    table, problem = read_raw(path, FileLayout(), header_score, WANTED_HEADERS)
    # A workbook's data may be on a later sheet (the first a cover note, or empty).
    for sheet in (table.sheets if table is not None else _sheet_names(path))[1:]:
        other, _ = read_raw(path, FileLayout(sheet=sheet), header_score, WANTED_HEADERS)
        if other is not None and (table is None or header_score(other.headers)
                                  > header_score(table.headers)):
            table = other
    if table is not None and header_score(table.headers) < WANTED_HEADERS:
        # The reader falls back on the first row, which may then be data: never shown.
        where = f"the first rows of sheet {table.sheet!r}" if table.sheet else "the first rows"
        table, problem = None, (f"no header row found: {where} have no {WANTED_HEADERS} "
                                "known headers")
    file.table, file.problem = table, problem
    return file


def _sheet_names(path: Path) -> list[str]:
    """A workbook's sheet names (none for other files), to look past an empty first sheet."""
    if path.suffix.lower() != ".xlsx":
        return []
    try:
        return list(CalamineWorkbook.from_path(str(path)).sheet_names)
    except (CalamineError, ValueError, OSError):
        return []


def _assign_kinds(files: list[FileDraft]) -> None:
    """Each file is the kind it scores best for; of two files best for one kind, the higher
    score takes it and the other is left to decide (never given its second-best kind: a
    second HR report shares enough headers to pass for the establishment)."""
    scores = {id(f): kind_scores(f.path, f.table.headers) for f in files if f.table is not None}
    best = {key: max(kinds.items(), key=lambda item: item[1][0]) for key, kinds in scores.items()}
    pairs = sorted(((score, kind, f) for f in files if f.table is not None
                    for kind, (score, _) in [best[id(f)]] if score > 0),
                   key=lambda item: -item[0])
    taken: dict[str, FileDraft] = {}
    for _score, kind, file in pairs:
        if file.kind is None and kind not in taken:
            file.kind, file.evidence = kind, scores[id(file)][kind][1]
            taken[kind] = file
    for file in files:
        if file.table is not None and file.kind is None:
            best = max(scores[id(file)].items(), key=lambda item: item[1][0])
            if best[1][0] > 0:
                file.problem = (f"looks like {best[0]} ({best[1][1]}), but "
                                f'"{taken[best[0]].path.name}" looks more so')
            else:
                file.problem = "neither its name nor its headers match an extract kind"


def _map_headers(file: FileDraft) -> None:
    assert file.kind and file.table is not None
    lines = []
    for header in file.table.headers:
        key = normalise_header(header)
        if not key:
            continue
        if re.match(NAME_HEADER_PATTERN, key):
            lines.append(HeaderLine(header, None, "looks like a person's name", "name"))
            continue
        guess = column_guess(file.kind, header)
        status = ("canonical" if guess.rank == 3 else "guess" if guess.target else
                  "known" if guess.evidence.startswith("known header") else "todo")
        lines.append(HeaderLine(header, guess.target, guess.evidence, status, guess.rank))
    # A column taken by two headers: the surer guess keeps it.
    best: dict[str, HeaderLine] = {}
    for line in lines:
        if line.column and (line.column not in best or line.rank > best[line.column].rank):
            best[line.column] = line
    for line in lines:
        if line.column and best[line.column] is not line:
            line.evidence = (f'also looks like {line.column} ({line.evidence}), but '
                             f'"{best[line.column].header}" is mapped to it')
            line.column, line.status = None, "double"
    file.headers = lines


def _list_codes(file: FileDraft) -> None:
    assert file.kind and file.table is not None
    contract = CONTRACTS[file.kind]
    for position, header in enumerate(file.table.headers):
        column = file.mapped.get(header)
        if column is None or position >= len(file.table.columns):
            continue
        cells = [c.strip() for c in file.table.columns[position] if c.strip()]
        kind = contract.column(column).type
        if kind is ColumnType.FLAG:
            odd = sum(c.lower() not in FLAG_WORDS for c in cells)
            if odd:
                file.flag_notes[header] = odd
        if kind is not ColumnType.CODE:
            continue
        counts = Counter(cells)
        entry = CodeColumn(column, len(cells), [])
        for value, rows in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
            if contract.column(column).personal and rows < PERSONAL_MIN_ROWS:
                entry.withheld_values += 1
                entry.withheld_rows += rows
                continue
            guess = code_guess(file.kind, column, value)
            entry.values.append(ValueLine(value, rows, guess.target, guess.evidence))
        file.codes.append(entry)
