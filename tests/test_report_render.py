"""The rendering foundation: number formats, the restricted fetcher, charts, and a demo
template rendered to a real, tagged PDF and read back."""

from __future__ import annotations

import datetime as dt
import logging
import os
import pickle
import re
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from jinja2 import UndefinedError
from pypdf import PdfReader

from workforce.periods import Period
from workforce.reports import charts, filters
from workforce.reports.fetcher import RefusedURL, TemplatesFetcher
from workforce.reports.filters import MINUS, SUPPRESSED
from workforce.reports.render import (
    Column,
    environment,
    render_html,
    templates_dir,
    write_pdf,
)

# ---- filters --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("function", "value", "expected"),
    [
        (filters.count, 1234, "1,234"),
        (filters.count, 1234.5, "1,235"),  # half up, not half even
        (filters.count, 0, "0"),
        (filters.count, -1234, f"{MINUS}1,234"),
        (filters.count, Decimal("1000000"), "1,000,000"),
        (filters.fte, 33119.1, "33,119.1"),
        (filters.fte, 0.05, "0.1"),
        (filters.fte, 2, "2.0"),
        (filters.percent, 18.94, "18.9%"),
        (filters.percent, 18.95, "19.0%"),  # the decimal as written, not the binary float
        (filters.percent, 100, "100.0%"),
        (filters.percent, -0.04, "0.0%"),  # never "−0.0%"
        (filters.money, 1234, "£1,234"),
        (filters.money, 1234.5, "£1,235"),
        (filters.money, -1234, f"{MINUS}£1,234"),
        (filters.money, Decimal("2335000"), "£2,335,000"),
        (filters.change, 2.1, "+2.1 pts"),
        (filters.change, -0.4, f"{MINUS}0.4 pts"),
        (filters.change, 0.04, "0.0 pts"),
        (filters.number, 16.04, "16.0"),
    ],
)
def test_number_formats(function: Any, value: Any, expected: str) -> None:
    assert function(value) == expected


def test_money_with_pence_and_sign() -> None:
    assert filters.money(1234.56, pence=True) == "£1,234.56"
    assert filters.money(2.675, pence=True) == "£2.68"
    assert filters.money(-0.5, pence=True) == f"{MINUS}£0.50"
    assert filters.money(1234, signed=True) == "+£1,234"
    assert filters.money(-1234, signed=True) == f"{MINUS}£1,234"
    assert filters.money(0, signed=True) == "£0"


def test_change_units_and_places() -> None:
    assert filters.change(3, "FTE") == "+3.0 FTE"
    assert filters.change(-2, "", 0) == f"{MINUS}2"
    assert filters.delta(-0.4, "percent") == f"{MINUS}0.4 pts"
    assert filters.delta(4, "count") == "+4"
    assert filters.delta(1500, "gbp") == "+£1,500"
    assert filters.delta(-1.25, "fte") == f"{MINUS}1.3 FTE"


def test_not_applicable_and_suppressed() -> None:
    for function in (filters.count, filters.fte, filters.percent, filters.money,
                     filters.change, filters.number):
        assert function(None) == "–"
        assert function(float("nan")) == "–"
        assert function(None, na="n/a") == "n/a"
        assert function(SUPPRESSED) == "[c]"
    assert filters.fmt(SUPPRESSED, "percent") == "[c]"
    assert filters.fmt(None, "gbp", na="not applicable") == "not applicable"
    assert filters.date(None) == "–"
    assert filters.month(None, na="") == ""
    # One sentinel, surviving a copy between processes (Airflow tasks pickle results).
    assert pickle.loads(pickle.dumps(SUPPRESSED)) is SUPPRESSED
    assert repr(SUPPRESSED) == "SUPPRESSED"


def test_non_numbers_are_refused() -> None:
    with pytest.raises(TypeError):
        filters.count("12")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        filters.percent(True)
    with pytest.raises(ValueError):
        filters.count(float("inf"))


