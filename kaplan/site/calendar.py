"""The plans' dates as calendars (RFC 5545, written with ``icalendar``): ``OUT/calendar.ics`` for every
account and ``OUT/calendar/TEAM-ID.ics`` for each plan owner's accounts.

Every date is an all-day event. Nothing comes from the clock: a UID names the account, the kind of
date and the item it belongs to, so a subscribed calendar updates an event instead of adding a copy,
and DTSTAMP is the event's own day, so a rebuild writes the same bytes. The events come from plans as
their audience may see them (:func:`plan_events` takes a filtered plan): a private action is in no
calendar of an internal build.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from kaplan.documents.labels import word
from kaplan.documents.page import one_line
from kaplan.plan.model import Locale, Plan

PRODID = "-//kaplan//key-account plans//EN"


@dataclass(frozen=True)
class CalendarEvent:
    """One dated thing of a plan, as a calendar shows it."""

    uid: str
    day: str  # YYYY-MM-DD
    kind: str  # meeting, action_due, decide_by, sign_by, contract_end, contract_notice, objective_due, next_purchase
    summary: str
    ical: str = ""  # the VEVENT as RFC 5545 text, made once with the plan (see :func:`with_ical`)
    project: str = ""  # the id of the open project a decision date belongs to

    @property
    def ref(self) -> str:
        """The id of the item the date belongs to (a meeting, action, project, contract…); for a
        decision step, its project."""
        return self.project or self.uid.removesuffix("@kaplan").rsplit(".", 1)[-1]


def _uid(account: str, kind: str, item: str) -> str:
    return f"{account}.{kind}.{item}@kaplan"


def _slug(text: str) -> str:
    """A stable short name for an item without an id (a consumption category)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def plan_events(ident: str, plan: Plan, locale: Locale | None = None) -> list[CalendarEvent]:
    """The dates of one (audience-filtered) plan, in date order: meetings, open actions with a due
    date, open projects' decision and signing dates and the steps of their decision process not yet
    done, contract ends and notice dates, objectives' due dates and next purchases. With ``locale`` (the calendar's), each carries its VEVENT text."""
    name = plan.account.name
    events = sorted(_events(ident, name, plan), key=lambda e: (e.day, e.kind, e.uid))
    return events if locale is None else [with_ical(e, locale) for e in events]


def with_ical(event: CalendarEvent, locale: Locale) -> CalendarEvent:
    """The event with its VEVENT text, written by ``icalendar``.

    Made in the build worker with the plan and kept in its record, so writing the calendars (every
    build, for every account) only joins texts: serialising 40,000 events took 6 s.
    """
    from icalendar import Event

    day = dt.date.fromisoformat(event.day)
    vevent = Event()
    vevent.add("uid", event.uid)
    vevent.add("dtstamp", dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC))
    vevent.add("dtstart", day)
    vevent.add("dtend", day + dt.timedelta(days=1))
    vevent.add("summary", f"{word('ap_date_' + event.kind, locale)} · {event.summary}")  # page-1 words
    vevent.add("categories", [event.kind])
    vevent.add("transp", "TRANSPARENT")
    return replace(event, ical=vevent.to_ical().decode("utf-8"))


def _events(ident: str, name: str, plan: Plan) -> Iterator[CalendarEvent]:
    yield from _activity_events(ident, name, plan)
    yield from _standing_events(ident, name, plan)


def _activity_events(ident: str, name: str, plan: Plan) -> Iterator[CalendarEvent]:
    """Meetings, open actions due, and open projects' decision and signing dates and steps."""
    for m in plan.meetings:
        yield CalendarEvent(_uid(ident, "meeting", m.id), m.on.isoformat(), "meeting", f"{name}: {m.title}")
    for a in plan.actions:
        if a.due is not None and a.status == "open":
            yield CalendarEvent(
                _uid(ident, "action", a.id), a.due.isoformat(), "action_due", f"{name}: {a.what}"
            )
    for p in plan.projects:
        if p.outcome != "open":
            continue
        ends = (("decide_by", p.timeline.decide_by), ("sign_by", p.timeline.sign_by)) if p.timeline else ()
        for kind, day in ends:
            if day is not None:
                uid = _uid(ident, kind, p.id)
                yield CalendarEvent(uid, day.isoformat(), kind, f"{name}: {p.name}", project=p.id)
        for step in p.decision_process:
            if step.by is not None and step.status != "done":
                uid = _uid(ident, "decision_step", f"{p.id}.{_slug(step.step)}")
                summary = f"{name}: {p.name} · {step.step}"
                yield CalendarEvent(uid, step.by.isoformat(), "decision_step", summary, project=p.id)


def _standing_events(ident: str, name: str, plan: Plan) -> Iterator[CalendarEvent]:
    """Contract ends and notice dates, objectives due, next purchases."""
    for c in plan.contracts:
        yield CalendarEvent(
            _uid(ident, "contract_end", c.id), c.end.isoformat(), "contract_end", f"{name}: {c.name}"
        )
        if c.notice_days:
            notice = (c.end - dt.timedelta(days=c.notice_days)).isoformat()
            yield CalendarEvent(
                _uid(ident, "contract_notice", c.id), notice, "contract_notice", f"{name}: {c.name}"
            )
    for o in plan.objectives:
        if o.due is not None and o.status not in ("done", "dropped"):
            line = one_line(o.statement, 80) or o.id  # its first line, without Markdown marks
            yield CalendarEvent(
                _uid(ident, "objective", o.id), o.due.isoformat(), "objective_due", f"{name}: {line}"
            )
    for use in plan.account.consumption:
        if use.next_purchase is not None:
            uid = _uid(ident, "next_purchase", _slug(use.category))
            yield CalendarEvent(
                uid, use.next_purchase.isoformat(), "next_purchase", f"{name}: {use.category}"
            )


def calendar_bytes(events: Sequence[CalendarEvent], title: str, locale: Locale) -> bytes:
    """An RFC 5545 calendar of ``events``; the same events give the same bytes.

    The calendar's own lines come from ``icalendar``; each event's VEVENT text is the one it carries
    (made now when it has none).
    """
    from icalendar import Calendar

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", title)
    head: str = cal.to_ical().decode("utf-8")
    end = "END:VCALENDAR\r\n"
    body = [
        (e.ical if e.ical.endswith("\r\n") else with_ical(e, locale).ical)
        for e in sorted(events, key=lambda e: (e.day, e.kind, e.uid))
    ]
    return (head.removesuffix(end) + "".join(body) + end).encode("utf-8")
