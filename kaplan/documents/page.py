"""The account on a page: what opens the dossier (and, later, each account of the portfolio pack).

Built from the audience-filtered plan the view holds, so an edition shows only what it may; every
figure comes from :mod:`kaplan.plan.meaning` (forecast, probability, share of wallet), never
re-derived here.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from kaplan.coach.health import AreaHealth, Health
from kaplan.documents.markdown import tighten_cjk
from kaplan.plan.findings import Finding
from kaplan.plan.meaning import forecast, last_contacts, share_of_wallet, win_probability
from kaplan.plan.model import Crux, Measure, Objective, Plan, Project, Risk

NEXT_DATES = 5
TOP_PROJECTS = 5
TOP_FINDINGS = 3
TOP_RISKS = 3
TOP_OBJECTIVES = 6
TOP_GAPS = 6
LEVEL_WEIGHT = {"high": 3, "medium": 2, "low": 1}
# Characters that fit one line across the page (cruxes), in the objectives' column, and two lines
# of a half-page column (risks): the page summarises, the sections after it hold the whole text.
ONE_LINE = {"zh": 44, "en": 92}
OBJECTIVE_LINE = {"zh": 30, "en": 62}
RISK_LINES = {"zh": 50, "en": 104}


@dataclass(frozen=True)
class KeyDate:
    """A date ahead: a meeting, a decision, a signing, a contract's end or a next purchase."""

    day: dt.date
    kind: str  # meeting, decide_by, sign_by, contract_end, next_purchase: a key of labels.yaml
    what: str


@dataclass(frozen=True)
class OpenProject:
    """An open project with its probability (percent) and forecast (value × probability)."""

    project: Project
    probability: float
    forecast: float | None


@dataclass(frozen=True)
class Progress:
    """An objective and how far it has come, 0 to 100 (None without a measure to tell)."""

    objective: Objective
    percent: float | None
    line: str


@dataclass(frozen=True)
class Wallet:
    """Share of wallet now (a fraction) and the target an objective of kind ``share`` sets."""

    now: float | None
    target: Measure | None


@dataclass(frozen=True)
class AccountPage:
    """Everything the account page shows."""

    health: Health | None
    position: AreaHealth | None
    projects: list[OpenProject]
    more_projects: int
    wallet: Wallet
    objectives: list[Progress]
    more_objectives: int
    dates: list[KeyDate]
    findings: list[Finding]
    risks: list[tuple[Risk, str]]
    cruxes: list[tuple[Crux, str]] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)


@dataclass(frozen=True)
class Gap:
    """Something a reviewer expects that the plan does not say: a word of labels.yaml and a count."""

    key: str
    n: int = 1


def gaps(plan: Plan, today: dt.date) -> list[Gap]:
    """What the plan is missing, most telling first: what a director asks and the plan cannot answer.

    Facts of the plan, not coaching: a thin plan shows them on its first page instead of empty pages.
    """
    open_projects = [p for p in plan.projects if p.outcome == "open"]
    active = [p for p in plan.people if p.status == "active"]
    contacted = last_contacts(plan)
    found = [
        Gap("gap_no_open_project", int(not open_projects)),
        Gap("gap_no_value", sum(p.value is None for p in open_projects)),
        Gap(
            "gap_no_economic_buyer",
            sum(not any("economic_buyer" in m.roles for m in p.buying_team) for p in open_projects),
        ),
        Gap("gap_no_people", int(not active)),
        Gap("gap_unknown_stance", sum(p.support == "unknown" for p in active)),
        Gap("gap_never_contacted", sum(p.id not in contacted for p in active)),
        Gap("gap_no_competitors", int(bool(open_projects) and not plan.competitors)),
        Gap("gap_no_cruxes", int(not plan.cruxes)),
        Gap("gap_no_objectives", int(not plan.objectives)),
        Gap("gap_no_dates", int(not next_dates(plan, today))),
        Gap("gap_no_owner", int(plan.plan.owner is None)),
        Gap("gap_never_reviewed", int(plan.plan.reviewed is None)),
    ]
    return [g for g in found if g.n][:TOP_GAPS]


