"""Coaching rules: each fires at the spec's thresholds, points at the right key and speaks the plan's locale.

Locations are checked against the real YAML text: a case names the key it expects the finding at
(``marker``, optionally the first one after ``after``), and the test finds that key in the file the
plan was written to, independently of kaplan's own line map.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import BASE_PLAN, TODAY, merge, run

from kaplan.coach.check import check_plan
from kaplan.coach.rules import GIFT_WORDS, RULES, STRUCTURAL
from kaplan.config import Config, Workspace
from kaplan.plan.findings import Finding

# The coaching-rules table of plan-format.md: code → default severity.
SPEC_SEVERITY = {
    "no-economic-buyer": "warning",
    "no-criteria": "warning",
    "criteria-not-shaped": "warning",
    "no-coach": "warning",
    "weak-champion": "warning",
    "opponent-buyer": "warning",
    "uncovered-influencer": "warning",
    "single-threaded": "warning",
    "left-in-team": "error",
    "no-threat": "warning",
    "no-counter": "warning",
    "unknown-win": "warning",
    "no-person-crux": "warning",
    "hidden-need-no-evidence": "info",
    "stale-review": "warning",
    "stale-contact": "warning",
    "stalled-project": "warning",
    "overdue-action": "warning",
    "personal-no-basis": "warning",
    "gift-risk": "warning",
    # coaching v2 (cases in test_rules_v2.py)
    "decision-date-passed": "warning",
    "cold-economic-buyer": "error",
    "unmet-approver": "warning",
    "unhandled-opponent": "warning",
    "budget-unknown-late": "warning",
    "losing-key-criterion": "warning",
    "lead-time-conflict": "warning",
    "contract-expiring": "warning",
    "decision-step-overdue": "warning",
    "objective-off-track": "warning",
    "meeting-unprepared": "warning",
    "open-complaint": "warning",
}
SPEC_GIFT_WORDS = (
    "回扣",
    "红包",
    "礼品",
    "礼物",
    "送礼",
    "购物卡",
    "好处费",
    "宴请",
    "gift",
    "kickback",
    "bribe",
    "cash",
    "hospitality",
    "favour",
    "favor",
)
STRUCTURAL_CODES = {"syntax", "schema", "ref", "dup-id", "cycle", "file-name"}

ZHAO, QIAN = BASE_PLAN["people"]
PROJECT = BASE_PLAN["projects"][0]
ECON, CHAMP = PROJECT["buying_team"]
RIVAL = BASE_PLAN["competitors"][0]
NEED = BASE_PLAN["needs"][0]
CRUX = BASE_PLAN["cruxes"][0]
ACTION = BASE_PLAN["actions"][0]
SUN = {"id": "sun-cfo", "name": "Sun Li", "title": "CFO", "last_contact": "2026-11-25"}


def ago(days: int) -> str:
    """The date ``days`` days before TODAY (negative: after)."""
    return (TODAY - dt.timedelta(days=days)).isoformat()


def people(zhao: dict[str, Any] | None = None, qian: dict[str, Any] | None = None, *extra: Any) -> list[Any]:
    """The base people with changes, plus extra people."""
    return [merge(ZHAO, zhao or {}), merge(QIAN, qian or {}), *extra]


def project(**changes: Any) -> list[Any]:
    """The base project (as the only project) with changes."""
    return [merge(PROJECT, changes)]


def econ(**changes: Any) -> dict[str, Any]:
    """Zhao as economic buyer, with changes."""
    return merge(ECON, changes)


def champ(**changes: Any) -> dict[str, Any]:
    """Qian as champion and technical buyer, with changes."""
    return merge(CHAMP, changes)


def dump(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def where(text: str, marker: str, *, after: str = "", value: bool = False) -> tuple[int, int]:
    """Line and column (1-based) of the key ``marker`` in ``text`` (the first after ``after``);
    ``value``: the column of the value that follows the marker's ``key:``."""
    key = re.compile(r"(?<![\w-])" + re.escape(marker))
    start = 0
    if after:
        anchors = [m.end() for m in re.finditer(r"(?<![\w-])" + re.escape(after), text)]
        assert len(anchors) == 1, f"{after!r} is not unique in the plan"
        start = anchors[0]
    else:
        assert len(key.findall(text)) == 1, f"{marker!r} is not unique in the plan"
    found = key.search(text, start)
    assert found is not None, f"{marker!r} not in the plan"
    pos = found.start()
    line = text.count("\n", 0, pos) + 1
    column = pos - (text.rfind("\n", 0, pos) + 1) + 1
    if value:
        column += marker.index(":") + 2
    return line, column


def coach(
    write_plan: Callable[..., Path],
    text: str,
    *,
    today: dt.date = TODAY,
    rules: dict[str, str] | None = None,
    config_locale: str = "en",
) -> list[Finding]:
    """Write the plan, check it as ``kaplan check`` would, and return its findings."""
    path = write_plan(text)
    project_ = Workspace(Config(rules=rules or {}, locale=config_locale), path.parent.parent)
    checked = check_plan(path, "plans/acme.yaml", project_, today)
    structural = [f.text() for f in checked.findings if f.structural]
    assert not structural, structural
    return checked.findings


def coded(findings: list[Finding], code: str) -> list[Finding]:
    return [f for f in findings if f.code == code]


@dataclass(frozen=True)
class Case:
    """A plan (as make_plan overrides) and where the rule must fire in it."""

    code: str
    name: str
    overrides: dict[str, Any]
    marker: str = ""
    after: str = ""
    value: bool = False
    count: int = 1


