"""Plan health: a 0–100 score and red/amber/green per plan and per area, from coaching findings."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from conftest import BASE_PLAN, TODAY, merge

from kaplan.cli import main
from kaplan.coach.check import CheckedPlan, check_plan
from kaplan.coach.health import Health, plan_health, rag
from kaplan.coach.rules import AREAS, RULES
from kaplan.config import Config, Workspace
from kaplan.plan.findings import Finding
from kaplan.plan.model import Plan

ZHAO, QIAN = BASE_PLAN["people"]
PROJECT = BASE_PLAN["projects"][0]
ACTION = BASE_PLAN["actions"][0]
RIVAL = BASE_PLAN["competitors"][0]
NEED = BASE_PLAN["needs"][0]

# Which area of the plan each rule's findings count against.
RULE_AREAS = {
    "no-economic-buyer": "projects",
    "no-criteria": "projects",
    "criteria-not-shaped": "projects",
    "no-coach": "projects",
    "weak-champion": "projects",
    "opponent-buyer": "projects",
    "single-threaded": "projects",
    "left-in-team": "projects",
    "unknown-win": "people",
    "uncovered-influencer": "people",
    "personal-no-basis": "people",
    "no-threat": "competition",
    "no-counter": "competition",
    "no-person-crux": "needs",
    "hidden-need-no-evidence": "needs",
    "gift-risk": "needs",
    "stale-review": "freshness",
    "stale-contact": "freshness",
    "stalled-project": "freshness",
    "overdue-action": "freshness",
    # coaching v2
    "decision-date-passed": "projects",
    "cold-economic-buyer": "people",
    "unmet-approver": "people",
    "unhandled-opponent": "people",
    "budget-unknown-late": "projects",
    "losing-key-criterion": "competition",
    "lead-time-conflict": "projects",
    "contract-expiring": "projects",
    "decision-step-overdue": "freshness",
    "objective-off-track": "projects",
    "meeting-unprepared": "freshness",
    "open-complaint": "needs",
}
KEPT = AREAS  # the areas about how well the plan is kept; "position" is where we stand to win


def with_position(kept: dict[str, int], position: int = 100) -> int:
    """The plan score: half its position, half the mean of the other areas."""
    return round((position + sum(kept.values()) / len(kept)) / 2)


def ago(days: int) -> str:
    return (TODAY - dt.timedelta(days=days)).isoformat()


def checked(
    write_plan: Callable[..., Path],
    content: dict[str, Any] | str,
    rules: dict[str, str] | None = None,
    today: dt.date = TODAY,
) -> CheckedPlan:
    path = write_plan(content)
    result = check_plan(
        path, "plans/acme.yaml", Workspace(Config(rules=rules or {}), path.parent.parent), today
    )
    assert result.loaded.ok, [f.text() for f in result.findings]
    return result


def health_of(write_plan: Callable[..., Path], content: dict[str, Any] | str, **kwargs: Any) -> Health:
    result = checked(write_plan, content, **kwargs)
    assert result.health is not None
    return result.health


def areas(health: Health) -> dict[str, int]:
    return {a.area: a.score for a in health.areas}


# --- the scale ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("score", "colour"),
    [(100, "green"), (75, "green"), (74, "amber"), (50, "amber"), (49, "red"), (0, "red")],
)
def test_rag_thresholds(score: int, colour: str) -> None:
    assert rag(score) == colour


def test_every_rule_counts_against_one_area() -> None:
    assert {code: r.area for code, r in RULES.items()} == RULE_AREAS
    assert set(RULE_AREAS.values()) == set(AREAS)


# --- plans ---------------------------------------------------------------------------------------------
def test_healthy_plan_is_100_green(make_plan, write_plan) -> None:
    result = checked(write_plan, make_plan())
    assert result.findings == []
    health = result.health
    assert health is not None
    assert (health.score, health.rag) == (100, "green")
    assert [a.area for a in health.areas] == [*AREAS, "position"]
    for a in health.areas:
        assert (a.score, a.rag, a.findings, a.missing) == (100, "green", 0, ())


@pytest.mark.parametrize(
    ("overrides", "code", "area", "penalty"),
    [
        pytest.param(
            {"people": [merge(ZHAO, {"last_contact": ago(61)}), QIAN]},
            "stale-contact",
            "freshness",
            12,
            id="stale-contact",
        ),
        pytest.param(
            {"actions": [merge(ACTION, {"due": ago(1)})]},
            "overdue-action",
            "freshness",
            12,
            id="overdue-action",
        ),
        pytest.param(
            {"competitors": [merge(RIVAL, {"threat": None})]}, "no-threat", "competition", 12, id="no-threat"
        ),
        pytest.param(
            {
                "people": [
                    ZHAO,
                    QIAN,
                    {"id": "sun", "name": "Sun", "influence": "high", "last_contact": ago(1)},
                ]
            },
            "uncovered-influencer",
            "people",
            12,
            id="uncovered-influencer",
        ),
        pytest.param(
            {"projects": [merge(PROJECT, {"criteria": None})]},
            "no-criteria",
            "projects",
            12,
            id="no-criteria",
        ),
        pytest.param(
            {"needs": [merge(NEED, {"evidence": None})]},
            "hidden-need-no-evidence",
            "needs",
            4,
            id="info-costs-4",
        ),
    ],
)
def test_finding_lowers_its_own_area(
    overrides: dict[str, Any], code: str, area: str, penalty: int, make_plan, write_plan
) -> None:
    result = checked(write_plan, make_plan(**overrides))
    assert [f.code for f in result.findings] == [code]
    health = result.health
    assert health is not None
    expected = dict.fromkeys(AREAS, 100) | {area: 100 - penalty}
    assert areas(health) == expected | {"position": 100}
    assert health.score == with_position(expected)
    assert health.rag == "green"
    (hit,) = [a for a in health.areas if a.area == area]
    assert hit.findings == 1


def test_findings_add_up_in_an_area(make_plan, write_plan) -> None:
    data = make_plan(
        people=[merge(ZHAO, {"last_contact": ago(61)}), QIAN],
        actions=[merge(ACTION, {"due": ago(1)})],
        plan={"reviewed": ago(91)},
    )
    health = health_of(write_plan, data)
    assert areas(health)["freshness"] == 100 - 3 * 12
    assert health.score == round((100 + (400 + 64) / 5) / 2)


def test_area_score_never_goes_below_zero(make_plan, write_plan) -> None:
    rivals = [{"id": f"rival-{i}", "name": f"Rival {i}", "status": "active"} for i in range(10)]
    health = health_of(write_plan, make_plan(competitors=rivals, installed_base=None))
    competition = next(a for a in health.areas if a.area == "competition")
    assert competition.findings == 10
    assert competition.missing == ("installed base",)
    assert (competition.score, competition.rag) == (0, "red")
    assert health.score == 90  # position 100, the other areas 80


def test_error_caps_the_plan_at_amber(make_plan, write_plan) -> None:
    result = checked(write_plan, make_plan(people=[ZHAO, merge(QIAN, {"status": "left"})]))
    # Qian left, so the team is also single-threaded (only Zhao still counts).
    assert [(f.code, f.severity) for f in result.findings] == [
        ("left-in-team", "error"),  # errors come first
        ("single-threaded", "warning"),
    ]
    health = result.health
    assert health is not None
    assert areas(health)["projects"] == 58
    assert round((100 + (400 + 58) / 5) / 2) == 96  # what it would score without the cap
    assert (health.score, health.rag) == (74, "amber")


def test_error_cap_does_not_raise_a_red_plan(make_plan) -> None:
    plan = Plan.model_validate(make_plan())
    one_per_area = ["left-in-team", "unknown-win", "no-threat", "gift-risk", "stale-review"]
    findings = [Finding("f", 1, 1, "", code, "error", "m") for code in one_per_area for _ in range(4)]
    health = plan_health(plan, findings)
    assert areas(health) == dict.fromkeys(AREAS, 0) | {"position": 100}
    assert (health.score, health.rag) == (50, "amber")  # kept badly, but well placed to win


@pytest.mark.parametrize(
    ("level", "score", "colour"),
    [("off", 100, "green"), ("info", 100, "green"), ("warning", 99, "green"), ("error", 74, "amber")],
)
def test_severity_override_changes_health(level: str, score: int, colour: str, make_plan, write_plan) -> None:
    data = make_plan(people=[merge(ZHAO, {"last_contact": ago(61)}), QIAN])
    health = health_of(write_plan, data, rules={"stale-contact": level})
    assert (health.score, health.rag) == (score, colour)


def test_missing_basics_cost_15_each(write_plan) -> None:
    health = health_of(write_plan, "kaplan: 1\naccount:\n  name: Bare Steel\n")
    by_area = {a.area: a for a in health.areas}
    assert by_area["people"].missing == ("people", "someone we know well", "a supporter")
    assert by_area["projects"].missing == ("projects",)
    assert by_area["competition"].missing == ("competitors", "installed base")
    assert by_area["needs"].missing == ("needs", "cruxes")
    assert by_area["freshness"].missing == ("a review date", "actions")
    # freshness carries the stale-review warning (never reviewed), which already says "no review
    # date": that missing basic is not counted a second time. No open project: no position area.
    assert areas(health) == {"people": 55, "projects": 85, "competition": 70, "needs": 70, "freshness": 73}
    assert (health.score, health.rag) == (71, "amber")


def test_missing_only_looks_at_open_projects(make_plan, write_plan) -> None:
    won = merge(PROJECT, {"id": "p-old", "name": "Old", "outcome": "won", "buying_team": None, "value": None})
    health = health_of(write_plan, make_plan(projects=[PROJECT, won]))
    assert health.score == 100
    open_without_value = merge(PROJECT, {"value": None})
    health = health_of(write_plan, make_plan(projects=[open_without_value]))
    projects = next(a for a in health.areas if a.area == "projects")
    assert projects.missing == ("project values",)
    assert projects.score == 85


def test_plan_health_ignores_structural_codes(make_plan) -> None:
    plan = Plan.model_validate(make_plan())
    findings = [Finding("f", 1, 1, "", "schema", "error", "x"), Finding("f", 1, 1, "", "ref", "error", "y")]
    health = plan_health(plan, findings)
    assert (health.score, health.rag) == (100, "green")


def test_plan_health_from_findings(make_plan) -> None:
    plan = Plan.model_validate(make_plan())

    def finding(code: str, severity: str = "warning") -> Finding:
        return Finding("f", 1, 1, "", code, severity, "m")  # type: ignore[arg-type]

    health = plan_health(
        plan, [finding("no-threat"), finding("no-counter", "info"), finding("gift-risk", "error")]
    )
    assert areas(health) == {
        "people": 100,
        "projects": 100,
        "competition": 84,
        "needs": 70,
        "freshness": 100,
        "position": 100,
    }
    assert (health.score, health.rag) == (74, "amber")  # 96, capped by the error
    assert health.as_dict() == {
        "score": 74,
        "rag": "amber",
        "areas": {
            "people": {"score": 100, "rag": "green", "findings": 0, "missing": []},
            "projects": {"score": 100, "rag": "green", "findings": 0, "missing": []},
            "competition": {"score": 84, "rag": "green", "findings": 2, "missing": []},
            "needs": {"score": 70, "rag": "amber", "findings": 1, "missing": []},
            "freshness": {"score": 100, "rag": "green", "findings": 0, "missing": []},
            "position": {"score": 100, "rag": "green", "findings": 0, "missing": []},
        },
    }


# --- kaplan check ----------------------------------------------------------------------------------------
@pytest.fixture
def three_plans(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make_plan, write_plan) -> None:
    """plans/acme.yaml healthy, plans/bad.yaml invalid, plans/beta.yaml with two warnings."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KAPLAN_TODAY", raising=False)
    write_plan(make_plan(), "acme")
    write_plan("kaplan: 1\naccount: {nmae: Bad}\n", "bad")
    write_plan(
        make_plan(
            people=[merge(ZHAO, {"last_contact": ago(61)}), QIAN], actions=[merge(ACTION, {"due": ago(3)})]
        ),
        "beta",
    )


