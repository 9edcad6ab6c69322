"""What a plan's words mean, each in one place: overdue, stale, the locale and currency fallback, stages.

Every output (rules, dossiers, the site, history) asks these functions, so a dashboard can never
call an action overdue that the coach does not. ``today`` is passed in by the caller, who takes it
from ``--today``, ``KAPLAN_TODAY`` or the real date.
"""

from __future__ import annotations

import datetime as dt

from kaplan.plan.model import Action, Locale, MoneyValue, Plan


def is_overdue(action: Action | None, today: dt.date) -> bool:
    """An open action whose due date is before ``today``."""
    return action is not None and due_overdue(action.due, action.status, today)


def due_overdue(due: dt.date | None, status: str, today: dt.date) -> bool:
    """The same judgement from an action's due date and status, for views that hold only those."""
    return status == "open" and due is not None and due < today


def older_than(day: dt.date | None, days: int, today: dt.date) -> bool:
    """Strictly more than ``days`` days before ``today`` (or no date at all)."""
    return day is None or (today - day).days > days


def is_stale(plan: Plan, today: dt.date) -> bool:
    """The plan was never reviewed, or not within its ``review_every_days``."""
    meta = plan.plan
    return older_than(meta.reviewed, meta.review_every_days, today)


def plan_locale(plan: Plan, default: Locale) -> Locale:
    """The plan's own locale, else ``default`` (the project's, from kaplan.yaml)."""
    return plan.plan.locale or default


def plan_currency(plan: Plan, default: str) -> str:
    """The plan's own currency, else ``default`` (the project's, from kaplan.yaml)."""
    return plan.plan.currency or default


def money_currency(value: MoneyValue, default: str) -> str:
    """An amount's own currency, else ``default`` (the plan's, see :func:`plan_currency`)."""
    return value.currency or default


# The eight stages of the buying ladder: number → (key, Chinese name, English name).
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
