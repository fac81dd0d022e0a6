"""Publishing a month: both reports in the archive folder ``OUTPUT/<authority>/<YYYY-MM>/``
with a manifest of checksums tying them to the extract files and code that made them.

A month can be published without its reports (``workforce_monthly``'s ``reports`` param off,
for a backfill of past months): the manifest then records the load and its extract files,
lists no report and says ``"reports_rendered": false``. Rendering is imported only when a
report is rendered (WeasyPrint and matplotlib take seconds to import)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from sqlalchemy import Engine

from workforce.periods import Period
from workforce.version import code_version
from workforce.warehouse import loaded_months

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
    """``manifest.json``: each report's SHA-256, the load and extract files behind it.

    With ``reports`` false (a month published without rendering), no report is listed,
    even one an earlier run left in the folder: it was not made from this publication."""
    folder = month_output(root, authority_code, period)
    month = next((m for m in loaded_months(engine)
                  if (m.authority_code, m.period) == (authority_code, str(period))), None)
    if month is None:
        raise LookupError(f"{authority_code} {period} is not loaded in the warehouse")
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
        "extracts": [{"kind": f.kind, "file": f.file_name, "sha256": f.sha256,
                      "rows": f.row_count} for f in month.files],
    }
    path = folder / MANIFEST
    path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return path
