"""Format 1.1 through the audience filter: shared objectives and meetings, references to dropped items."""

from __future__ import annotations

from typing import Any

from conftest import BASE_PLAN, merge

from kaplan.plan.audience import for_audience
from kaplan.plan.model import Plan

ZHAO, QIAN = BASE_PLAN["people"]


def plan_of(make_plan, **overrides: Any) -> Plan:
    return Plan.model_validate(make_plan(**overrides))


UNITS = {
    "name": "Test Steel",
    "units": [
        {"id": "group", "name": "Group"},
        {"id": "mill", "name": "Secret new mill", "parent": "group", "private": True},
        {"id": "child", "name": "Mill workshop", "parent": "mill"},
    ],
}


def test_internal_drops_a_private_unit_and_every_reference_to_it(make_plan) -> None:
    plan = plan_of(
        make_plan,
        account=UNITS,
        people=[merge(ZHAO, {"unit": "mill"}), QIAN],
        whitespace=[
            {"unit": "mill", "offering": "Drives", "state": "open"},
            {"unit": "group", "offering": "Drives", "state": "ours"},
        ],
        contracts=[{"id": "k", "name": "K", "end": "2027-01-01", "unit": "mill", "renewal": "p-line"}],
    )
    seen = for_audience(plan, "internal").plan
    assert [u.id for u in seen.account.units] == ["group", "child"]
    assert seen.account.units[1].parent is None
    assert seen.people[0].unit is None
    assert [(w.unit, w.offering) for w in seen.whitespace] == [("group", "Drives")]  # a cell needs its unit
    assert seen.contracts[0].unit is None
    assert seen.contracts[0].renewal == "p-line"
    assert "Secret new mill" in for_audience(plan, "internal").dropped_names


def test_a_private_person_leaves_meetings_and_the_log(make_plan) -> None:
    plan = plan_of(
        make_plan,
        people=[ZHAO, merge(QIAN, {"private": True})],
        projects=[
            merge(BASE_PLAN["projects"][0], {"buying_team": [BASE_PLAN["projects"][0]["buying_team"][0]]})
        ],
        meetings=[{"id": "m", "on": "2026-12-10", "title": "Review", "attendees": ["zhao-gm", "qian-cto"]}],
        log=[{"on": "2026-11-01", "kind": "call", "summary": "Call", "people": ["qian-cto"]}],
    )
    seen = for_audience(plan, "internal").plan
    assert seen.meetings[0].attendees == ["zhao-gm"]
    assert seen.log[0].people == []


MEETINGS = [
    {
        "id": "m-shared",
        "on": "2026-12-10",
        "title": "Joint review",
        "attendees": ["zhao-gm"],
        "ours": ["li-ming"],
        "project": "p-line",
        "objective": "Agree the trial plan",
        "commitment": {"best": "Sign the trial", "minimum": "A date"},
        "questions": ["Who signs?"],
        "outcome": "Went well",
        "share": True,
    },
    {"id": "m-ours", "on": "2026-12-11", "title": "Internal prep", "share": False},
    {"id": "m-both", "on": "2026-12-12", "title": "Private and shared", "share": True, "private": True},
]
OBJECTIVES = [
    {
        "id": "o-shared",
        "statement": "Be the preferred drives supplier",
        "kind": "footprint",
        "measure": {"unit": "plants", "baseline": 1, "target": 3, "current": 2},
        "due": "2027-12-31",
        "owner": "li-ming",
        "status": "at_risk",
        "projects": ["p-line"],
        "share": True,
    },
    {"id": "o-ours", "statement": "Squeeze the incumbent", "measure": {"target": 40}},
]