def test_check_text_ends_each_valid_plan_with_its_health(three_plans) -> None:
    result = CliRunner().invoke(main, ["check", "--today", TODAY.isoformat()])
    assert result.exit_code == 1, result.output  # bad.yaml has a schema error
    lines = result.output.splitlines()
    acme = (
        "plans/acme.yaml: health 100/100 (green) — people 100, projects 100, competition 100, needs 100, "
        "freshness 100, position 100"
    )
    beta = (
        "plans/beta.yaml: health 98/100 (green) — people 100, projects 100, competition 100, needs 100, "
        "freshness 76, position 100"
    )
    assert acme in lines
    assert beta in lines
    assert not any(line.startswith("plans/bad.yaml: health") for line in lines)
    assert lines[-1].startswith("3 plans checked, 1 invalid: ")
    # Each plan's block: its findings, then its health line, before the next plan starts.
    owners = [line.split(":", 1)[0] for line in lines[:-1]]
    assert owners == sorted(owners)
    for name, health_line in (("plans/acme.yaml", acme), ("plans/beta.yaml", beta)):
        block = [i for i, owner in enumerate(owners) if owner == name]
        assert block
        assert lines[block[-1]] == health_line
    beta_findings = [line for line in lines if line.startswith("plans/beta.yaml:") and "health" not in line]
    assert len(beta_findings) == 2
    assert any(line.startswith("plans/bad.yaml:") and " error schema: " in line for line in lines)


