"""Inline SVG charts for the dossier: org chart, power map and stage ladder.

Every chart is a self-contained ``<svg>`` string: no scripts, no ids (several charts share a page), no
external references, all text escaped, and the same input always gives the same string. Lengths are
points at the design width (180 mm unless told otherwise), so ``font-size="8"`` prints at 8 pt when the
chart is shown that wide; ``width="100%"`` and the ``viewBox`` let the page scale it.
"""

from __future__ import annotations

import html
import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from kaplan.labels import STAGES, enum_label, stage_label
from kaplan.model import Coverage, Influence, Locale, Person, Plan, Project, Support

PT_PER_MM = 72 / 25.4
MIN_PRINT_PT = 7.0  # the smallest text a reader of a printed A4 page should be asked to read
FONT_STACK = ("WenQuanYi Micro Hei", "Noto Sans CJK SC", "sans-serif")
DEFAULT_PRIMARY = "#1f3a5f"
DEFAULT_ACCENT = "#d9822b"

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
    "support": ("支持度", "Support"),
    "influence": ("影响力", "Influence"),
    "coverage": ("覆盖", "Coverage"),
    "or": (" / ", " / "),
    "overview": ("总览", "Overview"),
    "cont": ("（续）", " (cont.)"),
    "loose": ("未归入汇报线", "Not in a reporting line"),
    "org": ("组织架构", "Organisation chart"),
    "power": ("权力地图", "Power map"),
    "no_people": ("暂无人员", "No people yet"),
    "ladder": ("采购阶段", "Buying stages"),
    "current": ("当前", "Current"),
    "stage_of": ("第 {n} 阶段 / 共 8", "Stage {n} of 8"),
    "more": ("另 {n} 人 · 见 {ref}", "+{n} more · see {ref}"),
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


# --- org chart: the tree ----------------------------------------------------------------
@dataclass(eq=False)
class _Node:
    person: Person
    children: list[_Node] = field(default_factory=list)
    hidden: int = 0  # people below this box who are drawn in another chart
    origin: _Node | None = None  # in a cut-down copy: the node of the full tree it stands for
    height: int = 0  # levels below (0 for a leaf)
    size: int = 1  # people in the subtree, this one included

    @property
    def full(self) -> _Node:
        return self.origin or self


def _annotate(node: _Node) -> _Node:
    """Fill in height and size, bottom up (without recursion: reporting chains can be long)."""
    order = [node]
    for n in order:
        order.extend(n.children)
    for n in reversed(order):
        n.height = 1 + max((c.height for c in n.children), default=-1)
        n.size = 1 + sum(c.size for c in n.children)
    return node


def _forest(people: Sequence[Person]) -> list[_Node]:
    """Trees from ``reports_to``, in file order; never loops, whatever the references say."""
    first_with_id: dict[str, int] = {}
    for i, p in enumerate(people):
        first_with_id.setdefault(p.id, i)
    reports: dict[int, list[int]] = {}
    roots: list[int] = []
    for i, p in enumerate(people):
        boss = first_with_id.get(p.reports_to) if p.reports_to else None
        if boss is None or boss == i:
            roots.append(i)
        else:
            reports.setdefault(boss, []).append(i)
    placed: set[int] = set()

    def build(i: int) -> _Node:
        placed.add(i)
        node = _Node(people[i])
        stack = [(node, i)]
        while stack:
            parent, j = stack.pop()
            for k in reports.get(j, []):
                if k not in placed:
                    placed.add(k)
                    child = _Node(people[k])
                    parent.children.append(child)
                    stack.append((child, k))
        return node

    trees = [build(i) for i in roots]
    # People on a reporting cycle (the loader rejects those, but a Plan can be built by hand):
    # the first of them in file order becomes a root.
    for i in range(len(people)):
        if i not in placed:
            trees.append(build(i))
    return [_annotate(t) for t in trees]


def _cut(node: _Node, depth: int, children: Sequence[_Node] | None = None) -> _Node:
    """A copy of ``node``'s tree down to ``depth`` levels; deeper people are counted, not drawn."""
    copy = _Node(node.person, origin=node.full)
    if depth <= 0:
        copy.hidden = node.size - 1
    else:
        kids = node.children if children is None else children
        copy.children = [_cut(c, depth - 1) for c in kids]
    return _annotate(copy)


# --- org chart: layout ------------------------------------------------------------------
NAME_PT = 9.5
TITLE_PT = 8.0
SMALL_PT = 8.0
PAD = 6.0
DOTS_W = 20.0
HGAP = 10.0  # between sibling subtrees
VGAP = 20.0  # between a box and the row of its reports
ROWGAP = 7.0  # between stacked boxes
SPINE = 9.0  # where a stacked list's connector runs, from the box's left edge
INDENT = 18.0  # indentation of a stacked list
UNIT_GAP = 26.0  # between independent trees in one chart
HEADER_H = 18.0


