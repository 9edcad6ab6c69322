"""SVG charts: determinism, escaping, completeness, legibility of big org charts, placement."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from chart_plans import (
    SVG,
    parse,
    person,
    plan_of,
    printed_min_font,
    project,
    texts,
    zh_plan,
)

from kaplan.documents.charts.figures import (
    org_chart,
    org_legend,
    power_map,
    stage_dates,
    stage_ladder,
)
from kaplan.plan.model import Locale, Plan

# --- general ------------------------------------------------------------------------------
ALL: list[Callable[[Plan], list[str]]] = [
    lambda p: org_chart(p, "zh"),
    lambda p: [power_map(p, "en")],
    lambda p: [stage_ladder(p.projects[0], "zh")] if p.projects else [],
    lambda p: [org_legend("en")],
]


@pytest.mark.parametrize("chart", ALL)
def test_charts_are_deterministic_and_valid_svg(chart: Callable[[Plan], list[str]]) -> None:
    plan = zh_plan().model_copy(update={"projects": [project(history=[{"stage": 1, "on": "2026-01-05"}])]})
    first = chart(plan)
    assert first == chart(zh_plan().model_copy(update={"projects": plan.projects}))
    for svg in first:
        root = parse(svg)
        assert root.tag == f"{SVG}svg"
        assert root.get("width") == "100%"
        assert root.get("height") is None
        assert "WenQuanYi Micro Hei" in root.get("font-family", "")
        assert not list(root.iter(f"{SVG}script"))
        assert "href" not in svg
        assert " id=" not in svg  # several charts share one page
        assert printed_min_font(svg) >= 7.0


def test_font_goes_first_and_is_sanitised() -> None:
    svg = org_legend("zh", font="Source Han Sans\"'><script>")
    family = parse(svg).get("font-family", "")
    assert family.startswith("'Source Han Sansscript', ")
    assert family.endswith("sans-serif")


def test_brand_colours_must_be_hex() -> None:
    plan = zh_plan()
    assert "#aa0000" in power_map(plan, "zh", primary="#A00")
    with pytest.raises(ValueError, match="colour"):
        power_map(plan, "zh", primary='red" onload="x')


NASTY = '<script>alert("x")</script> & Co'


def test_names_are_escaped_everywhere() -> None:
    plan = plan_of(
        [
            person("a", NASTY, "CEO & <b>boss</b>", influence="high", support="champion"),
            person("b", "B&B", "<i>", "a"),
        ]
    )
    outputs = [*org_chart(plan, "en"), power_map(plan, "en"), stage_ladder(project(name=NASTY), "en")]
    for svg in outputs:
        parse(svg)  # well-formed
        assert "<script" not in svg
        assert "<b>" not in svg
        assert "<i>" not in svg
    chart_text = " ".join(texts(org_chart(plan, "en")[0]))
    assert "<script>" in chart_text  # shown as text, not run
    assert "B&B" in chart_text


def test_control_characters_do_not_break_the_xml() -> None:
    plan = plan_of([person("a", "Bad\x00name\x1b", "t\x07")])
    for svg in (org_chart(plan, "en")[0], power_map(plan, "en")):
        parse(svg)
        assert "Badname" in svg
        assert not any(c in svg for c in "\x00\x1b\x07")


# --- power map ----------------------------------------------------------------------------
def cell_of(svg: str, name: str) -> tuple[str, str]:
    """The (influence, support) labels of the grid cell a name's label sits in."""
    root = parse(svg)
    rects = [r for r in root.iter(f"{SVG}rect") if r.get("height") and float(r.get("height", 0)) >= 30]
    label = next(t for t in root.iter(f"{SVG}text") if "".join(t.itertext()) == name)
    x, y = float(label.get("x", 0)), float(label.get("y", 0))
    cell = next(
        r
        for r in rects
        if float(r.get("x", 0)) <= x <= float(r.get("x", 0)) + float(r.get("width", 0))
        and float(r.get("y", 0)) <= y <= float(r.get("y", 0)) + float(r.get("height", 0))
    )
    cx = float(cell.get("x", 0)) + float(cell.get("width", 0)) / 2
    cy = float(cell.get("y", 0)) + float(cell.get("height", 0)) / 2
    heads = [
        t for t in root.iter(f"{SVG}text") if t.get("text-anchor") == "middle" and float(t.get("y", 0)) < 20
    ]
    column = min(heads, key=lambda t: abs(float(t.get("x", 0)) - cx))
    rows = [t for t in root.iter(f"{SVG}text") if t.get("text-anchor") == "end"]
    row = min(rows, key=lambda t: abs(float(t.get("y", 0)) - cy))
    return "".join(row.itertext()), "".join(column.itertext())