def test_check_json_carries_health_per_file(three_plans) -> None:
    result = CliRunner().invoke(main, ["check", "--format", "json", "--today", TODAY.isoformat()])
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert doc["files"] == 3
    assert set(doc["health"]) == {"plans/acme.yaml", "plans/beta.yaml"}
    acme, beta = doc["health"]["plans/acme.yaml"], doc["health"]["plans/beta.yaml"]
    assert (acme["score"], acme["rag"]) == (100, "green")
    assert (beta["score"], beta["rag"]) == (98, "green")
    assert list(beta["areas"]) == [*AREAS, "position"]
    assert beta["areas"]["freshness"] == {"score": 76, "rag": "green", "findings": 2, "missing": []}
    codes = sorted(f["code"] for f in doc["findings"] if f["file"] == "plans/beta.yaml")
    assert codes == ["overdue-action", "stale-contact"]


def test_check_json_health_of_a_plan_with_a_coaching_error(
    tmp_path: Path, monkeypatch, make_plan, write_plan
) -> None:
    monkeypatch.chdir(tmp_path)
    write_plan(make_plan(people=[ZHAO, merge(QIAN, {"status": "left"})]))
    result = CliRunner().invoke(main, ["check", "--format", "json"], env={"KAPLAN_TODAY": TODAY.isoformat()})
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert doc["health"]["plans/acme.yaml"]["score"] == 74
    assert doc["health"]["plans/acme.yaml"]["rag"] == "amber"


