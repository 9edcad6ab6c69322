"""HTML → tagged PDF with WeasyPrint, reading nothing but the theme's own files and ``data:`` URIs."""

from __future__ import annotations

import contextlib
import functools
import io
import logging
import mimetypes
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlparse

from kaplan.files import NotReadable, read_regular

if TYPE_CHECKING:  # at run time only inside functions: `kaplan brief` forks its worker before Jinja loads
    from kaplan.config import PdfVariant
    from kaplan.documents.theme import Theme


class BlockedURL(ValueError):
    """kaplan refused to let WeasyPrint read a URL."""


@functools.cache
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
            from kaplan.documents.theme import MAX_THEME_BYTES, ThemeError

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
    ~0.7 s (:func:`_fonttools_subset`, with WeasyPrint's options). Installed once, and only if this
    WeasyPrint's Font still has both its HarfBuzz and its fontTools subsetting.
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
            _fonttools_subset(self, to_unicode, hinting)

    subset.kaplan = True  # type: ignore[attr-defined]
    font_class._harfbuzz_subset = subset


def _fonttools_subset(font: Any, to_unicode: Any, hinting: Any) -> None:
    """WeasyPrint's own fontTools subsetting (the same options), without the clock.

    Why: fontTools stamps the time of saving into the font's ``head.modified`` unless told not to,
    and WeasyPrint's ``_fonttools_subset`` does not tell it: every build of a dossier that needs the
    fallback embedded a font one second newer, and the PDF was never the same twice. Tables load
    lazily: the same bytes, 7 MB less at the peak of a 23-page Chinese dossier.
    """

    from fontTools import subset
    from fontTools.ttLib import TTFont, TTLibError

    options = subset.Options(
        retain_gids=True,
        passthrough_tables=True,
        ignore_missing_glyphs=True,
        hinting=hinting,
        desubroutinize=True,
        notdef_outline=bool(font.missing),
    )
    options.drop_tables += ["GSUB", "GPOS", "SVG"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(gids=to_unicode)
    try:
        ttfont = TTFont(
            io.BytesIO(font.file_content), fontNumber=font.index, recalcTimestamp=False, lazy=True
        )
        subsetter.subset(ttfont)
    except TTLibError:
        logging.getLogger("weasyprint").warning("Unable to subset %r with fontTools", font.family)
        return
    out = io.BytesIO()
    ttfont.save(out)
    font.file_content = out.getvalue()


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


def _print_stylesheets(theme: Theme, fetcher: Any) -> list[Any]:
    """The theme's ``print.css``, which only PDFs read: running header and footer, page numbers, bookmarks.

    Why not in the document: the dossier's HTML is also the site's page, and browsers and the HTML
    checker know no ``running()`` or ``element()``. Read as a user stylesheet, so a document's own
    rules (brief.css, pack.css, a repository's ``style`` block) still win over it.
    """
    from weasyprint import CSS

    path = theme.find("print.css")
    return [] if path is None else [CSS(url=path.resolve().as_uri(), url_fetcher=fetcher)]


def render_pdf(html: str, theme: Theme) -> bytes:
    """The tagged PDF bytes of an HTML document whose resources are the files of ``theme``.

    Its XMP metadata repeats the title, author, subject and language of the HTML; ``theme.pdf_variant``
    adds that standard's identification (and, for PDF/A, an sRGB output intent). No clock is read:
    the same HTML gives the same bytes.
    """
    load_weasyprint()
    from weasyprint import HTML

    _quiet_known_noise()
    _subset_fallback()
    fetcher = _fetcher_class()(theme)
    base = theme.folders[0].resolve().as_uri() + "/"
    options = pdf_options(theme.pdf_variant)
    document = HTML(string=html, base_url=base, url_fetcher=fetcher).render(
        stylesheets=_print_stylesheets(theme, fetcher), **options
    )
    document.metadata = _with_language(document.metadata)
    finisher = None if theme.pdf_variant else _add_xmp  # a variant writes its own XMP
    pdf = document.write_pdf(finisher=finisher, **options)
    assert isinstance(pdf, bytes)
    return pdf


@contextlib.contextmanager
def _libraries_from_linker_cache() -> Iterator[None]:
    """While inside, ``ctypes.util.find_library`` answers from one read of the linker cache (Linux).

    Why: WeasyPrint opens each C library by trying names for every platform in turn
    ('libpango-1.0-0', 'pango-1.0-0', …, 'libpango-1.0.so.0'); cffi hands each name that is not a file
    to ``find_library``, which on Linux runs ``ldconfig -p``, then gcc, then ld: 22 lookups, about
    0.4 s of a 1 s import (WeasyPrint issue 1125). The linker cache is what the first of those reads;
    the soname each list ends with is opened by the dynamic loader itself, so nothing is lost.
    """
    import ctypes.util

    if not sys.platform.startswith("linux"):
        yield
        return

    @functools.cache
    def linker_cache() -> str:
        try:
            done = subprocess.run(
                ["/sbin/ldconfig", "-p"], capture_output=True, text=True, env={"LC_ALL": "C"}, check=False
            )
        except OSError:
            return ""
        return done.stdout

    def find_library(name: str) -> str | None:
        found = re.search(rf"\s(lib{re.escape(name)}\.so[^\s]*)\s", linker_cache())
        return found.group(1) if found else None

    original = ctypes.util.find_library
    ctypes.util.find_library = find_library
    try:
        yield
    finally:
        ctypes.util.find_library = original


def load_weasyprint() -> None:
    """Import WeasyPrint, the first time without the compiler-driven library search (see above).

    Should a library be found only by that search (a system whose loader does not know it), the
    import is retried the slow way, as WeasyPrint alone would do it: slower, never broken.
    """
    if "weasyprint" in sys.modules:
        return
    try:
        # WeasyPrint prints an installation hint before it gives up on a library: not for a retry.
        with _libraries_from_linker_cache(), contextlib.redirect_stdout(io.StringIO()):
            import weasyprint
    except OSError:
        for name in [m for m in sys.modules if m == "weasyprint" or m.startswith("weasyprint.")]:
            del sys.modules[name]
        import weasyprint  # noqa: F401


def _import_weasyprint() -> None:
    """What the warm worker does first: everything :func:`render_pdf` loads before it renders.

    WeasyPrint's ~0.6 s import (its C bindings and user-agent stylesheets), then the theme module that
    unpickling a :class:`Theme` needs (Jinja, Markdown) and the classes and patches made once.
    """
    load_weasyprint()
    import kaplan.documents.theme  # noqa: F401

    _fetcher_class()
    _metadata_class()
    _quiet_known_noise()
    _subset_fallback()


class WarmRenderer:
    """``render_pdf`` in a worker process that starts importing WeasyPrint as soon as this is made.

    Why: ``kaplan brief`` is typed in a car park. Importing WeasyPrint (it parses its C declarations
    and user-agent stylesheets on every start) takes as long as reading, checking and laying out the
    plan; on two cores the two overlap. Where processes cannot be forked, or the worker dies, the PDF
    is rendered here instead: the same bytes, only later.
    """

    def __init__(self) -> None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        self._pool: Any = None
        if "fork" in multiprocessing.get_all_start_methods():  # fork: the worker inherits what is imported
            self._pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"))
            self._pool.submit(_import_weasyprint)

    def render(self, html: str, theme: Theme) -> bytes:
        """The bytes :func:`render_pdf` gives; its errors are raised here."""
        from concurrent.futures.process import BrokenProcessPool

        if self._pool is not None:
            try:
                data: bytes = self._pool.submit(render_pdf, html, theme).result()
                return data
            except BrokenProcessPool:
                self.close()
        return render_pdf(html, theme)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def __enter__(self) -> WarmRenderer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
