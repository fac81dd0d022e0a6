"""A WeasyPrint URL fetcher that serves the project's templates folder and nothing else.

Report text comes from extract files (team names, supplier names, leaving reasons); even
auto-escaped, a template bug or a crafted ``<base href>`` must not let a PDF pull in a
local file (``file:///etc/passwd``) or call out to a network address (``http://``, which
would also leak that a report is being built). So:

- ``file:`` URLs are served only when the path, with symlinks and ``..`` resolved, lies
  inside the templates folder;
- ``data:`` URLs are served only for ``image/*`` media types: the bytes are already in the
  document, so they reach no file or host; anything an SVG image refers to is fetched
  through this same fetcher;
- everything else (``http:``, ``https:``, ``ftp:`` …) is refused.

A refusal raises ``RefusedURL`` (an ordinary exception): WeasyPrint treats it as a failed
fetch, logs it and renders without the resource. We log the refused URL at warning level
so the run log shows what a template tried to reach.
"""

from __future__ import annotations

import logging
import mimetypes
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from weasyprint.urls import URLFetcher, URLFetcherResponse

log = logging.getLogger(__name__)

_MAX_LOGGED_URL = 120  # data: URLs can be megabytes long


class RefusedURL(ValueError):
    """A URL outside what reports may load."""


def _shown(url: str) -> str:
    return url if len(url) <= _MAX_LOGGED_URL else url[:_MAX_LOGGED_URL] + "…"


class TemplatesFetcher(URLFetcher):
    """Serves ``file:`` URLs under ``root`` and ``data:image/…`` URLs; refuses the rest.

    WeasyPrint 70 wants an instance of ``weasyprint.urls.URLFetcher`` (it reads the
    instance's ``_fail_on_errors``), with ``fetch(url, headers=None)`` returning a
    ``URLFetcherResponse``; a plain function, as in older versions, no longer works."""

    def __init__(self, root: Path | str) -> None:
        # fail_on_errors=False: a refused or missing resource leaves a gap, not a crash.
        super().__init__(allowed_protocols=("file", "data"), fail_on_errors=False)
        self.root = Path(root).resolve(strict=True)

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        try:
            return self._fetch(url, headers)
        except RefusedURL as refusal:
            log.warning("Refused to fetch %s: %s", _shown(url), refusal)
            raise

    def _fetch(self, url: str, headers: dict[str, str] | None) -> URLFetcherResponse:
        scheme = urlsplit(url).scheme.lower()
        if scheme == "file":
            return self._file(url)
        if scheme == "data":
            media_type = url[5:].split(",", 1)[0].split(";", 1)[0].strip().lower()
            if not media_type.startswith("image/"):
                raise RefusedURL(f"only data: images are allowed, not {media_type or 'text'}")
            return super().fetch(url, headers)
        raise RefusedURL(f"reports load only files under {self.root}, not {scheme or 'a'} URLs")

    def _file(self, url: str) -> URLFetcherResponse:
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            raise RefusedURL(f"file URL on another host ({parts.netloc})")
        # url2pathname decodes %-escapes once; resolve() then removes ``..`` and symlinks,
        # so the containment check sees the file that would actually be read.
        path = Path(url2pathname(parts.path)).resolve()
        if not path.is_relative_to(self.root):
            raise RefusedURL(f"{path} is outside {self.root}")
        if not path.is_file():
            raise FileNotFoundError(f"no file {path}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(
            path.as_uri(), path.read_bytes(), headers={"Content-Type": content_type}
        )
