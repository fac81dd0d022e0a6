"""KPIs from the warehouse: every measure in docs/kpi-definitions.md, by council, service
area and team, stored with numerator and denominator in ``kpi_value``.

One module per family (``workforce``, ``caseload``, ``finance``, ``retention``); each reads
the month's ``Facts`` and adds rows to ``Results``.
"""

from __future__ import annotations

import logging

from sqlalchemy import Engine

from workforce.config import AuthorityConfig, load_authority_config
from workforce.kpis import caseload, finance, retention, workforce
from workforce.kpis.facts import Facts, read_facts
from workforce.kpis.store import read_kpis, replace_month
from workforce.kpis.targets import with_targets
from workforce.kpis.values import KpiRow, Results, Scopes
from workforce.parallel import in_processes
from workforce.periods import Period
from workforce.warehouse import make_engine
from workforce.warehouse.revisions import require_current

__all__ = ["KpiRow", "MonthNotLoaded", "compute_many", "compute_month", "read_kpis"]

log = logging.getLogger(__name__)


class MonthNotLoaded(LookupError):
    """KPIs were asked for a month the warehouse does not hold."""


def scopes_of(facts: Facts) -> Scopes:
    # The latest area of every team in the window (facts are in month order).
    teams = facts.establishment[["team_code", "service_area"]].drop_duplicates(
        "team_code", keep="last")
    team_area = dict(zip(teams["team_code"], teams["service_area"], strict=True))
    teams = tuple(sorted(set(facts.establishment_of(facts.period)["team_code"])))
    return Scopes(facts.authority_code, teams, team_area)


def compute_month(
    engine: Engine, authority_code: str, period: Period,
    settings: AuthorityConfig | None = None,
) -> list[KpiRow]:
    """Compute every KPI for the authority's month and store them, replacing that month's
    earlier results in one transaction."""
    settings = settings or load_authority_config(authority_code)
    require_current(engine)
    with engine.connect() as connection:
        facts = read_facts(connection, authority_code, period, settings)
    if not facts.loaded(period):
        raise MonthNotLoaded(f"{authority_code} {period} is not loaded in the warehouse")
    scopes = scopes_of(facts)
    out = Results(authority_code, str(period), facts.load_id, [])
    workforce.compute(facts, scopes, out)
    caseload.compute(facts, scopes, out)
    finance.vacancy_factor(facts, scopes, out)
    finance.agency_spend(facts, scopes, out)
    payments, curve = retention.compute(facts, scopes, out)
    rows = with_targets(out.rows, settings.targets)
    # Written in a transaction of its own, begun with the delete: on SQLite a read that
    # turned into a write would fail at once when another council's results had just been
    # committed, where a fresh write waits its turn.
    with engine.begin() as connection:
        replace_month(connection, authority_code, period, rows, payments, curve)
    log.info("%s %s: %d KPI values computed", authority_code, period, len(rows))
    return rows


def compute_many(
    url: str, authorities: list[str], period: Period, jobs: int | None = None
) -> list[int]:
    """:func:`compute_month` for several authorities over ``jobs`` processes (default: one
    per CPU), each opening the warehouse at ``url``; returns each one's count of values."""
    return in_processes(_compute_at, [url] * len(authorities), authorities,
                        [period] * len(authorities), jobs=jobs)


def _compute_at(url: str, authority_code: str, period: Period) -> int:
    engine = make_engine(url)
    try:
        return len(compute_month(engine, authority_code, period))
    finally:
        engine.dispose()