def test_health_follows_the_pinned_date(tmp_path: Path, monkeypatch, make_plan, write_plan) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KAPLAN_TODAY", raising=False)
    write_plan(yaml.safe_dump(make_plan(actions=[merge(ACTION, {"due": "2026-11-21"})]), sort_keys=False))
    early = CliRunner().invoke(main, ["check", "--format", "json", "--today", "2026-11-21"])
    late = CliRunner().invoke(main, ["check", "--format", "json", "--today", "2026-11-27"])
    assert json.loads(early.stdout)["health"]["plans/acme.yaml"]["score"] == 100
    assert json.loads(late.stdout)["health"]["plans/acme.yaml"]["areas"]["freshness"]["score"] == 88


# --- position: where we stand to win ----------------------------------------------------------------
def position_of(make_plan, **project: Any) -> int:
    from kaplan.coach.health import position

    score = position(Plan.model_validate(make_plan(projects=[merge(PROJECT, project)])))
    assert score is not None
    return score


@pytest.mark.parametrize(
    ("project", "score"),
    [
        pytest.param({}, 100, id="well-placed"),
        pytest.param({"competition": [{"competitor": "rival", "position": "ahead"}]}, 75, id="ahead"),
        pytest.param({"competition": [{"competitor": "rival", "position": "even"}]}, 90, id="even"),
        pytest.param({"competition": [{"competitor": "rival", "position": "behind"}]}, 100, id="behind"),
        pytest.param(
            {
                "competition": [
                    {"competitor": "rival", "position": "even"},
                    {"competitor": "rival", "position": "ahead"},
                ]
            },
            75,
            id="the-strongest-counts",
        ),
        pytest.param({"buying_team": [merge(PROJECT["buying_team"][1], {})]}, 90, id="no-economic-buyer"),
        pytest.param(
            {"criteria": [{"criterion": "Price", "weight": 0.3, "our_rank": 2}]}, 85, id="key-criterion-lost"
        ),
        pytest.param(
            {"criteria": [{"criterion": "Price", "weight": 0.29, "our_rank": 2}]}, 100, id="minor-criterion"
        ),
        pytest.param(
            {"criteria": [{"criterion": "Price", "weight": 0.5, "our_rank": 1}]}, 100, id="ranked-first"
        ),
        pytest.param({"probability": 29}, 85, id="probability-29"),
        pytest.param({"probability": 30}, 100, id="probability-30"),
    ],
)
def test_position_of_one_project(project: dict[str, Any], score: int, make_plan) -> None:
    assert position_of(make_plan, **project) == score


