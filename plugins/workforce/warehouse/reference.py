"""Reference tables the warehouse keeps for BI tools: ``kpi_measure``, the KPI catalogue
(``workforce.measures.CATALOGUE``) as rows, so a view can give each KPI's title and unit.

The catalogue is code, the table a copy of it: a revision that follows a change of the
catalogue calls :func:`refresh_kpi_measures` again and records :func:`catalogue_digest` as
its ``KPI_CATALOGUE`` (``tests/test_bi_views.py`` fails until one does).
"""

from __future__ import annotations

import hashlib
import json

import sqlalchemy as sa
from sqlalchemy import Connection

from workforce.measures import CATALOGUE, UNIT_LABELS

KPI_MEASURE = sa.table(
    "kpi_measure",
    sa.column("kpi", sa.Text),
    sa.column("title", sa.Text),
    sa.column("unit", sa.Text),
    sa.column("unit_label", sa.Text),
    sa.column("better", sa.Text),
    sa.column("rolling_12_months", sa.Boolean),
    sa.column("kpi_order", sa.Integer),
)


def kpi_measure_rows() -> list[dict[str, object]]:
    """One row per KPI of the catalogue, in its order (``kpi_order`` from 1)."""
    missing = sorted({m.unit for m in CATALOGUE.values()} - set(UNIT_LABELS))
    if missing:
        raise ValueError(f"units {missing} have no label in workforce.measures.UNIT_LABELS")
    return [
        {"kpi": m.code, "title": m.title, "unit": m.unit, "unit_label": UNIT_LABELS[m.unit],
         "better": m.better, "rolling_12_months": m.rolling, "kpi_order": order}
        for order, m in enumerate(CATALOGUE.values(), start=1)
    ]


def catalogue_digest() -> str:
    """A short fingerprint of what :func:`refresh_kpi_measures` writes."""
    text = json.dumps(kpi_measure_rows(), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def refresh_kpi_measures(connection: Connection) -> int:
    """Replace the rows of ``kpi_measure`` by the catalogue, in the caller's transaction;
    the number of KPIs written."""
    rows = kpi_measure_rows()
    connection.execute(sa.delete(KPI_MEASURE))
    connection.execute(sa.insert(KPI_MEASURE), rows)
    return len(rows)