@dataclass(frozen=True)
class _Metrics:
    """Box geometry shared by every box of every org chart of a plan."""

    width: float
    title_lines: int

    @property
    def base_h(self) -> float:
        return 25.0 + 10.0 * self.title_lines + 1.5

    def height(self, node: _Node) -> float:
        return self.base_h + (11.0 if node.hidden else 0.0)


def _subtitle(person: Person) -> str:
    return _clean(person.title or person.department or "")


def _metrics(people: Sequence[Person]) -> _Metrics:
    need = 0.0
    two_lines = False
    for p in people:
        name = text_width(_clean(p.name), NAME_PT, bold=True) + DOTS_W
        title = text_width(_subtitle(p), TITLE_PT)
        need = max(need, name, min(title, 112.0))
        two_lines = two_lines or title > 112.0
    return _Metrics(width=max(84.0, min(124.0, need + 2 * PAD + 2)), title_lines=2 if two_lines else 1)


Point = tuple[float, float]


@dataclass
class _Block:
    """A laid-out subtree: its size, where its top box's centre is, and what to draw (relative)."""

    w: float
    h: float
    anchor: float
    boxes: list[tuple[float, float, _Node]] = field(default_factory=list)
    lines: list[list[Point]] = field(default_factory=list)

    def put(self, other: _Block, dx: float, dy: float) -> None:
        self.boxes.extend((x + dx, y + dy, n) for x, y, n in other.boxes)
        self.lines.extend([(x + dx, y + dy) for x, y in seg] for seg in other.lines)


def _leaf(node: _Node, m: _Metrics) -> _Block:
    h = m.height(node)
    return _Block(m.width, h, m.width / 2, [(0.0, 0.0, node)])


def _stacked(node: _Node, m: _Metrics) -> _Block:
    """Reports listed below the box, indented, each on a tick off one spine (an outline)."""
    block = _leaf(node, m)
    y = block.h + ROWGAP
    last_tick = y
    for child in node.children:
        sub = _stacked(child, m) if child.children else _leaf(child, m)
        block.put(sub, INDENT, y)
        last_tick = y + m.height(child) / 2
        block.lines.append([(SPINE, last_tick), (INDENT, last_tick)])
        block.w = max(block.w, INDENT + sub.w)
        y += sub.h + ROWGAP
    block.lines.append([(SPINE, m.height(node)), (SPINE, last_tick)])
    block.h = y - ROWGAP
    return block


def _columns(n: int) -> int:
    if n <= 4:
        return 1
    if n <= 12:
        return 2
    return math.ceil(n / 6)


def _hanging(node: _Node, m: _Metrics) -> _Block:
    """Reports that have no reports of their own, in one or more columns under the box."""
    kids = node.children
    cols = _columns(len(kids))
    if cols == 1:
        return _stacked(node, m)
    per = math.ceil(len(kids) / cols)
    groups = [kids[i : i + per] for i in range(0, len(kids), per)]
    top_h = m.height(node)
    bw = m.width
    if len(groups) == 2:
        # a central spine with one column on each side
        gap = 9.0
        spine = bw + gap
        block = _Block(2 * bw + 2 * gap, 0.0, spine)
        block.boxes.append((spine - bw / 2, 0.0, node))
        last = top_h
        for side, group in enumerate(groups):
            y = top_h + VGAP * 0.6
            for child in group:
                ch = m.height(child)
                x = 0.0 if side == 0 else spine + gap
                block.boxes.append((x, y, child))
                tick = y + ch / 2
                edge = bw if side == 0 else spine + gap
                block.lines.append([(spine, tick), (edge, tick)])
                last = max(last, tick)
                y += ch + ROWGAP
            block.h = max(block.h, y - ROWGAP)
        block.lines.append([(spine, top_h), (spine, last)])
        return block
    col_w = INDENT + bw
    total = len(groups) * col_w + (len(groups) - 1) * HGAP
    block = _Block(total, 0.0, total / 2)
    block.boxes.append(((total - bw) / 2, 0.0, node))
    bus = top_h + VGAP / 2
    spines = [i * (col_w + HGAP) + SPINE for i in range(len(groups))]
    block.lines.append([(total / 2, top_h), (total / 2, bus)])
    block.lines.append([(min(spines[0], total / 2), bus), (max(spines[-1], total / 2), bus)])
    for i, group in enumerate(groups):
        x0 = i * (col_w + HGAP)
        y = top_h + VGAP
        tick = bus
        for child in group:
            ch = m.height(child)
            block.boxes.append((x0 + INDENT, y, child))
            tick = y + ch / 2
            block.lines.append([(x0 + SPINE, tick), (x0 + INDENT, tick)])
            y += ch + ROWGAP
        block.lines.append([(x0 + SPINE, bus), (x0 + SPINE, tick)])
        block.h = max(block.h, y - ROWGAP)
    return block