@pytest.mark.parametrize(
    ("support", "score"), [("skeptic", 80), ("opponent", 80), ("neutral", 90), ("unknown", 90)]
)
def test_position_reads_the_economic_buyer(support: str, score: int, make_plan) -> None:
    from kaplan.coach.health import position

    plan = make_plan(people=[merge(ZHAO, {"support": support}), QIAN])
    assert position(Plan.model_validate(plan)) == score


def test_position_is_weighted_by_value_else_equal(make_plan) -> None:
    from kaplan.coach.health import position

    ahead = [{"competitor": "rival", "position": "ahead"}]
    big = merge(PROJECT, {"id": "p-big", "value": 3_000_000, "competition": ahead})  # 75
    small = merge(PROJECT, {"id": "p-small", "value": 1_000_000})  # 100
    assert position(Plan.model_validate(make_plan(projects=[big, small]))) == round((75 * 3 + 100) / 4)
    unvalued = merge(small, {"value": None})
    assert position(Plan.model_validate(make_plan(projects=[big, unvalued]))) == round((75 + 100) / 2)
    won = merge(big, {"outcome": "won"})
    assert position(Plan.model_validate(make_plan(projects=[won, small]))) == 100  # open projects only


def test_no_open_project_no_position(make_plan, write_plan) -> None:
    health = health_of(write_plan, make_plan(projects=[merge(PROJECT, {"outcome": "won"})]))
    assert "position" not in areas(health)


