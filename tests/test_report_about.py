""""About this report" with a long history: 38 months of sample extracts (February 2022 to
March 2025, resignations with notice giving data-quality warnings) and the census returns of
2020 and 2021, which the cabinet's trends reach back to as annual points.

The cabinet report prints the month's four extract files with their SHA-256 and counts the
rest in a sentence, on one page; its HTML copy and the month's manifest list every file. The
monitoring-visit pack lists the files of the 12 months it draws on in full.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from sqlalchemy import Engine
from test_census_import import LEA, published, unrounded
from test_reports import pages

from conftest import AUTHORITY
from workforce.census.read import read_census
from workforce.census.store import import_census
from workforce.census.synthetic import synthetic_return
from workforce.config import AuthorityConfig
from workforce.kpis import compute_month
from workforce.periods import Period
from workforce.pipeline import load_authority_month
from workforce.publish import month_output, write_manifest
from workforce.reports import sources
from workforce.reports.build import KINDS, render_report
from workforce.reports.context import earlier_summary
from workforce.sample import write_sample
from workforce.version import code_version
from workforce.warehouse import LoadedFile, LoadedMonth, loaded_months, make_engine

MARCH = Period(2025, 3)
MONTHS = 38
CENSUS_YEARS = (2020, 2021)
SETTINGS = AuthorityConfig(code=AUTHORITY, name="Test Council")


class Published(NamedTuple):
    engine: Engine
    reports: dict[str, list[Path]]  # kind: [pdf, html]
    manifest: dict[str, Any]
    census: dict[str, str]  # the census returns' file names and SHA-256


@pytest.fixture(scope="module")
def published_month(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Published]:
    """The month published as the DAG does: both reports, then the manifest."""
    root = tmp_path_factory.mktemp("about")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("WORKFORCE_CONFIG_DIR", str(root / "config"))
        patch.setenv("WORKFORCE_PSEUDONYM_KEY", "test-key")
        engine = make_engine(f"sqlite:///{root / 'warehouse.db'}")
        for folder in write_sample(root / "landing", AUTHORITY, MARCH, months=MONTHS, posts=60,
                                   notice=True):
            period = Period.parse(folder.name)
            load_authority_month(root / "landing", AUTHORITY, period, engine)
            compute_month(engine, AUTHORITY, period, SETTINGS)
        census = {}
        for year in CENSUS_YEARS:
            path = root / f"csww_{year}.xml"
            path.write_text(synthetic_return(unrounded(published("Bolton", year), year), year,
                                             LEA), encoding="utf-8")
            read, findings = read_census(path)
            assert read is not None, findings
            import_census(engine, read, AUTHORITY, SETTINGS)
            census[path.name] = hashlib.sha256(path.read_bytes()).hexdigest()
        folder = month_output(root / "output", AUTHORITY, MARCH)
        reports = {kind: render_report(engine, kind, AUTHORITY, MARCH, folder,
                                       settings=SETTINGS) for kind in KINDS}
        manifest = json.loads(write_manifest(engine, AUTHORITY, MARCH, root / "output")
                              .read_text(encoding="utf-8"))
        yield Published(engine, reports, manifest, census)
    engine.dispose()


def months(engine: Engine) -> dict[str, LoadedMonth]:
    return {m.period: m for m in loaded_months(engine) if m.authority_code == AUTHORITY}


def squeezed(text: str) -> str:
    """Without line breaks (a checksum may wrap in its cell)."""
    return re.sub(r"\s+", "", text)


def test_cabinet_about_is_one_page_with_the_months_files(
        published_month: Published) -> None:
    engine = published_month.engine
    pdf, _ = published_month.reports["cabinet"]
    texts = pages(pdf)
    # The section starts on a page of its own and is the report's last: the last page holding
    # its heading holds all of it.
    about = texts[-1]
    assert re.search(r"^About this report$", about, re.M)
    assert not any("Extracts loaded" in t or "Definitions" in t for t in texts[:-1])
    loaded = months(engine)
    assert len(loaded) == MONTHS
    march = loaded[str(MARCH)]
    for file in march.files:
        assert file.file_name in about and file.sha256 in squeezed(about)
    assert f"(load {march.load_id})" in about
    # No other file's checksum anywhere (an establishment file unchanged since the month
    # before has the same checksum as March's).
    earlier = {f.sha256 for m in loaded.values() for f in m.files} - {
        f.sha256 for f in march.files}
    assert not any(sha in squeezed("".join(texts)) for sha in earlier)
    sentence = " ".join(about.split())
    assert ("The figures also draw on 148 extract files of the 37 earlier months loaded, "
            "February 2022 to February 2025, and 2 DfE census returns, for 30 September 2020 "
            "and 2021. Each is listed with its SHA-256 in the HTML copy of this report and in "
            "the manifest (manifest.json) published with it.") in sentence
    assert f"Report produced by workforce {code_version()}" in sentence
    findings = sources.findings(engine, AUTHORITY, Period(2020, 9), MARCH)
    in_march = sum(f["period"] == str(MARCH) for f in findings)
    with_warnings = len({f["period"] for f in findings})
    assert findings and with_warnings > 1
    assert (f"Validation summary {len(findings)} data-quality warnings in {with_warnings} of "
            f"the {MONTHS} months loaded, {in_march or 'none'} of them in March 2025; every "
            "extract was accepted and loaded. The HTML copy of this report counts them by "
            "month.") in sentence


def test_cabinet_html_copy_lists_every_file_load_and_census_return(
        published_month: Published) -> None:
    engine = published_month.engine
    _, html = published_month.reports["cabinet"]
    copy = html.read_text(encoding="utf-8")
    about = copy[copy.index('id="about"'):]
    for month in months(engine).values():
        assert month.load_id in about
        for file in month.files:
            assert file.sha256 in about
    for name, sha in published_month.census.items():
        assert name in about and sha in about
    assert "Each is listed below with its SHA-256" in about
    assert "Data-quality warnings by month" in about


def test_manifest_lists_every_input_with_its_checksum(
        published_month: Published) -> None:
    engine = published_month.engine
    manifest = published_month.manifest
    loaded = months(engine)

    def files(month: LoadedMonth) -> list[dict[str, object]]:
        return [{"kind": f.kind, "file": f.file_name, "sha256": f.sha256, "rows": f.row_count}
                for f in month.files]

    assert manifest["extracts"] == files(loaded[str(MARCH)])
    history = manifest["history"]
    assert [m["period"] for m in history] == sorted(set(loaded) - {str(MARCH)}, reverse=True)
    for month in history:
        assert month["load_id"] == loaded[month["period"]].load_id
        assert month["extracts"] == files(loaded[month["period"]])
    census = {r["file"]: r["sha256"] for r in manifest["census_returns"]}
    assert census == published_month.census
    assert [r["year"] for r in manifest["census_returns"]] == [2021, 2020]
    assert len(manifest["reports"]) == 4


def test_pack_lists_the_files_of_its_twelve_months(published_month: Published) -> None:
    engine = published_month.engine
    pdf, _ = published_month.reports["monitoring-visit"]
    text = squeezed("".join(pages(pdf)))
    loaded = months(engine)
    window = {f.sha256 for n in range(12) for f in loaded[str(MARCH.shift(-n))].files}
    before = {f.sha256 for m in loaded.values() for f in m.files} - window
    assert all(sha in text for sha in window)
    assert not any(sha in text for sha in before)
    assert squeezed("The figures also draw on 44 extract files of the 11 earlier months "
                    "loaded, April 2024 to February 2025. Each is listed below") in text


def test_earlier_summary_counts() -> None:
    def month(period: str, count: int) -> LoadedMonth:
        return LoadedMonth(AUTHORITY, period, "L", "t", "v",
                           [LoadedFile("hr_staff", "hr.csv", "0" * 64, 1)] * count)

    assert earlier_summary([], []) is None
    assert earlier_summary([month("2025-02", 1)], []) == "1 extract file of February 2025"
    assert earlier_summary([month("2025-02", 4), month("2024-12", 4)], [{"year": 2024}]) == (
        "8 extract files of the 2 earlier months loaded, December 2024 to February 2025, and "
        "1 DfE census return, for 30 September 2024")
    assert earlier_summary([], [{"year": 2021}, {"year": 2020}]) == (
        "2 DfE census returns, for 30 September 2020 and 2021")
