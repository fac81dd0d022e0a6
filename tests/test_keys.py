"""The pseudonym key cannot drift: a load with another key, or none, is refused before
anything is written; the development key only in a development warehouse; a deliberate
rotation re-keys every stored pseudonym and keeps every KPI value."""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from test_migrations import build_old_warehouse, copy_rows, dump

from conftest import AUTHORITY, PERIOD, write_month
from workforce.cli import main
from workforce.errors import PseudonymKeyError
from workforce.kpis import compute_month
from workforce.periods import Period
from workforce.pipeline import load_authority_month
from workforce.privacy import DEVELOPMENT_KEY, KEY_VARIABLE
from workforce.sample import write_sample
from workforce.warehouse import loaded_months, make_engine, upgrade_warehouse
from workforce.warehouse.keys import FINGERPRINT_TEXT, mark_development

TABLES = ["load_batch", "extract_file", "hr_staff", "establishment", "agency_spend",
          "caseloads", "kpi_month_frame", "validation_finding", "kpi_value",
          "retention_payment", "retention_curve", "authority", "warehouse_setting"]
APRIL = Period(2025, 4)


def recorded_fingerprint(engine: Engine, authority: str = AUTHORITY) -> str | None:
    with engine.connect() as connection:
        return connection.execute(text(
            "SELECT key_fingerprint FROM authority WHERE authority_code = :a"),
            {"a": authority}).scalar()


def test_the_first_load_records_a_fingerprint_of_the_key_never_the_key(
    engine: Engine, landing: Path
) -> None:
    load_authority_month(landing, AUTHORITY, PERIOD, engine)
    expected = hmac.new(b"test-key", FINGERPRINT_TEXT, hashlib.sha256).hexdigest()
    assert recorded_fingerprint(engine) == expected
    with engine.connect() as connection:
        stored = " ".join(str(v) for t in ("authority", "warehouse_setting")
                          for row in connection.execute(text(f"SELECT * FROM {t}"))
                          for v in row)
    assert "test-key" not in stored


@pytest.mark.parametrize("key", ["another-key", None, DEVELOPMENT_KEY],
                         ids=["another key", "no key", "the development key"])
def test_a_load_with_another_key_or_none_is_refused_leaving_the_warehouse_unchanged(
    engine: Engine, landing: Path, monkeypatch: pytest.MonkeyPatch, key: str | None
) -> None:
    load_authority_month(landing, AUTHORITY, PERIOD, engine)
    compute_month(engine, AUTHORITY, PERIOD)
    write_month(landing, period=APRIL)
    before = dump(engine, TABLES)
    if key is None:
        monkeypatch.delenv(KEY_VARIABLE)
    else:
        monkeypatch.setenv(KEY_VARIABLE, key)

    for period in (APRIL, PERIOD):  # a new month, and a reload of the same one
        with pytest.raises(PseudonymKeyError) as refused:
            load_authority_month(landing, AUTHORITY, period, engine)
        assert "nothing was loaded" in str(refused.value)
        assert dump(engine, TABLES) == before
    if key == "another-key":
        assert "workforce rotate-key --authority TST" in str(refused.value)
    else:
        assert "not a development one" in str(refused.value)


