"""UK number and date formats: the one set of Jinja filters every report template uses.

Each filter is a pure function returning text. Two values are not numbers:

- ``None`` (or NaN) means "not applicable" (say, a rate with a zero denominator) and
  renders as an en dash, or as the ``na`` text the caller gives;
- ``SUPPRESSED`` means disclosure control withheld the figure and renders as ``[c]``, the
  marker the DfE and ONS use for confidential cells.

Rounding is half-up on the decimal value as written (18.95 → 19.0), as people and the DfE
round, not Python's round-half-even on the binary float. Negative numbers use the minus
sign (U+2212), which screen readers say as "minus" and which lines up with the plus sign.
"""

from __future__ import annotations

import datetime as dt
import numbers
import re
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Final, Literal

NA_DASH: Final = "–"  # en dash
SUPPRESSED_TEXT: Final = "[c]"
MINUS: Final = "\u2212"

MONTH_NAMES: Final = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)
MARKINGS: Final = ("OFFICIAL", "OFFICIAL-SENSITIVE")
RAG_NAMES: Final = {"red": "Red", "amber": "Amber", "green": "Green"}
_MONTH_TEXT: Final = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])(?:-\d{2})?$")


class Suppressed:
    """The type of ``SUPPRESSED``: a figure withheld so no individual can be identified."""

    _instance: Suppressed | None = None

    def __new__(cls) -> Suppressed:
        # One instance, so ``value is SUPPRESSED`` works across modules and copies.
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "SUPPRESSED"

    def __reduce__(self) -> str:
        return "SUPPRESSED"


SUPPRESSED: Final = Suppressed()

Number = int | float | Decimal
Value = Number | Suppressed | None
Unit = Literal[
    "count", "cases", "fte", "percent", "gbp", "gbp_per_hour", "cases_per_fte", "number"
]


def is_suppressed(value: object) -> bool:
    return value is SUPPRESSED


def _missing(value: object, na: str) -> str | None:
    """The text for a value that is not a number, or None when it is one."""
    if value is SUPPRESSED:
        return SUPPRESSED_TEXT
    if value is None:
        return na
    if isinstance(value, float | Decimal) and value != value:  # NaN: pandas' "missing"
        return na
    return None


def _decimal(value: object) -> Decimal:
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, bool) or not isinstance(value, numbers.Real):
        # A string or a flag reaching a number filter is a template bug: say so.
        raise TypeError(f"expected a number, found {type(value).__name__} {value!r}")
    elif isinstance(value, numbers.Integral):
        result = Decimal(int(value))
    else:
        result = Decimal(repr(float(value)))  # the shortest decimal that is this float
    if not result.is_finite():
        raise ValueError(f"cannot format {value!r} as a number")
    return result


def _round(value: Number, places: int) -> Decimal:
    rounded = _decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return abs(rounded) if rounded == 0 else rounded  # never "−0.0"


def _grouped(value: Number, places: int) -> tuple[str, str]:
    """(sign, digits with thousands commas) of ``value`` rounded to ``places``."""
    rounded = _round(value, places)
    return (MINUS if rounded < 0 else ""), f"{abs(rounded):,.{places}f}"


def number(value: Value, places: int = 1, na: str = NA_DASH) -> str:
    """``16.0``: a plain figure with thousands commas."""
    if (text := _missing(value, na)) is not None:
        return text
    sign, digits = _grouped(value, places)  # type: ignore[arg-type]
    return sign + digits


def count(value: Value, na: str = NA_DASH) -> str:
    """``1,234``: a whole number."""
    return number(value, 0, na)


def fte(value: Value, na: str = NA_DASH) -> str:
    """``33,119.1``: full-time equivalents, one decimal place as the DfE publishes."""
    return number(value, 1, na)


def percent(value: Value, places: int = 1, na: str = NA_DASH) -> str:
    """``18.9%`` from 18.94: the value is already a percentage, not a fraction."""
    if (text := _missing(value, na)) is not None:
        return text
    return number(value, places) + "%"


def money(value: Value, pence: bool = False, na: str = NA_DASH, signed: bool = False) -> str:
    """``£1,234`` (or ``£1,234.56`` with ``pence``); ``−£1,234`` when negative; with
    ``signed``, ``+£1,234`` for a variance."""
    if (text := _missing(value, na)) is not None:
        return text
    sign, digits = _grouped(value, 2 if pence else 0)  # type: ignore[arg-type]
    if signed and not sign and _round(value, 2 if pence else 0) != 0:  # type: ignore[arg-type]
        sign = "+"
    return f"{sign}£{digits}"


def change(value: Value, unit: str = "pts", places: int = 1, na: str = NA_DASH) -> str:
    """``+2.1 pts`` / ``−0.4 pts`` / ``0.0 pts``: a difference, always signed when not 0.

    ``unit`` follows the number after a space (``pts`` for percentage points, ``FTE``,
    ``cases``); an empty unit gives the signed number alone."""
    if (text := _missing(value, na)) is not None:
        return text
    sign, digits = _grouped(value, places)  # type: ignore[arg-type]
    if not sign and _round(value, places) != 0:  # type: ignore[arg-type]
        sign = "+"
    return f"{sign}{digits} {unit}" if unit else f"{sign}{digits}"


def direction(
    value: Value, better: str | None, places: int = 1
) -> Literal["better", "worse", "same"] | None:
    """Whether a change is an improvement, given which way is better for the measure
    (``"lower"``/``"higher"``); None when that is unknown. A change that rounds to zero
    is ``"same"``, matching what ``change`` shows."""
    if _missing(value, "") is not None:
        return None
    rounded = _round(value, places)  # type: ignore[arg-type]
    if rounded == 0:
        return "same"
    if better not in ("lower", "higher"):
        return None
    return "better" if (rounded < 0) == (better == "lower") else "worse"


