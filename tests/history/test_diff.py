"""kaplan diff: plan changes by meaning between git revisions, and a plan's history."""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click
import pytest
import yaml
from click.testing import CliRunner
from conftest import TODAY

from kaplan.coach.check import parse_today
from kaplan.config import load_workspace
from kaplan.errors import UsageError
from kaplan.history.changes import KINDS, AccountDiff, Change, diff_plans
from kaplan.history.diff import DiffReport, Scope, compare_revisions, diff_revisions
from kaplan.history.log import plan_history
from kaplan.history.report import FORMATS, format_json, format_markdown, format_report, format_text
from kaplan.plan.model import Plan

GIT_ENV = {
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_COMMITTER_NAME": "CI",
    "GIT_COMMITTER_EMAIL": "ci@example.com",
}

ACME_A: dict[str, Any] = {
    "kaplan": 1,
    "plan": {"owner": "li-ming", "reviewed": "2026-09-01", "locale": "en"},
    "account": {"name": "Acme Steel"},
    "team": [{"id": "li-ming", "name": "Li Ming"}],
    "people": [
        {
            "id": "zhao-gm",
            "name": "Zhao Gang",
            "title": "GM",
            "influence": "medium",
            "support": "neutral",
            "coverage": "brief",
        },
        {"id": "qian-cto", "name": "Qian Wei", "title": "CTO"},
        {"id": "sun-buyer", "name": "Sun Li"},
        {"id": "li-user", "name": "Li Na"},
        {"id": "zhou-eng", "name": "Zhou Bo"},
        {"id": "wu-back", "name": "Wu Fei", "status": "left"},
    ],
    "competitors": [
        {"id": "rival", "name": "Rival Co", "threat": "medium"},
        {"id": "oldco", "name": "Old Co", "status": "incumbent", "threat": "low"},
        {"id": "gone-co", "name": "Gone Co"},
    ],
    "needs": [
        {"id": "n-uptime", "statement": "Less downtime"},
        {"id": "n-old", "statement": "Cheaper  spares,\nsoon"},
    ],
    "projects": [
        {
            "id": "p-line",
            "name": "Line 3 drive upgrade",
            "stage": 3,
            "buying_team": [
                {"person": "zhao-gm", "roles": ["economic_buyer"]},
                {"person": "qian-cto", "roles": ["champion"]},
            ],
            "red_flags": ["Budget not approved", "Rival is cheaper"],
        },
        {"id": "p-slip", "name": "Slipping deal", "stage": 5},
        {"id": "p-win", "name": "Winner", "stage": 7},
        {"id": "p-lose", "name": "Loser", "stage": 6},
        {"id": "p-nd", "name": "Stalled", "stage": 4},
        {"id": "p-gone", "name": "Cancelled", "stage": 2},
    ],
    "cruxes": [
        {"id": "c-zhao", "kind": "person", "statement": "Zhao decides", "refs": ["zhao-gm"]},
        {"id": "c-old", "kind": "product_service", "statement": "Prove uptime"},
    ],
    "actions": [
        {"id": "a-visit", "what": "Site visit", "due": "2026-12-10"},
        {"id": "a-drop", "what": "Send brochure"},
        {"id": "a-reopen", "what": "Call Qian", "status": "done"},
        {"id": "a-gone", "what": "Old task"},
        {"id": "a-late", "what": "Send quote", "due": "2026-12-20"},
        {"id": "a-already", "what": "Old overdue", "due": "2026-10-01"},
    ],
}


