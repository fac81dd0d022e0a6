"""Partnerships: their settings, the partnership's totals worked out by hand, ranks, the
partnership report read back from its PDF, the council's comparison with its region and
statistical neighbours, and the command."""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import Engine

from workforce.cli import main
from workforce.comparisons.compare import comparators, ordinal, rank
from workforce.config import ConfigError, configured_authorities, load_authority_config
from workforce.kpis import compute_month
from workforce.partnerships import due_reports, load_partnership, load_partnerships
from workforce.periods import Period, period_range
from workforce.pipeline import load_authority_month
from workforce.reports import commentary, sources
from workforce.reports.benchmarks import SHARED_BENCHMARKS, published
from workforce.reports.build import render_report
from workforce.reports.figures import Kpi
from workforce.reports.filters import SUPPRESSED
from workforce.reports.partnership import publish_partnership, ranks
from workforce.reports.partnership_figures import MembersMissing, _pool, read
from workforce.sample import write_sample
from workforce.warehouse import make_engine

MARCH = Period(2025, 3)
MEMBERS = {"BOL": ("Bolton Council", "350", 90), "BUR": ("Bury Council", "351", 60),
           "MAN": ("Manchester Council", "352", 140)}
PARTNERSHIPS = """\
GM:
  name: Greater Manchester
  members: [BOL, BUR, MAN]     # authority codes as in config/
  agency_rate_caps_gbp: {social_worker: 45.00, senior_social_worker: 50.00}
PAIR:
  name: Bolton and Wigan
  members: [BOL, WIG]          # Wigan's months are never loaded here
"""


def write_config(folder: Path, partnerships: str = PARTNERSHIPS) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for code, (name, lea, _) in MEMBERS.items():
        (folder / f"{code}.yaml").write_text(f"name: {name}\ndfe_la_code: '{lea}'\n")
    (folder / "WIG.yaml").write_text("name: Wigan Council\n")
    (folder / "partnerships.yaml").write_text(partnerships)
    return folder


# ---- settings -----------------------------------------------------------------------------


def test_partnerships_are_read_and_are_not_authorities(tmp_path: Path) -> None:
    config = write_config(tmp_path / "config")
    gm = load_partnership("GM", config)
    assert gm.members == ("BOL", "BUR", "MAN")
    assert gm.agency_rate_caps_gbp == {"social_worker": 45.0, "senior_social_worker": 50.0}
    assert configured_authorities(config) == ["BOL", "BUR", "MAN", "WIG"]
    # The DfE code is stored as the new code, whichever was given.
    assert load_authority_config("BOL", config).dfe_la_code == "E08000001"


def test_the_projects_own_partnerships_file_is_valid() -> None:
    project = Path(__file__).resolve().parents[1] / "config"
    sample = load_partnerships(project)["SAMPLE"]
    assert set(sample.members) <= set(configured_authorities(project))


@pytest.mark.parametrize(("body", "message"), [
    ("GM:\n  name: GM\n  members: [BOL, BUR, XYZ]\n", "no settings file for XYZ"),
    ("GM:\n  name: GM\n  members: [BOL, BOL]\n", "BOL listed more than once"),
    ("GM:\n  name: GM\n  members: [BOL, BUR]\n  agency_rate_caps_gbp: {plumber: 40}\n",
     "['plumber'] are not roles"),
    ("GM:\n  name: GM\n  members: [BOL, BUR]\n  agency_rate_caps_gbp: {social_worker: 0}\n",
     "must be more than £0 an hour"),
    ("GM:\n  name: GM\n  members: [BOL, BUR]\n  rate_caps: {}\n", "rate_caps: Extra inputs"),
    ("GM:\n  name: GM\n  members: [BOL]\n", "members: Tuple should have at least 2 items"),
])
def test_bad_partnership_settings_are_refused_naming_the_file(
        tmp_path: Path, body: str, message: str) -> None:
    config = write_config(tmp_path / "config", body)
    with pytest.raises(ConfigError, match=re.escape(message)) as error:
        load_partnerships(config)
    assert str(config / "partnerships.yaml") in str(error.value)


