"""What both reports share: the report's months, the appendix "About this report" (snapshot,
definitions, the month's extracts with their SHA-256 and a count of the earlier months' and
census returns' files, loads, code version, validation summary) and labels for codes."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import Engine

from workforce.config import AuthorityConfig
from workforce.measures import CATALOGUE
from workforce.periods import Period, period_range
from workforce.reports import commentary, filters, sources
from workforce.version import code_version
from workforce.warehouse.lineage import LoadedMonth

# Plain-English definitions of the measures the reports show (docs/kpi-definitions.md).
DEFINITIONS: Final = {
    "vacancy_rate": "Vacant social work posts (FTE) as a share of vacancies plus social "
                    "workers in post, as the DfE defines it.",
    "agency_rate": "Agency social workers (FTE) as a share of agency plus employed social "
                   "workers.",
    "turnover_rate": "Social workers (FTE) who left in the last 12 months as a share of "
                     "those in post at the snapshot date.",
    "caseload_avg": "Open cases held by case-holding social workers divided by their FTE.",
    "absence_rate": "Working days lost to sickness in the last 12 months as a share of the "
                    "working days of the social workers in post.",
    "stability_index": "Of the social workers in post 12 months ago, the share still in post.",
    "vacancy_factor_actual_ytd": "Vacant FTE as a share of the establishment, averaged over "
                                 "the financial year to date; the budget assumes a vacancy "
                                 "factor and counts the saving.",
    "scheme_cost_ytd_gbp": "Retention payments and market rate supplements paid in the "
                           "financial year to date.",
    "caseload_over_threshold": "Case holders whose open cases exceed the caseload threshold.",
    "agency_long_placements": "Agency workers whose placement started more than 12 months "
                              "before the snapshot date.",
}

STANDARD_NOTES: Final = (
    "Rates are rounded to one decimal place for display; the warehouse stores them "
    "unrounded with their numerator and denominator.",
    "Rolling measures (turnover, absence, stability) cover the 12 months to the snapshot "
    "date; where fewer months are loaded the figure says \"partial history\".",
)

KIND_NAMES: Final = {"hr_staff": "HR staff", "establishment": "Establishment",
                     "agency_spend": "Agency timesheets", "caseloads": "Caseloads"}


def label(code: object) -> str:
    """``End of contract`` from ``end_of_contract``: a code as running text."""
    text = str(code or "").replace("_", " ").strip()
    return text[:1].upper() + text[1:] if text else "Not given"


def title(kpi: str) -> str:
    return CATALOGUE[kpi].title


def unit(kpi: str) -> str:
    return CATALOGUE[kpi].unit


@dataclass(frozen=True)
class Months:
    """The reporting month and the months a report draws on."""

    period: Period
    computed: list[str]  # months with stored results, in order

    @property
    def previous(self) -> Period:
        return self.period.shift(-1)

    @property
    def year_ago(self) -> Period:
        return self.period.shift(-12)

    def trend(self, length: int = 24) -> list[Period]:
        """The last ``length`` months to the reporting month, from the first with results."""
        window = period_range(self.period.shift(1 - length), self.period)
        have = [p for p in window if str(p) in self.computed]
        return period_range(have[0], self.period) if have else [self.period]

    @property
    def year_to_date(self) -> list[Period]:
        return period_range(Period(self.period.financial_year, 4), self.period)

    @property
    def financial_year(self) -> list[Period]:
        return period_range(Period(self.period.financial_year, 4),
                            Period(self.period.financial_year + 1, 3))

    @property
    def financial_year_label(self) -> str:
        start = self.period.financial_year
        return f"{start}-{(start + 1) % 100:02d}"


def appendix(
    engine: Engine, settings: AuthorityConfig, months: Months, periods: list[Period],
    measures: list[str], census_years: Iterable[int] = (),
) -> dict[str, Any]:
    """The "About this report" context: where every figure came from (the census returns of
    ``census_years`` too, where annual figures are drawn). ``month_extracts`` and
    ``earlier_summary`` keep a printed page to one month's files whatever the history;
    ``earlier_extracts``, ``loads``, ``census_returns`` and ``validation`` list them all."""
    code = settings.code
    month = str(months.period)
    loads = sorted(sources.lineage(engine, code, periods), key=lambda m: m.period, reverse=True)
    extracts = [
        {"period": m.period, "kind": KIND_NAMES.get(f.kind, label(f.kind)),
         "file_name": f.file_name, "sha256": f.sha256, "rows": f.row_count}
        for m in loads for f in m.files
    ]
    census = sources.census_returns(engine, code, census_years)
    computed = {c.period: c for c in sources.computed_months(engine, code)}
    this_month = computed.get(month)
    findings = sources.findings(engine, code, min(periods), max(periods))
    by_month = Counter((str(f["period"]), str(f["severity"])) for f in findings)
    load_rows = [{"period": m.period, "load_id": m.load_id, "loaded_at": m.loaded_at,
                  "code_version": m.code_version} for m in loads]
    return {
        "software_version": code_version(),
        "kpi_computed_at": this_month.computed_at if this_month else None,
        "kpi_code_version": this_month.code_version if this_month else None,
        "loads": load_rows,
        "month_load": next((row for row in load_rows if row["period"] == month), None),
        "month_extracts": [e for e in extracts if e["period"] == month],
        "earlier_extracts": [e for e in extracts if e["period"] != month],
        "earlier_summary": earlier_summary([m for m in loads if m.period != month], census),
        "census_returns": census,
        "first_month": min(periods),
        "last_month": max(periods),
        "months_loaded": len(loads),
        "definitions": [{"title": title(k), "text": DEFINITIONS[k]} for k in measures],
        "standard_notes": STANDARD_NOTES,
        "validation": [{"period": p, "severity": label(s), "count": n}
                       for (p, s), n in sorted(by_month.items(), reverse=True)],
        "validation_total": len(findings),
        "validation_months": len({p for p, _ in by_month}),
        "validation_this_month": sum(n for (p, _), n in by_month.items() if p == month),
    }


def earlier_summary(loads: list[LoadedMonth], census: list[dict[str, object]]) -> str | None:
    """``92 extract files of the 23 earlier months loaded, April 2023 to February 2025, and
    2 DfE census returns, for 30 September 2020 and 2021``: the inputs besides the month's
    own extracts, counted (``loads`` latest first), or None when there are none."""
    parts = []
    if loads:
        files = sum(len(m.files) for m in loads)
        first, last = filters.month(loads[-1].period), filters.month(loads[0].period)
        where = last if len(loads) == 1 else (
            f"the {filters.count(len(loads))} earlier months loaded, {first} to {last}")
        parts.append(f"{filters.count(files)} extract {'file' if files == 1 else 'files'} "
                     f"of {where}")
    if census:
        years = commentary.listed([str(r["year"]) for r in reversed(census)])
        returns = "return" if len(census) == 1 else "returns"
        parts.append(f"{len(census)} DfE census {returns}, for 30 September {years}")
    return ", and ".join(parts) or None
