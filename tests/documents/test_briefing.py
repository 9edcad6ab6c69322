"""Meeting briefings: who is in the room and how to handle them, where we stand, what changed; and
the general briefing's handling lines. Real WeasyPrint renders (few, module-scoped) read with pypdf."""

from __future__ import annotations

import copy
import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import BASE_PLAN, TODAY, merge
from pypdf import PdfReader

from kaplan.cli.brief import write_brief
from kaplan.config import load_workspace
from kaplan.documents.briefing import (
    MAX_SINCE_LINES,
    briefed_meetings,
    build_briefing,
    handling,
    last_met,
    news_since,
    people_to_handle,
)
from kaplan.documents.views import build_view
from kaplan.history.changes import Change
from kaplan.history.log import HistoryEntry
from kaplan.plan import Audience
from kaplan.plan.audience import for_audience
from kaplan.plan.model import Plan
from kaplan.site.briefs import meeting_changes

PLAN: dict[str, Any] = merge(
    BASE_PLAN,
    {
        "people": [
            *copy.deepcopy(BASE_PLAN["people"]),
            {
                "id": "sun-cfo",
                "name": "Sun Li",
                "title": "CFO",
                "influence": "high",
                "support": "skeptic",
                "last_contact": "2026-10-02",
            },
            {"id": "wu-buyer", "name": "Wu Bo", "title": "Buyer", "influence": "low", "support": "opponent"},
        ],
        "projects": [
            merge(
                BASE_PLAN["projects"][0],
                {
                    "buying_team": [
                        *copy.deepcopy(BASE_PLAN["projects"][0]["buying_team"]),
                        {
                            "person": "sun-cfo",
                            "roles": ["approver"],
                            "win": {"business": "Lower cost per tonne"},
                        },
                        {"person": "wu-buyer", "roles": ["user_buyer"]},
                    ],
                    "competition": [{"competitor": "rival", "position": "ahead"}],
                },
            )
        ],
        "cruxes": [
            *copy.deepcopy(BASE_PLAN["cruxes"]),
            {"id": "c-sun", "kind": "person", "statement": "Sun doubts the payback", "refs": ["sun-cfo"]},
        ],
        "meetings": [
            {
                "id": "m-board",
                "on": TODAY.isoformat(),
                "title": "Board paper review",
                "attendees": ["zhao-gm", "sun-cfo", "wu-buyer"],
                "ours": ["li-ming"],
                "project": "p-line",
                "objective": "Agree the payback case",
                "commitment": {"best": "SENTINEL-BEST", "minimum": "SENTINEL-MINIMUM"},
                "questions": ["SENTINEL-QUESTION"],
                "share": True,
            },
            {"id": "m-past", "on": "2026-11-03", "title": "Kick-off", "attendees": ["sun-cfo"]},
            {"id": "m-hidden", "on": "2026-12-20", "title": "SENTINEL-UNSHARED", "attendees": ["zhao-gm"]},
        ],
        "log": [
            {"on": "2026-11-12", "kind": "call", "summary": "Called Wu", "people": ["wu-buyer"]},
            {
                "on": "2026-11-25",
                "kind": "claim",
                "summary": "Claim for the cracked tundish",
                "people": ["qian-cto"],
            },
        ],
    },
)


def plan_of(data: dict[str, Any]) -> Plan:
    return Plan.model_validate(data)


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("briefing")
    (folder / "plans").mkdir()
    (folder / "plans" / "acme.yaml").write_text(yaml.safe_dump(PLAN, allow_unicode=True), encoding="utf-8")
    return folder


def render(root: Path, audience: Audience, meeting: str | None, out: str) -> Path:
    project = load_workspace(root)
    path = root / "plans" / "acme.yaml"
    return write_brief(path, "plans/acme.yaml", project, audience, TODAY.isoformat(), meeting, root / out)


def text_of(path: Path) -> str:
    return re.sub(r"\s+", " ", "".join(page.extract_text() for page in PdfReader(path).pages))


@pytest.fixture(scope="module")
def internal(root: Path) -> Path:
    return render(root, "internal", "m-board", "internal.pdf")


# --- the view, without rendering ------------------------------------------------------------------


def test_only_meetings_from_today_on_are_briefed() -> None:
    assert [m.id for m in briefed_meetings(plan_of(PLAN), TODAY)] == ["m-board", "m-hidden"]


def test_handling_is_cruxes_and_open_actions_else_a_hint() -> None:
    plan = plan_of(PLAN)
    people = {p.id: p for p in plan.people}
    assert [c.id for c in handling(plan, people["sun-cfo"]).cruxes] == ["c-sun"]
    assert handling(plan, people["wu-buyer"]).hint == "hint_opponent"
    assert handling(plan, people["qian-cto"]).hint == "hint_influential"
    friendly = people["qian-cto"].model_copy(update={"influence": "low"})
    assert not handling(plan, friendly)  # a champion of low influence: nothing to handle


def test_the_last_meeting_or_contact_with_the_attendees_is_the_latest_before_the_meeting() -> None:
    plan = plan_of(PLAN)
    board = next(m for m in plan.meetings if m.id == "m-board")
    assert last_met(plan, board) == dt.date(2026, 11, 12)
    later = next(m for m in plan.meetings if m.id == "m-hidden")  # Zhao, 2026-12-20
    assert last_met(plan, later) == TODAY  # the board meeting, once it has taken place
    assert last_met(plan, later, TODAY) is None  # today it has not, and no log entry names Zhao


