"""The monitoring-visit workforce pack (OFFICIAL-SENSITIVE): a snapshot for one month, team
by team, with the lists behind the counts. Real counts, no suppression; workers appear only
by pseudonymous reference, and no birth date, age band, gender or ethnicity is read.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any, Final

from sqlalchemy import Engine

from workforce.config import AuthorityConfig
from workforce.periods import Period, period_range
from workforce.reports import filters, sources
from workforce.reports.context import Months, appendix, label, title
from workforce.reports.figures import Figures
from workforce.reports.render import Column
from workforce.reports.sources import Row

GLANCE: Final = [
    "sw_headcount", "sw_fte", "establishment_fte", "vacancy_fte", "vacancy_rate", "agency_fte",
    "agency_rate", "turnover_rate", "starters_headcount_12m", "leavers_headcount_12m",
    "caseload_avg", "caseload_max", "agency_long_placements", "absence_rate",
]
MEASURES: Final = ["vacancy_rate", "agency_rate", "turnover_rate", "caseload_avg",
                   "caseload_over_threshold", "agency_long_placements"]
FINDINGS_SHOWN: Final = 60


def team_table(figures: Figures, period: Period, teams: list[sources.Team],
               threshold: int) -> dict[str, Any]:
    p = str(period)

    def row(name: str, team: str | None) -> dict[str, object]:
        over = figures.get(p, "caseload_over_threshold", team)
        return {
            "team": name,
            "establishment": figures.value(p, "establishment_fte", team),
            "sw": figures.value(p, "sw_fte", team),
            "vacancies": figures.value(p, "vacancy_fte", team),
            "agency": figures.value(p, "agency_fte", team),
            "holders": None if over is None else over.denominator,
            "average": figures.value(p, "caseload_avg", team),
            "largest": figures.value(p, "caseload_max", team),
            "over": None if over is None else over.numerator,
        }

    columns = [
        Column("team", "Team"), Column("establishment", "Establishment (FTE)", "fte"),
        Column("sw", "Social workers (FTE)", "fte"), Column("vacancies", "Vacancies (FTE)", "fte"),
        Column("agency", "Agency (FTE)", "fte"), Column("holders", "Case holders", "count"),
        Column("average", "Average caseload", "cases_per_fte"),
        Column("largest", "Largest caseload", "cases"),
        Column("over", f"Over {threshold} cases", "count"),
    ]
    return {"columns": columns, "rows": [row(t.name, t.code) for t in teams],
            "totals": row("All teams", None)}


def _latest(rows: list[Row], key: tuple[str, ...]) -> list[Row]:
    """One row per ``key``, from the latest month (rows come in month order)."""
    chosen: dict[tuple[object, ...], Row] = {}
    for r in rows:
        chosen[tuple(r[k] for k in key)] = r
    return list(chosen.values())


def starters_and_leavers(
    rows: list[Row], period: Period, team_names: dict[str, str]
) -> dict[str, Any]:
    after, snapshot = period.shift(-12).end, period.end

    def in_window(day: object) -> bool:
        return isinstance(day, dt.date) and after < day <= snapshot

    def shown(r: Row, date_key: str) -> dict[str, object]:
        return {"worker_ref": r["worker_ref"], "team": team_names.get(str(r["team_code"]),
                                                                        r["team_code"]),
                "role": label(r["role"]), "fte": r["fte"], "date": r[date_key],
                "reason": label(r["leaving_reason"]), "contract": label(r["contract_type"])}

    leavers = _latest([r for r in rows if in_window(r["leave_date"])],
                      ("worker_ref", "post_id", "leave_date"))
    starters = _latest([r for r in rows if in_window(r["service_start_date"])],
                       ("worker_ref", "post_id", "service_start_date"))
    leavers_shown = sorted((shown(r, "leave_date") for r in leavers),
                           key=lambda r: (r["date"], r["worker_ref"]))
    starters_shown = sorted((shown(r, "service_start_date") for r in starters),
                            key=lambda r: (r["date"], r["worker_ref"]))
    reasons = Counter(r["reason"] for r in leavers_shown)
    return {
        "leavers": leavers_shown,
        "starters": starters_shown,
        "reasons": [{"reason": k, "count": n}
                    for k, n in sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))],
        "leaver_people": len({r["worker_ref"] for r in leavers_shown}),
        "starter_people": len({r["worker_ref"] for r in starters_shown}),
    }


def _year_before(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _whole_months(start: dt.date, end: dt.date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day)


def long_placements(lines: list[Row], period: Period,
                    team_names: dict[str, str]) -> list[dict[str, object]]:
    """Agency workers with a line in the month whose placement started over a year before
    the snapshot date (the stored ``agency_long_placements`` counts them)."""
    latest = {str(r["worker_ref"]): r for r in lines}  # lines come in week order
    cut = _year_before(period.end)
    out = []
    for ref, r in latest.items():
        start = r["placement_start_date"]
        if isinstance(start, dt.date) and start < cut:
            out.append({"worker_ref": ref, "supplier": r["supplier"],
                        "team": team_names.get(str(r["team_code"]), r["team_code"]),
                        "role": label(r["role"]), "start": start,
                        "months": _whole_months(start, period.end)})
    return sorted(out, key=lambda r: (r["start"], r["worker_ref"]))


def over_threshold(rows: list[Row], lines: list[Row], cases: list[Row], period: Period,
                   threshold: int, team_names: dict[str, str]) -> list[dict[str, object]]:
    """Case holders over the threshold: social workers in post at the snapshot and agency
    workers with a line in the month (the workers the stored caseload measures count)."""
    snapshot = period.end
    teams: dict[tuple[str, str], str] = {}
    fte: dict[str, float] = {}
    for r in rows:  # a worker's team is the one of their largest assignment
        left = isinstance(r["leave_date"], dt.date) and r["leave_date"] <= snapshot
        started = isinstance(r["service_start_date"], dt.date) and (
            r["service_start_date"] <= snapshot)
        ref = str(r["worker_ref"])
        if r["period"] == str(period) and started and not left and float(r["fte"]) > fte.get(  # type: ignore[arg-type]
                ref, -1):
            fte[ref] = float(r["fte"])  # type: ignore[arg-type]
            teams[("employee", ref)] = str(r["team_code"])
    for r in lines:
        teams[("agency", str(r["worker_ref"]))] = str(r["team_code"])
    out = []
    for c in cases:
        key = (str(c["worker_type"]), str(c["worker_ref"]))
        if key in teams and int(c["open_cases"]) > threshold:  # type: ignore[call-overload]
            out.append({"worker_ref": key[1], "type": label(key[0]),
                        "team": team_names.get(teams[key], teams[key]),
                        "cases": c["open_cases"], "cp": c["cp_cases"], "cla": c["cla_cases"],
                        "cin": c["cin_cases"]})
    return sorted(out, key=lambda r: (-int(r["cases"]), r["worker_ref"]))  # type: ignore[call-overload]


def context(engine: Engine, settings: AuthorityConfig, period: Period) -> dict[str, Any]:
    code = settings.code
    months = Months(period, [c.period for c in sources.computed_months(engine, code)])
    figures = Figures(code, sources.kpis(engine, code, [period], team_periods=[period]))
    teams = sources.teams(engine, code, period)
    names = {t.code: t.name for t in teams}
    window = period_range(period.shift(-11), period)
    rows = sources.sw_rows(engine, code, window[0], period)
    lines = sources.agency_lines(engine, code, period)
    cases = sources.caseloads(engine, code, period)
    threshold = settings.caseload_threshold
    findings = sources.findings(engine, code, period, period)
    p = str(period)
    return {
        "title": "Workforce pack for the Ofsted monitoring visit",
        "subtitle": f"Children's social care workforce at {filters.date(period.end)}",
        "council_name": settings.name,
        "snapshot_date": period.end,
        "period": p,
        "marking": "OFFICIAL-SENSITIVE",
        "glance": [{"label": title(k), "value": figures.value(p, k),
                    "unit": figures.get(p, k).unit if figures.get(p, k) else "number"}
                   for k in GLANCE],
        "teams": team_table(figures, period, teams, threshold),
        "movers": starters_and_leavers(rows, period, names),
        "window_start": window[0],
        "long_placements": long_placements(lines, period, names),
        "over_threshold": over_threshold(rows, lines, cases, period, threshold, names),
        "caseload_threshold": threshold,
        "findings": findings[:FINDINGS_SHOWN],
        "findings_total": len(findings),
        **appendix(engine, settings, months, window, MEASURES),
    }
