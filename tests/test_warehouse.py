"""Loading months into the warehouse, on SQLite and PostgreSQL: one transaction per
authority-month, idempotent reloads, replacement of that month only, lineage, no raw
personal data."""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import hmac
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import Engine, inspect, text

from conftest import AUTHORITY, GOOD_MONTH, PERIOD, postgres_warehouse, write_month
from workforce.contracts import CONTRACTS
from workforce.findings import ExtractRejected
from workforce.pipeline import load_authority_month, validate_authority_month
from workforce.privacy import age_band, pseudonyms
from workforce.sample import write_sample
from workforce.warehouse import load as load_module
from workforce.warehouse import load_month, loaded_months, make_engine, upgrade_warehouse
from workforce.warehouse.load import warehouse_rows

TABLES = ["load_batch", "extract_file", "hr_staff", "establishment", "agency_spend",
          "caseloads", "validation_finding", "kpi_month_frame"]


def dump(engine: Engine) -> dict[str, list[tuple]]:
    """Every row of every table, in a stable order, for before/after comparisons."""
    with engine.connect() as connection:
        return {
            t: sorted(tuple(map(str, r)) for r in connection.execute(text(f"SELECT * FROM {t}")))
            for t in TABLES
        }


def month_rows(engine: Engine, table: str, period: str) -> list[tuple]:
    with engine.connect() as connection:
        rows = connection.execute(
            text(f"SELECT * FROM {table} WHERE period = :p"), {"p": period}
        )
        return sorted(tuple(map(str, r)) for r in rows)


def test_a_month_loads_with_its_lineage(engine: Engine, landing: Path) -> None:
    result = load_authority_month(landing, AUTHORITY, PERIOD, engine)

    assert result.rows == {"hr_staff": 3, "establishment": 4, "agency_spend": 2, "caseloads": 3}
    assert not result.replaced and not result.unchanged
    (month,) = loaded_months(engine)
    assert (month.authority_code, month.period, month.load_id) == (AUTHORITY, "2025-03",
                                                                   result.load_id)
    folder = landing / AUTHORITY / "2025-03"
    for file in month.files:
        assert file.file_name == f"{file.kind}.csv"
        assert file.sha256 == hashlib.sha256((folder / file.file_name).read_bytes()).hexdigest()
        assert file.row_count == len(GOOD_MONTH[file.kind])
    with engine.connect() as connection:
        cost = connection.execute(text(
            "SELECT annual_cost_pence FROM establishment WHERE post_id = 'P002'")).scalar_one()
        line = connection.execute(text(
            "SELECT charge_rate_pence, line_cost_pence, hours FROM agency_spend "
            "WHERE line_id = 'L2'")).one()
    assert cost == 5_500_000
    assert tuple(line) == (4000, 122000, 30.5)


def test_loading_the_same_files_twice_changes_nothing(engine: Engine, landing: Path) -> None:
    first = load_authority_month(landing, AUTHORITY, PERIOD, engine)
    before = dump(engine)

    second = load_authority_month(landing, AUTHORITY, PERIOD, engine)

    assert second.unchanged and second.load_id == first.load_id
    assert dump(engine) == before


