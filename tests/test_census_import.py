"""Importing DfE census returns as history, on SQLite and PostgreSQL: a return built from a
council's published DfE row gives back the published figures (the 254-working-day years to
30 September 2020 and 2024 included), in one transaction, replacing that year only, beside
any monthly results for the September."""

from __future__ import annotations

import csv
import itertools
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from conftest import write_month
from workforce.census.read import read_census
from workforce.census.store import import_census
from workforce.census.synthetic import synthetic_return
from workforce.cli import main
from workforce.config import AuthorityConfig
from workforce.kpis import compute_month, read_kpis
from workforce.periods import Period
from workforce.pipeline import load_authority_month

BENCHMARKS = (Path(__file__).resolve().parents[1] / "data" / "benchmarks"
              / "csww_indicators_2017_to_2025.csv")
# KPI code → the published column it reproduces.
PUBLISHED = {
    "sw_fte": "inpost_fte", "sw_headcount": "inpost_headcount",
    "starters_fte_12m": "starters_fte", "starters_headcount_12m": "starters_headcount",
    "leavers_fte_12m": "leavers_fte", "leavers_headcount_12m": "leavers_headcount",
    "turnover_rate": "turnover_rate_fte", "turnover_rate_headcount": "turnover_rate_headcount",
    "agency_fte": "agency_fte", "agency_headcount": "agency_headcount",
    "agency_rate": "agency_rate_fte", "agency_cover_fte": "agency_cover_fte",
    "agency_cover_rate": "agency_cover_rate_fte", "vacancy_fte": "vacancy_fte",
    "vacancy_rate": "vacancy_rate_fte",
    "vacancy_agency_cover_rate": "vacancy_agency_cover_rate_fte",
    "caseload_avg": "caseload_fte", "absence_rate": "absence_rate_fte",
}
AUTHORITY = "BOL"
LEA = "350"  # Bolton's three-digit LA code
SETTINGS = AuthorityConfig(code=AUTHORITY, name="Bolton")


def published(name: str, year: int) -> dict[str, float]:
    """The DfE's published row of a council (by name), or of a region."""
    with BENCHMARKS.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            region = row["geographic_level"] == "Regional" and row["region_name"] == name
            if (row["la_name"] == name or region) and int(row["time_period"]) == year:
                return {k: float(v) for k, v in row.items()
                        if k in {*PUBLISHED.values(), "case_holders_fte", "cases",
                                 "working_days_lost_fte"}}
    raise LookupError((name, year))


def unrounded(row: dict[str, float], year: int) -> dict[str, float]:
    """The row with FTEs the DfE could have rounded to its published ones (within 0.04) and
    that give its published rates: the DfE's rates come from unrounded FTEs, so a rate worked
    out from the rounded ones can be 0.1 off (Bolton 2020: 21 / 49.1 is 42.8%, published 42.7%).
    """
    def near(x: float) -> list[float]:
        return [round(x + step / 100, 2) for step in range(-4, 5)]

    def rate(num: float, den: float) -> float:
        return round(100 * num / den, 1)

    days = 254 if year in (2020, 2024) else 253
    for fte, leavers, agency, cover, vacancy in itertools.product(
            near(row["inpost_fte"]), near(row["leavers_fte"]), near(row["agency_fte"]),
            near(row["agency_cover_fte"]), near(row["vacancy_fte"])):
        if (rate(leavers, fte) == row["turnover_rate_fte"]
                and rate(agency, agency + fte) == row["agency_rate_fte"]
                and rate(cover, agency) == row["agency_cover_rate_fte"]
                and rate(vacancy, vacancy + fte) == row["vacancy_rate_fte"]
                and rate(cover, vacancy) == row["vacancy_agency_cover_rate_fte"]
                and rate(row["working_days_lost_fte"], fte * days) == row["absence_rate_fte"]):
            holders = next(h for h in near(row["case_holders_fte"])
                           if round(row["cases"] / h, 1) == row["caseload_fte"])
            return {**row, "inpost_fte": fte, "leavers_fte": leavers, "agency_fte": agency,
                    "agency_cover_fte": cover, "vacancy_fte": vacancy,
                    "case_holders_fte": holders}
    raise AssertionError(f"no FTEs near the published ones give its rates: {row}")


def imported(engine: Engine, tmp_path: Path, year: int, la_name: str = "Bolton") -> Path:
    path = tmp_path / f"csww_{year}.xml"
    path.write_text(synthetic_return(unrounded(published(la_name, year), year), year, LEA),
                    encoding="utf-8")
    census, findings = read_census(path)
    assert census is not None, findings
    import_census(engine, census, AUTHORITY, SETTINGS)
    return path


