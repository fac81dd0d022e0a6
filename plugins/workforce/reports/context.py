"""What both reports share: the report's months, the appendix "About this report" (snapshot,
definitions, extracts with their SHA-256, load times, code version, validation summary) and
labels for codes."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import Engine

from workforce.config import AuthorityConfig
from workforce.measures import CATALOGUE
from workforce.periods import Period, period_range
from workforce.reports import sources
from workforce.version import code_version

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
    ``census_years`` too, where annual figures are drawn)."""
    code = settings.code
    loads = sources.lineage(engine, code, periods)
    extracts = [
        {"period": m.period, "kind": KIND_NAMES.get(f.kind, label(f.kind)),
         "file_name": f.file_name, "sha256": f.sha256, "rows": f.row_count}
        for m in sorted(loads, key=lambda m: m.period, reverse=True) for f in m.files
    ]
    computed = {c.period: c for c in sources.computed_months(engine, code)}
    this_month = computed.get(str(months.period))
    findings = sources.findings(engine, code, min(periods), max(periods))
    by_month = Counter((str(f["period"]), str(f["severity"])) for f in findings)
    return {
        "software_version": code_version(),
        "kpi_computed_at": this_month.computed_at if this_month else None,
        "kpi_code_version": this_month.code_version if this_month else None,
        "loads": [{"period": m.period, "load_id": m.load_id, "loaded_at": m.loaded_at,
                   "code_version": m.code_version}
                  for m in sorted(loads, key=lambda m: m.period, reverse=True)],
        "extracts": extracts,
        "census_returns": sources.census_returns(engine, code, census_years),
        "first_month": min(periods),
        "last_month": max(periods),
        "definitions": [{"title": title(k), "text": DEFINITIONS[k]} for k in measures],
        "standard_notes": STANDARD_NOTES,
        "validation": [{"period": p, "severity": label(s), "count": n}
                       for (p, s), n in sorted(by_month.items(), reverse=True)],
        "validation_total": len(findings),
    }
