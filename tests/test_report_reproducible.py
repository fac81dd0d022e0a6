"""Reports are reproducible to the byte: the same warehouse content and code give the same
PDF and HTML, whatever the clock says, without the caller setting SOURCE_DATE_EPOCH.

The warehouse holds the hand-built council of tests/fixtures_kpi.py, loaded and computed
as tests/test_reports.py builds it. The reports are rendered once here and once more in a
fresh process whose clock runs 400 days ahead, in another time zone and with another hash
seed: a creation date, a font's timestamp, a random id or a set's order that reached a file
would change its bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fixtures_kpi import AUTHORITY, write_months
from fontTools.misc.timeTools import timestampSinceEpoch
from fontTools.ttLib import TTFont
from pypdf import PdfReader
from sqlalchemy import Engine
from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

from workforce.config import ExtractSettings, load_authority_config
from workforce.kpis import compute_month
from workforce.periods import Period
from workforce.reports import sources
from workforce.reports.build import KINDS, render_report
from workforce.validation import validate_month
from workforce.warehouse import load_month, make_engine

MARCH = Period(2025, 3)
SETTINGS = """\
name: Hand-built Council
retention_scheme:
  start_date: 2024-04-01
financial_years:
  "2023-24": {agency_budget_gbp: 30000, scheme_budget_gbp: 20000}
  "2024-25": {agency_budget_gbp: 30000, scheme_budget_gbp: 20000}
targets:
  vacancy_rate: {target: 20, tolerance: 5}
  turnover_rate: {target: 25, tolerance: 2}
"""
# The second render: time.time() (what fontTools and date.today() read) 400 days on.
LATER = """\
import sys, time
now = time.time
time.time = lambda: now() + 400 * 86400
from pathlib import Path
from workforce.periods import Period
from workforce.reports.build import render_report
from workforce.warehouse import make_engine
engine = make_engine(sys.argv[1])
for kind in sys.argv[3:]:
    render_report(engine, kind, "{code}", Period.parse("{period}"), Path(sys.argv[2]))
"""


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Engine, str]]:
    root = tmp_path_factory.mktemp("reproducible")
    (root / "config").mkdir()
    (root / "config" / f"{AUTHORITY}.yaml").write_text(SETTINGS, encoding="utf-8")
    url = f"sqlite:///{root / 'warehouse.db'}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("WORKFORCE_PSEUDONYM_KEY", "reproducible-test-key")
        patch.setenv("WORKFORCE_CONFIG_DIR", str(root / "config"))
        patch.delenv("SOURCE_DATE_EPOCH", raising=False)
        engine = make_engine(url)
        settings = load_authority_config(AUTHORITY)
        for period, folder in write_months(root / "landing").items():
            month = validate_month(folder, period, ExtractSettings())
            assert month.ok
            load_month(engine, month, AUTHORITY)
            compute_month(engine, AUTHORITY, period, settings)
        yield engine, url
    engine.dispose()


def test_reports_are_byte_identical_whatever_the_clock(
    warehouse: tuple[Engine, str], tmp_path: Path
) -> None:
    engine, url = warehouse
    assert "SOURCE_DATE_EPOCH" not in os.environ
    first, later = tmp_path / "first", tmp_path / "later"
    for kind in KINDS:
        render_report(engine, kind, AUTHORITY, MARCH, first)
    env = {**os.environ, "TZ": "Pacific/Auckland", "PYTHONHASHSEED": "4242"}
    subprocess.run(
        [sys.executable, "-c", LATER.format(code=AUTHORITY, period=MARCH), url, str(later),
         *KINDS],
        env=env, check=True, timeout=600)
    names = sorted(path.name for path in first.iterdir())
    assert len(names) == 2 * len(KINDS)
    assert names == sorted(path.name for path in later.iterdir())
    for name in names:
        assert (first / name).read_bytes() == (later / name).read_bytes(), name


def test_the_creation_date_is_when_the_kpis_were_computed(
    warehouse: tuple[Engine, str], tmp_path: Path
) -> None:
    engine, _ = warehouse
    computed = next(m.computed_at for m in sources.computed_months(engine, AUTHORITY)
                    if m.period == str(MARCH))
    moment = dt.datetime.fromisoformat(str(computed)).astimezone(dt.UTC)
    pdf, _ = render_report(engine, "monitoring-visit", AUTHORITY, MARCH, tmp_path)
    reader = PdfReader(pdf)
    assert reader.metadata is not None
    assert reader.metadata["/CreationDate"] == f"D:{moment:%Y%m%d%H%M%S}Z"
    assert reader.metadata["/ModDate"] == reader.metadata["/CreationDate"]
    # The fonts WeasyPrint subsets carry no time of the run: with fontTools (no HarfBuzz-
    # Subset library) they are stamped with the same date; HarfBuzz keeps the font's own.
    fonts = {descriptor["/FontName"]: descriptor["/FontFile2"].get_data()
             for descriptor in _font_descriptors(reader) if "/FontFile2" in descriptor}
    assert fonts
    now = timestampSinceEpoch(time.time())
    for name, data in fonts.items():
        font = TTFont(io.BytesIO(data))
        if HARFBUZZ_SUBSETS:
            assert abs(font["head"].modified - now) > 86_400, name
        else:
            assert font["head"].modified == timestampSinceEpoch(moment.timestamp()), name
            assert "GPOS" not in font and "GSUB" not in font, name


# As WeasyPrint chooses how to subset fonts (weasyprint.pdf.fonts.Font.subset).
HARFBUZZ_SUBSETS = harfbuzz_subset is not None and bool(harfbuzz.hb_version_atleast(4, 1, 0))


def _font_descriptors(reader: PdfReader) -> list[dict[str, object]]:
    found = []
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for part in font.get("/DescendantFonts", [font]):
                found.append(part.get_object()["/FontDescriptor"].get_object())
    return found


def test_the_font_subsetting_it_speeds_up_is_still_weasyprints() -> None:
    """write_pdf hands WeasyPrint's fontTools subsetting the fonts without their layout
    tables, through WeasyPrint's own method: an upgrade that renames it must fail here, not
    quietly make every report slower."""
    from weasyprint.pdf.fonts import Font

    from workforce.reports import render

    assert render._FONTTOOLS_SUBSET is not None
    assert Font._fonttools_subset is render._FONTTOOLS_SUBSET
