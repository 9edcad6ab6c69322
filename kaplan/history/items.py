"""Changes of one item between two versions of a plan: a project, a person, a competitor, an action."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence

from kaplan.history.kinds import ChangeList, one_line
from kaplan.plan.meaning import is_overdue
from kaplan.plan.model import Action, BuyingTeamMember, Competitor, Person
from kaplan.plan.model import Project as PlanProject


def project_changes(old: PlanProject, new: PlanProject, people: dict[str, str], out: ChangeList) -> None:
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
    buying_team_changes(old.buying_team, new.buying_team, path, name, people, out)
    red_flags_changes(old.red_flags, new.red_flags, path, name, out)


def buying_team_changes(
    before: Sequence[BuyingTeamMember],
    after: Sequence[BuyingTeamMember],
    path: str,
    project: str,
    people: dict[str, str],
    out: ChangeList,
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


def red_flags_changes(
    before: Sequence[str], after: Sequence[str], path: str, project: str, out: ChangeList
) -> None:
    # Red flags have no ids: a flag is its text; an edited flag is one resolved and one added.
    added, resolved = Counter(after) - Counter(before), Counter(before) - Counter(after)
    for i, flag in enumerate(after):
        if added[flag] > 0:
            added[flag] -= 1
            text = one_line(flag)
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
            text = one_line(flag)
            out.add(
                "red_flag_resolved",
                f"{path}.red_flags[{i}]",
                flag,
                None,
                f"{project}: red flag resolved: {text}",
                f"{project}：风险已消除：{text}",
            )


def person_changes(old: Person, new: Person, out: ChangeList) -> None:
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


def competitor_changes(old: Competitor, new: Competitor, out: ChangeList) -> None:
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


def action_changes(old: Action | None, new: Action, today: dt.date, out: ChangeList) -> None:
    path, what = f"actions[{new.id}]", new.what
    if old is not None and old.status != new.status:
        kind, en, zh = {
            "done": ("action_done", f"Action done: {what}", f"行动完成：{what}"),
            "dropped": ("action_dropped", f"Action dropped: {what}", f"行动放弃：{what}"),
        }.get(new.status, ("action_reopened", f"Action reopened: {what}", f"行动重新打开：{what}"))
        out.add(kind, f"{path}.status", old.status, new.status, en, zh)
    if is_overdue(new, today) and not is_overdue(old, today):
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
