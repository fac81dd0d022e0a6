"""The DfE's CSWW census schemas by year (``data/csww/README.md`` says where they come from).

Besides the schemas themselves, this reads from each XSD what the reader and the validator's
messages need: each complex element's children in order and which are mandatory, and what
each simple element's value must look like.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from functools import cache
from typing import Final

from lxml import etree

from workforce.config import PROJECT_ROOT

SCHEMA_DIR: Final = PROJECT_ROOT / "data" / "csww"
FIRST_YEAR: Final = 2017
FIRST_SCHEMA_YEAR: Final = 2021  # returns before 2021 are read with 2021's schema
LAST_YEAR: Final = 2025
LA_LEVEL_NAMES: Final = ("LALevel", "LALevelVacancies")

XS: Final = "{http://www.w3.org/2001/XMLSchema}"
ROOT: Final = "Message"


def schema_year(year: int) -> int:
    """The schema a collection year's return is validated with."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(f"{year} is not a CSWW collection year served here; the schemas serve "
                         f"{FIRST_YEAR}–{LAST_YEAR}")
    return max(year, FIRST_SCHEMA_YEAR)


@cache
def _xsd(schema_year_: int) -> etree._ElementTree:
    return etree.parse(str(SCHEMA_DIR / f"csww_schema_{schema_year_}.xsd"))


@cache
def _schema(schema_year_: int) -> etree.XMLSchema:
    return etree.XMLSchema(_xsd(schema_year_))


def schema(year: int) -> etree.XMLSchema:
    """The schema serving a collection year, compiled once per process."""
    return _schema(schema_year(year))


@cache
def _relaxed(schema_year_: int) -> etree.XMLSchema:
    xsd = copy.deepcopy(_xsd(schema_year_))
    for element in xsd.iter(f"{XS}element"):
        if element.getparent().tag != f"{XS}schema":  # minOccurs is not allowed on the root
            element.set("minOccurs", "0")
    return etree.XMLSchema(xsd)


def relaxed_schema(year: int) -> etree.XMLSchema:
    """The year's schema with every element optional; ``Layout.mandatory`` holds the rest.

    libxml2 stops checking an element's children at the first one out of place, so a missing
    mandatory element (``QualInst``, often) would hide a bad ``FTE30`` later in the same
    worker. Validating without minOccurs, and checking presence separately, reports both.
    """
    return _relaxed(schema_year(year))


@dataclass(frozen=True)
class Layout:
    """A schema year's elements, by name (each name is declared once in these schemas)."""

    children: dict[str, tuple[str, ...]]  # complex element → its children, in order
    mandatory: dict[str, frozenset[str]]  # complex element → its children with minOccurs ≥ 1
    expected: dict[str, str]  # simple element → what its value must be, in words
    codes: dict[str, tuple[str, ...]]  # coded element → its codes


def layout(year: int) -> Layout:
    return _layout(schema_year(year))


def la_level_name(year: int) -> str:
    """The LA-level block's spelling in the schema serving ``year``."""
    return next(name for name in layout(year).children[ROOT] if name in LA_LEVEL_NAMES)


@cache
def _layout(schema_year_: int) -> Layout:
    xsd = _xsd(schema_year_).getroot()
    complex_types = {t.get("name"): t for t in xsd.iter(f"{XS}complexType")}
    simple_types = {t.get("name"): t for t in xsd.iter(f"{XS}simpleType") if t.get("name")}
    found = Layout({}, {}, {}, {})

    def visit(name: str, type_name: str | None, declaration: etree._Element) -> None:
        if type_name in complex_types:
            declared = list(complex_types[type_name].iter(f"{XS}element"))
            found.children[name] = tuple(d.get("name") for d in declared)
            found.mandatory[name] = frozenset(
                d.get("name") for d in declared if d.get("minOccurs", "1") != "0")
            for child in declared:
                visit(child.get("name"), child.get("type"), child)
            return
        base, facets = _facets(type_name, declaration.find(f"{XS}simpleType"), simple_types)
        found.expected[name] = _describe(base, facets)
        if "enumeration" in facets:
            found.codes[name] = tuple(facets["enumeration"])

    root = xsd.find(f"{XS}element[@name='{ROOT}']")
    visit(ROOT, root.get("type"), root)
    return found


def _facets(type_name: str | None, inline: etree._Element | None,
            simple_types: dict[str, etree._Element]) -> tuple[str, dict[str, list[str]]]:
    """The built-in base type and the facets of a simple type, the most derived winning."""
    definition = inline if inline is not None else simple_types.get(type_name or "")
    if definition is None:
        return type_name or "xs:string", {}
    restriction = definition.find(f"{XS}restriction")
    base, facets = _facets(restriction.get("base"), None, simple_types)
    own: dict[str, list[str]] = {}
    for facet in restriction:
        if isinstance(facet.tag, str) and facet.tag != f"{XS}annotation":
            own.setdefault(etree.QName(facet).localname, []).append(facet.get("value"))
    return base, {**facets, **own}


_BASES: Final = {
    "xs:date": "a date as YYYY-MM-DD",
    "xs:gYear": "a year as YYYY",
    "xs:dateTime": "a date and time as YYYY-MM-DDThh:mm:ss",
    "xs:integer": "a whole number",
    "xs:decimal": "a number",
    "xs:string": "text",
}


def _describe(base: str, facets: dict[str, list[str]]) -> str:
    if "enumeration" in facets:
        return "one of the codes " + ", ".join(facets["enumeration"])
    if "pattern" in facets:
        return f"text matching the pattern {facets['pattern'][0]}"
    words = _BASES.get(base, base)
    if "minLength" in facets:
        words = f"{words} of at least {facets['minLength'][0]} character(s)"
    low, high = facets.get("minInclusive"), facets.get("maxInclusive")
    if low and high:
        words += f" from {low[0]} to {high[0]}"
    elif low:
        words += f" of at least {low[0]}"
    if "fractionDigits" in facets:
        digits = facets["fractionDigits"][0]
        words += f" with at most {digits} decimal place{'s' * (digits != '1')}"
    return words