def _side_by_side(node: _Node, subs: Sequence[_Block], m: _Metrics) -> _Block:
    """The classic tree: reports in a row under the box, joined by a bus line."""
    top_h = m.height(node)
    xs: list[float] = []
    x = 0.0
    for sub in subs:
        xs.append(x)
        x += sub.w + HGAP
    anchors = [xi + s.anchor for xi, s in zip(xs, subs, strict=True)]
    centre = (anchors[0] + anchors[-1]) / 2
    shift = max(0.0, m.width / 2 - centre)
    centre += shift
    block = _Block(max(x - HGAP + shift, centre + m.width / 2), 0.0, centre)
    block.boxes.append((centre - m.width / 2, 0.0, node))
    y = top_h + VGAP
    bus = top_h + VGAP / 2
    block.lines.append([(centre, top_h), (centre, bus)])
    block.lines.append([(anchors[0] + shift, bus), (anchors[-1] + shift, bus)])
    for xi, a, sub in zip(xs, anchors, subs, strict=True):
        block.put(sub, xi + shift, y)
        block.lines.append([(a + shift, bus), (a + shift, y)])
        block.h = max(block.h, y + sub.h)
    return block


def _layout(node: _Node, level: int, m: _Metrics) -> _Block:
    """Level 0 draws every report side by side; each level up stacks one more level of the tree."""
    if not node.children:
        return _leaf(node, m)
    if level >= 1 and node.height == 1:
        return _hanging(node, m)
    if level >= 2 and node.height <= level:
        return _stacked(node, m)
    return _side_by_side(node, [_layout(c, level, m) for c in node.children], m)


def _best(node: _Node, m: _Metrics, page: _Page, reserve: float) -> _Block | None:
    """The most spread-out layout of ``node``'s tree that fits the page, if any does."""
    # Every layout is at least one box per level high: reject deep trees without laying them out.
    lowest = (node.height + 1) * m.base_h + node.height * ROWGAP + reserve
    if lowest * page.scale(page.max_width) > page.height:
        return None
    for level in range(node.height + 1):
        block = _layout(node, level, m)
        if page.fits(block.w, block.h + reserve):
            return block
    return None


# --- org chart: splitting into pages ---------------------------------------------------
@dataclass
class _Unit:
    block: _Block
    caption: str
    alone: bool = False  # an overview: a chart of its own
    loose: bool = False  # a row of people in no reporting line


def _caption(person: Person) -> str:
    return _clean(person.department or person.title or person.name)


def _tree_units(node: _Node, m: _Metrics, page: _Page, locale: Locale, top: bool) -> list[_Unit]:
    block = _best(node, m, page, HEADER_H)
    caption = _t("overview", locale) if top else _caption(node.person)
    if block is not None:
        return [_Unit(block, caption)]
    # Too big for one page: the deepest overview that fits, then one chart per branch below the
    # first branching (a department each), split again if need be.
    branch_depth, cursor = 1, node
    while len(cursor.children) == 1 and cursor.children[0].children:
        branch_depth, cursor = branch_depth + 1, cursor.children[0]
    overview: _Block | None = None
    depth = 0
    while depth + 1 < node.height:  # a deeper cut only grows, so stop at the first that does not fit
        block = _best(_cut(node, depth + 1), m, page, HEADER_H)
        if block is None:
            break
        overview, depth = block, depth + 1
    if overview is not None:
        units = [_Unit(overview, caption, alone=True)]
        branch_depth = min(branch_depth, depth)
    else:
        units = _chunks(node, m, page, caption, locale)
        branch_depth = 1
    for branch in _at_depth(node, branch_depth):
        if branch.children:
            units.extend(_tree_units(branch, m, page, locale, top=False))
    return units


def _at_depth(node: _Node, depth: int) -> list[_Node]:
    level = [node]
    for _ in range(depth):
        level = [c for n in level for c in n.children]
    return level


