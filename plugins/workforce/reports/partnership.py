"""The partnership report (public, OFFICIAL): a regional partnership's councils side by side
for a month, measure by measure, with the partnership's own totals, ranks, spread and change
on the year, and agency charge rates against the partnership's rate caps.

Built from ``partnership_figures.read``, whose figures have been through disclosure control;
nothing here reads the warehouse's figures as stored.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path
from typing import Any, Final

from sqlalchemy import Engine

from workforce.comparisons.compare import Rank, rank
from workforce.config import load_authority_config
from workforce.measures import CATALOGUE, UNIT_LABELS
from workforce.partnerships import Partnership, load_partnership, partnerships_of
from workforce.periods import Period
from workforce.reports import charts, commentary, disclosure, filters, sources
from workforce.reports.benchmarks import SOURCE as NATIONAL_SOURCE
from workforce.reports.benchmarks import england
from workforce.reports.context import DEFINITIONS, KIND_NAMES, title, unit
from workforce.reports.figures import comparable, difference
from workforce.reports.filters import SUPPRESSED, Value
from workforce.reports.partnership_figures import (
    MEASURES,
    PartnershipFigures,
    RateRow,
    missing_members,
    read,
)
from workforce.version import code_version

log = logging.getLogger(__name__)

KIND: Final = "partnership"
# Small charts side by side across the 174 mm text column, 4 mm apart: two for a few
# members, three for more, so a measure's page holds ten councils' charts.
COLUMN_MM: Final = 174
GAP_MM: Final = 4
SMALL_CHART_HEIGHT: Final = 1.2


def chart_columns(members: int) -> int:
    return 2 if members <= 4 else 3


def ranks(values: dict[str, Value], better: str) -> dict[str, Rank]:
    """Each shown member's place among the shown members (a withheld or missing figure is
    not ranked, and not counted in "of")."""
    shown = {code: float(v) for code, v in values.items() if commentary.known(v)}  # type: ignore[arg-type]
    return {code: rank(v, [o for c, o in shown.items() if c != code], better)
            for code, v in shown.items()}


def measure_section(figures: PartnershipFigures, kpi: str,
                    charts_: bool = True) -> dict[str, Any]:
    """A measure's page: the members' figures, ranks and change on the year beside the
    partnership's total, the spread, the sentences saying so and a small chart each."""
    p, ago = str(figures.period), str(figures.year_ago)
    names = figures.names()
    better = CATALOGUE[kpi].better or "lower"
    now = {m.code: comparable(m.figures.get(p, kpi)) for m in figures.members}
    before = {m.code: comparable(m.figures.get(ago, kpi)) for m in figures.members}
    placed = ranks(now, better)
    total_now = comparable(figures.total.get(p, kpi))
    total_before = comparable(figures.total.get(ago, kpi))
    rows = [{"council": names[code], "now": now[code],
             "rank": placed[code].place if code in placed else filters.NA_DASH,
             "before": before[code], "change": difference(now[code], before[code])}
            for code in now]
    total = {"council": f"{figures.partnership.name} (all members)", "now": total_now,
             "rank": "", "before": total_before, "change": difference(total_now, total_before)}
    return {
        "kpi": kpi, "title": title(kpi), "unit": unit(kpi), "rows": rows, "total": total,
        "contents": (kpi, title(kpi)),
        "spread": {"now": spread(now), "before": spread(before)},
        "sentences": measure_sentences(figures, kpi, now, total_now, total_before),
        "charts": small_multiples(figures, kpi) if charts_ else [],
        "chart_columns": chart_columns(len(figures.members)),
        "definition": DEFINITIONS.get(kpi, ""),
    }


def spread(values: dict[str, Value]) -> Value:
    """The highest shown figure less the lowest; none with fewer than two shown."""
    shown = [float(v) for v in values.values() if commentary.known(v)]  # type: ignore[arg-type]
    return max(shown) - min(shown) if len(shown) >= 2 else None


def measure_sentences(figures: PartnershipFigures, kpi: str, now: dict[str, Value],
                      total_now: Value, total_before: Value) -> list[str]:
    p, ago = str(figures.period), str(figures.year_ago)
    names = figures.names()
    u = unit(kpi)
    sentences = [commentary.movement(f"Partnership's {title(kpi).lower()}", u, total_now,
                                     total_before, p, ago)
                 + ", counting every member's " + _basis(kpi) + " together."]
    shown = {code: v for code, v in now.items() if commentary.known(v)}
    if len(shown) >= 2:
        low = min(float(v) for v in shown.values())  # type: ignore[arg-type]
        high = max(float(v) for v in shown.values())  # type: ignore[arg-type]
        lowest = [names[c] for c, v in shown.items() if float(v) == low]  # type: ignore[arg-type]
        highest = [names[c] for c, v in shown.items() if float(v) == high]  # type: ignore[arg-type]
        if filters.fmt(low, u) == filters.fmt(high, u):
            sentences.append(f"Every member shown had the same figure, "
                             f"{commentary.shown(low, u)}.")
        else:
            sentences.append(
                f"{commentary.listed(lowest)} had the lowest ({commentary.shown(low, u)}) and "
                f"{commentary.listed(highest)} the highest ({commentary.shown(high, u)}), "
                f"a spread of {filters.gap(high - low, u)}.")
    for code, value in now.items():
        if value is SUPPRESSED:
            sentences.append(f"{names[code]}'s figure is withheld because it rests on fewer "
                             f"than {disclosure.THRESHOLD} people.")
        elif value is None:
            sentences.append(f"{names[code]}'s figure is not available for "
                             f"{filters.month(p)} (a rolling measure needs 12 months loaded).")
    return sentences


