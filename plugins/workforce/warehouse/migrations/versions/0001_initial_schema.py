"""The warehouse as the release before migrations made it: facts by authority and month, the
lineage of every load, the month frames and the KPI results.

A warehouse made by that release (``CREATE TABLE IF NOT EXISTS`` at each load, no revision
recorded) already has these tables: each is created only where it is missing, and one that
exists must have every column listed here, else the warehouse is not one of this project's.
Money is integer pence; dates are ISO dates.

Revision ID: 0001
Revises:
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _text(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.Text, nullable=nullable)


def _load_id() -> sa.Column:
    return sa.Column("load_id", sa.Text, sa.ForeignKey("load_batch.load_id"), nullable=False)


def _month(*columns: sa.Column) -> list[sa.Column]:
    """A fact table's leading columns: the authority, the month and the load that wrote it."""
    return [_text("authority_code"), _text("period"), _load_id(),
            sa.Column("source_row", sa.Integer, nullable=False), *columns]


TABLES: dict[str, list] = {
    "load_batch": [
        sa.Column("load_id", sa.Text, primary_key=True),
        _text("authority_code"), _text("period"), _text("loaded_at"), _text("code_version"),
        sa.UniqueConstraint("authority_code", "period"),
    ],
    "extract_file": [
        _load_id(), _text("authority_code"), _text("period"), _text("kind"), _text("file_name"),
        _text("sha256"), sa.Column("row_count", sa.Integer, nullable=False),
        _text("loaded_at"), _text("code_version"),
        sa.PrimaryKeyConstraint("authority_code", "period", "kind"),
    ],
    "hr_staff": _month(
        _text("worker_ref"), _text("post_id"), _text("team_code"), _text("role"),
        _text("grade", True), sa.Column("fte", sa.Double, nullable=False),
        _text("contract_type"), sa.Column("qualified_sw", sa.Boolean, nullable=False),
        sa.Column("case_holding", sa.Boolean, nullable=False),
        sa.Column("service_start_date", sa.Date, nullable=False),
        sa.Column("role_start_date", sa.Date), sa.Column("leave_date", sa.Date),
        _text("leaving_reason", True), sa.Column("sickness_days", sa.Double),
        _text("age_band", True), _text("gender", True), _text("ethnicity", True),
        _text("retention_option", True),
        sa.PrimaryKeyConstraint("authority_code", "period", "worker_ref", "post_id"),
    ),
    "establishment": _month(
        _text("post_id"), _text("team_code"), _text("team_name"), _text("service_area"),
        _text("role"), _text("grade", True), sa.Column("budgeted_fte", sa.Double, nullable=False),
        sa.Column("annual_cost_pence", sa.BigInteger, nullable=False),
        sa.Column("funded", sa.Boolean, nullable=False), _text("status"),
        sa.PrimaryKeyConstraint("authority_code", "period", "post_id"),
    ),
    "agency_spend": _month(
        _text("line_id"), _text("worker_ref"), _text("supplier"), _text("team_code"),
        _text("role"), _text("post_id", True), sa.Column("week_ending", sa.Date, nullable=False),
        sa.Column("hours", sa.Double, nullable=False),
        sa.Column("charge_rate_pence", sa.BigInteger, nullable=False),
        sa.Column("line_cost_pence", sa.BigInteger, nullable=False),
        sa.Column("placement_start_date", sa.Date, nullable=False),
        sa.Column("qualified_sw", sa.Boolean, nullable=False),
        sa.PrimaryKeyConstraint("authority_code", "period", "line_id"),
    ),
    "caseloads": _month(
        _text("worker_ref"), _text("worker_type"),
        sa.Column("open_cases", sa.Integer, nullable=False), sa.Column("cp_cases", sa.Integer),
        sa.Column("cla_cases", sa.Integer), sa.Column("cin_cases", sa.Integer),
        sa.PrimaryKeyConstraint("authority_code", "period", "worker_type", "worker_ref"),
    ),
    # Each loaded month's rows of each KPI read as one Arrow stream (warehouse/frames.py).
    "kpi_month_frame": [
        _text("authority_code"), _text("period"), _text("kind"), _load_id(),
        sa.Column("arrow_stream", sa.LargeBinary, nullable=False),
        sa.PrimaryKeyConstraint("authority_code", "period", "kind"),
    ],
    # Warnings of accepted months: the data-quality notes of reports.
    "validation_finding": [
        _load_id(), _text("authority_code"), _text("period"), _text("file_name"),
        sa.Column("row_number", sa.Integer), _text("column_name", True), _text("severity"),
        _text("message"),
    ],
    # KPI results: numerator and denominator beside the unrounded value.
    "kpi_value": [
        _text("authority_code"), _text("period"), _text("scope_type"), _text("scope_code"),
        _text("kpi"), _text("unit"), sa.Column("numerator", sa.Double),
        sa.Column("denominator", sa.Double), sa.Column("value", sa.Double),
        sa.Column("target", sa.Double), _text("rag", True),
        sa.Column("window_months", sa.Integer), sa.Column("history_months", sa.Integer),
        _text("load_id"), _text("source_load_ids"), _text("computed_at"),
        _text("code_version"),
        sa.PrimaryKeyConstraint("authority_code", "period", "scope_type", "scope_code", "kpi"),
    ],
    "retention_payment": [
        _text("authority_code"), _text("period"), _text("worker_ref"),
        sa.Column("instalment", sa.Integer, nullable=False), _text("due_period"),
        sa.Column("amount_pence", sa.BigInteger, nullable=False), _text("status"),
        sa.PrimaryKeyConstraint("authority_code", "period", "worker_ref", "instalment"),
    ],
    "retention_curve": [
        _text("authority_code"), _text("period"),
        sa.Column("months_since_eligible", sa.Integer, nullable=False),
        sa.Column("observed", sa.Integer, nullable=False),
        sa.Column("in_post", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("authority_code", "period", "months_since_eligible"),
    ],
}

INDEXES = {
    "validation_finding_month": ("validation_finding", ["authority_code", "period"]),
    "kpi_value_kpi": ("kpi_value", ["authority_code", "kpi", "period"]),
}


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    existing = set(inspector.get_table_names())
    for name, columns in TABLES.items():
        if name not in existing:
            op.create_table(name, *columns)
            continue
        wanted = {c.name for c in columns if isinstance(c, sa.Column)}
        missing = wanted - {c["name"] for c in inspector.get_columns(name)}
        if missing:
            raise RuntimeError(
                f"table {name} exists without the columns {sorted(missing)}: this database "
                "is not a warehouse of this project, or was changed by hand")
    for name, (table, columns) in INDEXES.items():
        if table not in existing or name not in {i["name"] for i in inspector.get_indexes(table)}:
            op.create_index(name, table, columns)