def test_external_shows_only_shared_meetings_and_objectives_and_only_their_allowed_fields(make_plan) -> None:
    plan = plan_of(make_plan, meetings=MEETINGS, objectives=OBJECTIVES, waive={"stale-review": "why"})
    seen = for_audience(plan, "external").plan
    (meeting,) = seen.meetings
    assert (meeting.title, meeting.attendees, meeting.ours, meeting.objective) == (
        "Joint review",
        ["zhao-gm"],
        ["li-ming"],
        "Agree the trial plan",
    )
    assert (meeting.commitment, meeting.questions, meeting.outcome, meeting.project) == (None, [], None, None)
    (objective,) = seen.objectives
    assert objective.statement == "Be the preferred drives supplier"
    assert objective.measure is not None
    assert objective.measure.current == 2
    assert (objective.owner, objective.projects) == (None, [])
    assert seen.waive == {}


def test_external_drops_every_account_level_assessment(make_plan) -> None:
    plan = plan_of(
        make_plan,
        account={
            **UNITS,
            "units": UNITS["units"][:1],
            "terms": {"payment": "60 days"},
            "shareholders": [{"name": "SASAC", "share": 51}],
            "purchasing_calendar": [{"what": "Annual tender", "months": [3], "notes": "secret note"}],
        },
        partnership={"level": {"now": 2, "target": 4}, "strengths": ["Service"]},
        whitespace=[{"unit": "group", "offering": "Drives", "state": "open"}],
        contracts=[{"id": "k", "name": "K", "end": "2027-01-01"}],
        log=[{"on": "2026-11-01", "kind": "call", "summary": "Call"}],
        risks=[{"id": "r", "statement": "Price war"}],
        people=[merge(ZHAO, {"phone": "138", "email": "z@x", "unit": "group", "sees_us_at": 3}), QIAN],
        projects=[
            merge(
                BASE_PLAN["projects"][0],
                {
                    "probability": 60,
                    "unit": "group",
                    "decision_process": [{"step": "Board", "status": "done"}],
                },
            )
        ],
    )
    seen = for_audience(plan, "external").plan
    assert (seen.partnership, seen.whitespace, seen.contracts, seen.log, seen.risks) == (None, [], [], [], [])
    assert (seen.account.terms, seen.account.shareholders) == (None, [])
    assert seen.account.purchasing_calendar[0].what == "Annual tender"
    assert seen.account.purchasing_calendar[0].notes is None
    assert seen.account.units[0].name == "Group"
    assert (seen.people[0].phone, seen.people[0].email, seen.people[0].sees_us_at) == (None, None, None)
    assert seen.people[0].unit == "group"
    project = seen.projects[0]
    assert (project.probability, project.unit, project.decision_process[0].status) == (None, "group", "done")


def test_a_whitespace_cell_goes_with_the_private_competitor_that_holds_it(make_plan) -> None:
    plan = plan_of(
        make_plan,
        account=UNITS,
        competitors=[*BASE_PLAN["competitors"], {"id": "ghost", "name": "Ghost Co", "private": True}],
        whitespace=[
            {"unit": "group", "offering": "Drives", "state": "competitor", "competitor": "ghost"},
            {"unit": "group", "offering": "Pumps", "state": "competitor", "competitor": "rival"},
        ],
    )
    seen = for_audience(plan, "internal").plan
    assert [(w.offering, w.competitor) for w in seen.whitespace] == [("Pumps", "rival")]
    Plan.model_validate(seen.model_dump(by_alias=True))  # still a valid plan


def test_a_private_item_hides_findings_that_quote_its_text_but_not_its_enumerations(make_plan) -> None:
    from kaplan.plan.findings import Finding

    plan = plan_of(
        make_plan,
        actions=[
            *BASE_PLAN["actions"],
            {"id": "a-secret", "what": "Lunch with the rival's engineer", "status": "open", "private": True},
        ],
        log=[
            {
                "on": "2026-11-01",
                "kind": "visit",
                "summary": "Quiet visit to the rival plant",
                "private": True,
            }
        ],
    )
    quoting = Finding("f", 1, 1, "objectives[0]", "x", "warning", "see “Lunch with the rival's engineer”")
    unrelated = Finding("f", 1, 1, "objectives[0]", "x", "warning", "no open action moves it: plan a visit")
    kept = for_audience(plan, "internal").findings([quoting, unrelated])
    assert kept == [unrelated]
