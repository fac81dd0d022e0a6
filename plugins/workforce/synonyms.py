"""Suggestions for a council's headers, codes and file kinds, from the names councils' systems
use (``data/onboarding/synonyms.yaml``, the one place they are kept).

Every answer is a guess with its evidence, for ``workforce onboard`` to write into a draft
settings file; the council's settings file alone decides how its extracts are read.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import NamedTuple

import yaml

from workforce.config import PROJECT_ROOT
from workforce.contracts import CONTRACTS, ColumnType
from workforce.extracts import normalise_header

SYNONYMS_PATH = PROJECT_ROOT / "data" / "onboarding" / "synonyms.yaml"
# How alike (difflib's ratio) a header or value must be to a known name to be suggested.
HEADER_CUTOFF = 0.85
VALUE_CUTOFF = 0.85
# A name this long or longer, found as whole words inside a value, suggests its code.
CONTAINED_MIN_LENGTH = 4
# A name in a file name adds this to a kind's header score; the kind's own name, more.
NAME_WORD_WEIGHT = 2.0
KIND_NAME_WEIGHT = 5.0
_CODE_SEPARATORS = re.compile(r"[\s\-]+")  # as validation normalises a code cell


def code_form(value: str) -> str:
    """A cell as validation compares it with the codes: trimmed, lower case, runs of spaces
    and hyphens as one underscore."""
    return _CODE_SEPARATORS.sub("_", value.strip().lower())


def value_key(value: str) -> str:
    """How a value is matched with the listed names: case and punctuation ignored."""
    return " ".join(re.findall(r"[a-z0-9]+", value.casefold()))


class Guess(NamedTuple):
    target: str | None  # the column or code suggested; None when none is
    evidence: str  # why, in words
    rank: float = 0.0  # higher is surer: 3 the contract's own name, 2 a synonym, else fuzzy


@dataclass(frozen=True)
class Synonyms:
    file_words: dict[str, frozenset[str]]  # kind → words of a file name
    headers: dict[str, dict[str, tuple[str, str]]]  # kind → header key → (column, as listed)
    not_columns: dict[str, dict[str, tuple[str, str]]]  # kind → header key → (as listed, why)
    values: dict[str, dict[str, tuple[str, str]]]  # code column → value key → (code, listed)


@cache
def load_synonyms(path: Path = SYNONYMS_PATH) -> Synonyms:
    """The listed names, checked against the contracts (a name under two columns of one kind,
    or a value under two codes, is refused)."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    headers: dict[str, dict[str, tuple[str, str]]] = {kind: {} for kind in CONTRACTS}
    for kind, columns in (raw.get("headers") or {}).items():
        contract = CONTRACTS[_known_kind(kind, path)]
        for column, names in columns.items():
            if column not in contract.column_names:
                raise ValueError(f"{path}: headers.{kind}.{column} is not a {kind} column")
            for name in names:
                _add(headers[kind], normalise_header(str(name)), (column, str(name)),
                     f"{path}: headers.{kind}: {name!r}")
    not_columns: dict[str, dict[str, tuple[str, str]]] = {kind: {} for kind in CONTRACTS}
    for kind, reasons in (raw.get("not_columns") or {}).items():
        for name, why in reasons.items():
            key = normalise_header(str(name))
            if key in headers[_known_kind(kind, path)] or key in CONTRACTS[kind].column_names:
                raise ValueError(f"{path}: not_columns.{kind}: {name!r} is also a column's name")
            not_columns[kind][key] = (str(name), str(why))
    code_columns = {c.name: c.codes for contract in CONTRACTS.values() for c in contract.columns
                    if c.type is ColumnType.CODE}
    values: dict[str, dict[str, tuple[str, str]]] = {column: {} for column in code_columns}
    for column, codes in (raw.get("values") or {}).items():
        if column not in code_columns:
            raise ValueError(f"{path}: values.{column} is not a code column")
        for code, names in codes.items():
            if code not in code_columns[column]:
                raise ValueError(f"{path}: values.{column}.{code} is not a {column} code")
            for name in names:
                _add(values[column], value_key(str(name)), (code, str(name)),
                     f"{path}: values.{column}: {name!r}")
    file_words = {kind: frozenset(str(w).lower() for w in (raw.get("file_words") or {})
                                  .get(kind, ())) for kind in CONTRACTS}
    return Synonyms(file_words, headers, not_columns, values)


def _known_kind(kind: str, path: Path) -> str:
    if kind not in CONTRACTS:
        raise ValueError(f"{path}: {kind!r} is not an extract kind")
    return kind


def _add(table: dict[str, tuple[str, str]], key: str, entry: tuple[str, str], where: str
         ) -> None:
    if key in table and table[key][0] != entry[0]:
        raise ValueError(f"{where} is listed under both {table[key][0]} and {entry[0]}")
    table.setdefault(key, entry)


