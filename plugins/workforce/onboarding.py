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

import fnmatch
import glob
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from python_calamine import CalamineError, CalamineWorkbook

from workforce.config import AuthorityConfig, FileLayout
from workforce.contracts import CONTRACTS, KINDS, NAME_HEADER_PATTERN, ColumnType
from workforce.extracts import normalise_header
from workforce.layouts import RawTable, read_raw
from workforce.synonyms import code_guess, column_guess, header_score, kind_scores

WANTED_HEADERS = 3  # known headers a row needs to be taken for the header row
PERSONAL_MIN_ROWS = 5  # a personal column's value is listed only if this many rows hold it
READABLE = (".csv", ".txt", ".tsv", ".xlsx")
FLAG_WORDS = {"y", "yes", "true", "1", "n", "no", "false", "0"}  # as validation reads flags
ENCODINGS = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 with a byte-order mark",
             "cp1252": "Windows-1252", "utf-16": "UTF-16 (Excel's Unicode text)"}
DELIMITERS = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "vertical bars"}
_MONTHS = (r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
           r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?")
_DATE_TOKEN = rf"(?:{_MONTHS}|\d{{1,8}})"
_DATE_RUN = re.compile(rf"(?<![a-z0-9]){_DATE_TOKEN}(?:[\s_.\-]*{_DATE_TOKEN})*(?![a-z0-9])",
                       re.IGNORECASE)


@dataclass
class HeaderLine:
    header: str
    column: str | None
    evidence: str
    # canonical, guess, todo, known (not a column), name (a person's name), double (a
    # column another header is mapped to)
    status: str
    rank: float = 0.0  # how sure the guess is (see synonyms.Guess)


@dataclass
class ValueLine:
    value: str
    rows: int
    code: str | None
    evidence: str

    @property
    def is_code(self) -> bool:
        return self.evidence == "already the code"


@dataclass
class CodeColumn:
    column: str
    rows: int
    values: list[ValueLine]
    withheld_values: int = 0  # rarer values of a personal column, not listed
    withheld_rows: int = 0


@dataclass
class FileDraft:
    path: Path
    kind: str | None = None
    evidence: str = ""
    table: RawTable | None = None
    problem: str | None = None
    headers: list[HeaderLine] = field(default_factory=list)
    codes: list[CodeColumn] = field(default_factory=list)
    flag_notes: dict[str, int] = field(default_factory=dict)  # header → rows not a flag

    @property
    def mapped(self) -> dict[str, str]:
        return {h.header: h.column for h in self.headers if h.column}


@dataclass
class Draft:
    authority: str
    folder: Path
    files: list[FileDraft]
    missing: list[str]  # required columns not found, as kind.column
    text: str = ""

    @property
    def kinds(self) -> dict[str, FileDraft]:
        """The recognised files by kind, in the contracts' order."""
        found = _by_kind(self.files)
        return {kind: found[kind] for kind in KINDS if kind in found}

    @property
    def headers(self) -> tuple[int, int]:
        """(headers mapped, headers) over the recognised files."""
        lines = [h for f in self.kinds.values() for h in f.headers]
        return sum(h.column is not None for h in lines), len(lines)

    @property
    def values(self) -> tuple[int, int]:
        """(code values placed, distinct code values) over the recognised files; withheld
        values count as not placed."""
        columns = [c for f in self.kinds.values() for c in f.codes]
        placed = sum(v.code is not None for c in columns for v in c.values)
        return placed, sum(len(c.values) + c.withheld_values for c in columns)


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
    draft.text = _render(draft)
    parsed = yaml.safe_load(draft.text)
    AuthorityConfig(**parsed)  # the draft must load as it stands
    return draft


def _by_kind(files: list[FileDraft]) -> dict[str, FileDraft]:
    return {f.kind: f for f in files if f.kind and f.table is not None}


# --- reading and recognising ----------------------------------------------------------------


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


def file_pattern(name: str, kind: str) -> str | None:
    """The glob that finds this kind's file in every month: the file name with its month or
    date as ``*``; None when the file is already named ``<kind>.csv``/``.xlsx``."""
    path = Path(name)
    if path.stem == kind and path.suffix.lower() in (".csv", ".xlsx"):
        return None
    parts, last = [], 0
    for match in _DATE_RUN.finditer(path.stem):
        text = match.group()
        if re.search(rf"(?i)(?<![a-z])(?:{_MONTHS})(?![a-z])", text) or re.search(
                r"(?<!\d)(?:19|20)\d\d", text):
            parts += [glob.escape(path.stem[last:match.start()]), "*"]
            last = match.end()
    parts.append(glob.escape(path.stem[last:]))
    return "".join(parts) + glob.escape(path.suffix)


# --- the YAML -------------------------------------------------------------------------------


@dataclass
class _Node:
    """A line of the draft: a setting, a parent of settings, or (no key) a comment. A setting
    with ``live`` off, and a parent with no live setting under it, is written commented out."""

    key: str | None
    value: str | None = None
    comment: str = ""
    children: list[_Node] = field(default_factory=list)
    live: bool = True

    def is_live(self) -> bool:
        if self.key is None:
            return False
        if self.value is None:
            return any(child.is_live() for child in self.children)
        return self.live


def _quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a YAML double-quoted scalar


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _lines(node: _Node, depth: int, out: list[str]) -> None:
    pad = "  " * depth
    comment = _one_line(node.comment)
    if node.key is None:
        out.append(f"{pad}# {comment}")
        return
    text = f"{node.key}:" + ("" if node.value is None else f" {node.value}")
    text += f"  # {comment}" if comment else ""
    out.append(pad + ("" if node.is_live() else "# ") + text)
    for child in node.children:
        _lines(child, depth + 1, out)


def _render(draft: Draft) -> str:
    kinds = draft.kinds
    out = [
        f"# Draft settings for {draft.authority}, written by `workforce onboard` from",
        f"#   {draft.folder}",
        "# Every mapping below is a GUESS with its evidence: check each one, settle each TODO",
        "# (uncomment the line and give the column or code, or leave it out), then save this",
        f"# file as config/{draft.authority}.yaml and run "
        f"`workforce validate {draft.folder} --authority {draft.authority}`.",
        "#",
        "# Required columns not found: " + (", ".join(draft.missing) or "none"),
    ]
    absent = [kind for kind in KINDS if kind not in kinds]
    if absent:
        out.append("# TODO: no file recognised for " + ", ".join(absent))
    out.append("# Files:")
    for file in draft.files:
        said = (f"{file.kind} (guess: {file.evidence})" if file.kind and file.table is not None
                else f"TODO: {file.problem}")
        out.append(f"#   {_quoted(file.path.name)}: {_one_line(said)}")
    out += ["", f"code: {draft.authority}",
            f"name: {_quoted(draft.authority + ' (set the council' + chr(39) + 's name)')}"
            "  # TODO", ""]
    for node in (_column_mapping(kinds), _value_mapping(kinds), _files(kinds)):
        _lines(node, 0, out)
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def _column_mapping(kinds: dict[str, FileDraft]) -> _Node:
    top = _Node("column_mapping")
    for kind, file in kinds.items():
        node = _Node(kind, comment=_quoted(file.path.name))
        own = [h.header for h in file.headers if h.status == "canonical"]
        if own:
            node.children.append(_Node(None, comment="already the contract's names: "
                                       + ", ".join(map(_quoted, own))))
        for line in file.headers:
            key = _quoted(line.header)
            if line.status == "guess":
                node.children.append(_Node(key, line.column, f"guess: {line.evidence}"))
            elif line.status == "name":
                node.children.append(_Node(None, comment=(
                    f"{key}: a column that looks like a person's name: remove it from the "
                    "export (names are never accepted)")))
            elif line.status == "known":
                node.children.append(_Node(None, comment=f"{key}: not mapped ({line.evidence})"))
            elif line.status == "todo":
                node.children.append(_Node(key, "?", f"TODO: {line.evidence}; not a contract "
                                           "column, or map it", live=False))
            elif line.status == "double":
                node.children.append(_Node(key, "?", f"TODO: {line.evidence}; a column can "
                                           "be mapped from one header only", live=False))
            if line.header in file.flag_notes:
                node.children.append(_Node(None, comment=(
                    f"TODO: {file.flag_notes[line.header]} rows of {key} are not Y/N, yes/no, "
                    "true/false or 1/0")))
        missing = [c.name for c in CONTRACTS[kind].columns
                   if c.required and c.name not in file.mapped.values()]
        if missing:
            node.children.append(_Node(None, comment="TODO: required columns not found: "
                                       + ", ".join(missing)))
        top.children.append(node)
    return top


def _value_mapping(kinds: dict[str, FileDraft]) -> _Node:
    top = _Node("value_mapping")
    for kind, file in kinds.items():
        node = _Node(kind)
        for entry in file.codes:
            codes = CONTRACTS[kind].column(entry.column).codes
            column = _Node(entry.column, comment=f"{_rows(entry.rows)}; codes: {', '.join(codes)}")
            already = [f"{v.value} ({_rows(v.rows)})" for v in entry.values if v.is_code]
            if already:
                column.children.append(_Node(None, comment="already codes: "
                                             + ", ".join(already)))
            for value in entry.values:
                if value.is_code:
                    continue
                key = _quoted(value.value)
                if value.code:
                    how = "synonym" if value.evidence == "synonym" else value.evidence
                    column.children.append(_Node(key, value.code,
                                                 f"guess ({how}), {_rows(value.rows)}"))
                else:
                    column.children.append(_Node(key, "?", (
                        f"TODO: {_rows(value.rows)}; {value.evidence}; one of "
                        f"{', '.join(codes)}"), live=False))
            if entry.withheld_values:
                column.children.append(_Node(None, comment=(
                    f"[{entry.withheld_values} rarer values withheld: personal column] "
                    f"({_rows(entry.withheld_rows)}; fewer than {PERSONAL_MIN_ROWS} each): "
                    "check them in the export itself")))
            node.children.append(column)
        top.children.append(node)
    return top


def _files(kinds: dict[str, FileDraft]) -> _Node:
    top = _Node("files")
    for kind, file in kinds.items():
        table = file.table
        assert table is not None
        detected = [ENCODINGS.get(table.encoding, table.encoding)] if table.encoding else []
        if table.delimiter:
            detected.append(DELIMITERS.get(table.delimiter, repr(table.delimiter)))
        if table.sheet:
            detected.append(f"Excel, sheet {_quoted(table.sheet)} of {len(table.sheets)}")
        detected.append(f"header on row {table.header_row}")
        node = _Node(kind, comment=f"{_quoted(file.path.name)}; detected: {', '.join(detected)}")
        pattern = file_pattern(file.path.name, kind)
        if pattern:
            others = [p.name for p in file.path.parent.iterdir()
                      if p != file.path and fnmatch.fnmatchcase(p.name, pattern)]
            note = "guess: the file name with its date as *" if pattern != glob.escape(
                file.path.name) else "the file's name (no date found in it)"
            if others:
                note += "; TODO: it also matches " + ", ".join(map(_quoted, others))
            node.children.append(_Node("pattern", _quoted(pattern), note))
        if len(table.sheets) > 1:
            node.children.append(_Node("sheet", _quoted(table.sheet or ""),
                                       f"the workbook has {len(table.sheets)} sheets"))
        top.children.append(node)
    return top


def _rows(count: int) -> str:
    return f"{count} row" if count == 1 else f"{count} rows"
