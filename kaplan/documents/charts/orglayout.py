"""The org chart's layout: box sizes, subtrees laid out as blocks, and blocks split into page-sized charts."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from kaplan.documents.charts.orgtree import _cut, _Node
from kaplan.documents.charts.svg import (
    _clean,
    _Page,
    _t,
    text_width,
    wrap,
)
from kaplan.documents.labels import enum_label
from kaplan.plan.model import Locale, Person

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


NAME_LINE = 11.0  # between the two lines of a long name


@dataclass(frozen=True)
class _Metrics:
    """Box geometry shared by every box of every org chart of a plan."""

    width: float
    title_lines: int
    locale: Locale = "zh"

    @property
    def base_h(self) -> float:
        return 25.0 + 10.0 * self.title_lines + 1.5

    def name_room(self, person: Person) -> float:
        """Room for the name beside the coverage dots or the status tag."""
        if person.status in ("left", "moved"):
            tag = enum_label("person_status", person.status, self.locale)
            return self.width - 2 * PAD - (text_width(tag, SMALL_PT) + 6) - 2
        return self.width - 2 * PAD - DOTS_W

    def name_lines(self, person: Person) -> tuple[str, ...]:
        return _name_lines(_clean(person.name), self.name_room(person))

    def height(self, node: _Node) -> float:
        extra = NAME_LINE * (len(self.name_lines(node.person)) - 1)
        return self.base_h + extra + (11.0 if node.hidden or node.beyond else 0.0)


@lru_cache(maxsize=4096)
def _name_lines(name: str, room: float) -> tuple[str, ...]:
    """A name on one line if it fits, else on two; cut with … only if two are not enough."""
    if text_width(name, NAME_PT, bold=True) <= room:
        return (name,)
    return tuple(wrap(name, room / 1.06, NAME_PT, 2))


def _subtitle(person: Person) -> str:
    return _clean(person.title or person.department or "")


def _metrics(people: Sequence[Person], locale: Locale, title_w: float = 112.0) -> _Metrics:
    """Boxes wide enough for the longest name (up to a limit; longer names take two lines) and
    for titles up to ``title_w`` (longer titles wrap)."""
    need = 0.0
    for p in people:
        name = text_width(_clean(p.name), NAME_PT, bold=True) + DOTS_W
        title = text_width(_subtitle(p), TITLE_PT)
        need = max(need, name, min(title, title_w))
    width = max(84.0, min(124.0, need + 2 * PAD + 2))
    lines = max((len(wrap(_subtitle(p), width - 2 * PAD, TITLE_PT, 3)) for p in people), default=1)
    return _Metrics(width=width, title_lines=max(1, min(lines, 2 if title_w >= 112.0 else 3)), locale=locale)


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
        # a branch the overview shows in full is not drawn again
        if branch.children and (overview is None or branch_depth + branch.height > depth):
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
    head = 14.0
    rows = [nodes[i : i + per_row] for i in range(0, len(nodes), per_row)]
    units: list[_Unit] = []
    block: _Block | None = None
    for row in rows:
        row_h = max(m.height(n) for n in row) + ROWGAP + 3
        if block is not None and block.h + row_h - ROWGAP + HEADER_H > page.height:
            block.h -= ROWGAP + 3
            units.append(_Unit(block, "", loose=True))
            block = None
        if block is None:
            block = _Block(0.0, head, 0.0)
        for k, n in enumerate(row):
            block.boxes.append((k * (m.width + HGAP), block.h, n))
        block.w = max(block.w, len(row) * (m.width + HGAP) - HGAP)
        block.h += row_h
    if block is not None:
        block.h -= ROWGAP + 3
        units.append(_Unit(block, "", loose=True))
    for i, unit in enumerate(units):
        unit.caption = _t("loose", locale) + (_t("cont", locale) if i else "")
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
