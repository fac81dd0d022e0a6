"""Each loaded month's stored copy of the KPIs' large reads, on SQLite and PostgreSQL: it
holds what the query gives on the month's rows, follows the month when it is reloaded, and a
month without one (loaded before they were stored) gives the same facts and KPIs."""

from __future__ import annotations

import copy
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine, text

from conftest import AUTHORITY, GOOD_MONTH, PERIOD, write_month
from workforce.kpis import MonthNotLoaded, compute_month
from workforce.periods import Period
from workforce.pipeline import load_authority_month
from workforce.sample import write_sample
from workforce.warehouse.frames import MONTH_FRAMES, read_frame, read_months

SAMPLE = "SMP"
MONTHS = [PERIOD.shift(-2), PERIOD.shift(-1), PERIOD]


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    # PostgreSQL may hand back a month's rows in another order than when they were stored.
    return frame.sort_values(list(frame.columns)).reset_index(drop=True)


def _assert_frames_match_tables(engine: Engine, authority: str, periods: list[Period]) -> None:
    with engine.connect() as connection:
        for period in periods:
            keys = {"authority_code": authority, "first": str(period), "last": str(period)}
            for name in MONTH_FRAMES:
                stored = read_months(connection, name, authority, period, period)
                from_table = read_frame(connection, name, keys)
                assert len(from_table) > 0
                pd.testing.assert_frame_equal(_sorted(stored), _sorted(from_table))


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    root = tmp_path / "landing"
    write_sample(root, SAMPLE, PERIOD, months=3, posts=60)
    return root


def _load_sample(engine: Engine, root: Path) -> None:
    for period in MONTHS:
        load_authority_month(root, SAMPLE, period, engine)


def test_each_month_stores_what_its_reads_give_from_the_tables(
    engine: Engine, sample: Path
) -> None:
    _load_sample(engine, sample)
    with engine.connect() as connection:
        stored = connection.execute(text(
            "SELECT period, kind FROM kpi_month_frame ORDER BY period, kind")).all()
    assert [tuple(r) for r in stored] == [(str(p), name) for p in MONTHS
                                          for name in sorted(MONTH_FRAMES)]
    _assert_frames_match_tables(engine, SAMPLE, MONTHS)


def test_a_reloaded_month_stores_its_new_rows(engine: Engine, tmp_path: Path) -> None:
    root = tmp_path / "landing"
    write_month(root)
    load_authority_month(root, AUTHORITY, PERIOD, engine)
    corrected = copy.deepcopy(GOOD_MONTH)
    corrected["hr_staff"][0]["fte"] = "0.6"
    write_month(root, corrected)
    load_authority_month(root, AUTHORITY, PERIOD, engine)

    with engine.connect() as connection:
        hr = read_months(connection, "kpi_hr_staff", AUTHORITY, PERIOD, PERIOD)
        (frames,) = connection.execute(text("SELECT COUNT(*) FROM kpi_month_frame")).one()
    assert hr.loc[hr["post_id"] == "P001", "fte"].tolist() == [0.6]
    assert frames == len(MONTH_FRAMES)
    _assert_frames_match_tables(engine, AUTHORITY, [PERIOD])


def test_months_without_stored_frames_give_the_same_kpis(engine: Engine, sample: Path) -> None:
    _load_sample(engine, sample)
    with_frames = _values(compute_month(engine, SAMPLE, PERIOD))
    with engine.begin() as connection:  # as if loaded before frames were stored
        connection.execute(text("DELETE FROM kpi_month_frame WHERE period < :p"),
                           {"p": str(PERIOD)})

    _assert_frames_match_tables(engine, SAMPLE, MONTHS)
    assert _values(compute_month(engine, SAMPLE, PERIOD)) == with_frames
    assert len(with_frames) > 100


def test_no_loaded_months_read_as_typed_empty_frames(engine: Engine, sample: Path) -> None:
    _load_sample(engine, sample)
    with engine.connect() as connection:
        before = read_months(connection, "kpi_hr_staff", SAMPLE, PERIOD.shift(-24),
                             PERIOD.shift(-13), ["worker_ref", "leave_date", "month"])
        loaded = read_months(connection, "kpi_hr_staff", SAMPLE, PERIOD, PERIOD)
    assert before.empty and list(before.columns) == ["worker_ref", "leave_date", "month"]
    assert before["leave_date"].dtype == loaded["leave_date"].dtype


def test_a_council_with_nothing_loaded_is_told_so(engine: Engine, sample: Path) -> None:
    _load_sample(engine, sample)  # another council's months: the tables exist, with rows
    with pytest.raises(MonthNotLoaded, match=f"{AUTHORITY} {PERIOD} is not loaded"):
        compute_month(engine, AUTHORITY, PERIOD)


def _values(rows: list) -> list[str]:
    # As text: a value that is not applicable is NaN, which equals nothing, not even itself.
    return sorted(repr((r.scope_type, r.scope_code, r.kpi, r.numerator, r.denominator, r.value))
                  for r in rows)
