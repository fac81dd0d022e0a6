"""The draft ``workforce onboard`` writes: what was found in each file of a council's month
(its kind, headers and code values, with the evidence for each guess), and that written as
YAML an analyst finishes by hand. Lines still to decide are written commented out, so the
draft loads as settings as it stands.
"""

from __future__ import annotations

import fnmatch
import glob
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from workforce.contracts import CONTRACTS, KINDS
from workforce.layouts import RawTable
from workforce.value_mapping import PERSONAL_VALUE_MIN_ROWS

_MONTHS = (r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
           r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?")
_DATE_TOKEN = rf"(?:{_MONTHS}|\d{{1,8}})"
_DATE_RUN = re.compile(rf"(?<![a-z0-9]){_DATE_TOKEN}(?:[\s_.\-]*{_DATE_TOKEN})*(?![a-z0-9])",
                       re.IGNORECASE)
# A personal column's value is listed only if this many rows hold it (as validation's lines).
PERSONAL_MIN_ROWS = PERSONAL_VALUE_MIN_ROWS
ENCODINGS = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 with a byte-order mark",
             "cp1252": "Windows-1252", "utf-16": "UTF-16 (Excel's Unicode text)"}
DELIMITERS = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "vertical bars"}


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
        found = by_kind(self.files)
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


def by_kind(files: list[FileDraft]) -> dict[str, FileDraft]:
    return {f.kind: f for f in files if f.kind and f.table is not None}


# --- reading and recognising ----------------------------------------------------------------


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


def render(draft: Draft) -> str:
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
