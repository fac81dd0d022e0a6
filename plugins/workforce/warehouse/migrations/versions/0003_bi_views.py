"""Views for BI tools (Power BI, Excel through ODBC), one per question, documented column by
column in docs/warehouse.md: ``bi_kpi_results`` (each stored KPI with its title, unit, month
as a date, scope name, target and RAG), ``bi_team_month_facts`` (plain sums of each month's
extracts by team) and ``bi_month_lineage`` (each loaded month's files and when its KPIs were
computed); and the two reference tables they read, ``kpi_measure`` (the KPI catalogue, kept
by ``workforce.warehouse.reference.refresh_kpi_measures``) and ``calendar_month`` (each month
from 2000 to 2060 with its first and last day and its financial year, so a view gives the
month as a real date on SQLite and PostgreSQL alike).

The views are plain SQL that both backends run unchanged, and never show a worker reference.
A later revision that alters a table a view reads drops the views first and creates them
again after (SQLite's batch mode copies and renames the table, which a view naming it
blocks; PostgreSQL refuses to change a column a view uses). One that changes the catalogue
calls ``refresh_kpi_measures`` and records its ``catalogue_digest()`` as ``KPI_CATALOGUE``.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import op

from workforce.config import fy_label
from workforce.warehouse.reference import refresh_kpi_measures

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# The catalogue this revision writes into kpi_measure (reference.catalogue_digest()).
KPI_CATALOGUE = "0ad6cc5bb4a99dc5"

FIRST_YEAR, LAST_YEAR = 2000, 2060
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December")

# Each team of each loaded month with its name and service area, as its posts carry them.
_TEAMS = """
    SELECT authority_code, period, team_code, MAX(team_name) AS team_name,
           MAX(service_area) AS service_area
    FROM establishment
    GROUP BY authority_code, period, team_code"""

VIEWS = {
    # One row per stored KPI value: what a dashboard of the KPIs reads.
    "bi_kpi_results": f"""
CREATE VIEW bi_kpi_results AS
SELECT k.authority_code,
       COALESCE(a.name, k.authority_code) AS authority_name,
       k.period,
       c.month_start,
       c.financial_year,
       k.scope_type,
       k.scope_code,
       CASE k.scope_type
           WHEN 'team' THEN COALESCE(t.team_name, k.scope_code)
           WHEN 'council' THEN COALESCE(a.name, k.scope_code)
           ELSE k.scope_code
       END AS scope_name,
       CASE k.scope_type
           WHEN 'team' THEN t.service_area
           WHEN 'service_area' THEN k.scope_code
       END AS service_area,
       k.kpi,
       COALESCE(m.title, k.kpi) AS kpi_title,
       m.kpi_order,
       k.unit,
       m.unit_label,
       k.value,
       k.numerator,
       k.denominator,
       k.target,
       k.rag,
       CASE k.rag WHEN 'R' THEN 'Red' WHEN 'A' THEN 'Amber' WHEN 'G' THEN 'Green' END
           AS rag_label,
       m.better,
       k.window_months,
       k.history_months,
       k.computed_at,
       k.code_version,
       k.load_id
FROM kpi_value AS k
LEFT JOIN authority AS a ON a.authority_code = k.authority_code
LEFT JOIN calendar_month AS c ON c.period = k.period
LEFT JOIN kpi_measure AS m ON m.kpi = k.kpi
LEFT JOIN ({_TEAMS}) AS t
       ON k.scope_type = 'team' AND t.authority_code = k.authority_code
      AND t.period = k.period AND t.team_code = k.scope_code
""",
    # One row per authority, month and team of the month's establishment (validation
    # refuses an HR or agency row naming any other team): plain sums of the extract rows.
    # The KPI formulas are in bi_kpi_results.
    "bi_team_month_facts": """
CREATE VIEW bi_team_month_facts AS
SELECT e.authority_code,
       COALESCE(a.name, e.authority_code) AS authority_name,
       e.period,
       c.month_start,
       c.financial_year,
       e.team_code,
       e.team_name,
       e.service_area,
       e.posts,
       e.budgeted_fte,
       e.frozen_posts,
       e.deleted_posts,
       e.unfunded_posts,
       e.annual_cost_gbp,
       COALESCE(h.staff_records, 0) AS staff_records,
       COALESCE(h.staff_fte, 0) AS staff_fte,
       COALESCE(g.agency_lines, 0) AS agency_lines,
       COALESCE(g.agency_workers, 0) AS agency_workers,
       COALESCE(g.agency_hours, 0) AS agency_hours,
       COALESCE(g.agency_cost_gbp, 0) AS agency_cost_gbp,
       b.load_id
