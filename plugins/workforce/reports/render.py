"""Templates to HTML, HTML to an accessible PDF.

``render_html`` runs a template from ``templates/`` with auto-escaping (team and supplier
names come from extract files) and ``StrictUndefined`` (a misspelt variable fails the
run rather than printing an empty cell in front of cabinet). ``write_pdf`` lays the HTML
out with WeasyPrint as tagged PDF/UA-1, loading stylesheets and images only through
``TemplatesFetcher``.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from weasyprint import HTML

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


def render_html(
    template_name: str, context: Mapping[str, Any], *, templates: Path | str | None = None
) -> str:
    """The template rendered with ``context``; the same input gives the same text."""
    return environment(templates).get_template(template_name).render(**context)


def write_pdf(
    html: str,
    path: Path | str,
    *,
    title: str,
    lang: str = "en-GB",
    pdf_variant: str | None = "pdf/ua-1",
    templates: Path | str | None = None,
) -> Path:
    """Lay ``html`` out as a tagged PDF at ``path`` and return the path.

    Relative URLs resolve against the templates folder, and only files in it are loaded.
    ``title`` and ``lang`` become the PDF's /Title and /Lang whatever the HTML says, as
    PDF/UA requires both. The PDF is made in memory and written in one go, so a failed
    render leaves no half-written file and nothing is written but ``path``.

    The text is the same for the same HTML. For byte-identical files set
    ``SOURCE_DATE_EPOCH`` (or install HarfBuzz-Subset): without HarfBuzz-Subset, WeasyPrint
    subsets fonts with fontTools, which stamps the current time into each font."""
    root = templates_dir(templates)
    document = HTML(
        string=html, base_url=root.as_uri() + "/", url_fetcher=TemplatesFetcher(root)
    ).render(pdf_variant=pdf_variant, pdf_tags=True)
    document.metadata.title = title
    document.metadata.lang = lang
    # pdf/ua-1 implies tags; pdf_tags=True keeps the PDF tagged with pdf_variant=None too.
    data = document.write_pdf(pdf_variant=pdf_variant, pdf_tags=True)
    target = Path(path)
    target.write_bytes(data)
    log.info("Wrote %s (%d pages, %d bytes)", target, len(document.pages), len(data))
    return target
