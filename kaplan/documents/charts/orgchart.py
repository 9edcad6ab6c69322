"""The org chart: a tree from ``reports_to``, split into pages when it would print too small.

Fill by support, border weight by influence, dots for coverage; people who left are muted.
"""

from __future__ import annotations

from collections.abc import Sequence

from kaplan.documents.charts.orglayout import (
    HEADER_H,
    NAME_LINE,
    NAME_PT,
    PAD,
    SMALL_PT,
    TITLE_PT,
    UNIT_GAP,
    Point,
    _best,
    _Chart,
    _loose_units,
    _Metrics,
    _metrics,
    _pack,
    _subtitle,
    _tree_units,
    _Unit,
)
from kaplan.documents.charts.orgtree import MAX_LEVELS, _forest, _Node, _prune
from kaplan.documents.charts.svg import (
    BORDER,
    COVERAGE_DOTS,
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


def org_chart(
    plan: Plan,
    locale: Locale,
    *,
    font: str | None = None,
    primary: str | None = None,
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
    page = _Page(width_mm * PT_PER_MM, max_height_mm * PT_PER_MM, SMALL_PT)
    trees = [_prune(t) for t in _forest(plan.people)]
    branched = [t for t in trees if t.children]
    m = _box_metrics(plan.people, branched, page, locale)
    units: list[_Unit] = []
    for tree in branched:
        units.extend(_tree_units(tree, m, page, locale, top=len(branched) == 1))
    units.extend(_loose_units([t for t in trees if not t.children], m, page, locale))
    charts = _pack(units, page, HEADER_H)
    if len(charts) == 1:
        charts = _pack(units, page, 0.0)
    chart_of = _team_charts(charts)
    return [
        _draw_org(chart, i, len(charts), chart_of, m, page, locale, font, primary_c)
        for i, chart in enumerate(charts)
    ]


def _box_metrics(
    people: Sequence[Person], branched: Sequence[_Node], page: _Page, locale: Locale
) -> _Metrics:
    """Boxes for the plan's people; narrower ones (titles on up to three lines) when they keep every
    tree on one page and the usual ones do not: rather that than an overview and branch charts."""
    m = _metrics(people, locale)
    if any(_best(t, m, page, HEADER_H) is None for t in branched):
        narrow = _metrics(people, locale, title_w=84.0)
        if narrow.width < m.width and all(_best(t, narrow, page, HEADER_H) is not None for t in branched):
            return narrow
    return m


def _team_charts(charts: Sequence[_Chart]) -> dict[int, int]:
    """For each box whose team is drawn, the chart that draws it (keyed by the full tree's node id)."""
    chart_of: dict[int, int] = {}
    for i, chart in enumerate(charts):
        for node in _chart_nodes(chart):
            if node.children and not node.hidden:  # this box's team is drawn here
                chart_of.setdefault(id(node.full), i)
    return chart_of


def _chart_nodes(chart: _Chart) -> list[_Node]:
    return [node for row in chart.rows for unit in row for _, _, node in unit.block.boxes]


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
        body.extend(_chart_header(chart, f"{index + 1}/{total}", width, margin, primary))
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
                more = _box_note(node, chart_of, total, locale)
                boxes.append(_draw_box(bx + x, by + y, node, m, locale, more))
            x += b.w + UNIT_GAP
        y += max(u.block.h for u in row) + UNIT_GAP
    height = y - UNIT_GAP + margin
    deep = sum(n.beyond for n in _chart_nodes(chart) if not n.children)
    if deep:  # say plainly that the chart stops, not only on the last box
        note = _t("too_deep", locale).format(levels=MAX_LEVELS, n=deep)
        boxes.append(_text(margin, height + 8, _truncate(note, width - 2 * margin, 8.5), 8.5, MUTED))
        height += 14
    body.append(_path(lines, LINE, 0.9))
    body.extend(boxes)
    return _svg(width, height, body, font, _t("org", locale))


def _chart_header(chart: _Chart, counter: str, width: float, margin: float, primary: str) -> list[str]:
    """The caption of a chart that is one of several (its departments), and its number."""
    units = [u for r in chart.rows for u in r]
    captions = [u.caption for u in units if u.caption and not u.loose] or [
        u.caption for u in units if u.caption
    ]
    caption = " · ".join(dict.fromkeys(captions))
    room = width - 2 * margin - text_width(counter, 8.5) - 12
    return [
        _text(width - margin, margin + 9, counter, 8.5, MUTED, anchor="end"),
        _text(margin, margin + 9, _truncate(caption, room, 8.5, True), 8.5, primary, bold=True),
    ]


def _box_note(node: _Node, chart_of: dict[int, int], total: int, locale: Locale) -> str:
    """The box's last line: where its hidden team is drawn, or how many are below the deepest level."""
    ref = chart_of.get(id(node.full)) if node.hidden else None
    if ref is not None:
        return _t("more", locale).format(n=node.hidden, ref=f"{ref + 1}/{total}")
    if node.beyond:
        return _t("deeper", locale).format(n=node.beyond)
    return ""


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