def test_an_unknown_dfe_code_is_refused(tmp_path: Path) -> None:
    config = write_config(tmp_path / "config")
    (config / "BAD.yaml").write_text("name: Bad\ndfe_la_code: E08999999\n")
    with pytest.raises(ConfigError, match=r"dfe_la_code.*E08999999"):
        load_authority_config("BAD", config)
    # A census LA code that is another council's would file the return under it.
    (config / "BAD.yaml").write_text(
        "name: Bad\ndfe_la_code: E08000001\ncensus: {lea: '351'}\n")
    with pytest.raises(ConfigError, match=re.escape("census.lea 351 is Bury's code")):
        load_authority_config("BAD", config)


def test_kpi_events_call_for_each_partnership_of_the_authority(tmp_path: Path) -> None:
    config = write_config(tmp_path / "config")
    events = [{"authority": "BUR", "period": "2025-03"}, {"authority": "BOL", "period": "2025-03"},
              {"authority": "XYZ", "period": "2025-03"}]
    assert due_reports(events, config) == ["GM:2025-03", "PAIR:2025-03"]
    assert due_reports([{"partnership": "GM", "period": "2025-02"}], config) == ["GM:2025-02"]
    assert due_reports([{"authority": "XYZ", "period": "2025-03"}], config) == []


# ---- totals and ranks -----------------------------------------------------------------------


def kpi(code: str, name: str, numerator: float, denominator: float | None, value: float,
        unit: str = "percent", **extra: int) -> Kpi:
    return Kpi("2025-03", "council", code, name, unit, numerator, denominator, value, **extra)


def test_partnership_totals_are_the_summed_numerators_over_the_summed_denominators() -> None:
    # Vacancies and posts (vacancies + social workers in post, FTE), by hand:
    #   BOL 3 of 30 = 10.0%, BUR 10 of 50 = 20.0%, MAN 1 of 10 = 10.0%
    #   together 14 of 90 = 15.56%, where the average of the three rates would be 13.33%.
    rows = [kpi("BOL", "vacancy_rate", 3, 30, 10.0), kpi("BUR", "vacancy_rate", 10, 50, 20.0),
            kpi("MAN", "vacancy_rate", 1, 10, 10.0)]
    total = _pool("GM", "2025-03", "vacancy_rate", rows)
    assert total is not None
    assert (total.numerator, total.denominator) == (14, 90)
    assert total.value == pytest.approx(100 * 14 / 90)
    # Caseload is a ratio: 200 cases / 12.5 FTE, 90 / 5.0, 410 / 25.0 → 700 / 42.5 = 16.47.
    cases = [kpi("BOL", "caseload_avg", 200, 12.5, 16.0, "cases_per_fte"),
             kpi("BUR", "caseload_avg", 90, 5.0, 18.0, "cases_per_fte"),
             kpi("MAN", "caseload_avg", 410, 25.0, 16.4, "cases_per_fte")]
    assert _pool("GM", "2025-03", "caseload_avg", cases).value == pytest.approx(700 / 42.5)
    # Counts add up; a member with a part-year rolling figure leaves no total at all.
    heads = [kpi("BOL", "sw_headcount", 40, None, 40, "count"),
             kpi("BUR", "sw_headcount", 3, None, 3, "count"),
             kpi("MAN", "sw_headcount", 70, None, 70, "count")]
    assert _pool("GM", "2025-03", "sw_headcount", heads).value == 113
    partial = [kpi("BOL", "turnover_rate", 4, 30, 13.3, window_months=12, history_months=12),
               kpi("BUR", "turnover_rate", 2, 50, 4.0, window_months=12, history_months=7)]
    assert _pool("GM", "2025-03", "turnover_rate", partial) is None
    assert _pool("GM", "2025-03", "vacancy_rate", [*rows[:2], None]) is None


def test_ranks_share_places_when_figures_are_equal_to_one_decimal_place() -> None:
    placed = ranks({"A": 12.04, "B": 15.0, "C": 11.96, "D": SUPPRESSED, "E": None, "F": 9.1},
                   "lower")
    assert {code: r.place for code, r in placed.items()} == {
        "F": "1st of 4", "A": "joint 2nd of 4", "C": "joint 2nd of 4", "B": "4th of 4"}
    assert rank(80.0, [85.0, 80.0, 70.0], "higher").describe("Stability index") == \
        "joint 2nd highest stability index of 4"
    assert rank(9.0, [10.0, 11.0], "lower").describe("Vacancy rate") == \
        "lowest vacancy rate of 3"
    assert [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 101)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st"]


