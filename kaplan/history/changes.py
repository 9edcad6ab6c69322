"""Changes between two versions of a plan, by meaning: stages, people, competitors, actions…

Pure: no git, no files. Each change has a stable kind, a path naming list items by id, the YAML
values before and after, and a one-line message in the plan's language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from kaplan.history.items import action_changes, competitor_changes, person_changes, project_changes
from kaplan.history.kinds import KINDS, AccountDiff, Change, ChangeList, one_line, pairs
from kaplan.plan.findings import Finding
from kaplan.plan.load import LoadedPlan
from kaplan.plan.model import Action, Competitor, Crux, Locale, Need, Person, Plan
from kaplan.plan.model import Project as PlanProject

__all__ = ["KINDS", "AccountDiff", "Change", "diff_loaded", "diff_plans"]


def diff_loaded(
    a: LoadedPlan | None,
    b: LoadedPlan | None,
    paths: tuple[str | None, str | None],
    labels: tuple[str | None, str | None],
    today: dt.date,
    locale: Locale,
    narrow: Callable[[Plan], Plan] | None = None,
) -> AccountDiff | None:
    """The changes of one plan file between two sides (None: absent there); None when nothing changed.

    ``labels`` name the sides (a revision, None for the working tree); ``locale`` is the default;
    ``narrow`` narrows both plans first (to an audience), so changes to what it drops are not told.
    """
    plan_a, plan_b = _valid(a, narrow), _valid(b, narrow)
    newest = [p for p in (plan_b, plan_a) if p is not None]
    lang = next((p.plan.locale for p in newest if p.plan.locale is not None), locale)
    out = ChangeList(lang)
    ident = next((x.id for x in (b, a) if x is not None), "")
    name = newest[0].account.name if newest else ident
    file = _file_changes(a is None, b is None, paths, name, out)
    errors = [_errors(x) for x in (a, b)]
    if any(errors):
        _invalid(errors, labels, out)
    if plan_a is not None and plan_b is not None:
        out += diff_plans(plan_a, plan_b, today, lang)
    if not out:
        return None
    return AccountDiff(ident, name, file, list(out), _findings(a, b), invalid_after=bool(errors[1]))


def _findings(*sides: LoadedPlan | None) -> list[Finding]:
    """The findings of the sides that are invalid."""
    return [f for x in sides if x is not None and not x.ok for f in x.findings]


def _valid(side: LoadedPlan | None, narrow: Callable[[Plan], Plan] | None) -> Plan | None:
    """A side's plan when it is there and valid, narrowed to what the audience may see."""
    if side is None or not side.ok or side.plan is None:
        return None
    return narrow(side.plan) if narrow is not None else side.plan


def _file_changes(
    added: bool, removed: bool, paths: tuple[str | None, str | None], name: str, out: ChangeList
) -> str:
    """The plan file itself: added, removed or renamed. Returns the file's path to show."""
    path_a, path_b = paths
    file = path_b or path_a or ""
    if added:
        out.add("plan_added", "", None, path_b, f"New plan: {name} ({file})", f"新增计划：{name}（{file}）")
    elif removed:
        out.add(
            "plan_removed", "", path_a, None, f"Plan removed: {name} ({file})", f"删除计划：{name}（{file}）"
        )
    elif path_a != path_b:
        out.add(
            "plan_renamed",
            "",
            path_a,
            path_b,
            f"Plan renamed: {path_a} → {path_b}",
            f"计划改名：{path_a} → {path_b}",
        )
    return file


def _invalid(errors: list[int | None], labels: tuple[str | None, str | None], out: ChangeList) -> None:
    en, zh = [], []
    for count, label in zip(errors, labels, strict=True):
        if count:
            en.append(f"at {label or 'the working tree'} ({count} error{'s' * (count != 1)})")
            zh.append(f"在 {label or '工作区'} 无效（{count} 个错误）")
    text_en, text_zh = "Plan is invalid " + " and ".join(en), "计划" + "，".join(zh)
    if errors[1] == 0:
        text_en += f"; valid at {labels[1] or 'the working tree'}"
        text_zh += f"；在 {labels[1] or '工作区'} 有效"
    out.add("plan_invalid", "", errors[0], errors[1], text_en, text_zh)


