"""What is loaded, from which files: the lineage every figure traces back to."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import groupby

from sqlalchemy import Engine, inspect

from workforce.warehouse.sql import query


@dataclass(frozen=True)
class LoadedFile:
    kind: str
    file_name: str
    sha256: str
    row_count: int


@dataclass(frozen=True)
class LoadedMonth:
    authority_code: str
    period: str
    load_id: str
    loaded_at: str
    code_version: str
    files: list[LoadedFile] = field(default_factory=list)


def loaded_months(engine: Engine) -> list[LoadedMonth]:
    if not inspect(engine).has_table("load_batch"):
        return []
    with engine.connect() as connection:
        rows = connection.execute(query("loaded_months")).all()
    return [
        LoadedMonth(
            *head[:5],
            files=[LoadedFile(r.kind, r.file_name, r.sha256, r.row_count) for r in group],
        )
        for head, group in groupby(
            rows, key=lambda r: (r.authority_code, r.period, r.load_id, r.loaded_at,
                                 r.code_version)
        )
    ]
