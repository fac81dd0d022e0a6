"""Disclosure control for public reports: the one place figures are withheld.

The rules (``KPI_DEFINITIONS.md``, "Disclosure control"):

1. **Primary**: a count of people from 1 to ``threshold − 1`` is withheld (``[c]``). A zero
   is shown: it says nothing about any one person. An FTE of people with no headcount
   beside it counts as small below the threshold too (nobody works more than 1 FTE, so an
   FTE of 5 or more is 5 or more people).
2. **Rates**: a rate is withheld when a count of people behind its numerator or its
   denominator is small or withheld (``BASIS`` names those counts for each rate), and its
   RAG rating goes with it (the rating would say which side of the target it is).
3. **Secondary**: where a total is shown, a single withheld cell among the cells adding up
   to it could be worked out by subtraction, so the next smallest cell is withheld too; the
   same when the withheld cells together hold fewer than ``threshold`` people.

``protect`` applies all three to a report's ``Figures`` before anything is rendered; the
templates only ever see its output.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Final

from workforce.reports.figures import CurvePoint, Figures, Key, Kpi, Payments
from workforce.reports.filters import SUPPRESSED, Value

THRESHOLD: Final = 5

# KPIs whose value is a number of people (or the FTE of people).
PEOPLE: Final = frozenset({
    "sw_headcount", "agency_headcount", "leavers_headcount_12m", "starters_headcount_12m",
    "agency_long_placements", "retention_eligible_headcount",
    "sw_fte", "agency_fte", "leavers_fte_12m", "starters_fte_12m", "agency_cover_fte",
    "agency_over_establishment_fte",
})

# A term is a sum of parts; a part is (KPI, "value" | "numerator" | "denominator").
Part = tuple[str, str]
Term = tuple[Part, ...]
SW: Final[Part] = ("sw_headcount", "value")
AGENCY: Final[Part] = ("agency_headcount", "value")
LEAVERS: Final[Part] = ("leavers_headcount_12m", "value")
CASE_HOLDERS: Final[Part] = ("caseload_over_threshold", "denominator")


def _own(kpi: str) -> tuple[Term, ...]:
    """The rate's own numerator and denominator are counts (or FTE) of people."""
    return ((kpi, "numerator"),), ((kpi, "denominator"),)


# Rate → the people behind its numerator and denominator. Vacancies are posts, sickness
# days and cases are not people: only the workers in the denominator count for those.
BASIS: Final[dict[str, tuple[Term, ...]]] = {
    "vacancy_rate": ((SW,),),
    "agency_rate": ((AGENCY,), (AGENCY, SW)),
    "turnover_rate": ((LEAVERS,), (SW,)),
    "turnover_rate_headcount": ((LEAVERS,), (SW,)),
    "absence_rate": ((SW,),),
    "caseload_avg": ((CASE_HOLDERS,),),
    "caseload_over_threshold": _own("caseload_over_threshold"),
    "stability_index": _own("stability_index"),
    "stability_index_eligible_group": _own("stability_index_eligible_group"),
    "turnover_rate_eligible_group": _own("turnover_rate_eligible_group"),
    "retention_after_payment_rate": _own("retention_after_payment_rate"),
    "experienced_share": ((("experienced_share", "numerator"),), (SW,)),
    "agency_cover_rate": ((("agency_cover_rate", "numerator"),), (AGENCY,)),
    # Posts against posts, and money: no people behind them.
    "establishment_vacancy_rate": (),
    "vacancy_factor_actual_ytd": (),
    "vacancy_factor_target": (),
}
RATE_UNITS: Final = frozenset({"percent", "cases_per_fte"})


def small(value: Value, threshold: int = THRESHOLD) -> bool:
    """A number of people from which someone could be picked out: more than none, fewer
    than ``threshold``."""
    if value is None or value is SUPPRESSED:
        return False
    return 0 < float(value) < threshold  # type: ignore[arg-type]


def suppress_group(
    cells: Mapping[str, Value], total: Value, withheld: Iterable[str] = (),
    threshold: int = THRESHOLD,
) -> set[str]:
    """The cells to withhold among ``cells`` (which add up to ``total``): the small ones and
    ``withheld``, then, while the total is shown and the withheld cells could be worked out
    from it (one alone, or fewer than ``threshold`` people together), the smallest shown
    cell (ties by name, so the choice is the same every run)."""
    hidden = {name for name, value in cells.items() if small(value, threshold)}
    hidden |= set(withheld) & set(cells)
    if total is None or total is SUPPRESSED:
        return hidden
    while hidden:
        together = sum(float(cells[n]) for n in hidden  # type: ignore[arg-type]
                       if cells[n] is not None and cells[n] is not SUPPRESSED)
        if len(hidden) > 1 and together >= threshold:
            break
        shown = [n for n, v in cells.items() if n not in hidden and v is not None]
        if not shown:
            break
        hidden.add(min(shown, key=lambda n: (float(cells[n]), n)))  # type: ignore[arg-type]
    return hidden


