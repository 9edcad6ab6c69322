"""The portfolio's charts as SVG: pipeline and forecast by stage (a stacked bar per stage) and
sparklines of a plan's health or forecast over its last commits.

Every figure is also printed as text beside its bar, so the chart reads without colour; the SVG
carries an ``aria-label`` that says what it shows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from kaplan.documents.charts.svg import (
    DEFAULT_ACCENT,
    DEFAULT_PRIMARY,
    INK,
    MUTED,
    _circle,
    _colour,
    _mix,
    _n,
    _path,
    _rect,
    _svg,
    _text,
    _truncate,
)

BAR_W = 640.0
ROW_H = 26.0
LABEL_W = 214.0
VALUE_W = 150.0


def stage_bars(
    rows: Sequence[tuple[str, float, float]],
    money: Callable[[float], str],
    label: str,
    *,
    font: str | None = None,
    primary: str | None = None,
    legend: tuple[str, str] = ("forecast", "rest of the pipeline"),
) -> str:
    """One horizontal bar per stage: the forecast (solid) stacked on the rest of the pipeline (light).

    ``rows`` are (stage label, pipeline, forecast), the amounts in one currency; ``money`` words an
    amount. The longest bar is the largest pipeline.
    """
    ink = _colour(primary, DEFAULT_PRIMARY)
    light = _mix(ink, "#ffffff", 0.72)
    top = max((pipe for _, pipe, _ in rows), default=0.0) or 1.0
    span = BAR_W - LABEL_W - VALUE_W
    body: list[str] = []
    y = 6.0
    for name, pipe, expected in rows:
        body.append(_text(0, y + 15, _truncate(name, LABEL_W - 8, 11), 11, INK))
        whole = span * pipe / top
        part = span * min(expected, pipe) / top if pipe else 0.0
        body.append(_rect(LABEL_W, y + 3, span, ROW_H - 8, "#f1f3f5", rx=2))
        if whole > 0:
            body.append(_rect(LABEL_W, y + 3, whole, ROW_H - 8, light, rx=2))
        if part > 0:
            body.append(_rect(LABEL_W, y + 3, part, ROW_H - 8, ink, rx=2))
        words = f"{money(expected)} / {money(pipe)}" if pipe else "—"
        body.append(_text(BAR_W, y + 15, words, 10.5, INK if pipe else MUTED, anchor="end"))
        y += ROW_H
    y += 6
    body.append(_rect(LABEL_W, y, 10, 10, ink))
    body.append(_text(LABEL_W + 14, y + 9, legend[0], 10, INK))
    body.append(_rect(LABEL_W + 110, y, 10, 10, light))
    body.append(_text(LABEL_W + 124, y + 9, legend[1], 10, INK))
    return _svg(BAR_W, y + 16, body, font, label)


def sparkline(
    values: Sequence[float | None],
    label: str,
    *,
    width: float = 96.0,
    height: float = 22.0,
    primary: str | None = None,
    low: float | None = 0.0,
    high: float | None = 100.0,
) -> str:
    """A small line of ``values`` (oldest first; None: a gap), its last point marked.

    ``low``/``high`` fix the scale (health: 0–100); None takes it from the values.
    """
    ink = _colour(primary, DEFAULT_PRIMARY)
    known = [v for v in values if v is not None]
    if not known:
        return _svg(width, height, [], None, label)
    lo = low if low is not None else min(known)
    hi = high if high is not None else max(known)
    hi = hi if hi > lo else lo + 1
    pad = 3.0
    step = (width - 2 * pad) / max(len(values) - 1, 1)

    def point(i: int, v: float) -> tuple[float, float]:
        return pad + i * step, height - pad - (height - 2 * pad) * (v - lo) / (hi - lo)

    segments: list[list[tuple[float, float]]] = [[]]
    for i, v in enumerate(values):
        if v is None:
            segments.append([])
        else:
            segments[-1].append(point(i, v))
    body = [_rect(0, 0, width, height, "#ffffff")]
    body.append(_path(segments, ink, 1.4))
    last = next(((i, v) for i, v in reversed(list(enumerate(values))) if v is not None))
    x, y = point(*last)
    body.append(_circle(x, y, 2.2, _colour(None, DEFAULT_ACCENT)))
    svg = _svg(width, height, body, None, label)
    # A sparkline is drawn at its own size, not stretched to the column.
    return svg.replace(' width="100%"', f' width="{_n(width)}" height="{_n(height)}"', 1)


def trend_lines(
    health: Sequence[int | None],
    forecast: Sequence[float | None],
    locale: str,
    *,
    primary: str | None = None,
    accent: str | None = None,
    size: tuple[float, float] = (44.0, 14.0),
) -> tuple[str, str]:
    """Sparklines of a plan's health and forecast at its last commits (oldest first), small enough to
    sit in a line of text: each is empty unless at least two of its values are known."""
    zh = locale == "zh"

    def words(values: Sequence[float | None], what: str) -> str:
        known = [v for v in values if v is not None]
        return f"{what}: {' → '.join(f'{v:,.0f}' for v in known)}"

    out = []
    for values, what, ink, scale in (
        (health, "健康度" if zh else "health", primary, (0.0, 100.0)),
        (forecast, "预测" if zh else "forecast", accent, (None, None)),
    ):
        if sum(v is not None for v in values) < 2:
            out.append("")
            continue
        low, high = scale
        out.append(
            sparkline(
                values, words(values, what), width=size[0], height=size[1], primary=ink, low=low, high=high
            )
        )
    return out[0], out[1]