@pytest.mark.parametrize("name, year", [
    *(("Bolton", year) for year in (2020, 2021, 2022, 2023, 2024, 2025)),
    ("Rutland", 2024),  # a small council: 22 social workers
    ("North East", 2023),  # a region: 2,266 social workers
])
def test_a_return_gives_back_the_dfe_published_figures(
    engine: Engine, tmp_path: Path, name: str, year: int
) -> None:
    imported(engine, tmp_path, year, name)
    rows = {r["kpi"]: r for r in read_kpis(engine, Period(year, 9), AUTHORITY,
                                          source="census")}
    expected = published(name, year)
    for kpi, column in PUBLISHED.items():
        assert round(rows[kpi]["value"], 1) == expected[column], (kpi, rows[kpi])
    assert {r["scope_type"] for r in rows.values()} == {"council"}
    # 254 working days where the year to 30 September holds 29 February (2020 and 2024).
    days = rows["absence_rate"]["denominator"] / rows["sw_fte"]["value"]
    assert round(days) == (254 if year in (2020, 2024) else 253)


def test_reimporting_a_year_replaces_it_and_nothing_else(engine: Engine, tmp_path: Path) -> None:
    imported(engine, tmp_path, 2023)
    imported(engine, tmp_path, 2024)
    with engine.connect() as connection:
        before = connection.execute(text(
            "SELECT period, kpi, value FROM kpi_value ORDER BY period, kpi")).all()
    imported(engine, tmp_path, 2024)
    with engine.connect() as connection:
        after = connection.execute(text(
            "SELECT period, kpi, value FROM kpi_value ORDER BY period, kpi")).all()
        years = connection.execute(text(
            "SELECT year, COUNT(*) FROM census_worker GROUP BY year ORDER BY year")).all()
    assert after == before
    assert [tuple(y) for y in years] == [(2023, 170 + 26 + 43), (2024, 169 + 25 + 50)]


def test_no_personal_field_is_stored_in_clear(engine: Engine, tmp_path: Path) -> None:
    imported(engine, tmp_path, 2025)
    with engine.connect() as connection:
        stored = " ".join(str(v) for r in connection.execute(text(
            "SELECT * FROM census_worker")) for v in r)
    assert "SW0000001" not in stored and "1984-05-06" not in stored
    assert "W" in stored and "40-49" in stored  # pseudonyms, age bands


def test_a_september_keeps_its_monthly_and_its_census_results(
    engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    september = Period(2025, 9)
    landing = tmp_path / "landing"
    write_month(landing, authority=AUTHORITY, period=september)
    load_authority_month(landing, AUTHORITY, september, engine)
    monthly = compute_month(engine, AUTHORITY, september)
    imported(engine, tmp_path, 2025)
    assert {r["source"] for r in read_kpis(engine, september, AUTHORITY)} == {"monthly"}
    census = read_kpis(engine, september, AUTHORITY, source="census")
    assert len(census) == 18 and {r["source"] for r in census} == {"census"}
    # Recomputing or reloading the month leaves the census figures alone.
    compute_month(engine, AUTHORITY, september)
    assert len(read_kpis(engine, september, AUTHORITY, source="census")) == 18
    assert len(read_kpis(engine, september, AUTHORITY, source="monthly")) == len(monthly)


def test_the_command_imports_and_prints_the_census_figures(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bolton_2023.xml"
    path.write_text(synthetic_return(unrounded(published("Bolton", 2023), 2023), 2023, LEA),
                    encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'census.db'}"
    assert main(["census", "import", str(path), "--warehouse", url]) == 0
    out = capsys.readouterr().out
    # Without --authority, the header's LA code 350 is Bolton, E08000001.
    assert "E08000001 census 2023: imported 239 worker records, 18 KPI values" in out
    assert main(["kpis", "--period", "2023-09", "--warehouse", url, "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].endswith(",source") and all(line.endswith(",census") for line in lines[1:])
    turnover = next(r for r in csv.DictReader(lines) if r["kpi"] == "turnover_rate")
    assert round(float(turnover["value"]), 1) == published("Bolton", 2023)["turnover_rate_fte"]


def test_a_refused_return_leaves_the_warehouse_unchanged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'census.db'}"
    good = tmp_path / "good.xml"
    good.write_text(synthetic_return(unrounded(published("Bolton", 2023), 2023), 2023, LEA),
                    encoding="utf-8")
    assert main(["census", "import", str(good), "--authority", AUTHORITY,
                 "--warehouse", url]) == 0
    bad = tmp_path / "bad.xml"
    bad.write_text(good.read_text().replace("<FTE30>", "<FTE30>x", 1), encoding="utf-8")
    engine_url = url
    from workforce.warehouse import make_engine

    engine = make_engine(engine_url)
    with engine.connect() as connection:
        before = connection.execute(text("SELECT * FROM kpi_value ORDER BY kpi")).all()
    capsys.readouterr()
    assert main(["census", "import", str(bad), "--authority", AUTHORITY,
                 "--warehouse", url]) == 1
    out = capsys.readouterr().out
    assert f"{bad}:" in out and ":FTE30: error:" in out and "the warehouse is unchanged" in out
    with engine.connect() as connection:
        assert connection.execute(text("SELECT * FROM kpi_value ORDER BY kpi")).all() == before
