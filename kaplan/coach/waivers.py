"""Waivers and the order of findings: which reviewed exception silences a finding, and which
finding a reader must see first."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel

from kaplan.plan.findings import SEVERITIES, Finding
from kaplan.plan.model import Item, Plan, Project
from kaplan.plan.yaml12 import PathKey


def waiver(plan: Plan, path: PathKey, code: str) -> str | None:
    """The reason of the waiver of ``code`` that covers ``path``, if any.

    A waiver on a list item covers the findings on it and inside it (the nearest item wins); a
    waiver on the plan root covers every finding of that code in the plan.
    """
    items: list[Item] = []
    node: Any = plan
    for key in path:
        if isinstance(key, int):
            if not isinstance(node, list) or not 0 <= key < len(node):
                break
            node = node[key]
            if isinstance(node, Item):
                items.append(node)
        elif isinstance(node, BaseModel):
            name = key if key in type(node).model_fields else _by_alias(node, key)
            if name is None:
                break
            node = getattr(node, name)
        else:
            break
    for item in reversed(items):
        if code in item.waive:
            return item.waive[code]
    return plan.waive.get(code)


def _by_alias(model: BaseModel, key: str) -> str | None:
    return next((n for n, f in type(model).model_fields.items() if f.alias == key), None)


def project_of(plan: Plan, path: PathKey) -> str | None:
    """The id of the project a path lies in, if it lies in one."""
    if len(path) >= 2 and path[0] == "projects" and isinstance(path[1], int) and path[1] < len(plan.projects):
        return plan.projects[path[1]].id
    return None


_RANK = {s: i for i, s in enumerate(SEVERITIES)}


def order_findings(findings: Iterable[Finding], plan: Plan | None) -> list[Finding]:
    """Most severe first; then the project with most at stake, then the nearest decision date;
    plan-level findings after the project findings of their severity; then file order."""
    projects: dict[str, Project] = {p.id: p for p in plan.projects} if plan is not None else {}

    def key(f: Finding) -> tuple[Any, ...]:
        project = projects.get(f.project) if f.project is not None else None
        stake = project.value.amount if project is not None and project.value is not None else 0.0
        return (
            f.file,
            _RANK[f.severity],
            project is None,
            -stake,
            _nearest_date(project),
            f.line,
            f.column,
            f.code,
            f.path,
            f.message,
        )

    return sorted(findings, key=key)


def _nearest_date(project: Project | None) -> dt.date:
    timeline = project.timeline if project is not None else None
    days = [d for d in (timeline.decide_by, timeline.sign_by) if d is not None] if timeline else []
    return min(days, default=dt.date.max)
