"""A council's CSWW census return read: its year found, validated, and its values typed.

A deviation in an element the DfE's measures do not use is kept as a warning (returns from
the field often lack ``QualInst`` or carry pseudonymised ``SWENo``); anything that leaves the
measures unknown refuses the file (``validate.REFUSING``), and ``strict`` refuses on any.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Final, TypeVar

from lxml import etree

from workforce.census.schemas import LA_LEVEL_NAMES, ROOT, la_level_name, layout, schema_year
from workforce.census.validate import MEASURES, schema_findings, value_message
from workforce.contracts import Severity
from workforce.findings import Finding, errors

COLLECTION: Final = "CSWW"
REFERENCE_DAY: Final = (9, 30)  # the census is a snapshot at 30 September
COUNTS: Final = ("NumberOfVacancies", "NoAgencyFTE", "NoAgencyHeadcount")
SEXES: Final = {
    "GenderCurrent": {"0": "not_known", "1": "male", "2": "female", "9": "not_specified"},
    "Sex": {"M": "male", "F": "female"},
}
# The schema allows several of these per worker; the record holds the first.
READ_FIRST: Final = ("ContractWeeks", "Absat30Sept", "ReasonAbsence")
_DATE: Final = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:Z|[+-]\d{2}:\d{2})?")
_YEAR: Final = re.compile(r"(\d{4})(?:Z|[+-]\d{2}:\d{2})?")
_FLAGS: Final = {"0": False, "1": True}

T = TypeVar("T")


@dataclass(frozen=True)
class CensusWorker:
    line: int
    agency_worker: bool
    swe_no: str | None  # raw: the store pseudonymises it; never printed or logged
    birth_date: dt.date | None  # raw: the store keeps only an age band
    sex: str | None  # 'male' / 'female' / 'not_known' / 'not_specified'
    ethnicity: str | None
    org_role: str | None  # the code as in the return
    role_start_date: dt.date | None
    start_origin: str | None
    role_end_date: dt.date | None
    reason_leave: str | None
    leaver_destination: str | None
    fte: float | None
    fte30: float | None
    cases30: int | None
    working_days_lost: float | None
    absent_at_30_sept: bool | None  # Absat30Sept
    reason_absence: str | None
    contract_weeks: float | None
    base_salary: float | None  # 2025 on
    rr_payments: float | None
    other_payments: float | None


@dataclass(frozen=True)
class CensusLALevel:
    line: int
    vacancies_fte: float  # NumberOfVacancies
    agency_fte: float  # NoAgencyFTE
    agency_headcount: int  # NoAgencyHeadcount
    pay: dict[str, str]  # 2025's RecruitmentBonus ... OtherAllowances, as given


@dataclass(frozen=True)
class CensusReturn:
    path: Path
    sha256: str
    year: int  # collection year (the September it is at)
    schema_year: int
    reference_date: dt.date  # 30 September of the year
    lea: str  # the header's three-digit LA code; '' when the header has none
    la_level: CensusLALevel
    workers: list[CensusWorker]
    findings: list[Finding]  # warnings (deviations kept as notes)


def read_census(path: Path, strict: bool = False
                ) -> tuple[CensusReturn | None, list[Finding]]:
    """The return and its findings; None when any finding is an error (with ``strict``,
    every deviation is one)."""
    file = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, [Finding(file, None, None, f"cannot be read: {exc.strerror}")]
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        return None, [Finding(file, exc.lineno, None, f"not well-formed XML: {_syntax(exc)}")]
    # Entities stay unexpanded (resolve_entities=False), and a return has no use for them.
    entity = next(root.iter(etree.Entity), None)
    if entity is not None:
        return None, [Finding(file, entity.sourceline, entity.getparent().tag,
                              f"entity reference {entity.text}: a census return has none; "
                              "entities are never expanded")]
    identity = _identify(root, file)
    if isinstance(identity, Finding):
        return None, [identity]
    year, header_line = identity

    findings = schema_findings(root, year, file)
    lea = root.find("Header/Source/LEA")
    if lea is None and not any(f.column == "LEA" for f in findings):
        findings.append(Finding(file, header_line, "LEA", "LEA: missing from the header; the "
                                "council must be named on import", Severity.WARNING))
    if strict:
        findings = [replace(f, severity=Severity.ERROR) for f in findings]
    if errors(findings):
        return None, findings

    reader = _Reader(file, year)
    block = next(child for child in root if child.tag in LA_LEVEL_NAMES)
    la_level = reader.la_level(block)
    workers = [reader.worker(worker) for worker in root.iterfind("CSWWWorker")]
    findings += [replace(f, severity=Severity.ERROR) if strict else f for f in reader.findings]
    if errors(findings):
        return None, findings
    return CensusReturn(
        path=path, sha256=hashlib.sha256(data).hexdigest(), year=year,
        schema_year=schema_year(year), reference_date=dt.date(year, *REFERENCE_DAY),
        lea=_text(lea) if lea is not None else "", la_level=la_level, workers=workers,
        findings=findings,
    ), findings


def _syntax(exc: etree.XMLSyntaxError) -> str:
    # The parser quotes the bytes it cannot decode, which may be part of a personal value.
    return exc.msg.split("\n")[0].split(" Bytes:")[0].strip()


def _identify(root: etree._Element, file: str) -> tuple[int, int] | Finding:
    """The collection year and the header's line; a finding when the file is not a CSWW
    return of a year served here."""
    if root.tag != ROOT:
        return Finding(file, root.sourceline, str(root.tag),
                       f"{root.tag}: not a CSWW census return; its root must be {ROOT}")
    header = root.find("Header")
    details = root.find("Header/CollectionDetails")
    where = header if header is not None else root
    collection = root.find("Header/CollectionDetails/Collection")
    if collection is not None and _text(collection) != COLLECTION:
        return Finding(file, collection.sourceline, "Collection",
                       value_message(collection, f"{COLLECTION}, the social work workforce "
                                     "census", problem="is another collection"))
    year_element = details.find("Year") if details is not None else None
    reference = details.find("ReferenceDate") if details is not None else None
    if year_element is not None:
        if not (match := _YEAR.fullmatch(_text(year_element))):
            return Finding(file, year_element.sourceline, "Year",
                           value_message(year_element, "the collection year as YYYY"))
        year, source = int(match[1]), year_element
    elif reference is not None and (match := _DATE.fullmatch(_text(reference))):
        year, source = int(match[1]), reference
    else:
        return Finding(file, where.sourceline, "Year",
                       "Year: no collection year; expected Header/CollectionDetails/Year or "
                       "ReferenceDate")
    try:
        schema_year(year)
    except ValueError as exc:
        return Finding(file, source.sourceline, source.tag, f"{source.tag}: {exc}")
    expected = dt.date(year, *REFERENCE_DAY)
    if reference is not None and _value(reference, _date) != expected:
        return Finding(file, reference.sourceline, "ReferenceDate", value_message(
            reference, f"{expected.isoformat()}, 30 September of the collection year"))
    return year, where.sourceline


class _Reader:
    """Typed values from a return whose findings are at most warnings: a code as given (a
    wrong one has its warning), a date or number Python cannot read as None."""

    def __init__(self, file: str, year: int):
        self.file = file
        self.year = year
        self.findings: list[Finding] = []

    def la_level(self, block: etree._Element) -> CensusLALevel:
        first = self._children(block)
        pay = [name for name in layout(self.year).children[la_level_name(self.year)]
               if name not in COUNTS]
        return CensusLALevel(
            line=block.sourceline,
            vacancies_fte=float(_text(first["NumberOfVacancies"])),
            agency_fte=float(_text(first["NoAgencyFTE"])),
            agency_headcount=int(_text(first["NoAgencyHeadcount"])),
            pay={name: _text(first[name]) for name in pay if name in first},
        )

    def worker(self, worker: etree._Element) -> CensusWorker:
        first = self._children(worker)

        def value(tag: str, convert: Callable[[str], T]) -> T | None:
            return self._typed(first.get(tag), convert)

        sex = next((SEXES[tag].get(_text(first[tag])) for tag in SEXES if tag in first), None)
        return CensusWorker(
            line=worker.sourceline,
            agency_worker=_FLAGS[_text(first["AgencyWorker"])],
            swe_no=value("SWENo", _code),
            birth_date=value("PersonBirthDate", _date),
            sex=sex,
            ethnicity=value("Ethnicity", _code),
            org_role=value("OrgRole", _code),
            role_start_date=value("RoleStartDate", _date),
            start_origin=value("StartOrigin", _code),
            role_end_date=value("RoleEndDate", _date),
            reason_leave=value("ReasonLeave", _code),
            leaver_destination=value("LeaverDestination", _code),
            fte=value("FTE", float),
            fte30=value("FTE30", float),
            cases30=value("Cases30", int),
            working_days_lost=value("WorkingDaysLost", float),
            absent_at_30_sept=value("Absat30Sept", _FLAGS.__getitem__),
            reason_absence=value("ReasonAbsence", _code),
            contract_weeks=value("ContractWeeks", float),
            base_salary=value("BaseSalary", float),
            rr_payments=value("RRPayments", float),
            other_payments=value("OtherPayments", float),
        )

    def _children(self, parent: etree._Element) -> dict[str, etree._Element]:
        first: dict[str, etree._Element] = {}
        for child in parent:
            if first.setdefault(child.tag, child) is not child and child.tag in READ_FIRST:
                self.findings.append(Finding(
                    self.file, child.sourceline, child.tag,
                    f"{child.tag}: given more than once; the first is read", Severity.WARNING))
        return first

    def _typed(self, element: etree._Element | None, convert: Callable[[str], T]) -> T | None:
        typed = _value(element, convert)
        # The schema has judged the value; a measure's value that Python still cannot read
        # (a date past 9999) leaves the measures unknown.
        if typed is None and element is not None and element.tag in MEASURES:
            expected = layout(self.year).expected[element.tag]
            self.findings.append(Finding(self.file, element.sourceline, element.tag,
                                         value_message(element, expected, "not readable")))
        return typed


def _value(element: etree._Element | None, convert: Callable[[str], T]) -> T | None:
    if element is None:
        return None
    try:
        return convert(_text(element))
    except (ValueError, KeyError):
        return None


def _text(element: etree._Element) -> str:
    return (element.text or "").strip()


def _code(text: str) -> str:
    if not text:
        raise ValueError("empty")
    return text


def _date(text: str) -> dt.date:
    if not (match := _DATE.fullmatch(text)):
        raise ValueError(text)
    return dt.date(*(int(part) for part in match.groups()))


def lea_authority(lea: str) -> tuple[str, str] | None:
    """(new_la_code, la_name) of the council whose DfE LA code (``old_la_code``) is ``lea``,
    from the reference data (``comparisons.authorities``): the current code where it
    changed; None for a code the DfE does not use."""
    from workforce.comparisons.authorities import UnknownAuthority, lookup

    try:
        found = lookup(lea)
    except UnknownAuthority:
        return None
    return found.new_code, found.name
