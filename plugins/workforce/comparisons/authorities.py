"""Each English council's codes, name, region and statistical neighbours.

The reference data ship as ``data/reference/authorities.yaml``, built by :func:`refresh`
(``workforce reference refresh``) from two DfE files (``data/reference/README.md``):

- the CSWW indicators (``csww_indicators_*.csv``): every council's old three-digit and new
  nine-character code, name and region, as published for the latest year it has a row;
  earlier new codes are kept as ``former_codes``, and a joint return (``940 / 941``) gives
  each of its councils its own entry;
- the statistical neighbour model (``sn_model_*_wide.csv``): each council's ten neighbours in
  the DfE's order, with how close each is. Councils abolished before the model (Cumbria,
  Northamptonshire, the old Dorset, Poole, Bournemouth) have none.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Final

import yaml

from workforce.config import PROJECT_ROOT
from workforce.reports.benchmarks import (
    FILE_PATTERN,
    OWN_BENCHMARKS,
    SHARED_BENCHMARKS,
    split_joint,
)

REFERENCE_FILE: Final = PROJECT_ROOT / "data" / "reference" / "authorities.yaml"
PATTERNS: Final = {"indicators": FILE_PATTERN, "neighbours": "sn_model_*_wide.csv"}
NEIGHBOURS: Final = 10  # the model names ten per council
REFRESH_COMMAND: Final = "workforce reference refresh"

DESCRIPTION: Final = (
    "Each English council's codes (the DfE's three-digit LA code and the nine-character ONS "
    "code), name and region as the DfE's children's social work workforce indicators publish "
    "them for the latest year the council has, and its ten statistical neighbours in the order "
    "of the DfE's children's services statistical neighbour model")
LICENCE: Final = ("Contains public sector information from the Department for Education, "
                  "licensed under the Open Government Licence v3.0")
ORIGINS: Final = {
    "indicators": "Department for Education, Children's social work workforce statistics: "
                  "indicators for England, regions and councils (Open Government Licence v3.0)",
    "neighbours": "Department for Education, children's services statistical neighbour model "
                  "(Open Government Licence v3.0), as published in data-raw/ of the public "
                  "repository dfe-analytical-services/CSC_outcomes_and_enablers (MIT licence)",
}
INDICATOR_COLUMNS: Final = ("time_period", "geographic_level", "region_code", "region_name",
                            "old_la_code", "new_la_code", "la_name")
NEIGHBOUR_COLUMNS: Final = ("old_la_code", *(f"SN_{n}{p}" for n in range(1, NEIGHBOURS + 1)
                                             for p in ("", "P")))


class UnknownAuthority(LookupError):
    """A code that is no English council's, old or new, current or former."""


@dataclass(frozen=True)
class Neighbour:
    old_code: str
    new_code: str
    name: str
    closeness: str  # the DfE's words, "Extremely close" to "Not close"


@dataclass(frozen=True)
class Authority:
    old_code: str  # "350"; each council of a joint return keeps its own
    new_code: str  # "E08000001", the latest
    name: str
    region_code: str  # as the indicators publish it: London's boroughs are Inner or Outer London
    region_name: str
    neighbours: tuple[Neighbour, ...]  # the DfE's order; () when the model has none
    former_codes: tuple[str, ...] = ()  # earlier new codes, oldest first
    # The old codes of the councils the DfE publishes one return for, this one's included
    # ("940", "941"): their published figures are the same row.
    joint_return: tuple[str, ...] = ()
    last_year: int | None = None  # a council since abolished: its last census year

    @property
    def neighbours_note(self) -> str | None:
        """Why the council has no statistical neighbours; None when it has them."""
        if self.neighbours:
            return None
        note = (f"{self.name} ({self.old_code}) has no statistical neighbours: the DfE's "
                "statistical neighbour model does not include it")
        if self.last_year is not None:
            note += (f"; the council has been abolished, its last published figures being "
                     f"for {self.last_year}")
        return note


@dataclass(frozen=True)
class SourceFile:
    name: str
    sha256: str
    origin: str  # who published it, where, under which licence


@dataclass(frozen=True)
class ReferenceSource:
    description: str
    licence: str
    files: tuple[SourceFile, ...]  # indicators, then neighbours
    built: dt.date  # when the data last changed (a refresh that changes nothing keeps it)
    path: Path  # the data file


def authorities(path: Path | None = None) -> dict[str, Authority]:
    """Every council by its current new code, from the shipped data file (or ``path``)."""
    return _read(*_key(path))[0]