def test_power_map_places_people_in_their_cell() -> None:
    svg = power_map(zh_plan(), "en")
    assert cell_of(svg, "李华") == ("High", "Strong supporter")
    assert cell_of(svg, "张伟") == ("High", "Skeptic")
    assert cell_of(svg, "黄敏") == ("Low", "Opponent")
    assert cell_of(svg, "孙丽") == ("Unknown", "Unknown")
    assert cell_of(svg, "陈静") == ("Medium", "Neutral")


def test_power_map_shows_active_people_only_and_stacks_labels() -> None:
    plan = zh_plan()
    svg = power_map(plan, "zh")
    shown = texts(svg)
    for p in plan.people:
        assert (p.name in shown) == (p.status == "active"), p.name
    crowd = plan_of(
        [person(f"p{i}", f"Person Number {i}", "x", influence="high", support="neutral") for i in range(9)]
    )
    root = parse(power_map(crowd, "en"))
    spots = [
        (float(t.get("x", 0)), float(t.get("y", 0)))
        for t in root.iter(f"{SVG}text")
        if "".join(t.itertext()).startswith("Person")
    ]
    assert len(spots) == len(set(spots)) == 9
    for i, (x1, y1) in enumerate(spots):
        for x2, y2 in spots[i + 1 :]:
            assert abs(y1 - y2) >= 10 or abs(x1 - x2) >= 30  # no two labels on top of each other


def test_a_crowded_cell_lists_its_first_names_and_how_many_more() -> None:
    def crowd(n: int) -> Plan:
        return plan_of([person(f"p{i}", f"Person Number {i}", "x") for i in range(n)])  # nobody assessed

    root = parse(power_map(crowd(80), "en"))
    names = [t for t in ("".join(e.itertext()) for e in root.iter(f"{SVG}text")) if t.startswith("Person")]
    more = [t for t in ("".join(e.itertext()) for e in root.iter(f"{SVG}text")) if t.endswith("more")]
    assert 1 <= len(names) < 40
    assert more == [f"+{80 - len(names)} more"]
    assert names == [f"Person Number {i}" for i in range(len(names))]  # the first, in the plan's order

    # The map keeps the size of a map: as tall as one of a dozen people, not a column of eighty.
    def height(svg: str) -> float:
        return float(parse(svg).get("viewBox", "").split()[3])

    assert height(power_map(crowd(80), "en")) < 1.5 * height(power_map(crowd(12), "en"))
    assert any(t.startswith("另 ") and t.endswith(" 人") for t in texts(power_map(crowd(80), "zh")))
    assert not any(
        t.endswith("more") for t in texts(power_map(crowd(5), "en"))
    )  # five fit: all five, nothing more


def test_power_map_drops_an_empty_unknown_row_and_column() -> None:
    full = texts(power_map(zh_plan(), "en"))  # 孙丽: influence and support unknown
    assert full.count("Unknown") == 2
    known = plan_of(
        [
            person("a", "Alpha", "CEO", influence="high", support="champion"),
            person("b", "Beta", "CFO", influence="unknown", support="neutral"),
        ]
    )
    shown = texts(power_map(known, "en"))
    assert shown.count("Unknown") == 1  # the row: Beta is in it
    assert cell_of(power_map(known, "en"), "Beta") == ("Unknown", "Neutral")
    neither = plan_of([person("a", "Alpha", "CEO", influence="high", support="champion")])
    assert "Unknown" not in texts(power_map(neither, "en"))
    assert "未知" not in texts(power_map(neither, "zh"))


def test_chart_words_match_the_dossier() -> None:
    legend = texts(org_legend("zh"))
    assert "态度" in legend
    assert "覆盖程度" in legend
    assert "支持度" not in legend
    assert "态度 →" in texts(power_map(zh_plan(), "zh"))
    assert "阶段 5/8" in texts(stage_ladder(project(stage=5), "zh"))


