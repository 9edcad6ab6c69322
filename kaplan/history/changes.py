"""Changes between two versions of a plan, by meaning: stages, people, competitors, actions…

Pure: no git, no files. Each change has a stable kind, a path naming list items by id, the YAML
values before and after, and a one-line message in the plan's language.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from kaplan.documents.labels import STAGES, enum_label, stage_label
from kaplan.plan.findings import Finding
from kaplan.plan.load import LoadedPlan
from kaplan.plan.model import Action, BuyingTeamMember, Competitor, Crux, Locale, Need, Person, Plan
from kaplan.plan.model import Project as PlanProject

# Every kind of change: stable names that scripts may rely on.
KINDS = (
    *("plan_added", "plan_removed", "plan_renamed", "plan_invalid", "plan_reviewed"),
    *("project_added", "project_removed", "stage_advanced", "stage_slipped"),
    *("project_won", "project_lost", "outcome_changed", "roles_changed"),
    *("red_flag_added", "red_flag_resolved"),
    *("person_added", "person_removed", "person_left", "person_moved", "person_status_changed"),
    *("title_changed", "support_changed", "influence_changed", "coverage_changed"),
    *("competitor_added", "competitor_removed", "competitor_status_changed", "threat_changed"),
    *("need_added", "need_resolved", "crux_added", "crux_resolved"),
    *("action_added", "action_removed", "action_done", "action_dropped", "action_reopened", "action_overdue"),
)


@dataclass(frozen=True)
class Change:
    """One change by meaning: its kind, where in the plan, the YAML values before and after."""

    kind: str
    path: str
    before: Any
    after: Any
    message: str


@dataclass
class AccountDiff:
    """What changed in one account's plan file; findings when it is invalid on a side."""

    id: str
    name: str
    file: str
    changes: list[Change] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    invalid_after: bool = False


class _Changes(list[Change]):
    """Changes being collected, each worded in the plan's locale."""

    def __init__(self, locale: Locale) -> None:
        super().__init__()
        self.locale = locale

    def say(self, en: str, zh: str) -> str:
        return zh if self.locale == "zh" else en

    def add(self, kind: str, path: str, before: Any, after: Any, en: str, zh: str) -> None:
        self.append(Change(kind, path, before, after, self.say(en, zh)))

    def label(self, kind: str, value: str | None) -> str:
        if value is None:
            return self.say("not set", "未设定")
        text = enum_label(kind, value, self.locale)
        return text if self.locale == "zh" else text.lower()

    def roles(self, values: Sequence[str]) -> str:
        return self.say(", ", "、").join(self.label("role", v) for v in values) or self.say(
            "no role", "无角色"
        )

    def move(self, kind: str, before: str | None, after: str | None) -> str:
        return f"{self.label(kind, before)} → {self.label(kind, after)}"

    def stage(self, stage: int) -> str:
        # English names a stage by its key, as in "stage 3 → 5 (evaluation)"; Chinese by its label.
        return stage_label(stage, "zh") if self.locale == "zh" else STAGES[stage][0]


def diff_loaded(
    a: LoadedPlan | None,
    b: LoadedPlan | None,
    paths: tuple[str | None, str | None],
    labels: tuple[str | None, str | None],
    today: dt.date,
    locale: Locale,
    view: Callable[[Plan], Plan] | None = None,
) -> AccountDiff | None:
    """The changes of one plan file between two sides (None: absent there); None when nothing changed.

    ``labels`` name the sides (a revision, None for the working tree); ``locale`` is the default;
    ``view`` narrows both plans first (an audience), so changes to what it drops are not told.
    """
    plan_a = a.plan if a is not None and a.ok else None
    plan_b = b.plan if b is not None and b.ok else None
    if view is not None:
        plan_a = view(plan_a) if plan_a is not None else None
        plan_b = view(plan_b) if plan_b is not None else None
    locales = [p.plan.locale for p in (plan_b, plan_a) if p is not None and p.plan.locale is not None]
    lang = locales[0] if locales else locale
    out = _Changes(lang)
    ident = b.id if b is not None else a.id if a is not None else ""
    name = next((p.account.name for p in (plan_b, plan_a) if p is not None), ident)
    path_a, path_b = paths
    file = path_b or path_a or ""
    if a is None:
        out.add("plan_added", "", None, path_b, f"New plan: {name} ({file})", f"新增计划：{name}（{file}）")
    elif b is None:
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
    errors = [_errors(x) for x in (a, b)]
    if any(errors):
        _invalid(errors, labels, out)
    if plan_a is not None and plan_b is not None:
        out += diff_plans(plan_a, plan_b, today, lang)
    if not out:
        return None
    findings = [f for x in (a, b) if x is not None and not x.ok for f in x.findings]
    return AccountDiff(ident, name, file, list(out), findings, invalid_after=bool(errors[1]))