def test_gap_is_an_unsigned_change() -> None:
    assert filters.gap(11.62, "percent") == "11.6 pts"
    assert filters.gap(-2.34, "cases_per_fte") == "2.3"
    assert filters.gap(None, "percent", na="not available") == "not available"
    assert filters.gap(SUPPRESSED, "percent") == "[c]"


def test_dates_and_months() -> None:
    assert filters.date(dt.date(2025, 3, 31)) == "31 March 2025"
    assert filters.date(dt.date(2025, 4, 1)) == "1 April 2025"  # no leading zero
    assert filters.date("2024-09-30") == "30 September 2024"
    assert filters.date(dt.datetime(2025, 3, 31, 23, 59)) == "31 March 2025"
    assert filters.timestamp("2025-04-05T06:12:59+00:00") == "5 April 2025, 06:12 UTC"
    assert filters.timestamp("2025-04-05T07:12:00+01:00") == "5 April 2025, 06:12 UTC"
    assert filters.month("2025-03") == "March 2025"
    assert filters.month(dt.date(2025, 3, 31)) == "March 2025"
    assert filters.month(Period(2024, 4)) == "April 2024"
    assert filters.month("2025-03", short=True) == "Mar 2025"
    with pytest.raises(ValueError):
        filters.month("2025-13")
    with pytest.raises(ValueError):
        filters.month("March")


def test_fmt_by_unit() -> None:
    assert filters.fmt(18.94, "percent") == "18.9%"
    assert filters.fmt(33119.14, "fte") == "33,119.1"
    assert filters.fmt(12, "count") == "12"
    assert filters.fmt(2061000, "gbp") == "£2,061,000"
    assert filters.fmt(45.5, "gbp_per_hour") == "£45.50"
    assert filters.fmt(15.96, "cases_per_fte") == "16.0"
    assert filters.fmt("Child Protection North", "text") == "Child Protection North"
    assert filters.fmt("2025-03", "month") == "March 2025"
    with pytest.raises(ValueError, match="no format"):
        filters.fmt(1, "furlongs")


def test_direction_rag_and_marking() -> None:
    assert filters.direction(-0.4, "lower") == "better"
    assert filters.direction(-0.4, "higher") == "worse"
    assert filters.direction(0.01, "lower") == "same"
    assert filters.direction(2.0, None) is None
    assert filters.direction(None, "lower") is None
    assert [filters.rag_letter(r) for r in ("red", "Amber", "G", None)] == ["R", "A", "G", ""]
    assert filters.rag_name("r") == "Red"
    with pytest.raises(ValueError):
        filters.rag_key("blue")
    assert filters.protective_marking("OFFICIAL-SENSITIVE") == "OFFICIAL-SENSITIVE"
    with pytest.raises(ValueError):
        filters.protective_marking("official sensitive")


# ---- charts ---------------------------------------------------------------------------

MONTHS = [str(Period(2023, 4 + i) if i < 9 else Period(2024, i - 8)) for i in range(12)]
MONTHS += [str(Period(2024, 4 + i) if i < 9 else Period(2025, i - 8)) for i in range(12)]
VACANCY = [21.4, 21.9, 22.0, 21.6, 21.1, 20.8, 20.9, 20.5, 20.2, 19.8, 19.9, 19.6,
           19.7, 19.4, 19.1, 18.8, 19.0, 18.7, 18.6, 18.9, 18.5, 18.7, 18.8, 18.94]
ENGLAND = [18.1] * 12 + [17.8] * 12
SPEND = [182_000, 175_500, 190_250, 168_000, 171_900, 160_400, 158_000, 149_750, 151_200,
         150_000, 150_000, 150_000]