FIRES: list[Case] = [
    # --- projects ---
    Case(
        "no-economic-buyer",
        "stage-3",
        {"projects": project(stage=3, buying_team=[CHAMP])},
        "stage:",
        after="id: p-line",
    ),
    Case(
        "no-economic-buyer",
        "stage-8",
        {"projects": project(stage=8, buying_team=[CHAMP])},
        "stage:",
        after="id: p-line",
    ),
    Case(
        "no-criteria",
        "stage-4-no-criteria-key",
        {"projects": project(criteria=None)},
        "stage:",
        after="id: p-line",
    ),
    Case(
        "no-criteria",
        "stage-4-empty-criteria",
        {"projects": project(criteria=[])},
        "stage:",
        after="id: p-line",
    ),
    Case(
        "criteria-not-shaped",
        "stage-4-none-shaped",
        {
            "projects": project(
                criteria=[
                    {"criterion": "Price", "kind": "price"},
                    {"criterion": "Uptime", "shaped_by_us": False},
                ]
            )
        },
        "criteria:",
        after="id: p-line",
    ),
    Case(
        "no-coach",
        "stage-3-no-coach",
        {"projects": project(stage=3, buying_team=[ECON])},
        "buying_team:",
        after="id: p-line",
    ),
    Case(
        "no-coach",
        "stage-4-champion-role-dropped",
        {"projects": project(buying_team=[ECON, champ(roles=["technical_buyer"])])},
        "buying_team:",
        after="id: p-line",
    ),
    Case(
        "no-coach",
        "stage-3-no-buying-team",
        {"projects": project(stage=3, buying_team=None)},
        "stage:",
        after="id: p-line",
    ),
    Case(
        "weak-champion",
        "influence-low",
        {"people": people(qian={"influence": "low"})},
        "buying_team:",
        after="id: p-line",
    ),
    Case(
        "weak-champion",
        "formal-only",
        {"people": people(qian={"political": "formal_only"})},
        "buying_team:",
        after="id: p-line",
    ),
    Case(
        "opponent-buyer",
        "skeptic",
        {"people": people(zhao={"support": "skeptic"})},
        "person: zhao-gm",
        value=True,
    ),
    Case(
        "opponent-buyer",
        "opponent",
        {"people": people(zhao={"support": "opponent"})},
        "person: zhao-gm",
        value=True,
    ),
    Case(
        "single-threaded",
        "one-covered",
        {"people": people(qian={"coverage": "brief"})},
        "buying_team:",
        after="id: p-line",
    ),
    Case(
        "single-threaded",
        "covered-person-outside-team",
        {"people": people(None, {"coverage": "brief"}, {**SUN, "coverage": "in_depth"})},
        "buying_team:",
        after="id: p-line",
    ),
    Case(
        "single-threaded",
        "stage-3-no-buying-team",
        {"projects": project(stage=3, buying_team=None)},
        "stage:",
        after="id: p-line",
    ),
    Case(
        "left-in-team",
        "champion-left",
        {"people": people(qian={"status": "left"})},
        "person: qian-cto",
        value=True,
    ),
    Case(
        "unknown-win",
        "no-win",
        {"projects": project(buying_team=[econ(win=None), CHAMP])},
        "roles:",
        after="person: zhao-gm",
    ),
    Case(
        "unknown-win",
        "business-win-only",
        {"projects": project(buying_team=[econ(win={"personal": None, "business": "Output up"}), CHAMP])},
        "roles:",
        after="person: zhao-gm",
    ),
    Case(
        "unknown-win",
        "coach-without-win",
        {"projects": project(buying_team=[ECON, champ(roles=["coach"], win=None)])},
        "roles:",
        after="person: qian-cto",
    ),
    # --- people ---
    Case(
        "uncovered-influencer",
        "coverage-none",
        {"people": people(None, None, {**SUN, "influence": "high", "coverage": "none"})},
        "influence:",
        after="id: sun-cfo",
    ),
    Case(
        "uncovered-influencer",
        "coverage-brief",
        {"people": people(None, None, {**SUN, "influence": "high", "coverage": "brief"})},
        "influence:",
        after="id: sun-cfo",
    ),
    Case(
        "uncovered-influencer",
        "coverage-default",
        {"people": people(None, None, {**SUN, "influence": "high"})},
        "influence:",
        after="id: sun-cfo",
    ),
    Case(
        "personal-no-basis",
        "no-basis",
        {"people": people(zhao={"personal": {"family": "Two kids"}})},
        "personal:",
        after="id: zhao-gm",
    ),
    # --- competition ---
    Case(
        "no-threat",
        "incumbent",
        {"competitors": [merge(RIVAL, {"threat": None})]},
        "status:",
        after="id: rival",
    ),
    Case(
        "no-threat",
        "active",
        {"competitors": [merge(RIVAL, {"threat": None, "status": "active"})]},
        "status:",
        after="id: rival",
    ),
    Case(
        "no-threat",
        "status-default",
        {"competitors": [{"id": "rival", "name": "Rival Co"}]},
        "name:",
        after="id: rival",
    ),
    Case(
        "no-counter",
        "high-threat",
        {"competitors": [merge(RIVAL, {"threat": "high"})]},
        "threat:",
        after="id: rival",
    ),
    # --- needs and cruxes ---
    Case(
        "no-person-crux",
        "product-crux-only",
        {"cruxes": [{"id": "c-price", "kind": "product_service", "statement": "Price"}]},
        "cruxes:",
    ),
    Case(
        "no-person-crux",
        "personal-crux-is-not-person",
        {"cruxes": [{"id": "c-golf", "kind": "personal", "statement": "Golf", "refs": ["zhao-gm"]}]},
        "cruxes:",
    ),
    Case(
        "no-person-crux",
        "no-cruxes-at-stage-3",
        {"cruxes": None, "projects": project(stage=3)},
        "stage:",
        after="id: p-line",
    ),
    Case(
        "hidden-need-no-evidence",
        "no-evidence",
        {"needs": [merge(NEED, {"evidence": None})]},
        "visibility:",
        after="id: n-uptime",
    ),
    Case(
        "hidden-need-no-evidence",
        "empty-evidence",
        {"needs": [merge(NEED, {"evidence": ""})]},
        "visibility:",
        after="id: n-uptime",
    ),
    Case(
        "gift-risk",
        "personal-need-statement",
        {
            "needs": [
                NEED,
                {
                    "id": "n-son",
                    "statement": "Wants a 红包 for his son's wedding",
                    "kind": "personal",
                    "holder": "zhao-gm",
                },
            ]
        },
        "statement:",
        after="id: n-son",
        value=True,
    ),
    Case(
        "gift-risk",
        "personal-need-evidence",
        {
            "needs": [
                NEED,
                {
                    "id": "n-golf",
                    "statement": "Likes golf",
                    "kind": "personal",
                    "holder": "zhao-gm",
                    "evidence": "Asked about HOSPITALITY at the club",
                },
            ]
        },
        "evidence:",
        after="id: n-golf",
        value=True,
    ),
    Case(
        "gift-risk",
        "personal-crux-statement",
        {
            "cruxes": [
                CRUX,
                {
                    "id": "c-gift",
                    "kind": "personal",
                    "refs": ["zhao-gm"],
                    "statement": "A Gift for his daughter would please him",
                },
            ]
        },
        "statement:",
        after="id: c-gift",
        value=True,
    ),
    Case(
        "gift-risk",
        "personal-crux-action",
        {
            "cruxes": [
                CRUX,
                {
                    "id": "c-fam",
                    "kind": "personal",
                    "refs": ["zhao-gm"],
                    "statement": "Family first",
                    "action": "安排宴请他全家",
                },
            ]
        },
        "action:",
        after="id: c-fam",
        value=True,
    ),
    Case(
        "gift-risk",
        "action-what",
        {"actions": [ACTION, {"id": "a-card", "what": "Buy 购物卡 for purchasing", "owner": "li-ming"}]},
        "what:",
        after="id: a-card",
        value=True,
    ),
    # --- freshness ---
    Case("stale-review", "91-days", {"plan": {"reviewed": ago(91)}}, "reviewed:"),
    Case(
        "stale-review", "31-of-30-days", {"plan": {"reviewed": ago(31), "review_every_days": 30}}, "reviewed:"
    ),
    Case("stale-review", "never-reviewed", {"plan": {"reviewed": None}}, "plan:"),
    Case("stale-review", "no-plan-block", {"plan": None}, "kaplan:"),
    Case(
        "stale-contact",
        "61-days",
        {"people": people(zhao={"last_contact": ago(61)})},
        "last_contact:",
        after="id: zhao-gm",
    ),
    Case(
        "stale-contact",
        "a-year",
        {"people": people(zhao={"last_contact": ago(365)})},
        "last_contact:",
        after="id: zhao-gm",
    ),
    Case(
        "stale-contact",
        "no-contact",
        {"people": people(zhao={"last_contact": None})},
        "influence:",
        after="id: zhao-gm",
    ),
    Case(
        "stalled-project",
        "stage-since-91-days",
        {"projects": project(stage_since=ago(91))},
        "stage_since:",
        after="id: p-line",
    ),
    Case(
        "stalled-project",
        "latest-history-91-days",
        {
            "projects": project(
                stage_since=None, history=[{"stage": 3, "on": ago(200)}, {"stage": 4, "on": ago(91)}]
            )
        },
        "history:",
        after="id: p-line",
    ),
    Case(
        "stalled-project",
        "need-by-180-days-away",
        {"projects": project(stage_since=ago(91), timeline={"need_by": ago(-180)})},
        "stage_since:",
        after="id: p-line",
    ),
    Case(
        "overdue-action",
        "due-yesterday",
        {"actions": [merge(ACTION, {"due": ago(1)})]},
        "due:",
        after="id: a-visit",
        value=True,
    ),
    Case(
        "overdue-action",
        "due-long-ago",
        {"actions": [merge(ACTION, {"due": ago(100)})]},
        "due:",
        after="id: a-visit",
        value=True,
    ),
]