def _invalid(errors: list[int | None], labels: tuple[str | None, str | None], out: _Changes) -> None:
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


class _Keyed(Protocol):
    @property
    def id(self) -> str: ...


K = TypeVar("K", bound=_Keyed)


def _pairs(before: Sequence[K], after: Sequence[K]) -> Iterator[tuple[K | None, K | None]]:
    """Items matched by id: in the newer order, then those removed, in the older order."""
    old = {x.id: x for x in reversed(before)}
    new = {x.id for x in after}
    yield from ((old.get(x.id), x) for x in after)
    yield from ((x, None) for x in before if x.id not in new)


def _one_line(text: str, limit: int = 100) -> str:
    words = " ".join(text.split())
    return words if len(words) <= limit else words[: limit - 1].rstrip() + "…"


def _describe(item: Any, out: _Changes) -> str:
    """An item named in a message: its name, with the one fact that matters most."""
    if isinstance(item, PlanProject):
        return out.say(
            f"{item.name} at stage {item.stage} ({out.stage(item.stage)})",
            f"{item.name}，第 {item.stage} 阶段（{out.stage(item.stage)}）",
        )
    if isinstance(item, Person):
        return item.name + (out.say(f", {item.title}", f"（{item.title}）") if item.title else "")
    if isinstance(item, Competitor):
        threat = out.label("level", item.threat)
        return item.name + (out.say(f" (threat {threat})", f"（威胁 {threat}）") if item.threat else "")
    if isinstance(item, (Need, Crux)):
        return _one_line(item.statement)
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
    out = _Changes(locale)
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
        for old, new in _pairs(getattr(a, section), getattr(b, section)):
            if old is not None and new is not None:
                if isinstance(new, PlanProject):
                    _project(old, new, people, out)
                elif isinstance(new, Person):
                    _person(old, new, out)
                elif isinstance(new, Competitor):
                    _competitor(old, new, out)
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
                _action(old, new, today, out)
    return list(out)


def _value(item: Any) -> Any:
    """An item as YAML data: the keys it was written with."""
    return item.model_dump(mode="json", by_alias=True, exclude_unset=True)


def _project(old: PlanProject, new: PlanProject, people: dict[str, str], out: _Changes) -> None:
    path, name = f"projects[{new.id}]", new.name
    if old.stage != new.stage:
        move, label = f"{old.stage} → {new.stage}", out.stage(new.stage)
        if new.stage > old.stage:
            out.add(
                "stage_advanced",
                f"{path}.stage",
                old.stage,
                new.stage,
                f"{name}: stage {move} ({label})",
                f"{name}：阶段 {move}（{label}）",
            )
        else:
            out.add(
                "stage_slipped",
                f"{path}.stage",
                old.stage,
                new.stage,
                f"{name}: slipped, stage {move} ({label})",
                f"{name}：倒退，阶段 {move}（{label}）",
            )
    if old.outcome != new.outcome:
        kind = {"won": "project_won", "lost": "project_lost"}.get(new.outcome, "outcome_changed")
        move = out.move("outcome", old.outcome, new.outcome)
        out.add(kind, f"{path}.outcome", old.outcome, new.outcome, f"{name}: {move}", f"{name}：{move}")
    _buying_team(old.buying_team, new.buying_team, path, name, people, out)
    _red_flags(old.red_flags, new.red_flags, path, name, out)


def _buying_team(
    before: Sequence[BuyingTeamMember],
    after: Sequence[BuyingTeamMember],
    path: str,
    project: str,
    people: dict[str, str],
    out: _Changes,
) -> None:
    old = {m.person: list(m.roles) for m in reversed(before)}
    new = {m.person: list(m.roles) for m in reversed(after)}
    for person in dict.fromkeys([*(m.person for m in after), *(m.person for m in before)]):
        roles_a, roles_b = old.get(person), new.get(person)
        if roles_a is not None and roles_b is not None and set(roles_a) == set(roles_b):
            continue
        who, where = people.get(person, person), f"{path}.buying_team[{person}].roles"
        if roles_a is None:
            roles = out.roles(roles_b or [])
            en, zh = f"{who} joins the buying team ({roles})", f"{who} 加入采购小组（{roles}）"
        elif roles_b is None:
            en, zh = f"{who} leaves the buying team", f"{who} 退出采购小组"
        else:
            move = f"{out.roles(roles_a)} → {out.roles(roles_b)}"
            en, zh = f"{who}, roles {move}", f"{who}，角色 {move}"
        out.add("roles_changed", where, roles_a, roles_b, f"{project}: {en}", f"{project}：{zh}")