def test_line_chart_svg_and_alt() -> None:
    chart = charts.line_chart(MONTHS, VACANCY, measure="Vacancy rate", unit="percent",
                              target=20)
    assert chart.alt.startswith(
        "Vacancy rate, April 2023 to March 2025: from 21.4% in April 2023 to 18.9% in "
        "March 2025"
    )
    assert chart.alt.endswith("; target 20.0%.")
    assert chart.svg.startswith("<svg ")
    assert 'role="img"' in chart.svg
    assert f">{chart.alt}</title>" in chart.svg
    assert "<?xml" not in chart.svg and "<metadata" not in chart.svg
    assert "<style" not in chart.svg  # matplotlib's sheet would style the whole page
    assert chart.__html__() == chart.svg
    # Deterministic: the same data gives the same bytes.
    again = charts.line_chart(MONTHS, VACANCY, measure="Vacancy rate", unit="percent",
                              target=20)
    assert again == chart


def test_a_small_multiple_is_narrower_with_fewer_month_labels_and_no_legend() -> None:
    months, values = MONTHS[-13:], VACANCY[-13:]
    wide = charts.line_chart(months, values, measure="Vacancy rate", unit="percent",
                             comparisons={"All members": values})
    small = charts.line_chart(months, values, measure="Vacancy rate", unit="percent",
                              comparisons={"All members": values}, width=2.2, legend=False)
    assert 'width="493.2pt"' in wide.svg and 'width="158.4pt"' in small.svg
    assert ">All members</text>" in wide.svg and ">All members</text>" not in small.svg
    # Every month labelled across the text column; every third in a third of it.
    assert wide.svg.count(">Jun</text>") == 1 and ">Jun</text>" in wide.svg
    assert ">Jun</text>" not in small.svg and ">Sep</text>" in small.svg
    assert small.alt == wide.alt  # the text alternative still names every series


def test_line_chart_with_three_comparisons() -> None:
    """England, the region and the statistical neighbours' mean beside the council: each
    its own colour and marker, named in the legend and in the text alternative."""
    region = [v + 1 for v in ENGLAND]
    neighbours = [v - 0.5 for v in VACANCY]
    chart = charts.line_chart(
        MONTHS, VACANCY, measure="Vacancy rate", unit="percent", series_label="This council",
        comparisons={"England": ENGLAND, "North West": region,
                     "Statistical neighbours (mean)": neighbours}, target=20)
    for name in ("This council", "England", "North West", "Statistical neighbours (mean)",
                 "Target (20.0%)"):
        assert f">{name}</text>" in chart.svg  # the legend
    assert "; North West from 19.1% in April 2023 to 18.8% in March 2025" in chart.alt
    assert "; Statistical neighbours (mean) from 20.9% in April 2023" in chart.alt
    for colour in charts.PALETTE:
        assert f'stroke="{colour}"' in chart.svg
    markers = re.findall(r'<path d="(M[^"]+z)" fill="(#[0-9A-Fa-f]{6})"', chart.svg)
    assert {fill for _, fill in markers} >= set(charts.PALETTE)
    # Circles, squares, triangles and diamonds: four different path shapes.
    shapes = {fill: re.sub(r"[-\d. ]+", "", d)[:8] for d, fill in markers}
    assert len({shapes[colour] for colour in charts.PALETTE}) == 4


def test_line_chart_gaps_and_comparison() -> None:
    values: list[Any] = [*VACANCY[:-2], SUPPRESSED, None]
    chart = charts.line_chart(MONTHS, values, measure="Vacancy rate", unit="percent",
                              series_label="This council", comparisons={"England": ENGLAND})
    assert "This council from 21.4% in April 2023 to 18.7% in January 2025" in chart.alt
    assert "2 months not shown" in chart.alt
    assert "England from 18.1% in April 2023 to 17.8% in March 2025" in chart.alt