def test_what_changed_keeps_only_commits_from_the_last_meeting_on() -> None:
    def entry(day: str, message: str) -> HistoryEntry:
        return HistoryEntry("c" * 40, day, "A", "s", [Change("k", "p", None, None, message)])

    entries = [entry("2026-11-20", "Stage 4 → 5"), entry("2026-11-01", "Old news")]
    assert meeting_changes(entries, dt.date(2026, 11, 12)) == ["Stage 4 → 5"]
    assert meeting_changes(entries, None) == ["Stage 4 → 5", "Old news"]
    assert meeting_changes([], None) == []
    added = HistoryEntry(
        "d" * 40, "2026-11-21", "A", "s", [Change("plan_added", "", None, None, "New plan: x")]
    )
    assert meeting_changes([added, *entries], None) == ["Stage 4 → 5", "Old news"]  # nothing about the file


def test_the_since_section_keeps_to_its_room_and_counts_the_rest(root: Path) -> None:
    view = build_view(for_audience(plan_of(PLAN), "internal"), "acme", load_workspace(root), TODAY)
    board = next(m for m in view.plan.meetings if m.id == "m-board")
    briefing = build_briefing(view, board, [f"Change {n}" for n in range(20)])
    assert [e.summary for e in briefing.news] == ["Claim for the cracked tundish"]
    assert len(briefing.news) + len(briefing.changes) == MAX_SINCE_LINES
    assert briefing.changes[0] == "Change 0"  # the newest first, as meeting_changes orders them
    assert briefing.more_changes == 20 - len(briefing.changes)


def test_the_news_is_the_log_after_the_last_contact_with_the_attendees_and_before_the_meeting() -> None:
    data = copy.deepcopy(PLAN)
    data["log"] += [
        {"on": "2026-11-10", "kind": "visit", "summary": "Before the last contact"},
        {"on": TODAY.isoformat(), "kind": "call", "summary": "On the day of the meeting"},
    ]
    plan = plan_of(data)
    board = next(m for m in plan.meetings if m.id == "m-board")
    assert [e.summary for e in news_since(plan, board, last_met(plan, board))] == [
        "Claim for the cracked tundish"
    ]
    assert [e.summary for e in news_since(plan, board, None)][:2] == [
        "Claim for the cracked tundish",
        "Called Wu",
    ]


def test_the_general_briefing_handles_sceptics_opponents_and_high_influence(root: Path) -> None:
    project = load_workspace(root)
    view = build_view(for_audience(plan_of(PLAN), "internal"), "acme", project, TODAY)
    handled = {h.person.id: h for h in people_to_handle(view)}
    assert set(handled) == {"sun-cfo", "wu-buyer", "zhao-gm", "qian-cto"}
    assert list(handled)[:2] == ["sun-cfo", "wu-buyer"]  # sceptics and opponents first
    briefing = build_briefing(view, view.plan.meetings[0])
    assert [a.person.id for a in briefing.attendees] == ["zhao-gm", "sun-cfo", "wu-buyer"]
    assert briefing.standing is not None
    assert briefing.standing.rivals[0].position == "ahead"


# --- real PDFs ------------------------------------------------------------------------------------


@pytest.mark.pdf
def test_a_meeting_briefing_shows_the_meeting_the_people_and_where_we_stand(internal: Path) -> None:
    text = text_of(internal)
    assert 1 <= len(PdfReader(internal).pages) <= 2
    for expected in ("Board paper review", "Agree the payback case", "SENTINEL-BEST", "SENTINEL-MINIMUM"):
        assert expected in text
    assert "SENTINEL-QUESTION" in text
    assert "Sun Li" in text
    assert "Sun doubts the payback" in text
    assert "Meet them one to one first" in text  # the opponent without crux or action: a hint
    assert "Lower cost per tonne" in text
    assert "Rival Co" in text
    assert "Ahead of us" in text
    assert "Last contact 2026-11-20" in text  # Zhao's last_contact, through meaning.last_contacts
    assert "2026-11-25 · Claim Claim for the cracked tundish (Qian" in text  # the log since the last contact
    assert "Promotion" not in text  # personal wins are for the private edition only


@pytest.mark.pdf
def test_the_partner_edition_of_a_meeting_briefing_has_no_commitment_questions_or_stance(root: Path) -> None:
    path = render(root, "external", "meeting-1", "external.pdf")
    text = text_of(path)
    assert "Board paper review" in text
    assert "Agree the payback case" in text
    for hidden in ("SENTINEL", "Skeptic", "Opponent", "Rival Co", "Sun doubts"):
        assert hidden not in text


@pytest.mark.pdf
def test_a_rebuilt_meeting_briefing_is_byte_identical(root: Path, internal: Path) -> None:
    again = render(root, "internal", "m-board", "again.pdf")
    assert again.read_bytes() == internal.read_bytes()


@pytest.mark.pdf
def test_the_general_briefing_gives_each_person_to_handle_a_line(root: Path) -> None:
    text = text_of(render(root, "internal", None, "general.pdf"))
    assert "People to handle" in text
    assert "Sun doubts the payback" in text
    assert "Meet them one to one first" in text
