"""Labels of every heading and enum value, in Chinese and English."""

from __future__ import annotations

from kaplan.model import Locale

STAGES: dict[int, tuple[str, str, str]] = {
    1: ("need", "发现问题，提出需求", "Problem recognised, need raised"),
    2: ("screening", "收集并筛选信息", "Information gathering and supplier screening"),
    3: ("team", "项目立项，组建采购小组", "Project approved, buying team formed"),
    4: ("criteria", "建立采购标准", "Purchase criteria set"),
    5: ("evaluation", "评估比较", "Evaluation and comparison"),
    6: ("preferred", "确定首选供应商", "Preferred supplier chosen"),
    7: ("negotiation", "商务谈判", "Commercial negotiation"),
    8: ("signing", "签约", "Contract signed"),
}


def stage_label(stage: int, locale: Locale) -> str:
    """The stage's label in the locale, e.g. ``评估比较`` or ``Evaluation and comparison``."""
    _, zh, en = STAGES[stage]
    return zh if locale == "zh" else en
