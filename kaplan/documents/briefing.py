"""What a meeting briefing shows: the meeting, each attendee and how to handle them, where we stand.

The view is built from the plan as its audience may see it (a :class:`DocumentView`); what changed
since the last meeting with these people comes from git, so the caller passes it in as plain lines.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from kaplan.coach.health import project_position
from kaplan.documents.views import DocumentView
from kaplan.documents.views import meeting_suffix as meeting_suffix  # its home: pages link to briefings
from kaplan.plan.model import Action, Crux, LogEntry, Meeting, Person, Plan, Win
from kaplan.plan.model import Project as PlanProject

HOSTILE = ("skeptic", "opponent")


def briefed_meetings(plan: Plan, today: dt.date) -> list[Meeting]:
    """The meetings that get a briefing of their own: those dated today or later, soonest first."""
    return sorted((m for m in plan.meetings if m.on >= today), key=lambda m: (m.on, m.id))


@dataclass(frozen=True)
class Handling:
    """How to handle one person: their cruxes, our open actions on them, else a coaching hint."""

    cruxes: list[Crux] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    hint: str = ""  # a key of labels.yaml's words, when there is nothing of the plan's own

    def __bool__(self) -> bool:
        return bool(self.cruxes or self.actions or self.hint)


def handling(plan: Plan, person: Person) -> Handling:
    """How to handle ``person``: cruxes whose refs name them and open actions about them; without
    either, a hint chosen by their stance and influence (none for a friendly, low-influence one)."""
    cruxes = [c for c in plan.cruxes if person.id in c.refs]
    actions = [a for a in plan.actions if a.person == person.id and a.status == "open"]
    if cruxes or actions:
        return Handling(cruxes, actions)
    if person.support == "opponent":
        return Handling(hint="hint_opponent")
    if person.support == "skeptic":
        return Handling(hint="hint_skeptic")
    if person.influence == "high":
        return Handling(hint="hint_influential")
    return Handling()


def needs_handling(person: Person) -> bool:
    """A sceptic or opponent, or anyone of high influence: the general briefing says how to handle them."""
    return person.support in HOSTILE or person.influence == "high"


@dataclass(frozen=True)
class Attendee:
    """One of the customer's people in the room."""

    person: Person
    roles: list[str]
    win: Win | None
    last_contact: dt.date | None
    handling: Handling

    @property
    def hostile(self) -> bool:
        """A sceptic or an opponent."""
        return self.person.support in HOSTILE


@dataclass(frozen=True)
class Rival:
    """A competitor in the meeting's project and where they stand against us."""

    name: str
    position: str | None  # ahead | even | behind


@dataclass(frozen=True)
class Standing:
    """Where we stand on the meeting's project."""

    project: PlanProject
    rivals: list[Rival]
    position: int | None  # our position score, 0–100, for an open project


@dataclass
class MeetingBriefing:
    """Everything ``meeting.html`` shows besides the plan's view."""

    meeting: Meeting
    attendees: list[Attendee]
    standing: Standing | None
    ours: list[str]
    since: dt.date | None
    changes: list[str] = field(default_factory=list)
    news: list[LogEntry] = field(default_factory=list)  # the log since ``since``, newest first
    # changes left out (the site's account page has them): a briefing keeps to its pages
    more_changes: int = 0

    @property
    def title(self) -> str:
        """The meeting's title, for the PDF's metadata."""
        return self.meeting.title


def last_met(plan: Plan, meeting: Meeting, today: dt.date | None = None) -> dt.date | None:
    """The last day before ``meeting`` that we met or logged contact with any of its attendees.

    A meeting counts once it is past ``today``: one still ahead has not happened yet, so a briefing
    printed now reports what changed since the last meeting that took place.
    """
    people = set(meeting.attendees)
    held = meeting.on if today is None else min(meeting.on, today)
    days = [e.on for e in plan.log if e.on < meeting.on and people & set(e.people)]
    days += [m.on for m in plan.meetings if m.on < held and m.id != meeting.id and people & set(m.attendees)]
    return max(days, default=None)


MAX_NEWS = 6
MAX_SINCE_LINES = 9  # log entries and plan changes together, on the briefing's "since" section


def news_since(plan: Plan, meeting: Meeting, since: dt.date | None) -> list[LogEntry]:
    """What the log says happened after ``since`` and before the meeting, with anyone: newest first.

    The plan's own record of the weeks between (a claim, a visit to someone else) is what a rep must
    know walking in; without ``since``, the latest entries. At most :data:`MAX_NEWS`.
    """
    entries = [e for e in plan.log if e.on < meeting.on and (since is None or e.on > since)]
    return sorted(entries, key=lambda e: e.on, reverse=True)[:MAX_NEWS]


def _roles(plan: Plan, meeting: Meeting, person_id: str) -> tuple[list[str], Win | None]:
    """A person's buying roles and win in the meeting's project, else in any open project."""
    projects = [p for p in plan.projects if p.id == meeting.project]
    projects += [p for p in plan.projects if p.outcome == "open" and p.id != meeting.project]
    for project in projects:
        for member in project.buying_team:
            if member.person == person_id:
                return list(member.roles), member.win
    return [], None


def _standing(view: DocumentView, meeting: Meeting) -> Standing | None:
    project = next((p for p in view.plan.projects if p.id == meeting.project), None)
    if project is None:
        return None
    rivals = [
        Rival(view.name(c.competitor), c.position) for c in project.competition if view.name(c.competitor)
    ]
    score = project_position(project, view.people_by_id) if project.outcome == "open" else None
    return Standing(project, rivals, score if view.shows_assessments else None)


def build_briefing(view: DocumentView, meeting: Meeting, changes: Sequence[str] = ()) -> MeetingBriefing:
    """The briefing of one meeting of ``view``'s plan; ``changes``: what changed since ``last_met``."""
    plan = view.plan
    contacts = view.contact_days
    since = last_met(plan, meeting, view.today)
    news = news_since(plan, meeting, since)
    room = max(0, MAX_SINCE_LINES - len(news))
    attendees = []
    for pid in meeting.attendees:
        person = view.people_by_id.get(pid)
        if person is None:
            continue
        roles, win = _roles(plan, meeting, pid)
        attendees.append(Attendee(person, roles, win, contacts.get(pid), handling(plan, person)))
    return MeetingBriefing(
        meeting=meeting,
        attendees=attendees,
        standing=_standing(view, meeting),
        ours=view.names_of(meeting.ours),
        since=since,
        changes=list(changes[:room]),
        news=news,
        more_changes=max(0, len(changes) - room),
    )


@dataclass(frozen=True)
class ToHandle:
    """A person of an open project's buying team whom the general briefing says how to handle."""

    person: Person
    roles: list[str]
    handling: Handling


def people_to_handle(view: DocumentView) -> list[ToHandle]:
    """Sceptics, opponents and people of high influence in open projects' buying teams, each once
    (with their roles across those projects) and with how to handle them."""
    found: dict[str, ToHandle] = {}
    for project in view.open_projects():
        for member in project.buying_team:
            person = view.people_by_id.get(member.person)
            if person is None or not needs_handling(person):
                continue
            entry = found.setdefault(person.id, ToHandle(person, [], handling(view.plan, person)))
            entry.roles.extend(r for r in member.roles if r not in entry.roles)
    hostile_first = sorted(found.values(), key=lambda h: (h.person.support not in HOSTILE, h.person.name))
    return hostile_first