def source(path: Path | None = None) -> ReferenceSource:
    """Where the reference data came from and when they were built."""
    return _read(*_key(path))[2]


def lookup(code: str) -> Authority:
    """The council with this old three-digit or new nine-character code, current or former
    (spaces and case ignored); :class:`UnknownAuthority` says how to find the right one."""
    key = "".join(str(code).split()).upper()
    found = _read(*_key(None))[1].get(key)
    if found is None:
        raise UnknownAuthority(_unknown(str(code), key))
    return found


def default_source(role: str) -> Path:
    """The latest ``indicators`` or ``neighbours`` file (``PATTERNS``) in
    ``../shared/benchmarks`` when it has one, else in the project's ``data/benchmarks``."""
    for folder in (SHARED_BENCHMARKS, OWN_BENCHMARKS):
        files = sorted(folder.glob(PATTERNS[role]))  # the names end in the years they cover
        if files:
            return files[-1]
    raise FileNotFoundError(f"no {PATTERNS[role]} in {SHARED_BENCHMARKS} or {OWN_BENCHMARKS}")


def refresh(indicators: Path, neighbours: Path, out: Path | None = None) -> Path:
    """Rebuild the data file (``out``, default the shipped one) from the two DfE files.

    A rebuild whose data are unchanged leaves the file as it is, built date included, so
    rebuilding from the same files gives the same bytes."""
    out = out or REFERENCE_FILE
    councils = _councils(indicators)
    for code, listed in _neighbour_lists(neighbours, councils).items():
        councils[code]["neighbours"] = [list(pair) for pair in listed]
    document: dict[str, Any] = {
        "source": {
            "description": DESCRIPTION,
            "licence": LICENCE,
            "built": dt.date.today(),
            "files": [{"name": path.name, "sha256": _sha256(path), "origin": ORIGINS[role]}
                      for role, path in (("indicators", indicators), ("neighbours", neighbours))],
        },
        "authorities": sorted(councils.values(), key=lambda c: (c["name"], c["old_code"])),
    }
    text = _render(document)
    if out.exists():
        previous = out.read_text(encoding="utf-8")
        document["source"]["built"] = _built(previous)
        if _render(document) == previous:
            return out
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.partial")
    partial.write_text(text, encoding="utf-8")
    partial.replace(out)
    _read(*_key(out))  # the file written must read back
    return out


# ---- reading the data file ----------------------------------------------------------------


def _key(path: Path | None) -> tuple[Path, int]:
    path = path or REFERENCE_FILE
    return path, path.stat().st_mtime_ns


@cache
def _read(path: Path, _mtime: int) -> tuple[dict[str, Authority], dict[str, Authority],
                                              ReferenceSource]:
    """(authorities by new code, authorities by every code they answer to, the source)."""
    with path.open(encoding="utf-8") as handle:
        document = yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    entries = document["authorities"]
    names = {e["old_code"]: (e["new_code"], e["name"]) for e in entries}
    by_code: dict[str, Authority] = {}
    index: dict[str, Authority] = {}
    for e in entries:
        authority = Authority(
            e["old_code"], e["new_code"], e["name"], e["region_code"], e["region_name"],
            tuple(Neighbour(code, *names[code], closeness) for code, closeness in e["neighbours"]),
            tuple(e.get("former_codes", ())), tuple(e.get("joint_return", ())),
            e.get("last_year"))
        by_code[authority.new_code] = authority
        for code in (authority.old_code, authority.new_code, *authority.former_codes):
            index[code] = authority
    meta = document["source"]
    files = tuple(SourceFile(f["name"], f["sha256"], f["origin"]) for f in meta["files"])
    built = dt.date.fromisoformat(str(meta["built"]))
    return by_code, index, ReferenceSource(meta["description"], meta["licence"], files, built,
                                           path)


def _unknown(code: str, key: str) -> str:
    message = f"{code.strip()!r} is not the code of an English council"
    parts = split_joint(key)
    index = _read(*_key(None))[1]
    named = [a for a in authorities().values() if a.name.casefold() == code.strip().casefold()]
    if len(parts) > 1 and all(part in index for part in parts):
        message += f" but a joint return's: look up each council, {' or '.join(parts)}"
    elif named:
        message += ": " + "; ".join(
            f"{a.name} is {a.old_code} ({a.new_code}"
            f"{'' if a.last_year is None else f', abolished after {a.last_year}'})"
            for a in named)
    else:
        message += (": give the DfE's three-digit LA code (350) or the nine-character ONS "
                    f"code (E08000001); {REFERENCE_FILE.relative_to(PROJECT_ROOT)} lists "
                    "every council with its codes")
    return message


