"""Coaching rules on the account as a whole (format 1.1): contracts to renew, objectives, meetings
to prepare and complaints left open."""

from __future__ import annotations

from collections.abc import Iterator

from kaplan.coach.base import Context, Hit, Rule, days_text, registrar
from kaplan.plan.meaning import log_status
from kaplan.plan.model import Project
from kaplan.plan.yaml12 import PathKey

RULES: list[Rule] = []
rule = registrar(RULES)

_OUTCOME = {
    "won": ("is marked won", "已标为赢单"),
    "lost": ("was lost", "已经输掉"),
    "no_decision": ("ended without a decision", "未作决策就结束了"),
}


def _short(text: str, limit: int = 60) -> str:
    """The first line of a text, cut at ``limit`` characters, to quote it in a message."""
    lines = text.strip().splitlines()
    line = lines[0].strip() if lines else ""
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def _in_days(days: int) -> tuple[str, str]:
    if days == 0:
        return "today", "今天"
    if days == 1:
        return "tomorrow", "明天"
    return f"in {days_text(days)}", f"还有 {days} 天"


def _renewal_text(renewal: Project | None) -> tuple[str, str]:
    if renewal is None:
        return (
            "no renewal project is planned: open one now and link it with `renewal:`",
            "却还没有续约项目：现在就立项，并用 `renewal:` 关联",
        )
    en, zh = _OUTCOME[renewal.outcome]
    return (
        f"its renewal “{renewal.name}” {en}: record the new contract, or open the next renewal project",
        f"续约项目“{renewal.name}”{zh}：记下新合同，或为下一轮续约立项",
    )


@rule(
    "contract-expiring",
    "warning",
    "projects",
    "contract whose end is 0–120 days after today and whose `renewal` is missing or names a project "
    "that is not open",
    "Miller Heiman Gold Sheet (protect the base); Kapta account planning (renewals)",
)
def contract_expiring(ctx: Context) -> Iterator[Hit]:
    for i, contract in enumerate(ctx.plan.contracts):
        if not ctx.within(contract.end, 120):
            continue
        renewal = ctx.projects.get(contract.renewal) if contract.renewal is not None else None
        if contract.renewal is not None and (renewal is None or renewal.outcome == "open"):
            continue  # an open renewal is in hand; a dangling one is a `ref` error already
        en_when, zh_when = _in_days(ctx.days_after(contract.end))
        en, zh = _renewal_text(renewal)
        path: PathKey = ("contracts", i, "renewal") if renewal is not None else ("contracts", i, "end")
        yield Hit(
            path,
            f"the contract “{contract.name}” ends {en_when} ({contract.end}) and {en}",
            f"合同“{contract.name}”{zh_when}到期（{contract.end}），{zh}",
            at_value=True,
            project=renewal.id if renewal is not None else None,
        )


_STATUS = {"at_risk": ("at risk", "有风险"), "off_track": ("off track", "已偏离目标")}


@rule(
    "objective-off-track",
    "warning",
    "projects",
    "objective with status at_risk or off_track, or open (not done/dropped) with due before today, "
    "that no open action names (`actions[].objective`)",
    "Miller Heiman Gold Sheet (goals and action plan); Salesforce / Kapta account objectives",
)
def objective_off_track(ctx: Context) -> Iterator[Hit]:
    moved = {a.objective for a in ctx.plan.actions if a.status == "open" and a.objective is not None}
    for i, o in enumerate(ctx.plan.objectives):
        if o.id in moved or o.status in ("done", "dropped"):
            continue
        what = _short(o.statement)
        if o.status in _STATUS:
            en, zh = _STATUS[o.status]
            yield Hit(
                ("objectives", i, "status"),
                f"the objective “{what}” is {en} and no open action moves it: plan the next action that "
                "gets it back on track (an action with `objective:`)",
                f"目标“{what}”{zh}，却没有任何未完成的行动在推动它：安排下一步行动把它拉回正轨（行动写上 `objective:`）",
                at_value=True,
            )
        elif o.due is not None and o.due < ctx.today:
            days = -ctx.days_after(o.due)
            yield Hit(
                ("objectives", i, "due"),
                f"the objective “{what}” was due {days_text(days)} ago ({o.due}) and no open action moves "
                "it: mark it done or dropped, or re-date it and plan the action that reaches it",
                f"目标“{what}”原定 {o.due} 达成，已过去 {days} 天，却没有任何未完成的行动在推动它："
                "标为 done 或 dropped，或者改定日期并安排达成它的行动",
                at_value=True,
            )


@rule(
    "meeting-unprepared",
    "warning",
    "freshness",
    "meeting 0–7 days after today without `objective` or without `commitment.best`",
    "Miller Heiman Green Sheet (meeting plan: objective and best action commitment)",
)
def meeting_unprepared(ctx: Context) -> Iterator[Hit]:
    for i, m in enumerate(ctx.plan.meetings):
        if not ctx.within(m.on, 7):
            continue
        best = m.commitment.best if m.commitment is not None else None
        if m.objective and best:
            continue
        if not m.objective and not best:
            en, zh = "no objective and no best commitment", "既没有会议目标，也没有最佳承诺"
        elif not m.objective:
            en, zh = "no objective", "没有会议目标"
        else:
            en, zh = "no best commitment", "没有最佳承诺"
        # At the commitment when only its best is missing; else at the date that makes it urgent.
        only_best = m.objective and m.commitment is not None
        path: PathKey = ("meetings", i, "commitment") if only_best else ("meetings", i, "on")
        en_when, zh_when = _in_days(ctx.days_after(m.on))
        yield Hit(
            path,
            f"“{m.title}” is {en_when} ({m.on}) and has {en}: before going in, write what the meeting "
            "must achieve (`objective`) and the most we will ask them to commit to (`commitment.best`)",
            f"“{m.title}”{zh_when}就要开（{m.on}），{zh}：进门前写下这次会议必须达成什么（`objective`），"
            "以及我们最多请对方承诺什么（`commitment.best`）",
            project=m.project,
        )


@rule(
    "open-complaint",
    "warning",
    "needs",
    "log entry of kind complaint or claim with status open older than 30 days",
    "seed article (服务与客户满意); Miller Heiman Gold Sheet (critical vulnerabilities)",
)
def open_complaint(ctx: Context) -> Iterator[Hit]:
    people = ctx.people()
    for i, entry in enumerate(ctx.plan.log):
        if entry.kind not in ("complaint", "claim") or log_status(entry) != "open":
            continue
        if not ctx.older_than(entry.on, 30):
            continue
        days = -ctx.days_after(entry.on)
        names = [people[pid].name for pid in entry.people if pid in people]
        en_who = " and ".join(names) if names else "the customer"
        zh_who = "、".join(names) if names else "客户"
        en_kind, zh_kind = ("complaint", "投诉") if entry.kind == "complaint" else ("claim", "索赔")
        path: PathKey = ("log", i, "status") if entry.status is not None else ("log", i, "kind")
        yield Hit(
            path,
            f"the {en_kind} of {entry.on} (“{_short(entry.summary)}”) has been open {days_text(days)}: "
            f"settle it with {en_who}, then set `status: closed`; an open {en_kind} undoes every sales call",
            f"{entry.on} 的{zh_kind}（“{_short(entry.summary)}”）已挂了 {days} 天：尽快与{zh_who}解决，"
            f"然后标为 `status: closed`；{zh_kind}不解决，销售拜访都会白费",
            at_value=True,
            project=entry.project,
        )