def _as_date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        return dt.date.fromisoformat(value.strip())
    if all(hasattr(value, name) for name in ("year", "month", "day")):  # pandas Timestamp
        return dt.date(value.year, value.month, value.day)  # type: ignore[attr-defined]
    raise TypeError(f"expected a date, found {type(value).__name__} {value!r}")


def date(value: dt.date | str | None, na: str = NA_DASH) -> str:
    """``31 March 2025``: GOV.UK style, no leading zero, month in full, no locale."""
    if value is None:
        return na
    day = _as_date(value)
    return f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year}"


def timestamp(value: dt.datetime | str | None, na: str = NA_DASH) -> str:
    """``5 April 2025, 06:12 UTC`` from a stored ISO time (loads are stamped in UTC)."""
    if value is None:
        return na
    moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(value)
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC)
    return f"{date(moment)}, {moment:%H:%M} UTC"


def month(value: object, na: str = NA_DASH, short: bool = False) -> str:
    """``March 2025`` from ``'2025-03'``, a date or anything with ``year`` and ``month``
    (a ``Period``); ``short`` gives ``Mar 2025`` for chart axes."""
    if value is None:
        return na
    if isinstance(value, str):
        if not (match := _MONTH_TEXT.match(value.strip())):
            raise ValueError(f"expected a month as YYYY-MM, found {value!r}")
        year, month_number = int(match[1]), int(match[2])
    elif hasattr(value, "year") and hasattr(value, "month"):
        year, month_number = int(value.year), int(value.month)  # type: ignore[attr-defined]
    else:
        raise TypeError(f"expected a month, found {type(value).__name__} {value!r}")
    name = MONTH_NAMES[month_number - 1]
    return f"{name[:3] if short else name} {year}"


def text(value: object, na: str = NA_DASH) -> str:
    """Any value as text, with the same not-applicable and suppressed markers."""
    if (shown := _missing(value, na)) is not None:
        return shown
    return str(value)


_BY_UNIT: Final[dict[str, Callable[..., str]]] = {
    "count": count,
    "cases": count,
    "fte": fte,
    "percent": percent,
    "gbp": money,
    "gbp_per_hour": lambda value, na=NA_DASH: money(value, pence=True, na=na),
    "cases_per_fte": number,
    "number": number,
    "date": lambda value, na=NA_DASH: _missing(value, na) or date(value, na),
    "month": lambda value, na=NA_DASH: _missing(value, na) or month(value, na),
    "text": text,
}


def fmt(value: object, unit: str, na: str = NA_DASH) -> str:
    """A value in the format for its unit: the units of ``workforce.measures`` (``fte``,
    ``percent``, ``gbp`` …) plus ``number``, ``date``, ``month`` and ``text``, so a table
    can format every column through one filter."""
    try:
        formatter = _BY_UNIT[unit]
    except KeyError:
        raise ValueError(
            f"no format for unit {unit!r}; expected one of {sorted(_BY_UNIT)}"
        ) from None
    return formatter(value, na=na)


def delta(value: Value, unit: str, na: str = NA_DASH) -> str:
    """A change in a measure of ``unit``: ``+2.1 pts`` for a rate, ``−3.0 FTE``, ``+4``
    for a count, ``+£1,234`` for money."""
    if unit == "percent":
        return change(value, "pts", 1, na)
    if unit == "fte":
        return change(value, "FTE", 1, na)
    if unit in ("count", "cases"):
        return change(value, "", 0, na)
    if unit in ("gbp", "gbp_per_hour"):
        return money(value, pence=unit == "gbp_per_hour", na=na, signed=True)
    if unit in ("cases_per_fte", "number"):
        return change(value, "", 1, na)
    raise ValueError(f"no change format for unit {unit!r}")


def gap(value: Value, unit: str, na: str = NA_DASH) -> str:
    """The distance between two figures of ``unit``, unsigned: ``11.6 pts``, ``2.3``."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = abs(value)
    return delta(value, unit, na).removeprefix("+")


def rag_key(value: str | None) -> str | None:
    """``"red"``, ``"amber"``, ``"green"`` from any spelling (``R``, ``Amber``); None when
    the measure has no RAG rating."""
    if value is None or not value.strip():
        return None
    text = value.strip().lower()
    for key in RAG_NAMES:
        if text in (key, key[0]):
            return key
    raise ValueError(f"unknown RAG rating {value!r}; expected red, amber or green")


def rag_letter(value: str | None) -> str:
    key = rag_key(value)
    return key[0].upper() if key else ""


def rag_name(value: str | None) -> str:
    key = rag_key(value)
    return RAG_NAMES[key] if key else ""


def protective_marking(value: str) -> str:
    """The marking itself, refused unless it is one the reports are allowed to carry: a
    pack must never print unmarked or with a misspelt marking."""
    if value not in MARKINGS:
        raise ValueError(f"protective marking must be one of {MARKINGS}, found {value!r}")
    return value


FILTERS: Final[dict[str, Callable[..., Any]]] = {
    "number": number,
    "count": count,
    "fte": fte,
    "percent": percent,
    "money": money,
    "change": change,
    "direction": direction,
    "date": date,
    "timestamp": timestamp,
    "month": month,
    "fmt": fmt,
    "delta": delta,
    "gap": gap,
    "text": text,
    "rag_key": rag_key,
    "rag_letter": rag_letter,
    "rag_name": rag_name,
    "protective_marking": protective_marking,
}

TESTS: Final[dict[str, Callable[[object], bool]]] = {"suppressed": is_suppressed}