BASES: Final = {
    "vacancy_rate": "vacancies and posts",
    "agency_rate": "agency and employed social workers",
    "turnover_rate": "leavers and social workers in post",
    "caseload_avg": "cases and case-holding FTE",
    "absence_rate": "days lost and working days",
}


def _basis(kpi: str) -> str:
    return BASES.get(kpi, "numerators and denominators")


def small_multiples(figures: PartnershipFigures, kpi: str) -> list[dict[str, Any]]:
    """A small trend chart per member, the partnership's total beside it."""
    total = [comparable(figures.total.get(str(m), kpi)) for m in figures.months]
    columns = chart_columns(len(figures.members))
    width = (COLUMN_MM - GAP_MM * (columns - 1)) / columns / 25.4
    out = []
    for member in figures.members:
        values = [comparable(member.figures.get(str(m), kpi)) for m in figures.months]
        chart = charts.line_chart(
            figures.months, values, measure=f"{title(kpi)}: {member.name}", unit=unit(kpi),
            series_label=member.name, comparisons={"All members": total},
            y_label=UNIT_LABELS[unit(kpi)], height=SMALL_CHART_HEIGHT, width=width,
            legend=False)
        out.append({"chart": chart, "caption": member.name})
    return out


def overview(figures: PartnershipFigures) -> dict[str, Any]:
    """The month's figures council by council, the partnership's total and England's."""
    p = str(figures.period)
    headcount = {m.code: m.figures.value(p, "sw_headcount") for m in figures.members}
    total_headcount = figures.total.value(p, "sw_headcount")
    hidden = disclosure.suppress_group(headcount, total_headcount)
    rows = [{"council": m.name,
             "sw_headcount": SUPPRESSED if m.code in hidden else headcount[m.code],
             **{kpi: comparable(m.figures.get(p, kpi)) for kpi in MEASURES}}
            for m in figures.members]
    national = england()
    return {
        "columns": [{"key": "council", "label": "Council"},
                    {"key": "sw_headcount", "label": "Social workers", "unit": "count"},
                    *({"key": k, "label": title(k), "unit": unit(k)} for k in MEASURES)],
        "rows": rows,
        "totals": {"council": f"{figures.partnership.name} (all members)",
                   "sw_headcount": total_headcount,
                   **{kpi: comparable(figures.total.get(p, kpi)) for kpi in MEASURES}},
        "england": {"council": f"England ({national.latest_year}, published)",
                    "sw_headcount": None,
                    **{kpi: national.latest(kpi) for kpi in MEASURES}},
    }


def agency_section(figures: PartnershipFigures) -> dict[str, Any]:
    names = figures.names()
    roles = []
    for role in dict.fromkeys(r.role for r in figures.agency):
        rows = [r for r in figures.agency if r.role == role]
        suppliers = [r for r in rows if r.supplier is not None]
        whole = next(r for r in rows if r.supplier is None and r.member is None)
        members = [r for r in rows if r.member is not None]
        roles.append({
            "role": role, "name": filters.text(role.replace("_", " ")).capitalize(),
            "cap": whole.cap, "suppliers": suppliers, "whole": whole,
            "members": [{"row": r, "council": names[r.member]} for r in members  # type: ignore[index]
                        ],
            "sentence": agency_sentence(whole, str(figures.period)),
        })
    caps = figures.partnership.agency_rate_caps_gbp
    return {"roles": roles,
            "caps": [{"role": r.replace("_", " ").capitalize(), "cap": c}
                     for r, c in sorted(caps.items())]}


def agency_sentence(whole: RateRow, period: str) -> str:
    name = whole.role.replace("_", " ")
    at = filters.month(period)
    if whole.hours is SUPPRESSED:
        return (f"Agency {name} figures for {at} are withheld: they rest on fewer than "
                f"{disclosure.THRESHOLD} workers.")
    average = filters.money(whole.average_rate, pence=True)
    text = (f"Agency {name}s worked {filters.number(whole.hours, 0)} hours in {at} at an "
            f"average of {average} an hour")
    if whole.cap is None:
        return text + "; the partnership sets no rate cap for the role."
    return (text + f"; {filters.percent(whole.above_cap)} of the hours were charged above "
            f"the partnership's cap of {filters.money(whole.cap, pence=True)}.")