def column_guess(kind: str, header: str) -> Guess:
    """The contract column a header most likely is, with its evidence and rank."""
    synonyms = load_synonyms()
    key = normalise_header(header)
    if not key:
        return Guess(None, "a blank header")
    if key in CONTRACTS[kind].column_names:
        return Guess(key, "the contract's own name", 3)
    if key in synonyms.headers[kind]:
        column, _listed = synonyms.headers[kind][key]
        return Guess(column, f"synonym of {column}", 2)
    if key in synonyms.not_columns[kind]:
        why = synonyms.not_columns[kind][key][1]
        return Guess(None, f"known header, not a contract column: {why}")
    known = {name: (column, listed) for name, (column, listed) in synonyms.headers[kind].items()}
    known.update({name: (name, name) for name in CONTRACTS[kind].column_names})
    close = difflib.get_close_matches(key, known, n=1, cutoff=HEADER_CUTOFF)
    if close:
        column, listed = known[close[0]]
        ratio = difflib.SequenceMatcher(None, key, close[0]).ratio()
        return Guess(column, f'close to "{listed}" (a name for {column}), {ratio:.0%} alike',
                     1 + ratio / 2)
    return Guess(None, f"not a known name for a {kind} column")


def suggest_column(kind: str, header: str) -> tuple[str | None, str]:
    """``(column, evidence)`` for a council's header in a ``kind`` extract: an exact synonym
    (after :func:`normalise_header`), the contract's own name, else a close match."""
    guess = column_guess(kind, header)
    return guess.target, guess.evidence


def code_guess(kind: str, column: str, value: str) -> Guess:
    """The code a council's value in a code column most likely means."""
    codes = CONTRACTS[kind].column(column).codes
    if code_form(value) in codes:
        return Guess(code_form(value), "already the code", 3)
    key = value_key(value)
    known = dict(load_synonyms().values.get(column, {}))
    known.update({value_key(code.replace("_", " ")): (code, code) for code in codes})
    if key in known:
        code, listed = known[key]
        return Guess(code, "synonym" if listed != code else "the code, punctuation aside", 2)
    close = difflib.get_close_matches(key, known, n=1, cutoff=VALUE_CUTOFF)
    if close:
        code, listed = known[close[0]]
        ratio = difflib.SequenceMatcher(None, key, close[0]).ratio()
        return Guess(code, f"close to {_named(listed, code)}, {ratio:.0%} alike", 1 + ratio / 2)
    inside = [name for name in known
              if len(name) >= CONTAINED_MIN_LENGTH and f" {name} " in f" {key} "]
    if inside:
        longest = max(map(len, inside))
        found = {known[name][0]: known[name][1] for name in inside if len(name) == longest}
        if len(found) == 1:
            ((code, listed),) = found.items()
            return Guess(code, f"contains {_named(listed, code)}", 1)
        return Guess(None, "contains names of " + " and ".join(sorted(found)))
    return Guess(None, f"not a known name for a {column} code")


def _named(listed: str, code: str) -> str:
    return f"the code {code}" if listed == code else f'"{listed}"'


def suggest_code(kind: str, column: str, value: str) -> tuple[str | None, str]:
    """``(code, evidence)`` for a council's value in a code column: already a code (as
    validation normalises it), a synonym, a close match, or a synonym contained in it."""
    guess = code_guess(kind, column, value)
    return guess.target, guess.evidence


def suggested_code(kind: str, column: str, value: str) -> str | None:
    """Just the code, for callers that print a suggestion beside an unmapped value."""
    return code_guess(kind, column, value).target


def known_header(header: str) -> bool:
    """Whether a header is a column's name or synonym in any kind (to find a header row)."""
    key = normalise_header(header)
    synonyms = load_synonyms()
    return any(key in synonyms.headers[kind] or key in CONTRACTS[kind].column_names
               for kind in CONTRACTS)


def header_score(cells: Sequence[str]) -> int:
    """How many cells of a row are known headers: the reader takes the first row with enough."""
    return sum(known_header(str(cell)) for cell in cells)


def kind_scores(path: Path, headers: list[str]) -> dict[str, tuple[float, str]]:
    """Each kind's score for a file, with the evidence: words of its name, and its headers
    that are the kind's columns (a header several kinds share counts a share to each)."""
    synonyms = load_synonyms()
    words = set(re.findall(r"[a-z0-9]+", path.stem.lower()))
    kinds_of: dict[str, set[str]] = {}
    for header in headers:
        key = normalise_header(header)
        for kind in CONTRACTS:
            column = (key if key in CONTRACTS[kind].column_names else
                      synonyms.headers[kind].get(key, (None, ""))[0])
            if column:
                kinds_of.setdefault(key, set()).add(kind)
    scores = {}
    for kind in CONTRACTS:
        matched = [key for key, kinds in kinds_of.items() if kind in kinds]
        only = sum(len(kinds_of[key]) == 1 for key in matched)
        score = sum(1 / len(kinds_of[key]) for key in matched)
        evidence = []
        named = sorted(words & synonyms.file_words[kind])
        if normalise_header(path.stem) == kind:
            score += KIND_NAME_WEIGHT
            evidence.append(f"the file is named {kind}")
        elif named:
            score += NAME_WORD_WEIGHT
            evidence.append("file name has " + ", ".join(f'"{w}"' for w in named))
        if matched:
            evidence.append(f"{len(matched)} of {len(headers)} headers are {kind} columns, "
                            f"{only} of them {kind}'s alone")
        scores[kind] = (score, "; ".join(evidence) or "nothing")
    return scores


def recognise_kind(path: Path, headers: list[str]) -> tuple[str | None, str]:
    """``(kind, evidence)``: the extract kind a file most likely is, by its name and its
    headers; ``None`` when nothing points to any kind."""
    scores = kind_scores(path, headers)
    kind = max(scores, key=lambda k: scores[k][0])
    if scores[kind][0] <= 0:
        return None, "neither its name nor its headers match an extract kind"
    return kind, scores[kind][1]