def test_a_new_warehouse_without_a_key_fails_closed(
    engine: Engine, landing: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.delenv(KEY_VARIABLE)
    with pytest.raises(PseudonymKeyError, match=f"{KEY_VARIABLE} is not set"):
        load_authority_month(landing, AUTHORITY, PERIOD, engine)
    assert loaded_months(engine) == []


def test_a_development_warehouse_takes_the_development_key(
    engine: Engine, landing: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(KEY_VARIABLE)
    upgrade_warehouse(engine)
    mark_development(engine)
    load_authority_month(landing, AUTHORITY, PERIOD, engine)
    assert recorded_fingerprint(engine) == hmac.new(
        DEVELOPMENT_KEY.encode(), FINGERPRINT_TEXT, hashlib.sha256).hexdigest()
    # Still no drift: the development key's pseudonyms refuse a real key later.
    monkeypatch.setenv(KEY_VARIABLE, "live-key")
    with pytest.raises(PseudonymKeyError, match="is not the one"):
        load_authority_month(landing, AUTHORITY, PERIOD, engine)


def test_a_warehouse_with_live_pseudonyms_cannot_be_marked_development(
    engine: Engine, landing: Path
) -> None:
    load_authority_month(landing, AUTHORITY, PERIOD, engine)
    with pytest.raises(PseudonymKeyError, match="TST were made with a real key"):
        mark_development(engine)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT COUNT(*) FROM warehouse_setting")).scalar() == 0


def old_warehouse(tmp_path: Path, landing: Path) -> tuple[str, Engine, Engine]:
    """A warehouse of the release before migrations holding the landed month (loaded with
    the tests' key), and the warehouse its rows were copied from."""
    url = f"sqlite:///{tmp_path / 'old.db'}"
    source = make_engine(f"sqlite:///{tmp_path / 'source.db'}")
    load_authority_month(landing, AUTHORITY, PERIOD, source)
    engine = make_engine(url)
    build_old_warehouse(engine)
    copy_rows(source, engine)
    return url, engine, source


def test_an_upgrade_records_the_key_once_the_landed_files_show_it_is_the_right_one(
    tmp_path: Path, landing: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url, engine, source = old_warehouse(tmp_path, landing)
    upgrade = ["db", "upgrade", "--warehouse", url, "--extracts", str(landing)]

    monkeypatch.setenv(KEY_VARIABLE, "not-the-key")
    assert main(upgrade) == 2
    assert "is not the key TST's months were loaded with" in capsys.readouterr().err
    assert recorded_fingerprint(engine) is None

    monkeypatch.setenv(KEY_VARIABLE, "test-key")
    assert main(upgrade) == 0
    assert f"Recorded the pseudonym key's fingerprint for {AUTHORITY}" in capsys.readouterr().out
    assert recorded_fingerprint(engine) == recorded_fingerprint(source)


def test_without_the_files_the_first_load_checks_the_key_against_the_stored_pseudonyms(
    tmp_path: Path, landing: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url, engine, source = old_warehouse(tmp_path, landing)
    assert main(["db", "upgrade", "--warehouse", url, "--extracts", str(tmp_path)]) == 0
    assert "No fingerprint recorded for TST" in capsys.readouterr().out
    write_month(landing, period=APRIL)
    before = dump(engine, TABLES)

    monkeypatch.setenv(KEY_VARIABLE, "not-the-key")
    with pytest.raises(PseudonymKeyError, match="gives none of the month's 3 employees"):
        load_authority_month(landing, AUTHORITY, APRIL, engine)
    assert dump(engine, TABLES) == before

    monkeypatch.setenv(KEY_VARIABLE, "test-key")
    load_authority_month(landing, AUTHORITY, APRIL, engine)
    assert recorded_fingerprint(engine) == recorded_fingerprint(source)


def test_without_a_key_at_upgrade_the_first_load_records_it(
    tmp_path: Path, landing: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = make_engine(f"sqlite:///{tmp_path / 'source.db'}")
    load_authority_month(landing, AUTHORITY, PERIOD, source)
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    build_old_warehouse(engine)

    copy_rows(source, engine)
    with monkeypatch.context() as patch:
        patch.delenv(KEY_VARIABLE)
        upgrade_warehouse(engine)
    assert recorded_fingerprint(engine) is None
    write_month(landing, period=APRIL)
    load_authority_month(landing, AUTHORITY, APRIL, engine)
    assert recorded_fingerprint(engine) == recorded_fingerprint(source)


# --- rotation ---------------------------------------------------------------------------

SAMPLE = "SMP"
MONTHS = [Period(2024, 12), Period(2025, 1), Period(2025, 2)]


@pytest.fixture
def sampled(tmp_path: Path) -> Path:
    landing = tmp_path / "sample-landing"
    write_sample(landing, SAMPLE, Period(2025, 3), months=len(MONTHS) + 1, posts=60)
    return landing


def load_and_compute(engine: Engine, landing: Path) -> None:
    for period in MONTHS:
        load_authority_month(landing, SAMPLE, period, engine)
        compute_month(engine, SAMPLE, period)


def results(engine: Engine) -> list[tuple]:
    with engine.connect() as connection:
        return sorted(tuple(r) for r in connection.execute(text(
            "SELECT period, scope_type, scope_code, kpi, numerator, denominator, value "
            "FROM kpi_value")))


def worker_refs(engine: Engine) -> set[str]:
    with engine.connect() as connection:
        return set(connection.execute(text(
            "SELECT worker_ref FROM hr_staff UNION SELECT worker_ref FROM agency_spend "
            "UNION SELECT worker_ref FROM caseloads UNION SELECT worker_ref FROM "
            "retention_payment")).scalars())


def rotate(url: str, landing: Path, old: str, new: str, monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setenv("WORKFORCE_OLD_PSEUDONYM_KEY", old)
    monkeypatch.setenv(KEY_VARIABLE, new)
    return main(["rotate-key", "--authority", SAMPLE, "--extracts", str(landing),
                 "--warehouse", url])


def test_rotation_re_keys_every_pseudonym_and_keeps_every_kpi_value(
    engine: Engine, sampled: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    load_and_compute(engine, sampled)
    kpis, refs = results(engine), worker_refs(engine)
    url = engine.url.render_as_string(hide_password=False)

    assert rotate(url, sampled, "test-key", "new-key", monkeypatch) == 0
    assert f"{SAMPLE}: {len(refs)} pseudonyms re-keyed over 3 months" in capsys.readouterr().out

    rekeyed = worker_refs(engine)
    assert len(rekeyed) == len(refs) and not rekeyed & refs
    for period in MONTHS:  # recomputed from the re-keyed rows and frames: the same figures
        compute_month(engine, SAMPLE, period)
    assert results(engine) == kpis
    # The next month loads with the new key and its workers join their history.
    load_authority_month(sampled, SAMPLE, Period(2025, 3), engine)
    with engine.connect() as connection:
        carried = connection.execute(text(
            "SELECT COUNT(*) FROM hr_staff a JOIN hr_staff b ON a.worker_ref = b.worker_ref "
            "WHERE a.period = '2025-02' AND b.period = '2025-03'")).scalar()
    assert carried > 40
    # ... and the old key is now refused.
    monkeypatch.setenv(KEY_VARIABLE, "test-key")
    with pytest.raises(PseudonymKeyError, match="is not the one"):
        load_authority_month(sampled, SAMPLE, Period(2025, 3), engine)


def test_rotation_is_refused_whole_without_the_files_or_with_the_wrong_old_key(
    tmp_path: Path, sampled: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = f"sqlite:///{tmp_path / 'rotate.db'}"
    engine = make_engine(url)
    load_and_compute(engine, sampled)
    before = dump(engine, TABLES)

    assert rotate(url, sampled, "not-the-key", "new-key", monkeypatch) == 2
    assert "the old key given" in capsys.readouterr().err
    moved = sampled / SAMPLE / "2025-01" / "caseloads.csv"
    moved.rename(moved.with_suffix(".bak"))
    assert rotate(url, sampled, "test-key", "new-key", monkeypatch) == 2
    err = capsys.readouterr().err
    assert f"{moved}: missing" in err and "nothing was changed" in err
    assert dump(engine, TABLES) == before
