"""Writing and reading ``kpi_value``: a month's results replace that month only."""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import Connection, Engine, column, select, table

from workforce.kpis.retention import Payment
from workforce.kpis.values import KpiRow
from workforce.periods import Period
from workforce.version import code_version
from workforce.warehouse.bulk import Rows, insert_rows
from workforce.warehouse.sql import statements

KPI_COLUMNS = [f.name for f in dataclasses.fields(KpiRow)] + ["computed_at", "code_version"]
KPI_VALUE = table("kpi_value", *map(column, KPI_COLUMNS))
PAYMENT_COLUMNS = ["authority_code", "period", *Payment._fields]
CURVE_COLUMNS = ["authority_code", "period", "months_since_eligible", "observed", "in_post"]
RETENTION_CURVE = table("retention_curve", *map(column, CURVE_COLUMNS))


def replace_month(
    connection: Connection, authority_code: str, period: Period, rows: list[KpiRow],
    payments: list[Payment], curve: list[tuple[int, int, int]],
) -> None:
    """Inside the caller's transaction: delete the month's results, insert the new ones."""
    month = str(period)
    keys = {"authority_code": authority_code, "period": month}
    for statement in statements("delete_kpis"):
        connection.execute(statement, keys)
    insert_kpis(connection, rows)
    # A large council's month is thousands of payments: inserted in bulk below SQLAlchemy.
    insert_rows(connection, "retention_payment", Rows(PAYMENT_COLUMNS, [
        (authority_code, month, *p) for p in payments]))
    insert_rows(connection, "retention_curve", Rows(CURVE_COLUMNS, [
        (authority_code, month, *point) for point in curve]))


def insert_kpis(connection: Connection, rows: list[KpiRow]) -> None:
    """Insert KPI rows in the caller's transaction, stamped with the time and code version."""
    stamp = (dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), code_version())
    # astuple() would deep-copy each field; the fields are flat.
    insert_rows(connection, "kpi_value", Rows(KPI_COLUMNS, [
        (*vars(r).values(), *stamp) for r in rows]))


def read_kpis(
    engine: Engine, period: Period, authority_code: str | None = None,
    scope_types: tuple[str, ...] | None = None, source: str | None = None,
) -> list[dict[str, object]]:
    """Stored results for a month, ordered by authority, scope and KPI: from ``source``
    (``monthly`` or ``census``), or by default each authority's monthly results, else its
    census ones where the month has no monthly results."""
    query = select(KPI_VALUE).where(KPI_VALUE.c.period == str(period))
    if source:
        query = query.where(KPI_VALUE.c.source == source)
    if authority_code:
        query = query.where(KPI_VALUE.c.authority_code == authority_code)
    if scope_types:
        query = query.where(KPI_VALUE.c.scope_type.in_(scope_types))
    query = query.order_by(KPI_VALUE.c.authority_code, KPI_VALUE.c.scope_type,
                           KPI_VALUE.c.scope_code, KPI_VALUE.c.kpi)
    with engine.connect() as connection:
        rows = [dict(row._mapping) for row in connection.execute(query)]
    if source:
        return rows
    monthly = {row["authority_code"] for row in rows if row["source"] == "monthly"}
    return [row for row in rows
            if row["source"] == "monthly" or row["authority_code"] not in monthly]


def council_values(
    engine: Engine, authority_code: str, kpis: list[str], periods: list[Period]
) -> dict[tuple[str, str], float | None]:
    """Council values keyed by (period, kpi); a month not computed is simply absent."""
    query = select(KPI_VALUE.c.period, KPI_VALUE.c.kpi, KPI_VALUE.c.value).where(
        KPI_VALUE.c.authority_code == authority_code, KPI_VALUE.c.source == "monthly",
        KPI_VALUE.c.scope_type == "council",
        KPI_VALUE.c.kpi.in_(kpis),
        KPI_VALUE.c.period.in_([str(p) for p in periods]),
    )
    with engine.connect() as connection:
        return {(row.period, row.kpi): row.value for row in connection.execute(query)}


def read_curve(engine: Engine, authority_code: str, period: Period) -> list[tuple[int, int, int]]:
    query = select(RETENTION_CURVE.c.months_since_eligible, RETENTION_CURVE.c.observed,
                   RETENTION_CURVE.c.in_post).where(
        RETENTION_CURVE.c.authority_code == authority_code,
        RETENTION_CURVE.c.period == str(period),
    ).order_by(RETENTION_CURVE.c.months_since_eligible)
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(query)]  # type: ignore[misc]
