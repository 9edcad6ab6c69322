"""SVG charts: determinism, escaping, completeness, legibility of big org charts, placement."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kaplan.documents.charts.figures import (
    PT_PER_MM,
    org_chart,
    org_legend,
    power_map,
    stage_dates,
    stage_ladder,
)
from kaplan.plan.load import load_plan
from kaplan.plan.model import Locale, Plan, Project

SVG = "{http://www.w3.org/2000/svg}"
PLANS = sorted((Path(__file__).resolve().parents[2] / "plans").glob("*.yaml"))

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
)
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀英",
    "华",
    "建国",
]
DEPARTMENTS = [
    ("生产部", "生产副总经理", "车间主任", "班组长"),
    ("技术中心", "总工程师", "技术科长", "工艺工程师"),
    ("采购部", "采购总监", "采购经理", "采购专员"),
    ("财务部", "财务总监", "财务经理", "会计"),
    ("设备能源部", "设备副总经理", "设备科长", "设备工程师"),
    ("质量部", "质量总监", "质检科长", "质检员"),
]
SUPPORTS = ["champion", "supporter", "neutral", "skeptic", "opponent", "unknown"]
INFLUENCES = ["high", "medium", "low", "unknown"]
COVERAGES = ["none", "brief", "multiple", "in_depth"]


def person(pid: str, name: str, title: str, boss: str | None = None, **extra: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"id": pid, "name": name, "title": title, **extra}
    if boss:
        out["reports_to"] = boss
    return out


def plan_of(people: list[dict[str, Any]], locale: str = "zh", **extra: Any) -> Plan:
    return Plan.model_validate(
        {"kaplan": 1, "plan": {"locale": locale}, "account": {"name": "鞍钢"}, "people": people, **extra}
    )


def zh_plan() -> Plan:
    """A realistic 15-person customer, Chinese names."""
    p = person
    return plan_of(
        [
            p("hu-bin", "胡斌", "董事长", influence="high", support="neutral", coverage="brief"),
            p(
                "wang-jg",
                "王建国",
                "总经理",
                "hu-bin",
                influence="high",
                support="supporter",
                coverage="in_depth",
            ),
            p(
                "li-hua",
                "李华",
                "生产副总经理",
                "wang-jg",
                influence="high",
                support="champion",
                coverage="multiple",
            ),
            p(
                "zhang-wei",
                "张伟",
                "财务总监",
                "wang-jg",
                influence="high",
                support="skeptic",
                coverage="brief",
            ),
            p(
                "liu-yang",
                "刘洋",
                "总工程师",
                "wang-jg",
                influence="medium",
                support="champion",
                coverage="in_depth",
            ),
            p(
                "zhu-hong",
                "朱红",
                "总经理助理",
                "wang-jg",
                influence="medium",
                status="moved",
                support="neutral",
            ),
            p(
                "chen-jing",
                "陈静",
                "采购部经理",
                "zhang-wei",
                influence="medium",
                support="neutral",
                coverage="multiple",
            ),
            p(
                "yang-fan",
                "杨帆",
                "设备能源部部长",
                "li-hua",
                influence="medium",
                support="supporter",
                coverage="brief",
            ),
            p("zhao-lei", "赵磊", "炼钢厂厂长", "li-hua", influence="low", support="supporter"),
            p(
                "huang-min",
                "黄敏",
                "质量部经理",
                "li-hua",
                influence="low",
                support="opponent",
                coverage="brief",
            ),
            p("zhou-jie", "周杰", "财务部经理", "zhang-wei", influence="low", support="neutral"),
            p("wu-qian", "吴倩", "采购专员", "chen-jing", influence="low", support="unknown"),
            p(
                "xu-ming",
                "徐明",
                "设备工程师",
                "yang-fan",
                influence="low",
                support="champion",
                coverage="multiple",
            ),
            p("sun-li", "孙丽", "工艺工程师", "liu-yang", influence="unknown", support="unknown"),
            p(
                "ma-chao",
                "马超",
                "信息中心主任",
                "liu-yang",
                status="left",
                influence="medium",
                support="opponent",
            ),
            p("guo-feng", "郭峰", "外部技术顾问", influence="medium", support="supporter", coverage="brief"),
        ]
    )


def big_plan(n: int = 80, locale: Locale = "zh") -> Plan:
    """A synthetic org of ``n`` people: a CEO, six divisions of managers and their staff."""
    en = locale == "en"

    def name(k: int) -> str:
        if en:
            return f"{['Zhang', 'Wang', 'Li', 'Zhao', 'Chen', 'Müller', 'Smith'][k % 7]} {['Wei', 'Fang', 'Hao', 'Jing', 'Anna', 'John'][k // 7 % 6]}"
        return SURNAMES[k % len(SURNAMES)] + GIVEN[(k * 7 + k // len(SURNAMES)) % len(GIVEN)]

    def attrs(k: int) -> dict[str, Any]:
        return {
            "support": SUPPORTS[(k * 5 + k // 6) % 6],
            "influence": "high" if k < 7 else INFLUENCES[1 + k % 3] if k % 9 else "unknown",
            "coverage": COVERAGES[(k * 7) % 4],
            "status": "left" if k % 23 == 11 else "active",
        }

    people = [person("ceo", name(0), "Chief Executive Officer" if en else "总经理", **attrs(0))]
    managers: list[list[str]] = []
    for d, (dept, head, _, _) in enumerate(DEPARTMENTS):
        people.append(
            person(
                f"vp-{d}",
                name(len(people)),
                f"VP {dept}" if en else head,
                "ceo",
                department=dept,
                **attrs(len(people)),
            )
        )
        managers.append([])
    for d, (dept, _, mgr, _) in enumerate(DEPARTMENTS):
        for j in range(3 + d % 2):
            pid = f"m-{d}-{j}"
            title = f"Head of Procurement {j}" if en else mgr
            people.append(
                person(pid, name(len(people)), title, f"vp-{d}", department=dept, **attrs(len(people)))
            )
            managers[d].append(pid)
    k = 0
    while len(people) < n:
        d = k % len(DEPARTMENTS)
        dept, _, _, staff = DEPARTMENTS[d]
        boss = managers[d][(k // len(DEPARTMENTS)) % len(managers[d])]
        title = "Senior process engineer" if en else staff
        people.append(person(f"s-{k}", name(len(people)), title, boss, department=dept, **attrs(len(people))))
        k += 1
    return plan_of(people[:n], locale)


def project(**extra: Any) -> Project:
    data: dict[str, Any] = {"id": "p-line", "name": "热轧线改造", "stage": 5}
    data.update(extra)
    return Project.model_validate(data)


# --- helpers that read SVG back ------------------------------------------------------------
def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def texts(svg: str) -> list[str]:
    return ["".join(t.itertext()) for t in parse(svg).iter(f"{SVG}text")]


def view_width(svg: str) -> float:
    return float(parse(svg).get("viewBox", "").split()[2])


def min_font(svg: str) -> float:
    return min(float(t.get("font-size", "0")) for t in parse(svg).iter(f"{SVG}text"))


def printed_min_font(svg: str, width_mm: float = 180.0) -> float:
    """The smallest text, in points, once the chart is scaled to ``width_mm``."""
    return min_font(svg) * width_mm * PT_PER_MM / view_width(svg)


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


# --- org chart ----------------------------------------------------------------------------
def test_org_chart_draws_everyone_once() -> None:
    plan = zh_plan()
    charts = org_chart(plan, "zh")
    assert len(charts) == 1
    shown = texts(charts[0])
    for p in plan.people:
        assert shown.count(p.name) == 1, p.name


def test_org_chart_styles_follow_the_assessments() -> None:
    svg = org_chart(zh_plan(), "zh")[0]
    root = parse(svg)
    groups = {"".join(next(g.iter(f"{SVG}text")).itertext()): g for g in root.iter(f"{SVG}g")}
    rect = {name: next(g.iter(f"{SVG}rect")) for name, g in groups.items()}
    assert rect["李华"].get("fill") == "#1e6b42"  # champion
    assert rect["黄敏"].get("fill") == "#c4473c"  # opponent
    assert float(rect["王建国"].get("stroke-width", 0)) > float(rect["赵磊"].get("stroke-width", 0))
    assert rect["马超"].get("stroke-dasharray")  # left
    assert "已离职" in texts(svg)
    assert "已调岗" in texts(svg)

    def filled_dots(name: str) -> int:
        return sum(1 for c in groups[name].iter(f"{SVG}circle") if c.get("fill") != "none")

    assert [filled_dots(n) for n in ("吴倩", "张伟", "李华", "王建国")] == [0, 1, 2, 3]


def test_roots_forest_and_loose_people() -> None:
    plan = plan_of(
        [
            person("a", "Alpha", "CEO"),
            person("b", "Beta", "CFO", "a"),
            person("c", "Gamma", "Advisor", "nobody"),  # dangling manager: a root
            person("d", "Delta", "Self", "d"),  # their own manager: a root
        ]
    )
    svg = org_chart(plan, "en")[0]
    shown = texts(svg)
    assert {"Alpha", "Beta", "Gamma", "Delta"} <= set(shown)
    assert "Not in a reporting line" in shown


def test_a_reporting_cycle_terminates_and_shows_everyone() -> None:
    plan = plan_of([person("a", "A1", "x", "c"), person("b", "B1", "y", "a"), person("c", "C1", "z", "b")])
    shown = " ".join(" ".join(texts(s)) for s in org_chart(plan, "en"))
    assert all(n in shown for n in ("A1", "B1", "C1"))


def test_no_people_no_chart() -> None:
    assert org_chart(plan_of([]), "zh") == []


@pytest.mark.parametrize(("locale", "width_mm"), [("zh", 180.0), ("en", 180.0), ("zh", 267.0)])
def test_eighty_people_split_into_legible_pages(locale: Locale, width_mm: float) -> None:
    plan = big_plan(80, locale)
    charts = org_chart(plan, locale, width_mm=width_mm, max_height_mm=230.0 if width_mm < 200 else 160.0)
    assert len(charts) > 1
    for svg in charts:
        assert printed_min_font(svg, width_mm) >= 7.0
        box = [float(v) for v in parse(svg).get("viewBox", "").split()]
        scale = width_mm * PT_PER_MM / box[2]
        assert box[3] * scale <= (230.0 if width_mm < 200 else 160.0) * PT_PER_MM + 0.5
    # everyone appears at least once; only branch heads repeat (as the top of their own chart)
    shown = [t for svg in charts for t in texts(svg)]
    for p in plan.people:
        assert shown.count(p.name) >= 1, p.name
    # the overview points at the other charts
    assert any("见" in t or "see" in t for t in texts(charts[0]))


def example_plan(path: Path) -> Plan:
    plan = load_plan(path).plan
    assert plan is not None, path
    return plan


def test_a_fourteen_person_org_is_one_chart() -> None:
    """The Anshan example: deep enough that the roomy layout is too wide, small enough for a page."""
    plan = example_plan(next(p for p in PLANS if p.stem == "anshan-special-steel"))
    assert len(plan.people) == 14
    charts = org_chart(plan, "zh")
    assert len(charts) == 1
    assert printed_min_font(charts[0]) >= 7.0
    shown = texts(charts[0])
    for p in plan.people:
        assert shown.count(p.name) == 1, p.name


def test_a_branch_shown_in_full_in_the_overview_is_not_repeated() -> None:
    people = [person("ceo", "总经理甲", "总经理"), person("b", "乙", "副总", "ceo")]
    people += [person("b1", "乙一", "经理", "b"), person("b2", "乙二", "经理", "b")]
    people.append(person("a", "甲", "副总", "ceo"))
    for i in range(6):
        people.append(person(f"m{i}", f"经理{i}", "部门经理", "a"))
        people += [person(f"s{i}-{j}", f"员工{i}-{j}", "工程师", f"m{i}") for j in range(9)]
    charts = org_chart(plan_of(people), "zh")
    assert len(charts) > 1
    shown = [t for svg in charts for t in texts(svg)]
    assert all(shown.count(n) == 1 for n in ("乙", "乙一", "乙二"))  # all in the overview
    assert all(f"员工{i}-{j}" in shown for i in range(6) for j in range(9))


@pytest.mark.parametrize("path", PLANS, ids=lambda p: p.stem)
def test_no_example_name_is_cut(path: Path) -> None:
    plan = example_plan(path)
    for locale in ("zh", "en"):
        org = [t for svg in org_chart(plan, locale) for t in texts(svg)]
        power = texts(power_map(plan, locale))
        for p in plan.people:
            assert p.name in org, p.name
            assert (p.name in power) == (p.status == "active"), p.name
        assert not any(t.endswith("…") for t in power)


def test_long_names_wrap_before_they_are_cut() -> None:
    name = "Dr. Annelies van der Vermeulen"
    plan = plan_of(
        [
            person("a", "Marcus Heller", "VP Operations Europe", influence="high", support="neutral"),
            person("b", name, "Site Director", "a", influence="high", support="supporter"),
        ]
    )
    svg = org_chart(plan, "en")[0]
    label = next(t for t in parse(svg).iter(f"{SVG}text") if "".join(t.itertext()) == name)
    assert len(list(label.iter(f"{SVG}tspan"))) == 2  # two lines, nothing cut
    assert name in texts(power_map(plan, "en"))
    # a box with a two-line name is taller, so its title does not overlap the name
    boxes = {"".join(next(g.iter(f"{SVG}text")).itertext()): g for g in parse(svg).iter(f"{SVG}g")}
    heights = {n: float(next(g.iter(f"{SVG}rect")).get("height", 0)) for n, g in boxes.items()}
    assert heights[name] > heights["Marcus Heller"]


def test_small_chart_is_not_blown_up() -> None:
    svg = org_chart(plan_of([person("a", "A", "B")]), "en")[0]
    assert view_width(svg) >= 180 * PT_PER_MM - 1  # one box keeps its size on a wide page


def test_very_flat_org_is_batched() -> None:
    people = [person("boss", "老板", "总经理")] + [
        person(f"p{i}", f"员工{i}", "专员", "boss") for i in range(60)
    ]
    charts = org_chart(plan_of(people), "zh")
    assert len(charts) > 1
    for svg in charts:
        assert printed_min_font(svg) >= 7.0
    shown = [t for svg in charts for t in texts(svg)]
    assert all(f"员工{i}" in shown for i in range(60))


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