def test_bar_and_grouped_bar_charts() -> None:
    months = MONTHS[12:]
    bars = charts.bar_chart(months, SPEND, measure="Agency spend", unit="gbp",
                            forecast_from=9, reference=160_000)
    assert bars.alt == (
        "Agency spend, April 2024 to March 2025: actual April 2024 to December 2024 total "
        "£1,507,000, highest £190,250 in June 2024; forecast January 2025 to March 2025 "
        "total £450,000, highest £150,000 in January 2025; budget £160,000 a month."
    )
    assert f">{bars.alt}</title>" in bars.svg
    grouped = charts.grouped_bar_chart(
        ["Q1", "Q2"], {"Assumed": [10.0, 10.0], "Actual": [12.5, SUPPRESSED]},
        measure="Vacancy factor", unit="percent")
    assert grouped.alt == (
        "Vacancy factor. Q1: assumed 10.0%, actual 12.5%; Q2: assumed 10.0%, actual [c]."
    )


def test_two_charts_on_one_page_share_no_ids() -> None:
    one = charts.line_chart(MONTHS, VACANCY, measure="Vacancy rate", unit="percent")
    two = charts.line_chart(MONTHS, ENGLAND, measure="Vacancy rate", unit="percent")
    ids_one = set(re.findall(r'\bid="([^"]+)"', one.svg))
    ids_two = set(re.findall(r'\bid="([^"]+)"', two.svg))
    assert ids_one and not ids_one & ids_two


def test_chart_text_is_escaped() -> None:
    chart = charts.line_chart(MONTHS[:3], [1, 2, 3], measure="<script>alert(1)</script>",
                              unit="count")
    assert "<script>" not in chart.svg
    assert "&lt;script&gt;" in chart.svg


def test_chart_rejects_mismatched_lengths() -> None:
    with pytest.raises(ValueError, match="values"):
        charts.line_chart(MONTHS, VACANCY[:3], measure="Vacancy rate", unit="percent")


# ---- templates and HTML ---------------------------------------------------------------

XSS_TEAM = 'Assessment <script>alert("x")</script> <img src=x onerror=alert(1)>'


