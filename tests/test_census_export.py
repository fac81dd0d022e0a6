"""`workforce census export`: the sample council's return for a September, valid against the
year's schema, giving back the monthly figures when imported, and refused whole (the gaps
listed, no XML) when a mandatory element cannot be filled."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from lxml import etree

from workforce.census.export import export_census
from workforce.census.gather import split_cases
from workforce.census.read import read_census
from workforce.census.schemas import layout, schema
from workforce.census.store import import_census
from workforce.cli import main
from workforce.config import PROJECT_ROOT, load_authority_config
from workforce.contracts import CONTRACTS
from workforce.kpis import compute_month, read_kpis
from workforce.periods import Period, period_range
from workforce.pipeline import load_authority_month
from workforce.sample import write_sample
from workforce.warehouse import make_engine

AUTHORITY = "NWT"
POSTS = 60
# The DfE measures a return gives back exactly (to rounding of 6 decimal places per record).
EXACT = ("sw_fte", "sw_headcount", "agency_fte", "leavers_fte_12m", "turnover_rate",
         "caseload_avg", "absence_rate")
# NumberOfVacancies and NoAgencyFTE have 2 decimal places in the schema: within 0.005.
TWO_PLACES = ("vacancy_fte", "agency_cover_fte")


def _council(root: Path, year: int) -> tuple[Path, str]:
    """The sample council's 13 months to September of ``year``, loaded with their KPIs."""
    landing = root / "landing"
    september = Period(year, 9)
    write_sample(landing, AUTHORITY, end=september, months=13, posts=POSTS)
    url = f"sqlite:///{root / 'warehouse.db'}"
    engine = make_engine(url)
    for period in period_range(september.shift(-12), september):
        load_authority_month(landing, AUTHORITY, period, engine)
        compute_month(engine, AUTHORITY, period)
    engine.dispose()
    return landing, url


@pytest.fixture(autouse=True)
def _settings(tmp_path: Path) -> None:
    # The sample council's shipped settings (census LA code and pay questions) in the tests'
    # own config folder.
    (tmp_path / "config").mkdir(exist_ok=True)
    shutil.copy(PROJECT_ROOT / "config" / "NWT.yaml", tmp_path / "config" / "NWT.yaml")


