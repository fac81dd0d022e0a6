"""The cabinet report's trends reach back through a council's census returns: five past
returns (built from Bolton's published DfE rows by tests/test_census_import.py's helpers,
imported for the test council TST) and one month of extracts (March 2025) give five years of
trend, the census Septembers drawn and described as annual points.

GOOD_MONTH alone has three social workers, so every rate of the month would be withheld
([c]) in a public report; the month here is GOOD_MONTH three times over (its workers, posts
and agency lines copied under new ids), which leaves the council's rates shown.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from pypdf import PdfReader
from sqlalchemy import Engine
from test_census_import import LEA, published, unrounded
from test_report_render import _structure

from conftest import AUTHORITY, GOOD_MONTH, PERIOD, write_month
from workforce.census.read import read_census
from workforce.census.store import import_census
from workforce.census.synthetic import synthetic_return
from workforce.comparisons.compare import comparators
from workforce.config import AuthorityConfig
from workforce.kpis import compute_month, read_kpis
from workforce.periods import Period
from workforce.pipeline import load_authority_month
from workforce.reports import cabinet, charts, commentary, disclosure
from workforce.reports.build import render_report
from workforce.reports.context import Months
from workforce.reports.figures import Figures, Kpi
from workforce.reports.filters import SUPPRESSED
from workforce.warehouse import make_engine

YEARS = (2020, 2021, 2022, 2023, 2024)
SETTINGS = AuthorityConfig(code=AUTHORITY, name="Test Council")
IDS = ("post_id", "employee_id", "line_id", "worker_ref")


def tripled() -> dict[str, list[dict[str, str]]]:
    """GOOD_MONTH with every worker, post and agency line three times, under new ids."""
    return {kind: [{column: f"{value}{copy}" if column in IDS and value else value
                    for column, value in row.items()}
                   for copy in ("A", "B", "C") for row in rows]
            for kind, rows in GOOD_MONTH.items()}


def census_rates(kpi: str) -> dict[int, float]:
    column = {"vacancy_rate": "vacancy_rate_fte", "caseload_avg": "caseload_fte"}[kpi]
    return {year: published("Bolton", year)[column] for year in YEARS}


def warehouse(tmp_path: Path) -> Engine:
    engine = make_engine(f"sqlite:///{tmp_path / 'warehouse.db'}")
    load_authority_month(write_month(tmp_path / "landing", tripled()).parents[1], AUTHORITY,
                         PERIOD, engine)
    compute_month(engine, AUTHORITY, PERIOD, SETTINGS)
    for year in YEARS:
        path = tmp_path / f"csww_{year}.xml"
        path.write_text(synthetic_return(unrounded(published("Bolton", year), year), year, LEA),
                        encoding="utf-8")
        census, findings = read_census(path)
        assert census is not None, findings
        import_census(engine, census, AUTHORITY, SETTINGS)
    return engine


def figures_alt(path: Path) -> list[str]:
    """The text alternatives of the PDF's figures, in order."""
    return [str(e["/Alt"]) for e in _structure(path) if e["/S"] == "/Figure"]


