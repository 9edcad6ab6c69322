"""HTML → PDF with WeasyPrint, reading nothing but the theme's own files and ``data:`` URIs."""

from __future__ import annotations

import logging
import mimetypes
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from kaplan.files import NotReadable, read_regular, write_atomic

MAX_RESOURCE_BYTES = 20 * 1024 * 1024  # a whole theme's worth (render.MAX_THEME_BYTES)


class BlockedURL(ValueError):
    """kaplan refused to let WeasyPrint read a URL."""


def _fetcher_class() -> type[Any]:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class ThemeFetcher(URLFetcher):  # type: ignore[misc]
        """Serve files inside the theme folders and ``data:`` URIs; refuse everything else."""

        def __init__(self, roots: Sequence[Path]) -> None:
            super().__init__(allowed_protocols={"data", "file"}, allow_redirects=False)
            self.roots = [r.resolve() for r in roots]
            self.blocked: list[str] = []

        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith("data:"):
                return super().fetch(url, headers)
            parsed = urlparse(url)
            found = self.read(unquote(parsed.path)) if parsed.scheme == "file" and not parsed.netloc else None
            if found is None:
                self.blocked.append(url)
                raise BlockedURL(f"kaplan does not let documents read {url}")
            path, data = found
            kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, data, {"Content-Type": kind})

        def read(self, named: str) -> tuple[Path, bytes] | None:
            """The theme file a URL path names and its bytes; None for anything else."""
            try:
                # Resolved first: a symlink in a theme folder that points out of it names no theme file.
                path = self.theme_file(Path(named).resolve())
                return None if path is None else (path, read_regular(path, MAX_RESOURCE_BYTES))
            except (OSError, RuntimeError, NotReadable):  # unreadable, a symlink loop, a FIFO or too big
                return None

        def theme_file(self, path: Path) -> Path | None:
            """The file a theme path names, looked up in every theme folder, overrides first."""
            for root in self.roots:
                if path.is_relative_to(root):
                    relative = path.relative_to(root)
                    for folder in self.roots:
                        candidate = (folder / relative).resolve()
                        if candidate.is_file() and candidate.is_relative_to(folder):
                            return candidate
            return None

    return ThemeFetcher


def _subset_fallback() -> None:
    """When HarfBuzz cannot subset a font, let fontTools do it instead of embedding it whole.

    Why: HarfBuzz 6.0 (Debian bookworm) fails to subset WenQuanYi Micro Hei with retained glyph ids
    once a dossier uses ~900 distinct characters spread over the font; WeasyPrint then embeds the
    whole 5 MB font (a 2.5 MB PDF, +0.8 s of compression). fontTools subsets the same glyphs in
    ~0.7 s. Installed once, and only if this WeasyPrint still has the two methods it wraps.
    """
    from weasyprint.pdf import fonts

    font_class: Any = getattr(fonts, "Font", None)
    harfbuzz = getattr(font_class, "_harfbuzz_subset", None)
    if harfbuzz is None or not hasattr(font_class, "_fonttools_subset") or getattr(harfbuzz, "kaplan", False):
        return

    def subset(self: Any, to_unicode: Any, hinting: Any) -> None:
        whole = self.file_content
        harfbuzz(self, to_unicode, hinting)
        if self.file_content is whole:  # HarfBuzz gave up and left the font whole
            self._fonttools_subset(to_unicode, hinting)

    subset.kaplan = True  # type: ignore[attr-defined]
    font_class._harfbuzz_subset = subset


def render_pdf(html: str, theme_roots: Sequence[Path]) -> bytes:
    """The PDF bytes of an HTML document whose resources live in ``theme_roots``."""
    from weasyprint import HTML

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    _subset_fallback()
    fetcher = _fetcher_class()(theme_roots)
    base = theme_roots[0].resolve().as_uri() + "/"
    document = HTML(string=html, base_url=base, url_fetcher=fetcher)
    pdf = document.write_pdf(presentational_hints=False, attachments=[])
    assert isinstance(pdf, bytes)
    return pdf


def write_pdf(html: str, out: Path, theme_roots: Sequence[Path]) -> Path:
    """Render ``html`` and write the PDF atomically to ``out``."""
    return write_atomic(out, render_pdf(html, theme_roots))
