"""Meeting briefings as a build makes them: which changes each one reports, and where every PDF goes.

Apart from :mod:`kaplan.site.tasks` so that ``kaplan brief`` loads neither the charts nor the dossier.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from kaplan.config import Workspace
from kaplan.documents.briefing import MeetingBriefing, briefed_meetings, build_briefing, last_met
from kaplan.documents.views import DocumentView
from kaplan.history.log import HistoryEntry, Past, Scoring, Touch, blob_id, plan_history, plan_past
from kaplan.plan import Audience, Locale
from kaplan.plan.audience import for_audience
from kaplan.plan.load import LoadedPlan
from kaplan.plan.model import Plan

HISTORY_COMMITS = 10
MAX_CHANGE_LINES = 12


def account_dir(out: Path) -> Path:
    """Where dossiers and briefings go."""
    return out / "accounts"


def output_path(out: Path, ident: str, suffix: str) -> Path:
    """``OUT/accounts/ID{suffix}``, refusing any id that would leave the output folder."""
    folder = account_dir(out).resolve()
    path = (folder / f"{ident}{suffix}").resolve()
    if path.parent != folder:
        raise ValueError(f"refusing to write outside {folder}: {ident!r}")
    return path


def recent_history(
    path: Path, project: Workspace, audience: Audience, locale: Locale, now: Plan
) -> list[HistoryEntry]:
    """The meaningful changes of the last commits that touched a plan, as ``audience`` may see them.

    Every older revision is filtered with the flags of the plan as it is ``now``: a person marked
    private today is hidden in the commits from before too.
    """

    def narrow(plan: Plan) -> Plan:
        return for_audience(plan, audience, now=now).plan

    entries = plan_history(project.root, path, limit=HISTORY_COMMITS, locale=locale, narrow=narrow)
    return [e for e in entries if e.changes]


def account_past(
    path: Path,
    touches: Sequence[Touch],
    project: Workspace,
    audience: Audience,
    locale: Locale,
    now: Plan,
    cache: dict[str, Any] | None = None,
    loaded: LoadedPlan | None = None,
) -> Past:
    """A plan's last commits (``touches``, from :func:`~kaplan.history.log.folder_touches`): their
    changes as ``audience`` may see them, the plan's health and forecast after each, and the cache
    to keep (``cache``: the one kept last time). The file on disk, already ``loaded``, is not read
    from git again."""

    def narrow(plan: Plan) -> Plan:
        return for_audience(plan, audience, now=now).plan

    try:
        raw = path.read_bytes()
    except OSError:
        raw = None
    known = {blob_id(raw): loaded} if raw is not None and loaded is not None else {}
    config = project.config
    scoring = Scoring(config.rules, config.locale, config.currency)
    return plan_past(project.root, touches, locale, narrow, known=known, cache=cache, scoring=scoring)


def meeting_changes(entries: Sequence[HistoryEntry], since: dt.date | None) -> list[str]:
    """What changed in the plan from ``since`` on (all the recent history without it), newest first."""
    lines: list[str] = []
    for entry in entries:
        if since is not None and entry.date < since.isoformat():
            continue
        # "New plan: X (plans/x.yaml)" tells a rep nothing about the customer: only what is in the plan
        lines.extend(
            c.message for c in entry.changes if not c.kind.startswith("plan_") and c.message not in lines
        )
    return lines[:MAX_CHANGE_LINES]


def meeting_briefings(
    view: DocumentView, path: Path, project: Workspace, audience: Audience, now: Plan
) -> list[MeetingBriefing]:
    """The briefing of each meeting of the view dated today or later, with what changed since the
    last meeting or contact with its attendees (from git; nothing without it)."""
    meetings = briefed_meetings(view.plan, view.today)
    if not meetings:
        return []
    entries = view.history or recent_history(path, project, audience, view.locale, now)
    return [
        build_briefing(view, m, meeting_changes(entries, last_met(view.plan, m, view.today)))
        for m in meetings
    ]
