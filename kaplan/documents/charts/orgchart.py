"""The org chart: a tree from ``reports_to``, split into pages when it would print too small.

Fill by support, border weight by influence, dots for coverage; people who left are muted.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from kaplan.documents.charts.svg import (
    BORDER,
    COVERAGE_DOTS,
    DEFAULT_ACCENT,
    DEFAULT_PRIMARY,
    INFLUENCE_STROKE,
    INK,
    LINE,
    MUTED,
    PT_PER_MM,
    SUPPORT_FILL,
    _circle,
    _clean,
    _colour,
    _ink_on,
    _mix,
    _multiline,
    _n,
    _Page,
    _path,
    _rect,
    _svg,
    _t,
    _text,
    _truncate,
    text_width,
    wrap,
)
from kaplan.documents.labels import enum_label
from kaplan.plan.model import Influence, Locale, Person, Plan


# --- org chart: the tree ----------------------------------------------------------------
@dataclass(eq=False)
class _Node:
    person: Person
    children: list[_Node] = field(default_factory=list)
    hidden: int = 0  # people below this box who are drawn in another chart
    origin: _Node | None = None  # in a cut-down copy: the node of the full tree it stands for
    height: int = 0  # levels below (0 for a leaf)
    size: int = 1  # people in the subtree, this one included
    beyond: int = 0  # people below this box deeper than any chart draws (MAX_LEVELS)

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
        n.size = 1 + n.beyond + sum(c.size for c in n.children)
    return node


MAX_LEVELS = 24  # levels of one reporting tree that are drawn; real organisations have about 10


def _prune(root: _Node, levels: int = MAX_LEVELS) -> _Node:
    """The tree down to ``levels`` levels: the people deeper are counted on the last box, not drawn.

    Why: the layout recurses once per level and tries a layout per level, so a reporting chain of
    20,000 people would exhaust the stack and take minutes; no page could show it anyway.
    """
    if root.height < levels:
        return root
    top = _Node(root.person)
    stack = [(root, top, 1)]
    while stack:
        source, copy, level = stack.pop()
        if level >= levels:
            copy.beyond = source.size - 1
            continue
        for child in source.children:
            kid = _Node(child.person)
            copy.children.append(kid)
            stack.append((child, kid, level + 1))
    return _annotate(top)


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
    copy = _Node(node.person, origin=node.full, beyond=node.beyond)
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
    trees = [_prune(t) for t in _forest(plan.people)]
    m = _metrics(plan.people, locale)
    branched = [t for t in trees if t.children]
    if any(_best(t, m, page, HEADER_H) is None for t in branched):
        # Narrower boxes (titles on up to three lines) may keep a tree on one page: rather that
        # than an overview and branch charts.
        narrow = _metrics(plan.people, locale, title_w=84.0)
        if narrow.width < m.width and all(_best(t, narrow, page, HEADER_H) is not None for t in branched):
            m = narrow
    units: list[_Unit] = []
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
                elif node.beyond:
                    more = _t("deeper", locale).format(n=node.beyond)
                boxes.append(_draw_box(bx + x, by + y, node, m, locale, more))
            x += b.w + UNIT_GAP
        y += max(u.block.h for u in row) + UNIT_GAP
    height = y - UNIT_GAP + margin
    deep = sum(n.beyond for r in chart.rows for u in r for _, _, n in u.block.boxes if not n.children)
    if deep:  # say plainly that the chart stops, not only on the last box
        note = _t("too_deep", locale).format(levels=MAX_LEVELS, n=deep)
        boxes.append(_text(margin, height + 8, _truncate(note, width - 2 * margin, 8.5), 8.5, MUTED))
        height += 14
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
    else:
        dots = COVERAGE_DOTS[p.coverage]
        for j in range(3):
            cx = x + w - PAD - 2.2 - (2 - j) * 6.0
            if j < dots:
                marks.append(_circle(cx, y + 9.5, 2.2, ink))
            else:
                marks.append(_circle(cx, y + 9.5, 1.8, "none", soft, 0.7))
    names = m.name_lines(p)
    drop = NAME_LINE * (len(names) - 1)
    out = [
        "<g>",
        _rect(x, y, w, h, fill, stroke=stroke, width=sw, rx=3, dash=dash),
        _multiline(x + PAD, y + 14, _clean(p.name), names, NAME_PT, NAME_LINE, ink, bold=True),
        *marks,
    ]
    for i, line in enumerate(wrap(_subtitle(p), w - 2 * PAD, TITLE_PT, m.title_lines)):
        out.append(_text(x + PAD, y + drop + 25.5 + 10 * i, line, TITLE_PT, soft))
    if more:
        out.append(_text(x + PAD, y + h - 4.5, _truncate(more, w - 2 * PAD, SMALL_PT), SMALL_PT, ink))
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