MISSES: list[Case] = [
    # --- projects ---
    Case("no-economic-buyer", "stage-2", {"projects": project(stage=2, buying_team=[CHAMP])}),
    Case("no-economic-buyer", "stage-3-with-buyer", {"projects": project(stage=3)}),
    Case("no-economic-buyer", "won", {"projects": project(stage=5, buying_team=[CHAMP], outcome="won")}),
    Case("no-economic-buyer", "lost", {"projects": project(stage=5, buying_team=[CHAMP], outcome="lost")}),
    Case(
        "no-economic-buyer",
        "no-decision",
        {"projects": project(stage=5, buying_team=[CHAMP], outcome="no_decision")},
    ),
    Case("no-criteria", "stage-3", {"projects": project(stage=3, criteria=None)}),
    Case("no-criteria", "stage-4-with-criteria", {}),
    Case("no-criteria", "won", {"projects": project(stage=6, criteria=None, outcome="won")}),
    Case("criteria-not-shaped", "stage-3", {"projects": project(stage=3, criteria=[{"criterion": "Price"}])}),
    Case(
        "criteria-not-shaped",
        "one-of-two-shaped",
        {
            "projects": project(
                criteria=[{"criterion": "Price"}, {"criterion": "Uptime", "shaped_by_us": True}]
            )
        },
    ),
    Case("criteria-not-shaped", "no-criteria-at-all", {"projects": project(criteria=None)}),
    Case(
        "criteria-not-shaped", "won", {"projects": project(criteria=[{"criterion": "Price"}], outcome="won")}
    ),
    Case("no-coach", "stage-2", {"projects": project(stage=2, buying_team=[ECON])}),
    Case("no-coach", "coach-role", {"projects": project(buying_team=[ECON, champ(roles=["coach"])])}),
    Case("no-coach", "champion-role", {}),
    Case("no-coach", "won", {"projects": project(buying_team=[ECON], outcome="won")}),
    Case(
        "weak-champion",
        "influence-medium",
        {"people": people(qian={"influence": "medium", "political": "unknown"})},
    ),
    Case(
        "weak-champion",
        "one-strong-champion",
        {
            "people": people(qian={"political": "formal_only"}),
            "projects": project(buying_team=[econ(roles=["economic_buyer", "champion"]), CHAMP]),
        },
    ),
    Case(
        "weak-champion",
        "weak-coach-is-no-champion",
        {
            "people": people(qian={"political": "formal_only"}),
            "projects": project(buying_team=[ECON, champ(roles=["coach"])]),
        },
    ),
    Case(
        "weak-champion",
        "won",
        {"people": people(qian={"influence": "low"}), "projects": project(outcome="won")},
    ),
    Case(
        "opponent-buyer",
        "with-red-flags",
        {
            "people": people(zhao={"support": "skeptic"}),
            "projects": project(red_flags=["Zhao prefers Rival's service"]),
        },
    ),
    Case("opponent-buyer", "neutral", {"people": people(zhao={"support": "neutral"})}),
    Case("opponent-buyer", "skeptic-not-economic-buyer", {"people": people(qian={"support": "skeptic"})}),
    Case(
        "opponent-buyer",
        "won",
        {"people": people(zhao={"support": "opponent"}), "projects": project(outcome="won")},
    ),
    Case("single-threaded", "two-covered", {}),
    Case(
        "single-threaded",
        "third-covered-member",
        {
            "people": people(None, {"coverage": "brief"}, {**SUN, "coverage": "multiple"}),
            "projects": project(buying_team=[ECON, CHAMP, {"person": "sun-cfo", "roles": ["approver"]}]),
        },
    ),
    Case(
        "single-threaded",
        "won",
        {"people": people(qian={"coverage": "brief"}), "projects": project(outcome="won")},
    ),
    # Before stage 3 there is no buying team to thread (the old false alarm at stage 1).
    Case("single-threaded", "stage-1-no-buying-team", {"projects": project(stage=1, buying_team=None)}),
    Case(
        "single-threaded",
        "stage-2-one-covered",
        {"people": people(qian={"coverage": "brief"}), "projects": project(stage=2)},
    ),
    Case("left-in-team", "moved", {"people": people(qian={"status": "moved"})}),
    Case(
        "left-in-team", "won", {"people": people(qian={"status": "left"}), "projects": project(outcome="won")}
    ),
    Case("left-in-team", "left-outside-team", {"people": people(None, None, {**SUN, "status": "left"})}),
    Case(
        "unknown-win",
        "personal-block",
        {
            "people": people(zhao={"personal": {"basis": "consent", "family": "Two kids"}}),
            "projects": project(buying_team=[econ(win=None), CHAMP]),
        },
    ),
    Case(
        "unknown-win",
        "technical-buyer-only",
        {
            "people": people(None, None, SUN),
            "projects": project(
                buying_team=[ECON, CHAMP, {"person": "sun-cfo", "roles": ["technical_buyer"]}]
            ),
        },
    ),
    Case("unknown-win", "won", {"projects": project(buying_team=[econ(win=None), CHAMP], outcome="won")}),
    # --- people ---
    Case(
        "uncovered-influencer",
        "covered",
        {"people": people(None, None, {**SUN, "influence": "high", "coverage": "multiple"})},
    ),
    Case(
        "uncovered-influencer",
        "medium-influence",
        {"people": people(None, None, {**SUN, "influence": "medium", "coverage": "none"})},
    ),
    Case("uncovered-influencer", "unknown-influence", {"people": people(None, None, SUN)}),
    Case("personal-no-basis", "consent", {"people": people(zhao={"personal": {"basis": "consent"}})}),
    Case(
        "personal-no-basis",
        "public",
        {"people": people(zhao={"personal": {"basis": "public", "goals": ["x"]}})},
    ),
    Case("personal-no-basis", "contract", {"people": people(zhao={"personal": {"basis": "contract"}})}),
    # --- competition ---
    Case("no-threat", "potential", {"competitors": [merge(RIVAL, {"threat": None, "status": "potential"})]}),
    Case("no-threat", "displaced", {"competitors": [merge(RIVAL, {"threat": None, "status": "displaced"})]}),
    Case("no-threat", "assessed", {"competitors": [merge(RIVAL, {"threat": "low"})]}),
    Case(
        "no-counter",
        "with-counter",
        {"competitors": [merge(RIVAL, {"threat": "high", "counter": "Uptime SLA"})]},
    ),
    Case("no-counter", "medium-threat", {}),
    # --- needs and cruxes ---
    Case(
        "no-person-crux",
        "stage-2",
        {
            "projects": project(stage=2),
            "cruxes": [{"id": "c-price", "kind": "product_service", "statement": "Price"}],
        },
    ),
    Case("no-person-crux", "person-crux", {}),
    Case("no-person-crux", "won", {"cruxes": None, "projects": project(stage=5, outcome="won")}),
    Case(
        "hidden-need-no-evidence",
        "explicit",
        {"needs": [merge(NEED, {"visibility": "explicit", "evidence": None})]},
    ),
    Case("hidden-need-no-evidence", "with-evidence", {}),
    Case(
        "gift-risk",
        "product-need",
        {"needs": [NEED, {"id": "n-wrap", "statement": "Gift wrapping for spare parts", "kind": "product"}]},
    ),
    Case(
        "gift-risk",
        "special-need",
        {"needs": [NEED, {"id": "n-cod", "statement": "Cash on delivery", "kind": "special"}]},
    ),
    Case(
        "gift-risk",
        "person-crux",
        {
            "cruxes": [
                {"id": "c-zhao", "kind": "person", "statement": "Zhao likes a gift", "refs": ["zhao-gm"]}
            ]
        },
    ),
    Case(
        "gift-risk",
        "product-crux",
        {"cruxes": [CRUX, {"id": "c-red", "kind": "product_service", "statement": "红包 season sales push"}]},
    ),
    Case("gift-risk", "person-notes", {"people": people(zhao={"notes": "Loves gifts and 红包"})}),
    Case(
        "gift-risk",
        "clean-personal-need",
        {
            "needs": [
                NEED,
                {
                    "id": "n-son",
                    "statement": "Son starts university",
                    "kind": "personal",
                    "holder": "zhao-gm",
                },
            ]
        },
    ),
    # --- freshness ---
    Case("stale-review", "90-days", {"plan": {"reviewed": ago(90)}}),
    Case("stale-review", "30-of-30-days", {"plan": {"reviewed": ago(30), "review_every_days": 30}}),
    Case("stale-review", "reviewed-today", {"plan": {"reviewed": ago(0)}}),
    Case("stale-contact", "60-days", {"people": people(zhao={"last_contact": ago(60)})}),
    Case("stale-contact", "59-days", {"people": people(zhao={"last_contact": ago(59)})}),
    Case("stale-contact", "left", {"people": people(zhao={"last_contact": ago(61), "status": "left"})}),
    Case("stale-contact", "moved", {"people": people(zhao={"last_contact": ago(61), "status": "moved"})}),
    Case(
        "stale-contact",
        "medium-influence",
        {"people": people(zhao={"last_contact": ago(61), "influence": "medium"})},
    ),
    Case(
        "stale-contact",
        "medium-no-contact",
        {"people": people(zhao={"last_contact": None, "influence": "medium"})},
    ),
    Case("stalled-project", "90-days", {"projects": project(stage_since=ago(90))}),
    Case("stalled-project", "no-dates", {"projects": project(stage_since=None)}),
    Case(
        "stalled-project",
        "fresh-stage-since-old-history",
        {"projects": project(stage_since=ago(10), history=[{"stage": 3, "on": ago(300)}])},
    ),
    Case(
        "stalled-project",
        "latest-history-fresh",
        {
            "projects": project(
                stage_since=None, history=[{"stage": 4, "on": ago(10)}, {"stage": 3, "on": ago(300)}]
            )
        },
    ),
    Case("stalled-project", "won", {"projects": project(stage_since=ago(300), outcome="won")}),
    Case(
        "stalled-project",
        "need-by-181-days-away",
        {"projects": project(stage_since=ago(200), timeline={"need_by": ago(-181)})},
    ),
    Case("overdue-action", "due-today", {"actions": [merge(ACTION, {"due": ago(0)})]}),
    Case("overdue-action", "due-tomorrow", {"actions": [merge(ACTION, {"due": ago(-1)})]}),
    Case("overdue-action", "done", {"actions": [merge(ACTION, {"due": ago(1), "status": "done"})]}),
    Case("overdue-action", "dropped", {"actions": [merge(ACTION, {"due": ago(1), "status": "dropped"})]}),
    Case("overdue-action", "no-due", {"actions": [merge(ACTION, {"due": None})]}),
]