def _part(rows: Mapping[str, Kpi], part: Part) -> Value:
    row = rows.get(part[0])
    return None if row is None else getattr(row, part[1])


def _withheld_kpis(
    kpis: Mapping[Key, Kpi], threshold: int, totalled: frozenset[str]
) -> set[Key]:
    scopes: dict[tuple[str, str, str], dict[str, Kpi]] = defaultdict(dict)
    for row in kpis.values():
        scopes[row.key[:3]][row.kpi] = row

    # 1. Primary: small numbers of people.
    withheld = {row.key for row in kpis.values()
                if row.kpi in PEOPLE and small(row.value, threshold)}

    # 3. Secondary, by month and KPI: the teams' cells against the council's total.
    groups: dict[tuple[str, str], dict[str, Value]] = defaultdict(dict)
    totals: dict[tuple[str, str], Key] = {}
    for row in kpis.values():
        if row.kpi not in totalled:
            continue
        if row.scope_type == "team":
            groups[(row.period, row.kpi)][row.scope_code] = row.value
        elif row.scope_type == "council":
            totals[(row.period, row.kpi)] = row.key
    for (period, kpi), cells in groups.items():
        total_key = totals.get((period, kpi))
        total = SUPPRESSED if total_key in withheld or total_key is None else kpis[total_key].value
        already = {code for code in cells if (period, "team", code, kpi) in withheld}
        for code in suppress_group(cells, total, already, threshold):
            withheld.add((period, "team", code, kpi))

    # 2. Rates resting on small or withheld numbers of people.
    for scope, rows in scopes.items():
        for kpi, row in rows.items():
            if row.unit not in RATE_UNITS:
                continue
            for term in BASIS.get(kpi, _own(kpi)):  # unlisted rates: their own parts
                if _term_withheld(scope, rows, term, withheld, threshold):
                    withheld.add(row.key)
    return withheld


def _term_withheld(scope: tuple[str, str, str], rows: Mapping[str, Kpi], term: Term,
                   withheld: set[Key], threshold: int) -> bool:
    if any((*scope, name) in withheld for name, kind in term if kind == "value"):
        return True
    values = [_part(rows, part) for part in term]
    numbers = [float(v) for v in values if isinstance(v, int | float)]
    return len(numbers) == len(values) and small(sum(numbers), threshold)


def _hide(row: Kpi) -> Kpi:
    return dataclasses.replace(row, value=SUPPRESSED, numerator=None, denominator=None,
                               rag=None)


def protect_count(value: Value, threshold: int = THRESHOLD) -> Value:
    return SUPPRESSED if small(value, threshold) else value


def protect(
    figures: Figures, threshold: int = THRESHOLD, totalled: Iterable[str] = PEOPLE
) -> Figures:
    """The figures as a public report may show them. ``totalled``: the counts the report
    prints team by team beside the council's total (secondary suppression applies to
    those; a count never printed cannot be worked out by subtraction)."""
    withheld = _withheld_kpis(figures.kpis, threshold, frozenset(totalled))
    kpis = {key: _hide(row) if key in withheld else row for key, row in figures.kpis.items()}
    # Census figures are the council's alone (no team totals to subtract from).
    withheld_annual = _withheld_kpis(figures.annual, threshold, frozenset())
    annual = {key: _hide(row) if key in withheld_annual else row
              for key, row in figures.annual.items()}

    payments = []
    for span in figures.payments:
        # The amount is a sum of fixed payments: it gives back the number of workers paid.
        hidden = small(span.workers, threshold) or small(span.payments, threshold)
        payments.append(span if not hidden else Payments(
            span.label, SUPPRESSED, SUPPRESSED, SUPPRESSED))

    curve = []
    for point in figures.curve:
        observed = protect_count(point.observed, threshold)
        in_post = protect_count(point.in_post, threshold)
        hidden = observed is SUPPRESSED or in_post is SUPPRESSED
        share = SUPPRESSED if hidden else point.share
        curve.append(CurvePoint(point.months_since_eligible, observed, in_post, share))
    return dataclasses.replace(figures, kpis=kpis, payments=payments, curve=curve,
                               annual=annual)
