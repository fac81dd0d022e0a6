"""SQL files under ``sql/``: one purpose per file, the same text on SQLite and PostgreSQL."""

from __future__ import annotations

from functools import cache

from sqlalchemy import TextClause, text

from workforce.config import PROJECT_ROOT

SQL_DIR = PROJECT_ROOT / "sql"


@cache
def statements(name: str) -> tuple[TextClause, ...]:
    """The statements of ``sql/<name>.sql``, comments removed, split on semicolons."""
    body = "\n".join(
        line for line in (SQL_DIR / f"{name}.sql").read_text().splitlines()
        if not line.lstrip().startswith("--")
    )
    return tuple(text(s.strip()) for s in body.split(";") if s.strip())


def query(name: str) -> TextClause:
    (statement,) = statements(name)
    return statement
