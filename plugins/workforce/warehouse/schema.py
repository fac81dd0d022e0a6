"""Creating the warehouse tables (idempotent)."""

from __future__ import annotations

from sqlalchemy import Engine

from workforce.warehouse.sql import statements


def create_schema(engine: Engine) -> None:
    with engine.begin() as connection:
        for statement in statements("schema"):
            connection.execute(statement)
