"""Targets and RAG ratings from the authority's settings."""

from __future__ import annotations

import dataclasses

from workforce.config import Target
from workforce.kpis.values import KpiRow
from workforce.measures import CATALOGUE


def rag(value: float | None, target: Target, better: str | None) -> str | None:
    """G meets the target; A misses it by no more than the tolerance; R by more."""
    if value is None or better is None:
        return None
    shortfall = value - target.target if better == "lower" else target.target - value
    if shortfall <= 0:
        return "G"
    return "A" if shortfall <= target.tolerance else "R"


def with_targets(rows: list[KpiRow], targets: dict[str, Target]) -> list[KpiRow]:
    """Targets apply to the council and to every team and area alike."""
    rated = []
    for row in rows:
        target = targets.get(row.kpi)
        if target is not None:
            row = dataclasses.replace(
                row, target=target.target, rag=rag(row.value, target, CATALOGUE[row.kpi].better)
            )
        rated.append(row)
    return rated
