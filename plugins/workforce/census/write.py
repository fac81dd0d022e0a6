"""A census return's XML from its values, in the order the year's schema declares."""

from __future__ import annotations

import datetime as dt

from lxml import etree

from workforce.census.read import COLLECTION, REFERENCE_DAY
from workforce.census.schemas import ROOT, la_level_name, layout

Values = dict[str, str]


def decimal(value: float, places: int) -> str:
    """``value`` to at most ``places`` decimal places, without trailing zeros."""
    text = f"{value:.{places}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def census_xml(year: int, lea: str, la_level: Values, workers: list[Values],
               software: str) -> etree._Element:
    """The return as an element tree; elements without a value are left out."""
    children = layout(year).children
    now = dt.datetime.now(dt.UTC).replace(microsecond=0, tzinfo=None).isoformat()
    values: dict[str, Values] = {
        "CollectionDetails": {"Collection": COLLECTION, "Year": str(year),
                              "ReferenceDate": dt.date(year, *REFERENCE_DAY).isoformat()},
        "Source": {"SourceLevel": "L", "LEA": lea, "SoftwareCode": software, "DateTime": now},
    }
    root = etree.Element(ROOT)
    header = etree.SubElement(root, "Header")
    for part in children["Header"]:
        _fill(etree.SubElement(header, part), children[part], values[part])
    block = la_level_name(year)
    _fill(etree.SubElement(root, block), children[block], la_level)
    for worker in workers:
        _fill(etree.SubElement(root, "CSWWWorker"), children["CSWWWorker"], worker)
    return root


def _fill(parent: etree._Element, order: tuple[str, ...], values: Values) -> None:
    for name in order:
        value = values.get(name)
        if value is not None and value != "":
            etree.SubElement(parent, name).text = value


def to_bytes(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