# Per rule: a piece of its English and Chinese message, for the rule's first case in FIRES.
MESSAGES = {
    "no-economic-buyer": (
        "stage 3 and nobody in the buying team is the economic buyer",
        "已到第 3 阶段，采购小组里还没有经济决策者",
    ),
    "no-criteria": ("stage 4 and no purchase criteria recorded", "已到第 4 阶段却没有记录采购标准"),
    "criteria-not-shaped": ("no criteria shaped by us", "没有一条采购标准是我们参与制定的"),
    "no-coach": ("nobody inside is our coach or champion", "没有我们的教练或支持者"),
    "weak-champion": (
        "our champion (Qian Wei) has little real power",
        "我们的内部拥护者（Qian Wei）没有实权",
    ),
    "opponent-buyer": ("the economic buyer Zhao Gang is a skeptic", "经济决策者Zhao Gang对我们持怀疑态度"),
    "single-threaded": ("in the buying team knows us well", "与我们有深入接触"),
    "left-in-team": ("Qian Wei has left the company", "Qian Wei已经离职"),
    "unknown-win": ("we do not know what Zhao Gang wins personally", "不清楚Zhao Gang个人能得到什么"),
    "uncovered-influencer": (
        "Sun Li has high influence and we barely know them",
        "Sun Li影响力高，我们却几乎不了解此人",
    ),
    "personal-no-basis": (
        "personal details of Zhao Gang without a lawful basis",
        "Zhao Gang的个人资料没有注明合法依据",
    ),
    "no-threat": ("Rival Co is incumbent here but their threat is not assessed", "没有评估威胁程度"),
    "no-counter": (
        "Rival Co is a high threat and we have no counter-strategy",
        "Rival Co威胁很大，我们却没有应对策略",
    ),
    "no-person-crux": ("no crux names the person who tips the decision", "没有找出人物要害"),
    "hidden-need-no-evidence": ("a hidden need without evidence is a guess", "没有依据的隐藏需求只是猜测"),
    "gift-risk": ("mentions '红包'", "提到“红包”"),
    "stale-review": ("last reviewed 91 days ago", "距上次评审已 91 天"),
    "stale-contact": ("last contact with Zhao Gang was 61 days ago", "上次与Zhao Gang接触已是 61 天前"),
    "stalled-project": (
        "stuck at stage 4 (Purchase criteria set) for 91 days",
        "停在第 4 阶段（建立采购标准）已 91 天",
    ),
    "overdue-action": ("“Site visit” was due", "“Site visit”已逾期"),
}
# The rules of format 1.0 are tested here; the coaching-v2 rules have their cases in test_rules_v2.py.
V1_CODES = tuple(MESSAGES)
FIRST = {code: next(c for c in FIRES if c.code == code) for code in V1_CODES}


