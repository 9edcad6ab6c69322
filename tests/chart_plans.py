"""Plans and SVG readers shared by the chart tests (tests/documents/test_charts.py, test_orgchart.py)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from kaplan.documents.charts.figures import (
    PT_PER_MM,
)
from kaplan.plan.model import Locale, Plan, Project

SVG = "{http://www.w3.org/2000/svg}"
PLANS = sorted((Path(__file__).resolve().parents[1] / "plans").glob("*.yaml"))

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
