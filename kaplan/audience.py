"""What each audience may see: a plan is filtered *before* rendering, so dropped content
never reaches a template, an HTML byte, a PDF or a search index.

- ``private``: everything.
- ``internal``: no ``people[].personal``, no personal needs or cruxes, no ``private: true`` items.
- ``external``: also no assessments or intelligence (influence, support, coverage, political,
  standing, notes, relationships, buying-team mode and win, competitors, installed base,
  project competition, hidden needs, cruxes, red flags, our criteria ranking, SWOT) and, beyond
  the spec's list because they are strategy too, project strengths (our leverage), project notes
  and the coach, champion and blocker roles.
References to something dropped are removed with it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from pydantic import BaseModel

from kaplan.errors import format_path
from kaplan.findings import Finding
from kaplan.model import Item, Plan

Audience = Literal["private", "internal", "external"]
AUDIENCES: tuple[Audience, ...] = ("private", "internal", "external")

M = TypeVar("M", bound=BaseModel)
ALLIES = frozenset({"coach", "champion", "blocker"})


def shows_assessments(audience: str) -> bool:
    """Whether an audience may see influence, support, competitors, cruxes, findings and health."""
    return audience != "external"


@dataclass
class Filtered:
    """A plan as one audience may see it, and what was dropped from it."""

    plan: Plan
    audience: Audience
    dropped_paths: list[str] = field(default_factory=list)
    dropped_names: set[str] = field(default_factory=set)

    @property
    def shows_assessments(self) -> bool:
        """Whether influence, support, competitors, cruxes… may be shown."""
        return shows_assessments(self.audience)

    def findings(self, findings: Iterable[Finding]) -> list[Finding]:
        """The coaching findings this audience may see (none for ``external``)."""
        if not self.shows_assessments:
            return []
        kept = []
        for f in findings:
            if any(f.path == p or f.path.startswith((p + ".", p + "[")) for p in self.dropped_paths):
                continue
            if any(name in f.message for name in self.dropped_names):
                continue
            kept.append(f)
        return kept


def _drop_private(model: M, path: tuple[str | int, ...], dropped: list[str]) -> M:
    """Remove ``private: true`` items from every list, at any depth."""
    update: dict[str, Any] = {}
    for name in type(model).model_fields:
        value = getattr(model, name)
        if isinstance(value, BaseModel):
            new = _drop_private(value, (*path, name), dropped)
            if new is not value:
                update[name] = new
        elif isinstance(value, list) and value and isinstance(value[0], BaseModel):
            items = []
            for i, item in enumerate(value):
                if isinstance(item, Item) and item.private:
                    dropped.append(format_path((*path, name, i)))
                    continue
                items.append(_drop_private(item, (*path, name, i), dropped))
            if len(items) != len(value) or any(a is not b for a, b in zip(items, value, strict=True)):
                update[name] = items
    return model.model_copy(update=update) if update else model


def for_audience(plan: Plan, audience: Audience) -> Filtered:
    """The plan as ``audience`` may see it."""
    if audience == "private":
        return Filtered(plan, audience)
    # Paths and names are taken from the plan as written, so they match the findings' paths.
    dropped: list[str] = []
    visible = _drop_private(plan, (), dropped)
    names = {
        item.name
        for section in (plan.people, plan.projects, plan.competitors, plan.team)
        for item in section
        if item.private
    }
    for i, person in enumerate(plan.people):
        if not person.private and person.personal is not None:
            dropped.append(format_path(("people", i, "personal")))
    dropped += [
        format_path(("needs", i)) for i, n in enumerate(plan.needs) if not n.private and n.kind == "personal"
    ]
    dropped += [
        format_path(("cruxes", i))
        for i, c in enumerate(plan.cruxes)
        if not c.private and c.kind == "personal"
    ]
    visible = visible.model_copy(
        update={
            "people": [p.model_copy(update={"personal": None}) for p in visible.people],
            "needs": [n for n in visible.needs if n.kind != "personal"],
            "cruxes": [c for c in visible.cruxes if c.kind != "personal"],
        }
    )
    if audience == "external":
        visible = _external(visible)
    visible = _prune_references(visible)
    return Filtered(visible, audience, dropped, names)


def _external(plan: Plan) -> Plan:
    people = [
        p.model_copy(
            update={
                "influence": "unknown",
                "support": "unknown",
                "coverage": "none",
                "political": "unknown",
                "standing": None,
                "notes": None,
            }
        )
        for p in plan.people
    ]
    projects = [
        p.model_copy(
            update={
                # Who is our coach or champion, and who blocks us, is intelligence too.
                "buying_team": [
                    m.model_copy(
                        update={"mode": None, "win": None, "roles": [r for r in m.roles if r not in ALLIES]}
                    )
                    for m in p.buying_team
                ],
                "competition": [],
                "red_flags": [],
                "strengths": [],  # our leverage: strategy a partner must not read
                "notes": None,
                "criteria": [
                    c.model_copy(update={"shaped_by_us": False, "our_rank": None}) for c in p.criteria
                ],
            }
        )
        for p in plan.projects
    ]
    account = plan.account.model_copy(update={"swot": None})
    return plan.model_copy(
        update={
            "account": account,
            "people": people,
            "relationships": [],
            "competitors": [],
            "installed_base": [],
            "needs": [n for n in plan.needs if n.visibility != "hidden"],
            "projects": projects,
            "cruxes": [],
        }
    )


def _prune_references(plan: Plan) -> Plan:
    """Remove references whose target was dropped, so nothing renders a dropped id."""
    people = {p.id for p in plan.people}
    team = {t.id for t in plan.team}
    competitors = {c.id for c in plan.competitors}
    projects = {p.id for p in plan.projects}
    every = people | team | competitors | projects | {n.id for n in plan.needs} | {c.id for c in plan.cruxes}
    every |= {a.id for a in plan.actions}

    def keep(ref: str | None, allowed: set[str]) -> str | None:
        return ref if ref in allowed else None

    return plan.model_copy(
        update={
            "plan": plan.plan.model_copy(update={"owner": keep(plan.plan.owner, team)}),
            "people": [p.model_copy(update={"reports_to": keep(p.reports_to, people)}) for p in plan.people],
            "relationships": [r for r in plan.relationships if r.from_ in people and r.to in people],
            "installed_base": [b for b in plan.installed_base if b.vendor == "us" or b.vendor in competitors],
            "needs": [
                n.model_copy(update={"holder": keep(n.holder, people), "project": keep(n.project, projects)})
                for n in plan.needs
            ],
            "projects": [_prune_project(p, people, competitors) for p in plan.projects],
            "cruxes": [c.model_copy(update={"refs": [r for r in c.refs if r in every]}) for c in plan.cruxes],
            "actions": [
                a.model_copy(
                    update={
                        "owner": keep(a.owner, team),
                        "person": keep(a.person, people),
                        "project": keep(a.project, projects),
                    }
                )
                for a in plan.actions
            ],
        }
    )


def _prune_project(project: Any, people: set[str], competitors: set[str]) -> Any:
    update: dict[str, Any] = {
        "buying_team": [m for m in project.buying_team if m.person in people],
        "decision_process": [
            s.model_copy(update={"owner": s.owner if s.owner in people else None})
            for s in project.decision_process
        ],
        "competition": [c for c in project.competition if c.competitor in competitors],
    }
    if project.budget is not None and project.budget.owner not in people:
        update["budget"] = project.budget.model_copy(update={"owner": None})
    if project.paper_process is not None:
        approvals = [a for a in project.paper_process.approvals if a in people]
        update["paper_process"] = project.paper_process.model_copy(update={"approvals": approvals})
    return project.model_copy(update=update)
