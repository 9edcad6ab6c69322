"""Inline SVG charts for the dossier: org chart, power map and stage ladder.

Every chart is a self-contained ``<svg>`` string: no scripts, no ids (several charts share a page), no
external references, all text escaped, and the same input always gives the same string. Lengths are
points at the design width (180 mm unless told otherwise), so ``font-size="8"`` prints at 8 pt when the
chart is shown that wide; ``width="100%"`` and the ``viewBox`` let the page scale it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from kaplan.documents.charts.orgchart import org_chart, org_legend
from kaplan.documents.charts.svg import (
    BORDER,
    DEFAULT_ACCENT,
    DEFAULT_PRIMARY,
    INFLUENCE_ORDER,
    INK,
    MUTED,
    PT_PER_MM,
    SUPPORT_FILL,
    SUPPORT_ORDER,
    _circle,
    _clean,
    _colour,
    _ink_on,
    _mix,
    _multiline,
    _n,
    _path,
    _rect,
    _svg,
    _t,
    _text,
    text_width,
    wrap,
)
from kaplan.documents.labels import STAGES, enum_label, stage_label
from kaplan.plan.model import Influence, Locale, Person, Plan, Project, Support

__all__ = ["org_chart", "org_legend", "power_map", "stage_dates", "stage_ladder", "text_width", "wrap"]


# --- power map -----------------------------------------------------------------------------
PM_LABEL_PT = 8.5  # names in the cells
PM_GAP = 2.0  # between cells
PM_SPLIT = 8.0  # the unknown column and row stand apart
PM_DOT = 10.0
PM_LINE_H = 12.0  # one entry
PM_WRAP_H = 10.0  # the second line of a long name
PM_HEAD_H = 24.0
PM_MAX_LINES = 8  # a cell lists this many lines of names at most, the last saying how many more
PM_AXIS_W = 14.0

Entry = tuple[str, list[str]]  # a name as given, and as drawn on one or two lines


@dataclass
class _PowerGrid:
    """The power map's cells: people by (influence, support), columns' places and widths."""

    supports: list[Support]
    cells: dict[tuple[Influence, Support], list[Person]]
    col_x: list[float]
    widths: list[float]
    subcols: dict[Support, int]  # names side by side in each column
    names: dict[tuple[Influence, Support], list[Entry]] = field(default_factory=dict)

    def lines_h(self, entries: list[Entry], per: int) -> list[float]:
        """Heights of the lines of entries in a cell, ``per`` entries side by side."""
        return [
            max(PM_LINE_H + PM_WRAP_H * (len(lines) - 1) for _, lines in entries[k : k + per])
            for k in range(0, len(entries), per)
        ]

    def row_h(self, inf: Influence) -> float:
        """The height of an influence's row: its fullest cell's, and at least 30."""
        content = max(
            (sum(self.lines_h(self.names.get((inf, s), []), self.subcols[s])) for s in self.supports),
            default=0.0,
        )
        return max(30.0, 8 + content + 4)

    def draw_heads(self, locale: Locale) -> list[str]:
        """Each column's support, over a swatch of its colour."""
        body: list[str] = []
        for i, s in enumerate(self.supports):
            cx = self.col_x[i] + self.widths[i] / 2
            body.append(_text(cx, 10, enum_label("support", s, locale), 8.5, INK, bold=True, anchor="middle"))
            swatch_w = self.widths[i] - 12
            body.append(
                _rect(self.col_x[i] + 6, 15, swatch_w, 3.5, SUPPORT_FILL[s], stroke=BORDER, width=0.4, rx=1.5)
            )
        return body

    def draw_row(self, inf: Influence, y: float, row_h: float) -> list[str]:
        """The cells of one row, each with its people's dots and names."""
        body: list[str] = []
        for i, s in enumerate(self.supports):
            body.append(_rect(self.col_x[i], y, self.widths[i], row_h, _cell_fill(inf, s), rx=2))
            per = self.subcols[s]
            entry_w = (self.widths[i] - 8) / per
            entries = self.names.get((inf, s), [])
            people_here = self.cells.get((inf, s), [])
            ey = y + 6
            for k0, sub_h in zip(range(0, len(entries), per), self.lines_h(entries, per), strict=True):
                for k in range(k0, min(k0 + per, len(entries))):
                    ex = self.col_x[i] + 4 + (k % per) * entry_w
                    text, lines = entries[k]
                    if k >= len(people_here):  # "+N more": no dot, muted
                        body.append(
                            _multiline(ex + PM_DOT, ey + 7.5, text, lines, PM_LABEL_PT, PM_WRAP_H, MUTED)
                        )
                        continue
                    fill = SUPPORT_FILL[people_here[k].support]
                    body.append(_circle(ex + 4, ey + 4.5, 3.4, fill, BORDER, 0.5))
                    body.append(_multiline(ex + PM_DOT, ey + 7.5, text, lines, PM_LABEL_PT, PM_WRAP_H, INK))
                ey += sub_h
        return body