def demo_context(*, marking: str = "OFFICIAL", rows: int = 40) -> dict[str, Any]:
    """The demo template's context: a bit of everything, long enough to run onto more
    than one page."""
    teams = [
        {"team": f"Team {n:02d}", "fte": 10 + n * 0.35, "vacancy_rate": 12 + (n % 9) * 1.7,
         "agency": n % 4, "spend": 12_000 + n * 731.25, "since": "2024-04"}
        for n in range(1, rows + 1)
    ]
    teams[1]["team"] = XSS_TEAM
    teams[2]["vacancy_rate"] = SUPPRESSED
    teams[3]["vacancy_rate"] = None
    return {
        "title": "Children's social care workforce report",
        "subtitle": "Cabinet, 14 May 2025",
        "council_name": "North West Town Council",
        "snapshot_date": dt.date(2025, 3, 31),
        "marking": marking,
        "software_version": "0.1.0+gdemo",
        "summary": "The vacancy rate fell to 18.9%, below the 20% target, while agency "
                   "spend is forecast to finish the year under budget.",
        "kpis": [
            {"label": "Vacancy rate", "value": 18.94, "unit": "percent", "target": 20,
             "rag": "green", "change": -2.46, "since": "2024-03", "better": "lower"},
            {"label": "Agency worker rate", "value": 21.3, "unit": "percent", "target": 15,
             "rag": "red", "change": 1.2, "since": "2024-03", "better": "lower"},
            {"label": "Turnover rate", "value": 16.4, "unit": "percent", "target": 15,
             "rag": "amber", "change": 0.0, "since": "2024-03", "better": "lower"},
            {"label": "Social workers in post (FTE)", "value": 412.6, "unit": "fte",
             "target": None, "rag": None, "change": 8.5, "since": "2024-03",
             "better": None},
            {"label": "Average caseload", "value": 17.26, "unit": "cases_per_fte",
             "target": 18, "rag": "G", "change": -0.8, "since": "2024-03",
             "better": "lower"},
            {"label": "Agency spend this year", "value": 1_957_000, "unit": "gbp",
             "target": 2_100_000, "rag": "green", "change": SUPPRESSED, "since": None,
             "better": "lower"},
        ],
        "charts": [
            {"chart": charts.line_chart(MONTHS, VACANCY, measure="Vacancy rate",
                                        unit="percent", series_label="North West Town",
                                        comparisons={"England": ENGLAND}, target=20),
             "caption": "Vacancy rate, April 2023 to March 2025",
             "source": "HR and establishment extracts; DfE CSWW statistics"},
            {"chart": charts.bar_chart(MONTHS[12:], SPEND, measure="Agency spend",
                                       forecast_from=9, reference=160_000),
             "caption": "Agency spend by month, 2024-25, with forecast to March",
             "source": "Agency timesheet extract"},
            {"chart": charts.grouped_bar_chart(
                ["April to June", "July to September", "October to December",
                 "January to March"],
                {"Assumed in budget": [310_000, 310_000, 310_000, 310_000],
                 "Actual": [355_400, 298_250, 281_900, SUPPRESSED]},
                measure="Savings from vacant posts", unit="gbp"),
             "caption": "Vacancy factor: savings assumed in the budget and achieved, 2024-25",
             "source": "Establishment extract; budget settings"},
        ],
        "team_caption": "Teams at 31 March 2025",
        "team_columns": [
            Column("team", "Team"),
            Column("fte", "Social workers (FTE)", "fte"),
            Column("vacancy_rate", "Vacancy rate", "percent"),
            {"key": "agency", "label": "Agency workers", "unit": "count"},
            Column("spend", "Agency spend", "gbp"),
            Column("since", "Team since", "month"),
        ],
        "teams": teams,
        "team_totals": {"team": "All teams", "fte": sum(t["fte"] for t in teams),
                        "vacancy_rate": 18.94, "agency": 60, "spend": 1_957_000,
                        "since": None},
        "extracts": [
            {"kind": "hr_staff", "file_name": "hr_staff.csv", "sha256": "ab" * 32,
             "rows": 1_234},
            {"kind": "establishment", "file_name": "establishment.xlsx",
             "sha256": "cd" * 32, "rows": 456},
        ],
    }


def test_team_names_are_escaped_in_html() -> None:
    html = render_html("demo.html", demo_context())
    assert "<script>" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    # Real header cells, so each figure is paired with its row and column.
    assert '<th scope="col" class="num">Vacancy rate</th>' in html
    assert '<th scope="row">Team 01</th>' in html
    assert '<html lang="en-GB">' in html
    assert "<title>Children&#39;s social care workforce report</title>" in html


def test_render_html_is_deterministic() -> None:
    assert render_html("demo.html", demo_context()) == render_html("demo.html", demo_context())


def test_missing_variable_fails_loudly() -> None:
    context = demo_context()
    del context["council_name"]
    with pytest.raises(UndefinedError):
        render_html("demo.html", context)


def test_unknown_marking_is_refused() -> None:
    with pytest.raises(ValueError, match="protective marking"):
        render_html("demo.html", demo_context(marking="SECRET-ish"))


def test_kpi_tile_carries_rag_as_text() -> None:
    env = environment()
    tile = env.from_string(
        '{% from "partials/kpi_tile.html" import kpi_tile %}'
        '{{ kpi_tile("Vacancy rate", 18.94, "percent", target=20, rag="amber", change=-0.4,'
        ' since="2024-03", better="lower") }}'
    ).render()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", tile)).strip()
    assert text == (
        f"Vacancy rate 18.9% A Amber Target: 20.0% ▼ {MINUS}0.4 pts since March 2024 (better)"
    )
    assert "kpi-tile--amber" in tile


# ---- the fetcher ----------------------------------------------------------------------


