"""Typing an extract's text cells: each column's cells → typed values, by the column's type
in the contract, and a finding for each cell that would not parse.

Each distinct text of a column is typed once and spread back over its rows: a month repeats
the same codes, flags, dates and amounts many times. ``shown`` is how any finding quotes a
found value (never a personal field's content), here and in the rules (``extract_rules``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pandas.api.extensions import ExtensionArray
from pandas.arrays import BooleanArray, FloatingArray, IntegerArray

from workforce.contracts import CONTRACTS, TYPE_DESCRIPTIONS, Column, ColumnType, Contract, Typed
from workforce.extracts import ExtractFile
from workforce.findings import Finding
from workforce.privacy import WITHHELD

TRUE_WORDS = {"y", "yes", "true", "1"}
FALSE_WORDS = {"n", "no", "false", "0"}
# Python's ``re`` rules (Unicode \s and \d) apply, as they did through pandas' ``.str`` methods.
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[ T]00:00(?::00)?)?$")
UK_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?: 00:00(?::00)?)?$")
# A date column's number as Excel stores a date (days since 30 December 1899) when the cell
# lost its date format: five digits, 1927 to 2119, so no other number is taken for one.
EXCEL_SERIAL = re.compile(r"^(\d{5})(?:\.0+)?$")
EXCEL_EPOCH = dt.date(1899, 12, 30)
SERIAL_RANGE = (10_000, 80_000)
CODE_SEPARATORS = re.compile(r"[\s\-]+")
MONEY_NOISE = re.compile(r"[£,\s]")
AMOUNT = re.compile(r"^-?\d*\.?\d+$")
# Texts these match (ASCII only, run by pyarrow) come out of the rewriting above unchanged,
# so most of a column skips the per-value Python.
PLAIN_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
PLAIN_AMOUNT = r"^-?[0-9]*\.?[0-9]+$"
PLAIN_DECIMAL = r"^[0-9]+(?:\.[0-9]+)?$"
LARGEST_EXACT = 2**53  # the largest whole number a float64 holds exactly


def _strings(texts: pa.Array) -> ExtensionArray:
    return pd.StringDtype().__from_arrow__(texts)


def _each_distinct(texts: pa.Array, parse: Callable[[pa.Array], pa.Array]) -> pa.Array:
    """``parse`` applied to the column's distinct texts (never null), spread over the rows."""
    encoded = pc.dictionary_encode(texts)
    return parse(encoded.dictionary).take(encoded.indices)


def _python_where_needed(texts: pa.Array, plain: str, rewrite: Callable[[str], str | None]
                         ) -> pa.Array:
    """``rewrite`` each text, except those matching ``plain``, which it would leave as they are."""
    is_plain = pc.match_substring_regex(texts, plain)
    if pc.all(is_plain).as_py():
        return texts
    return pa.array(
        [t if p else rewrite(t) for t, p in zip(texts.to_pylist(), is_plain.to_pylist(),
                                               strict=True)],
        type=texts.type,
    )


def _trimmed_lower(texts: pa.Array) -> list[str]:
    return pc.utf8_lower(pc.utf8_trim_whitespace(texts)).to_pylist()


def normalise_code(texts: pa.Array) -> ExtensionArray:
    def normalise(distinct: pa.Array) -> pa.Array:
        return pa.array([CODE_SEPARATORS.sub("_", t) for t in _trimmed_lower(distinct)],
                        distinct.type)

    return _strings(_each_distinct(texts, normalise))


def _parse_flag(texts: pa.Array) -> ExtensionArray:
    def flag(texts: pa.Array) -> pa.Array:
        return pa.array([True if w in TRUE_WORDS else False if w in FALSE_WORDS else None
                         for w in _trimmed_lower(texts)], pa.bool_())

    return _masked(_each_distinct(texts, flag), BooleanArray, "bool")


def _iso_date(text: str) -> str | None:
    # A day-first UK date is rewritten as ISO, so one strict format reads both forms; a
    # month-first date such as 03/31/2024 then has month 31 and is refused.
    serial = EXCEL_SERIAL.match(text)
    if serial and SERIAL_RANGE[0] <= int(serial[1]) <= SERIAL_RANGE[1]:
        return (EXCEL_EPOCH + dt.timedelta(days=int(serial[1]))).isoformat()
    iso = UK_DATE.sub(lambda m: f"{m[3]}-{m[2]:0>2}-{m[1]:0>2}", text)
    return iso[:10] if ISO_DATE.match(iso) else None


def _parse_date(texts: pa.Array) -> np.ndarray:
    def date(distinct: pa.Array) -> pa.Array:
        iso = _python_where_needed(distinct, PLAIN_DATE, _iso_date).to_numpy(
            zero_copy_only=False)
        try:
            # numpy reads plain ISO dates as pandas does, much faster, but all or nothing.
            days = iso.astype("datetime64[s]")
        except ValueError:  # an impossible date such as 2021-02-30, or a rewritten one refused
            days = pd.to_datetime(iso, format="%Y-%m-%d", errors="coerce").to_numpy()
        return pa.array(days.astype("datetime64[s]"), from_pandas=True)

    return _each_distinct(texts, date).to_numpy(zero_copy_only=False).astype("datetime64[s]")


def _all_short_decimals(texts: pa.Array, longest: int) -> bool:
    """Whether every text is an unsigned decimal of at most ``longest`` characters: pyarrow's
    cast reads those exactly as pandas' ``to_numeric`` does (both round correctly), without
    its cost per call."""
    plain = pc.match_substring_regex(texts, PLAIN_DECIMAL)
    short = pc.less_equal(pc.utf8_length(texts), longest)
    return bool(pc.all(pc.and_(plain, short)).as_py())