def _acme_b() -> dict[str, Any]:
    b = copy.deepcopy(ACME_A)
    b["plan"]["reviewed"] = "2026-11-20"
    people = {p["id"]: p for p in b["people"]}
    people["zhao-gm"].update(title="Chairman", influence="high", support="supporter", coverage="in_depth")
    people["li-user"]["status"] = "left"
    people["zhou-eng"]["status"] = "moved"
    people["wu-back"]["status"] = "active"
    del people["sun-buyer"]
    b["people"] = [*people.values(), {"id": "wang-fang", "name": "Wang Fang", "title": "Purchasing Director"}]
    b["competitors"] = [
        {"id": "rival", "name": "Rival Co", "threat": "high"},
        {"id": "oldco", "name": "Old Co", "status": "displaced", "threat": "low"},
        {"id": "newco", "name": "New Co", "threat": "high"},
    ]
    b["needs"] = [
        {"id": "n-uptime", "statement": "Less downtime"},
        {"id": "n-new", "statement": "Remote monitoring"},
    ]
    b["projects"] = [
        {
            "id": "p-line",
            "name": "Line 3 drive upgrade",
            "stage": 5,
            "buying_team": [
                {"person": "zhao-gm", "roles": ["economic_buyer", "approver"]},
                {"person": "zhou-eng", "roles": ["technical_buyer"]},
            ],
            "red_flags": ["Rival is cheaper", "New CFO"],
        },
        {"id": "p-slip", "name": "Slipping deal", "stage": 4},
        {"id": "p-win", "name": "Winner", "stage": 7, "outcome": "won"},
        {"id": "p-lose", "name": "Loser", "stage": 6, "outcome": "lost"},
        {"id": "p-nd", "name": "Stalled", "stage": 4, "outcome": "no_decision"},
        {"id": "p-new", "name": "Spare parts deal", "stage": 1},
    ]
    b["cruxes"] = [
        {"id": "c-zhao", "kind": "person", "statement": "Zhao decides", "refs": ["zhao-gm"]},
        {"id": "c-new", "kind": "special_need", "statement": "Local service within 24 h"},
    ]
    b["actions"] = [
        {"id": "a-visit", "what": "Site visit", "due": "2026-12-10", "status": "done"},
        {"id": "a-drop", "what": "Send brochure", "status": "dropped"},
        {"id": "a-reopen", "what": "Call Qian"},
        {"id": "a-late", "what": "Send quote", "due": "2026-11-01"},
        {"id": "a-already", "what": "Old overdue", "due": "2026-10-01"},
        {"id": "a-new", "what": "Demo", "due": "2027-01-15"},
        {"id": "a-new-late", "what": "Call back", "due": "2026-11-02"},
    ]
    return b


def _small(name: str, stage: int, locale: str | None = None, support: str = "neutral") -> dict[str, Any]:
    plan: dict[str, Any] = {
        "kaplan": 1,
        "account": {"name": name},
        "people": [{"id": "wang-fang", "name": "王芳", "support": support}],
        "projects": [{"id": "p-main", "name": f"{name} project", "stage": stage}],
    }
    if locale:
        plan["plan"] = {"locale": locale}
    return plan


