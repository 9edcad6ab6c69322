"""HTML → tagged PDF with WeasyPrint, reading nothing but the theme's own files and ``data:`` URIs."""

from __future__ import annotations

import functools
import logging
import mimetypes
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from kaplan.config import PdfVariant
from kaplan.documents.theme import MAX_THEME_BYTES, Theme, ThemeError
from kaplan.files import NotReadable, read_regular


class BlockedURL(ValueError):
    """kaplan refused to let WeasyPrint read a URL."""


def _fetcher_class() -> type[Any]:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class ThemeFetcher(URLFetcher):  # type: ignore[misc]
        """Serve files inside the theme folders and ``data:`` URIs; refuse everything else."""

        def __init__(self, theme: Theme) -> None:
            super().__init__(allowed_protocols={"data", "file"}, allow_redirects=False)
            self.theme = theme
            self.roots = [r.resolve() for r in theme.folders]
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
                path = Path(named).resolve()
                names = (
                    path.relative_to(root).as_posix() for root in self.roots if path.is_relative_to(root)
                )
                found = next((f for f in map(self.theme.find, names) if f is not None), None)
                if found is None:
                    return None
                found = found.resolve()
                return found, read_regular(found, MAX_THEME_BYTES)
            except (OSError, RuntimeError, NotReadable, ThemeError):  # a symlink out or loop, a FIFO, too big
                return None

    return ThemeFetcher


class _ScreenOnlyCSS(logging.Filter):
    """Drop WeasyPrint's warnings about CSS that only a screen uses, and keep every other.

    Why: the built-in theme serves the HTML page too; WeasyPrint 70 cannot parse
    ``@media screen and (max-width: …)`` nor ``position: sticky``, warns on every document, and a
    print renderer skips both anyway. A real problem (a bad declaration, a missing font or image)
    still reaches whatever handles the ``weasyprint`` logger.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args if isinstance(record.args, tuple) else ()
        if str(record.msg).startswith(("Invalid media type %r the whole @media", "Expected a media type")):
            return not (args and str(args[0]).strip().startswith("screen"))
        if str(record.msg).startswith("Ignored `%s:%s`") and len(args) > 1:
            return not (args[0] == "position" and str(args[1]).strip() == "sticky")
        return True


def _quiet_known_noise() -> None:
    """Install the filter of known noise on WeasyPrint's logger, once."""
    logger = logging.getLogger("weasyprint")
    if not any(isinstance(f, _ScreenOnlyCSS) for f in logger.filters):
        logger.addFilter(_ScreenOnlyCSS())


def subset_fallback_active() -> bool:
    """Whether fontTools now steps in when HarfBuzz leaves a font whole (``kaplan doctor`` says)."""
    from weasyprint.pdf import fonts

    return bool(getattr(getattr(getattr(fonts, "Font", None), "_harfbuzz_subset", None), "kaplan", False))


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


@functools.cache
def _metadata_class() -> type[Any]:
    from xml.etree.ElementTree import SubElement, fromstring, tostring

    from weasyprint.pdf.metadata import NS, DocumentMetadata

    class LanguageMetadata(DocumentMetadata):  # type: ignore[misc]
        """WeasyPrint's XMP, plus the document's language as ``dc:language`` (it writes only ``/Lang``)."""

        def generate_rdf_metadata(self, variant: Any, version: Any, conformance: Any) -> bytes:
            rdf: bytes = super().generate_rdf_metadata(variant, version, conformance)
            if not self.lang:
                return rdf
            tree = fromstring(rdf)
            description = SubElement(tree, f"{{{NS['rdf']}}}Description", {f"{{{NS['rdf']}}}about": ""})
            bag = SubElement(SubElement(description, f"{{{NS['dc']}}}language"), f"{{{NS['rdf']}}}Bag")
            SubElement(bag, f"{{{NS['rdf']}}}li").text = self.lang
            with_language: bytes = tostring(tree, encoding="utf-8")
            return with_language

    return LanguageMetadata


def _with_language(metadata: Any) -> Any:
    """The same metadata, as a :func:`_metadata_class` that also writes ``dc:language``."""
    cls = _metadata_class()
    copy = object.__new__(cls)
    copy.__dict__.update(vars(metadata))
    return copy


def _add_xmp(document: Any, pdf: Any) -> None:
    """Write the XMP stream WeasyPrint writes only for a PDF variant (a finisher of ``write_pdf``).

    Uncompressed, as XMP recommends, so that tools that do not read PDF still find the packet.
    """
    document.metadata.include_in_pdf(pdf, None, None, None, compress=False)


def pdf_options(variant: PdfVariant | None) -> dict[str, Any]:
    """The WeasyPrint options of every PDF kaplan writes (``bench/pdf.py`` gives bare WeasyPrint the same)."""
    # Tagged always: pdf/a-3b would not tag by itself. No attachments: a document names none kaplan wants.
    return {"presentational_hints": False, "attachments": [], "pdf_tags": True, "pdf_variant": variant}


def render_pdf(html: str, theme: Theme) -> bytes:
    """The tagged PDF bytes of an HTML document whose resources are the files of ``theme``.

    Its XMP metadata repeats the title, author, subject and language of the HTML; ``theme.pdf_variant``
    adds that standard's identification (and, for PDF/A, an sRGB output intent). No clock is read:
    the same HTML gives the same bytes.
    """
    from weasyprint import HTML

    _quiet_known_noise()
    _subset_fallback()
    fetcher = _fetcher_class()(theme)
    base = theme.folders[0].resolve().as_uri() + "/"
    options = pdf_options(theme.pdf_variant)
    document = HTML(string=html, base_url=base, url_fetcher=fetcher).render(**options)
    document.metadata = _with_language(document.metadata)
    finisher = None if theme.pdf_variant else _add_xmp  # a variant writes its own XMP
    pdf = document.write_pdf(finisher=finisher, **options)
    assert isinstance(pdf, bytes)
    return pdf