def provenance(engine: Engine, figures: PartnershipFigures) -> list[dict[str, Any]]:
    """Each member's load of the month and its extract files with their SHA-256."""
    out = []
    for member in figures.members:
        computed = {c.period: c for c in sources.computed_months(engine, member.code)}
        kpis = computed.get(str(figures.period))
        for load in sources.lineage(engine, member.code, [figures.period]):
            out.append({
                "council": member.name, "load_id": load.load_id, "loaded_at": load.loaded_at,
                "kpi_computed_at": kpis.computed_at if kpis else None,
                "kpi_code_version": kpis.code_version if kpis else None,
                "files": [{"kind": KIND_NAMES.get(f.kind, f.kind), "file_name": f.file_name,
                           "sha256": f.sha256, "rows": f.row_count} for f in load.files],
            })
    return out


def context(engine: Engine, partnership: Partnership, period: Period) -> dict[str, Any]:
    figures = read(engine, partnership, period)
    names = [m.name for m in figures.members]
    sections = [measure_section(figures, kpi) for kpi in MEASURES]
    return {
        "title": "Children's social care workforce: partnership report",
        "subtitle": f"{partnership.name}: the workforce at {filters.date(period.end)}",
        "council_name": partnership.name,
        "partnership": partnership,
        "members": names,
        "snapshot_date": period.end,
        "period": str(period),
        "year_ago": str(figures.year_ago),
        "marking": "OFFICIAL",
        "overview": overview(figures),
        "summary": [s["sentences"][0] for s in sections],
        "measures": sections,
        "agency": agency_section(figures),
        "national_source": NATIONAL_SOURCE,
        "threshold": disclosure.THRESHOLD,
        "loads": provenance(engine, figures),
        "software_version": code_version(),
    }


def partnership_output(root: Path, code: str, period: Period) -> Path:
    """``OUTPUT/partnerships/<CODE>/<YYYY-MM>/``: beside the councils' own folders."""
    return Path(root) / "partnerships" / code / str(period)


def publish_partnership(engine: Engine, code: str, period: Period, root: Path) -> Path:
    """The report, PDF and HTML, in the partnership's archive folder with ``manifest.json``:
    each report's SHA-256 and every member's load and extract files behind it."""
    folder = partnership_output(root, code, period)
    reports = render_partnership(engine, code, period, folder)
    partnership = load_partnership(code)
    manifest = {
        "partnership": code,
        "period": str(period),
        "code_version": code_version(),
        "reports": [{"file": p.name, "sha256": hashlib.sha256(p.read_bytes()).hexdigest(),
                     "bytes": p.stat().st_size} for p in reports],
        "members": [
            {"authority": m.authority_code, "load_id": m.load_id, "loaded_at": m.loaded_at,
             "extracts": [{"kind": f.kind, "file": f.file_name, "sha256": f.sha256,
                           "rows": f.row_count} for f in m.files]}
            for member in partnership.members
            for m in sources.lineage(engine, member, [period])],
    }
    path = folder / "manifest.json"
    path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    log.info("%s %s: published %s", code, period, ", ".join(p.name for p in reports))
    return path


def render_partnership(engine: Engine, code: str, period: Period | str, out_dir: Path | str,
                       config: Path | None = None) -> list[Path]:
    """Write ``<CODE>_partnership_<YYYY-MM>.pdf`` and ``.html`` under ``out_dir``."""
    # build imports the cabinet report, which shows a council beside its partnerships.
    from workforce.reports.build import write_report

    period = Period.parse(period) if isinstance(period, str) else period
    partnership = load_partnership(code, config)
    page = context(engine, partnership, period)
    stem = Path(out_dir) / f"{code}_{KIND}_{period}"
    return write_report("partnership.html", page, stem,
                        title=f"{page['title']}: {partnership.name}, "
                              f"{filters.date(period.end)}")


def council_comparisons(engine: Engine, authority_code: str,
                        period: Period) -> list[dict[str, Any]]:
    """For a council's own report: each partnership it belongs to, its DfE measures beside
    the partnership's totals and its rank among the members; or, while a member's month is
    not in, which ones are missing."""
    out = []
    for partnership in partnerships_of(authority_code):
        missing = missing_members(engine, partnership, period)
        if missing:
            out.append({"name": partnership.name, "rows": [],
                        "missing": [load_authority_config(code).name for code in missing]})
            continue
        figures = read(engine, partnership, period, agency=False)
        rows = []
        for kpi in MEASURES:
            section = measure_section(figures, kpi, charts_=False)
            own = section["rows"][partnership.members.index(authority_code)]
            rows.append({"measure": section["title"], "unit": section["unit"],
                         "council": own["now"], "total": section["total"]["now"],
                         "rank": own["rank"]})
        out.append({"name": partnership.name, "rows": rows, "missing": [],
                    "members": len(partnership.members)})
    return out