def test_a_corrected_file_replaces_that_month_and_nothing_else(
    engine: Engine, tmp_path: Path
) -> None:
    root = tmp_path / "landing"
    write_month(root, period=PERIOD.shift(1))
    write_month(root)
    write_month(root, authority="OTH")
    for authority, period in [(AUTHORITY, PERIOD.shift(1)), (AUTHORITY, PERIOD),
                              ("OTH", PERIOD)]:
        load_authority_month(root, authority, period, engine)
    april = {t: month_rows(engine, t, "2025-04") for t in TABLES}
    other = [r for r in month_rows(engine, "hr_staff", "2025-03") if r[0] == "OTH"]

    corrected = copy.deepcopy(GOOD_MONTH)
    corrected["hr_staff"][0]["fte"] = "0.6"
    del corrected["caseloads"][1]
    write_month(root, corrected)
    result = load_authority_month(root, AUTHORITY, PERIOD, engine)

    assert result.replaced
    with engine.connect() as connection:
        ftes = connection.execute(text(
            "SELECT fte FROM hr_staff WHERE authority_code = :a AND period = '2025-03' "
            "AND post_id = 'P001'"), {"a": AUTHORITY}).scalars().all()
        caseloads = connection.execute(text(
            "SELECT COUNT(*) FROM caseloads WHERE authority_code = :a AND period = '2025-03'"),
            {"a": AUTHORITY}).scalar_one()
        loads = connection.execute(text(
            "SELECT load_id FROM hr_staff WHERE authority_code = :a AND period = '2025-03'"),
            {"a": AUTHORITY}).scalars().all()
    assert ftes == [0.6]
    assert caseloads == 2
    assert set(loads) == {result.load_id}
    assert {t: month_rows(engine, t, "2025-04") for t in TABLES} == april
    assert [r for r in month_rows(engine, "hr_staff", "2025-03") if r[0] == "OTH"] == other


