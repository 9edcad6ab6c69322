"""Coaching rules on the customer's people: coverage of influencers and of the people who decide,
contact, opponents nobody handles, lawful basis."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from kaplan.coach.base import Context, Hit, Rule, days_text, registrar
from kaplan.plan.model import Person, Project
from kaplan.plan.yaml12 import PathKey

RULES: list[Rule] = []
rule = registrar(RULES)

_SUPPORT_ZH = {"skeptic": "怀疑", "opponent": "反对"}
_INFLUENCE_ZH = {"high": "高", "medium": "中等"}


@rule(
    "uncovered-influencer",
    "warning",
    "people",
    "person with influence high and coverage none/brief",
    "TAS power map; seed article (流程线: key people)",
)
def uncovered_influencer(ctx: Context) -> Iterator[Hit]:
    for i, person in enumerate(ctx.plan.people):
        if person.influence == "high" and person.coverage in ("none", "brief"):
            yield Hit(
                ("people", i, "influence"),
                f"{person.name} has high influence and we barely know them (coverage "
                f"{person.coverage}): plan a proper meeting and find out what they need",
                f"{person.name}影响力高，我们却几乎不了解此人：安排一次正式会面，弄清{person.name}的需求",
            )


@rule(
    "stale-contact",
    "warning",
    "freshness",
    "person (status active) with influence high whose last contact is older than 60 days (or none)",
    "seed article (与时俱进, 与客户同步)",
)
def stale_contact(ctx: Context) -> Iterator[Hit]:
    for i, person in enumerate(ctx.plan.people):
        last = ctx.last_contacts.get(person.id)
        if person.status != "active" or person.influence != "high" or not ctx.older_than(last, 60):
            continue
        name = person.name
        if last is None:
            en = (
                f"no contact recorded with {name}, a high-influence person: meet {name} and log it "
                "(a `log` entry naming them, or `last_contact`)"
            )
            zh = f"没有与高影响力人物{name}的接触记录：去见{name}，并记入 `log`（或填写 `last_contact`）"
            path: PathKey = ("people", i, "influence")
        else:
            days = -ctx.days_after(last)
            en = (
                f"last contact with {name} was {days_text(days)} ago, on {last}: high-influence people "
                f"go cold in two months; get back in touch with {name} and log it"
            )
            zh = (
                f"上次与{name}接触已是 {days} 天前（{last}）：高影响力人物两个月不联系就会疏远，"
                f"尽快再联系{name}，并记入 `log`"
            )
            written = "last_contact" in person.model_fields_set
            path = ("people", i, "last_contact") if written else ("people", i, "influence")
        yield Hit(path, en, zh)


@rule(
    "personal-no-basis",
    "warning",
    "people",
    "personal block without basis",
    "PIPL / GDPR: a lawful basis for personal data",
)
def personal_no_basis(ctx: Context) -> Iterator[Hit]:
    for i, person in enumerate(ctx.plan.people):
        if person.personal is not None and person.personal.basis is None:
            yield Hit(
                ("people", i, "personal"),
                f"personal details of {person.name} without a lawful basis: add `basis: consent`, "
                "`public` or `contract`, or delete them",
                f"{person.name}的个人资料没有注明合法依据：补上 `basis: consent`、`public` 或 `contract`，否则删除",
            )


# --- coaching v2: the people who decide ------------------------------------------------------------
def _when_zh(days: int) -> str:
    return "今天就要决策" if days == 0 else f"还有 {days} 天就要决策"


def _coldness(person: Person, last: dt.date | None, today: dt.date) -> tuple[list[str], list[str]]:
    """Why an economic buyer is cold, in English and Chinese (empty when warm)."""
    en: list[str] = []
    zh: list[str] = []
    if person.coverage in ("none", "brief"):
        en.append("we have never met them" if person.coverage == "none" else "we know them only briefly")
        zh.append("我们从未与此人深入接触" if person.coverage == "none" else "我们与此人只有过简短接触")
    if last is None:
        en.append("no contact is recorded")
        zh.append("没有任何接触记录")
    elif (today - last).days > 30:
        days = (today - last).days
        en.append(f"the last contact was {days_text(days)} ago, on {last}")
        zh.append(f"上次接触已是 {days} 天前（{last}）")
    return en, zh


@rule(
    "cold-economic-buyer",
    "error",
    "people",
    "open project whose `decide_by` is 0–30 days after today, and whose economic buyer has coverage "
    "none/brief or a last contact older than 30 days (or none)",
    "MEDDPICC (Economic buyer); Miller Heiman Blue Sheet (economic buyer)",
)
def cold_economic_buyer(ctx: Context) -> Iterator[Hit]:
    people = ctx.people()
    for i, p in ctx.open_projects():
        decide_by = p.timeline.decide_by if p.timeline is not None else None
        if decide_by is None or not ctx.within(decide_by, 30):
            continue
        days = ctx.days_after(decide_by)
        when = "today" if days == 0 else f"in {days_text(days)}"
        for j, pid in ctx.in_roles(p, "economic_buyer"):
            person = people.get(pid)
            if person is None:
                continue
            en, zh = _coldness(person, ctx.last_contacts.get(pid), ctx.today)
            if not en:
                continue
            name = person.name
            yield Hit(
                ("projects", i, "buying_team", j, "person"),
                f"“{p.name}” is decided {when} ({decide_by}) and its economic buyer {name} is cold: "
                f"{' and '.join(en)}; meet {name} before the decision, with the business case and what "
                "they win from it",
                f"“{p.name}”{_when_zh(days)}（{decide_by}），经济决策者{name}却很生疏：{'，'.join(zh)}；"
                f"决策前务必约见{name}，带上商业论证和对方能得到的收益",
                at_value=True,
            )


def _deciding_roles(projects: Iterator[tuple[int, Project]]) -> dict[str, list[tuple[Project, str | None]]]:
    """Who approves the paper (step None) or owns a decision step, in which open projects."""
    roles: dict[str, list[tuple[Project, str | None]]] = {}
    for _, p in projects:
        approvals = p.paper_process.approvals if p.paper_process is not None else []
        for pid in dict.fromkeys(approvals):
            roles.setdefault(pid, []).append((p, None))
        for step in p.decision_process:
            if step.owner is not None:
                roles.setdefault(step.owner, []).append((p, step.step))
    return roles


@rule(
    "unmet-approver",
    "warning",
    "people",
    "person with coverage none who is in an open project's `paper_process.approvals` or owns one of "
    "its `decision_process` steps",
    "MEDDPICC (Paper process, Decision process); Miller Heiman Blue Sheet (buying influences)",
)
def unmet_approver(ctx: Context) -> Iterator[Hit]:
    roles = _deciding_roles(ctx.open_projects())
    for i, person in enumerate(ctx.plan.people):
        found = roles.get(person.id)
        if not found or person.coverage != "none":
            continue
        en = [
            f"owns the step “{s}” of “{p.name}”" if s else f"approves the paper of “{p.name}”"
            for p, s in found
        ]
        zh = [f"负责“{p.name}”的“{s}”环节" if s else f"审批“{p.name}”的合同" for p, s in found]
        written = "coverage" in person.model_fields_set
        yield Hit(
            ("people", i, "coverage") if written else ("people", i, "name"),
            f"{person.name} {'; '.join(en)}, and nobody on our side has met them: ask our coach to "
            f"introduce us and meet {person.name} before the decision reaches their desk",
            f"{person.name}{'；'.join(zh)}，我们却从未与此人接触：请内部教练引荐，"
            f"在决策走到{person.name}这一步之前见上一面",
            project=found[0][0].id,
        )


@rule(
    "unhandled-opponent",
    "warning",
    "people",
    "buying-team member of an open project with support skeptic/opponent and influence medium/high "
    "whom no crux `refs` and no open action `person` names",
    "Miller Heiman Blue Sheet (buying influences, red flags); TAS power map",
)
def unhandled_opponent(ctx: Context) -> Iterator[Hit]:
    people = ctx.people()
    handled = {ref for c in ctx.plan.cruxes for ref in c.refs}
    handled |= {a.person for a in ctx.plan.actions if a.status == "open" and a.person is not None}
    for i, p in ctx.open_projects():
        for j, m in enumerate(p.buying_team):
            person = people.get(m.person)
            if person is None or person.id in handled:
                continue
            if person.support in _SUPPORT_ZH and person.influence in _INFLUENCE_ZH:
                name = person.name
                yield Hit(
                    ("projects", i, "buying_team", j, "person"),
                    f"{name} ({person.influence} influence) is {'an' if person.support == 'opponent' else 'a'} "
                    f"{person.support} in the buying team of “{p.name}”, and no crux or open action deals "
                    f"with them: find out what {name} fears or stands to lose, then plan an action for "
                    f"{name} (`person:`) or write a crux that names them",
                    f"{name}在“{p.name}”的采购小组里持{_SUPPORT_ZH[person.support]}态度、影响力"
                    f"{_INFLUENCE_ZH[person.influence]}，却没有任何要害或未完成的行动针对此人：弄清{name}"
                    f"担心什么、会失去什么，再为{name}安排一项行动（`person:`）或写进一条要害",
                    at_value=True,
                )
