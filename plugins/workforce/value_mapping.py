"""A council's own values for the contracts' codes ("Senior Practitioner" for
``advanced_practitioner``), mapped by its settings' ``value_mapping``; and, for the values
neither a code nor mapped, the lines the analyst adds to the settings, one per value.

Cells are matched to the mapping as headers are: case and surrounding spaces ignored. A
mapped cell becomes its code before typing, so everything after (rules, findings, the
warehouse) sees only codes; an unmapped one stays as found and fails the code rule at its
row and column.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workforce.config import ExtractSettings, matching_key
from workforce.contracts import CONTRACTS, Column, ColumnType, Typed
from workforce.extracts import ExtractFile

# A personal column's value is listed only if this many rows share it: a code repeats, a
# name or an identifier put in the wrong column does not.
PERSONAL_VALUE_MIN_ROWS = 5

# (kind, column) → each unmapped value as found (trimmed) → rows
Unmapped = dict[tuple[str, str], Counter[str]]
Suggest = Callable[[str, str, str], str | None]


def code_columns(kind: str) -> list[Column]:
    return [c for c in CONTRACTS[kind].columns if c.type is ColumnType.CODE]


def apply_value_mapping(extract: ExtractFile, settings: ExtractSettings) -> ExtractFile:
    """The extract with each code column's mapped values replaced by their codes."""
    cells = extract.cells
    for column in code_columns(extract.kind):
        lookup = settings.value_lookup(extract.kind, column.name)
        if not lookup:
            continue
        position = cells.schema.get_field_index(column.name)
        texts = cells.column(position).combine_chunks()
        encoded = pc.dictionary_encode(texts)
        mapped = pa.array([lookup.get(matching_key(value), value)
                           for value in encoded.dictionary.to_pylist()], texts.type)
        cells = cells.set_column(position, column.name, mapped.take(encoded.indices))
    return dataclasses.replace(extract, cells=cells)


def unmapped_values(extract: ExtractFile, typed: dict[str, Typed]) -> Unmapped:
    """Each code column's values that are neither a code nor mapped (``typed``: the
    extract's columns as validation typed them), with their row counts, as found."""
    found: Unmapped = {}
    for column in code_columns(extract.kind):
        codes = typed[column.name]
        unknown = ~(pd.isna(codes) | pd.Series(codes).isin(column.codes).to_numpy())
        if not unknown.any():
            continue
        texts = extract.cells.column(column.name).combine_chunks().filter(pa.array(unknown))
        counts = pc.value_counts(texts)
        found[(extract.kind, column.name)] = Counter(dict(zip(
            counts.field("values").to_pylist(), counts.field("counts").to_pylist(),
            strict=True)))
    return found


def describe_unmapped(unmapped: Unmapped, authority: str | None,
                      suggest: Suggest | None = None) -> list[str]:
    """The YAML to add under ``value_mapping`` in the authority's settings: each distinct
    unmapped value once, with its row count, a suggested code where one is known, and the
    codes to choose from. A personal column's rare values are withheld."""
    if not unmapped:
        return []
    where = f"config/{authority}.yaml" if authority else "the council's settings file"
    lines = [f"Values that are neither a code nor mapped: add a line for each under "
             f"value_mapping in {where}, with the code it means:", "value_mapping:"]
    for kind in CONTRACTS:
        columns = [(column, counts) for (k, column), counts in unmapped.items() if k == kind]
        if not columns:
            continue
        lines.append(f"  {kind}:")
        for name, counts in columns:
            column = CONTRACTS[kind].column(name)
            lines.append(f"    {name}:  # one of {', '.join(column.codes)}")
            withheld = 0
            for value, rows in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
                if column.personal and rows < PERSONAL_VALUE_MIN_ROWS:
                    withheld += rows
                    continue
                code = suggest(kind, name, value) if suggest else None
                guess = f"{code}  # suggested; " if code else "?  # "
                lines.append(f"      {_quoted(value)}: {guess}{_rows(rows)}")
            if withheld:
                lines.append(f"      # and values in {_rows(withheld)} withheld (a personal "
                             "column): see the file")
    return lines


def _quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _rows(count: int) -> str:
    return f"{count} row{'s' if count != 1 else ''}"
