"""The org chart: everyone once, styles from the assessments, splitting big orgs into pages."""

from __future__ import annotations

from pathlib import Path

import pytest
from chart_plans import (
    PLANS,
    SVG,
    big_plan,
    parse,
    person,
    plan_of,
    printed_min_font,
    texts,
    view_width,
    zh_plan,
)

from kaplan.documents.charts.figures import (
    PT_PER_MM,
    org_chart,
    power_map,
)
from kaplan.plan.load import load_plan
from kaplan.plan.model import Locale, Plan


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