def _power_grid(
    people: list[Person], supports: list[Support], left: float, width: float, locale: Locale
) -> _PowerGrid:
    cells: dict[tuple[Influence, Support], list[Person]] = {}
    for p in people:
        cells.setdefault((p.influence, p.support), []).append(p)
    has_split = supports[-1] == "unknown"
    room = width - left - (PM_SPLIT if has_split else 0.0) - (len(supports) - 1) * PM_GAP
    widths, subcols = _power_columns(cells, supports, room, PM_LABEL_PT, PM_DOT, locale)
    col_x: list[float] = []
    x = left
    for s, w in zip(supports, widths, strict=True):
        col_x.append(x + (PM_SPLIT if s == "unknown" else 0.0))
        x += w + PM_GAP
    grid = _PowerGrid(supports, cells, col_x, widths, subcols)
    # each name on one line if it fits its place in the cell, else on two; a crowded cell (80 people
    # nobody has assessed yet) shows its first names and how many more, so the map keeps its size
    for (inf, s), ps in list(cells.items()):
        i = supports.index(s)
        room_name = (widths[i] - 8) / subcols[s] - PM_DOT - 2
        places = PM_MAX_LINES * subcols[s]
        shown = ps if len(ps) <= places else ps[: places - 1]
        cells[(inf, s)] = shown
        entries = [(_clean(p.name), wrap(p.name, room_name, PM_LABEL_PT, 2)) for p in shown]
        if len(shown) < len(ps):
            more = _t("more_people", locale).format(n=len(ps) - len(shown))
            entries.append((more, [more]))
        grid.names[(inf, s)] = entries
    return grid


def _power_scales(people: list[Person]) -> tuple[list[Support], list[Influence]]:
    """The columns and rows: the "unknown" row and column only when someone is in them."""
    supports = [s for s in SUPPORT_ORDER if s != "unknown" or any(p.support == s for p in people)]
    influences = [i for i in INFLUENCE_ORDER if i != "unknown" or any(p.influence == i for p in people)]
    return supports, influences


def power_map(
    plan: Plan,
    locale: Locale,
    *,
    font: str | None = None,
    primary: str | None = None,
    width_mm: float = 180.0,
) -> str:
    """Active people placed by influence (rows) and support (columns), stacked within each cell."""
    primary_c = _colour(primary, DEFAULT_PRIMARY)
    width = width_mm * PT_PER_MM
    people = [p for p in plan.people if p.status == "active"]
    supports, influences = _power_scales(people)
    row_label_w = max(text_width(enum_label("influence", i, locale), 8.5, True) for i in influences) + 8
    left = PM_AXIS_W + row_label_w
    grid = _power_grid(people, supports, left, width, locale)
    body = grid.draw_heads(locale)
    y = PM_HEAD_H
    row_tops: list[float] = []
    known_bottom = y
    for inf in influences:
        if inf == "unknown":
            y += PM_SPLIT - PM_GAP
        row_h = grid.row_h(inf)
        row_tops.append(y)
        label = enum_label("influence", inf, locale)
        body.append(_text(left - 6, y + row_h / 2 + 3, label, 8.5, INK, bold=True, anchor="end"))
        body.extend(grid.draw_row(inf, y, row_h))
        y += row_h + PM_GAP
        if inf != "unknown":
            known_bottom = y - PM_GAP
    grid_bottom = y - PM_GAP
    body.extend(_power_axes(grid, (row_tops[0] + known_bottom) / 2, grid_bottom, primary_c, locale))
    if not people:
        body.append(
            _text((left + width) / 2, PM_HEAD_H + 40, _t("no_people", locale), 9, MUTED, anchor="middle")
        )
    return _svg(width, grid_bottom + 18, body, font, _t("power", locale))


