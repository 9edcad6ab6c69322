"""``OUT/calendar.ics`` and ``OUT/calendar/OWNER.ics``: every date of the plans, parsed back with
icalendar; stable UIDs, no clock, the audience's dates only, no file left for an owner who has gone."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from conftest import build
from icalendar import Calendar

EXTRA: dict[str, Any] = {
    "meetings": [
        {
            "id": "m-review",
            "on": "2026-12-05",
            "title": "Trial review",
            "attendees": ["zhao-gm"],
            "share": True,
        },
        {"id": "m-inner", "on": "2026-12-06", "title": "SENTINEL-INNER", "attendees": ["zhao-gm"]},
    ],
    "actions": [
        {"id": "a-visit", "what": "Site visit", "owner": "li-ming", "due": "2026-12-10"},
        {"id": "a-done", "what": "Old call", "owner": "li-ming", "due": "2026-11-01", "status": "done"},
        {
            "id": "a-secret",
            "what": "SENTINEL-PRIVATE",
            "owner": "li-ming",
            "due": "2026-12-11",
            "private": True,
        },
    ],
    "contracts": [{"id": "k-supply", "name": "Supply agreement", "end": "2027-03-31", "notice_days": 90}],
    "objectives": [
        {"id": "o-share", "statement": "Reach **a third** of their spend", "due": "2027-12-31"},
        {"id": "o-done", "statement": "Old goal", "due": "2026-06-30", "status": "done"},
    ],
}


def events(path: Path) -> dict[str, tuple[str, str]]:
    """UID → (day, summary) of a calendar file, parsed back."""
    cal = Calendar.from_ical(path.read_bytes())
    found = {}
    for event in cal.walk("VEVENT"):
        found[str(event["UID"])] = (event.decoded("DTSTART").isoformat(), str(event["SUMMARY"]))
        assert event.decoded("DTSTAMP").date() == event.decoded("DTSTART")  # from the plan, not the clock
    return found


def test_every_date_of_the_plan_is_an_event_with_a_stable_uid(
    repo: Path, write_plan: Callable[..., Path], make_plan: Callable[..., dict[str, Any]]
) -> None:
    plan = make_plan(**EXTRA)
    plan["projects"][0]["timeline"] = {"decide_by": "2026-12-18", "sign_by": "2027-01-15"}
    write_plan(plan, "acme")
    assert build("--out", "out", "--no-pdf", "--no-brief").exit_code == 0
    found = events(repo / "out" / "calendar.ics")
    days = {uid.split("@")[0]: day for uid, (day, _) in found.items()}
    assert days == {
        "acme.meeting.m-review": "2026-12-05",
        "acme.meeting.m-inner": "2026-12-06",
        "acme.action.a-visit": "2026-12-10",
        "acme.decide_by.p-line": "2026-12-18",
        "acme.sign_by.p-line": "2027-01-15",
        "acme.contract_end.k-supply": "2027-03-31",
        "acme.contract_notice.k-supply": "2026-12-31",  # 90 days before the end
        "acme.objective.o-share": "2027-12-31",
    }  # not the done action, the done objective, nor the private action of an internal build
    assert "SENTINEL-PRIVATE" not in (repo / "out" / "calendar.ics").read_text(encoding="utf-8")
    assert found["acme.meeting.m-review@kaplan"][1].endswith("Trial review")
    assert found["acme.objective.o-share@kaplan"][1].endswith("Reach a third of their spend")
    # The owner's own calendar holds the same account.
    assert events(repo / "out" / "calendar" / "li-ming.ics") == found


def test_rebuilds_write_the_same_bytes_and_a_moved_meeting_keeps_its_uid(
    repo: Path, write_plan: Callable[..., Path], make_plan: Callable[..., dict[str, Any]]
) -> None:
    write_plan(make_plan(**EXTRA), "acme")
    assert build("--out", "out", "--no-pdf", "--no-brief").exit_code == 0
    first = (repo / "out" / "calendar.ics").read_bytes()
    assert build("--out", "out", "--no-pdf", "--no-brief").exit_code == 0  # from the cache
    assert (repo / "out" / "calendar.ics").read_bytes() == first
    assert build("--out", "fresh", "--no-pdf", "--no-brief").exit_code == 0  # from nothing
    assert (repo / "fresh" / "calendar.ics").read_bytes() == first
    moved = make_plan(**EXTRA)
    moved["meetings"][0]["on"] = "2026-12-08"
    write_plan(moved, "acme")
    assert build("--out", "out", "--no-pdf", "--no-brief").exit_code == 0
    assert events(repo / "out" / "calendar.ics")["acme.meeting.m-review@kaplan"][0] == "2026-12-08"


def test_the_partner_calendar_holds_only_what_is_shared(
    repo: Path, write_plan: Callable[..., Path], make_plan: Callable[..., dict[str, Any]]
) -> None:
    write_plan(make_plan(**EXTRA), "acme")
    assert build("--out", "out", "--no-pdf", "--no-brief", "--audience", "external").exit_code == 0
    text = (repo / "out" / "calendar.ics").read_text(encoding="utf-8")
    assert "Trial review" in text
    for hidden in ("SENTINEL-INNER", "SENTINEL-PRIVATE", "m-review", "a-visit"):
        assert hidden not in text  # the partner edition's ids are its own: meeting-1, not ours


def test_an_owner_who_owns_no_plan_any_more_loses_the_calendar_file(
    repo: Path, write_plan: Callable[..., Path], make_plan: Callable[..., dict[str, Any]]
) -> None:
    write_plan(make_plan(**EXTRA), "acme")
    assert build("--out", "out", "--no-pdf", "--no-brief").exit_code == 0
    assert (repo / "out" / "calendar" / "li-ming.ics").is_file()
    other = make_plan(**EXTRA)
    other["team"] = [{"id": "wu-lan", "name": "Wu Lan", "role": "account_manager"}]
    other["plan"]["owner"] = "wu-lan"
    other["actions"] = [{**a, "owner": "wu-lan"} for a in other["actions"]]
    write_plan(other, "acme")
    assert build("--out", "out", "--no-pdf", "--no-brief").exit_code == 0
    assert sorted(p.name for p in (repo / "out" / "calendar").iterdir()) == ["wu-lan.ics"]


def test_events_serialised_with_their_plan_give_the_bytes_icalendar_gives_the_whole_calendar() -> None:
    """The VEVENT text kept in a plan's record is joined into the calendar as icalendar would write it."""
    from icalendar import Event

    from kaplan.site.calendar import CalendarEvent, calendar_bytes, with_ical

    plain = [
        CalendarEvent("b.meeting.m1@kaplan", "2026-12-05", "meeting", "B: 季度评审 with a long title " * 3),
        CalendarEvent("a.sign_by.p1@kaplan", "2026-12-01", "sign_by", "A: Line 3"),
    ]
    made = [with_ical(e, "zh") for e in plain]
    assert all(e.ical.startswith("BEGIN:VEVENT\r\n") for e in made)
    joined = calendar_bytes(made, "Accounts", "zh")
    assert joined == calendar_bytes(plain, "Accounts", "zh")
    cal = Calendar.from_ical(joined)
    assert [str(e["UID"]) for e in cal.walk("VEVENT")] == ["a.sign_by.p1@kaplan", "b.meeting.m1@kaplan"]
    assert str(cal["X-WR-CALNAME"]) == "Accounts"
    # and the calendar icalendar writes in one go is the same, byte for byte
    whole = Calendar.from_ical(joined)
    assert whole.to_ical() == joined
    assert isinstance(cal.walk("VEVENT")[0], Event)
