"""The cabinet report and the monitoring-visit pack, rendered from a warehouse holding the
hand-built council of tests/fixtures_kpi.py and read back from the PDF; disclosure control
and the commentary on their own.

The council "HND" has 13 months (March 2024 to March 2025) and two small teams: Child
Protection North (CP01, 5 social workers at 31 March 2025) and Assessment East (AS01, 4),
so the public report must withhold AS01's count (primary) and CP01's (secondary: the
council's 9 would give it back).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fixtures_kpi import AUTHORITY, write_months
from pypdf import PdfReader
from sqlalchemy import Engine, text

from workforce.cli import main
from workforce.comparisons.compare import Comparison, Rank
from workforce.config import (
    AuthorityConfig,
    ExtractSettings,
    FinancialYear,
    RetentionScheme,
    Target,
)
from workforce.kpis import compute_month, read_kpis
from workforce.periods import Period
from workforce.privacy import pseudonyms
from workforce.reports import commentary, disclosure, sources
from workforce.reports.benchmarks import BENCHMARKS_VARIABLE, benchmarks_path, england
from workforce.reports.build import ReportUnavailable, render_report
from workforce.reports.figures import CurvePoint, Figures, Kpi, Payments
from workforce.reports.filters import MINUS, SUPPRESSED
from workforce.validation import validate_month
from workforce.warehouse import load_month, make_engine, upgrade_warehouse

MARCH = Period(2025, 3)
KEY = "report-test-key"
SETTINGS = AuthorityConfig(
    code=AUTHORITY,
    name="Hand-built Council",
    retention_scheme=RetentionScheme(start_date=dt.date(2024, 4, 1)),
    financial_years={
        "2023-24": FinancialYear(agency_budget_gbp=30_000, scheme_budget_gbp=20_000),
        "2024-25": FinancialYear(agency_budget_gbp=30_000, scheme_budget_gbp=20_000),
    },
    targets={
        "vacancy_rate": Target(target=20, tolerance=5),
        "turnover_rate": Target(target=25, tolerance=2),
        "stability_index": Target(target=85, tolerance=10),
    },
)
RAW_IDS = re.compile(r"\b(?:E\d{2}|AG\d{2})\b")  # the fixture's employee and agency ids
PSEUDONYM = re.compile(r"\b[WA][0-9A-F]{11}\b")


# ---- the warehouse and the rendered reports ---------------------------------------------


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    root = tmp_path_factory.mktemp("reports")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("WORKFORCE_PSEUDONYM_KEY", KEY)
        engine = make_engine(f"sqlite:///{root / 'warehouse.db'}")
        for period, folder in write_months(root / "landing").items():
            month = validate_month(folder, period, ExtractSettings())
            assert month.ok
            load_month(engine, month, AUTHORITY)
            compute_month(engine, AUTHORITY, period, SETTINGS)
        yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def rendered(warehouse: Engine, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("out")
    paths = {}
    for kind in ("cabinet", "monitoring-visit"):
        pdf, html = render_report(warehouse, kind, AUTHORITY, MARCH, out, settings=SETTINGS)
        paths[kind], paths[f"{kind}.html"] = pdf, html
    return paths


def pages(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(path).pages]


def page_with(texts: list[str], heading: str) -> str:
    return next(t for t in texts if re.search(rf"^{re.escape(heading)}$", t, re.M))


def stored(engine: Engine, kpi: str, scope_code: str = AUTHORITY) -> dict[str, object]:
    rows = read_kpis(engine, MARCH, AUTHORITY, None)
    return next(r for r in rows if r["kpi"] == kpi and r["scope_code"] == scope_code)


def ref(raw: str, worker_type: str) -> str:
    return pseudonyms([raw], AUTHORITY, worker_type, KEY.encode())[0]


def test_files_are_named_and_the_html_copy_is_self_contained(rendered: dict[str, Path]) -> None:
    assert rendered["cabinet"].name == "HND_cabinet_2025-03.pdf"
    assert rendered["monitoring-visit"].name == "HND_monitoring-visit_2025-03.pdf"
    for kind in ("cabinet", "monitoring-visit"):
        html = rendered[f"{kind}.html"].read_text(encoding="utf-8")
        assert rendered[f"{kind}.html"].with_suffix(".pdf") == rendered[kind]
        assert "<style>" in html and 'rel="stylesheet"' not in html
        assert "@page" in html and '<html lang="en-GB">' in html


def test_cabinet_pdf_is_tagged_with_language_and_title(rendered: dict[str, Path]) -> None:
    reader = PdfReader(rendered["cabinet"])
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "en-GB"
    assert reader.metadata is not None
    assert reader.metadata.title == ("Children's social care workforce report: "
                                     "Hand-built Council, 31 March 2025")
    html = rendered["cabinet.html"].read_text(encoding="utf-8")
    assert '<th scope="col"' in html and '<th scope="row"' in html
    assert 'role="img"' in html and "<title" in html  # charts carry their text alternative


def test_cabinet_headline_tiles_show_stored_values(rendered: dict[str, Path],
                                                   warehouse: Engine) -> None:
    summary = page_with(pages(rendered["cabinet"]), "Summary")
    vacancy = stored(warehouse, "vacancy_rate")
    # 3.1 vacant FTE / (3.1 + 8.5 FTE in post), as tests/test_kpis_fixture.py works out.
    assert vacancy["value"] == pytest.approx(100 * 3.1 / 11.6)
    tile = summary[summary.index("Vacancy rate"):]
    assert tile.split("\n")[1] == "26.7%"
    assert "Target: 20.0%" in tile
    assert vacancy["rag"] == "R" and re.search(r"^R\s+Red$", tile, re.M)  # 6.7 over, tol. 5


def test_cabinet_commentary_comes_from_stored_values(rendered: dict[str, Path],
                                                     warehouse: Engine) -> None:
    text = " ".join(pages(rendered["cabinet"])).replace("\n", " ")
    before = read_kpis(warehouse, Period(2024, 3), AUTHORITY, ("council",))
    then = next(r["value"] for r in before if r["kpi"] == "vacancy_rate")
    now = stored(warehouse, "vacancy_rate")["value"]
    verb = "fell" if round(now, 1) < round(then, 1) else "rose"  # type: ignore[operator]
    assert (f"The vacancy rate {verb} from {then:.1f}% in March 2024 to {now:.1f}% in "
            "March 2025, above the 20.0% target") in text
    # The hand-built council's settings name no DfE code: England only, and why.
    national = england()
    assert (f"the latest published figures (year to 30 September {national.latest_year}) "
            f"are England {national.latest('vacancy_rate'):.1f}%.") in text
    assert ("Hand-built's DfE measures are compared with England only, for the year to 30 "
            f"September {national.latest_year}: the settings give no dfe_la_code") in text
    assert "statistical neighbours" not in text.split("About this report")[0]


def test_cabinet_withholds_small_team_counts(rendered: dict[str, Path]) -> None:
    teams = page_with(pages(rendered["cabinet"]), "Teams")
    rows = {line.split(" [c]")[0]: line for line in teams.split("\n") if "[c]" in line}
    # AS01 has 4 social workers (primary); CP01's 5 would follow from the total of 9.
    # Vacancy, agency, turnover, absence and stability rest on those (or on fewer than 5
    # agency workers, leavers or stayers); the average caseload rests on 5 case holders.
    assert rows["Assessment East"] == "Assessment East [c] [c] [c] [c] 11.0 [c] [c]"
    assert rows["Child Protection North"] == (
        "Child Protection North [c] [c] [c] [c] 17.7 [c] [c]")
    assert re.search(r"^All teams 9 26\.7% ", teams, re.M)
    # Every point of the retention curve rests on fewer than 5 eligible workers.
    everything = " ".join(pages(rendered["cabinet"])).replace("\n", " ")
    assert "The retention curve is withheld" in everything
    assert "Paid since the scheme began [c] [c] [c]" in everything


def test_monitoring_pack_is_marked_on_every_page(rendered: dict[str, Path]) -> None:
    texts = pages(rendered["monitoring-visit"])
    assert len(texts) >= 2
    for number, page in enumerate(texts, start=1):
        assert page.count("OFFICIAL-SENSITIVE") >= 2, f"page {number}: header and footer"


def test_monitoring_pack_lists_from_the_facts(rendered: dict[str, Path],
                                              warehouse: Engine) -> None:
    text = "\n".join(pages(rendered["monitoring-visit"]))
    # Leavers in the 12 months to 31 March 2025: E03, E12 and E07 (E15 left before).
    assert "3 leavers" in text.replace("\n", " ")
    for reason in ("Resignation", "End of contract", "Retirement"):
        assert reason in text
    assert ref("E15", "employee") not in text
    # AG03, placed since 2 October 2023: 17 whole months at 31 March 2025.
    assert re.search(rf"^{ref('AG03', 'agency')} .*2 October 2023 17$", text, re.M)
    # E02 holds 22 cases, over the threshold of 20; the team table's count agrees.
    assert re.search(rf"^{ref('E02', 'employee')} Employee Child Protection North 22 ",
                     text, re.M)
    over = stored(warehouse, "caseload_over_threshold")
    assert over["numerator"] == 1
    assert "Case holders with more than 20 open cases at 31 March 2025: 1." in text.replace(
        "\n", " ")


def test_workers_appear_only_by_pseudonym(rendered: dict[str, Path]) -> None:
    for kind in ("cabinet", "monitoring-visit"):
        text = "\n".join(pages(rendered[kind]))
        html = rendered[f"{kind}.html"].read_text(encoding="utf-8")
        assert not RAW_IDS.search(text), RAW_IDS.search(text)
        assert not RAW_IDS.search(html)
    pack = "\n".join(pages(rendered["monitoring-visit"]))
    assert PSEUDONYM.search(pack)
    assert not PSEUDONYM.search("\n".join(pages(rendered["cabinet"])))


def test_appendix_names_the_extracts_with_checksums(rendered: dict[str, Path],
                                                    warehouse: Engine) -> None:
    from workforce.warehouse import loaded_months

    html = rendered["cabinet.html"].read_text(encoding="utf-8")
    march = next(m for m in loaded_months(warehouse) if m.period == "2025-03")
    for file in march.files:
        assert file.sha256 in html
    assert march.load_id in html
    assert "About this report" in html


def test_reports_are_deterministic(warehouse: Engine, rendered: dict[str, Path],
                                   tmp_path: Path) -> None:
    again = render_report(warehouse, "cabinet", AUTHORITY, "2025-03", tmp_path,
                          settings=SETTINGS)
    assert again[1].read_text(encoding="utf-8") == rendered["cabinet.html"].read_text(
        encoding="utf-8")
    assert pages(again[0]) == pages(rendered["cabinet"])


def test_a_month_without_results_is_refused(warehouse: Engine, tmp_path: Path) -> None:
    with pytest.raises(ReportUnavailable, match="2023-01"):
        render_report(warehouse, "cabinet", AUTHORITY, "2023-01", tmp_path, settings=SETTINGS)
    with pytest.raises(ValueError, match="unknown report"):
        render_report(warehouse, "budget", AUTHORITY, "2025-03", tmp_path, settings=SETTINGS)
    assert not list(tmp_path.iterdir())


def test_report_command(warehouse: Engine, tmp_path: Path,
                        capsys: pytest.CaptureFixture[str]) -> None:
    url = str(warehouse.url)
    assert main(["report", "monitoring-visit", "--period", "2025-03", "--out",
                 str(tmp_path), "--warehouse", url]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "HND_monitoring-visit_2025-03.html", "HND_monitoring-visit_2025-03.pdf"]
    assert "Wrote " in capsys.readouterr().out
    assert main(["report", "cabinet", "--period", "2019-01", "--out", str(tmp_path),
                 "--warehouse", url]) == 1
    assert "No authority has 2019-01 loaded" in capsys.readouterr().err


def test_report_command_renders_councils_in_parallel_as_it_would_one_by_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from workforce.pipeline import load_authority_month
    from workforce.sample import write_sample

    engine = make_engine(f"sqlite:///{tmp_path / 'two.db'}")
    for code in ("ONE", "TWO"):
        write_sample(tmp_path / "landing", code, MARCH, months=1, posts=60)
        load_authority_month(tmp_path / "landing", code, MARCH, engine)
        compute_month(engine, code, MARCH)
    command = ["report", "monitoring-visit", "--period", "2025-03", "--warehouse",
               str(engine.url)]
    stems = {code: f"{code}_monitoring-visit_2025-03" for code in ("ONE", "TWO")}

    assert main([*command, "--out", str(tmp_path / "pool"), "--jobs", "2"]) == 0
    written = [line.rsplit("/", 1)[-1] for line in capsys.readouterr().out.splitlines()]
    assert written == [f"{stem}.{ext}" for stem in stems.values() for ext in ("pdf", "html")]
    assert main([*command, "--out", str(tmp_path / "alone"), "--jobs", "1",
                 "--authority", "TWO", "--authority", "ONE"]) == 0
    for stem in stems.values():
        pool, alone = tmp_path / "pool" / stem, tmp_path / "alone" / stem
        assert pool.with_suffix(".html").read_text(encoding="utf-8") == \
            alone.with_suffix(".html").read_text(encoding="utf-8")
        assert pages(pool.with_suffix(".pdf")) == pages(alone.with_suffix(".pdf"))


def test_findings_never_quote_a_worker_identifier(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'w.db'}")
    upgrade_warehouse(engine)
    finding = {"load_id": "L1", "authority_code": "HND", "period": "2025-03",
               "file_name": "hr_staff.csv", "row_number": 7, "severity": "warning"}
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO load_batch VALUES ('L1', 'HND', '2025-03', 'now', 'v')"))
        connection.execute(text(
            "INSERT INTO validation_finding VALUES (:load_id, :authority_code, :period, "
            ":file_name, :row_number, :column_name, :severity, :message)"), [
            {**finding, "column_name": "employee_id",
             "message": "expected each (employee_id, post_id) once; found (E123, P01) "
                        "more than once"},
            {**finding, "column_name": "fte", "message": "expected a value in [0, 1.5]; "
                                                          "found 2"},
        ])
    messages = [f["message"] for f in sources.findings(engine, "HND", MARCH, MARCH)]
    assert messages == [
        "expected each (employee_id, post_id) once; the value found is withheld (a worker "
        "identifier)",
        "expected a value in [0, 1.5]; found 2",
    ]
    engine.dispose()


# ---- disclosure control -----------------------------------------------------------------


def test_small_counts() -> None:
    assert [disclosure.small(n) for n in (0, 1, 4, 4.9, 5, None, SUPPRESSED)] == [
        False, True, True, True, False, False, False]


def test_primary_and_secondary_suppression_in_a_group() -> None:
    # One small cell: the total would give it back, so the next smallest goes too.
    assert disclosure.suppress_group({"a": 3, "b": 12, "c": 7}, 22) == {"a", "c"}
    # Ties go by name, so the same cell is chosen every run.
    assert disclosure.suppress_group({"a": 3, "c": 7, "b": 7}, 17) == {"a", "b"}
    # Two small cells holding fewer than 5 people together: a third is withheld.
    assert disclosure.suppress_group({"a": 1, "b": 2, "c": 9, "d": 30}, 42) == {"a", "b", "c"}
    # Two cells that together hold 5 or more cannot be told apart: no more needed.
    assert disclosure.suppress_group({"a": 4, "b": 3, "c": 9}, 16) == {"a", "b"}
    # No total shown: nothing to subtract from.
    assert disclosure.suppress_group({"a": 3, "b": 12}, SUPPRESSED) == {"a"}
    # Zeros are shown, and nothing small means nothing withheld.
    assert disclosure.suppress_group({"a": 0, "b": 12, "c": 7}, 19) == set()
    # A zero may be the cell that protects another.
    assert disclosure.suppress_group({"a": 0, "b": 2, "c": 7}, 9) == {"a", "b", "c"}


def kpi(scope: str, code: str, name: str, value: object, *, unit: str = "count",
        numerator: float | None = None, denominator: float | None = None,
        rag: str | None = None) -> Kpi:
    return Kpi("2025-03", scope, code, name, unit, numerator, denominator, value,  # type: ignore[arg-type]
               target=None if rag is None else 15.0, rag=rag)


def test_protect_withholds_counts_rates_and_their_ratings() -> None:
    rows = [
        kpi("council", "X", "sw_headcount", 40),
        kpi("team", "T1", "sw_headcount", 3),
        kpi("team", "T2", "sw_headcount", 25),
        kpi("team", "T3", "sw_headcount", 12),
        kpi("team", "T1", "vacancy_rate", 25.0, unit="percent", rag="R"),
        kpi("team", "T3", "vacancy_rate", 10.0, unit="percent", rag="G"),
        kpi("team", "T2", "vacancy_rate", 12.0, unit="percent", rag="G"),
        # 2 leavers out of 25: the turnover rate would give the count back.
        kpi("team", "T2", "leavers_headcount_12m", 2),
        kpi("team", "T2", "turnover_rate", 8.0, unit="percent", numerator=2.0,
            denominator=25.0),
        # A rate whose own numerator and denominator are counts of people.
        kpi("team", "T2", "stability_index", 75.0, unit="percent", numerator=3.0,
            denominator=4.0),
        kpi("team", "T2", "stability_index_eligible_group", 90.0, unit="percent",
            numerator=18.0, denominator=20.0),
        # Posts, not people: shown whatever the size.
        kpi("team", "T1", "establishment_vacancy_rate", 50.0, unit="percent", numerator=1.0,
            denominator=2.0),
    ]
    figures = Figures(
        "X", {r.key: r for r in rows},
        payments=[Payments("big", 12, 14, 28_000.0), Payments("small", 2, 2, 4_000.0)],
        curve=[CurvePoint(0, 20, 19, 95.0), CurvePoint(6, 4, 4, 100.0)],
    )
    safe = disclosure.protect(figures, totalled=("sw_headcount",))
    value = safe.value
    assert value("2025-03", "sw_headcount", "T1") is SUPPRESSED  # primary
    assert value("2025-03", "sw_headcount", "T3") is SUPPRESSED  # secondary: next smallest
    assert value("2025-03", "sw_headcount", "T2") == 25
    assert value("2025-03", "sw_headcount") == 40
    assert value("2025-03", "vacancy_rate", "T1") is SUPPRESSED
    assert safe.get("2025-03", "vacancy_rate", "T1").rag is None  # type: ignore[union-attr]
    assert value("2025-03", "vacancy_rate", "T3") is SUPPRESSED  # rests on a withheld count
    assert value("2025-03", "vacancy_rate", "T2") == 12.0
    assert value("2025-03", "leavers_headcount_12m", "T2") is SUPPRESSED
    assert value("2025-03", "turnover_rate", "T2") is SUPPRESSED
    assert value("2025-03", "stability_index", "T2") is SUPPRESSED
    assert value("2025-03", "stability_index_eligible_group", "T2") == 90.0
    assert value("2025-03", "establishment_vacancy_rate", "T1") == 50.0
    assert [p.workers for p in safe.payments] == [12, SUPPRESSED]
    assert safe.payments[1].amount_gbp is SUPPRESSED  # fixed amounts give the count back
    assert [(p.observed, p.share) for p in safe.curve] == [(20, 95.0),
                                                           (SUPPRESSED, SUPPRESSED)]
    # The input is left as it was.
    assert figures.value("2025-03", "sw_headcount", "T1") == 3


def test_protect_without_teams_leaves_large_counts() -> None:
    rows = [kpi("council", "X", "sw_headcount", 293),
            kpi("council", "X", "agency_headcount", 50),
            kpi("council", "X", "agency_rate", 14.7, unit="percent", rag="A")]
    safe = disclosure.protect(Figures("X", {r.key: r for r in rows}))
    assert safe.kpis == {r.key: r for r in rows}


# ---- commentary -------------------------------------------------------------------------


def test_kpi_sentence_from_the_numbers() -> None:
    sentence = commentary.kpi_sentence(
        "Vacancy rate", "percent", now=18.94, before=21.43, now_month="2025-03",
        before_month="2024-03", target=20, rag="G",
        comparison=Comparison("vacancy_rate", 2025, 14.2, None, 13.19, 9,
                              Rank(3, 10, True, "lower")), region_name="North West")
    # A figure the DfE did not publish is said to be missing, never shown as 0.
    assert sentence == ("The vacancy rate fell from 21.4% in March 2024 to 18.9% in March "
                        "2025, below the 20.0% target (green); the latest published figures "
                        "(year to 30 September 2025) are England 14.2%, North West not "
                        "published and the mean of nine statistical neighbours 13.2%. Among "
                        "its statistical neighbours it has the joint 3rd lowest vacancy rate "
                        "of 10.")
    assert commentary.kpi_sentence(
        "Average caseload", "cases_per_fte", now=16.04, before=15.96, now_month="2025-03",
        before_month="2024-03", target=None, rag=None) == (
        "The average caseload was unchanged at 16.0 cases per case-holding FTE between "
        "March 2024 and March 2025.")
    assert commentary.kpi_sentence(
        "Average caseload", "cases_per_fte", now=16.08, before=16.2, now_month="2025-03",
        before_month="2024-03", target=18, rag="G") == (
        "The average caseload fell from 16.2 in March 2024 to 16.1 cases per case-holding "
        "FTE in March 2025, below the 18.0 cases per case-holding FTE target (green).")
    assert commentary.kpi_sentence(
        "Turnover rate", "percent", now=SUPPRESSED, before=12.0, now_month="2025-03",
        before_month="2024-03", target=14, rag=None,
        comparison=Comparison("turnover_rate", 2025, 11.8, 12.2, 12.1, 10, None)) == (
        "The turnover rate for March 2025 is withheld because it rests on fewer than five "
        "people.")
    assert commentary.kpi_sentence(
        "Stability index", "percent", now=85.57, before=None, now_month="2025-03",
        before_month="2024-03", target=88, rag="A") == (
        "The stability index was 85.6% in March 2025 (the figure for March 2024 is not "
        "available), below the 88.0% target (amber).")


def test_summaries_and_money() -> None:
    assert commentary.rag_summary(["G", "A", "A", "R", None]) == (
        "Of the four headline measures rated against a target, one is green, two are amber "
        "and one is red.")
    assert commentary.rag_summary(["R", None], withheld=2) == (
        "The one headline measure rated against a target is red. The ratings of two more "
        "are withheld with their figures.")
    assert commentary.direction_summary(["better", "worse", "worse", None], "2024-03") == (
        "Compared with March 2024, one measure improved and two measures worsened.")
    assert commentary.money(4_340_104.05) == "£4.34m"
    assert commentary.money(-1_250_000) == f"{MINUS}£1.25m"
    assert commentary.money(516_586.33) == "£516,586"
    assert commentary.over_under(-159_895.95, 4_500_000) == "£159,896 under the £4.50m budget"
    assert commentary.over_under(1_200, 600_000) == "£1,200 over the £600,000 budget"


# ---- benchmarks -------------------------------------------------------------------------


def test_benchmarks_path_is_configurable(monkeypatch: pytest.MonkeyPatch,
                                         tmp_path: Path) -> None:
    national = england()
    assert national.latest_year == 2025
    assert national.latest("vacancy_rate") == 14.2
    assert national.latest("caseload_avg") == 15.2
    # A month falls in the census year to the next 30 September.
    assert national.for_month("turnover_rate", Period(2024, 9)) == national.by_year[2024][
        "turnover_rate"]
    assert national.for_month("turnover_rate", Period(2024, 10)) == 11.8
    own = tmp_path / "csww_indicators_2017_to_2026.csv"
    own.write_text(benchmarks_path().read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setenv(BENCHMARKS_VARIABLE, str(tmp_path))
    assert benchmarks_path() == own
    monkeypatch.setenv(BENCHMARKS_VARIABLE, str(tmp_path / "missing"))
    with pytest.raises(FileNotFoundError, match=BENCHMARKS_VARIABLE):
        benchmarks_path()


def test_project_copy_of_benchmarks_matches_the_shared_file() -> None:
    from workforce.reports.benchmarks import OWN_BENCHMARKS, SHARED_BENCHMARKS

    own = OWN_BENCHMARKS / "csww_indicators_2017_to_2025.csv"
    assert own.exists()
    shared = SHARED_BENCHMARKS / own.name
    if shared.exists():
        assert own.read_bytes() == shared.read_bytes()
