"""The pseudonym key cannot drift: each authority's key fingerprint, recorded at its first
load, and whether the warehouse is a development one (where the development key is allowed).

``authority`` holds one row per council the warehouse has loaded: its name from the settings
and an HMAC of a fixed text under the pseudonym key (never the key). A warehouse upgraded
from the release before this has no fingerprints: the first load after the upgrade, or
``workforce db upgrade`` itself when a key is set, records them.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "authority",
        sa.Column("authority_code", sa.Text, primary_key=True),
        sa.Column("name", sa.Text),
        sa.Column("key_fingerprint", sa.Text),
        sa.Column("key_recorded_at", sa.Text),
        sa.Column("key_code_version", sa.Text),
    )
    # Settings of the warehouse itself, by name: `development` is 'true' in a warehouse made
    # for samples and tests (`workforce db upgrade --development`).
    op.create_table(
        "warehouse_setting",
        sa.Column("name", sa.Text, primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    # Every authority already loaded, without a fingerprint yet.
    op.execute("INSERT INTO authority (authority_code) "
               "SELECT DISTINCT authority_code FROM load_batch")
