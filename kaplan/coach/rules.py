"""Coaching rules: what a seasoned key-account coach would say about a valid plan.

Each rule is a small function ``(Context) -> Iterable[Hit]`` registered with its code,
default severity, meaning and source idea. Rules look at open projects only.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass

from kaplan.documents.labels import stage_label
from kaplan.plan.findings import Finding, Severity
from kaplan.plan.messages import format_path
from kaplan.plan.model import Locale, Person, Plan, Project
from kaplan.plan.yaml12 import LineMap, PathKey

GIFT_WORDS = (
    "回扣",
    "红包",
    "礼品",
    "礼物",
    "送礼",
    "购物卡",
    "好处费",
    "宴请",
    "gift",
    "kickback",
    "bribe",
    "cash",
    "hospitality",
    "favour",
    "favor",
)
_GIFT_RE = re.compile("|".join(re.escape(w) for w in GIFT_WORDS), re.IGNORECASE)


@dataclass(frozen=True)
class Hit:
    """Where a rule fires (a path in the plan, at its key or value) and what it says."""

    path: PathKey
    en: str
    zh: str
    at_value: bool = False


@dataclass(frozen=True)
class Context:
    """What a rule sees: the plan, the day, and helpers."""

    plan: Plan
    today: dt.date

    def people(self) -> dict[str, Person]:
        """People by id."""
        return {p.id: p for p in self.plan.people}

    def open_projects(self) -> Iterator[tuple[int, Project]]:
        """Open projects with their index in the file."""
        for i, project in enumerate(self.plan.projects):
            if project.outcome == "open":
                yield i, project

    def older_than(self, day: dt.date | None, days: int) -> bool:
        """Strictly more than ``days`` days before today (or no date at all)."""
        return day is None or (self.today - day).days > days


RuleFn = Callable[[Context], Iterable[Hit]]


def _days(n: int) -> str:
    return "1 day" if n == 1 else f"{n} days"


@dataclass(frozen=True)
class Rule:
    """A coaching rule and what kaplan says about it in ``kaplan rules``."""

    code: str
    severity: Severity
    area: str
    meaning: str
    source: str
    check: RuleFn


RULES: dict[str, Rule] = {}

# Structural codes: always errors, listed by `kaplan rules` beside the coaching rules.
STRUCTURAL: dict[str, str] = {
    "syntax": "YAML syntax error, duplicate key, anchor/alias/tag, or a file over 5 MB",
    "schema": "wrong type, value not allowed, required key missing, or unknown key",
    "ref": "a reference names an id that does not exist (or of the wrong kind)",
    "dup-id": "the same id used twice (all sections share one namespace)",
    "cycle": "reports_to goes round in a circle",
    "file-name": "the file name is not a valid account id (a-z, 0-9, hyphens, .yaml)",
}

AREAS = ("people", "projects", "competition", "needs", "freshness")


def rule(code: str, severity: Severity, area: str, meaning: str, source: str) -> Callable[[RuleFn], RuleFn]:
    """Register a coaching rule."""

    def register(fn: RuleFn) -> RuleFn:
        RULES[code] = Rule(code, severity, area, meaning, source, fn)
        return fn

    return register


def _roles(project: Project, *roles: str) -> list[tuple[int, str]]:
    return [(j, m.person) for j, m in enumerate(project.buying_team) if set(roles) & set(m.roles)]


def _project_key(ctx: Context, i: int, project: Project, key: str) -> PathKey:
    return ("projects", i, key) if key in project.model_fields_set else ("projects", i, "stage")


# --- projects -------------------------------------------------------------------------------
@rule(
    "no-economic-buyer",
    "warning",
    "projects",
    "open project at stage ≥ 3 with no buying-team member in role economic_buyer",
    "Miller Heiman Blue Sheet (economic buyer); MEDDPICC (E)",
)
def no_economic_buyer(ctx: Context) -> Iterator[Hit]:
    for i, p in ctx.open_projects():
        if p.stage >= 3 and not _roles(p, "economic_buyer"):
            yield Hit(
                ("projects", i, "stage"),
                f"stage {p.stage} and nobody in the buying team is the economic buyer: find out "
                "who releases the money and get in front of them before the criteria are set",
                f"已到第 {p.stage} 阶段，采购小组里还没有经济决策者：弄清谁批钱，在采购标准定下来之前见到他",
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
        if p.stage >= 3 and not _roles(p, "coach", "champion"):
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
        champions = [people[pid] for _, pid in _roles(p, "champion") if pid in people]
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
        for j, pid in _roles(p, "economic_buyer"):
            person = people.get(pid)
            if person and person.support in ("skeptic", "opponent"):
                yield Hit(
                    ("projects", i, "buying_team", j, "person"),
                    f"the economic buyer {person.name} is {'an' if person.support == 'opponent' else 'a'} {person.support}, yet the project lists "
                    "no red flags: record the risk and plan how to change their mind",
                    f"经济决策者{person.name}对我们持{_SUPPORT_ZH[person.support]}态度，"
                    "项目却没有列出任何危险信号：把风险写下来，并制定扭转他态度的计划",
                    at_value=True,
                )


_SUPPORT_ZH = {"skeptic": "怀疑", "opponent": "反对"}


@rule(
    "single-threaded",
    "warning",
    "projects",
    "open project whose buying team has ≤ 1 person with coverage multiple/in_depth",
    "Miller Heiman (multi-threading); seed article (流程线: key people)",
)
def single_threaded(ctx: Context) -> Iterator[Hit]:
    people = ctx.people()
    for i, p in ctx.open_projects():
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
                    f"{person.name}已经离职，却还在采购小组里：弄清谁接替了他的角色，重新梳理采购小组",
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
        for j, pid in _roles(p, "economic_buyer", "champion", "coach"):
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
                    f"不清楚{person.name}个人能得到什么：人为自己的理由而买，弄清成功对他个人意味着什么",
                )


# --- people ---------------------------------------------------------------------------------------
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
                f"{person.name}影响力高，我们却几乎不了解他：安排一次正式会面，弄清他的需求",
            )


@rule(
    "stale-contact",
    "warning",
    "freshness",
    "person (status active) with influence high whose last_contact is older than 60 days (or none)",
    "seed article (与时俱进, 与客户同步)",
)
def stale_contact(ctx: Context) -> Iterator[Hit]:
    for i, person in enumerate(ctx.plan.people):
        if (
            person.status == "active"
            and person.influence == "high"
            and ctx.older_than(person.last_contact, 60)
        ):
            if person.last_contact is None:
                en = f"no contact recorded with {person.name}, a high-influence person: meet them and log the date"
                zh = f"没有记录与高影响力人物{person.name}的接触：去见他，并记下日期"
                path: PathKey = ("people", i, "influence")
            else:
                days = (ctx.today - person.last_contact).days
                en = f"last contact with {person.name} was {_days(days)} ago: high-influence people go cold in two months; get back in touch"
                zh = f"上次与{person.name}接触已是 {days} 天前：高影响力人物两个月不联系就会疏远，尽快再联系"
                path = ("people", i, "last_contact")
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


# --- competition -------------------------------------------------------------------------------------
@rule(
    "no-threat",
    "warning",
    "competition",
    "competitor incumbent/active without threat",
    "seed article (线: competitor's potential and threat to us)",
)
def no_threat(ctx: Context) -> Iterator[Hit]:
    for i, c in enumerate(ctx.plan.competitors):
        if c.status in ("incumbent", "active") and c.threat is None:
            path: PathKey = (
                ("competitors", i, "status") if "status" in c.model_fields_set else ("competitors", i, "name")
            )
            yield Hit(
                path,
                f"{c.name} is {c.status} here but their threat is not assessed: rate it high, medium "
                "or low so the team knows where to defend",
                f"{c.name}在这家客户{'是现有供应商' if c.status == 'incumbent' else '很活跃'}，却没有评估威胁程度："
                "标上高、中或低，让团队知道该在哪里防守",
            )


@rule(
    "no-counter",
    "warning",
    "competition",
    "competitor with threat high without counter",
    "seed article (及时阻截竞争对手)",
)
def no_counter(ctx: Context) -> Iterator[Hit]:
    for i, c in enumerate(ctx.plan.competitors):
        if c.threat == "high" and not c.counter:
            yield Hit(
                ("competitors", i, "threat"),
                f"{c.name} is a high threat and we have no counter-strategy: write how we block them",
                f"{c.name}威胁很大，我们却没有应对策略：写下如何阻截他们",
            )


# --- needs and cruxes ----------------------------------------------------------------------------------
@rule(
    "no-person-crux",
    "warning",
    "needs",
    "plan with an open project at stage ≥ 3 and no crux of kind person",
    "seed article (准: 人物要害)",
)
def no_person_crux(ctx: Context) -> Iterator[Hit]:
    late = [(i, p) for i, p in ctx.open_projects() if p.stage >= 3]
    if late and not any(c.kind == "person" for c in ctx.plan.cruxes):
        i, p = late[0]
        path: PathKey = ("cruxes",) if "cruxes" in ctx.plan.model_fields_set else ("projects", i, "stage")
        yield Hit(
            path,
            f"“{p.name}” is at stage {p.stage} and no crux names the person who tips the decision: "
            "find the key person and how to win them",
            f"“{p.name}”已到第 {p.stage} 阶段，却没有找出人物要害：找准左右决策的关键人物，以及赢得他的办法",
        )


@rule(
    "hidden-need-no-evidence",
    "info",
    "needs",
    "need with visibility hidden and no evidence",
    "seed article (隐藏的需求)",
)
def hidden_need_no_evidence(ctx: Context) -> Iterator[Hit]:
    for i, need in enumerate(ctx.plan.needs):
        if need.visibility == "hidden" and not need.evidence:
            yield Hit(
                ("needs", i, "visibility"),
                "a hidden need without evidence is a guess: note what you saw or heard that points to it",
                "没有依据的隐藏需求只是猜测：记下你看到或听到的迹象",
            )


@rule(
    "gift-risk",
    "warning",
    "needs",
    "personal need, personal crux or action whose text mentions gifts, cash, banquets, kickbacks…",
    "anti-bribery compliance (反商业贿赂)",
)
def gift_risk(ctx: Context) -> Iterator[Hit]:
    texts: list[tuple[PathKey, str]] = []
    for i, need in enumerate(ctx.plan.needs):
        if need.kind == "personal":
            texts += [
                (("needs", i, "statement"), need.statement),
                (("needs", i, "evidence"), need.evidence or ""),
            ]
    for i, crux in enumerate(ctx.plan.cruxes):
        if crux.kind == "personal":
            texts += [
                (("cruxes", i, "statement"), crux.statement),
                (("cruxes", i, "action"), crux.action or ""),
            ]
    for i, action in enumerate(ctx.plan.actions):
        texts.append((("actions", i, "what"), action.what))
    for path, text in texts:
        found = _GIFT_RE.search(text)
        if found:
            word = found.group(0)
            yield Hit(
                path,
                f"mentions '{word}': gifts, cash and hospitality to win business can break anti-bribery "
                "law and the customer's own rules; check it with compliance or win on value instead",
                f"提到“{word}”：以礼品、现金或宴请换取生意可能触犯反商业贿赂法规和客户的规定；"
                "请先与合规部门确认，或改用价值取胜",
                at_value=True,
            )


# --- freshness ----------------------------------------------------------------------------------------
@rule(
    "stale-review",
    "warning",
    "freshness",
    "plan.reviewed older than review_every_days (or none)",
    "Miller Heiman Gold Sheet (regular plan reviews)",
)
def stale_review(ctx: Context) -> Iterator[Hit]:
    meta = ctx.plan.plan
    if ctx.older_than(meta.reviewed, meta.review_every_days):
        if meta.reviewed is None:
            path: PathKey = ("plan",) if "plan" in ctx.plan.model_fields_set else ()
            yield Hit(
                path,
                "the plan has never been reviewed: review it with your manager and set `plan.reviewed`",
                "计划从未评审过：与主管一起评审，并填写 `plan.reviewed`",
            )
        else:
            days = (ctx.today - meta.reviewed).days
            yield Hit(
                ("plan", "reviewed"),
                f"last reviewed {_days(days)} ago (every {meta.review_every_days} days is the rhythm): "
                "an unreviewed plan drifts from reality; book the review",
                f"距上次评审已 {days} 天（应每 {meta.review_every_days} 天评审一次）：计划不评审就会脱离实际，尽快安排评审",
            )


@rule(
    "stalled-project",
    "warning",
    "freshness",
    "open project whose stage_since (else its latest history date) is older than 90 days",
    "seed article (8-stage buying process); Miller Heiman (pipeline velocity)",
)
def stalled_project(ctx: Context) -> Iterator[Hit]:
    for i, p in ctx.open_projects():
        since = p.stage_since or (max(h.on for h in p.history) if p.history else None)
        if since is not None and ctx.older_than(since, 90):
            days = (ctx.today - since).days
            key = "stage_since" if p.stage_since else "history"
            yield Hit(
                ("projects", i, key),
                f"stuck at stage {p.stage} ({stage_label(p.stage, 'en')}) for {_days(days)}: find out what "
                "blocks the next step, or admit the project has gone quiet",
                f"停在第 {p.stage} 阶段（{stage_label(p.stage, 'zh')}）已 {days} 天：弄清是什么卡住了下一步，"
                "或者承认项目已经搁置",
            )


@rule(
    "overdue-action",
    "warning",
    "freshness",
    "action open with due before today",
    "account-plan discipline: actions have owners and dates",
)
def overdue_action(ctx: Context) -> Iterator[Hit]:
    for i, a in enumerate(ctx.plan.actions):
        if a.status == "open" and a.due is not None and a.due < ctx.today:
            days = (ctx.today - a.due).days
            yield Hit(
                ("actions", i, "due"),
                f"“{a.what}” was due {_days(days)} ago: do it, re-date it, or drop it",
                f"“{a.what}”已逾期 {days} 天：马上执行、重新定日期，或者放弃",
                at_value=True,
            )


def coaching_findings(
    plan: Plan,
    lines: LineMap,
    file: str,
    today: dt.date,
    levels: Mapping[str, str] | None = None,
    locale: Locale | None = None,
) -> list[Finding]:
    """Run every coaching rule; ``levels`` overrides severities (``off`` silences a rule)."""
    ctx = Context(plan, today)
    lang = locale or plan.plan.locale or "en"
    findings: list[Finding] = []
    for code, r in RULES.items():
        level = (levels or {}).get(code, r.severity)
        if level == "off":
            continue
        for hit in r.check(ctx):
            line, column = lines.value(hit.path) if hit.at_value else lines.key(hit.path)
            message = hit.zh if lang == "zh" else hit.en
            findings.append(Finding(file, line, column, format_path(hit.path), code, level, message))  # type: ignore[arg-type]
    return findings