def test_a_council_without_neighbours_is_compared_with_england_and_its_region() -> None:
    cumbria = comparators("909")
    assert cumbria.neighbours == [] and cumbria.region_name == "North West"
    compared = cumbria.compare("vacancy_rate", 15.0)
    assert compared.rank is None and compared.neighbours_published == 0
    assert compared.region == published().region("E12000002").by_year[2025]["vacancy_rate"]
    assert commentary.comparison_basis(cumbria, "Cumbria") == (
        "Cumbria's DfE measures are compared with England and North West, for the year to 30 "
        "September 2025, as Cumbria's; Cumbria (909) has no statistical neighbours: the DfE's "
        "statistical neighbour model does not include it; the council has been abolished, its "
        "last published figures being for 2022.")


def test_comparators_without_a_dfe_code_are_england_only() -> None:
    alone = comparators(None)
    assert alone.authority is None and alone.region is None and alone.neighbours == []
    assert "no dfe_la_code" in alone.reason
    compared = alone.compare("vacancy_rate", 15.0)
    assert compared.region is None and compared.rank is None
    assert compared.england == published().england.latest("vacancy_rate")


# ---- the warehouse of three councils --------------------------------------------------------


@pytest.fixture(scope="module")
def partnership_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Engine, Path]]:
    root = tmp_path_factory.mktemp("partnership")
    config = write_config(root / "config")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("WORKFORCE_CONFIG_DIR", str(config))
        patch.setenv("WORKFORCE_PSEUDONYM_KEY", "partnership-test-key")
        engine = make_engine(f"sqlite:///{root / 'warehouse.db'}")
        for seed, (code, (_, _, posts)) in enumerate(MEMBERS.items()):
            write_sample(root / "landing", code, MARCH, months=13, posts=posts, seed=seed)
            for period in period_range(MARCH.shift(-12), MARCH):
                load_authority_month(root / "landing", code, period, engine)
                compute_month(engine, code, period)
        yield engine, root
    engine.dispose()


@pytest.fixture
def home(partnership_home: tuple[Engine, Path], monkeypatch: pytest.MonkeyPatch
         ) -> tuple[Engine, Path]:
    engine, root = partnership_home
    monkeypatch.setenv("WORKFORCE_CONFIG_DIR", str(root / "config"))
    return engine, root


def pdf_text(path: Path) -> str:
    return " ".join(page.extract_text() for page in PdfReader(path).pages).replace("\n", " ")


def test_the_report_shows_each_council_the_total_ranks_and_withheld_counts(
        home: tuple[Engine, Path], tmp_path: Path) -> None:
    engine, _ = home
    gm = load_partnership("GM")
    figures = read(engine, gm, MARCH)
    manifest = json.loads(publish_partnership(engine, "GM", MARCH, tmp_path).read_text())
    pdf = tmp_path / "partnerships" / "GM" / "2025-03" / "GM_partnership_2025-03.pdf"
    assert manifest["reports"][0] == {"file": pdf.name, "bytes": pdf.stat().st_size,
                                      "sha256": hashlib.sha256(pdf.read_bytes()).hexdigest()}
    assert [m["authority"] for m in manifest["members"]] == ["BOL", "BUR", "MAN"]
    text = pdf_text(pdf)
    # Public like the cabinet report: a tagged PDF with its language and title, and every
    # small chart with its text alternative.
    reader = PdfReader(pdf)
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"
    assert reader.metadata.title == ("Children's social care workforce: partnership report: "
                                     "Greater Manchester, 31 March 2025")
    html = pdf.with_suffix(".html").read_text(encoding="utf-8")
    assert html.count('role="img"') == 5 * 3
    assert ">Vacancy rate: Bury Council, March 2024 to March 2025: Bury Council from " in html

    # The total is the stored numerators summed over the stored denominators.
    stored = {m.code: m.figures.get("2025-03", "vacancy_rate") for m in figures.members}
    by_hand = 100 * sum(r.numerator for r in stored.values()) / sum(
        r.denominator for r in stored.values())
    assert figures.total.value("2025-03", "vacancy_rate") == pytest.approx(by_hand)
    values = {code: round(r.value, 1) for code, r in stored.items()}
    order = sorted(values, key=values.get)
    row = " ".join(f"{MEMBERS[c][0]} {values[c]:.1f}%" for c in order[:1])
    assert row in text
    for place, code in enumerate(order, start=1):
        assert re.search(rf"{MEMBERS[code][0]} {values[code]:.1f}% (joint )?"
                         rf"{ordinal(place)} of 3", text), code
    assert f"Greater Manchester (all members) {by_hand:.1f}%" in text
    low, high = order[0], order[-1]
    assert (f"{MEMBERS[low][0]} had the lowest ({values[low]:.1f}%) and {MEMBERS[high][0]} "
            f"the highest ({values[high]:.1f}%)") in text
    # England's latest published figure beside them.
    assert f"England ({published().england.latest_year}, published)" in text
    # Agency rates against the caps, with small groups of workers withheld.
    assert "Senior social worker: agency hours and charge rates by supplier" in text
    assert "were charged above the partnership's cap of £45.00" in text
    assert "[c]" in text
    # Workers only ever counted: no pseudonymous reference is printed.
    assert not re.search(r"\b[0-9a-f]{16,}\b", text.split("About this report")[0])


