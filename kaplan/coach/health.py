"""Plan health: a 0–100 score and red/amber/green, per plan and per area.

Five areas are about how well the plan is kept: each starts at 100; every coaching finding of
the area takes off 30 (error), 12 (warning) or 4 (info), and every missing basic (no people, no
competitors assessed, no cruxes…) takes off 15, unless a finding already says so.
The sixth, **position**, is where we stand to win: per open project, 100 less 25 for a competitor
ahead (10 when the best is even), 20 for a sceptical or opposed economic buyer (10 when neutral,
unknown or missing), 15 for a key criterion (weight ≥ 0.3) where we are not first, 15 for a
probability below 30; the plan's position is the mean over open projects weighted by value.
With an open project the score is half position and half the mean of the other areas, else the
mean of the five; an error-level finding caps it at amber. Green is 75 and above, amber 50–74.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from kaplan.coach.rules import AREAS, RULES
from kaplan.plan.findings import Finding
from kaplan.plan.meaning import behind_on
from kaplan.plan.model import Person, Plan, Project

PENALTY = {"error": 30, "warning": 12, "info": 4}
MISSING = 15
GREEN, AMBER = 75, 50
# A missing basic that these findings already report is not counted again.
REPORTED_BY = {
    "buying teams": {"no-economic-buyer", "no-coach", "single-threaded"},
    "a review date": {"stale-review"},
    "cruxes": {"no-person-crux"},
}


@dataclass(frozen=True)
class AreaHealth:
    """The health of one area of a plan."""

    area: str
    score: int
    rag: str
    findings: int
    missing: tuple[str, ...]


@dataclass(frozen=True)
class Health:
    """The health of a plan: its score, colour and areas."""

    score: int
    rag: str
    areas: tuple[AreaHealth, ...]

    def as_dict(self) -> dict[str, object]:
        """A JSON-ready form."""
        return {
            "score": self.score,
            "rag": self.rag,
            "areas": {
                a.area: {"score": a.score, "rag": a.rag, "findings": a.findings, "missing": list(a.missing)}
                for a in self.areas
            },
        }


def rag(score: int) -> str:
    """red, amber or green for a score."""
    return "green" if score >= GREEN else "amber" if score >= AMBER else "red"


def _missing(plan: Plan) -> dict[str, list[str]]:
    open_projects = [p for p in plan.projects if p.outcome == "open"]
    checks = {
        "people": [
            ("people", bool(plan.people)),
            ("someone we know well", any(p.coverage in ("multiple", "in_depth") for p in plan.people)),
            ("a supporter", any(p.support in ("champion", "supporter") for p in plan.people)),
        ],
        "projects": [
            ("projects", bool(plan.projects)),
            ("buying teams", all(p.buying_team for p in open_projects)),
            ("project values", all(p.value is not None for p in open_projects)),
        ],
        "competition": [
            ("competitors", bool(plan.competitors)),
            ("installed base", bool(plan.installed_base)),
        ],
        "needs": [
            ("needs", bool(plan.needs)),
            ("cruxes", bool(plan.cruxes)),
        ],
        "freshness": [
            ("a review date", plan.plan.reviewed is not None),
            ("actions", bool(plan.actions)),
        ],
    }
    return {area: [name for name, ok in items if not ok] for area, items in checks.items()}


def project_position(project: Project, people: dict[str, Person]) -> int:
    """Where we stand to win one open project, 0–100 (see the module's docstring)."""
    score = 100 - _competition_penalty(project) - _buyer_penalty(project, people)
    if any(behind_on(c) for c in project.criteria):
        score -= 15
    if project.probability is not None and project.probability < 30:
        score -= 15
    return max(0, score)


def _competition_penalty(project: Project) -> int:
    positions = {c.position for c in project.competition}
    return 25 if "ahead" in positions else 10 if "even" in positions else 0


def _buyer_penalty(project: Project, people: dict[str, Person]) -> int:
    buyers = [
        people[m.person] for m in project.buying_team if "economic_buyer" in m.roles and m.person in people
    ]
    supports = {b.support for b in buyers}
    if supports & {"skeptic", "opponent"}:
        return 20
    return 10 if not buyers or supports & {"neutral", "unknown"} else 0


def position(plan: Plan) -> int | None:
    """The plan's position: its open projects' positions, weighted by value (None without one)."""
    projects = [p for p in plan.projects if p.outcome == "open"]
    if not projects:
        return None
    people = {p.id: p for p in plan.people}
    scores = [project_position(p, people) for p in projects]
    weights = [p.value.amount if p.value is not None else 0.0 for p in projects]
    if any(p.value is None for p in projects) or sum(weights) <= 0:
        weights = [1.0] * len(projects)
    return round(sum(s * w for s, w in zip(scores, weights, strict=True)) / sum(weights))


def plan_health(plan: Plan, findings: Iterable[Finding]) -> Health:
    """Score a valid plan from its coaching findings, what it is missing and where it stands."""
    by_area: dict[str, list[Finding]] = {a: [] for a in AREAS}
    for f in findings:
        r = RULES.get(f.code)
        if r is not None and f.waived is None:
            by_area[r.area].append(f)
    missing = _missing(plan)
    areas = []
    for area in AREAS:
        codes = {f.code for f in by_area[area]}
        counted = [m for m in missing[area] if not REPORTED_BY.get(m, set()) & codes]
        penalty = sum(PENALTY[f.severity] for f in by_area[area]) + MISSING * len(counted)
        score = max(0, 100 - penalty)
        areas.append(AreaHealth(area, score, rag(score), len(by_area[area]), tuple(missing[area])))
    kept = round(sum(a.score for a in areas) / len(areas))
    standing = position(plan)
    if standing is None:
        score = kept
    else:
        areas.append(AreaHealth("position", standing, rag(standing), 0, ()))
        score = round((standing + kept) / 2)
    if any(f.severity == "error" for fs in by_area.values() for f in fs):
        score = min(score, GREEN - 1)
    return Health(score, rag(score), tuple(areas))
