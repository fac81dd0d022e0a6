"""Alembic's environment for the warehouse: migrations run on the connection the caller
passes (``workforce.warehouse.revisions.upgrade_warehouse``), inside the caller's
transaction, in batch mode on SQLite (which alters a table by copying it)."""

from alembic import context

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError(
        "Run the warehouse migrations with `workforce db upgrade`, which passes the "
        "connection; `alembic` is only for writing a new revision (`alembic revision`)."
    )
context.configure(
    connection=connection,
    render_as_batch=connection.dialect.name == "sqlite",
    # Compared by `alembic check` and autogenerate: the warehouse keeps no ORM models.
    target_metadata=None,
)
with context.begin_transaction():
    context.run_migrations()