def _id(case: Case) -> str:
    return f"{case.code}:{case.name}"


# --- the registry matches the spec ---------------------------------------------------------------
def test_registry_matches_spec_table() -> None:
    assert set(RULES) == set(SPEC_SEVERITY)
    assert {code: r.severity for code, r in RULES.items()} == SPEC_SEVERITY
    assert set(STRUCTURAL) == STRUCTURAL_CODES
    for r in RULES.values():
        assert r.meaning.strip()
        assert r.source.strip()


def test_gift_words_match_spec() -> None:
    assert sorted(GIFT_WORDS) == sorted(SPEC_GIFT_WORDS)


def test_every_v1_rule_has_a_firing_case_and_a_near_miss() -> None:
    assert set(V1_CODES) <= set(RULES)
    assert {c.code for c in FIRES} == set(V1_CODES)
    assert {c.code for c in MISSES} == set(V1_CODES)


def test_healthy_plan_has_no_coaching_findings(make_plan: Callable[..., dict[str, Any]], write_plan) -> None:
    assert coach(write_plan, dump(make_plan())) == []


# --- each rule fires, at the right place, with its default severity --------------------------------
@pytest.mark.parametrize("case", FIRES, ids=_id)
def test_rule_fires(case: Case, make_plan: Callable[..., dict[str, Any]], write_plan) -> None:
    text = dump(make_plan(**case.overrides))
    hits = coded(coach(write_plan, text), case.code)
    assert len(hits) == case.count, [f.text() for f in hits]
    for f in hits:
        assert f.severity == SPEC_SEVERITY[case.code]
        assert f.file == "plans/acme.yaml"
        assert (f.line, f.column) == where(text, case.marker, after=case.after, value=case.value), f.text()


