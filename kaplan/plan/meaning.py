"""What a plan's words mean, each in one place: overdue, stale, last contact, forecast, share of
wallet, the locale and currency fallback, stages and the buy-sell hierarchy.

Every output (rules, dossiers, the site, history) asks these functions, so a dashboard can never
call an action overdue that the coach does not. ``today`` is passed in by the caller, who takes it
from ``--today``, ``KAPLAN_TODAY`` or the real date.
"""

from __future__ import annotations

import datetime as dt

from kaplan.plan.model import Action, Criterion, Locale, LogEntry, MoneyValue, Plan, Project


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


def last_contacts(plan: Plan) -> dict[str, dt.date]:
    """Each person's last contact: the later of ``last_contact`` and the newest log entry naming them.

    One pass over the log for all people; people never contacted are absent.
    """
    latest = {p.id: p.last_contact for p in plan.people if p.last_contact is not None}
    for entry in plan.log:
        for pid in entry.people:
            if pid not in latest or latest[pid] < entry.on:
                latest[pid] = entry.on
    return latest


def log_status(entry: LogEntry) -> str | None:
    """A log entry's status: as written, else open for a complaint or claim, else none."""
    if entry.status is not None:
        return entry.status
    return "open" if entry.kind in ("complaint", "claim") else None


KEY_WEIGHT = 0.3  # a criterion weighing this much or more decides the deal


def is_key_criterion(criterion: Criterion) -> bool:
    """A criterion of weight 0.3 or more."""
    return criterion.weight is not None and criterion.weight >= KEY_WEIGHT


def behind_on(criterion: Criterion) -> bool:
    """A key criterion on which we are not ranked first."""
    return is_key_criterion(criterion) and criterion.our_rank is not None and criterion.our_rank > 1


# Our chance of winning at each stage, when a project gives no `probability` (plan-format-1.1.md).
STAGE_PROBABILITY: dict[int, int] = {1: 10, 2: 20, 3: 30, 4: 40, 5: 50, 6: 70, 7: 85, 8: 100}


def win_probability(project: Project) -> float:
    """A project's chance of winning in percent: its own ``probability``, else its stage's default."""
    if project.probability is not None:
        return project.probability
    return STAGE_PROBABILITY[project.stage]


def forecast(project: Project) -> float | None:
    """Value × probability / 100 (in the value's currency), or None without a value."""
    if project.value is None:
        return None
    return project.value.amount * win_probability(project) / 100


def share_of_wallet(plan: Plan, default_currency: str) -> float | None:
    """``wallet.ours / wallet.total`` as a fraction, when both are known in the same currency."""
    wallet = plan.partnership.wallet if plan.partnership is not None else None
    if wallet is None or wallet.ours is None or wallet.total is None or wallet.total.amount <= 0:
        return None
    currency = plan_currency(plan, default_currency)
    if money_currency(wallet.ours, currency) != money_currency(wallet.total, currency):
        return None
    return wallet.ours.amount / wallet.total.amount


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


# The buy-sell hierarchy (`partnership.level`, `people[].sees_us_at`): rung → (Chinese, English).
RUNGS: dict[int, tuple[str, str]] = {
    1: ("普通供应商（按价格采购）", "Commodity supplier (bought on price)"),
    2: ("优质产品供应商", "Supplier of a quality product"),
    3: ("优质服务提供者", "Provider of a quality service"),
    4: ("业务问题的贡献者", "Contributor to business issues"),
    5: ("组织问题的贡献者（战略伙伴）", "Contributor to organisational issues (strategic partner)"),
}


def rung_label(rung: int, locale: Locale) -> str:
    """A rung of the buy-sell hierarchy in the locale."""
    zh, en = RUNGS[rung]
    return zh if locale == "zh" else en


def stage_label(stage: int, locale: Locale) -> str:
    """The stage's label in the locale, e.g. ``评估比较`` or ``Evaluation and comparison``."""
    _, zh, en = STAGES[stage]
    return zh if locale == "zh" else en


# The buying-team roles a portfolio's coverage map shows, in the order of its columns.
COVERAGE_ROLES = ("economic_buyer", "technical_buyer", "user_buyer", "coach", "approver", "procurement")
# How well a role is covered: nobody named; named but against us; named but not reached; reached
# but undecided; on our side.
NOBODY, AGAINST_US, NOT_REACHED, REACHED, ON_OUR_SIDE = 0, 1, 2, 3, 4


def role_coverage(plan: Plan) -> dict[str, int]:
    """For each of :data:`COVERAGE_ROLES`, how well the buying teams of the open projects cover it
    (:data:`NOBODY` … :data:`ON_OUR_SIDE`): in each project the best of the role's members, over
    the projects the weakest (a role left open in one deal is a gap). Empty without an open project."""
    projects = [p for p in plan.projects if p.outcome == "open"]
    if not projects:
        return {}
    people = {p.id: p for p in plan.people}
    worst = dict.fromkeys(COVERAGE_ROLES, ON_OUR_SIDE)
    for project in projects:
        best = dict.fromkeys(COVERAGE_ROLES, NOBODY)
        for member in project.buying_team:
            person = people.get(member.person)
            if person is None:
                continue
            level = _covered(person.support, person.coverage)
            for role in member.roles:
                if role in best and level > best[role]:
                    best[role] = level
        for name in COVERAGE_ROLES:
            worst[name] = min(worst[name], best[name])
    return worst


def _covered(support: str, coverage: str) -> int:
    if support in ("skeptic", "opponent"):
        return AGAINST_US
    if coverage == "none":
        return NOT_REACHED
    return ON_OUR_SIDE if support in ("champion", "supporter") else REACHED
