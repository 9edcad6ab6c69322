"""Account pages of the site show the plan's recent history from git, as the audience may see it."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import build, run


def git(repo: Path, *args: str, author: str = "Li Wei") -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": author,
        "GIT_AUTHOR_EMAIL": "li@example.com",
        "GIT_COMMITTER_NAME": author,
        "GIT_COMMITTER_EMAIL": "li@example.com",
        "GIT_AUTHOR_DATE": "2026-10-02T10:00:00",
        "GIT_COMMITTER_DATE": "2026-10-02T10:00:00",
    }
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


def build_site(repo: Path, monkeypatch: pytest.MonkeyPatch, *extra: str) -> str:
    monkeypatch.chdir(repo)
    result = build("--no-pdf", "--no-brief", *extra)
    assert result.exit_code == 0, result.output
    return (repo / "build" / "accounts" / "acme.html").read_text(encoding="utf-8")


def write(repo: Path, data: dict[str, Any]) -> None:
    (repo / "plans").mkdir(exist_ok=True)
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    (repo / "plans" / "acme.yaml").write_text(text, encoding="utf-8")


@pytest.fixture
def repo(repo: Path, make_plan: Callable[..., dict[str, Any]]) -> Path:
    """The shared repository with two commits: stage 3 → 5, and a private person who turned opponent."""
    git(repo, "init", "-q")
    plan = make_plan()
    plan["projects"][0]["stage"] = 3
    plan["people"].append(
        {"id": "ghost", "name": "GHOSTNAME", "private": True, "support": "neutral", "influence": "low"}
    )
    write(repo, plan)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "first plan")
    plan["projects"][0]["stage"] = 5
    plan["people"][-1]["support"] = "opponent"
    write(repo, plan)
    git(repo, "commit", "-qam", "after the site visit")
    return repo


def test_account_page_tells_the_stage_move_with_date_and_author(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = build_site(repo, monkeypatch)
    assert 'id="history"' in page
    assert "Line upgrade: stage 3 → 5 (evaluation)" in page
    assert "2026-10-02" in page
    assert "Li Wei" in page


def test_history_respects_the_audience(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    internal = build_site(repo, monkeypatch)
    assert "GHOSTNAME" not in internal
    private = build_site(repo, monkeypatch, "--audience", "private")
    assert "GHOSTNAME" in private


def test_a_new_commit_rebuilds_the_page_and_the_cache_skips_otherwise(
    repo: Path, monkeypatch: pytest.MonkeyPatch, make_plan: Callable[..., dict[str, Any]]
) -> None:
    build_site(repo, monkeypatch)
    again = build("--no-pdf", "--no-brief")
    assert "0 built, 1 up to date" in again.output
    git(repo, "commit", "-q", "--allow-empty", "-m", "nothing")
    assert "0 built, 1 up to date" in build("--no-pdf", "--no-brief").output
    plan = yaml.safe_load((repo / "plans" / "acme.yaml").read_text(encoding="utf-8"))
    plan["projects"][0]["outcome"] = "won"
    write(repo, plan)
    git(repo, "commit", "-qam", "we won", author="Wang Fang")
    page = build_site(repo, monkeypatch)
    assert "Wang Fang" in page


def test_without_git_the_section_is_absent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make_plan: Callable[..., dict[str, Any]]
) -> None:
    write(tmp_path, make_plan())
    page = build_site(tmp_path, monkeypatch)
    assert 'id="history"' not in page


def test_a_single_plan_build_has_no_history(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo)
    result = build("plans/acme.yaml", "--no-pdf", "--no-brief")
    assert result.exit_code == 0
    assert 'id="history"' not in (repo / "build" / "accounts" / "acme.html").read_text(encoding="utf-8")


def test_a_person_private_now_is_hidden_in_every_older_commit(
    tmp_path: Path, make_plan: Callable[..., dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Commit 1 adds Hidden Hu in the open, commit 2 changes her support, commit 3 marks her private:
    neither the history panel nor `kaplan diff` of the old commits may name her now."""
    git(tmp_path, "init", "-q")
    plan = make_plan()
    write(tmp_path, plan)
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "first plan")
    plan["people"].append({"id": "hu-hidden", "name": "HIDDENHU", "support": "neutral", "influence": "high"})
    plan["needs"].append({"id": "n-secret", "statement": "SECRETNEED", "holder": "hu-hidden"})
    plan["projects"][0]["stage"] = 5
    write(tmp_path, plan)
    git(tmp_path, "commit", "-qam", "add Hu")
    plan["people"][-1]["support"] = "opponent"
    write(tmp_path, plan)
    git(tmp_path, "commit", "-qam", "Hu turns")
    plan["people"][-1]["private"] = True
    plan["needs"][-1]["kind"] = "personal"
    write(tmp_path, plan)
    git(tmp_path, "commit", "-qam", "Hu is private now")

    page = build_site(tmp_path, monkeypatch)
    assert "stage 4 → 5" in page  # the commits are there…
    assert "HIDDENHU" not in page
    assert "hu-hidden" not in page
    assert "SECRETNEED" not in page
    private_page = build_site(tmp_path, monkeypatch, "--audience", "private")
    assert "HIDDENHU" in private_page

    for audience in ("internal", "external"):
        result = run("diff", "HEAD~3", "HEAD~1", "--audience", audience)
        assert result.exit_code == 0, result.output
        assert "HIDDENHU" not in result.output
        assert "SECRETNEED" not in result.output
        assert "hu-hidden" not in result.output
    shown = run("diff", "HEAD~3", "HEAD~1", "--audience", "private")
    assert "HIDDENHU" in shown.output


def test_an_item_gone_now_stays_hidden_only_if_it_was_private_then(
    tmp_path: Path, make_plan: Callable[..., dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    git(tmp_path, "init", "-q")
    plan = make_plan()
    write(tmp_path, plan)
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "first plan")
    plan["people"] += [
        {"id": "open-ou", "name": "OPENOU", "support": "neutral"},
        {"id": "secret-si", "name": "SECRETSI", "support": "neutral", "private": True},
    ]
    write(tmp_path, plan)
    git(tmp_path, "commit", "-qam", "two people")
    plan["people"] = plan["people"][:-2]
    write(tmp_path, plan)
    git(tmp_path, "commit", "-qam", "both gone")
    monkeypatch.chdir(tmp_path)
    result = run("diff", "HEAD~2", "HEAD~1")
    assert "OPENOU" in result.output
    assert "SECRETSI" not in result.output
