"""Coaching rules v2: the twelve rules of format 1.1 at their triggers and boundaries, the old false
alarms that must stay silent, messages that name people without a gendered pronoun, and a healthy
format-1.1 plan (healthy_v1_1.yaml) that uses every 1.1 key and yields no finding at all.

Plans are real YAML files checked as ``kaplan check --today`` would (helpers from test_rules.py).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from conftest import TODAY, merge, run
from test_rules import (
    ACTION,
    CHAMP,
    CRUX,
    ECON,
    FIRES,
    MISSES,
    PROJECT,
    SPEC_SEVERITY,
    SUN,
    Case,
    ago,
    champ,
    coach,
    coded,
    dump,
    people,
    project,
    where,
)

from kaplan.coach.check import RULE_CODES, check_plan
from kaplan.coach.rules import RULES, coaching_findings
from kaplan.config import Config, Workspace
from kaplan.plan.load import load_plan
from kaplan.plan.yaml12 import read_yaml

HEALTHY = Path(__file__).with_name("healthy_v1_1.yaml")
V2_CODES = (
    "decision-date-passed",
    "cold-economic-buyer",
    "unmet-approver",
    "unhandled-opponent",
    "budget-unknown-late",
    "losing-key-criterion",
    "lead-time-conflict",
    "contract-expiring",
    "decision-step-overdue",
    "objective-off-track",
    "meeting-unprepared",
    "open-complaint",
)
RIVAL_AHEAD = [{"competitor": "rival", "position": "ahead"}]
SKEPTIC_SUN = {**SUN, "support": "skeptic", "influence": "medium"}
SUN_IN_TEAM = [ECON, CHAMP, {"person": "sun-cfo", "roles": ["procurement"]}]


def timeline(**dates: int) -> dict[str, str]:
    """A timeline with each date ``n`` days after TODAY."""
    return {key: ago(-days) for key, days in dates.items()}


def step(name: str, by: int | None, **more: Any) -> dict[str, Any]:
    """A decision step due ``by`` days after TODAY."""
    out: dict[str, Any] = {"step": name, **more}
    if by is not None:
        out["by"] = ago(-by)
    return out


def contract(end: int, **more: Any) -> dict[str, Any]:
    """The supply contract, ending ``end`` days after TODAY."""
    return {"id": "k-supply", "name": "Pump supply 2026", "kind": "supply", "end": ago(-end), **more}


def objective(**more: Any) -> dict[str, Any]:
    return {"id": "o-share", "statement": "Raise our share of wallet to 30%", **more}


def meeting(on: int, **more: Any) -> dict[str, Any]:
    """A meeting ``on`` days after TODAY."""
    return {"id": "m-review", "on": ago(-on), "title": "Line upgrade review", **more}


PREPARED = {
    "objective": "Agree the trial",
    "commitment": {"best": "Sign the trial order", "minimum": "A date"},
}


def complaint(age: int, kind: str = "complaint", **more: Any) -> dict[str, Any]:
    """A log entry ``age`` days before TODAY."""
    return {"on": ago(age), "kind": kind, "summary": "Seal leak on pump 3", "people": ["qian-cto"], **more}


RENEWED = {"id": "p-renew", "name": "Supply renewal 2027", "stage": 8}


FIRES_V2: list[Case] = [
    # --- decision-date-passed ---
    Case(
        "decision-date-passed",
        "decide-by-yesterday",
        {"projects": project(timeline=timeline(decide_by=-1))},
        "decide_by:",
        value=True,
    ),
    Case(
        "decision-date-passed",
        "sign-by-yesterday",
        {"projects": project(timeline=timeline(decide_by=5, sign_by=-1))},
        "sign_by:",
        value=True,
    ),
    Case(
        "decision-date-passed",
        "both-passed-one-finding",
        {"projects": project(timeline=timeline(decide_by=-20, sign_by=-5))},
        "decide_by:",
        value=True,
    ),
    # --- cold-economic-buyer ---
    Case(
        "cold-economic-buyer",
        "decide-in-30-contact-31-days-ago",
        {
            "people": people(zhao={"last_contact": ago(31)}),
            "projects": project(timeline=timeline(decide_by=30)),
        },
        "person: zhao-gm",
        value=True,
    ),
    Case(
        "cold-economic-buyer",
        "decide-today-coverage-brief",
        {"people": people(zhao={"coverage": "brief"}), "projects": project(timeline=timeline(decide_by=0))},
        "person: zhao-gm",
        value=True,
    ),
    Case(
        "cold-economic-buyer",
        "no-contact-at-all",
        {"people": people(zhao={"last_contact": None}), "projects": project(timeline=timeline(decide_by=10))},
        "person: zhao-gm",
        value=True,
    ),
    Case(
        "cold-economic-buyer",
        "one-hit-per-cold-economic-buyer",
        {
            "people": people(qian={"last_contact": ago(40)}),
            "projects": project(
                timeline=timeline(decide_by=10),
                buying_team=[ECON, champ(roles=["champion", "economic_buyer"])],
            ),
        },
        "person: qian-cto",
        value=True,
    ),
    # --- unmet-approver ---
    Case(
        "unmet-approver",
        "approver-coverage-none",
        {
            "people": people(None, None, {**SUN, "coverage": "none"}),
            "projects": project(paper_process={"approvals": ["sun-cfo"]}),
        },
        "coverage:",
        after="id: sun-cfo",
    ),
    Case(
        "unmet-approver",
        "step-owner-coverage-default",
        {
            "people": people(None, None, SUN),
            "projects": project(decision_process=[step("Budget sign-off", 20, owner="sun-cfo")]),
        },
        "name:",
        after="id: sun-cfo",
    ),
    # --- unhandled-opponent ---
    Case(
        "unhandled-opponent",
        "skeptic-medium",
        {"people": people(None, None, SKEPTIC_SUN), "projects": project(buying_team=SUN_IN_TEAM)},
        "person: sun-cfo",
        value=True,
    ),
    Case(
        "unhandled-opponent",
        "opponent-high",
        {"people": people(qian={"support": "opponent"})},
        "person: qian-cto",
        value=True,
    ),
    Case(
        "unhandled-opponent",
        "only-a-done-action-names-them",
        {
            "people": people(None, None, SKEPTIC_SUN),
            "projects": project(buying_team=SUN_IN_TEAM),
            "actions": [ACTION, {"id": "a-sun", "what": "Call Sun", "status": "done", "person": "sun-cfo"}],
        },
        "person: sun-cfo",
        after="buying_team:",
        value=True,
    ),
    # --- budget-unknown-late ---
    Case(
        "budget-unknown-late",
        "stage-5-no-budget",
        {"projects": project(stage=5)},
        "stage:",
        after="id: p-line",
    ),
    Case(
        "budget-unknown-late",
        "stage-5-status-unknown",
        {"projects": project(stage=5, budget={"amount": 1000000, "status": "unknown"})},
        "status:",
        after="budget:",
    ),
    Case(
        "budget-unknown-late",
        "stage-8-status-default",
        {"projects": project(stage=8, budget={"amount": 1000000})},
        "budget:",
    ),
    # --- losing-key-criterion ---
    Case(
        "losing-key-criterion",
        "weight-0.3-rank-2",
        {
            "projects": project(
                criteria=[{"criterion": "Price", "weight": 0.3, "our_rank": 2}, PROJECT["criteria"][0]],
                competition=RIVAL_AHEAD,
            )
        },
        "our_rank:",
        value=True,
    ),
    Case(
        "losing-key-criterion",
        "shaped-false-written",
        {
            "projects": project(
                criteria=[{"criterion": "Uptime", "weight": 0.5, "our_rank": 3, "shaped_by_us": False}],
                competition=[{"competitor": "rival", "position": "behind"}, *RIVAL_AHEAD],
            )
        },
        "our_rank:",
        value=True,
    ),
    # --- lead-time-conflict ---
    Case(
        "lead-time-conflict",
        "sign-by-lands-one-day-late",
        {"projects": project(lead_time_weeks=4, timeline=timeline(sign_by=10, need_by=37))},
        "lead_time_weeks:",
        value=True,
    ),
    Case(
        "lead-time-conflict",
        "decide-by-when-no-sign-by",
        {"projects": project(lead_time_weeks=4, timeline=timeline(decide_by=10, need_by=37))},
        "lead_time_weeks:",
        value=True,
    ),
    Case(
        "lead-time-conflict",
        "sign-by-wins-over-decide-by",
        {"projects": project(lead_time_weeks=4, timeline=timeline(decide_by=5, sign_by=13, need_by=40))},
        "lead_time_weeks:",
        value=True,
    ),
    # --- contract-expiring ---
    Case("contract-expiring", "ends-in-120-days", {"contracts": [contract(120)]}, "end:", value=True),
    Case("contract-expiring", "ends-today", {"contracts": [contract(0)]}, "end:", value=True),
    Case(
        "contract-expiring",
        "renewal-won",
        {
            "projects": [PROJECT, {**RENEWED, "outcome": "won"}],
            "contracts": [contract(30, renewal="p-renew")],
        },
        "renewal:",
        value=True,
    ),
    Case(
        "contract-expiring",
        "renewal-lost",
        {
            "projects": [PROJECT, {**RENEWED, "outcome": "lost"}],
            "contracts": [contract(30, renewal="p-renew")],
        },
        "renewal:",
        value=True,
    ),
    # --- decision-step-overdue ---
    Case(
        "decision-step-overdue",
        "due-yesterday",
        {"projects": project(decision_process=[step("Technical review", -1)])},
        "by:",
        after="step: Technical review",
        value=True,
    ),
    Case(
        "decision-step-overdue",
        "planned-written",
        {
            "projects": project(
                decision_process=[
                    step("Trial", -30, status="done"),
                    step("Technical review", -2, status="planned"),
                ]
            )
        },
        "by:",
        after="step: Technical review",
        value=True,
    ),
    # --- objective-off-track ---
    Case(
        "objective-off-track",
        "at-risk",
        {"objectives": [objective(status="at_risk")]},
        "status:",
        after="id: o-share",
        value=True,
    ),
    Case(
        "objective-off-track",
        "off-track",
        {"objectives": [objective(status="off_track")]},
        "status:",
        after="id: o-share",
        value=True,
    ),
    Case(
        "objective-off-track",
        "on-track-due-yesterday",
        {"objectives": [objective(due=ago(1))]},
        "due:",
        after="id: o-share",
        value=True,
    ),
    Case(
        "objective-off-track",
        "only-a-done-action-names-it",
        {
            "objectives": [objective(status="at_risk")],
            "actions": [merge(ACTION, {"objective": "o-share", "status": "done"})],
        },
        "status:",
        after="id: o-share",
        value=True,
    ),
    # --- meeting-unprepared ---
    Case(
        "meeting-unprepared",
        "in-7-days-no-objective",
        {"meetings": [meeting(7)]},
        "'on':",  # PyYAML quotes the key `on`, a boolean in YAML 1.1
        after="id: m-review",
    ),
    Case(
        "meeting-unprepared",
        "today-no-commitment",
        {"meetings": [meeting(0, objective="Agree the trial")]},
        "'on':",  # PyYAML quotes the key `on`, a boolean in YAML 1.1
        after="id: m-review",
    ),
    Case(
        "meeting-unprepared",
        "commitment-without-best",
        {"meetings": [meeting(3, objective="Agree the trial", commitment={"minimum": "A date"})]},
        "commitment:",
    ),
    # --- open-complaint ---
    Case("open-complaint", "31-days-default-open", {"log": [complaint(31)]}, "kind: complaint", value=True),
    Case(
        "open-complaint",
        "claim-status-open",
        {"log": [complaint(90, "claim", value=50000, status="open")]},
        "status: open",
        value=True,
    ),
]

MISSES_V2: list[Case] = [
    Case("decision-date-passed", "decide-by-today", {"projects": project(timeline=timeline(decide_by=0))}),
    Case("decision-date-passed", "sign-by-today", {"projects": project(timeline=timeline(sign_by=0))}),
    Case(
        "decision-date-passed", "need-by-passed-only", {"projects": project(timeline=timeline(need_by=-10))}
    ),
    Case(
        "decision-date-passed",
        "lost",
        {"projects": project(outcome="lost", timeline=timeline(decide_by=-10))},
    ),
    Case(
        "cold-economic-buyer",
        "decide-in-31-days",
        {
            "people": people(zhao={"last_contact": ago(31)}),
            "projects": project(timeline=timeline(decide_by=31)),
        },
    ),
    Case(
        "cold-economic-buyer",
        "contact-30-days-ago",
        {
            "people": people(zhao={"last_contact": ago(30)}),
            "projects": project(timeline=timeline(decide_by=10)),
        },
    ),
    Case(
        "cold-economic-buyer",
        "decide-by-passed",
        {"people": people(zhao={"last_contact": None}), "projects": project(timeline=timeline(decide_by=-1))},
    ),
    Case(
        "cold-economic-buyer",
        "a-logged-visit-warms-them",
        {
            "people": people(zhao={"last_contact": ago(45)}),
            "projects": project(timeline=timeline(decide_by=10)),
            "log": [{"on": ago(5), "kind": "visit", "summary": "Plant visit", "people": ["zhao-gm"]}],
        },
    ),
    Case(
        "cold-economic-buyer",
        "cold-champion-is-no-economic-buyer",
        {
            "people": people(qian={"last_contact": ago(60)}),
            "projects": project(timeline=timeline(decide_by=10)),
        },
    ),
    Case(
        "cold-economic-buyer",
        "won",
        {
            "people": people(zhao={"last_contact": None}),
            "projects": project(outcome="won", timeline=timeline(decide_by=10)),
        },
    ),
    Case(
        "unmet-approver",
        "coverage-brief",
        {
            "people": people(None, None, {**SUN, "coverage": "brief"}),
            "projects": project(paper_process={"approvals": ["sun-cfo"]}),
        },
    ),
    Case("unmet-approver", "not-in-the-process", {"people": people(None, None, SUN)}),
    Case(
        "unmet-approver",
        "won",
        {
            "people": people(None, None, SUN),
            "projects": project(outcome="won", paper_process={"approvals": ["sun-cfo"]}),
        },
    ),
    Case(
        "unhandled-opponent",
        "named-by-a-crux",
        {
            "people": people(None, None, SKEPTIC_SUN),
            "projects": project(buying_team=SUN_IN_TEAM),
            "cruxes": [
                CRUX,
                {"id": "c-sun", "kind": "person", "statement": "Sun fears", "refs": ["sun-cfo"]},
            ],
        },
    ),
    Case(
        "unhandled-opponent",
        "named-by-an-open-action",
        {
            "people": people(None, None, SKEPTIC_SUN),
            "projects": project(buying_team=SUN_IN_TEAM),
            "actions": [ACTION, {"id": "a-sun", "what": "Call Sun", "person": "sun-cfo"}],
        },
    ),
    Case(
        "unhandled-opponent",
        "low-influence",
        {
            "people": people(None, None, {**SKEPTIC_SUN, "influence": "low"}),
            "projects": project(buying_team=SUN_IN_TEAM),
        },
    ),
    Case(
        "unhandled-opponent",
        "neutral",
        {
            "people": people(None, None, {**SKEPTIC_SUN, "support": "neutral"}),
            "projects": project(buying_team=SUN_IN_TEAM),
        },
    ),
    Case("unhandled-opponent", "outside-the-team", {"people": people(None, None, SKEPTIC_SUN)}),
    Case(
        "unhandled-opponent",
        "won",
        {"people": people(qian={"support": "opponent"}), "projects": project(outcome="won")},
    ),
    Case("budget-unknown-late", "stage-4-no-budget", {"projects": project(stage=4)}),
    Case("budget-unknown-late", "requested", {"projects": project(stage=5, budget={"status": "requested"})}),
    Case("budget-unknown-late", "approved", {"projects": project(stage=7, budget={"status": "approved"})}),
    Case("budget-unknown-late", "won", {"projects": project(stage=8, outcome="won")}),
    Case(
        "losing-key-criterion",
        "weight-0.29",
        {
            "projects": project(
                criteria=[{"criterion": "Price", "weight": 0.29, "our_rank": 2}], competition=RIVAL_AHEAD
            )
        },
    ),
    Case(
        "losing-key-criterion",
        "rank-1",
        {
            "projects": project(
                criteria=[{"criterion": "Price", "weight": 0.5, "our_rank": 1}], competition=RIVAL_AHEAD
            )
        },
    ),
    Case(
        "losing-key-criterion",
        "no-rank",
        {"projects": project(criteria=[{"criterion": "Price", "weight": 0.5}], competition=RIVAL_AHEAD)},
    ),
    Case(
        "losing-key-criterion",
        "shaped-by-us",
        {
            "projects": project(
                criteria=[{"criterion": "Price", "weight": 0.5, "our_rank": 2, "shaped_by_us": True}],
                competition=RIVAL_AHEAD,
            )
        },
    ),
    Case(
        "losing-key-criterion",
        "rival-even",
        {
            "projects": project(
                criteria=[{"criterion": "Price", "weight": 0.5, "our_rank": 2}],
                competition=[{"competitor": "rival", "position": "even"}],
            )
        },
    ),
    Case(
        "losing-key-criterion",
        "won",
        {
            "projects": project(
                outcome="won",
                criteria=[{"criterion": "Price", "weight": 0.5, "our_rank": 2}],
                competition=RIVAL_AHEAD,
            )
        },
    ),
    Case(
        "lead-time-conflict",
        "lands-exactly-on-need-by",
        {"projects": project(lead_time_weeks=4, timeline=timeline(sign_by=10, need_by=38))},
    ),
    Case(
        "lead-time-conflict",
        "sign-by-wins-and-lands-on-need-by",
        {"projects": project(lead_time_weeks=4, timeline=timeline(decide_by=13, sign_by=12, need_by=40))},
    ),
    Case(
        "lead-time-conflict", "no-lead-time", {"projects": project(timeline=timeline(sign_by=10, need_by=11))}
    ),
    Case(
        "lead-time-conflict",
        "no-need-by",
        {"projects": project(lead_time_weeks=40, timeline=timeline(sign_by=10))},
    ),
    Case(
        "lead-time-conflict",
        "no-dates",
        {"projects": project(lead_time_weeks=40, timeline=timeline(need_by=1))},
    ),
    Case(
        "lead-time-conflict",
        "won",
        {"projects": project(outcome="won", lead_time_weeks=4, timeline=timeline(sign_by=10, need_by=11))},
    ),
    Case("contract-expiring", "ends-in-121-days", {"contracts": [contract(121)]}),
    Case("contract-expiring", "ended-yesterday", {"contracts": [contract(-1)]}),
    Case(
        "contract-expiring",
        "renewal-open",
        {"projects": [PROJECT, {**RENEWED, "stage": 3}], "contracts": [contract(30, renewal="p-renew")]},
    ),
    Case(
        "decision-step-overdue",
        "due-today",
        {"projects": project(decision_process=[step("Technical review", 0)])},
    ),
    Case(
        "decision-step-overdue",
        "done",
        {"projects": project(decision_process=[step("Technical review", -5, status="done")])},
    ),
    Case(
        "decision-step-overdue",
        "slipped",
        {"projects": project(decision_process=[step("Technical review", -5, status="slipped")])},
    ),
    Case(
        "decision-step-overdue",
        "no-by",
        {"projects": project(decision_process=[step("Technical review", None)])},
    ),
    Case(
        "decision-step-overdue",
        "won",
        {"projects": project(outcome="won", decision_process=[step("Technical review", -5)])},
    ),
    Case(
        "objective-off-track",
        "at-risk-with-an-open-action",
        {"objectives": [objective(status="at_risk")], "actions": [merge(ACTION, {"objective": "o-share"})]},
    ),
    Case("objective-off-track", "due-today", {"objectives": [objective(due=ago(0))]}),
    Case("objective-off-track", "done-long-ago", {"objectives": [objective(status="done", due=ago(100))]}),
    Case("objective-off-track", "dropped", {"objectives": [objective(status="dropped", due=ago(100))]}),
    Case("objective-off-track", "on-track-no-due", {"objectives": [objective()]}),
    Case("meeting-unprepared", "in-8-days", {"meetings": [meeting(8)]}),
    Case("meeting-unprepared", "yesterday", {"meetings": [meeting(-1)]}),
    Case("meeting-unprepared", "prepared", {"meetings": [meeting(3, **PREPARED)]}),
    Case("open-complaint", "30-days", {"log": [complaint(30)]}),
    Case("open-complaint", "closed", {"log": [complaint(90, status="closed")]}),
    Case("open-complaint", "a-visit", {"log": [complaint(90, "visit")]}),
]

# Per rule: a piece of its English and Chinese message, for the rule's first case in FIRES_V2.
MESSAGES_V2 = {
    "decision-date-passed": (
        f"the decision date of “Line upgrade” ({ago(1)}) passed 1 day ago",
        f"“Line upgrade”的决策日期（{ago(1)}）已过去 1 天",
    ),
    "cold-economic-buyer": (
        f"“Line upgrade” is decided in 30 days ({ago(-30)}) and its economic buyer Zhao Gang is cold",
        f"“Line upgrade”还有 30 天就要决策（{ago(-30)}），经济决策者Zhao Gang却很生疏",
    ),
    "unmet-approver": ("Sun Li approves the paper of “Line upgrade”", "Sun Li审批“Line upgrade”的合同"),
    "unhandled-opponent": (
        "Sun Li (medium influence) is a skeptic",
        "Sun Li在“Line upgrade”的采购小组里持怀疑态度",
    ),
    "budget-unknown-late": ("stage 5 and no budget recorded", "已到第 5 阶段，没有记录预算"),
    "losing-key-criterion": (
        "Rival Co is ahead in “Line upgrade” and we rank 2 on “Price” (weight 0.3)",
        "Rival Co在“Line upgrade”中领先，而在关键标准“Price”（权重 0.3）上我们只排第 2",
    ),
    "lead-time-conflict": (
        f"“Line upgrade” is delivered on {ago(-38)}, 1 day after the customer needs it ({ago(-37)})",
        f"比客户需要的日期（{ago(-37)}）晚 1 天",
    ),
    "contract-expiring": (
        f"the contract “Pump supply 2026” ends in 120 days ({ago(-120)}) and no renewal project is planned",
        f"合同“Pump supply 2026”还有 120 天到期（{ago(-120)}），却还没有续约项目",
    ),
    "decision-step-overdue": (
        "the step “Technical review” of “Line upgrade” was due 1 day ago",
        "“Line upgrade”的“Technical review”环节原定",
    ),
    "objective-off-track": (
        "the objective “Raise our share of wallet to 30%” is at risk and no open action moves it",
        "目标“Raise our share of wallet to 30%”有风险，却没有任何未完成的行动在推动它",
    ),
    "meeting-unprepared": (
        f"“Line upgrade review” is in 7 days ({ago(-7)}) and has no objective and no best commitment",
        "既没有会议目标，也没有最佳承诺",
    ),
    "open-complaint": (
        f"the complaint of {ago(31)} (“Seal leak on pump 3”) has been open 31 days: settle it with Qian Wei",
        f"{ago(31)} 的投诉（“Seal leak on pump 3”）已挂了 31 天：尽快与Qian Wei解决",
    ),
}
FIRST_V2 = {code: next(c for c in FIRES_V2 if c.code == code) for code in V2_CODES}


def _id(case: Case) -> str:
    return f"{case.code}:{case.name}"


# --- the registry ---------------------------------------------------------------------------------
def test_v1_and_v2_cases_cover_every_rule() -> None:
    assert set(V2_CODES) <= set(RULES)
    assert {c.code for c in FIRES} | {c.code for c in FIRES_V2} == set(RULES)
    assert {c.code for c in MISSES} | {c.code for c in MISSES_V2} == set(RULES)
    assert {c.code for c in FIRES_V2} == {c.code for c in MISSES_V2} == set(MESSAGES_V2) == set(V2_CODES)


def test_v2_rules_have_their_spec_severity_meaning_and_source() -> None:
    for code in V2_CODES:
        r = RULES[code]
        assert r.severity == SPEC_SEVERITY[code]
        assert r.meaning.strip()
        assert r.source.strip()


@pytest.mark.parametrize(
    ("code", "piece"),
    [
        ("cold-economic-buyer", "0–30 days after today"),
        ("losing-key-criterion", "weight ≥ 0.3"),
        ("contract-expiring", "0–120 days after today"),
        ("meeting-unprepared", "0–7 days after today"),
        ("single-threaded", "stage ≥ 3"),
        ("stalled-project", "more than 180 days after today"),
        ("stale-contact", "last contact is older than 60 days"),
        ("gift-risk", "whole words only"),
    ],
)
def test_meaning_says_what_the_spec_says(code: str, piece: str) -> None:
    assert piece in RULES[code].meaning


# --- each rule fires at its trigger, at the right place; stays silent at its boundary -----------------
@pytest.mark.parametrize("case", FIRES_V2, ids=_id)
def test_rule_fires(case: Case, make_plan, write_plan) -> None:
    text = dump(make_plan(**case.overrides))
    hits = coded(coach(write_plan, text), case.code)
    assert len(hits) == case.count, [f.text() for f in hits]
    for f in hits:
        assert f.severity == SPEC_SEVERITY[case.code]
        assert (f.line, f.column) == where(text, case.marker, after=case.after, value=case.value), f.text()


@pytest.mark.parametrize("case", MISSES_V2, ids=_id)
def test_rule_near_miss(case: Case, make_plan, write_plan) -> None:
    assert coded(coach(write_plan, dump(make_plan(**case.overrides))), case.code) == []


@pytest.mark.parametrize("code", V2_CODES)
@pytest.mark.parametrize("locale", ["en", "zh"])
def test_message_in_plan_locale(code: str, locale: str, make_plan, write_plan) -> None:
    data = make_plan(**FIRST_V2[code].overrides)
    data["plan"]["locale"] = locale
    (hit,) = coded(coach(write_plan, dump(data)), code)
    en, zh = MESSAGES_V2[code]
    assert (en if locale == "en" else zh) in hit.message, hit.message
    assert (zh if locale == "en" else en) not in hit.message


# --- boundaries spelled out ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("decide_in", "contact_ago", "fires"),
    [(0, 31, True), (30, 31, True), (31, 31, False), (-1, 31, False), (10, 30, False), (10, 31, True)],
)
def test_cold_economic_buyer_window(
    decide_in: int, contact_ago: int, fires: bool, make_plan, write_plan
) -> None:
    data = make_plan(
        people=people(zhao={"last_contact": ago(contact_ago)}),
        projects=project(timeline=timeline(decide_by=decide_in)),
    )
    assert bool(coded(coach(write_plan, dump(data)), "cold-economic-buyer")) is fires


def test_cold_economic_buyer_reads_the_log_and_is_an_error(make_plan, write_plan) -> None:
    logged = {"on": ago(31), "kind": "call", "summary": "Call", "people": ["zhao-gm"]}
    data = make_plan(
        people=people(zhao={"last_contact": None}),
        projects=project(timeline=timeline(decide_by=5)),
        log=[logged],
    )
    (hit,) = coded(coach(write_plan, dump(data)), "cold-economic-buyer")
    assert hit.severity == "error"
    assert f"the last contact was 31 days ago, on {ago(31)}" in hit.message
    assert hit.project == "p-line"
    data["log"] = [{**logged, "on": ago(30)}]
    assert coded(coach(write_plan, dump(data)), "cold-economic-buyer") == []


@pytest.mark.parametrize(("weight", "fires"), [(0.29, False), (0.3, True), (0.31, True), (1.0, True)])
def test_losing_key_criterion_weight(weight: float, fires: bool, make_plan, write_plan) -> None:
    data = make_plan(
        projects=project(
            criteria=[{"criterion": "Price", "weight": weight, "our_rank": 2}], competition=RIVAL_AHEAD
        )
    )
    assert bool(coded(coach(write_plan, dump(data)), "losing-key-criterion")) is fires


@pytest.mark.parametrize(("need_by", "fires"), [(37, True), (38, False), (39, False)])
def test_lead_time_lands_on_need_by(need_by: int, fires: bool, make_plan, write_plan) -> None:
    # Signed in 10 days, 4 weeks of lead time: delivered 38 days after today.
    data = make_plan(projects=project(lead_time_weeks=4, timeline=timeline(sign_by=10, need_by=need_by)))
    assert bool(coded(coach(write_plan, dump(data)), "lead-time-conflict")) is fires


@pytest.mark.parametrize(("end", "fires"), [(-1, False), (0, True), (120, True), (121, False)])
def test_contract_expiring_window(end: int, fires: bool, make_plan, write_plan) -> None:
    data = make_plan(contracts=[contract(end)])
    assert bool(coded(coach(write_plan, dump(data)), "contract-expiring")) is fires


@pytest.mark.parametrize(("on", "fires"), [(-1, False), (0, True), (7, True), (8, False)])
def test_meeting_unprepared_window(on: int, fires: bool, make_plan, write_plan) -> None:
    data = make_plan(meetings=[meeting(on, objective="Agree the trial")])
    assert bool(coded(coach(write_plan, dump(data)), "meeting-unprepared")) is fires


@pytest.mark.parametrize(("by", "fires"), [(-1, True), (0, False), (1, False)])
def test_decision_step_due_before_today(by: int, fires: bool, make_plan, write_plan) -> None:
    data = make_plan(projects=project(decision_process=[step("Technical review", by)]))
    assert bool(coded(coach(write_plan, dump(data)), "decision-step-overdue")) is fires


@pytest.mark.parametrize(("due", "fires"), [(-1, False), (0, False), (1, True)])
def test_objective_due_before_today(due: int, fires: bool, make_plan, write_plan) -> None:
    data = make_plan(objectives=[objective(due=ago(due))])
    assert bool(coded(coach(write_plan, dump(data)), "objective-off-track")) is fires


@pytest.mark.parametrize(("age", "fires"), [(0, False), (30, False), (31, True)])
def test_open_complaint_age(age: int, fires: bool, make_plan, write_plan) -> None:
    data = make_plan(log=[complaint(age)])
    assert bool(coded(coach(write_plan, dump(data)), "open-complaint")) is fires


@pytest.mark.parametrize(("decide_in", "fires"), [(0, False), (-1, True)])
def test_decision_date_before_today(decide_in: int, fires: bool, make_plan, write_plan) -> None:
    data = make_plan(projects=project(timeline=timeline(decide_by=decide_in)))
    assert bool(coded(coach(write_plan, dump(data)), "decision-date-passed")) is fires


@pytest.mark.parametrize(("stage", "fires"), [(4, False), (5, True), (8, True)])
def test_budget_unknown_from_stage_5(stage: int, fires: bool, make_plan, write_plan) -> None:
    data = make_plan(projects=project(stage=stage))
    assert bool(coded(coach(write_plan, dump(data)), "budget-unknown-late")) is fires


# --- the project a finding is about --------------------------------------------------------------------
def test_findings_outside_projects_carry_their_project(make_plan, write_plan) -> None:
    data = make_plan(
        people=people(None, None, SUN),
        projects=[PROJECT, {**RENEWED, "outcome": "lost"}],
        contracts=[contract(30, renewal="p-renew"), merge(contract(60), {"id": "k-other"})],
        meetings=[meeting(2, project="p-line")],
        log=[complaint(40, project="p-line")],
    )
    data["projects"][0] = merge(PROJECT, {"paper_process": {"approvals": ["sun-cfo"]}})
    got = {(f.code, f.path, f.project) for f in coach(write_plan, dump(data)) if f.code in V2_CODES}
    assert got == {
        ("unmet-approver", "people[2].name", "p-line"),
        ("contract-expiring", "contracts[0].renewal", "p-renew"),
        ("contract-expiring", "contracts[1].end", None),
        ("meeting-unprepared", "meetings[0].on", "p-line"),
        ("open-complaint", "log[0].kind", "p-line"),
    }


def test_unmet_approver_once_per_person_naming_each_role(make_plan, write_plan) -> None:
    second = merge(
        PROJECT,
        {"id": "p-two", "name": "Second line", "decision_process": [step("Budget", 9, owner="sun-cfo")]},
    )
    first = merge(PROJECT, {"paper_process": {"approvals": ["sun-cfo"]}})
    data = make_plan(people=people(None, None, SUN), projects=[first, second])
    (hit,) = coded(coach(write_plan, dump(data)), "unmet-approver")
    assert hit.project == "p-line"
    assert "approves the paper of “Line upgrade”; owns the step “Budget” of “Second line”" in hit.message


# --- changed rules: the old false alarms stay silent ----------------------------------------------------
def test_single_threaded_is_silent_before_stage_3(make_plan, write_plan) -> None:
    data = make_plan(projects=project(stage=1, buying_team=None, criteria=None))
    assert coded(coach(write_plan, dump(data)), "single-threaded") == []
    data = make_plan(projects=project(stage=3, buying_team=None))
    assert coded(coach(write_plan, dump(data)), "single-threaded")


@pytest.mark.parametrize(
    ("need_in", "fires"), [(None, True), (100, True), (180, True), (181, False), (400, False)]
)
def test_stalled_project_waits_for_a_far_need_by(
    need_in: int | None, fires: bool, make_plan, write_plan
) -> None:
    changes: dict[str, Any] = {"stage_since": ago(120)}
    if need_in is not None:
        changes["timeline"] = timeline(need_by=need_in)
    data = make_plan(projects=project(**changes))
    assert bool(coded(coach(write_plan, dump(data)), "stalled-project")) is fires


@pytest.mark.parametrize(
    "text",
    [
        "Show how the upgrade will improve cash flow",
        "Send the cash-flow forecast",
        "Present the Cash Flow model to the CFO",
        "Agree favorable payment terms",
        "Review the cashflow plan",
        "The trial results speak in our favour",
        "报价礼品包装用白卡纸",
        "给客户送礼品包装样品",
        "Quote gift packaging board",
        "Ask whether the gifted engineer joins the trial",
    ],
)
def test_gift_risk_benign_phrases_do_not_fire(text: str, make_plan, write_plan) -> None:
    data = make_plan(actions=[merge(ACTION, {"what": text})])
    assert coded(coach(write_plan, dump(data)), "gift-risk") == []


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("Bring cash for the visit", "cash"),
        ("A gift for the plant manager", "gift"),
        ("准备礼品", "礼品"),
        ("中秋送礼", "送礼"),
        ("A GIFT for Zhao", "GIFT"),
        ("Do Zhao a favour", "favour"),
        ("Improve cash flow, then offer cash", "cash"),
        ("报价礼品包装用白卡纸，另备礼品", "礼品"),
    ],
)
def test_gift_risk_still_fires_on_real_gifts(text: str, word: str, make_plan, write_plan) -> None:
    data = make_plan(actions=[merge(ACTION, {"what": text})])
    (hit,) = coded(coach(write_plan, dump(data)), "gift-risk")
    assert f"'{word}'" in hit.message


def test_gift_risk_in_a_personal_need(make_plan, write_plan) -> None:
    need = {"id": "n-pay", "statement": "Better cash flow at home", "kind": "personal", "holder": "zhao-gm"}
    data = make_plan(needs=[{**need, "evidence": "Asked about gift cards"}])
    text = dump(data)
    (hit,) = coded(coach(write_plan, text), "gift-risk")
    assert (hit.line, hit.column) == where(text, "evidence:", value=True)


# --- stale-contact reads the log ---------------------------------------------------------------------
def test_stale_contact_a_logged_call_counts(make_plan, write_plan) -> None:
    logged = {"on": ago(10), "kind": "call", "summary": "Call", "people": ["zhao-gm"]}
    data = make_plan(people=people(zhao={"last_contact": ago(90)}), log=[logged])
    assert coded(coach(write_plan, dump(data)), "stale-contact") == []


def test_stale_contact_says_when_from_the_log(make_plan, write_plan) -> None:
    logged = {"on": ago(61), "kind": "visit", "summary": "Visit", "people": ["zhao-gm"]}
    data = make_plan(people=people(zhao={"last_contact": None}), log=[logged])
    text = dump(data)
    (hit,) = coded(coach(write_plan, text), "stale-contact")
    assert f"last contact with Zhao Gang was 61 days ago, on {ago(61)}" in hit.message
    assert (hit.line, hit.column) == where(text, "influence:", after="id: zhao-gm")
    data["plan"]["locale"] = "zh"
    (hit,) = coded(coach(write_plan, dump(data)), "stale-contact")
    assert f"上次与Zhao Gang接触已是 61 天前（{ago(61)}）" in hit.message


# --- messages: names, never ids; no gendered pronoun ---------------------------------------------------
XU = {
    "id": "xu-lihong",
    "name": "徐立红",
    "title": "采购总监",
    "influence": "high",
    "support": "skeptic",
    "coverage": "none",
}
PEOPLE_RULES = {
    "opponent-buyer",
    "weak-champion",
    "left-in-team",
    "unknown-win",
    "uncovered-influencer",
    "stale-contact",
    "personal-no-basis",
    "cold-economic-buyer",
    "unmet-approver",
    "unhandled-opponent",
    "decision-step-overdue",
}


def _xu_plans(make_plan) -> list[dict[str, Any]]:
    """Two Chinese plans in which 徐立红 sets off every rule about a person."""
    active = make_plan(
        plan={"locale": "zh"},
        people=people(None, None, XU),
        projects=project(
            timeline=timeline(decide_by=10),
            buying_team=[{"person": "xu-lihong", "roles": ["economic_buyer"]}, CHAMP],
            paper_process={"approvals": ["xu-lihong"]},
            decision_process=[step("技术评审", -3, owner="xu-lihong")],
        ),
        cruxes=None,
    )
    left = make_plan(
        plan={"locale": "zh"},
        people=people(
            None, None, {**XU, "status": "left", "influence": "low", "personal": {"family": "两个孩子"}}
        ),
        projects=project(buying_team=[ECON, {"person": "xu-lihong", "roles": ["champion"]}]),
    )
    return [active, left]


def test_chinese_messages_about_people_name_them_without_a_pronoun(make_plan, write_plan) -> None:
    seen: set[str] = set()
    for data in _xu_plans(make_plan):
        for f in coach(write_plan, dump(data)):
            assert not re.search("[他她]", f.message), f.text()
            assert "xu-lihong" not in f.message, f.text()
            if f.code in PEOPLE_RULES:
                seen.add(f.code)
                assert "徐立红" in f.message, f.text()
    assert seen == PEOPLE_RULES


_PRONOUN_EN = re.compile(r"\b(he|she|his|her|hers|him|himself|herself)\b", re.IGNORECASE)


@pytest.mark.parametrize("locale", ["en", "zh"])
def test_no_message_has_a_gendered_pronoun(locale: str, make_plan, write_plan) -> None:
    for case in [*FIRES, *FIRES_V2]:
        data = make_plan(**case.overrides)
        data.setdefault("plan", {})["locale"] = locale
        for f in coach(write_plan, dump(data)):
            if locale == "zh":
                assert not re.search("[他她]", f.message), f.text()
            else:
                assert not _PRONOUN_EN.search(f.message), f.text()


# --- a healthy format-1.1 plan -------------------------------------------------------------------------
# Every key of plan-format-1.1.md, as a path into the plan ("[]": in some item of the list).
KEYS_1_1 = {
    "": "partner_summary",
    "account.units[]": "id name kind parent location in_scope notes",
    "account.shareholders[]": "name share",
    "account.purchasing_calendar[]": "what months notes",
    "account.terms": "payment delivery pricing",
    "partnership.level": "now target by",
    "partnership.wallet": "ours total as_of",
    "partnership": "strengths vulnerabilities",
    "people[]": "unit owner account_role sees_us_at phone email",
    "people[].source": "kind by on confidence",
    "competitors[]": "pricing source",
    "needs[]": "source",
    "installed_base[]": "unit contract",
    "projects[]": "unit probability compelling_event lead_time_weeks loss_reason",
    "projects[].metrics[]": "kpi baseline target",
    "projects[].decision_process[]": "step owner by status",
    "objectives[]": "id statement kind due owner status projects share",
    "objectives[].measure": "unit baseline target current as_of",
    "whitespace[]": "unit offering state competitor project potential notes",
    "contracts[]": "id name kind start end value notice_days renewal unit notes waive",
    "meetings[]": "id on title attendees ours project objective questions outcome share",
    "meetings[].commitment": "best minimum",
    "log[]": "on kind summary people by project value status",
    "risks[]": "id statement likelihood impact mitigation owner project",
    "actions[]": "objective meeting share",
}


def _has(node: Any, parts: list[str]) -> bool:
    if not parts:
        return True
    key, rest = parts[0], parts[1:]
    if key.endswith("[]"):
        items = node.get(key[:-2]) if isinstance(node, dict) else None
        return isinstance(items, list) and any(_has(item, rest) for item in items)
    return isinstance(node, dict) and key in node and _has(node[key], rest)


def test_healthy_plan_uses_every_key_of_format_1_1() -> None:
    data = read_yaml(HEALTHY.read_text(encoding="utf-8")).data  # YAML 1.2: `on:` is a key, not True
    paths = [f"{where_}.{key}".lstrip(".") for where_, keys in KEYS_1_1.items() for key in keys.split()]
    missing = [path for path in paths if not _has(data, path.split("."))]
    assert not missing, missing


def test_healthy_v1_1_plan_has_no_finding_at_all(write_plan) -> None:
    path = write_plan(HEALTHY.read_text(encoding="utf-8"), name="beigang-special-steel")
    checked = check_plan(
        path, "plans/beigang-special-steel.yaml", Workspace(Config(), path.parent.parent), TODAY
    )
    assert checked.loaded.ok
    assert [f.text() for f in checked.findings] == []
    assert [f.text() for f in checked.waived] == []
    loaded = load_plan(path, "plans/beigang-special-steel.yaml", RULE_CODES)
    assert loaded.plan is not None
    assert coaching_findings(loaded.plan, loaded.lines, loaded.file, TODAY) == []


def test_healthy_v1_1_plan_passes_kaplan_check(repo: Path) -> None:
    (repo / "plans" / "beigang-special-steel.yaml").write_text(
        HEALTHY.read_text(encoding="utf-8"), encoding="utf-8"
    )
    result = run("check", "--today", TODAY.isoformat())
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1].endswith(": 0 errors, 0 warnings, 0 info"), result.output