def _distinct_numbers(texts: pa.Array) -> pa.Array:
    trimmed = pc.utf8_trim_whitespace(texts)
    if _all_short_decimals(trimmed, 15):
        return pc.cast(trimmed, pa.float64())
    numbers = pd.to_numeric(pd.Series(_strings(trimmed)), errors="coerce")
    return pa.array(numbers.astype("Float64"))


def _masked(values: pa.Array, array: type[BooleanArray | FloatingArray | IntegerArray],
            numpy_type: str) -> ExtensionArray:
    """A nullable pandas column from pyarrow's values, null as NA."""
    with np.errstate(invalid="ignore"):  # an infinite whole number, cast as pandas casts it
        filled = values.fill_null(np.zeros((), numpy_type).item())
        data = filled.to_numpy(zero_copy_only=False).astype(numpy_type)
    return array(data, values.is_null().to_numpy(zero_copy_only=False))


def _parse_number(texts: pa.Array) -> ExtensionArray:
    return _masked(_each_distinct(texts, _distinct_numbers), FloatingArray, "float64")


def _exact(numbers: pa.Array) -> pa.Array:
    """Whether each whole number is one a float64 and an int64 both hold exactly: a larger
    one (``1e20`` open cases) is refused, not wrapped round to a negative."""
    return pc.less_equal(pc.abs(numbers), LARGEST_EXACT)


def _parse_integer(texts: pa.Array) -> ExtensionArray:
    def whole(distinct: pa.Array) -> pa.Array:
        numbers = _distinct_numbers(distinct)
        integral = pc.equal(pc.round(numbers, round_mode="half_to_even"), numbers)
        return pc.if_else(pc.and_(integral, _exact(numbers)), numbers, None)

    return _masked(_each_distinct(texts, whole), IntegerArray, "int64")


def _amount(text: str) -> str | None:
    cleaned = MONEY_NOISE.sub("", text)
    return cleaned if AMOUNT.match(cleaned) else None


def _parse_money(texts: pa.Array) -> ExtensionArray:
    def pence(distinct: pa.Array) -> pa.Array:
        cleaned = _python_where_needed(distinct, PLAIN_AMOUNT, _amount)
        if _all_short_decimals(cleaned.drop_null(), 12):  # under 10^12 pounds: pence exact
            return pc.round(pc.multiply(pc.cast(cleaned, pa.float64()), 100),
                            round_mode="half_to_even")
        pence = pa.array(pd.to_numeric(pd.Series(_strings(cleaned)), errors="coerce")
                         .mul(100).round().astype("Float64"))
        return pc.if_else(_exact(pence), pence, None)

    return _masked(_each_distinct(texts, pence), IntegerArray, "int64")


# Each takes a column's text cells (pyarrow large strings, null for a blank cell).
PARSERS: dict[ColumnType, Callable[[pa.Array], Typed]] = {
    ColumnType.ID: _strings,
    ColumnType.TEXT: _strings,
    ColumnType.CODE: normalise_code,
    ColumnType.FLAG: _parse_flag,
    ColumnType.DATE: _parse_date,
    ColumnType.NUMBER: _parse_number,
    ColumnType.INTEGER: _parse_integer,
    ColumnType.MONEY: _parse_money,
}


def shown(contract: Contract, column: str, value: object) -> object:
    """The found value as a finding may print it: never a personal field's content."""
    return WITHHELD if column in contract.personal_columns else value


def type_columns(extracts: list[ExtractFile]) -> list[tuple[dict[str, Typed], list[Finding]]]:
    """Each extract's columns typed, and a finding for each cell that would not parse.

    All the columns of one type, over all the files, are typed as one array and handed back
    in slices: the cost is mostly per call, not per cell, and a month's files have 46 columns
    of only 8 types."""
    by_type: dict[ColumnType, list[tuple[int, Column, pa.Array]]] = {}
    for i, extract in enumerate(extracts):
        for column, cells in zip(CONTRACTS[extract.kind].columns, extract.cells.columns,
                                 strict=True):
            by_type.setdefault(column.type, []).append((i, column, cells.combine_chunks()))
    typed: list[dict[str, Typed]] = [{} for _ in extracts]
    unparsed: list[dict[str, np.ndarray]] = [{} for _ in extracts]
    for column_type, members in by_type.items():
        texts = pa.concat_arrays([cells for _, _, cells in members])
        values = PARSERS[column_type](texts)
        failed = texts.is_valid().to_numpy(zero_copy_only=False) & pd.isna(values)
        start = 0
        for i, column, cells in members:
            stop = start + len(cells)
            typed[i][column.name] = values[start:stop]
            unparsed[i][column.name] = np.flatnonzero(failed[start:stop])
            start = stop
    return [(typed[i], _unparsed_findings(extract, unparsed[i]))
            for i, extract in enumerate(extracts)]


def _unparsed_findings(extract: ExtractFile, unparsed: dict[str, np.ndarray]) -> list[Finding]:
    """Findings for the cells that would not parse, column by column in the contract's order."""
    contract = CONTRACTS[extract.kind]
    return [
        Finding(
            str(extract.path),
            int(extract.row_numbers[position]),
            column.name,
            f"expected {TYPE_DESCRIPTIONS[column.type]}; "
            f"found {shown(contract, column.name, extract.text(column.name, position))!r}",
        )
        for column in contract.columns
        for position in unparsed[column.name]
    ]
