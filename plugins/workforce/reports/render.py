"""Templates to HTML, HTML to an accessible PDF.

``render_html`` runs a template from ``templates/`` with auto-escaping (team and supplier
names come from extract files) and ``StrictUndefined`` (a misspelt variable fails the
run rather than printing an empty cell in front of cabinet). ``write_pdf`` lays the HTML
out with WeasyPrint as tagged PDF/UA-1, loading stylesheets and images only through
``TemplatesFetcher``.

Reproducible: the same HTML and creation date give the same PDF, byte for byte, whatever
the clock says (see ``write_pdf``); ``created_from`` takes the date from a report's data.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import logging
import os
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fontTools.ttLib import TTFont
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from weasyprint import HTML
from weasyprint.pdf.fonts import Font

from workforce.reports.fetcher import TemplatesFetcher
from workforce.reports.filters import FILTERS, SUPPRESSED, TESTS

log = logging.getLogger(__name__)

TEMPLATES_VARIABLE = "WORKFORCE_TEMPLATES_DIR"
# plugins/workforce/reports/render.py → the project folder holding templates/.
PROJECT_TEMPLATES = Path(__file__).resolve().parents[3] / "templates"


@dataclass(frozen=True)
class Column:
    """A column of ``partials/data_table.html``: the row key it shows, its heading and the
    ``filters.fmt`` unit its cells are formatted in (``text`` for labels)."""

    key: str
    label: str
    unit: str = "text"


def templates_dir(override: Path | str | None = None) -> Path:
    """The templates folder: ``override``, else ``$WORKFORCE_TEMPLATES_DIR`` (for an
    installed package, whose code is not beside the project), else the project's own."""
    chosen = override or os.environ.get(TEMPLATES_VARIABLE) or PROJECT_TEMPLATES
    return Path(chosen).resolve()