@pytest.mark.parametrize("case", MISSES, ids=_id)
def test_rule_near_miss(case: Case, make_plan: Callable[..., dict[str, Any]], write_plan) -> None:
    findings = coach(write_plan, dump(make_plan(**case.overrides)))
    assert coded(findings, case.code) == []


@pytest.mark.parametrize("code", V1_CODES)
@pytest.mark.parametrize("locale", ["en", "zh"])
def test_message_in_plan_locale(
    code: str, locale: str, make_plan: Callable[..., dict[str, Any]], write_plan
) -> None:
    case = FIRST[code]
    data = make_plan(**case.overrides)
    data.setdefault("plan", {})["locale"] = locale
    hits = coded(coach(write_plan, dump(data)), code)
    assert hits
    en, zh = MESSAGES[code]
    message = hits[0].message
    if locale == "en":
        assert en in message
        assert zh not in message
    else:
        assert zh in message
        assert en not in message


def test_message_locale_falls_back_to_kaplan_yaml(
    make_plan: Callable[..., dict[str, Any]], write_plan
) -> None:
    data = make_plan(plan={"locale": None, "reviewed": ago(91)})
    (hit,) = coded(coach(write_plan, dump(data), config_locale="zh"), "stale-review")
    assert "距上次评审已 91 天" in hit.message


def test_plan_locale_beats_kaplan_yaml(make_plan: Callable[..., dict[str, Any]], write_plan) -> None:
    data = make_plan(plan={"locale": "en", "reviewed": ago(91)})
    (hit,) = coded(coach(write_plan, dump(data), config_locale="zh"), "stale-review")
    assert "last reviewed 91 days ago" in hit.message


# --- thresholds spelled out -----------------------------------------------------------------------
@pytest.mark.parametrize(("days", "fires"), [(59, False), (60, False), (61, True)])
def test_stale_contact_threshold(days: int, fires: bool, make_plan, write_plan) -> None:
    data = make_plan(people=people(zhao={"last_contact": ago(days)}))
    assert bool(coded(coach(write_plan, dump(data)), "stale-contact")) is fires


@pytest.mark.parametrize(("days", "fires"), [(89, False), (90, False), (91, True)])
def test_stalled_project_threshold(days: int, fires: bool, make_plan, write_plan) -> None:
    data = make_plan(projects=project(stage_since=ago(days)))
    assert bool(coded(coach(write_plan, dump(data)), "stalled-project")) is fires


@pytest.mark.parametrize(
    ("every", "days", "fires"),
    [(90, 90, False), (90, 91, True), (7, 7, False), (7, 8, True), (365, 300, False)],
)
def test_stale_review_follows_review_every_days(
    every: int, days: int, fires: bool, make_plan, write_plan
) -> None:
    data = make_plan(plan={"reviewed": ago(days), "review_every_days": every})
    assert bool(coded(coach(write_plan, dump(data)), "stale-review")) is fires


@pytest.mark.parametrize(("days", "fires"), [(-1, False), (0, False), (1, True)])
def test_overdue_action_threshold(days: int, fires: bool, make_plan, write_plan) -> None:
    data = make_plan(actions=[merge(ACTION, {"due": ago(days)})])
    assert bool(coded(coach(write_plan, dump(data)), "overdue-action")) is fires


@pytest.mark.parametrize(("stage", "fires"), [(1, False), (2, False), (3, True), (5, True)])
def test_no_economic_buyer_threshold(stage: int, fires: bool, make_plan, write_plan) -> None:
    data = make_plan(projects=project(stage=stage, buying_team=[CHAMP]))
    assert bool(coded(coach(write_plan, dump(data)), "no-economic-buyer")) is fires