def test_power_map_without_people() -> None:
    assert "No people yet" in texts(power_map(plan_of([]), "en"))


# --- stage ladder ---------------------------------------------------------------------------
def test_stage_ladder_marks_the_current_stage() -> None:
    svg = stage_ladder(project(stage=5), "zh")
    shown = texts(svg)
    assert "当前" in shown
    assert "评估比较" in shown
    root = parse(svg)
    steps = {
        "".join(t.itertext()): t
        for t in root.iter(f"{SVG}text")
        if "".join(t.itertext()) in {str(n) for n in range(1, 9)}
    }
    assert steps["5"].get("font-weight") == "bold"
    rects = [r for r in root.iter(f"{SVG}rect") if r.get("rx") == "2.5"]
    fills = [r.get("fill") for r in rects]
    assert len(set(fills[:4])) == 1  # reached
    assert fills[4] not in (fills[0], fills[5])  # current
    assert len(set(fills[5:])) == 1  # not reached


def test_stage_ladder_dates_and_outcome() -> None:
    p = project(
        stage=4,
        stage_since="2026-09-01",
        history=[
            {"stage": 1, "on": "2026-01-05"},
            {"stage": 2, "on": "2026-02-10"},
            {"stage": 6, "on": "2026-03-01"},  # beyond the current stage: not shown
        ],
        outcome="lost",
    )
    assert stage_dates(p) == {1: "2026-01-05", 2: "2026-02-10", 4: "2026-09-01"}
    shown = texts(stage_ladder(p, "en"))
    assert {"2026-01-05", "2026-02-10", "2026-09-01"} <= set(shown)
    assert "2026-03-01" not in shown
    assert "Lost" in shown
    assert "Current" not in shown
    assert "Won" in texts(stage_ladder(project(stage=8, outcome="won"), "en"))
    assert "Stage 3 of 8" in texts(stage_ladder(project(stage=3), "en"))


def test_stage_ladder_labels_in_both_languages() -> None:
    zh = " ".join(texts(stage_ladder(project(stage=1), "zh")))
    en = " ".join(texts(stage_ladder(project(stage=1), "en")))
    assert "签约" in zh
    assert "Contract signed" in en


# --- one real PDF -----------------------------------------------------------------------------
def render_page(plan: Plan, big: Plan, locale: Locale = "zh") -> str:
    """An HTML page with every chart, as the dossier would show them."""
    parts = [
        "<!DOCTYPE html><html><head><meta charset='utf-8'><style>"
        "@page { size: A4; margin: 15mm; } body { font-family: 'WenQuanYi Micro Hei'; }"
        "figure { margin: 0 0 6mm; page-break-inside: avoid; } figure.page { page-break-before: always; }"
        "</style></head><body>",
        f"<h2>{plan.account.name}</h2>",
        f"<figure>{org_legend(locale)}</figure>",
    ]
    parts += [f"<figure>{svg}</figure>" for svg in org_chart(plan, locale)]
    parts.append(f"<figure class='page'>{power_map(plan, locale)}</figure>")
    for pr in plan.projects:
        parts.append(f"<figure>{stage_ladder(pr, locale)}</figure>")
    parts += [f"<figure class='page'>{svg}</figure>" for svg in org_chart(big, locale)]
    parts.append(f"<figure class='page'>{power_map(big, locale)}</figure>")
    parts.append("</body></html>")
    return "".join(parts)


@pytest.mark.pdf
def test_charts_render_in_weasyprint(tmp_path: Path) -> None:
    weasyprint = pytest.importorskip("weasyprint")
    pypdf = pytest.importorskip("pypdf")
    plan = zh_plan().model_copy(update={"projects": [project(stage_since="2026-10-01")]})
    out = tmp_path / "charts.pdf"
    weasyprint.HTML(string=render_page(plan, plan_of(plan.model_dump()["people"][:3]))).write_pdf(out)
    text = "".join(page.extract_text() for page in pypdf.PdfReader(out).pages)
    text = re.sub(r"\s+", "", text)
    for name in ("王建国", "李华", "评估比较"):
        assert name in text
