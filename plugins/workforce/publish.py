"""Publishing a month: both reports in the archive folder ``OUTPUT/<authority>/<YYYY-MM>/``
with a manifest of checksums tying them to the extract files, census returns and code that
made them.

A month can be published without its reports (``workforce_monthly``'s ``reports`` param off,
for a backfill of past months): the manifest then records the load and its extract files,
lists no report and says ``"reports_rendered": false``. Rendering is imported only when a
report is rendered (WeasyPrint and matplotlib take seconds to import)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from sqlalchemy import Engine

from workforce.census.schemas import FIRST_YEAR
from workforce.periods import Period
from workforce.reports import sources
from workforce.version import code_version
from workforce.warehouse import LoadedMonth, loaded_months

MANIFEST = "manifest.json"


def month_output(root: Path, authority_code: str, period: Period) -> Path:
    return Path(root) / authority_code / str(period)


def render_reports(engine: Engine, authority_code: str, period: Period, root: Path) -> list[Path]:
    """Both reports, PDF and HTML, into the month's archive folder."""
    from workforce.reports.build import KINDS, render_report

    folder = month_output(root, authority_code, period)
    return [path for kind in KINDS
            for path in render_report(engine, kind, authority_code, period, folder)]


def write_manifest(engine: Engine, authority_code: str, period: Period, root: Path,
                   reports: bool = True) -> Path:
    """``manifest.json``: each report's SHA-256, the month's load and extract files, and
    every input before them: each earlier month's load and files (``history``, latest first)
    and the census returns to the month. The printed reports list the month's files and
    count the rest; here each is listed with its SHA-256. Every earlier month loaded is
    listed, a superset of the months the reports show: their rolling measures also read the
    12 months before the first month shown.

    With ``reports`` false (a month published without rendering), no report is listed,
    even one an earlier run left in the folder: it was not made from this publication."""
    folder = month_output(root, authority_code, period)
    history = sorted((m for m in loaded_months(engine)
                      if m.authority_code == authority_code and m.period <= str(period)),
                     key=lambda m: m.period, reverse=True)
    month = history.pop(0) if history and history[0].period == str(period) else None
    if month is None:
        raise LookupError(f"{authority_code} {period} is not loaded in the warehouse")
    # A return counts the year to 30 September: the last is of the latest September.
    last_census = period.year if period.month >= 9 else period.year - 1
    census = sources.census_returns(engine, authority_code, range(FIRST_YEAR, last_census + 1))
    folder.mkdir(parents=True, exist_ok=True)
    files = sorted(p for p in folder.iterdir() if p.suffix in (".pdf", ".html")) if reports else []
    manifest = {
        "authority": authority_code,
        "period": str(period),
        "code_version": code_version(),
        "load_id": month.load_id,
        "loaded_at": month.loaded_at,
        "reports_rendered": reports,
        "reports": [{"file": p.name, "sha256": hashlib.sha256(p.read_bytes()).hexdigest(),
                     "bytes": p.stat().st_size} for p in files],
        "extracts": _files(month),
        "history": [{"period": m.period, "load_id": m.load_id, "loaded_at": m.loaded_at,
                     "code_version": m.code_version, "extracts": _files(m)} for m in history],
        "census_returns": [
            {"year": r["year"], "file": r["file_name"], "sha256": r["sha256"],
             "workers": r["workers"], "loaded_at": r["loaded_at"]}
            for r in census],
    }
    path = folder / MANIFEST
    path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return path


def _files(month: LoadedMonth) -> list[dict[str, object]]:
    return [{"kind": f.kind, "file": f.file_name, "sha256": f.sha256, "rows": f.row_count}
            for f in month.files]