def _errors(loaded: LoadedPlan | None) -> int | None:
    """Errors of a side: None when the file is absent, 0 when it is valid."""
    if loaded is None:
        return None
    return 0 if loaded.ok else max(1, sum(1 for f in loaded.findings if f.severity == "error"))


def _describe(item: Any, out: ChangeList) -> str:
    """An item named in a message: its name, with the one fact that matters most."""
    if isinstance(item, PlanProject):
        described = out.say(
            f"{item.name} at stage {item.stage} ({out.stage(item.stage)})",
            f"{item.name}，第 {item.stage} 阶段（{out.stage(item.stage)}）",
        )
        if item.outcome != "open":  # a project entered once it was over: say how it ended
            described += out.say(
                f", {out.label('outcome', item.outcome)}", f"，{out.label('outcome', item.outcome)}"
            )
        return described
    if isinstance(item, Person):
        return item.name + (out.say(f", {item.title}", f"（{item.title}）") if item.title else "")
    if isinstance(item, Competitor):
        threat = out.label("level", item.threat)
        return item.name + (out.say(f" (threat {threat})", f"（威胁 {threat}）") if item.threat else "")
    if isinstance(item, (Need, Crux)):
        return one_line(item.statement)
    assert isinstance(item, Action)
    return item.what + (out.say(f" (due {item.due})", f"（{item.due} 截止）") if item.due else "")


# section, kind when added, kind when gone, then the messages (en, zh) of each
_SECTIONS = (
    ("projects", "project_added", "project_removed", "New project", "新项目", "Project removed", "删除项目"),
    ("people", "person_added", "person_removed", "New person", "新增人员", "Person removed", "删除人员"),
    (
        "competitors",
        "competitor_added",
        "competitor_removed",
        "New competitor",
        "新竞争对手",
        "Competitor removed",
        "删除竞争对手",
    ),
    ("needs", "need_added", "need_resolved", "New need", "新需求", "Need resolved", "需求已满足"),
    ("cruxes", "crux_added", "crux_resolved", "New crux", "新要害", "Crux resolved", "要害已解决"),
    ("actions", "action_added", "action_removed", "New action", "新行动", "Action removed", "删除行动"),
)


def diff_plans(a: Plan, b: Plan, today: dt.date, locale: Locale = "en") -> list[Change]:
    """Every change by meaning from plan ``a`` to plan ``b``, worded in ``locale``.

    "Now overdue": an open action due before ``today`` in ``b`` that was not so in ``a``.
    """
    out = ChangeList(locale)
    reviewed_a, reviewed_b = a.plan.reviewed, b.plan.reviewed
    if reviewed_b is not None and reviewed_b != reviewed_a:
        before = reviewed_a.isoformat() if reviewed_a else None
        out.add(
            "plan_reviewed",
            "plan.reviewed",
            before,
            reviewed_b.isoformat(),
            f"Plan reviewed on {reviewed_b}",
            f"计划已于 {reviewed_b} 评审",
        )
    people = {p.id: p.name for p in (*a.people, *b.people)}
    for section, added, gone, added_en, added_zh, gone_en, gone_zh in _SECTIONS:
        for old, new in pairs(getattr(a, section), getattr(b, section)):
            if old is not None and new is not None:
                if isinstance(new, PlanProject):
                    project_changes(old, new, people, out)
                elif isinstance(new, Person):
                    person_changes(old, new, out)
                elif isinstance(new, Competitor):
                    competitor_changes(old, new, out)
            elif new is not None:
                text = _describe(new, out)
                out.add(
                    added,
                    f"{section}[{new.id}]",
                    None,
                    _value(new),
                    f"{added_en}: {text}",
                    f"{added_zh}：{text}",
                )
            elif old is not None:
                text = _describe(old, out)
                out.add(
                    gone,
                    f"{section}[{old.id}]",
                    _value(old),
                    None,
                    f"{gone_en}: {text}",
                    f"{gone_zh}：{text}",
                )
            if isinstance(new, Action):
                action_changes(old, new, today, out)
    return list(out)


def _value(item: Any) -> Any:
    """An item as YAML data: the keys it was written with."""
    return item.model_dump(mode="json", by_alias=True, exclude_unset=True)
