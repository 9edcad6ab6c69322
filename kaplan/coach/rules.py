"""Coaching rules: what a seasoned key-account coach would say about a valid plan.

Each rule is a small function ``(Context) -> Iterable[Hit]`` registered with its code,
default severity, meaning and source idea, in the module of its part of the plan
(:mod:`~kaplan.coach.projects`, :mod:`~kaplan.coach.people`, :mod:`~kaplan.coach.account`,
:mod:`~kaplan.coach.freshness`). Rules look at open projects only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from kaplan.coach import account, freshness, people, projects, standing
from kaplan.coach.account import GIFT_WORDS
from kaplan.coach.base import Context, Hit, Rule
from kaplan.coach.waivers import project_of, waiver
from kaplan.plan.findings import STRUCTURAL, Finding
from kaplan.plan.meaning import plan_locale
from kaplan.plan.messages import format_path
from kaplan.plan.model import Locale, Plan
from kaplan.plan.yaml12 import LineMap

__all__ = ["AREAS", "GIFT_WORDS", "RULES", "STRUCTURAL", "Context", "Hit", "Rule", "coaching_findings"]

# The order of `kaplan rules` and of findings on the same spot: projects, people, account, freshness, standing.
RULES: dict[str, Rule] = {
    r.code: r for module in (projects, people, account, freshness, standing) for r in module.RULES
}

AREAS = ("people", "projects", "competition", "needs", "freshness")


def coaching_findings(
    plan: Plan,
    lines: LineMap,
    file: str,
    today: dt.date,
    levels: Mapping[str, str] | None = None,
    locale: Locale | None = None,
) -> list[Finding]:
    """Run every coaching rule; ``levels`` overrides severities (``off`` silences a rule).

    A finding a waiver covers is returned with the waiver's reason in ``waived``.
    """
    ctx = Context(plan, today)
    lang = locale or plan_locale(plan, "en")
    findings: list[Finding] = []
    for code, r in RULES.items():
        level = (levels or {}).get(code, r.severity)
        if level == "off":
            continue
        for hit in r.check(ctx):
            line, column = lines.value(hit.path) if hit.at_value else lines.key(hit.path)
            message = hit.zh if lang == "zh" else hit.en
            project = hit.project or project_of(plan, hit.path)
            reason = waiver(plan, hit.path, code)
            findings.append(
                Finding(file, line, column, format_path(hit.path), code, level, message, project, reason)  # type: ignore[arg-type]
            )
    return findings
