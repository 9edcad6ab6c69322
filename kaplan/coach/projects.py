"""Coaching rules on open projects: the buying team and its criteria, champions, coaches, dates, budget
and our lead time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from kaplan.coach.base import Context, Hit, Rule, days_text, registrar
from kaplan.plan.meaning import behind_on
from kaplan.plan.model import Project
from kaplan.plan.yaml12 import PathKey

RULES: list[Rule] = []
rule = registrar(RULES)


# A criterion this heavy decides the deal (plan-format.md: losing-key-criterion, and health's position).


def _project_key(ctx: Context, i: int, project: Project, key: str) -> PathKey:
    return ("projects", i, key) if key in project.model_fields_set else ("projects", i, "stage")


@rule(
    "no-economic-buyer",
    "warning",
    "projects",
    "open project at stage ≥ 3 with no buying-team member in role economic_buyer",
    "Miller Heiman Blue Sheet (economic buyer); MEDDPICC (E)",
)
def no_economic_buyer(ctx: Context) -> Iterator[Hit]:
    for i, p in ctx.open_projects():
        if p.stage >= 3 and not ctx.in_roles(p, "economic_buyer"):
            yield Hit(
                ("projects", i, "stage"),
                f"stage {p.stage} and nobody in the buying team is the economic buyer: find out "
                "who releases the money and get in front of them before the criteria are set",
                f"已到第 {p.stage} 阶段，采购小组里还没有经济决策者：弄清谁批钱，在采购标准定下来之前见到此人",
            )


@rule(
    "no-criteria",
    "warning",
    "projects",
    "open project at stage ≥ 4 with no criteria",
    "seed article, stage 4 (建立采购标准); MEDDPICC (Decision criteria)",
)
def no_criteria(ctx: Context) -> Iterator[Hit]:
    for i, p in ctx.open_projects():
        if p.stage >= 4 and not p.criteria:
            yield Hit(
                ("projects", i, "stage"),
                f"stage {p.stage} and no purchase criteria recorded: ask the technical buyer what "
                "the decision will be made on, and write it down with weights",
                f"已到第 {p.stage} 阶段却没有记录采购标准：向技术把关人问清按什么标准决策，连同权重一并记下",
            )


@rule(
    "criteria-not-shaped",
    "warning",
    "projects",
    "open project at stage ≥ 4 that has criteria, none of them shaped_by_us",
    "seed article, stage 4: take part in setting the criteria",
)
def criteria_not_shaped(ctx: Context) -> Iterator[Hit]:
    for i, p in ctx.open_projects():
        if p.stage >= 4 and p.criteria and not any(c.shaped_by_us for c in p.criteria):
            yield Hit(
                ("projects", i, "criteria"),
                f"stage {p.stage} and no criteria shaped by us: meet the technical buyer before the "
                "criteria are frozen and get one of our strengths written in",
                f"已到第 {p.stage} 阶段，没有一条采购标准是我们参与制定的：在标准冻结前约见技术把关人，"
                "把我们的优势写进标准",
            )


@rule(
    "no-coach",
    "warning",
    "projects",
    "open project at stage ≥ 3 with nobody in role coach or champion",
    "Miller Heiman Blue Sheet (coach); MEDDPICC (Champion)",
)
def no_coach(ctx: Context) -> Iterator[Hit]:
    for i, p in ctx.open_projects():
        if p.stage >= 3 and not ctx.in_roles(p, "coach", "champion"):
            yield Hit(
                _project_key(ctx, i, p, "buying_team"),
                "nobody inside is our coach or champion: we are selling blind; find someone who "
                "wants us to win and will tell us how the decision is really made",
                "客户内部没有我们的教练或支持者，等于盲人摸象：找到希望我们赢、"
                "并愿意告诉我们真实决策过程的人",
            )


@rule(
    "weak-champion",
    "warning",
    "projects",
    "an open project has champions, and every one of them has influence low or political formal_only",
    "MEDDPICC (Champion must have power); TAS power map",
)
def weak_champion(ctx: Context) -> Iterator[Hit]:
    people = ctx.people()
    for i, p in ctx.open_projects():
        champions = [people[pid] for _, pid in ctx.in_roles(p, "champion") if pid in people]
        if champions and all(c.influence == "low" or c.political == "formal_only" for c in champions):
            names = ", ".join(c.name for c in champions)
            yield Hit(
                ("projects", i, "buying_team"),
                f"our champion ({names}) has little real power: a champion without influence "
                "cannot carry the decision; build a second champion closer to the power structure",
                f"我们的内部拥护者（{names}）没有实权：没有影响力的拥护者撑不起决策，"
                "要在权力核心附近再培养一位拥护者",
            )


@rule(
    "opponent-buyer",
    "warning",
    "projects",
    "economic buyer of an open project has support skeptic/opponent and the project has no red_flags",
    "Miller Heiman Blue Sheet (red flags)",
)
def opponent_buyer(ctx: Context) -> Iterator[Hit]:
    people = ctx.people()
    for i, p in ctx.open_projects():
        if p.red_flags:
            continue
        for j, pid in ctx.in_roles(p, "economic_buyer"):
            person = people.get(pid)
            if person and person.support in ("skeptic", "opponent"):
                yield Hit(
                    ("projects", i, "buying_team", j, "person"),
                    f"the economic buyer {person.name} is {'an' if person.support == 'opponent' else 'a'} {person.support}, yet the project lists "
                    "no red flags: record the risk and plan how to change their mind",
                    f"经济决策者{person.name}对我们持{_SUPPORT_ZH[person.support]}态度，"
                    f"项目却没有列出任何危险信号：把风险写下来，并制定扭转{person.name}态度的计划",
                    at_value=True,
                )


_SUPPORT_ZH = {"skeptic": "怀疑", "opponent": "反对"}


@rule(
    "single-threaded",
    "warning",
    "projects",
    "open project at stage ≥ 3 whose buying team has ≤ 1 person with coverage multiple/in_depth",
    "Miller Heiman (multi-threading); seed article (流程线: key people)",
)
def single_threaded(ctx: Context) -> Iterator[Hit]:
    people = ctx.people()
    for i, p in ctx.open_projects():
        if p.stage < 3:
            continue  # before stage 3 there is no buying team to thread yet
        # People who left or moved no longer thread the deal, however well we knew them.
        covered = {
            m.person
            for m in p.buying_team
            if m.person in people
            and people[m.person].status == "active"
            and people[m.person].coverage in ("multiple", "in_depth")
        }
        if len(covered) <= 1:
            if covered:
                en = (
                    "only one person in the buying team knows us well: if they move, we lose our line "
                    "into the deal; build relationships with at least two more members"
                )
                zh = "采购小组里只有一人与我们有深入接触：此人一旦调离我们就断了线，至少再与两位成员建立关系"
            else:
                en = (
                    "nobody in the buying team knows us well yet: map who is on it and meet at least two "
                    "of them more than once"
                )
                zh = "采购小组里还没有人与我们有深入接触：先弄清小组成员，至少与其中两位多次接触"
            yield Hit(_project_key(ctx, i, p, "buying_team"), en, zh)


@rule(
    "left-in-team",
    "error",
    "projects",
    "person with status left in the buying team of an open project",
    "seed article (与时俱进, keep project facts current)",
)
def left_in_team(ctx: Context) -> Iterator[Hit]:
    people = ctx.people()
    for i, p in ctx.open_projects():
        for j, m in enumerate(p.buying_team):
            person = people.get(m.person)
            if person and person.status == "left":
                yield Hit(
                    ("projects", i, "buying_team", j, "person"),
                    f"{person.name} has left the company but is still in the buying team: find out "
                    "who took over their role and re-map the team",
                    f"{person.name}已经离职，却还在采购小组里：弄清谁接替了{person.name}的角色，重新梳理采购小组",
                    at_value=True,
                )


@rule(
    "unknown-win",
    "warning",
    "people",
    "economic buyer / champion / coach of an open project with no win.personal and no personal block",
    "Miller Heiman Blue Sheet (personal wins); seed article (面, 个人要害)",
)
def unknown_win(ctx: Context) -> Iterator[Hit]:
    people = ctx.people()
    seen: set[tuple[int, int]] = set()
    for i, p in ctx.open_projects():
        for j, pid in ctx.in_roles(p, "economic_buyer", "champion", "coach"):
            member = p.buying_team[j]
            person = people.get(pid)
            if person is None or (i, j) in seen:
                continue
            seen.add((i, j))
            if (member.win is None or not member.win.personal) and person.personal is None:
                yield Hit(
                    ("projects", i, "buying_team", j, "roles"),
                    f"we do not know what {person.name} wins personally: people buy for their own "
                    "reasons too; find out what success means to them",
                    f"不清楚{person.name}个人能得到什么：人为自己的理由而买，弄清成功对{person.name}个人意味着什么",
                )


# --- coaching v2: dates, budget, criteria, lead time ---------------------------------------------------
_DATE_WORDS = {"decide_by": ("decision", "决策"), "sign_by": ("signing", "签约")}


@rule(
    "decision-date-passed",
    "warning",
    "projects",
    "open project whose `timeline.decide_by` or `timeline.sign_by` is before today",
    "Miller Heiman Blue Sheet (timing for priorities); MEDDPICC (Decision process)",
)
def decision_date_passed(ctx: Context) -> Iterator[Hit]:
    for i, p in ctx.open_projects():
        timeline = p.timeline
        if timeline is None:
            continue
        # One finding per project: the decision date when it has passed, else the signing date.
        for key, day in (("decide_by", timeline.decide_by), ("sign_by", timeline.sign_by)):
            if day is not None and day < ctx.today:
                days = -ctx.days_after(day)
                en_word, zh_word = _DATE_WORDS[key]
                yield Hit(
                    ("projects", i, "timeline", key),
                    f"the {en_word} date of “{p.name}” ({day}) passed {days_text(days)} ago and the "
                    "project is still open: ask the customer where it stands, then record the outcome "
                    "(won, lost, no decision) or a new date",
                    f"“{p.name}”的{zh_word}日期（{day}）已过去 {days} 天，项目却仍未结束：向客户问清进展，"
                    "然后记下结果（赢、输、未决策）或新的日期",
                    at_value=True,
                )
                break


@rule(
    "budget-unknown-late",
    "warning",
    "projects",
    "open project at stage ≥ 5 with no budget or `budget.status` unknown",
    "MEDDPICC (Economic buyer: money released); seed article (项目事实: 预算和流程)",
)
def budget_unknown_late(ctx: Context) -> Iterator[Hit]:
    for i, p in ctx.open_projects():
        if p.stage < 5 or (p.budget is not None and p.budget.status != "unknown"):
            continue
        if p.budget is None:
            path: PathKey = ("projects", i, "stage")
            en, zh = "no budget recorded", "没有记录预算"
        else:
            written = "status" in p.budget.model_fields_set
            path = ("projects", i, "budget", "status") if written else ("projects", i, "budget")
            en, zh = "the budget is unknown", "预算情况不明"
        yield Hit(
            path,
            f"stage {p.stage} and {en}: ask the economic buyer whether the money is set aside, how much "
            "and who releases it, before we invest more in the evaluation",
            f"已到第 {p.stage} 阶段，{zh}：向经济决策者问清钱是否已落实、有多少、由谁批准，再决定是否继续投入",
        )


@rule(
    "losing-key-criterion",
    "warning",
    "competition",
    "criterion of an open project with weight ≥ 0.3, `our_rank` > 1 and `shaped_by_us` not true, "
    "while a `competition` entry of that project is ahead",
    "MEDDPICC (Decision criteria, Competition); Miller Heiman Blue Sheet (position vs competition)",
)
def losing_key_criterion(ctx: Context) -> Iterator[Hit]:
    competitors = {c.id: c.name for c in ctx.plan.competitors}
    for i, p in ctx.open_projects():
        ahead = [competitors.get(c.competitor, c.competitor) for c in p.competition if c.position == "ahead"]
        if not ahead:
            continue
        names = ", ".join(dict.fromkeys(ahead))
        for k, c in enumerate(p.criteria):
            if behind_on(c) and not c.shaped_by_us:
                yield Hit(
                    ("projects", i, "criteria", k, "our_rank"),
                    f"{names} {'is' if len(ahead) == 1 else 'are'} ahead in “{p.name}” and we rank "
                    f"{c.our_rank} on “{c.criterion}” (weight {c.weight:g}), a key criterion we did not "
                    "shape: bring the proof that lifts our rank, or work with the technical buyer to "
                    "reshape the criterion before the evaluation closes",
                    f"{names}在“{p.name}”中领先，而在关键标准“{c.criterion}”（权重 {c.weight:g}）上我们只排第 "
                    f"{c.our_rank}，这条标准也不是我们参与制定的：拿出能提升排名的证据，"
                    "或在评估结束前与技术把关人一起调整这条标准",
                    at_value=True,
                )


@rule(
    "lead-time-conflict",
    "warning",
    "projects",
    "open project with `lead_time_weeks` and `timeline.need_by` where (sign_by, else decide_by) "
    "+ 7 × lead_time_weeks days is after need_by",
    "MEDDPICC (Paper process); seed article (项目事实: 时间表)",
)
def lead_time_conflict(ctx: Context) -> Iterator[Hit]:
    for i, p in ctx.open_projects():
        timeline, weeks = p.timeline, p.lead_time_weeks
        if timeline is None or weeks is None or timeline.need_by is None:
            continue
        key = "sign_by" if timeline.sign_by is not None else "decide_by"
        start = timeline.sign_by or timeline.decide_by
        if start is None:
            continue
        lands = start + dt.timedelta(days=7 * weeks)
        late = (lands - timeline.need_by).days
        if late > 0:
            en_word, zh_word = _DATE_WORDS[key]
            yield Hit(
                ("projects", i, "lead_time_weeks"),
                f"with {en_word} on {start} and our lead time of {weeks} weeks, “{p.name}” is delivered on "
                f"{lands}, {days_text(late)} after the customer needs it ({timeline.need_by}): agree an "
                f"earlier {en_word}, a partial or expedited delivery, or a new need-by date now",
                f"按 {start} {zh_word}、交货周期 {weeks} 周计算，“{p.name}”要到 {lands} 才能交货，"
                f"比客户需要的日期（{timeline.need_by}）晚 {late} 天：现在就争取提前{zh_word}、"
                "分批或加急交货，或与客户重新商定需求日期",
                at_value=True,
            )