def test_fetcher_serves_templates_only(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    root = tmp_path / "templates"
    (root / "static").mkdir(parents=True)
    (root / "static" / "a.css").write_text("p { color: red }")
    secret = tmp_path / "secret.txt"
    secret.write_text("secret")
    (root / "static" / "link.css").symlink_to(secret)
    fetcher = TemplatesFetcher(root)

    response = fetcher.fetch((root / "static" / "a.css").as_uri())
    assert response.read() == b"p { color: red }"
    assert response.content_type == "text/css"

    caplog.set_level(logging.WARNING, logger="workforce.reports.fetcher")
    refused = [
        secret.as_uri(),
        (root / "static" / "link.css").as_uri(),  # a symlink pointing out
        root.as_uri() + "/static/../../secret.txt",
        root.as_uri() + "/static/%2e%2e/%2e%2e/secret.txt",
        "file://otherhost/etc/passwd",
        "http://example.com/x.png",
        "https://example.com/x.png",
        "ftp://example.com/x.png",
        "data:text/html,<p>hi</p>",
    ]
    for url in refused:
        with pytest.raises(RefusedURL):
            fetcher.fetch(url)
    assert len([r for r in caplog.records if r.levelno == logging.WARNING]) == len(refused)
    assert "http://example.com/x.png" in caplog.text

    png = ("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42"
           "mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=")
    assert fetcher.fetch(png).read().startswith(b"\x89PNG")


# ---- the PDF --------------------------------------------------------------------------


def _page_texts(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(path).pages]


@pytest.fixture(scope="module")
def demo_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    html = render_html("demo.html", demo_context())
    path = tmp_path_factory.mktemp("pdf") / "demo.pdf"
    assert write_pdf(html, path, title="Children's social care workforce report") == path
    return path


def test_pdf_text_header_footer_and_figures(demo_pdf: Path) -> None:
    reader = PdfReader(demo_pdf)
    assert reader.metadata is not None
    assert reader.metadata.title == "Children's social care workforce report"
    pages = _page_texts(demo_pdf)
    assert len(pages) >= 2
    for number, text in enumerate(pages, start=1):
        assert text.count("OFFICIAL") >= 2, f"page {number}: marking in header and footer"
        assert "North West Town Council" in text
        assert "Snapshot 31 March 2025" in text
        assert f"Page {number} of {len(pages)}" in text
    first = pages[0]
    assert "18.9%" in first
    assert "Children's social care workforce report" in first
    everything = "\n".join(pages)
    assert "£1,957,000" in everything
    assert "[c]" in everything
    # The hostile team name is printed as text (wrapped across lines in its cell).
    assert 'Assessment<script>alert("x")</script>' in re.sub(r"\s+", "", everything)


def test_pdf_is_tagged_with_language(demo_pdf: Path) -> None:
    reader = PdfReader(demo_pdf)
    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog
    assert catalog["/Lang"] == "en-GB"
    assert catalog["/MarkInfo"]["/Marked"]
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"]
    elements = _structure(demo_pdf)
    tags = {element["/S"] for element in elements}
    assert {"/H1", "/H2", "/P", "/Table", "/TH", "/TD", "/Caption", "/Figure"} <= tags
    # Header cells know their scope: row headers and column headers are both there.
    assert any(e["/S"] == "/TD" and len(e["/A"]["/Headers"]) == 2 for e in elements)


def _structure(path: Path) -> list[Any]:
    """Every structure element of the PDF, depth first."""
    found: list[Any] = []

    def walk(node: Any) -> None:
        node = node.get_object()
        if isinstance(node, list):
            for kid in node:
                walk(kid)
        elif hasattr(node, "get"):
            if "/S" in node:
                found.append(node)
            if "/K" in node:
                walk(node["/K"])

    walk(PdfReader(path).trailer["/Root"]["/StructTreeRoot"])
    return found


def test_pdf_charts_have_alt_text(demo_pdf: Path) -> None:
    alts = [str(e["/Alt"]) for e in _structure(demo_pdf) if e["/S"] == "/Figure"]
    assert len(alts) == 3
    assert alts[0].startswith("Vacancy rate, April 2023 to March 2025: North West Town from")
    assert alts[1].startswith("Agency spend, April 2024 to March 2025: actual")
    assert alts[2].startswith("Savings from vacant posts. April to June: assumed in budget")


def test_pdf_is_deterministic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Byte for byte without SOURCE_DATE_EPOCH, across a tick of the clock: without
    # HarfBuzz-Subset, WeasyPrint subsets fonts with fontTools, which stamps the current
    # time into each font unless write_pdf pins it (tests/test_report_reproducible.py: a
    # whole report, rendered again in another process with its clock moved on).
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    html = render_html("demo.html", demo_context(rows=5))
    one = write_pdf(html, tmp_path / "one.pdf", title="Demo").read_bytes()
    time.sleep(1.1)
    two = write_pdf(html, tmp_path / "two.pdf", title="Demo").read_bytes()
    assert one == two
    assert "SOURCE_DATE_EPOCH" not in os.environ  # set only while the PDF is written
    created = dt.datetime(2025, 4, 5, 6, 12, tzinfo=dt.UTC)
    dated = write_pdf(html, tmp_path / "dated.pdf", title="Demo", created=created)
    metadata = PdfReader(dated).metadata
    assert metadata is not None
    assert metadata["/CreationDate"] == metadata["/ModDate"] == "D:20250405061200Z"
    assert "/CreationDate" not in (PdfReader(tmp_path / "one.pdf").metadata or {})
    # A caller's own SOURCE_DATE_EPOCH is left as it was.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1743379200")
    write_pdf(html, tmp_path / "three.pdf", title="Demo", created=created)
    assert os.environ["SOURCE_DATE_EPOCH"] == "1743379200"


def test_pdf_marking_official_sensitive(tmp_path: Path) -> None:
    html = render_html("demo.html", demo_context(marking="OFFICIAL-SENSITIVE", rows=5))
    path = write_pdf(html, tmp_path / "pack.pdf", title="Monitoring visit workforce pack")
    for text in _page_texts(path):
        assert text.count("OFFICIAL-SENSITIVE") >= 2


def test_pdf_refuses_local_files_and_network(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    html = render_html("demo.html", demo_context(rows=5)).replace(
        "<main>",
        '<main><img src="file:///etc/passwd" alt="passwd">'
        '<img src="http://example.com/x.png" alt="remote">'
        '<link rel="stylesheet" href="https://example.com/evil.css">'
        '<img src="../pyproject.toml" alt="outside">'
        '<object data="file:///etc/passwd" type="text/plain"></object>',
        1,
    )
    caplog.set_level(logging.WARNING)
    path = write_pdf(html, tmp_path / "refused.pdf", title="Demo")
    refusals = [r.getMessage() for r in caplog.records if r.name == "workforce.reports.fetcher"]
    assert any("file:///etc/passwd" in m for m in refusals)
    assert any("http://example.com/x.png" in m for m in refusals)
    assert any("https://example.com/evil.css" in m for m in refusals)
    assert any("pyproject.toml" in m for m in refusals)
    assert all(r.levelno == logging.WARNING for r in caplog.records
               if r.name == "workforce.reports.fetcher")
    text = "\n".join(_page_texts(path))
    assert "root:" not in text and "/bin/" not in text
    assert "18.9%" in text  # the report itself still rendered
    # And the stylesheet was still loaded from templates/ (the page header is CSS content).
    assert "Page 1 of" in text


def test_templates_dir_override(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("WORKFORCE_TEMPLATES_DIR", str(tmp_path))
    assert templates_dir() == tmp_path.resolve()
    assert templates_dir(tmp_path / "x") == (tmp_path / "x").resolve()
