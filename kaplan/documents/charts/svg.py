"""Chart primitives: palette, labels, text measuring and wrapping, and SVG elements."""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from kaplan.config import Brand
from kaplan.plan.model import Coverage, Influence, Locale, Support

PT_PER_MM = 72 / 25.4
MIN_PRINT_PT = 7.0  # the smallest text a reader of a printed A4 page should be asked to read
FONT_STACK = ("WenQuanYi Micro Hei", "Noto Sans CJK SC", "sans-serif")

SUPPORT_ORDER: tuple[Support, ...] = ("opponent", "skeptic", "neutral", "supporter", "champion", "unknown")
INFLUENCE_ORDER: tuple[Influence, ...] = ("high", "medium", "low", "unknown")
COVERAGE_DOTS: dict[Coverage, int] = {"none": 0, "brief": 1, "multiple": 2, "in_depth": 3}
SUPPORT_FILL: dict[Support, str] = {
    "champion": "#1e6b42",
    "supporter": "#86c79f",
    "neutral": "#c9cfd6",
    "skeptic": "#f0a660",
    "opponent": "#c4473c",
    "unknown": "#f2f4f6",
}
INFLUENCE_STROKE: dict[Influence, float] = {"high": 2.6, "medium": 1.3, "low": 0.6, "unknown": 0.6}

INK = "#1f2933"
MUTED = "#66717d"
LINE = "#98a3af"
BORDER = "#2f3a46"

_LABELS: dict[str, tuple[str, str]] = {
    "support": ("态度", "Support"),  # the dossier's words (kaplan/labels.py)
    "influence": ("影响力", "Influence"),
    "coverage": ("覆盖程度", "Coverage"),
    "or": (" / ", " / "),
    "overview": ("总览", "Overview"),
    "cont": ("（续）", " (cont.)"),
    "loose": ("未归入汇报线", "Not in a reporting line"),
    "org": ("组织架构", "Organisation chart"),
    "power": ("权力地图", "Power map"),
    "no_people": ("暂无人员", "No people yet"),
    "more_people": ("另 {n} 人", "+{n} more"),
    "ladder": ("采购阶段", "Buying stages"),
    "current": ("当前", "Current"),
    "stage_of": ("阶段 {n}/8", "Stage {n} of 8"),
    "more": ("另 {n} 人 · 见 {ref}", "+{n} more · see {ref}"),
    "deeper": ("…另 {n} 人", "… +{n} below"),
    "too_deep": (
        "汇报线超过 {levels} 层：更深的 {n} 人未画出",
        "Reporting lines deeper than {levels} levels are not drawn ({n} people)",
    ),
}


def _t(key: str, locale: Locale) -> str:
    zh, en = _LABELS[key]
    return zh if locale == "zh" else en


# --- text -----------------------------------------------------------------------------
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_SPACE = re.compile(r"\s+")
_NARROW = frozenset("fijlrtI.,;:'!|`()[]{} ")
_WIDE_LATIN = frozenset("mwMW@%&")
ELLIPSIS = "…"
MAX_CHARS = 200


def _clean(text: str) -> str:
    """Text as one line, without the control characters XML cannot hold, and never longer than a
    chart could show (what is cut here would be cut with … anyway)."""
    return _SPACE.sub(" ", _CONTROL.sub("", text[: 4 * MAX_CHARS])).strip()[:MAX_CHARS]


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _is_wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