def _chunks(node: _Node, m: _Metrics, page: _Page, caption: str, locale: Locale) -> list[_Unit]:
    """A box with more direct reports than a page holds: the box again over each batch of them."""
    units: list[_Unit] = []
    kids = node.children
    start = 0
    while start < len(kids):
        end = start + 1
        block = _best(_cut(node, 1, kids[start:end]), m, page, HEADER_H)
        while end < len(kids):
            trial = _best(_cut(node, 1, kids[start : end + 1]), m, page, HEADER_H)
            if trial is None:
                break
            block, end = trial, end + 1
        if block is None:  # not even one report fits: draw it anyway, scaled
            block = _layout(_cut(node, 1, kids[start:end]), node.height, m)
        units.append(_Unit(block, caption + (_t("cont", locale) if start else ""), alone=True))
        start = end
    return units


def _loose_units(nodes: Sequence[_Node], m: _Metrics, page: _Page, locale: Locale) -> list[_Unit]:
    """People in no reporting line: a grid of boxes, as many rows per unit as a page holds."""
    per_row = max(1, int((page.width + HGAP) // (m.width + HGAP)))
    row_h = m.base_h + ROWGAP + 3
    head = 14.0
    rows_per_unit = max(1, int((page.height - HEADER_H - head + ROWGAP) // row_h))
    units: list[_Unit] = []
    for start in range(0, len(nodes), per_row * rows_per_unit):
        batch = nodes[start : start + per_row * rows_per_unit]
        block = _Block(min(len(batch), per_row) * (m.width + HGAP) - HGAP, 0.0, 0.0)
        for k, n in enumerate(batch):
            block.boxes.append(((k % per_row) * (m.width + HGAP), head + (k // per_row) * row_h, n))
        block.h = head + math.ceil(len(batch) / per_row) * row_h - ROWGAP - 3
        caption = _t("loose", locale) + (_t("cont", locale) if start else "")
        units.append(_Unit(block, caption, loose=True))
    return units


@dataclass
class _Chart:
    rows: list[list[_Unit]] = field(default_factory=list)

    def size(self) -> tuple[float, float]:
        widths = [sum(u.block.w for u in r) + UNIT_GAP * (len(r) - 1) for r in self.rows]
        heights = [max(u.block.h for u in r) for r in self.rows]
        return max(widths, default=0.0), sum(heights) + UNIT_GAP * max(0, len(heights) - 1)


def _pack(units: Sequence[_Unit], page: _Page, reserve: float) -> list[_Chart]:
    """Units in order, side by side while they fit the width, rows stacked while they fit the page."""
    charts: list[_Chart] = []
    current = _Chart()
    for unit in units:
        if unit.alone:
            if current.rows:
                charts.append(current)
            charts.append(_Chart([[unit]]))
            current = _Chart()
            continue
        if current.rows:
            row = current.rows[-1]
            row_w = sum(u.block.w for u in row) + UNIT_GAP * len(row) + unit.block.w
            row_h = max([u.block.h for u in row] + [unit.block.h])
            w, h = current.size()
            h_with_row = h - max(u.block.h for u in row) + row_h
            shares = not unit.loose and not row[-1].loose
            if shares and row_w <= page.width and h_with_row + reserve <= page.height:
                row.append(unit)
                continue
            if page.fits(max(w, unit.block.w), h + UNIT_GAP + unit.block.h + reserve):
                current.rows.append([unit])
                continue
            charts.append(current)
        current = _Chart([[unit]])
    if current.rows:
        charts.append(current)
    return charts


def org_chart(
    plan: Plan,
    locale: Locale,
    *,
    font: str | None = None,
    primary: str | None = None,
    accent: str | None = None,
    width_mm: float = 180.0,
    max_height_mm: float = 230.0,
) -> list[str]:
    """The customer's org chart as SVG, one string per figure.

    A tree that is too wide or too tall for one page (``width_mm`` × ``max_height_mm``) becomes an
    overview plus one chart per branch, so no text prints smaller than 7 pt. Boxes are coloured by
    support, outlined by influence, marked with coverage dots; people who left are dashed and faded.
    """
    if not plan.people:
        return []
    primary_c = _colour(primary, DEFAULT_PRIMARY)
    _colour(accent, DEFAULT_ACCENT)
    page = _Page(width_mm * PT_PER_MM, max_height_mm * PT_PER_MM, SMALL_PT)
    m = _metrics(plan.people)
    trees = _forest(plan.people)
    units: list[_Unit] = []
    branched = [t for t in trees if t.children]
    for tree in branched:
        units.extend(_tree_units(tree, m, page, locale, top=len(branched) == 1))
    units.extend(_loose_units([t for t in trees if not t.children], m, page, locale))
    charts = _pack(units, page, HEADER_H)
    if len(charts) == 1:
        charts = _pack(units, page, 0.0)
    chart_of: dict[int, int] = {}
    for i, chart in enumerate(charts):
        for row in chart.rows:
            for unit in row:
                for _, _, node in unit.block.boxes:
                    if node.children and not node.hidden:  # this box's team is drawn here
                        chart_of.setdefault(id(node.full), i)
    return [
        _draw_org(chart, i, len(charts), chart_of, m, page, locale, font, primary_c)
        for i, chart in enumerate(charts)
    ]


def _draw_org(
    chart: _Chart,
    index: int,
    total: int,
    chart_of: dict[int, int],
    m: _Metrics,
    page: _Page,
    locale: Locale,
    font: str | None,
    primary: str,
) -> str:
    margin = 3.0
    content_w = chart.size()[0]
    width = max(page.width, content_w + 2 * margin)
    body: list[str] = []
    y = margin
    if total > 1:
        units = [u for r in chart.rows for u in r]
        captions = [u.caption for u in units if u.caption and not u.loose] or [
            u.caption for u in units if u.caption
        ]
        caption = " · ".join(dict.fromkeys(captions))
        counter = f"{index + 1}/{total}"
        body.append(_text(width - margin, y + 9, counter, 8.5, MUTED, anchor="end"))
        room = width - 2 * margin - text_width(counter, 8.5) - 12
        body.append(_text(margin, y + 9, _truncate(caption, room, 8.5, True), 8.5, primary, bold=True))
        y += HEADER_H
    lines: list[list[Point]] = []
    boxes: list[str] = []
    for row in chart.rows:
        row_w = sum(u.block.w for u in row) + UNIT_GAP * (len(row) - 1)
        x = (width - row_w) / 2
        for unit in row:
            b = unit.block
            if unit.loose and unit.caption:
                boxes.append(_text(x, y + 9, unit.caption, 8.5, MUTED, bold=True))
            lines.extend([(px + x, py + y) for px, py in seg] for seg in b.lines)
            for bx, by, node in b.boxes:
                ref = chart_of.get(id(node.full)) if node.hidden else None
                more = ""
                if ref is not None:
                    more = _t("more", locale).format(n=node.hidden, ref=f"{ref + 1}/{total}")
                boxes.append(_draw_box(bx + x, by + y, node, m, locale, more))
            x += b.w + UNIT_GAP
        y += max(u.block.h for u in row) + UNIT_GAP
    height = y - UNIT_GAP + margin
    body.append(_path(lines, LINE, 0.9))
    body.extend(boxes)
    return _svg(width, height, body, font, _t("org", locale))


def _draw_box(x: float, y: float, node: _Node, m: _Metrics, locale: Locale, more: str) -> str:
    p = node.person
    fill = SUPPORT_FILL[p.support]
    stroke = BORDER
    dash = None
    if p.status == "left":
        fill = _mix(fill, "#ffffff", 0.6)
        stroke = MUTED
        dash = "3 2"
    ink = _ink_on(fill)
    soft = _mix(ink, fill, 0.28)
    w, h = m.width, m.height(node)
    sw = INFLUENCE_STROKE[p.influence]
    marks: list[str] = []
    if p.status in ("left", "moved"):
        tag = enum_label("person_status", p.status, locale)
        tag_w = text_width(tag, SMALL_PT) + 6
        marks.append(_rect(x + w - PAD - tag_w + 3, y + 4, tag_w, 12, _mix(fill, ink, 0.12), rx=2))
        marks.append(_text(x + w - PAD, y + 13, tag, SMALL_PT, ink, anchor="end"))
        name_room = w - 2 * PAD - tag_w - 2
    else:
        dots = COVERAGE_DOTS[p.coverage]
        for j in range(3):
            cx = x + w - PAD - 2.2 - (2 - j) * 6.0
            if j < dots:
                marks.append(_circle(cx, y + 9.5, 2.2, ink))
            else:
                marks.append(_circle(cx, y + 9.5, 1.8, "none", soft, 0.7))
        name_room = w - 2 * PAD - DOTS_W
    name = _truncate(_clean(p.name), name_room, NAME_PT, True)
    out = [
        "<g>",
        _rect(x, y, w, h, fill, stroke=stroke, width=sw, rx=3, dash=dash),
        _text(x + PAD, y + 14, name, NAME_PT, ink, bold=True),
        *marks,
    ]
    for i, line in enumerate(wrap(_subtitle(p), w - 2 * PAD, TITLE_PT, m.title_lines)):
        out.append(_text(x + PAD, y + 25.5 + 10 * i, line, TITLE_PT, soft))
    if more:
        out.append(_text(x + PAD, y + m.base_h + 6.5, _truncate(more, w - 2 * PAD, SMALL_PT), SMALL_PT, ink))
    out.append("</g>")
    return "".join(out)


def org_legend(locale: Locale, *, font: str | None = None, width_mm: float = 180.0) -> str:
    """A compact key to the org chart: fill = support, outline = influence, dots = coverage."""
    width = width_mm * PT_PER_MM
    items: list[tuple[float, list[str]]] = []  # (width, drawing at x=0, y=0 with baseline 9)

    def heading(key: str) -> None:
        label = _t(key, locale)
        w = text_width(label, 8.5, True) + 6
        items.append((w, [_text(0, 9, label, 8.5, INK, bold=True)]))

    heading("support")
    for s in ("champion", "supporter", "neutral", "skeptic", "opponent", "unknown"):
        label = enum_label("support", s, locale)
        items.append(
            (
                16 + text_width(label, 8) + 10,
                [
                    _rect(0, 1, 12, 9, SUPPORT_FILL[s], stroke=BORDER, width=0.6, rx=1.5),
                    _text(16, 9, label, 8),
                ],
            )
        )
    items.append((-1, []))  # line break
    heading("influence")
    low = (
        enum_label("influence", "low", locale) + _t("or", locale) + enum_label("influence", "unknown", locale)
    )
    levels: tuple[tuple[str, Influence], ...] = (
        (enum_label("influence", "high", locale), "high"),
        (enum_label("influence", "medium", locale), "medium"),
        (low, "low"),
    )
    for label, inf in levels:
        items.append(
            (
                22 + text_width(label, 8) + 10,
                [
                    _rect(1.3, 1.3, 15, 8, "#ffffff", stroke=BORDER, width=INFLUENCE_STROKE[inf], rx=1.5),
                    _text(22, 9, label, 8),
                ],
            )
        )
    heading("coverage")
    for cov, n in COVERAGE_DOTS.items():
        label = enum_label("coverage", cov, locale)
        dots = [
            _circle(2.5 + j * 6, 5.5, 2.2, INK)
            if j < n
            else _circle(2.5 + j * 6, 5.5, 1.8, "none", MUTED, 0.7)
            for j in range(3)
        ]
        items.append((21 + text_width(label, 8) + 10, [*dots, _text(19, 9, label, 8)]))
    label = enum_label("person_status", "left", locale)
    items.append(
        (
            22 + text_width(label, 8),
            [
                _rect(
                    0.5,
                    1,
                    15,
                    9,
                    _mix(SUPPORT_FILL["neutral"], "#ffffff", 0.6),
                    stroke=MUTED,
                    width=0.8,
                    rx=1.5,
                    dash="3 2",
                ),
                _text(20, 9, label, 8),
            ],
        )
    )
    body: list[str] = []
    x = y = 0.0
    for w, parts in items:
        if w < 0 or (x > 0 and x + w > width):
            x, y = 0.0, y + 16
            if w < 0:
                continue
        body.append(f'<g transform="translate({_n(x + 1)} {_n(y + 2)})">' + "".join(parts) + "</g>")
        x += w
    return _svg(width, y + 16, body, font, f"{_t('org', locale)}: {_t('support', locale)}")


# --- power map -----------------------------------------------------------------------------
def power_map(
    plan: Plan,
    locale: Locale,
    *,
    font: str | None = None,
    primary: str | None = None,
    accent: str | None = None,
    width_mm: float = 180.0,
) -> str:
    """Active people placed by influence (rows) and support (columns), stacked within each cell."""
    primary_c = _colour(primary, DEFAULT_PRIMARY)
    _colour(accent, DEFAULT_ACCENT)
    width = width_mm * PT_PER_MM
    people = [p for p in plan.people if p.status == "active"]
    label_pt = 8.5
    axis_w = 14.0
    row_label_w = max(text_width(enum_label("influence", i, locale), 8.5, True) for i in INFLUENCE_ORDER) + 8
    left = axis_w + row_label_w
    gap = 2.0
    split = 8.0  # the unknown column and row stand apart
    dot = 10.0
    line_h = 12.0
    cells: dict[tuple[Influence, Support], list[Person]] = {}
    for p in people:
        cells.setdefault((p.influence, p.support), []).append(p)
    widths, subcols = _power_columns(cells, width - left - split - 5 * gap, label_pt, dot, locale)
    col_x: list[float] = []
    x = left
    for i, w in enumerate(widths):
        col_x.append(x + (split if i == 5 else 0.0))
        x += w + gap
    head_h = 24.0
    body: list[str] = []
    for i, s in enumerate(SUPPORT_ORDER):
        cx = col_x[i] + widths[i] / 2
        body.append(_text(cx, 10, enum_label("support", s, locale), 8.5, INK, bold=True, anchor="middle"))
        body.append(
            _rect(col_x[i] + 6, 15, widths[i] - 12, 3.5, SUPPORT_FILL[s], stroke=BORDER, width=0.4, rx=1.5)
        )
    y = head_h
    row_tops: list[float] = []
    for inf in INFLUENCE_ORDER:
        if inf == "unknown":
            y += split - gap
        rows = max(math.ceil(len(cells.get((inf, s), [])) / subcols[s]) for s in SUPPORT_ORDER)
        row_h = max(30.0, 8 + rows * line_h + 4)
        row_tops.append(y)
        label = enum_label("influence", inf, locale)
        body.append(_text(left - 6, y + row_h / 2 + 3, label, 8.5, INK, bold=True, anchor="end"))
        for i, s in enumerate(SUPPORT_ORDER):
            body.append(_rect(col_x[i], y, widths[i], row_h, _cell_fill(inf, s), rx=2))
            entry_w = (widths[i] - 8) / subcols[s]
            for k, p in enumerate(cells.get((inf, s), [])):
                ex = col_x[i] + 4 + (k % subcols[s]) * entry_w
                ey = y + 6 + (k // subcols[s]) * line_h
                body.append(_circle(ex + 4, ey + 4.5, 3.4, SUPPORT_FILL[p.support], BORDER, 0.5))
                name = _truncate(_clean(p.name), entry_w - dot - 2, label_pt)
                body.append(_text(ex + dot, ey + 7.5, name, label_pt, INK))
        y += row_h + gap
    grid_bottom = y - gap
    # axis titles: influence rises upwards, support grows to the right
    mid = (row_tops[0] + row_tops[3] - split) / 2
    body.append(
        _text(
            0,
            0,
            _t("influence", locale) + " →",
            8.5,
            primary_c,
            bold=True,
            anchor="middle",
            extra=f' transform="translate({_n(axis_w - 4)} {_n(mid)}) rotate(-90)"',
        )
    )
    support_mid = (col_x[0] + col_x[4] + widths[4]) / 2
    body.append(
        _text(
            support_mid,
            grid_bottom + 13,
            _t("support", locale) + " →",
            8.5,
            primary_c,
            bold=True,
            anchor="middle",
        )
    )
    if not people:
        body.append(
            _text((left + width) / 2, head_h + 40, _t("no_people", locale), 9, MUTED, anchor="middle")
        )
    return _svg(width, grid_bottom + 18, body, font, _t("power", locale))


def _power_columns(
    cells: dict[tuple[Influence, Support], list[Person]],
    room: float,
    label_pt: float,
    dot: float,
    locale: Locale,
) -> tuple[list[float], dict[Support, int]]:
    """Column widths and names per line in each column: equal columns, unless a crowded cell
    would grow too tall; then its column gets more room and lists names side by side."""
    subcols: dict[Support, int] = dict.fromkeys(SUPPORT_ORDER, 1)
    entry: dict[Support, float] = {}
    least: dict[Support, float] = {}
    for s in SUPPORT_ORDER:
        names = [_clean(p.name) for (_, sup), ps in cells.items() if sup == s for p in ps]
        widest = max((text_width(n, label_pt) for n in names), default=0.0)
        entry[s] = max(3 * label_pt, min(widest, 6 * label_pt)) + dot + 4
        least[s] = text_width(enum_label("support", s, locale), 8.5, True) + 12

    def need(s: Support) -> float:
        return max(least[s], subcols[s] * entry[s]) + 8

    def tallest() -> tuple[int, Support]:
        return (
            max((math.ceil(len(ps) / subcols[sup]), sup) for (_, sup), ps in cells.items())
            if cells
            else (0, "unknown")
        )

    # names never get cut to make room: a column only widens while every name still fits
    while True:
        rows, s = tallest()
        if rows <= 8 or subcols[s] >= 4:
            break
        subcols[s] += 1
        if sum(need(c) for c in SUPPORT_ORDER) > room:
            subcols[s] -= 1
            break
    if all(n == 1 for n in subcols.values()):
        return [room / 6] * 6, subcols
    spare = (room - sum(need(c) for c in SUPPORT_ORDER)) / 6
    return [need(c) + spare for c in SUPPORT_ORDER], subcols


def _cell_fill(influence: Influence, support: Support) -> str:
    if influence == "unknown" or support == "unknown":
        return "#f7f8fa"
    strong = influence in ("high", "medium")
    if support in ("champion", "supporter"):
        return "#dff0e5" if strong else "#edf6f0"
    if support in ("opponent", "skeptic"):
        return "#f9e1dd" if strong else "#fbefed"
    return "#eef0f3"


# --- stage ladder ----------------------------------------------------------------------------
OUTCOME_COLOUR = {"won": "#1e7b47", "lost": "#c0392b", "no_decision": "#7b8794"}


def stage_dates(project: Project) -> dict[int, str]:
    """The date each stage up to the current one was reached: the latest ``history`` entry, and
    ``stage_since`` for the current stage."""
    dates: dict[int, str] = {}
    for entry in sorted(project.history, key=lambda e: (e.on, e.stage)):
        if entry.stage <= project.stage:
            dates[entry.stage] = entry.on.isoformat()
    if project.stage_since is not None:
        dates[project.stage] = project.stage_since.isoformat()
    return dates


def stage_ladder(
    project: Project,
    locale: Locale,
    *,
    font: str | None = None,
    primary: str | None = None,
    accent: str | None = None,
    width_mm: float = 180.0,
) -> str:
    """The 8-stage buying ladder: reached stages filled, the current one marked, dates under them."""
    primary_c = _colour(primary, DEFAULT_PRIMARY)
    accent_c = _colour(accent, DEFAULT_ACCENT)
    width = width_mm * PT_PER_MM
    gap = 4.0
    col_w = (width - 7 * gap) / 8
    top = 24.0
    step = 7.0
    base = top + 18 + 8 * step
    current = project.stage
    outcome = project.outcome
    now_fill = OUTCOME_COLOUR.get(outcome, accent_c)
    past_fill = _mix(primary_c, "#ffffff", 0.22)
    dates = stage_dates(project)
    label_pt = 8.0
    labels = {n: wrap(stage_label(n, locale), col_w - 4, label_pt, 4) for n in STAGES}
    label_lines = max(len(v) for v in labels.values())
    body: list[str] = []
    for n in STAGES:
        x = (n - 1) * (col_w + gap)
        h = 18 + n * step
        y = base - h
        if n < current:
            fill, ink, stroke = past_fill, _ink_on(past_fill), None
        elif n == current:
            fill, ink, stroke = now_fill, _ink_on(now_fill), None
        else:
            fill, ink, stroke = "#f3f5f7", "#9aa5b1", "#d5dbe1"
        body.append(_rect(x, y, col_w, h, fill, stroke=stroke, width=0.8 if stroke else 0, rx=2.5))
        body.append(_text(x + col_w / 2, y + 13, str(n), 10, ink, bold=True, anchor="middle"))
        ly = base + 11
        for line in labels[n]:
            colour = INK if n <= current else MUTED
            body.append(_text(x + col_w / 2, ly, line, label_pt, colour, bold=n == current, anchor="middle"))
            ly += 10
        if n in dates:
            dy = base + 11 + label_lines * 10 + 2
            body.append(
                _text(
                    x + col_w / 2,
                    dy,
                    dates[n],
                    8,
                    primary_c if n < current else now_fill,
                    anchor="middle",
                    bold=n == current,
                )
            )
        if n == current:
            cx = x + col_w / 2
            tri = f"M{_n(cx - 4.5)} {_n(y - 9)} L{_n(cx + 4.5)} {_n(y - 9)} L{_n(cx)} {_n(y - 3)} Z"
            body.append(f'<path d="{tri}" fill="{now_fill}"/>')
            tag = _t("current", locale) if outcome == "open" else enum_label("outcome", outcome, locale)
            body.append(_text(cx, y - 12, tag, 8.5, now_fill, bold=True, anchor="middle"))
    body.append(_path([[(0, base + 0.5), (width, base + 0.5)]], "#c3cad2", 0.8))
    # the outcome, top left, where the ladder leaves room
    pill_text = (
        _t("stage_of", locale).format(n=current)
        if outcome == "open"
        else enum_label("outcome", outcome, locale)
    )
    pill_colour = primary_c if outcome == "open" else now_fill
    pw = text_width(pill_text, 8.5, True) + 14
    body.append(
        _rect(0, 2, pw, 15, _mix(pill_colour, "#ffffff", 0.85), stroke=pill_colour, width=0.8, rx=7.5)
    )
    body.append(_text(pw / 2, 12.8, pill_text, 8.5, pill_colour, bold=True, anchor="middle"))
    height = base + 11 + label_lines * 10 + (12 if dates else 0) + 2
    return _svg(width, height, body, font, f"{_t('ladder', locale)}: {project.name}")