def _dump(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def git(repo: Path, *args: str, **env: str) -> str:
    """Run git in the test repository (never the code under test's way of reading it)."""
    out = subprocess.run(
        ["git", *args],
        cwd=repo,
        env={**os.environ, **GIT_ENV, "GIT_OPTIONAL_LOCKS": "0", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout


def commit(repo: Path, message: str, author: str, date: str) -> None:
    git(repo, "add", "-A")
    when = f"{date}T10:00:00+08:00"
    git(
        repo,
        "commit",
        "-q",
        "-m",
        message,
        GIT_AUTHOR_NAME=author,
        GIT_AUTHOR_EMAIL="a@example.com",
        GIT_AUTHOR_DATE=when,
        GIT_COMMITTER_DATE=when,
    )


def write(repo: Path, rel: str, text: str) -> None:
    path = repo / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A plans repository: tags c1 and c2, then uncommitted edits in the working tree."""
    root = tmp_path_factory.mktemp("plans-repo")
    git(root, "-c", "init.defaultBranch=main", "init", "-q")
    write(root, "kaplan.yaml", "plans: plans\n")
    write(root, "plans/acme.yaml", _dump(ACME_A))
    write(root, "plans/baosteel.yaml", _dump(_small("宝钢", 2, "zh")))
    write(root, "plans/old-name.yaml", _dump(_small("Renamed Co", 1)))
    write(root, "plans/gone.yaml", _dump(_small("Gone Ltd", 3)))
    write(root, "plans/broken.yaml", _dump(_small("Broken Inc", 2)))
    write(root, "plans/same.yaml", _dump(_small("Same Co", 2)))
    write(root, "plans/wording.yaml", _dump(_small("Wording Co", 2)))
    write(root, "notes/readme.yaml", _dump(_small("Not a plan folder", 2)))
    commit(root, "First plans", "Li Wei", "2026-10-02")
    git(root, "tag", "c1")

    write(root, "plans/acme.yaml", _dump(_acme_b()))
    write(root, "plans/baosteel.yaml", _dump(_small("宝钢", 3, "zh", support="supporter")))
    git(root, "mv", "plans/old-name.yaml", "plans/new-name.yaml")
    write(root, "plans/new-name.yaml", _dump(_small("Renamed Co", 2)))
    (root / "plans/gone.yaml").unlink()
    fresh = {"kaplan": 1, "account": {"name": "Fresh Co", "industry": "Cement", "hq": "Tangshan"}}
    fresh["competitors"] = [{"id": f"rival-{i}", "name": f"Rival {i}", "threat": "low"} for i in range(4)]
    write(root, "plans/fresh.yaml", _dump(fresh))
    write(root, "plans/broken.yaml", _dump(_small("Broken Inc", 2, support="suporter")))
    write(root, "plans/wording.yaml", "# only a comment changed\n" + _dump(_small("Wording Co", 2)))
    write(root, "notes/readme.yaml", _dump(_small("Not a plan folder", 5)))
    commit(root, "Meeting with Zhao", "Zhang San", "2026-11-20")
    git(root, "tag", "c2")

    # Uncommitted: an edit, and a rename git does not know about (a plain mv).
    acme = _acme_b()
    acme["projects"][0]["stage"] = 6
    write(root, "plans/acme.yaml", _dump(acme))
    (root / "plans/new-name.yaml").rename(root / "plans/renamed.yaml")
    return root


def _report(repo: Path, *args: str) -> DiffReport:
    return compare_revisions(args, load_workspace(repo), TODAY, cwd=repo)


def _account(report: DiffReport, ident: str) -> AccountDiff:
    return next(a for a in report.accounts if a.id == ident)


def _kinds(account: AccountDiff) -> list[str]:
    return [c.kind for c in account.changes]


def _state(repo: Path) -> tuple[str, ...]:
    index = hashlib.sha256((repo / ".git" / "index").read_bytes()).hexdigest()
    return (
        git(repo, "status", "--porcelain", "--untracked-files=all"),
        git(repo, "rev-parse", "HEAD"),
        git(repo, "for-each-ref"),
        git(repo, "count-objects", "-v"),
        index,
    )


# --- between two revisions -------------------------------------------------------------------------


def test_two_revisions_exercise_every_kind(repo: Path) -> None:
    report = _report(repo, "c1", "c2")
    seen = {c.kind for a in report.accounts for c in a.changes}
    assert seen == set(KINDS)
    assert (report.rev_a, report.rev_b) == ("c1", "c2")


def test_changes_have_paths_values_and_messages(repo: Path) -> None:
    acme = _account(_report(repo, "c1", "c2"), "acme")
    assert acme.name == "Acme Steel"
    assert acme.file == "plans/acme.yaml"
    changes = acme.changes
    expected = [
        Change("plan_reviewed", "plan.reviewed", "2026-09-01", "2026-11-20", "Plan reviewed on 2026-11-20"),
        Change(
            "stage_advanced",
            "projects[p-line].stage",
            3,
            5,
            "Line 3 drive upgrade: stage 3 → 5 (evaluation)",
        ),
        Change(
            "stage_slipped", "projects[p-slip].stage", 5, 4, "Slipping deal: slipped, stage 5 → 4 (criteria)"
        ),
        Change("project_won", "projects[p-win].outcome", "open", "won", "Winner: open → won"),
        Change("project_lost", "projects[p-lose].outcome", "open", "lost", "Loser: open → lost"),
        Change(
            "outcome_changed", "projects[p-nd].outcome", "open", "no_decision", "Stalled: open → no decision"
        ),
        Change(
            "roles_changed",
            "projects[p-line].buying_team[zhao-gm].roles",
            ["economic_buyer"],
            ["economic_buyer", "approver"],
            "Line 3 drive upgrade: Zhao Gang, roles economic buyer → economic buyer, approver",
        ),
        Change(
            "roles_changed",
            "projects[p-line].buying_team[zhou-eng].roles",
            None,
            ["technical_buyer"],
            "Line 3 drive upgrade: Zhou Bo joins the buying team (technical buyer)",
        ),
        Change(
            "roles_changed",
            "projects[p-line].buying_team[qian-cto].roles",
            ["champion"],
            None,
            "Line 3 drive upgrade: Qian Wei leaves the buying team",
        ),
        Change(
            "red_flag_added",
            "projects[p-line].red_flags[1]",
            None,
            "New CFO",
            "Line 3 drive upgrade: new red flag: New CFO",
        ),
        Change(
            "red_flag_resolved",
            "projects[p-line].red_flags[0]",
            "Budget not approved",
            None,
            "Line 3 drive upgrade: red flag resolved: Budget not approved",
        ),
        Change("person_left", "people[li-user].status", "active", "left", "Li Na has left"),
        Change("person_moved", "people[zhou-eng].status", "active", "moved", "Zhou Bo has moved"),
        Change(
            "person_status_changed",
            "people[wu-back].status",
            "left",
            "active",
            "Wu Fei: status left → active",
        ),
        Change("title_changed", "people[zhao-gm].title", "GM", "Chairman", "Zhao Gang: title GM → Chairman"),
        Change(
            "support_changed",
            "people[zhao-gm].support",
            "neutral",
            "supporter",
            "Zhao Gang: support neutral → supporter",
        ),
        Change(
            "influence_changed",
            "people[zhao-gm].influence",
            "medium",
            "high",
            "Zhao Gang: influence medium → high",
        ),
        Change(
            "coverage_changed",
            "people[zhao-gm].coverage",
            "brief",
            "in_depth",
            "Zhao Gang: coverage brief → in depth",
        ),
        Change(
            "threat_changed", "competitors[rival].threat", "medium", "high", "Rival Co: threat medium → high"
        ),
        Change(
            "competitor_status_changed",
            "competitors[oldco].status",
            "incumbent",
            "displaced",
            "Old Co: status incumbent → displaced",
        ),
        Change("action_done", "actions[a-visit].status", "open", "done", "Action done: Site visit"),
        Change(
            "action_dropped", "actions[a-drop].status", "open", "dropped", "Action dropped: Send brochure"
        ),
        Change("action_reopened", "actions[a-reopen].status", "done", "open", "Action reopened: Call Qian"),
        Change(
            "action_overdue",
            "actions[a-late].due",
            "2026-12-20",
            "2026-11-01",
            "Action now overdue: Send quote (due 2026-11-01)",
        ),
        Change(
            "action_overdue",
            "actions[a-new-late].due",
            None,
            "2026-11-02",
            "Action now overdue: Call back (due 2026-11-02)",
        ),
    ]
    for change in expected:
        assert change in changes, change
    # Added and removed items carry their YAML value, and null on the other side.
    by_path = {c.path: c for c in acme.changes}
    assert by_path["projects[p-new]"].after == {"id": "p-new", "name": "Spare parts deal", "stage": 1}
    assert by_path["projects[p-new]"].message == "New project: Spare parts deal at stage 1 (need)"
    assert by_path["projects[p-gone]"].before["name"] == "Cancelled"
    assert by_path["projects[p-gone]"].after is None
    assert by_path["people[wang-fang]"].message == "New person: Wang Fang, Purchasing Director"
    assert by_path["people[sun-buyer]"].kind == "person_removed"
    assert by_path["competitors[newco]"].message == "New competitor: New Co (threat high)"
    assert by_path["competitors[gone-co]"].kind == "competitor_removed"
    assert by_path["needs[n-old]"].message == "Need resolved: Cheaper spares, soon"
    assert by_path["needs[n-new]"].kind == "need_added"
    assert by_path["cruxes[c-old]"].kind == "crux_resolved"
    assert by_path["cruxes[c-new]"].message == "New crux: Local service within 24 h"
    assert by_path["actions[a-new]"].message == "New action: Demo (due 2027-01-15)"
    assert by_path["actions[a-gone]"].kind == "action_removed"
    # Already overdue at both revisions: not "now" overdue.
    assert "actions[a-already].due" not in by_path


def test_messages_in_the_plans_locale(repo: Path) -> None:
    bao = _account(_report(repo, "c1", "c2"), "baosteel")
    assert [c.message for c in bao.changes] == [
        "宝钢 project：阶段 2 → 3（项目立项，组建采购小组）",
        "王芳：态度 中立 → 支持",
    ]


def test_default_locale_words_plans_without_one(repo: Path) -> None:
    report = diff_revisions(repo, "c1", "c2", today=TODAY, locale="zh")
    fresh = _account(report, "fresh")
    assert fresh.changes == [
        Change("plan_added", "", None, "plans/fresh.yaml", "新增计划：Fresh Co（plans/fresh.yaml）")
    ]


def test_plans_added_removed_and_renamed(repo: Path) -> None:
    report = _report(repo, "c1", "c2")
    assert _account(report, "fresh").changes[0].kind == "plan_added"
    gone = _account(report, "gone")
    assert gone.changes == [
        Change("plan_removed", "", "plans/gone.yaml", None, "Plan removed: Gone Ltd (plans/gone.yaml)")
    ]
    renamed = _account(report, "new-name")
    assert renamed.changes == [
        Change(
            "plan_renamed",
            "",
            "plans/old-name.yaml",
            "plans/new-name.yaml",
            "Plan renamed: plans/old-name.yaml → plans/new-name.yaml",
        ),
        Change(
            "stage_advanced", "projects[p-main].stage", 1, 2, "Renamed Co project: stage 1 → 2 (screening)"
        ),
    ]
    assert "old-name" not in {a.id for a in report.accounts}


def test_unchanged_and_wording_only_plans_are_not_listed(repo: Path) -> None:
    ids = {a.id for a in _report(repo, "c1", "c2").accounts}
    assert "same" not in ids
    assert "wording" not in ids
    assert "readme" not in ids  # outside the plans folder


def test_plan_invalid_at_one_revision_is_reported_with_findings(repo: Path) -> None:
    report = _report(repo, "c1", "c2")
    broken = _account(report, "broken")
    assert broken.changes == [
        Change("plan_invalid", "", 0, 1, "Plan is invalid at c2 (1 error)"),
    ]
    assert [(f.file, f.code, f.path) for f in broken.findings] == [
        ("c2:plans/broken.yaml", "schema", "people[0].support")
    ]
    assert broken.findings[0].line == 7
    assert broken.invalid_after
    assert report.failed

    back = _account(_report(repo, "c2", "c1"), "broken")
    assert back.changes == [Change("plan_invalid", "", 1, 0, "Plan is invalid at c2 (1 error); valid at c1")]
    assert not back.invalid_after


def test_order_alone_is_no_change() -> None:
    before = copy.deepcopy(ACME_A)
    before["projects"][0]["buying_team"][0]["roles"] = ["economic_buyer", "approver"]
    after = copy.deepcopy(before)
    after["people"].reverse()
    after["actions"].reverse()
    after["projects"][0]["buying_team"].reverse()
    after["projects"][0]["buying_team"][1]["roles"] = ["approver", "economic_buyer"]
    assert diff_plans(Plan.model_validate(before), Plan.model_validate(after), TODAY) == []


def test_scope() -> None:
    plans = Scope(folders=("plans",), files=("notes/extra.yaml",))
    assert plans.holds("plans/acme.yaml")
    assert plans.holds("notes/extra.yaml")
    assert not plans.holds("plans/sub/acme.yaml")
    assert not plans.holds("plans/acme.yml")
    assert not plans.holds("notes/other.yaml")
    root = Scope(folders=("",))
    assert root.holds("acme.yaml")
    assert not root.holds("kaplan.yaml")


# --- the working tree ----------------------------------------------------------------------------


def test_default_is_head_against_the_working_tree(repo: Path) -> None:
    report = _report(repo)
    assert (report.rev_a, report.rev_b) == ("HEAD", None)
    assert [a.id for a in report.accounts] == ["acme", "renamed"]
    assert _account(report, "acme").changes == [
        Change(
            "stage_advanced", "projects[p-line].stage", 5, 6, "Line 3 drive upgrade: stage 5 → 6 (preferred)"
        )
    ]
    # An untracked rename is found too; the invalid plan did not change, so it is not reported.
    assert _account(report, "renamed").changes == [
        Change(
            "plan_renamed",
            "",
            "plans/new-name.yaml",
            "plans/renamed.yaml",
            "Plan renamed: plans/new-name.yaml → plans/renamed.yaml",
        )
    ]
    assert not report.failed


def test_one_revision_against_the_working_tree(repo: Path) -> None:
    report = _report(repo, "c1")
    assert report.rev_b is None
    acme = _account(report, "acme")
    assert (
        Change(
            "stage_advanced", "projects[p-line].stage", 3, 6, "Line 3 drive upgrade: stage 3 → 6 (preferred)"
        )
        in acme.changes
    )
    assert _account(report, "renamed").changes[0] == Change(
        "plan_renamed",
        "",
        "plans/old-name.yaml",
        "plans/renamed.yaml",
        "Plan renamed: plans/old-name.yaml → plans/renamed.yaml",
    )
    # Findings of the working tree name the file as it is on disk.
    assert _account(report, "broken").findings[0].file == "plans/broken.yaml"


# --- arguments -------------------------------------------------------------------------------------


def test_paths_limit_the_plans(repo: Path) -> None:
    assert [a.id for a in _report(repo, "c1", "c2", "plans/acme.yaml").accounts] == ["acme"]
    only_path = _report(repo, "plans/acme.yaml")
    assert (only_path.rev_a, only_path.rev_b) == ("HEAD", None)
    assert [a.id for a in only_path.accounts] == ["acme"]
    assert [a.id for a in _report(repo, "c1", "c2", "notes").accounts] == ["readme"]
    # A plan gone from the working tree can still be named after the revisions.
    assert [a.id for a in _report(repo, "c1", "c2", "plans/gone.yaml").accounts] == ["gone"]


def test_paths_are_relative_to_the_current_folder(repo: Path) -> None:
    report = compare_revisions(["c1", "c2", "acme.yaml"], load_workspace(repo), TODAY, cwd=repo / "plans")
    assert [a.id for a in report.accounts] == ["acme"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope"], "unknown revision 'nope'"),
        (["c1", "nope"], "'nope' is no revision, and names no plan file or folder in c1 or the working tree"),
        (["plans/missing.yaml"], "give a revision first"),
        (["c1", "c2", "plans/missing.yaml"], "'plans/missing.yaml' names no plan file or folder in c1 or c2"),
        (["--bad"], "unknown revision '--bad'"),
        (["c1", "c2", "../elsewhere"], "outside the git repository"),
    ],
)
def test_usage_errors(repo: Path, args: list[str], message: str) -> None:
    with pytest.raises(UsageError, match=message.replace("(", r"\(").replace(")", r"\)")):
        _report(repo, *args)


def test_revision_that_is_also_a_path_is_ambiguous(repo: Path) -> None:
    (repo / "c1").mkdir()
    try:
        with pytest.raises(UsageError, match="both a revision and a file"):
            _report(repo, "c1")
    finally:
        (repo / "c1").rmdir()


def test_outside_a_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    folder = tmp_path / "loose"
    folder.mkdir()
    with pytest.raises(UsageError, match="not in a git work tree"):
        compare_revisions([], load_workspace(folder), TODAY, cwd=folder)


def test_repository_without_commits(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    with pytest.raises(UsageError, match="unknown revision 'HEAD': the repository has no commit yet"):
        compare_revisions([], load_workspace(tmp_path), TODAY, cwd=tmp_path)


def test_git_missing(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "")
    with pytest.raises(UsageError, match="needs git"):
        _report(repo)


def test_repository_and_working_tree_are_unchanged(repo: Path) -> None:
    before = _state(repo)
    for args in ([], ["c1"], ["c1", "c2"], ["c2", "c1"], ["c1", "plans/acme.yaml"]):
        _report(repo, *args)
    plan_history(repo, "plans/acme.yaml")
    plan_history(repo, "plans/new-name.yaml")
    assert _state(repo) == before
    assert (repo / "plans" / "renamed.yaml").is_file()
    assert not (repo / "plans" / "new-name.yaml").exists()


# --- formats ----------------------------------------------------------------------------------------


def test_text_format(repo: Path) -> None:
    text = format_text(_report(repo, "c1", "c2"))
    lines = text.splitlines()
    assert "Acme Steel (plans/acme.yaml)" in lines
    at = lines.index("Acme Steel (plans/acme.yaml)")
    assert lines[at + 1].split() == ["plan_reviewed", "Plan", "reviewed", "on", "2026-11-20"]
    assert "  c2:plans/broken.yaml:7:" in text
    assert lines[-1].startswith("6 plans changed, ")
    assert lines[-1].endswith(": c1 → c2")
    empty = format_text(DiffReport("HEAD", None))
    assert empty == "no plan changes: HEAD → working tree\n"


def test_markdown_format(repo: Path) -> None:
    md = format_markdown(_report(repo, "c1", "c2"))
    assert md.startswith("## Plan changes: `c1` → `c2`\n")
    assert "### Acme Steel (`plans/acme.yaml`)\n\n- Plan reviewed on 2026-11-20\n" in md
    assert "- Line 3 drive upgrade: stage 3 → 5 (evaluation)\n" in md
    assert "Findings:" in md
    assert "- `c2:plans/broken.yaml:7:" in md
    assert md.isascii() is False  # Chinese messages pass through; no emoji are added
    weird = DiffReport(
        "HEAD",
        None,
        [AccountDiff("x", "A*B_C <D>", "plans/x.yaml", [Change("plan_added", "", None, "x", "New [x]")])],
    )
    assert "### A\\*B\\_C \\<D\\> (`plans/x.yaml`)" in format_markdown(weird)
    assert "- New \\[x\\]" in format_markdown(weird)
    assert "No plan changes." in format_markdown(DiffReport("HEAD", None))


def test_json_format(repo: Path) -> None:
    doc = json.loads(format_json(_report(repo, "c1", "c2")))
    assert doc["from"] == "c1"
    assert doc["to"] == "c2"
    ids = [a["id"] for a in doc["accounts"]]
    assert ids == sorted(ids)
    acme = next(a for a in doc["accounts"] if a["id"] == "acme")
    assert set(acme) == {"id", "name", "file", "changes", "findings"}
    assert all(set(c) == {"kind", "path", "before", "after", "message"} for c in acme["changes"])
    assert {
        "kind": "support_changed",
        "path": "people[zhao-gm].support",
        "before": "neutral",
        "after": "supporter",
        "message": "Zhao Gang: support neutral → supporter",
    } in acme["changes"]
    broken = next(a for a in doc["accounts"] if a["id"] == "broken")
    assert broken["findings"][0]["code"] == "schema"
    assert json.loads(format_report(DiffReport("HEAD", None), "json")) == {
        "from": "HEAD",
        "to": None,
        "accounts": [],
    }


# --- history -------------------------------------------------------------------------------------------


def test_plan_history(repo: Path) -> None:
    entries = plan_history(repo, "plans/acme.yaml")
    assert [(e.date, e.author, e.subject) for e in entries] == [
        ("2026-11-20", "Zhang San", "Meeting with Zhao"),
        ("2026-10-02", "Li Wei", "First plans"),
    ]
    assert entries[0].commit == git(repo, "rev-parse", "c2").strip()
    latest = {c.path: c for c in entries[0].changes}
    assert latest["projects[p-line].stage"].message == "Line 3 drive upgrade: stage 3 → 5 (evaluation)"
    # "Now overdue" is judged on the commit's date: a-late (due 2026-11-01) was overdue on 2026-11-20.
    assert latest["actions[a-late].due"].kind == "action_overdue"
    assert [c.kind for c in entries[1].changes] == ["plan_added"]
    assert len(plan_history(repo, repo / "plans" / "acme.yaml", limit=1)) == 1


def test_plan_history_follows_renames_and_shows_invalid_plans(repo: Path) -> None:
    renamed = plan_history(repo, "plans/new-name.yaml")
    assert [c.kind for c in renamed[0].changes] == ["plan_renamed", "stage_advanced"]
    assert renamed[1].changes[0].after == "plans/old-name.yaml"
    broken = plan_history(repo, "plans/broken.yaml")
    assert broken[0].changes[0].kind == "plan_invalid"
    assert broken[0].changes[0].message.startswith("Plan is invalid at ")


def test_plan_history_without_git_is_empty(
    tmp_path: Path, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    write(tmp_path, "plans/acme.yaml", _dump(ACME_A))
    assert plan_history(tmp_path, "plans/acme.yaml") == []
    assert plan_history(repo, "plans/never-committed.yaml") == []
    assert plan_history(repo, tmp_path / "outside.yaml") == []
    monkeypatch.setenv("PATH", "")
    assert plan_history(repo, "plans/acme.yaml") == []


# --- the command (the glue to paste into kaplan/cli.py) ------------------------------------------


def _command() -> click.Command:
    from kaplan.cli import KaplanCommand, _echo_config_findings, _workspace

    @click.command("diff", cls=KaplanCommand)
    @click.argument("args", nargs=-1, metavar="[REV_A [REV_B]] [PATH...]")
    @click.option(
        "--format",
        "fmt",
        type=click.Choice(FORMATS),
        default="text",
        show_default=True,
        help="Output format.",
    )
    @click.option(
        "--today",
        metavar="YYYY-MM-DD",
        help="Pin today's date for 'now overdue' (default: KAPLAN_TODAY or the real date).",
    )
    def diff_command(args: Sequence[str], fmt: str, today: str | None) -> None:
        project = _workspace()
        # Markdown and JSON go to a pull request or a script: kaplan.yaml problems go to stderr.
        if _echo_config_findings(project, "text" if fmt == "text" else "json"):
            sys.exit(1)
        report = compare_revisions(args, project, parse_today(today))
        click.echo(format_report(report, fmt), nl=False)
        sys.exit(1 if report.failed else 0)

    return diff_command


def test_command_exit_codes(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    command = _command()
    runner = CliRunner()
    monkeypatch.chdir(repo)
    monkeypatch.setenv("KAPLAN_TODAY", "2026-11-27")
    default = runner.invoke(command, [])
    assert default.exit_code == 0, default.output
    assert "stage 5 → 6 (preferred)" in default.output
    between = runner.invoke(command, ["c1", "c2", "--format", "json"])
    assert between.exit_code == 1  # broken.yaml is invalid at c2
    assert json.loads(between.stdout)["to"] == "c2"
    assert runner.invoke(command, ["c2", "c1", "--format", "markdown"]).exit_code == 0
    unknown = runner.invoke(command, ["nope"])
    assert unknown.exit_code == 2
    assert "unknown revision 'nope'" in unknown.output
    assert runner.invoke(command, ["--today", "soon"]).exit_code == 2
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    outside = runner.invoke(command, [])
    assert outside.exit_code == 2
    assert "not in a git work tree" in outside.output


@pytest.mark.parametrize(("locale", "message"), [("en", ", lost"), ("zh", "，丢单")])
def test_a_project_entered_once_it_was_over_says_how_it_ended(locale: str, message: str) -> None:
    from kaplan.history.changes import diff_plans
    from kaplan.plan.model import Plan

    before = Plan.model_validate({"kaplan": 1, "account": {"name": "Acme"}})
    lost = {"id": "p-tender", "name": "Tap-hole clay tender", "stage": 6, "outcome": "lost"}
    after = Plan.model_validate({"kaplan": 1, "account": {"name": "Acme"}, "projects": [lost]})
    (change,) = diff_plans(before, after, dt.date(2026, 12, 1), locale)  # type: ignore[arg-type]
    assert change.kind == "project_added"
    assert change.message.endswith(message)
