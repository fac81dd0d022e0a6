"""Several councils' KPIs computed at once, in processes sharing one SQLite warehouse."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workforce.cli import main
from workforce.kpis import compute_month, read_kpis
from workforce.periods import Period
from workforce.pipeline import load_authority_month
from workforce.sample import write_sample
from workforce.warehouse import make_engine

MONTHS = [Period(2025, 2), Period(2025, 3)]
CODES = ("ONE", "TWO", "THR")
STAMPS = ("computed_at",)


def _stored(engine, code: str) -> list[dict[str, object]]:
    return [{k: v for k, v in row.items() if k not in STAMPS}
            for row in read_kpis(engine, MONTHS[-1], code)]


def test_kpis_command_computes_councils_in_parallel_as_one_by_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'councils.db'}")
    for code in CODES:
        write_sample(tmp_path / "landing", code, MONTHS[-1], months=len(MONTHS), posts=60)
        for period in MONTHS:
            load_authority_month(tmp_path / "landing", code, period, engine)

    assert main(["kpis", "--period", "2025-03", "--compute", "--jobs", "2", "--format",
                 "json", "--warehouse", str(engine.url)]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert {r["authority"] for r in printed} == set(CODES)
    in_parallel = {code: _stored(engine, code) for code in CODES}

    for code in CODES:
        compute_month(engine, code, MONTHS[-1])  # one by one, in this process
        assert _stored(engine, code) == in_parallel[code]
        assert any(r["kpi"] == "sw_fte" and r["value"] for r in in_parallel[code])