def test_a_member_without_the_month_is_named(home: tuple[Engine, Path],
                                             tmp_path: Path, capsys) -> None:
    engine, _ = home
    with pytest.raises(MembersMissing, match=r"GM \(Greater Manchester\) 2025-04: no KPI "
                       r"results for BOL, BUR, MAN"):
        read(engine, load_partnership("GM"), Period(2025, 4))
    command = ["report", "partnership", "--partnership", "GM", "--period", "2025-04",
               "--out", str(tmp_path), "--warehouse", str(engine.url)]
    assert main(command) == 2
    assert "no KPI results for BOL, BUR, MAN" in capsys.readouterr().err
    command[command.index("2025-04")] = "2025-03"
    assert main(command) == 0
    assert (tmp_path / "GM_partnership_2025-03.pdf").exists()
    assert main(["report", "cabinet", "--partnership", "GM", "--period", "2025-03",
                 "--out", str(tmp_path), "--warehouse", str(engine.url)]) == 2


def neighbour_figures(old_code: str, kpi_column: str, year: str) -> tuple[list[float], str]:
    """The council's ten neighbours' published figures and its region, read straight from
    the DfE's files (not through the code under test)."""
    with (SHARED_BENCHMARKS / "sn_model_2025_wide.csv").open(encoding="utf-8-sig") as f:
        model = next(r for r in csv.DictReader(f) if r["old_la_code"] == old_code)
    wanted = {model[f"SN_{i}"].strip() for i in range(1, 11)}
    with (SHARED_BENCHMARKS / "csww_indicators_2017_to_2025.csv").open(
            encoding="utf-8-sig") as f:
        rows = [r for r in csv.DictReader(f) if r["time_period"] == year]
    figures = [float(r[kpi_column]) for r in rows
               if r["geographic_level"] == "Local authority" and r["old_la_code"] in wanted]
    region = next(r for r in rows if r["geographic_level"] == "Local authority"
                  and r["old_la_code"] == old_code)["region_name"]
    return figures, region


@pytest.mark.skipif(not SHARED_BENCHMARKS.is_dir(), reason="the DfE's files are not beside "
                    "the project (../shared/benchmarks)")
