"""Render a report for an authority's month: a tagged PDF and a self-contained HTML copy.

``render_report`` is what the DAG calls; ``workforce report`` calls ``render_many``, which
renders several authorities in parallel processes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

from markupsafe import Markup
from sqlalchemy import Engine

from workforce.config import AuthorityConfig, load_authority_config
from workforce.parallel import in_processes
from workforce.periods import Period
from workforce.reports import cabinet, filters, monitoring, sources
from workforce.reports.render import created_from, render_html, templates_dir, write_pdf
from workforce.warehouse import make_engine

log = logging.getLogger(__name__)

Builder = Callable[[Engine, AuthorityConfig, Period], dict[str, Any]]
KINDS: Final[dict[str, tuple[str, Builder]]] = {
    "cabinet": ("cabinet.html", cabinet.context),
    "monitoring-visit": ("monitoring_visit.html", monitoring.context),
}


class ReportUnavailable(LookupError):
    """The month has no stored KPI results to report."""


def render_report(
    engine: Engine, kind: str, authority_code: str, period: Period | str, out_dir: Path | str,
    settings: AuthorityConfig | None = None,
) -> list[Path]:
    """Write ``<AUTH>_<kind>_<YYYY-MM>.pdf`` and ``.html`` under ``out_dir``; return both."""
    if kind not in KINDS:
        raise ValueError(f"unknown report {kind!r}; expected one of {sorted(KINDS)}")
    period = Period.parse(period) if isinstance(period, str) else period
    settings = settings or load_authority_config(authority_code)
    computed = {m.period for m in sources.computed_months(engine, authority_code)}
    if str(period) not in computed:
        raise ReportUnavailable(
            f"{authority_code} {period} has no KPI results: load the month and run "
            "`workforce kpis --compute` first")
    template, build = KINDS[kind]
    context = build(engine, settings, period)
    stem = Path(out_dir) / f"{authority_code}_{kind}_{period}"
    return write_report(template, context, stem,
                        title=f"{context['title']}: {settings.name}, {filters.date(period.end)}")


def write_report(template: str, context: dict[str, Any], stem: Path, *, title: str) -> list[Path]:
    """``stem.pdf`` and ``stem.html`` from the template: the tagged PDF, and an HTML copy
    that carries its stylesheet, so it opens anywhere with no templates folder."""
    stem.parent.mkdir(parents=True, exist_ok=True)
    # The creation date comes from the data, so the same warehouse gives the same bytes.
    pdf = write_pdf(render_html(template, context), stem.with_suffix(".pdf"), title=title,
                    created=created_from(context))
    css = Markup((templates_dir() / "static" / "report.css").read_text(encoding="utf-8"))
    html = stem.with_suffix(".html")
    html.write_text(render_html(template, {**context, "stylesheet": css, "html_copy": True}),
                    encoding="utf-8")
    log.info("Wrote %s and %s", pdf.name, html.name)
    return [pdf, html]


def render_many(
    url: str, kind: str, authorities: list[str], period: Period, out_dir: Path,
    jobs: int | None = None,
) -> list[list[Path]]:
    """:func:`render_report` for each authority, in order, over ``jobs`` processes (default:
    one per CPU). Rendering is CPU-bound Python (WeasyPrint), so threads would not help; each
    process opens the warehouse at ``url`` itself."""
    count = len(authorities)
    return in_processes(_render_at, [url] * count, [kind] * count, authorities,
                        [period] * count, [out_dir] * count, jobs=jobs)


def _render_at(url: str, kind: str, authority_code: str, period: Period,
               out_dir: Path) -> list[Path]:
    engine = make_engine(url)
    try:
        return render_report(engine, kind, authority_code, period, out_dir)
    finally:
        engine.dispose()
