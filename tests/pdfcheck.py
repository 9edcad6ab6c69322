"""Print quality a machine can check: read a rendered PDF back with pdfplumber and pypdf and list
what a reader would see as a fault.

``print_problems(pdf_bytes)`` returns one message per fault, each naming the page and the text:

- **overlap**: two text runs whose boxes overlap. A run is what pdfplumber's ``extract_words``
  makes in text-flow order (``use_text_flow=True``), so text drawn on top of other text, or a cell
  that spills into its neighbour, gives two runs. Boxes must overlap by more than ``OVERLAP_PT``
  across and by more than a third of the shorter run's height: glyphs that touch are no fault.
- **outside**: a character whose box leaves the page (by more than ``EDGE_PT``).
- **sparse**: a page, other than the first and the last, whose content fills less than a quarter
  of the page. *Fill* is the part of the body's height (the page less the running head and foot
  margins, ``MARGIN_PT`` each) covered by the union of the vertical extents of every character,
  rectangle, line, curve and image on it (white fills, the page's own background, excluded), a gap
  shorter than a line (``LINE_GAP_PT``) counting as covered. Height, not area, because a page of prose is mostly
  white between the letters yet reads as full; a page holding two lines does not.
- **stranded**: a bookmark (a heading in the outline) whose top lies in the bottom eighth of its
  page, so the heading sits at the foot and its content starts overleaf.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

import pdfplumber
from pypdf import PdfReader

OVERLAP_PT = 1.0
EDGE_PT = 0.5
MARGIN_PT = 18 / 25.4 * 72  # the @page margin of theme.css, 18 mm, where the running head and foot live
MIN_FILL = 0.25
LINE_GAP_PT = 14.0  # about a line of body text: a smaller gap between two boxes counts as filled
FOOT_SHARE = 1 / 8


def print_problems(pdf: bytes) -> list[str]:
    """Every print fault of a PDF, one message each, in page order."""
    problems: list[str] = []
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        count = len(doc.pages)
        for number, page in enumerate(doc.pages, 1):
            problems += overlaps(page, number)
            problems += outside(page, number)
            if 1 < number < count:
                share = fill(page)
                if share < MIN_FILL:
                    problems.append(
                        f"page {number}: sparse: content fills {share:.0%} of the page "
                        f"({snippet(body_text(page))!r})"
                    )
    problems += stranded_bookmarks(pdf)
    return problems


def overlaps(page: Any, number: int) -> list[str]:
    """Pairs of text runs on a page whose boxes overlap."""
    runs = sorted(page.extract_words(use_text_flow=True, keep_blank_chars=False), key=lambda w: w["top"])
    found: list[str] = []
    for i, a in enumerate(runs):
        for b in runs[i + 1 :]:
            if b["top"] >= a["bottom"]:
                break
            across = min(a["x1"], b["x1"]) - max(a["x0"], b["x0"])
            down = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
            shorter = min(a["bottom"] - a["top"], b["bottom"] - b["top"])
            if across > OVERLAP_PT and down > shorter / 3:
                found.append(f"page {number}: overlap: {a['text']!r} and {b['text']!r} at y={a['top']:.0f}")
    return found


def outside(page: Any, number: int) -> list[str]:
    """Characters that leave the page."""
    off = [
        c
        for c in page.chars
        if c["x0"] < -EDGE_PT
        or c["x1"] > page.width + EDGE_PT
        or c["top"] < -EDGE_PT
        or c["bottom"] > page.height + EDGE_PT
    ]
    if not off:
        return []
    text = "".join(c["text"] for c in off)
    return [f"page {number}: outside: {len(off)} characters leave the page ({snippet(text)!r})"]


def fill(page: Any) -> float:
    """The share of the body's height that holds something (see the module docstring)."""
    top, bottom = MARGIN_PT, page.height - MARGIN_PT
    shapes = [s for s in (*page.rects, *page.lines, *page.curves) if not blank(s)]
    boxes: Iterable[dict[str, Any]] = [*page.chars, *shapes, *page.images]
    spans = sorted(
        (max(b["top"], top), min(b["bottom"], bottom))
        for b in boxes
        if b["bottom"] > top and b["top"] < bottom
    )
    covered, reach = 0.0, top
    for start, end in spans:
        if end <= reach:
            continue
        # The white between lines and paragraphs belongs to the text around it.
        covered += end - (reach if reach > top and start - reach < LINE_GAP_PT else max(start, reach))
        reach = end
    return covered / (bottom - top)


def body_text(page: Any) -> str:
    """A page's text without the running head and foot."""
    return str(page.crop((0, MARGIN_PT, page.width, page.height - MARGIN_PT)).extract_text())


def blank(shape: dict[str, Any]) -> bool:
    """A shape filled white and not stroked: the page's own background, invisible on paper."""
    colour = shape.get("non_stroking_color")
    channels = colour if isinstance(colour, (tuple, list)) else (colour,)
    white = colour is not None and len(channels) in (1, 3) and all(c == 1 for c in channels)
    return bool(shape.get("fill")) and white and not shape.get("stroke")


def stranded_bookmarks(pdf: bytes) -> list[str]:
    """Bookmarks whose heading starts in the bottom eighth of its page."""
    reader = PdfReader(io.BytesIO(pdf))
    found: list[str] = []
    for item in flatten(reader.outline):
        number = reader.get_destination_page_number(item)
        height = float(reader.pages[number].mediabox.height)
        top = item.get("/Top")
        if top is not None and float(top) < height * FOOT_SHARE:
            found.append(
                f"page {number + 1}: stranded: heading {item.title!r} starts "
                f"{float(top) / 72 * 25.4:.0f} mm from the foot of the page"
            )
    return found


def flatten(outline: Sequence[Any]) -> list[Any]:
    """The outline's items, nested levels included, in order."""
    items: list[Any] = []
    for item in outline:
        items += flatten(item) if isinstance(item, list) else [item]
    return items


def snippet(text: str | None, size: int = 60) -> str:
    """The start of a text, on one line."""
    flat = " ".join((text or "").split())
    return flat if len(flat) <= size else flat[: size - 1] + "…"