def _red_flags(before: Sequence[str], after: Sequence[str], path: str, project: str, out: _Changes) -> None:
    # Red flags have no ids: a flag is its text; an edited flag is one resolved and one added.
    added, resolved = Counter(after) - Counter(before), Counter(before) - Counter(after)
    for i, flag in enumerate(after):
        if added[flag] > 0:
            added[flag] -= 1
            text = _one_line(flag)
            out.add(
                "red_flag_added",
                f"{path}.red_flags[{i}]",
                None,
                flag,
                f"{project}: new red flag: {text}",
                f"{project}：新风险：{text}",
            )
    for i, flag in enumerate(before):
        if resolved[flag] > 0:
            resolved[flag] -= 1
            text = _one_line(flag)
            out.add(
                "red_flag_resolved",
                f"{path}.red_flags[{i}]",
                flag,
                None,
                f"{project}: red flag resolved: {text}",
                f"{project}：风险已消除：{text}",
            )


def _person(old: Person, new: Person, out: _Changes) -> None:
    path, name = f"people[{new.id}]", new.name
    if old.status != new.status:
        if new.status == "left":
            out.add(
                "person_left", f"{path}.status", old.status, new.status, f"{name} has left", f"{name} 已离职"
            )
        elif new.status == "moved":
            out.add(
                "person_moved",
                f"{path}.status",
                old.status,
                new.status,
                f"{name} has moved",
                f"{name} 已调岗",
            )
        else:
            move = out.move("person_status", old.status, new.status)
            out.add(
                "person_status_changed",
                f"{path}.status",
                old.status,
                new.status,
                f"{name}: status {move}",
                f"{name}：状态 {move}",
            )
    if old.title != new.title:
        move = f"{old.title or out.say('none', '无')} → {new.title or out.say('none', '无')}"
        out.add(
            "title_changed",
            f"{path}.title",
            old.title,
            new.title,
            f"{name}: title {move}",
            f"{name}：职务 {move}",
        )
    for key, en, zh in (
        ("support", "support", "态度"),
        ("influence", "influence", "影响力"),
        ("coverage", "coverage", "关系覆盖"),
    ):
        before, after = getattr(old, key), getattr(new, key)
        if before != after:
            move = out.move(key, before, after)
            out.add(
                f"{key}_changed",
                f"{path}.{key}",
                before,
                after,
                f"{name}: {en} {move}",
                f"{name}：{zh} {move}",
            )


def _competitor(old: Competitor, new: Competitor, out: _Changes) -> None:
    path, name = f"competitors[{new.id}]", new.name
    if old.status != new.status:
        move = out.move("competitor_status", old.status, new.status)
        out.add(
            "competitor_status_changed",
            f"{path}.status",
            old.status,
            new.status,
            f"{name}: status {move}",
            f"{name}：状态 {move}",
        )
    if old.threat != new.threat:
        move = out.move("level", old.threat, new.threat)
        out.add(
            "threat_changed",
            f"{path}.threat",
            old.threat,
            new.threat,
            f"{name}: threat {move}",
            f"{name}：威胁 {move}",
        )


def _overdue(action: Action | None, today: dt.date) -> bool:
    return action is not None and action.status == "open" and action.due is not None and action.due < today


def _action(old: Action | None, new: Action, today: dt.date, out: _Changes) -> None:
    path, what = f"actions[{new.id}]", new.what
    if old is not None and old.status != new.status:
        kind, en, zh = {
            "done": ("action_done", f"Action done: {what}", f"行动完成：{what}"),
            "dropped": ("action_dropped", f"Action dropped: {what}", f"行动放弃：{what}"),
        }.get(new.status, ("action_reopened", f"Action reopened: {what}", f"行动重新打开：{what}"))
        out.add(kind, f"{path}.status", old.status, new.status, en, zh)
    if _overdue(new, today) and not _overdue(old, today):
        before = old.due.isoformat() if old is not None and old.due else None
        due = new.due.isoformat() if new.due else None
        out.add(
            "action_overdue",
            f"{path}.due",
            before,
            due,
            f"Action now overdue: {what} (due {due})",
            f"行动已逾期：{what}（{due} 截止）",
        )