@pytest.mark.parametrize(("stage", "fires"), [(3, False), (4, True)])
def test_no_criteria_threshold(stage: int, fires: bool, make_plan, write_plan) -> None:
    data = make_plan(projects=project(stage=stage, criteria=None))
    assert bool(coded(coach(write_plan, dump(data)), "no-criteria")) is fires


@pytest.mark.parametrize(
    "word", [*SPEC_GIFT_WORDS, *(w.upper() for w in SPEC_GIFT_WORDS if w.isascii()), "Favour", "KickBack"]
)
def test_gift_risk_words_case_insensitive(word: str, make_plan, write_plan) -> None:
    data = make_plan(actions=[merge(ACTION, {"what": f"Prepare {word} for the visit"})])
    text = dump(data)
    (hit,) = coded(coach(write_plan, text), "gift-risk")
    assert word in hit.message
    assert (hit.line, hit.column) == where(text, "what:", after="id: a-visit", value=True)


def test_each_project_and_person_fires_separately(make_plan, write_plan) -> None:
    second = merge(PROJECT, {"id": "p-two", "name": "Second line", "stage": 3, "buying_team": [CHAMP]})
    data = make_plan(projects=[merge(PROJECT, {"buying_team": [CHAMP]}), second])
    text = dump(data)
    hits = coded(coach(write_plan, text), "no-economic-buyer")
    assert [(f.line, f.column) for f in hits] == [
        where(text, "stage:", after="id: p-line"),
        where(text, "stage:", after="id: p-two"),
    ]
    assert [f.path for f in hits] == ["projects[0].stage", "projects[1].stage"]


def test_one_unknown_win_per_member_whatever_its_roles(make_plan, write_plan) -> None:
    member = econ(roles=["economic_buyer", "champion", "coach"], win=None)
    text = dump(make_plan(projects=project(buying_team=[member, CHAMP])))
    hits = coded(coach(write_plan, text), "unknown-win")
    assert [(f.line, f.column) for f in hits] == [where(text, "roles:", after="person: zhao-gm")]


def test_no_person_crux_once_per_plan(make_plan, write_plan) -> None:
    second = merge(PROJECT, {"id": "p-two", "name": "Second line", "stage": 5})
    text = dump(make_plan(projects=[PROJECT, second], cruxes=None))
    hits = coded(coach(write_plan, text), "no-person-crux")
    assert [(f.line, f.column) for f in hits] == [where(text, "stage:", after="id: p-line")]
    assert "“Line upgrade” is at stage 4" in hits[0].message


# --- locations in a hand-written plan -------------------------------------------------------------
ZH_PLAN = """\
kaplan: 1
plan:
  locale: zh
  reviewed: 2026-08-01
account:
  name: 鞍山钢铁
people:
  - id: wang
    name: 王芳
    influence: high
    coverage: in_depth
    last_contact: 2026-09-01
    status: left
projects:
  - id: p1
    name: 三号线改造
    stage: 2
    stage_since: 2026-11-01
    buying_team:
      - person: wang
        roles: [economic_buyer, champion]
        win: {personal: 晋升}
actions:
  - {id: a1, what: 中秋给王总送礼, due: 2026-11-26}
"""


def test_locations_and_chinese_messages_in_a_hand_written_plan(write_plan) -> None:
    findings = coach(write_plan, ZH_PLAN)
    got = {(f.code, f.line, f.column, f.severity) for f in findings}
    assert got == {
        ("stale-review", 4, 3, "warning"),  # plan.reviewed: 118 days
        ("left-in-team", 20, 17, "error"),  # the value of buying_team[0].person
        ("gift-risk", 24, 20, "warning"),  # the value of actions[0].what (送礼)
        ("overdue-action", 24, 34, "warning"),  # the value of actions[0].due
    }, [f.text() for f in findings]
    # stale-contact is silent: Wang has left (status active only); single-threaded too: stage 2.
    messages = {f.code: f.message for f in findings}
    assert messages["left-in-team"].startswith("王芳已经离职")
    assert "送礼" in messages["gift-risk"]
    assert "已逾期 1 天" in messages["overdue-action"]
    assert "距上次评审已 118 天" in messages["stale-review"]


# --- severity overrides -----------------------------------------------------------------------------
def test_override_off_silences_a_rule(make_plan, write_plan) -> None:
    text = dump(make_plan(people=people(zhao={"last_contact": ago(61)})))
    assert coded(coach(write_plan, text), "stale-contact")
    assert coach(write_plan, text, rules={"stale-contact": "off"}) == []


@pytest.mark.parametrize("level", ["info", "warning", "error"])
def test_override_sets_severity(level: str, make_plan, write_plan) -> None:
    text = dump(make_plan(people=people(qian={"status": "left"})))
    # A member who left no longer threads the deal, so single-threaded fires too.
    (hit,) = [f for f in coach(write_plan, text, rules={"left-in-team": level}) if f.code == "left-in-team"]
    assert hit.severity == level


def test_override_of_one_rule_leaves_others(make_plan, write_plan) -> None:
    text = dump(
        make_plan(people=people(zhao={"last_contact": ago(61)}), actions=[merge(ACTION, {"due": ago(1)})])
    )
    findings = coach(write_plan, text, rules={"stale-contact": "error"})
    assert {(f.code, f.severity) for f in findings} == {
        ("stale-contact", "error"),
        ("overdue-action", "warning"),
    }


# --- through the command line ------------------------------------------------------------------------
@pytest.fixture
def write_config(repo: Path) -> Callable[[str], None]:
    """The shared repository as the current folder; ``write_config(text)`` writes its kaplan.yaml."""

    def config(text: str) -> None:
        (repo / "kaplan.yaml").write_text(text, encoding="utf-8")

    return config