def _power_axes(grid: _PowerGrid, mid: float, grid_bottom: float, primary: str, locale: Locale) -> list[str]:
    """The axis titles: influence rises upwards (centred on the known rows), support grows to the right."""
    influence = _text(
        0,
        0,
        _t("influence", locale) + " →",
        8.5,
        primary,
        bold=True,
        anchor="middle",
        extra=f' transform="translate({_n(PM_AXIS_W - 4)} {_n(mid)}) rotate(-90)"',
    )
    n_cols = len(grid.supports)
    last = n_cols - 2 if grid.supports[-1] == "unknown" else n_cols - 1
    support_mid = (grid.col_x[0] + grid.col_x[last] + grid.widths[last]) / 2
    support = _text(
        support_mid, grid_bottom + 13, _t("support", locale) + " →", 8.5, primary, bold=True, anchor="middle"
    )
    return [influence, support]


def _power_columns(
    cells: dict[tuple[Influence, Support], list[Person]],
    supports: list[Support],
    room: float,
    label_pt: float,
    dot: float,
    locale: Locale,
) -> tuple[list[float], dict[Support, int]]:
    """Column widths and names per line in each column: equal columns, unless a crowded cell
    would grow too tall; then its column gets more room and lists names side by side."""
    subcols: dict[Support, int] = dict.fromkeys(supports, 1)
    entry: dict[Support, float] = {}
    least: dict[Support, float] = {}
    for s in supports:
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

    # names are wrapped rather than cut: a column only widens while every name still fits two lines
    while True:
        rows, s = tallest()
        if rows <= 8 or subcols[s] >= 4:
            break
        subcols[s] += 1
        if sum(need(c) for c in supports) > room:
            subcols[s] -= 1
            break
    if all(n == 1 for n in subcols.values()):
        return [room / len(supports)] * len(supports), subcols
    spare = (room - sum(need(c) for c in supports)) / len(supports)
    return [need(c) + spare for c in supports], subcols


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


def _step_colours(n: int, current: int, past_fill: str, now_fill: str) -> tuple[str, str, str | None]:
    """A step's fill, ink and outline: reached, current, or still ahead."""
    if n < current:
        return past_fill, _ink_on(past_fill), None
    if n == current:
        return now_fill, _ink_on(now_fill), None
    return "#f3f5f7", "#9aa5b1", "#d5dbe1"


def _current_mark(cx: float, y: float, colour: str, outcome: str, locale: Locale) -> list[str]:
    """The triangle over the current step and its tag: "current", or the outcome."""
    tri = f"M{_n(cx - 4.5)} {_n(y - 9)} L{_n(cx + 4.5)} {_n(y - 9)} L{_n(cx)} {_n(y - 3)} Z"
    tag = _t("current", locale) if outcome == "open" else enum_label("outcome", outcome, locale)
    return [
        f'<path d="{tri}" fill="{colour}"/>',
        _text(cx, y - 12, tag, 8.5, colour, bold=True, anchor="middle"),
    ]


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
        fill, ink, stroke = _step_colours(n, current, past_fill, now_fill)
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
            body.extend(_current_mark(x + col_w / 2, y, now_fill, outcome, locale))
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