# ---- building it from the DfE's files -------------------------------------------------------


def _rows(path: Path, columns: tuple[str, ...]) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:  # the DfE's files carry a BOM
        reader = csv.DictReader(handle)
        missing = [c for c in columns if c not in (reader.fieldnames or ())]
        if missing:
            raise ValueError(f"{path}: no column {', '.join(missing)}; is it the right file?")
        return [{k: (v or "").strip() for k, v in row.items() if k in columns} for row in reader]


def _councils(path: Path) -> dict[str, dict[str, Any]]:
    """Each council's entry by old code, from its latest row in the indicators."""
    rows = _rows(path, INDICATOR_COLUMNS)
    returns: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        if row["geographic_level"] == "Local authority":
            returns.setdefault(row["old_la_code"], []).append(row)
    if not returns:
        raise ValueError(f"{path}: no local authority rows")
    latest_year = max(int(row["time_period"]) for row in rows)
    councils: dict[str, dict[str, Any]] = {}
    for code, history in returns.items():
        history.sort(key=lambda row: int(row["time_period"]))
        last = history[-1]
        olds, news, names = (split_joint(last[column])
                             for column in ("old_la_code", "new_la_code", "la_name"))
        if not len(olds) == len(news) == len(names):
            raise ValueError(f"{path}: {code!r} has {len(news)} new codes and {len(names)} "
                             f"names for {len(olds)} councils in {last['time_period']}")
        earlier = [split_joint(row["new_la_code"]) for row in history]
        year = int(last["time_period"])
        for n, (old, new, name) in enumerate(zip(olds, news, names, strict=True)):
            if not (old.isdigit() and len(old) == 3 and len(new) == 9 and new[0] == "E"):
                raise ValueError(f"{path}: {old!r} / {new!r} are not an English council's codes")
            if old in councils:
                raise ValueError(f"{path}: {old} is in two returns, {code!r} and another")
            former = dict.fromkeys(p[n] for p in earlier if len(p) == len(olds) and p[n] != new)
            councils[old] = {
                "old_code": old, "new_code": new, "name": name,
                "region_code": last["region_code"], "region_name": last["region_name"],
                **({"former_codes": list(former)} if former else {}),
                **({"joint_return": list(olds)} if len(olds) > 1 else {}),
                **({"last_year": year} if year < latest_year else {}),
                "neighbours": [],
            }
    answers: dict[str, str] = {}
    for council in councils.values():
        for each in (council["new_code"], *council.get("former_codes", ())):
            if answers.setdefault(each, council["old_code"]) != council["old_code"]:
                raise ValueError(f"{path}: {each} is the code of {answers[each]} and "
                                 f"{council['old_code']}")
    return councils


def _neighbour_lists(path: Path, councils: dict[str, Any]) -> dict[str, list[tuple[str, str]]]:
    """Each council's neighbours (old code, closeness) in the DfE's order."""
    lists: dict[str, list[tuple[str, str]]] = {}
    for row in _rows(path, NEIGHBOUR_COLUMNS):
        code = row["old_la_code"]
        listed = [(row[f"SN_{n}"], row[f"SN_{n}P"]) for n in range(1, NEIGHBOURS + 1)]
        unknown = [c for c in (code, *(c for c, _ in listed)) if c not in councils]
        if unknown:
            raise ValueError(f"{path}: {code}'s row names {', '.join(unknown)}, which the "
                             "indicators file does not have")
        if code in lists or code in dict(listed) or len(dict(listed)) < NEIGHBOURS:
            raise ValueError(f"{path}: {code}'s row repeats a council")
        if not all(closeness for _, closeness in listed):
            raise ValueError(f"{path}: {code}'s row leaves a neighbour's closeness empty")
        lists[code] = listed
    return lists


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class _Dumper(yaml.SafeDumper):
    """Lists of plain values on one line (a region, a neighbour), the rest in blocks."""

    def represent_list(self, data: Any) -> yaml.Node:
        flow = all(isinstance(item, str | int) for item in data)
        return self.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


_Dumper.add_representer(list, _Dumper.represent_list)


def _render(document: dict[str, Any]) -> str:
    header = (f"# Built by `{REFRESH_COMMAND}` from the files under source (see "
              "data/reference/README.md): do not edit by hand.\n")
    return header + yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                              width=100)


def _built(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(yaml.safe_load(text)["source"]["built"]))
    except (yaml.YAMLError, KeyError, TypeError, ValueError):
        return None