def test_five_census_returns_and_one_month_give_five_years_of_trend(tmp_path: Path) -> None:
    engine = warehouse(tmp_path)
    march = {r["kpi"]: r for r in read_kpis(engine, PERIOD, AUTHORITY, ("council",))}
    pdf, html = render_report(engine, "cabinet", AUTHORITY, PERIOD, tmp_path / "out",
                              settings=SETTINGS)
    engine.dispose()

    texts = [page.extract_text() for page in PdfReader(pdf).pages]
    everything = re.sub(r"\s+", " ", " ".join(texts))
    trends = re.sub(r"\s+", " ", next(t for t in texts if re.search(r"^Trends$", t, re.M)))
    # The cover and the captions: September 2020 to March 2025, the census years named.
    assert "Trends September 2020 to March 2025" in everything
    assert ("Vacancy rate, September 2020 to March 2025: annual census returns (hollow "
            "diamonds) at 30 September 2020 to 2024; monthly figures from March 2025"
            in trends)
    # The legend and the note say which points are annual.
    assert "Test annual census return" in trends
    assert ("Where no monthly results are stored for a September, the charts of the DfE's "
            "measures add the council's annual census return for 30 September 2020 to 2024: "
            "one figure a year, drawn as a hollow diamond" in everything)
    assert "Sources: HR, establishment, agency and caseload extracts; Test's census returns" \
        in everything

    # The text alternative: the month, then every annual point, then England.
    alts = {alt.split(",")[0]: alt for alt in figures_alt(pdf)}
    vacancy = alts["Vacancy rate"]
    month = f"{march['vacancy_rate']['value']:.1f}%"
    annual = ", ".join(f"{rate:.1f}% at 30 September {year}"
                       for year, rate in census_rates("vacancy_rate").items())
    assert vacancy.startswith(
        f"Vacancy rate, September 2020 to March 2025: Test by month {month} in March 2025; "
        f"Test annual census return {annual}; England from ")
    caseload = ", ".join(f"{rate:.1f} at 30 September {year}"
                         for year, rate in census_rates("caseload_avg").items())
    assert f"Test annual census return {caseload};" in alts["Average caseload"]
    # The commentary says the figures are the census returns', and gives first and last.
    rates = census_rates("vacancy_rate")
    verb = "rose" if rates[2024] > rates[2020] else "fell"
    assert (f"In the five annual census returns, the vacancy rate {verb} from "
            f"{rates[2020]:.1f}% at 30 September 2020 to {rates[2024]:.1f}% at 30 September "
            "2024." in everything)
    # The stability index is not a DfE measure: no census points, its monthly span only.
    assert alts["Stability index"].startswith("Stability index, March 2025:")
    assert "annual census" not in alts["Stability index"]
    assert "both monthly results and an annual census return" not in everything
    # "About this report" counts the returns drawn on; the HTML copy lists each with its
    # SHA-256 (tests/test_report_about.py: the manifest too).
    about = everything[everything.rindex("About this report"):]
    assert ("The figures also draw on 5 DfE census returns, for 30 September 2020, 2021, "
            "2022, 2023 and 2024." in about)
    copy = html.read_text(encoding="utf-8")
    for year in YEARS:
        path = tmp_path / f"csww_{year}.xml"
        assert path.name in copy and hashlib.sha256(path.read_bytes()).hexdigest() in copy
    # The HTML copy carries the same charts: five hollow diamonds and the legend's one.
    chart = html.read_text(encoding="utf-8").split("Vacancy rate, September 2020 to March "
                                                   "2025:")[2].split("</svg>")[0]
    assert "Test annual census return" in chart


def kpi(period: str, name: str, value: float) -> Kpi:
    return Kpi(period, "council", AUTHORITY, name, "percent", None, None, value)


def test_a_september_with_monthly_and_census_results_shows_the_monthly() -> None:
    monthly = {"2024-09": 30.0, "2025-03": 26.0}
    census = {"2022-09": 18.0, "2023-09": 19.0, "2024-09": 20.0}
    figures = Figures(
        AUTHORITY,
        {k.key: k for k in (kpi(p, "vacancy_rate", v) for p, v in monthly.items())},
        annual={k.key: k for k in (kpi(p, "vacancy_rate", v) for p, v in census.items())},
    )
    months = Months(Period(2025, 3), list(monthly))
    notes = cabinet.trend_notes(figures, months)
    assert notes[-1] == ("September 2024 has both monthly results and an annual census "
                         "return; the charts show the monthly results.")
    vacancy = cabinet.trend_charts(figures, months, comparators(None), "Test")[0]
    assert vacancy["annual"] == [("2022-09", 18.0), ("2023-09", 19.0)]
    alt = vacancy["chart"].alt
    assert alt.startswith("Vacancy rate, September 2022 to March 2025: Test by month from "
                          "30.0% in September 2024 to 26.0% in March 2025; 5 months not "
                          "shown; Test annual census return 18.0% at 30 September 2022, "
                          "19.0% at 30 September 2023; England ")
    assert "20.0%" not in alt.split("; England")[0]


def test_annual_points_and_a_withheld_month_in_the_text_alternative() -> None:
    months = ["2023-09", "2023-10", "2023-11", "2023-12", "2024-01", "2024-02", "2024-03"]
    chart = charts.line_chart(
        months, [None] * 6 + [SUPPRESSED], measure="Vacancy rate", unit="percent",
        series_label="Test", annual=[21.5] + [None] * 6, monthly_from=6)
    assert chart.alt == ("Vacancy rate, September 2023 to March 2024: Test by month [c] "
                         "(withheld) in March 2024; Annual census return 21.5% at 30 "
                         "September 2023.")
    assert "Annual census return" in chart.svg  # the legend


def test_census_figures_pass_disclosure_control() -> None:
    small = Kpi("2023-09", "council", AUTHORITY, "sw_headcount", "count", None, None, 3)
    figures = Figures(AUTHORITY, {}, annual={
        small.key: small, (rate := kpi("2023-09", "vacancy_rate", 20.0)).key: rate})
    protected = disclosure.protect(figures)
    assert protected.census("2023-09", "sw_headcount").value is SUPPRESSED  # type: ignore[union-attr]
    assert protected.census("2023-09", "vacancy_rate").value is SUPPRESSED  # type: ignore[union-attr]
    points = [("2022-09", 18.0), ("2023-09", SUPPRESSED)]
    assert commentary.annual_sentence("Vacancy rate", "percent", points) == (
        "The annual census return (one withheld because it rests on fewer than five people) "
        "gives the vacancy rate as 18.0% at 30 September 2022.")
