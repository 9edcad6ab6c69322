"""Waivers (a reviewed exception, with its reason) and the order of findings (severity, stake, date)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import BASE_PLAN, TODAY, merge, run

from kaplan.coach.check import CheckedPlan, check_plan
from kaplan.config import Config, Workspace

ZHAO, QIAN = BASE_PLAN["people"]
PROJECT = BASE_PLAN["projects"][0]


def ago(days: int) -> str:
    return (TODAY - dt.timedelta(days=days)).isoformat()


def ahead(days: int) -> str:
    return (TODAY + dt.timedelta(days=days)).isoformat()


def checked(write_plan: Callable[..., Path], content: dict[str, Any]) -> CheckedPlan:
    path = write_plan(content)
    result = check_plan(path, "plans/acme.yaml", Workspace(Config(), path.parent.parent), TODAY)
    assert result.loaded.ok, [f.text() for f in result.findings]
    return result


NO_CRITERIA = merge(PROJECT, {"criteria": None})  # stage 4 without criteria: `no-criteria`


def test_a_waiver_on_a_project_covers_its_findings(make_plan, write_plan) -> None:
    loud = checked(write_plan, make_plan(projects=[NO_CRITERIA]))
    assert [f.code for f in loud.findings] == ["no-criteria"]
    waived = merge(
        NO_CRITERIA, {"waive": {"no-criteria": "framework call-off: criteria are in the frame contract"}}
    )
    quiet = checked(write_plan, make_plan(projects=[waived]))
    assert quiet.findings == []
    (finding,) = quiet.waived
    assert (finding.code, finding.project, finding.waived) == (
        "no-criteria",
        "p-line",
        "framework call-off: criteria are in the frame contract",
    )


def test_a_waiver_silences_only_its_own_code(make_plan, write_plan) -> None:
    waived = merge(NO_CRITERIA, {"waive": {"no-coach": "not this one"}})
    assert [f.code for f in checked(write_plan, make_plan(projects=[waived])).findings] == ["no-criteria"]


def test_a_waiver_on_an_item_covers_what_is_inside_it(make_plan, write_plan) -> None:
    left = merge(QIAN, {"status": "left"})  # left-in-team (error) at projects[0].buying_team[1].person
    member = merge(
        PROJECT["buying_team"][1], {"waive": {"left-in-team": "stays on as a paid adviser to the board"}}
    )
    project = merge(PROJECT, {"buying_team": [PROJECT["buying_team"][0], member]})
    result = checked(write_plan, make_plan(people=[ZHAO, left], projects=[project]))
    assert "left-in-team" not in [f.code for f in result.findings]
    assert [f.code for f in result.waived] == ["left-in-team"]
    assert result.health is not None
    assert result.health.rag == "green"


def test_a_waiver_on_the_plan_root_covers_the_whole_plan(make_plan, write_plan) -> None:
    stale = [merge(ZHAO, {"last_contact": ago(61)}), merge(QIAN, {"last_contact": ago(70)})]
    result = checked(
        write_plan,
        make_plan(people=stale, waive={"stale-contact": "whole team on a plant shutdown since October"}),
    )
    assert result.findings == []
    assert [f.code for f in result.waived] == ["stale-contact", "stale-contact"]


def test_check_counts_waivers_and_they_do_not_fail_it(repo: Path, make_plan, write_plan) -> None:
    left = merge(QIAN, {"status": "left", "coverage": "brief"})
    project = merge(PROJECT, {"waive": {"left-in-team": "replacement named, team re-mapped next week"}})
    (repo / "plans" / "acme.yaml").write_text(
        json.dumps(make_plan(people=[ZHAO, left], projects=[project])), encoding="utf-8"
    )
    text = run("check", "--today", TODAY.isoformat())
    assert text.exit_code == 0, text.output
    assert "left-in-team" not in text.output
    assert text.output.splitlines()[-1].endswith(", 1 waived")
    doc = json.loads(run("check", "--format", "json", "--today", TODAY.isoformat()).stdout)
    (entry,) = [f for f in doc["findings"] if f["code"] == "left-in-team"]
    assert entry["waived"] == "replacement named, team re-mapped next week"
    assert entry["project"] == "p-line"
    assert all(set(f) >= {"project", "waived"} for f in doc["findings"])
    github = run("check", "--format", "github", "--today", TODAY.isoformat())
    assert "left-in-team" not in github.output


def test_an_unknown_waiver_code_stops_the_plan(repo: Path, make_plan) -> None:
    (repo / "plans" / "acme.yaml").write_text(
        json.dumps(make_plan(waive={"stale-contcat": "typo"})), encoding="utf-8"
    )
    result = run("check", "--today", TODAY.isoformat())
    assert result.exit_code == 1
    assert "error schema: waive.stale-contcat: 'stale-contcat' is not a coaching rule" in result.output
    assert "did you mean 'stale-contact'?" in result.output


# --- order and stake ------------------------------------------------------------------------------------


def test_findings_name_their_project(make_plan, write_plan) -> None:
    result = checked(write_plan, make_plan(projects=[NO_CRITERIA], plan={"reviewed": ago(200)}))
    assert [(f.code, f.project) for f in result.findings] == [
        ("no-criteria", "p-line"),
        ("stale-review", None),
    ]


def project(ident: str, value: int | None, decide_by: str | None = None) -> dict[str, Any]:
    extra: dict[str, Any] = {"id": ident, "name": ident.title(), "value": value, "criteria": None}
    if decide_by:
        extra["timeline"] = {"decide_by": decide_by}
    return merge(PROJECT, extra)


def test_the_most_valuable_project_comes_first(make_plan, write_plan) -> None:
    projects = [project("p-small", 100_000), project("p-none", None), project("p-big", 9_000_000)]
    result = checked(write_plan, make_plan(projects=projects, plan={"reviewed": ago(200)}))
    # warnings: by value at stake (no value counts as 0), then the plan-level finding
    assert [(f.code, f.project) for f in result.findings] == [
        ("no-criteria", "p-big"),
        ("no-criteria", "p-small"),
        ("no-criteria", "p-none"),
        ("stale-review", None),
    ]


def test_at_equal_stake_the_nearest_decision_comes_first(make_plan, write_plan) -> None:
    projects = [
        project("p-late", 500_000, ahead(90)),
        project("p-soon", 500_000, ahead(40)),
        project("p-open", 500_000),
    ]
    result = checked(write_plan, make_plan(projects=projects))
    assert [f.project for f in result.findings] == ["p-soon", "p-late", "p-open"]


def test_errors_come_before_warnings_of_a_bigger_project(make_plan, write_plan) -> None:
    left = merge(QIAN, {"status": "left"})
    small = merge(project("p-small", 10_000), {"criteria": PROJECT["criteria"]})
    big = project("p-big", 9_000_000)
    small_team = [PROJECT["buying_team"][0], PROJECT["buying_team"][1]]
    big = merge(big, {"buying_team": [PROJECT["buying_team"][0]]})
    small = merge(small, {"buying_team": small_team})
    result = checked(write_plan, make_plan(people=[ZHAO, left], projects=[big, small]))
    severities = [f.severity for f in result.findings]
    assert severities == sorted(severities, key=["error", "warning", "info"].index)
    assert (result.findings[0].code, result.findings[0].project) == ("left-in-team", "p-small")


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_the_order_is_the_same_in_every_format(fmt: str, repo: Path, make_plan) -> None:
    projects = [project("p-small", 100_000), project("p-big", 9_000_000)]
    (repo / "plans" / "acme.yaml").write_text(json.dumps(make_plan(projects=projects)), encoding="utf-8")
    result = run("check", "--format", fmt, "--today", TODAY.isoformat())
    if fmt == "json":
        order = [f["project"] for f in json.loads(result.stdout)["findings"]]
    else:
        order = [
            "p-big" if "Big" in line or "projects[1]" in line else "p-small"
            for line in result.output.splitlines()[:-2]
        ]
    assert order == ["p-big", "p-small"]