def test_a_failure_midway_leaves_the_warehouse_unchanged(
    engine: Engine, landing: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_authority_month(landing, AUTHORITY, PERIOD, engine)
    before = dump(engine)
    corrected = copy.deepcopy(GOOD_MONTH)
    corrected["hr_staff"][0]["fte"] = "0.6"
    write_month(landing, corrected)
    real_insert = load_module.insert_table
    inserted: list[str] = []

    def failing_insert(connection, name, table):
        if name == "agency_spend":  # after the deletes and two fact tables
            raise RuntimeError("injected failure")
        inserted.append(name)
        real_insert(connection, name, table)

    monkeypatch.setattr(load_module, "insert_table", failing_insert)
    with pytest.raises(RuntimeError, match="injected failure"):
        load_authority_month(landing, AUTHORITY, PERIOD, engine)

    assert "hr_staff" in inserted
    assert dump(engine) == before


def test_a_rejected_extract_leaves_the_warehouse_unchanged(
    engine: Engine, landing: Path
) -> None:
    load_authority_month(landing, AUTHORITY, PERIOD, engine)
    before = dump(engine)
    broken = copy.deepcopy(GOOD_MONTH)
    broken["agency_spend"][0]["hours"] = "99"
    write_month(landing, broken)

    with pytest.raises(ExtractRejected) as rejected:
        load_authority_month(landing, AUTHORITY, PERIOD, engine)

    assert any(f.row == 2 and f.column == "hours" for f in rejected.value.findings)
    assert dump(engine) == before


def test_a_month_with_a_missing_extract_is_rejected(engine: Engine, landing: Path) -> None:
    (landing / AUTHORITY / "2025-03" / "caseloads.csv").unlink()
    month = validate_authority_month(landing, AUTHORITY, PERIOD)
    with pytest.raises(ExtractRejected, match="missing extract"):
        load_month(engine, month, AUTHORITY)
    assert not inspect(engine).has_table("load_batch") or loaded_months(engine) == []


def test_no_raw_personal_data_reaches_the_warehouse(engine: Engine, landing: Path) -> None:
    load_authority_month(landing, AUTHORITY, PERIOD, engine)
    everything = str(dump(engine))

    for raw in ("E001", "E002", "E003", "AG01", "AG02", "1990-05-17"):
        assert raw not in everything
    with engine.connect() as connection:
        bands = connection.execute(text(
            "SELECT post_id, age_band FROM hr_staff ORDER BY post_id")).all()
        case_refs = set(connection.execute(text(
            "SELECT worker_ref FROM caseloads")).scalars())
        hr_refs = set(connection.execute(text("SELECT worker_ref FROM hr_staff")).scalars())
        agency_refs = set(connection.execute(text(
            "SELECT worker_ref FROM agency_spend")).scalars())
    assert [tuple(b) for b in bands] == [("P001", "30-39"), ("P002", None), ("P003", None)]
    # Pseudonyms still join: every caseload worker is found among staff or agency workers.
    assert case_refs <= hr_refs | agency_refs
    assert len(case_refs) == 3


def test_warnings_of_an_accepted_month_are_kept_as_data_quality_notes(
    engine: Engine, landing: Path
) -> None:
    noisy = copy.deepcopy(GOOD_MONTH)
    noisy["caseloads"][0].update(open_cases="45", cp_cases="15", cla_cases="15", cin_cases="15")
    write_month(landing, noisy)
    load_authority_month(landing, AUTHORITY, PERIOD, engine)
    with engine.connect() as connection:
        notes = connection.execute(text(
            "SELECT file_name, row_number, column_name, severity FROM validation_finding"
        )).all()
    assert [tuple(n) for n in notes] == [("caseloads.csv", 2, "open_cases", "warning")]


def test_schema_columns_match_what_the_loader_writes(engine: Engine, landing: Path) -> None:
    month = validate_authority_month(landing, AUTHORITY, PERIOD)
    tables = warehouse_rows(month, AUTHORITY, "x", b"test-key")
    upgrade_warehouse(engine)
    columns = inspect(engine)
    for kind in CONTRACTS:
        assert {c["name"] for c in columns.get_columns(kind)} == set(tables[kind].columns)


def _values(engine: Engine) -> dict[str, list[tuple]]:
    """Every stored value but load times, as one type per value whichever the backend
    (SQLite hands back dates as ISO text and booleans as 0 and 1)."""
    def plain(value: object) -> object:
        if isinstance(value, dt.date):
            return value.isoformat()
        return int(value) if isinstance(value, bool) else value

    with engine.connect() as connection:
        dumped = {}
        # A month's stored frames hold its rows in the order each backend reads them:
        # tests/test_month_frames.py compares what they hold.
        for t in TABLES[:-1]:
            result = connection.execute(text(f"SELECT * FROM {t}"))
            keep = [i for i, c in enumerate(result.keys()) if c != "loaded_at"]
            dumped[t] = sorted((tuple(plain(r[i]) for i in keep) for r in result), key=repr)
        return dumped


def test_both_backends_store_exactly_the_same_values(
    tmp_path: Path, landing: Path, postgres_server: str
) -> None:
    # The hand-built month has gaps, pound signs and UK dates; the sample month the rest.
    write_sample(landing, "SMP", PERIOD, months=1, posts=60)
    sqlite = make_engine(f"sqlite:///{tmp_path / 'both.db'}")
    with postgres_warehouse(postgres_server) as postgresql:
        for engine in (sqlite, postgresql):
            for authority in (AUTHORITY, "SMP"):
                load_authority_month(landing, authority, PERIOD, engine)
        stored = _values(sqlite)
        assert stored == _values(postgresql)
    assert any(None in row for row in stored["hr_staff"]) and len(stored["hr_staff"]) > 40


def test_pseudonyms_are_keyed_per_council_and_worker_type() -> None:
    key = b"test-key"
    expected = "W" + hmac.new(key, b"TST|employee|E001", hashlib.sha256).hexdigest()[:11].upper()
    # Twice over: the second answer comes from the process's cache and must be the same.
    for _ in range(2):
        assert pseudonyms(["E001", None, "E001"], AUTHORITY, "employee", key) == [
            expected, None, expected]
    assert pseudonyms(["E001"], "OTH", "employee", key) != [expected]
    assert pseudonyms(["E001"], AUTHORITY, "agency", key)[0].startswith("A")
    assert pseudonyms(["E001"], AUTHORITY, "employee", b"other-key") != [expected]


def test_age_bands_turn_on_the_birthday() -> None:
    born = np.array(["1995-03-31", "1995-04-01", "2005-03-31", "2005-04-01", "1965-03-31",
                     "2025-04-01", "NaT"], dtype="datetime64[s]")
    assert age_band(born, dt.date(2025, 3, 31)) == [
        "30-39", "20-29", "20-29", "0-19", "60+", None, None]
