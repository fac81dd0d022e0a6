"""The DfE census (CSWW) returns as history: each imported return with its lineage, its
worker records (pseudonymised, birth dates as age bands) and LA-level counts, its
data-quality notes; and a ``source`` for every KPI value (``monthly`` from the extracts,
``census`` from a return), part of the key so a September can hold both.

The views read ``kpi_value``: they are dropped before it is copied with its new key (SQLite's
batch mode, and PostgreSQL too, recreate the table) and made again after, with ``source``.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06
"""

from __future__ import annotations

import warnings

import sqlalchemy as sa
from alembic import context, op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

KPI_KEY = ["authority_code", "period", "scope_type", "scope_code", "kpi", "source"]


def _text(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.Text, nullable=nullable)


def upgrade() -> None:
    views = context.script.get_revision("0003").module.VIEWS
    for name in views:
        op.execute(f"DROP VIEW {name}")
    # SQLAlchemy warns that the copy's key differs from the reflected one: that is the change.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Table '_alembic_tmp_kpi_value' specifies columns",
                                sa.exc.SAWarning)
        with op.batch_alter_table("kpi_value", recreate="always") as kpi_value:
            kpi_value.add_column(sa.Column("source", sa.Text, nullable=False,
                                           server_default="monthly"))
            kpi_value.create_primary_key("kpi_value_pkey", KPI_KEY)
    for name, statement in views.items():
        if name == "bi_kpi_results":  # the same view, saying which source each value is from
            statement = statement.replace("       k.kpi,\n", "       k.kpi,\n       k.source,\n", 1)
        op.execute(statement)

    op.create_table(
        "census_return",
        _text("authority_code", False), sa.Column("year", sa.Integer, nullable=False),
        _text("period", False),  # YYYY-09: the month its KPIs are stored for
        _text("load_id", False), _text("file_name", False), _text("sha256", False),
        sa.Column("schema_year", sa.Integer, nullable=False), _text("lea", False),
        sa.Column("reference_date", sa.Date, nullable=False),
        sa.Column("workers", sa.Integer, nullable=False),
        _text("loaded_at", False), _text("code_version", False),
        sa.PrimaryKeyConstraint("authority_code", "year"),
        sa.UniqueConstraint("load_id"),
    )
    op.create_table(
        "census_worker",
        _text("authority_code", False), sa.Column("year", sa.Integer, nullable=False),
        _text("load_id", False), sa.Column("source_line", sa.Integer, nullable=False),
        _text("worker_ref"),  # the pseudonymised SWENo
        sa.Column("agency_worker", sa.Boolean, nullable=False),
        _text("org_role"), sa.Column("role_start_date", sa.Date), _text("start_origin"),
        sa.Column("role_end_date", sa.Date), _text("reason_leave"), _text("leaver_destination"),
        sa.Column("fte", sa.Double), sa.Column("fte30", sa.Double),
        sa.Column("cases30", sa.Integer), sa.Column("working_days_lost", sa.Double),
        _text("age_band"), _text("sex"), _text("ethnicity"),
        sa.Column("absent_at_30_sept", sa.Boolean), _text("reason_absence"),
        sa.Column("contract_weeks", sa.Double),
        sa.Column("base_salary_pence", sa.BigInteger),
        sa.Column("rr_payments_pence", sa.BigInteger),
        sa.Column("other_payments_pence", sa.BigInteger),
        sa.PrimaryKeyConstraint("authority_code", "year", "source_line"),
    )
    op.create_table(
        "census_la_level",
        _text("authority_code", False), sa.Column("year", sa.Integer, nullable=False),
        _text("load_id", False), sa.Column("source_line", sa.Integer, nullable=False),
        sa.Column("vacancies_fte", sa.Double, nullable=False),
        sa.Column("agency_fte", sa.Double, nullable=False),
        sa.Column("agency_headcount", sa.Integer, nullable=False),
        _text("pay"),  # 2025 on: the pay and incentive answers, as JSON
        sa.PrimaryKeyConstraint("authority_code", "year"),
    )
    op.create_table(
        "census_finding",
        _text("authority_code", False), sa.Column("year", sa.Integer, nullable=False),
        _text("load_id", False), _text("file_name", False),
        sa.Column("line", sa.Integer), _text("element"), _text("severity", False),
        _text("message", False),
    )
    op.create_index("census_finding_year", "census_finding", ["authority_code", "year"])
