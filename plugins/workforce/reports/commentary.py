"""Plain-English commentary written from stored figures, never beyond them.

Every sentence is built from values the report also shows, formatted by the same filters,
so the text and the tiles always agree (a change that rounds to zero reads "unchanged", as
the tile's "0.0 pts" does). A withheld figure is said to be withheld, never described.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Final

from workforce.comparisons.compare import DFE_MEASURES
from workforce.reports import filters
from workforce.reports.filters import SUPPRESSED, Value

if TYPE_CHECKING:
    from workforce.comparisons.compare import Comparators, Comparison

_WORDS: Final = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_PROSE_UNIT: Final = {"cases_per_fte": " cases per case-holding FTE", "fte": " FTE"}


def words(n: int) -> str:
    """Small whole numbers as words, as house style writes them in running text."""
    return _WORDS[n] if 0 <= n < len(_WORDS) else filters.count(n)


def known(value: Value) -> bool:
    return value is not None and value is not SUPPRESSED


def money(value: Value) -> str:
    """``£4.34m`` for millions (a cabinet reader's unit), else whole pounds."""
    if known(value) and abs(float(value)) >= 1_000_000:  # type: ignore[arg-type]
        sign = filters.MINUS if float(value) < 0 else ""  # type: ignore[arg-type]
        return f"{sign}£{filters.number(abs(float(value)) / 1_000_000, 2)}m"  # type: ignore[arg-type]
    return filters.money(value)


def shown(value: Value, unit: str, named: bool = True) -> str:
    """A value as running text gives it: ``18.2%``, ``16.1 cases per case-holding FTE``
    (``named=False`` leaves the unit's name to a figure later in the sentence)."""
    if unit in ("gbp", "gbp_per_hour"):
        return money(value)
    suffix = _PROSE_UNIT.get(unit, "") if named and known(value) else ""
    return filters.fmt(value, unit) + suffix


def _rounded(value: Value, unit: str) -> Decimal:
    places = 0 if unit in ("count", "cases", "gbp") else 1
    return Decimal(filters.number(value, places).replace(",", "").replace(filters.MINUS, "-"))


def subject(title: str) -> str:
    """``The vacancy rate`` from the catalogue title ``Vacancy rate``."""
    return "The " + title[0].lower() + title[1:]


def against_target(value: Value, target: float | None, rag: str | None, unit: str) -> str:
    """``, above the 15.0% target (red)``; empty when there is no target or no value."""
    if target is None or not known(value):
        return ""
    now, aim = _rounded(value, unit), _rounded(target, unit)
    side = "below" if now < aim else "above" if now > aim else "meeting"
    rating = f" ({filters.rag_name(rag).lower()})" if rag else ""
    return f", {side} the {shown(target, unit)} target{rating}"


def movement(title: str, unit: str, now: Value, before: Value, now_month: str,
             before_month: str) -> str:
    """``The vacancy rate fell from 21.4% in March 2024 to 18.9% in March 2025``."""
    name = subject(title)
    at_now, at_before = filters.month(now_month), filters.month(before_month)
    if now is SUPPRESSED:
        return (f"{name} for {at_now} is withheld because it rests on fewer than five "
                "people")
    if now is None:
        return f"{name} is not available for {at_now}"
    if not known(before):
        reason = "withheld" if before is SUPPRESSED else "not available"
        return (f"{name} was {shown(now, unit)} in {at_now} (the figure for {at_before} "
                f"is {reason})")
    a, b = _rounded(before, unit), _rounded(now, unit)
    if a == b:
        return f"{name} was unchanged at {shown(now, unit)} between {at_before} and {at_now}"
    verb = "fell" if b < a else "rose"
    return (f"{name} {verb} from {shown(before, unit, named=False)} in {at_before} "
            f"to {shown(now, unit)} in {at_now}")


def compared(value: Value, unit: str, title: str, comparison: Comparison | None,
             region_name: str | None = None) -> str:
    """``; in the latest published figures (year to 30 September 2025) England's is 14.2%,
    the North West's 15.7% and the mean of its 10 statistical neighbours 13.2%. Among its
    statistical neighbours it has the 3rd lowest vacancy rate of 11``: a figure the DfE did
    not publish is said to be missing, never shown as 0."""
    if comparison is None or comparison.year is None or not known(value):
        return ""

    def figure(v: float | None) -> str:
        # The unit is named once, with the council's own figure.
        return "not published" if v is None else shown(v, unit, named=False)

    parts = [f"England {figure(comparison.england)}"]
    if region_name:
        parts.append(f"{region_name} {figure(comparison.region)}")
    if comparison.neighbours_published:
        parts.append(f"the mean of {words(comparison.neighbours_published)} statistical "
                     f"neighbours {figure(comparison.neighbours_mean)}")
    text = (f"; the latest published figures (year to 30 September {comparison.year}) are "
            f"{listed(parts)}")
    if comparison.rank is not None:
        text += (f". Among its statistical neighbours it has the "
                 f"{comparison.rank.describe(title)}")
    return text


def comparison_basis(compare: Comparators, council: str) -> str:
    """The sentence saying what the council is compared with, for which year, and why
    England alone where that is so."""
    years = {compare.latest_year(kpi) for kpi in DFE_MEASURES} - {None}
    year = f"the year to 30 September {max(years)}" if years else "no published year"
    if compare.authority is None:
        return (f"{council}'s DfE measures are compared with England only, for {year}: "
                f"{compare.reason}.")
    named = compare.authority.name
    if not compare.authority.neighbours:
        return (f"{council}'s DfE measures are compared with England and "
                f"{compare.region_name}, for {year}, as {named}'s; {compare.reason}.")
    return (f"{council}'s DfE measures are compared with England, {compare.region_name} and "
            f"the mean of {named}'s {words(len(compare.authority.neighbours))} statistical "
            f"neighbours as the DfE names them (its 2025 model), for {year}, the latest the "
            "DfE has published; a neighbour without a published figure is left out of the "
            "mean, and ranks put the lowest figure first.")


def kpi_sentence(title: str, unit: str, *, now: Value, before: Value, now_month: str,
                 before_month: str, target: float | None, rag: str | None,
                 comparison: Comparison | None = None, region_name: str | None = None) -> str:
    text = movement(title, unit, now, before, now_month, before_month)
    return text + against_target(now, target, rag, unit) + compared(
        now, unit, title, comparison, region_name) + "."


def listed(parts: Sequence[str]) -> str:
    """``a, b and c``."""
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def annual_sentence(title: str, unit: str, points: Sequence[tuple[str, Value]]) -> str:
    """``In the annual census returns, the vacancy rate rose from 17.3% at 30 September 2020
    to 20.1% at 30 September 2024.``: the census figures a trend shows as annual points,
    ``points`` being (September, value) in order."""
    name = subject(title)
    lower = name[0].lower() + name[1:]
    known_ = [(month, value) for month, value in points if known(value)]
    withheld = sum(value is SUPPRESSED for _, value in points)
    if not known_:
        returns = "return" if len(points) == 1 else "returns"
        return (f"{name} from the annual census {returns} is withheld because it rests on "
                "fewer than five people.")
    note = ""
    if withheld:
        rests = "it rests" if withheld == 1 else "they rest"
        note = f" ({words(withheld)} withheld because {rests} on fewer than five people)"
    (first, a), (last, b) = known_[0], known_[-1]
    at_first, at_last = f"30 {filters.month(first)}", f"30 {filters.month(last)}"
    if len(known_) == 1:
        return f"The annual census return{note} gives {lower} as {shown(a, unit)} at {at_first}."
    returns = f"In the {words(len(points))} annual census returns{note}, {lower}"
    if _rounded(a, unit) == _rounded(b, unit):
        return f"{returns} was {shown(b, unit)} at both {at_first} and {at_last}."
    verb = "fell" if _rounded(b, unit) < _rounded(a, unit) else "rose"
    return (f"{returns} {verb} from {shown(a, unit, named=False)} at {at_first} to "
            f"{shown(b, unit)} at {at_last}.")


def rag_summary(ratings: Sequence[str | None], withheld: int = 0) -> str:
    """``Of the six headline measures rated against a target, one is green, four are amber
    and one is red.``; ``withheld`` counts measures with a target whose figure (and so
    rating) disclosure control withheld."""
    rated = [k for k in map(filters.rag_key, ratings) if k]
    note = ""
    if withheld == 1:
        note = " The rating of one more is withheld with its figure."
    elif withheld:
        note = f" The ratings of {words(withheld)} more are withheld with their figures."
    if not rated:
        return "No headline measure is rated against a target." + note
    if len(rated) == 1:
        return f"The one headline measure rated against a target is {rated[0]}.{note}"
    parts = [f"{words(n)} {'is' if n == 1 else 'are'} {key}"
             for key in ("green", "amber", "red") if (n := rated.count(key))]
    return (f"Of the {words(len(rated))} headline measures rated against a target, "
            f"{listed(parts)}.{note}")


def direction_summary(directions: Sequence[str | None], since_month: str) -> str:
    """``Compared with March 2024, four measures improved and two worsened.``"""
    better, worse = directions.count("better"), directions.count("worse")
    same = directions.count("same")
    if not better + worse + same:
        return f"There are no figures for {filters.month(since_month)} to compare with."
    parts = [f"{words(n)} {'measure' if n == 1 else 'measures'} {verb}"
             for n, verb in ((better, "improved"), (worse, "worsened"), (same, "did not change"))
             if n]
    return f"Compared with {filters.month(since_month)}, {listed(parts)}."


def over_under(variance: Value, budget: Value) -> str:
    """``£159,896 under the £4.50m budget`` from a variance (positive = overspend)."""
    if not known(variance) or not known(budget):
        return "with no budget to compare against"
    amount = money(abs(float(variance)))  # type: ignore[arg-type]
    if _rounded(variance, "gbp") == 0:
        return f"on the {money(budget)} budget"
    side = "over" if float(variance) > 0 else "under"  # type: ignore[arg-type]
    return f"{amount} {side} the {money(budget)} budget"