def test_the_cabinet_report_compares_with_region_and_neighbours(
        home: tuple[Engine, Path], tmp_path: Path) -> None:
    engine, _ = home
    pdf, _ = render_report(engine, "cabinet", "BOL", MARCH, tmp_path)
    text = pdf_text(pdf)
    neighbours, region = neighbour_figures("350", "vacancy_rate_fte", "2025")
    own = next(r for r in read(engine, load_partnership("GM"), MARCH).members
               if r.code == "BOL").figures.value("2025-03", "vacancy_rate")
    place = 1 + sum(round(n, 1) < round(own, 1) for n in neighbours)
    mean = sum(neighbours) / len(neighbours)
    assert "Compared with England, North West and 10 statistical neighbours, year to 30 " \
           "September 2025" in text
    assert region == "North West"
    north_west = published().region("E12000002").by_year[2025]["vacancy_rate"]
    assert (f"are England 14.2%, North West {north_west:.1f}% and the mean of 10 "
            f"statistical neighbours {mean:.1f}%.") in text
    joint = "joint " if any(round(n, 1) == round(own, 1) for n in neighbours) else ""
    described = f"{joint}{ordinal(place)} lowest" if place > 1 or joint else "lowest"
    assert f"Among its statistical neighbours it has the {described} vacancy rate of 11." in text
    # The council's own report shows it beside its partnership, with its rank there.
    total = read(engine, load_partnership("GM"), MARCH).total.value("2025-03", "vacancy_rate")
    assert "Bolton beside the Greater Manchester partnership, March 2025" in text
    assert re.search(rf"Vacancy rate {own:.1f}% {total:.1f}% (joint )?\d(st|nd|rd) of 3", text)
    assert ("The Bolton and Wigan partnership's figures for March 2025 are not complete yet: "
            "no results are in for Wigan Council.") in text


def test_partnership_figures_on_sqlite_and_postgresql(engine: Engine, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Three councils with the same small month: each council's figures are withheld, the
    partnership's are not, and they are its members' counts added up, on either backend."""
    from conftest import write_month

    codes = ("ONE", "TWO", "THREE")
    config = tmp_path / "trio"
    config.mkdir()
    for code in codes:
        (config / f"{code}.yaml").write_text(f"name: Council {code}\n")
    (config / "partnerships.yaml").write_text(
        "TRIO:\n  name: Trio\n  members: [ONE, TWO, THREE]\n"
        "  agency_rate_caps_gbp: {social_worker: 45.00}\n")
    monkeypatch.setenv("WORKFORCE_CONFIG_DIR", str(config))
    for code in codes:
        write_month(tmp_path / "landing", authority=code)
        load_authority_month(tmp_path / "landing", code, MARCH, engine)
        compute_month(engine, code, MARCH)

    figures = read(engine, load_partnership("TRIO"), MARCH)

    # Two social workers in post in each council: each council's vacancy rate is withheld;
    # the partnership's six are not, and its rate is the summed vacancies over summed posts.
    key = ("2025-03", "council", "ONE", "vacancy_rate")
    stored = sources.kpis(engine, "ONE", [MARCH])[key]
    assert figures.members[0].figures.value("2025-03", "vacancy_rate") is SUPPRESSED
    total = figures.total.get("2025-03", "vacancy_rate")
    assert (total.numerator, total.denominator) == pytest.approx(
        (3 * stored.numerator, 3 * stored.denominator))
    assert total.value == pytest.approx(stored.value)
    # Two agency social workers in each council: Acme's at £45.50 for 37 hours, Brightcare's
    # at £40.00 for 30.5. All six together are shown; by supplier (three each) and by
    # council (two each) every row is withheld.
    rows = {(r.supplier, r.member): r for r in figures.agency if r.role == "social_worker"}
    whole = rows[(None, None)]
    assert (whole.workers, whole.hours) == (6, pytest.approx(202.5))
    assert whole.average_rate == pytest.approx((37 * 45.5 + 30.5 * 40) / 67.5)
    assert whole.above_cap == pytest.approx(100 * 37 / 67.5)
    parts = [r for key, r in rows.items() if key != (None, None)]
    assert len(parts) == 5 and all(r.workers is SUPPRESSED for r in parts)


def test_an_agency_row_counts_workers_and_hours_above_the_cap() -> None:
    from workforce.reports.partnership_figures import Line, _row

    lines = [Line("ONE", "social_worker", "A", "w1", 5500, 37.5),
             Line("ONE", "social_worker", "B", "w2", 4000, 30.5),
             Line("TWO", "social_worker", "A", "w1", 4500, 10.0)]
    row = _row(lines, "social_worker", None, None, 45.0)
    # Three workers (w1 in ONE and w1 in TWO are different people), 78 hours; only the
    # £55.00 hours are above a £45.00 cap (£45.00 itself is not above it).
    assert (row.workers, row.hours) == (3, 78.0)
    assert row.average_rate == pytest.approx((37.5 * 55 + 30.5 * 40 + 10 * 45) / 78)
    assert row.above_cap == pytest.approx(100 * 37.5 / 78)
    assert _row(lines, "social_worker", None, None, None).above_cap is None
