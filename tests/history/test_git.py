"""Reading git: a real repository in tmp_path, and GitError outside one."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from kaplan.history.git import GitError, cat_blobs, head_blobs, renamed_paths, run_git, toplevel

ENV = {
    **os.environ,
    "GIT_AUTHOR_NAME": "Li Wei",
    "GIT_AUTHOR_EMAIL": "li@example.com",
    "GIT_COMMITTER_NAME": "Li Wei",
    "GIT_COMMITTER_EMAIL": "li@example.com",
}


def git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=root, env=ENV, check=True, capture_output=True, text=True
    ).stdout


@pytest.fixture
def history(tmp_path: Path) -> Path:
    """A repository with plans/acme.yaml and notes.txt committed, then acme renamed to acme-steel."""
    root = tmp_path / "repo"
    (root / "plans").mkdir(parents=True)
    git(root, "-c", "init.defaultBranch=main", "init", "-q")
    (root / "plans" / "acme.yaml").write_text("kaplan: 1\n", encoding="utf-8")
    (root / "notes.txt").write_text("notes\n", encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "first")
    git(root, "mv", "plans/acme.yaml", "plans/acme-steel.yaml")
    git(root, "commit", "-qm", "rename")
    return root


def test_toplevel_from_a_subfolder(history: Path) -> None:
    assert toplevel(history / "plans") == history.resolve()


def test_head_blobs_lists_the_folder_at_head_only(history: Path) -> None:
    (history / "plans" / "draft.yaml").write_text("uncommitted\n", encoding="utf-8")
    blobs = head_blobs(history, history / "plans")
    path = (history / "plans" / "acme-steel.yaml").resolve()
    assert list(blobs) == [path]
    assert blobs[path] == git(history, "rev-parse", "HEAD:plans/acme-steel.yaml").strip()


def test_head_blobs_is_empty_without_git(tmp_path: Path) -> None:
    (tmp_path / "plans").mkdir()
    assert head_blobs(tmp_path, tmp_path / "plans") == {}


def test_cat_blobs_reads_many_in_order_and_none_for_missing(history: Path) -> None:
    names = ["HEAD:plans/acme-steel.yaml", "HEAD:no/such.yaml", "HEAD~1:notes.txt", "HEAD:plans"]
    assert cat_blobs(history, names) == [b"kaplan: 1\n", None, b"notes\n", None]  # a tree is no blob
    assert cat_blobs(history, []) == []


def test_renamed_paths_reads_name_status_z(history: Path) -> None:
    out = run_git(history, "diff", "-z", "--name-status", "-M", "HEAD~1", "HEAD")
    assert renamed_paths(out) == {"plans/acme.yaml": "plans/acme-steel.yaml"}
    assert renamed_paths(out, "plans/", "plans/") == {"acme.yaml": "acme-steel.yaml"}
    assert renamed_paths(b"M\0a.yaml\0C90\0b\0c\0R100\0x\0y\0") == {"x": "y"}
    assert renamed_paths(b"") == {}


def test_outside_a_repository_is_a_git_error(tmp_path: Path) -> None:
    with pytest.raises(GitError, match="not a git repository") as caught:
        toplevel(tmp_path)
    assert not caught.value.missing


def test_git_that_cannot_run_is_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(GitError, match="cannot run git") as caught:
        toplevel(tmp_path)
    assert caught.value.missing