FROM (
    SELECT authority_code, period, team_code,
           MAX(team_name) AS team_name,
           MAX(service_area) AS service_area,
           COUNT(*) AS posts,
           SUM(budgeted_fte) AS budgeted_fte,
           SUM(CASE WHEN status = 'frozen' THEN 1 ELSE 0 END) AS frozen_posts,
           SUM(CASE WHEN status = 'deleted' THEN 1 ELSE 0 END) AS deleted_posts,
           SUM(CASE WHEN funded THEN 0 ELSE 1 END) AS unfunded_posts,
           ROUND(SUM(annual_cost_pence) / 100.0, 2) AS annual_cost_gbp
    FROM establishment
    GROUP BY authority_code, period, team_code) AS e
LEFT JOIN load_batch AS b ON b.authority_code = e.authority_code AND b.period = e.period
LEFT JOIN authority AS a ON a.authority_code = e.authority_code
LEFT JOIN calendar_month AS c ON c.period = e.period
LEFT JOIN (
    SELECT authority_code, period, team_code,
           COUNT(*) AS staff_records,
           SUM(fte) AS staff_fte
    FROM hr_staff
    GROUP BY authority_code, period, team_code) AS h
       ON h.authority_code = e.authority_code AND h.period = e.period
      AND h.team_code = e.team_code
LEFT JOIN (
    SELECT authority_code, period, team_code,
           COUNT(*) AS agency_lines,
           COUNT(DISTINCT worker_ref) AS agency_workers,
           SUM(hours) AS agency_hours,
           ROUND(SUM(line_cost_pence) / 100.0, 2) AS agency_cost_gbp
    FROM agency_spend
    GROUP BY authority_code, period, team_code) AS g
       ON g.authority_code = e.authority_code AND g.period = e.period
      AND g.team_code = e.team_code
""",
    # One row per loaded authority-month and extract file: where each month's figures came
    # from, and whether its KPIs have been computed since.
    "bi_month_lineage": """
CREATE VIEW bi_month_lineage AS
SELECT b.authority_code,
       COALESCE(a.name, b.authority_code) AS authority_name,
       b.period,
       c.month_start,
       b.load_id,
       b.loaded_at,
       b.code_version,
       f.kind,
       f.file_name,
       f.sha256,
       f.row_count,
       COALESCE(w.warnings, 0) AS warnings,
       COALESCE(mw.warnings, 0) AS month_warnings,
       k.kpis_computed_at,
       k.kpis_code_version
FROM load_batch AS b
JOIN extract_file AS f ON f.load_id = b.load_id
LEFT JOIN authority AS a ON a.authority_code = b.authority_code
LEFT JOIN calendar_month AS c ON c.period = b.period
LEFT JOIN (
    SELECT load_id, file_name, COUNT(*) AS warnings
    FROM validation_finding
    GROUP BY load_id, file_name) AS w
       ON w.load_id = b.load_id AND w.file_name = f.file_name
LEFT JOIN (
    SELECT load_id, COUNT(*) AS warnings
    FROM validation_finding
    GROUP BY load_id) AS mw
       ON mw.load_id = b.load_id
LEFT JOIN (
    SELECT authority_code, period, MAX(computed_at) AS kpis_computed_at,
           MAX(code_version) AS kpis_code_version
    FROM kpi_value
    GROUP BY authority_code, period) AS k
       ON k.authority_code = b.authority_code AND k.period = b.period
""",
}


def calendar_rows() -> list[dict[str, object]]:
    """Every month from January 2000 to December 2060; financial years run April to March."""
    rows = []
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        for month in range(1, 13):
            start = dt.date(year, month, 1)
            following = dt.date(year + month // 12, month % 12 + 1, 1)
            rows.append({
                "period": f"{year}-{month:02d}",
                "month_start": start,
                "month_end": following - dt.timedelta(days=1),
                "financial_year": fy_label(year if month >= 4 else year - 1),
                "month_name": f"{MONTH_NAMES[month - 1]} {year}",
                "year": year,
                "month_number": month,
            })
    return rows


def upgrade() -> None:
    op.create_table(
        "kpi_measure",
        sa.Column("kpi", sa.Text, primary_key=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("unit", sa.Text, nullable=False),
        sa.Column("unit_label", sa.Text, nullable=False),
        sa.Column("better", sa.Text),  # 'lower', 'higher' or NULL: no direction
        sa.Column("rolling_12_months", sa.Boolean, nullable=False),
        sa.Column("kpi_order", sa.Integer, nullable=False),  # the order of the definitions
    )
    refresh_kpi_measures(op.get_bind())
    calendar = op.create_table(
        "calendar_month",
        sa.Column("period", sa.Text, primary_key=True),
        sa.Column("month_start", sa.Date, nullable=False),
        sa.Column("month_end", sa.Date, nullable=False),
        sa.Column("financial_year", sa.Text, nullable=False),
        sa.Column("month_name", sa.Text, nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("month_number", sa.Integer, nullable=False),
    )
    op.bulk_insert(calendar, calendar_rows())
    for statement in VIEWS.values():
        op.execute(statement)