def test_health_ranks_plans_by_where_we_stand(make_plan, write_plan) -> None:
    """Same upkeep; one has a competitor ahead, a sceptical economic buyer and a lost key criterion."""
    strong = health_of(write_plan, make_plan(), today=TODAY)
    weak_project = merge(
        PROJECT,
        {
            "competition": [{"competitor": "rival", "position": "ahead"}],
            "criteria": [{"criterion": "Uptime", "weight": 0.5, "shaped_by_us": True, "our_rank": 2}],
            "red_flags": ["Zhao prefers the incumbent"],
        },
    )
    weak = health_of(
        write_plan, make_plan(people=[merge(ZHAO, {"support": "skeptic"}), QIAN], projects=[weak_project])
    )
    assert areas(strong)["position"] - areas(weak)["position"] >= 40
    assert areas(weak)["position"] == 40
    assert weak.rag != "green"
    assert strong.rag == "green"


def test_a_waived_finding_does_not_cost_health(make_plan, write_plan) -> None:
    stale = merge(ZHAO, {"last_contact": ago(61)})
    waived = merge(stale, {"waive": {"stale-contact": "on sabbatical until January; agreed with the RVP"}})
    loud = checked(write_plan, make_plan(people=[stale, QIAN]))
    quiet = checked(write_plan, make_plan(people=[waived, QIAN]))
    assert [f.code for f in loud.findings] == ["stale-contact"]
    assert quiet.findings == []
    assert [(f.code, f.waived) for f in quiet.waived] == [
        ("stale-contact", "on sabbatical until January; agreed with the RVP")
    ]
    assert quiet.health is not None
    assert quiet.health.score == 100


# --- the two plans of the issue that used to look healthy -----------------------------------------
def test_a_big_bid_lost_on_position_is_not_green(make_plan, write_plan) -> None:
    """A competitor ahead on a ¥42M bid decided in 19 days, and a final approver nobody has met."""
    chairman = {
        "id": "sun-chair",
        "name": "Sun Li",
        "title": "Chairman",
        "influence": "high",
        "coverage": "none",
    }
    bid = merge(
        PROJECT,
        {
            "value": 42_000_000,
            "timeline": {"decide_by": (TODAY + dt.timedelta(days=19)).isoformat()},
            "competition": [{"competitor": "rival", "position": "ahead"}],
            "buying_team": [
                {
                    "person": "sun-chair",
                    "roles": ["economic_buyer", "approver"],
                    "win": {"personal": "Legacy"},
                },
                *PROJECT["buying_team"],
            ],
            "paper_process": {"approvals": ["sun-chair"]},
        },
    )
    cruxes = [
        *BASE_PLAN["cruxes"],
        {"id": "c-sun", "kind": "person", "statement": "Sun signs", "refs": ["sun-chair"]},
    ]
    result = checked(write_plan, make_plan(people=[ZHAO, QIAN, chairman], projects=[bid], cruxes=cruxes))
    codes = {f.code for f in result.findings}
    assert {"cold-economic-buyer", "unmet-approver", "uncovered-influencer"} <= codes
    assert result.findings[0].code == "cold-economic-buyer"  # the error on the biggest deal first
    health = result.health
    assert health is not None
    assert areas(health)["position"] == 65  # competitor ahead (−25), economic buyer's stance unknown (−10)
    assert health.rag == "amber"


def test_a_sceptical_head_of_procurement_is_a_finding(make_plan, write_plan) -> None:
    """It used to score 100/100 while the high-influence head of procurement was a sceptic."""
    head = {
        "id": "xu-proc",
        "name": "徐立红",
        "title": "采购中心主任",
        "influence": "high",
        "support": "skeptic",
        "coverage": "multiple",
        "last_contact": (TODAY - dt.timedelta(days=5)).isoformat(),
    }
    team = [*PROJECT["buying_team"], {"person": "xu-proc", "roles": ["procurement"]}]
    data = make_plan(
        people=[ZHAO, QIAN, head], projects=[merge(PROJECT, {"buying_team": team})], plan={"locale": "zh"}
    )
    result = checked(write_plan, data)
    (finding,) = [f for f in result.findings if f.code == "unhandled-opponent"]
    assert "徐立红" in finding.message
    assert "他" not in finding.message
    assert finding.project == "p-line"
    assert result.health is not None
    assert result.health.score < 100