def test_cli_warning_exits_0(write_config, make_plan, write_plan) -> None:
    write_config("title: Test\n")
    write_plan(make_plan(people=people(zhao={"last_contact": ago(61)})))
    result = run("check", "--today", TODAY.isoformat())
    assert result.exit_code == 0, result.output
    assert "warning stale-contact:" in result.output


def test_cli_rule_off_in_kaplan_yaml(write_config, make_plan, write_plan) -> None:
    write_config("rules:\n  stale-contact: off\n")
    write_plan(make_plan(people=people(zhao={"last_contact": ago(61)})))
    result = run("check", "--today", TODAY.isoformat())
    assert result.exit_code == 0, result.output
    assert "stale-contact" not in result.output
    assert "0 errors, 0 warnings, 0 info" in result.output


def test_cli_rule_error_in_kaplan_yaml_exits_1(write_config, make_plan, write_plan) -> None:
    write_config("rules: {stale-contact: error}\n")
    data = make_plan(people=people(zhao={"last_contact": ago(61)}))
    write_plan(data)
    result = run("check", "--today", TODAY.isoformat())
    assert result.exit_code == 1, result.output
    line, column = where(dump(data), "last_contact:", after="id: zhao-gm")
    assert f"plans/acme.yaml:{line}:{column}: error stale-contact: " in result.output


def test_cli_left_in_team_is_an_error_by_default(write_config, make_plan, write_plan) -> None:
    write_config("title: Test\n")
    write_plan(make_plan(people=people(qian={"status": "left"})))
    result = run("check", "--today", TODAY.isoformat())
    assert result.exit_code == 1, result.output
    assert "error left-in-team:" in result.output


def test_cli_unknown_rule_in_kaplan_yaml(write_config, make_plan, write_plan) -> None:
    write_config("title: Test\nrules:\n  single-threaded: error\n  stale-contct: off\n")
    write_plan(make_plan())
    result = run("check", "--today", TODAY.isoformat())
    assert result.exit_code == 1, result.output
    assert (
        "kaplan.yaml:4:3: error schema: rules.stale-contct: unknown rule 'stale-contct'"
        " — did you mean 'stale-contact'?"
    ) in result.output


def test_cli_bad_rule_level_in_kaplan_yaml(write_config, make_plan, write_plan) -> None:
    write_config("rules:\n  stale-contact: loud\n")
    write_plan(make_plan())
    result = run("check", "--today", TODAY.isoformat())
    assert result.exit_code == 1, result.output
    assert re.search(r"kaplan\.yaml:2:\d+: error schema: ", result.output), result.output
    assert "Traceback" not in result.output


# A plan that is fresh on 2026-11-20 and stale on 2026-11-27: the action is due on the 21st.
def _dated_plan(make_plan) -> dict[str, Any]:
    return make_plan(actions=[merge(ACTION, {"due": "2026-11-21"})])


@pytest.mark.parametrize(
    ("today", "stale"), [("2026-11-27", True), ("2026-11-21", False), ("2026-11-20", False)]
)
def test_cli_today_flag_pins_the_date(today: str, stale: bool, write_config, make_plan, write_plan) -> None:
    write_plan(_dated_plan(make_plan))
    result = run("check", "--today", today)
    assert result.exit_code == 0, result.output
    assert ("overdue-action" in result.output) is stale


@pytest.mark.parametrize(("today", "stale"), [("2026-11-27", True), ("2026-11-20", False)])
def test_cli_kaplan_today_env_pins_the_date(
    today: str, stale: bool, write_config, make_plan, write_plan
) -> None:
    write_plan(_dated_plan(make_plan))
    result = run("check", env={"KAPLAN_TODAY": today})
    assert result.exit_code == 0, result.output
    assert ("overdue-action" in result.output) is stale


def test_cli_today_flag_beats_env(write_config, make_plan, write_plan) -> None:
    write_plan(_dated_plan(make_plan))
    result = run("check", "--today", "2026-11-20", env={"KAPLAN_TODAY": "2026-11-27"})
    assert "overdue-action" not in result.output
    result = run("check", "--today", "2026-11-27", env={"KAPLAN_TODAY": "2026-11-20"})
    assert "overdue-action" in result.output


def test_cli_bad_today_is_a_usage_error(write_config, make_plan, write_plan) -> None:
    write_plan(make_plan())
    result = run("check", "--today", "2026-13-01")
    assert result.exit_code == 2
    assert "Traceback" not in result.output


# --- kaplan rules ---------------------------------------------------------------------------------------
def test_kaplan_rules_lists_every_code(write_config) -> None:
    result = run("rules")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    for code, r in RULES.items():
        pattern = rf"^\s+{re.escape(code)}\s+{r.severity}\s+{re.escape(r.meaning)}$"
        index = next((i for i, line in enumerate(lines) if re.match(pattern, line)), None)
        assert index is not None, f"{code} not listed with {r.severity} and its meaning"
        assert lines[index + 1].strip() == f"source: {r.source}"
    for code, meaning in STRUCTURAL.items():
        assert re.search(rf"^\s+{re.escape(code)}\s+error\s+{re.escape(meaning)}$", result.output, re.M), code


def test_kaplan_rules_shows_overrides(write_config) -> None:
    write_config("rules:\n  stale-contact: off\n  hidden-need-no-evidence: error\n")
    result = run("rules")
    assert result.exit_code == 0, result.output
    assert re.search(r"^\s+stale-contact\s+off\s+.*\(default warning\)$", result.output, re.M)
    assert re.search(r"^\s+hidden-need-no-evidence\s+error\s+.*\(default info\)$", result.output, re.M)
    assert re.search(r"^\s+left-in-team\s+error\s+person with status left", result.output, re.M)
