"""The SVG toolkit under the charts: text widths, wrapping, colours, escaping, numbers."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from kaplan.documents.charts import svg
from kaplan.documents.charts.svg import text_width, wrap


def test_text_width_estimates() -> None:
    assert text_width("王建国", 10) == pytest.approx(30)
    assert 40 < text_width("Zhao Gang", 10) < 60
    assert text_width("Zhao Gang", 10, bold=True) > text_width("Zhao Gang", 10)
    assert wrap("发现问题，提出需求", 50, 8, 3) == ["发现问题，", "提出需求"]
    lines = wrap("Information gathering and supplier screening", 60, 8, 2)
    assert len(lines) == 2
    assert lines[-1].endswith("…")
    assert all(text_width(line, 8) <= 60 for line in lines)


def test_colours_are_hex_or_refused() -> None:
    assert svg._colour("#A00", "#000000") == "#aa0000"
    assert svg._colour(None, "#123456") == "#123456"
    with pytest.raises(ValueError, match="colour"):
        svg._colour('red" onload="x', "#000000")
    assert svg._ink_on("#ffffff") == svg.INK
    assert svg._ink_on("#000000") == "#ffffff"


def test_numbers_are_short_and_stable() -> None:
    assert [svg._n(v) for v in (1.0, 1.005, 2.5, -0.001, 10.129)] == ["1", "1", "2.5", "0", "10.13"]


def test_a_document_is_well_formed_with_a_sanitised_font_and_escaped_label() -> None:
    text = svg._svg(10, 20, [], font="Evil\"'><script>", label='<b>"Org" & co\x00</b>')
    root = ET.fromstring(text)
    assert root.get("viewBox") == "0 0 10 20"
    assert root.get("font-family", "").startswith("'Evilscript', ")
    assert root.get("aria-label") == '<b>"Org" & co</b>'