def _em(text: str) -> float:
    """Estimated advance of ``text`` in em: ≈1 per hanzi, ≈0.55 per Latin letter (slightly generous)."""
    total = 0.0
    for ch in text:
        if _is_wide(ch) or ch == ELLIPSIS:
            total += 1.0
        elif unicodedata.category(ch) in ("Mn", "Me", "Cf"):
            continue
        elif ch in _NARROW:
            total += 0.3
        elif ch in _WIDE_LATIN:
            total += 0.88
        elif ch.isupper():
            total += 0.66
        elif ch.isdigit():
            total += 0.56
        elif ch.isascii():
            total += 0.55
        else:
            total += 0.62
    return total


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Estimated printed width of ``text`` at ``size`` points."""
    return _em(text) * size * (1.06 if bold else 1.0)


def _truncate(text: str, max_w: float, size: float, bold: bool = False) -> str:
    """``text``, cut and ended with … when it is wider than ``max_w``."""
    if text_width(text, size, bold) <= max_w:
        return text
    room = max_w - text_width(ELLIPSIS, size, bold)
    used, end = 0.0, 0
    for i, ch in enumerate(text):
        used += text_width(ch, size, bold)
        if used > room:
            break
        end = i + 1
    return text[:end].rstrip() + ELLIPSIS


def _tokens(text: str) -> list[str]:
    """Words and single hanzi: the places a line may break."""
    out: list[str] = []
    word = ""
    for ch in text:
        if ch == " ":
            if word:
                out.append(word)
            word = ""
            out.append(" ")
        elif _is_wide(ch):
            if word:
                out.append(word)
            word = ""
            out.append(ch)
        else:
            word += ch
    if word:
        out.append(word)
    return out


def _greedy(text: str, max_w: float, size: float) -> list[str]:
    lines: list[str] = []
    line, used = "", 0.0
    for tok in _tokens(text):
        w = text_width(tok, size)
        if tok == " ":
            if line:
                line, used = line + tok, used + w
        elif used + w <= max_w:
            line, used = line + tok, used + w
        elif w <= max_w:
            lines.append(line.rstrip())
            line, used = tok, w
        else:  # a word wider than a line: break it between characters
            for ch in tok:
                cw = text_width(ch, size)
                if used + cw > max_w and line.strip():
                    lines.append(line.rstrip())
                    line, used = "", 0.0
                line, used = line + ch, used + cw
    if line.strip():
        lines.append(line.rstrip())
    return lines or [""]


def wrap(text: str, max_w: float, size: float, max_lines: int) -> list[str]:
    """Break ``text`` into at most ``max_lines`` lines; breaks after CJK clause marks when possible."""
    text = _clean(text)
    if text_width(text, size) <= max_w:
        return [text]
    clauses = re.findall(r"[^，、；：。]+[，、；：。]?", text)
    lines: list[str] = []
    for clause in clauses:
        lines.extend(_greedy(clause, max_w, size))
    if len(clauses) < 2 or len(lines) > max_lines:
        lines = _greedy(text, max_w, size)
    if len(lines) > max_lines:
        pos = 0
        for line in lines[: max_lines - 1]:
            pos = text.index(line, pos) + len(line)
        lines = [*lines[: max_lines - 1], _truncate(text[pos:].strip(), max_w, size)]
    return lines


# --- SVG helpers ------------------------------------------------------------------------
_HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}){1,2}$")
_FONT_BAD = re.compile(r"[\"'\\;<>&{}\x00-\x1f\x7f]")


def _colour(value: str | None, default: str) -> str:
    """A ``#rgb``/``#rrggbb`` colour, lower-cased and expanded; anything else is refused."""
    if value is None:
        return default
    if not _HEX.match(value):
        raise ValueError(f"expected a colour written #rrggbb, got {value!r}")
    value = value.lower()
    if len(value) == 4:
        value = "#" + "".join(c * 2 for c in value[1:])
    return value


# The brand's defaults: config.Brand owns them; a document's charts always get the brand's own colours.
DEFAULT_PRIMARY = _colour(Brand.model_fields["primary"].default, "#000000")
DEFAULT_ACCENT = _colour(Brand.model_fields["accent"].default, "#000000")


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _mix(colour: str, other: str, t: float) -> str:
    """``colour`` moved a fraction ``t`` towards ``other``."""
    a, b = _rgb(colour), _rgb(other)
    return "#" + "".join(f"{round(x + (y - x) * t):02x}" for x, y in zip(a, b, strict=True))


