"""Plan health: a 0–100 score and red/amber/green, per plan and per area.

Each area starts at 100. Every coaching finding of the area takes off 30 (error), 12 (warning)
or 4 (info); every missing basic (no people, no competitors assessed, no cruxes…) takes off 15.
The plan's score is the mean of its five areas; an error-level finding caps it at amber.
Green is 75 and above, amber 50–74, red below 50.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from kaplan.coach.rules import AREAS, RULES
from kaplan.plan.findings import Finding
from kaplan.plan.model import Plan

PENALTY = {"error": 30, "warning": 12, "info": 4}
MISSING = 15
GREEN, AMBER = 75, 50


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


def plan_health(plan: Plan, findings: Iterable[Finding]) -> Health:
    """Score a valid plan from its coaching findings and what it is missing."""
    by_area: dict[str, list[Finding]] = {a: [] for a in AREAS}
    for f in findings:
        r = RULES.get(f.code)
        if r is not None:
            by_area[r.area].append(f)
    missing = _missing(plan)
    areas = []
    for area in AREAS:
        penalty = sum(PENALTY[f.severity] for f in by_area[area]) + MISSING * len(missing[area])
        score = max(0, 100 - penalty)
        areas.append(AreaHealth(area, score, rag(score), len(by_area[area]), tuple(missing[area])))
    score = round(sum(a.score for a in areas) / len(areas))
    if any(f.severity == "error" for fs in by_area.values() for f in fs):
        score = min(score, GREEN - 1)
    return Health(score, rag(score), tuple(areas))