@pytest.fixture(scope="module")
def council_2025(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    root = tmp_path_factory.mktemp("council2025")
    with pytest.MonkeyPatch.context() as patch:
        (root / "config").mkdir()
        shutil.copy(PROJECT_ROOT / "config" / "NWT.yaml", root / "config" / "NWT.yaml")
        patch.setenv("WORKFORCE_CONFIG_DIR", str(root / "config"))
        patch.setenv("WORKFORCE_PSEUDONYM_KEY", "test-key")
        return _council(root, 2025)


def _export(landing: Path, url: str, year: int, out: Path):
    engine = make_engine(url)
    try:
        return export_census(engine, AUTHORITY, year, out, landing)
    finally:
        engine.dispose()


def test_the_census_codes_are_the_schemas(tmp_path: Path) -> None:
    hr = CONTRACTS["hr_staff"]
    codes = layout(2025).codes
    for column, element in [("qualification_level", "QualLevel"),
                            ("start_origin", "StartOrigin"),
                            ("leaver_destination", "LeaverDestination"),
                            ("reason_leave", "ReasonLeave")]:
        assert hr.column(column).codes == codes[element]
    assert hr.column("reason_absence").codes == tuple(c.lower() for c in codes["ReasonAbsence"])
    assert not any(c.stored for c in hr.columns if c.name in ("swe_number", "base_salary_gbp"))


def test_cases_are_shared_by_fte_and_add_up() -> None:
    assert split_cases(10, [1.0]) == [10]
    assert split_cases(9, [0.5, 0.5]) in ([5, 4], [4, 5])
    assert split_cases(1, [0.5, 0.5]) in ([1, 0], [0, 1])
    assert sum(split_cases(17, [1.0, 0.22])) == 17 and min(split_cases(17, [1.0, 0.22])) >= 1


def test_the_sample_council_exports_a_valid_2025_return_that_gives_back_its_figures(
    council_2025: tuple[Path, str], tmp_path: Path
) -> None:
    landing, url = council_2025
    out = tmp_path / "csww_2025.xml"
    result = _export(landing, url, 2025, out)

    assert result.written and result.mandatory_missing == 0, result.missing[:5]
    assert schema(2025).validate(etree.parse(str(out)))
    root = etree.parse(str(out)).getroot()
    assert root.find("LALevel/RetentionBonus").text == "2"
    assert root.find("CSWWWorker/BaseSalary") is not None
    assert root.find("CSWWWorker/RRPayments") is not None
    assert {w.findtext("AgencyWorker") for w in root.iterfind("CSWWWorker")} == {"0", "1"}

    # Round trip: the return imported under another code gives the September's figures.
    census, findings = read_census(out, strict=True)
    assert census is not None, findings
    engine = make_engine(url)
    import_census(engine, census, "RTP", load_authority_config(AUTHORITY))
    monthly = {r["kpi"]: r["value"] for r in read_kpis(
        engine, Period(2025, 9), AUTHORITY, ("council",), "monthly")}
    back = {r["kpi"]: r["value"] for r in read_kpis(
        engine, Period(2025, 9), "RTP", ("council",), "census")}
    engine.dispose()
    for kpi in EXACT:
        assert back[kpi] == pytest.approx(monthly[kpi], rel=1e-6, abs=1e-6), kpi
    for kpi in TWO_PLACES:
        assert back[kpi] == pytest.approx(monthly[kpi], abs=0.005), kpi


def test_the_sample_council_exports_a_valid_2024_return(tmp_path: Path) -> None:
    landing, url = _council(tmp_path, 2024)
    out = tmp_path / "csww_2024.xml"
    result = _export(landing, url, 2024, out)

    assert result.written and result.mandatory_missing == 0, result.missing[:5]
    tree = etree.parse(str(out))
    assert schema(2024).validate(tree)
    assert tree.getroot().find("LALevelVacancies") is not None
    assert tree.getroot().find("CSWWWorker/QualInst") is not None


def test_a_missing_swe_number_writes_only_the_gaps_and_fails(
    council_2025: tuple[Path, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source, url = council_2025
    landing = tmp_path / "landing"
    shutil.copytree(source, landing)
    # A copy of the warehouse whose lineage names the changed file's new SHA-256 would be a
    # reload; here the September file is rewritten and reloaded without swe_number.
    september = landing / AUTHORITY / "2025-09" / "hr_staff.csv"
    with september.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    fields = [f for f in rows[0] if f != "swe_number"]
    with september.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fields, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    copy_db = tmp_path / "warehouse.db"
    shutil.copy(url.removeprefix("sqlite:///"), copy_db)
    copy_url = f"sqlite:///{copy_db}"
    engine = make_engine(copy_url)
    load_authority_month(landing, AUTHORITY, Period(2025, 9), engine)
    compute_month(engine, AUTHORITY, Period(2025, 9))
    engine.dispose()

    out = tmp_path / "csww_2025.xml"
    status = main(["census", "export", "--year", "2025", "--authority", AUTHORITY, "--out",
                   str(out), "--extracts", str(landing), "--warehouse", copy_url])

    assert status == 1 and not out.exists()
    gaps = list(csv.DictReader((tmp_path / "csww_2025.missing.csv").open(encoding="utf-8")))
    swe = [g for g in gaps if g["element"] == "SWENo"]
    assert swe and f"{len(gaps_mandatory(gaps))} mandatory" in capsys.readouterr().out
    # Only pseudonyms and element names: no SWE number, birth date or salary.
    text = (tmp_path / "csww_2025.missing.csv").read_text(encoding="utf-8")
    for row in rows:
        for column in ("employee_id", "swe_number", "birth_date", "base_salary_gbp"):
            if row[column]:
                assert row[column] not in text, column


def gaps_mandatory(gaps: list[dict[str, str]]) -> list[dict[str, str]]:
    # Agency records keep their SWE numbers (from the untouched timesheets): only the
    # September social workers' are missing.
    return [g for g in gaps if g["element"] == "SWENo"]


def test_postgresql_exports_the_same_return(
    council_2025: tuple[Path, str], tmp_path: Path, postgres_server: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The same months in a PostgreSQL warehouse give the same return, element for element
    (but the moment it was written)."""
    from conftest import postgres_warehouse

    landing, url = council_2025
    monkeypatch.setenv("WORKFORCE_CONFIG_DIR", str(landing.parent / "config"))
    _export(landing, url, 2025, tmp_path / "sqlite.xml")
    with postgres_warehouse(postgres_server) as engine:
        for period in period_range(Period(2024, 9), Period(2025, 9)):
            load_authority_month(landing, AUTHORITY, period, engine)
            compute_month(engine, AUTHORITY, period)
        export_census(engine, AUTHORITY, 2025, tmp_path / "postgresql.xml", landing)

    def elements(path: Path) -> list[tuple[str, str | None]]:
        return [(e.tag, e.text) for e in etree.parse(str(path)).iter() if e.tag != "DateTime"]

    assert elements(tmp_path / "postgresql.xml") == elements(tmp_path / "sqlite.xml")
