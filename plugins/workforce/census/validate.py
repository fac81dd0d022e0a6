"""A census return checked against its year's XML Schema, one finding per deviating element.

lxml's messages quote the values they reject, so every message here is written afresh from
the element and the schema; a personal element's value is never shown.
"""

from __future__ import annotations

import copy
import re
from typing import Final

from lxml import etree

from workforce.census.schemas import (
    LA_LEVEL_NAMES,
    la_level_name,
    layout,
    relaxed_schema,
    schema,
    schema_year,
)
from workforce.contracts import Severity
from workforce.findings import Finding
from workforce.privacy import WITHHELD

# The elements the DfE's measures are computed from.
MEASURES: Final = frozenset({
    "AgencyWorker", "FTE", "FTE30", "RoleStartDate", "RoleEndDate", "Cases30", "WorkingDaysLost",
    *LA_LEVEL_NAMES, "NumberOfVacancies", "NoAgencyFTE", "NoAgencyHeadcount",
})
# A deviation in these refuses the file; in any other element it is a warning. Besides the
# measures: what says which collection and year the file is, and the worker records.
REFUSING: Final = MEASURES | {"Collection", "Year", "ReferenceDate", "CSWWWorker"}
# Never quoted in a message.
PERSONAL: Final = frozenset({
    "SWENo", "PersonBirthDate", "GenderCurrent", "Sex", "Ethnicity", "QualInst", "BaseSalary",
    "RRPayments", "OtherPayments",
})
SHOWN_CHARACTERS: Final = 40
# 2024's schema renames GenderCurrent to Sex; the DfE said 2024 kept 2023's dataset.
GENDER_CURRENT_YEAR: Final = 2023
_UNEXPECTED: Final = "This element is not expected"
_ELEMENT_IN_MESSAGE: Final = re.compile(r"Element '([^']+)'")


def severity(element: str) -> Severity:
    return Severity.ERROR if element in REFUSING else Severity.WARNING


def value_message(element: etree._Element, expected: str, problem: str = "not valid") -> str:
    name = element.tag
    if len(element):
        return f"{name}: holds elements; expected {expected}"
    if name in PERSONAL:
        return f"{name}: value {WITHHELD} {problem}; expected {expected}"
    text = (element.text or "").strip()
    shown = text if len(text) <= SHOWN_CHARACTERS else text[:SHOWN_CHARACTERS] + "…"
    return f"{name}: value {shown!r} {problem}; expected {expected}"


def schema_findings(root: etree._Element, year: int, file: str) -> list[Finding]:
    """Every departure of the return from the schema serving ``year``, located at the XML's
    own lines; ``root`` itself is left as it is."""
    doc = copy.deepcopy(root)  # keeps the source lines
    findings = _normalise(doc, year, file)
    if schema(year).validate(doc):  # the common case: nothing to locate
        return findings
    return findings + _missing(doc, year, file) + _located(doc, year, file)


def _normalise(doc: etree._Element, year: int, file: str) -> list[Finding]:
    """Both published spellings of the LA-level block, and 2024's GenderCurrent, accepted."""
    spelling = la_level_name(year)
    for block in [child for child in doc if child.tag in LA_LEVEL_NAMES]:
        block.tag = spelling
    if schema_year(year) != 2024:
        return []
    # The 2024 schema's only objection to GenderCurrent is its name, so it is taken out of
    # what the schema sees and its value checked against 2021–2023's codes instead.
    before = layout(GENDER_CURRENT_YEAR)
    findings = []
    for gender in doc.findall("CSWWWorker/GenderCurrent"):
        if (gender.text or "").strip() not in before.codes["GenderCurrent"] or len(gender):
            findings.append(Finding(file, gender.sourceline, gender.tag, value_message(
                gender, before.expected["GenderCurrent"]), severity(gender.tag)))
        gender.getparent().remove(gender)
    return findings


def _missing(doc: etree._Element, year: int, file: str) -> list[Finding]:
    """Mandatory elements absent, reported at their parent's line."""
    elements = layout(year)
    findings = []
    for parent in doc.iter(*elements.mandatory):
        present = {child.tag for child in parent}
        order = elements.children[parent.tag]
        for name in sorted(elements.mandatory[parent.tag] - present, key=order.index):
            findings.append(Finding(
                file, parent.sourceline, name,
                f"{name}: missing from {parent.tag}; the {schema_year(year)} schema requires it",
                severity(name)))
    return findings


def _located(doc: etree._Element, year: int, file: str) -> list[Finding]:
    """The schema's other errors, against the schema with no mandatory elements.

    libxml2 checks nothing more of an element's children after one out of place, so each such
    child is reported, taken out, and the return validated again until nothing is out of
    place: a misplaced element cannot hide a bad value after it.
    """
    elements = layout(year)
    relaxed = relaxed_schema(year)
    # Holding every node keeps one Python object per node (lxml reuses a live proxy), so the
    # same error met again in a later pass is recognised and reported once.
    nodes = list(doc.iter())
    namespaces = {prefix: uri for node in nodes for prefix, uri in node.nsmap.items() if prefix}
    found: dict[tuple[object, str, str], Finding] = {}
    while not relaxed.validate(doc):
        out_of_place = []
        for error in relaxed.error_log:
            node = _node(doc, error.path, namespaces)
            name = node.tag if node is not None else _ELEMENT_IN_MESSAGE.search(error.message)[1]
            if _UNEXPECTED in error.message:
                parent = node.getparent().tag if node is not None else "its parent"
                known = name in elements.children.get(parent, ())
                message = (f"{name}: not expected at this point in {parent} (out of order, or "
                           "repeated)" if known else
                           f"{name}: not an element of {parent} in the {schema_year(year)} "
                           "schema")
                kind, level = "unexpected", severity(name)
                if node is not None:
                    out_of_place.append(node)
            elif name in elements.children:
                kind, level = "text", Severity.WARNING  # stray text carries nothing read
                message = f"{name}: text between its elements; {name} holds only elements"
            else:
                kind, level = "value", severity(name)
                message = (value_message(node, elements.expected[name]) if node is not None
                           else f"{name}: value not valid; expected {elements.expected[name]}")
            key = (node if node is not None else error.line, name, kind)
            found.setdefault(key, Finding(file, error.line, name, message, level))
        if not out_of_place:
            break
        for node in out_of_place:
            node.getparent().remove(node)
    return list(found.values())


def _node(doc: etree._Element, path: str | None, namespaces: dict[str, str]
          ) -> etree._Element | None:
    """The element an error is about; None when its path cannot be followed (a prefix bound
    to two namespaces in one file)."""
    try:
        matches = doc.getroottree().xpath(path or "", namespaces=namespaces)
    except etree.XPathError:
        return None
    return matches[0] if matches else None