def build_account_page(
    plan: Plan,
    today: dt.date,
    currency: str,
    findings: Sequence[Finding],
    health: Health | None,
    locale: str,
) -> AccountPage:
    """The account page of an (already audience-filtered) plan."""
    open_projects = [
        OpenProject(p, win_probability(p), forecast(p)) for p in plan.projects if p.outcome == "open"
    ]
    open_projects.sort(key=lambda o: (-(o.forecast or 0.0), -o.project.stage))
    objectives = [o for o in plan.objectives if o.status != "dropped"]
    shown = [f for f in findings if not f.waived]
    lang = "zh" if locale == "zh" else "en"
    return AccountPage(
        health=health,
        position=next((a for a in health.areas if a.area == "position"), None) if health else None,
        projects=open_projects[:TOP_PROJECTS],
        more_projects=max(0, len(open_projects) - TOP_PROJECTS),
        wallet=Wallet(share_of_wallet(plan, currency), share_target(plan)),
        objectives=[
            Progress(o, progress(o.measure), one_line(o.statement, OBJECTIVE_LINE[lang]))
            for o in objectives[:TOP_OBJECTIVES]
        ],
        more_objectives=max(0, len(objectives) - TOP_OBJECTIVES),
        dates=next_dates(plan, today),
        findings=shown[:TOP_FINDINGS],
        risks=[(r, one_line(r.statement, RISK_LINES[lang])) for r in top_risks(plan.risks)],
        cruxes=[(c, one_line(c.statement, ONE_LINE[lang])) for c in plan.cruxes],
        gaps=gaps(plan, today),
    )


def share_target(plan: Plan) -> Measure | None:
    """The share-of-wallet target.

    The plan has no target field for share of wallet: the first live objective of kind ``share``
    with a measure stands for it (its current and target, in its own unit).
    """
    for objective in plan.objectives:
        if objective.kind == "share" and objective.measure is not None and objective.status != "dropped":
            return objective.measure
    return None


def progress(measure: Measure | None) -> float | None:
    """How far a measure has come from its baseline (or zero) to its target, 0 to 100."""
    if measure is None or measure.current is None:
        return None
    start = measure.baseline if measure.baseline is not None else 0.0
    if measure.target == start:
        return 100.0 if measure.current == measure.target else None
    share = (measure.current - start) / (measure.target - start) * 100
    return max(0.0, min(100.0, share))


def next_dates(plan: Plan, today: dt.date) -> list[KeyDate]:
    """The next five dates from today on: meetings, open projects' decisions, signings and the steps
    of their decision processes still to come, contracts' ends and next purchases, soonest first."""
    dates = [KeyDate(m.on, "meeting", m.title) for m in plan.meetings if m.on >= today]
    for project in plan.projects:
        if project.outcome == "open":
            dates += _project_dates(project, today)
    dates += [KeyDate(c.end, "contract_end", c.name) for c in plan.contracts if c.end >= today]
    dates += [
        KeyDate(c.next_purchase, "next_purchase", c.category)
        for c in plan.account.consumption
        if c.next_purchase is not None and c.next_purchase >= today
    ]
    return sorted(dates, key=lambda d: d.day)[:NEXT_DATES]


def _project_dates(project: Project, today: dt.date) -> list[KeyDate]:
    """An open project's decision and signing dates, and its decision steps not yet done, from today on."""
    steps = [
        KeyDate(step.by, "decision_step", f"{project.name} · {step.step}")
        for step in project.decision_process
        if step.by is not None and step.by >= today and step.status != "done"
    ]
    timeline = project.timeline
    ends = (("decide_by", timeline.decide_by), ("sign_by", timeline.sign_by)) if timeline else ()
    # a step on the decision's own day (the award on decide_by) says more than the bare date
    stepped = {d.day for d in steps}
    return [
        KeyDate(day, kind, project.name)
        for kind, day in ends
        if day is not None and day >= today and day not in stepped
    ] + steps


def top_risks(risks: Sequence[Risk]) -> list[Risk]:
    """The risks with the greatest likelihood × impact (unassessed count as nothing), in file
    order among equals."""
    weight = {
        id(r): LEVEL_WEIGHT.get(r.likelihood or "", 0) * LEVEL_WEIGHT.get(r.impact or "", 0) for r in risks
    }
    return sorted(risks, key=lambda r: -weight[id(r)])[:TOP_RISKS]


def one_line(text: str, limit: int) -> str:
    """The first line of a Markdown text, without its markup, cut to ``limit`` characters."""
    lines = re.sub(r"[*_`#>\[\]]", "", tighten_cjk(text)).strip().splitlines()
    line = lines[0].strip() if lines else ""
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"