def environment(templates: Path | str | None = None) -> Environment:
    """A Jinja environment on the templates folder with the report filters."""
    env = Environment(
        loader=FileSystemLoader(templates_dir(templates)),
        autoescape=select_autoescape(
            enabled_extensions=("html", "htm", "xml", "svg"), default_for_string=True
        ),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(FILTERS)
    env.tests.update(TESTS)
    env.globals["SUPPRESSED"] = SUPPRESSED
    return env


@functools.lru_cache(maxsize=8)
def _shared_environment(folder: Path) -> Environment:
    # One per templates folder, so each template is compiled once per process, not on
    # every render (Jinja still reloads a template whose file changes).
    return environment(folder)


def render_html(
    template_name: str, context: Mapping[str, Any], *, templates: Path | str | None = None
) -> str:
    """The template rendered with ``context``; the same input gives the same text."""
    return _shared_environment(templates_dir(templates)).get_template(template_name).render(
        **context)


def created_from(context: Mapping[str, Any]) -> dt.datetime | None:
    """A report's creation date, from its data: when its KPIs were computed
    (``kpi_computed_at``), else midnight UTC at its snapshot date (``snapshot_date``), else
    None. Rendering the same warehouse again gives the same date, so the same file."""
    computed = context.get("kpi_computed_at")
    if isinstance(computed, str):
        computed = dt.datetime.fromisoformat(computed)
    if isinstance(computed, dt.datetime):
        return computed if computed.tzinfo else computed.replace(tzinfo=dt.UTC)
    snapshot = context.get("snapshot_date")
    if isinstance(snapshot, dt.date):
        return dt.datetime(snapshot.year, snapshot.month, snapshot.day, tzinfo=dt.UTC)
    return None


def write_pdf(
    html: str,
    path: Path | str,
    *,
    title: str,
    lang: str = "en-GB",
    pdf_variant: str | None = "pdf/ua-1",
    templates: Path | str | None = None,
    created: dt.datetime | None = None,
) -> Path:
    """Lay ``html`` out as a tagged PDF at ``path`` and return the path.

    Relative URLs resolve against the templates folder, and only files in it are loaded.
    ``title`` and ``lang`` become the PDF's /Title and /Lang whatever the HTML says, as
    PDF/UA requires both. The PDF is made in memory and written in one go, so a failed
    render leaves no half-written file and nothing is written but ``path``.

    The same HTML and ``created`` give the same bytes, whatever the time: ``created`` (a
    date from the report's data, see ``created_from``; naive means UTC) is the PDF's
    creation and modification date, and the date stamped into the fonts it embeds. Without
    it the PDF carries no date and the fonts the caller's ``SOURCE_DATE_EPOCH``, else
    1 January 1970."""
    root = templates_dir(templates)
    document = HTML(
        string=html, base_url=root.as_uri() + "/", url_fetcher=TemplatesFetcher(root)
    ).render(pdf_variant=pdf_variant, pdf_tags=True)
    document.metadata.title = title
    document.metadata.lang = lang
    if created is not None:
        created = created if created.tzinfo else created.replace(tzinfo=dt.UTC)
        stamp = created.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        document.metadata.created = document.metadata.modified = stamp
    with _font_subsetting(created):
        # pdf/ua-1 implies tags; pdf_tags=True keeps the PDF tagged with pdf_variant=None.
        data = document.write_pdf(pdf_variant=pdf_variant, pdf_tags=True)
    target = Path(path)
    target.write_bytes(data)
    log.info("Wrote %s (%d pages, %d bytes)", target, len(document.pages), len(data))
    return target


# Font subsetting, when WeasyPrint does it with fontTools (no HarfBuzz-Subset library): held
# by a lock, as it sets the process's SOURCE_DATE_EPOCH and a WeasyPrint method for a while.
_SUBSETTING = threading.Lock()
_FONTTOOLS_SUBSET: Callable[[Font, Any, bool], None] | None = getattr(
    Font, "_fonttools_subset", None)


@contextmanager
def _font_subsetting(created: dt.datetime | None) -> Iterator[None]:
    """Fonts subset the same way every time, and quickly.

    fontTools stamps each font it writes with the current time unless SOURCE_DATE_EPOCH is
    set, so that is set to ``created`` (or kept, or 0) while the PDF is written. And since
    fontTools 4.68 the subsetter decodes a font's GSUB and GPOS tables in full before
    dropping them as WeasyPrint asks: for DejaVu Sans, three quarters of the subsetting
    time. So the fonts reach it without them (and without the old ``kern`` table, which
    fontTools drops when GPOS is there): the embedded subset is the same."""
    epoch = (str(int(created.timestamp())) if created is not None
             else os.environ.get("SOURCE_DATE_EPOCH", "0"))
    with _SUBSETTING:
        saved = os.environ.get("SOURCE_DATE_EPOCH")
        os.environ["SOURCE_DATE_EPOCH"] = epoch
        if _FONTTOOLS_SUBSET is not None:
            Font._fonttools_subset = _subset_without_layout_tables  # type: ignore[method-assign]
        try:
            yield
        finally:
            if _FONTTOOLS_SUBSET is not None:
                Font._fonttools_subset = _FONTTOOLS_SUBSET  # type: ignore[method-assign]
            if saved is None:
                del os.environ["SOURCE_DATE_EPOCH"]
            else:
                os.environ["SOURCE_DATE_EPOCH"] = saved


def _subset_without_layout_tables(font: Font, to_unicode: Any, hinting: bool) -> None:
    """WeasyPrint's own fontTools subsetting, of the font without its layout tables."""
    font.file_content = _without_layout_tables(font.file_content)
    assert _FONTTOOLS_SUBSET is not None
    _FONTTOOLS_SUBSET(font, to_unicode, hinting)


@functools.lru_cache(maxsize=16)
def _without_layout_tables(content: bytes) -> bytes:
    """The font without GSUB and GPOS (and ``kern`` beside GPOS); the other tables copied
    as they are (lazily loaded, so none is decoded), its dates left as they were."""
    if content[:4] == b"ttcf":  # a collection: left whole
        return content
    font = TTFont(io.BytesIO(content), lazy=True, recalcBBoxes=False, recalcTimestamp=False)
    if "GPOS" not in font and "GSUB" not in font:
        return content
    for tag in ("GSUB", "GPOS", "kern") if "GPOS" in font else ("GSUB",):
        if tag in font:
            del font[tag]
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()