def _luminance(colour: str) -> float:
    def lin(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (lin(c) for c in _rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _ink_on(fill: str) -> str:
    """Dark or white text, whichever reads better on ``fill``."""
    return INK if _luminance(fill) > 0.22 else "#ffffff"


def _font_family(font: str | None) -> str:
    names = list(FONT_STACK)
    if font:
        first = _FONT_BAD.sub("", font).strip()
        if first and first not in names:
            names.insert(0, first)
    return ", ".join(n if n == "sans-serif" else f"'{n}'" for n in names)


def _n(value: float) -> str:
    """A coordinate with at most two decimals, so output is stable and short."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _svg(width: float, height: float, body: Sequence[str], font: str | None, label: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_n(width)} {_n(height)}" width="100%" '
        f'font-family="{_esc(_font_family(font))}" role="img" aria-label="{_esc(_clean(label))}">'
        + "".join(body)
        + "</svg>"
    )


def _text(
    x: float,
    y: float,
    text: str,
    size: float,
    fill: str = INK,
    *,
    bold: bool = False,
    anchor: str = "start",
    extra: str = "",
) -> str:
    attrs = f'x="{_n(x)}" y="{_n(y)}" font-size="{_n(size)}" fill="{fill}"'
    if bold:
        attrs += ' font-weight="bold"'
    if anchor != "start":
        attrs += f' text-anchor="{anchor}"'
    return f"<text {attrs}{extra}>{_esc(text)}</text>"


def _chunks(text: str, lines: Sequence[str]) -> list[str]:
    """``lines`` (from :func:`wrap`) as pieces of ``text`` that join back to it when nothing was cut,
    so a wrapped name still reads (and is found) as one string."""
    out: list[str] = []
    pos = 0
    starts: list[int] = []
    for line in lines:
        found = text.find(line, pos) if line else -1
        if found < 0:
            break
        starts.append(found)
        pos = found + len(line)
    if len(starts) != len(lines) or (starts and starts[0] != 0):
        return list(lines)
    for a, b in zip(starts, [*starts[1:], len(text)], strict=True):
        out.append(text[a:b])
    return out


def _multiline(
    x: float,
    y: float,
    text: str,
    lines: Sequence[str],
    size: float,
    line_h: float,
    fill: str = INK,
    *,
    bold: bool = False,
) -> str:
    """``lines`` of ``text`` as one ``<text>`` (a ``<tspan>`` a line), first baseline at ``y``."""
    if len(lines) <= 1:
        return _text(x, y, lines[0] if lines else "", size, fill, bold=bold)
    attrs = f'x="{_n(x)}" y="{_n(y)}" font-size="{_n(size)}" fill="{fill}"'
    if bold:
        attrs += ' font-weight="bold"'
    spans = "".join(
        f'<tspan x="{_n(x)}" dy="{_n(line_h if i else 0)}">{_esc(piece)}</tspan>'
        for i, piece in enumerate(_chunks(text, lines))
    )
    return f"<text {attrs}>{spans}</text>"


def _rect(
    x: float,
    y: float,
    w: float,
    h: float,
    fill: str,
    *,
    stroke: str | None = None,
    width: float = 0.0,
    rx: float = 0.0,
    dash: str | None = None,
) -> str:
    attrs = f'x="{_n(x)}" y="{_n(y)}" width="{_n(w)}" height="{_n(h)}"'
    if rx:
        attrs += f' rx="{_n(rx)}"'
    attrs += f' fill="{fill}"'
    if stroke:
        attrs += f' stroke="{stroke}" stroke-width="{_n(width)}"'
    if dash:
        attrs += f' stroke-dasharray="{dash}"'
    return f"<rect {attrs}/>"


def _circle(cx: float, cy: float, r: float, fill: str, stroke: str | None = None, width: float = 0.0) -> str:
    attrs = f'cx="{_n(cx)}" cy="{_n(cy)}" r="{_n(r)}" fill="{fill}"'
    if stroke:
        attrs += f' stroke="{stroke}" stroke-width="{_n(width)}"'
    return f"<circle {attrs}/>"


def _path(segments: Sequence[Sequence[tuple[float, float]]], stroke: str, width: float) -> str:
    d = " ".join(
        "M" + " L".join(f"{_n(x)} {_n(y)}" for x, y in points) for points in segments if len(points) > 1
    )
    if not d:
        return ""
    return f'<path d="{d}" fill="none" stroke="{stroke}" stroke-width="{_n(width)}" stroke-linejoin="round"/>'


@dataclass(frozen=True)
class _Page:
    """The width a chart is printed at, and the height it may take, in points."""

    width: float
    height: float
    min_font: float  # smallest font-size the chart uses

    @property
    def max_width(self) -> float:
        """The widest viewBox that still prints the smallest text at ≥ MIN_PRINT_PT."""
        return self.width * self.min_font / MIN_PRINT_PT

    def scale(self, w: float) -> float:
        return min(1.0, self.width / w) if w > 0 else 1.0

    def fits(self, w: float, h: float) -> bool:
        return w <= self.max_width and h * self.scale(w) <= self.height
