"""A plan's recent history from git: the commits that touched it, each with its changes by meaning."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kaplan.history.changes import Change, diff_loaded
from kaplan.history.diff import load_blob
from kaplan.history.git import GitError, cat_blobs, run_git, toplevel
from kaplan.plan.model import Locale, Plan


@dataclass(frozen=True)
class HistoryEntry:
    """A commit that touched a plan, with its changes by meaning (none for a wording edit)."""

    commit: str
    date: str
    author: str
    subject: str
    changes: list[Change]


def plan_history(
    repo_root: Path,
    plan_path: Path | str,
    limit: int = 10,
    *,
    locale: Locale = "en",
    narrow: Callable[[Plan], Plan] | None = None,
) -> list[HistoryEntry]:
    """The last ``limit`` commits that touched a plan (following renames), newest first.

    Each has the author date (YYYY-MM-DD), the author's name, the subject and the changes by meaning
    against the commit's first parent; "now overdue" is judged on the commit's date. ``plan_path`` is
    relative to ``repo_root`` (or absolute). Without git, outside a repository, or for a plan git never
    saw, the history is empty: no error.
    """
    try:
        return _history(Path(repo_root), Path(plan_path), limit, locale, narrow)
    except GitError:
        return []


def _history(
    repo_root: Path, plan_path: Path, limit: int, locale: Locale, narrow: Callable[[Plan], Plan] | None
) -> list[HistoryEntry]:
    top = toplevel(repo_root)
    try:
        rel = (repo_root / plan_path).resolve().relative_to(top).as_posix()
    except ValueError:
        return []
    out = run_git(
        top,
        *("log", "--follow", "-M", "--no-merges", "-z", "--name-status", "--date=short"),
        *("--format=%x1e%H%x1f%ad%x1f%an%x1f%P%x1f%s", f"-n{max(limit, 0)}", "--", rel),
    )
    touches = []
    for record in out.split(b"\x1e")[1:]:
        header, _, status_part = record.partition(b"\0")
        commit, date, author, parents, subject = (
            header.decode("utf-8", "replace").split("\x1f", 4) + [""] * 5
        )[:5]
        tokens = [os.fsdecode(t) for t in status_part.lstrip(b"\n").split(b"\0") if t]
        if len(tokens) >= 2:
            touches.append(
                _Touch(commit, date, author, parents, subject, tokens[0][:1], tokens[1], tokens[-1])
            )
    names = [n for t in touches for n in (t.name_a, t.name_b) if n]
    blobs = dict(zip(names, cat_blobs(top, names), strict=True))
    entries = []
    for t in touches:
        labels = (t.parent[:7], t.commit[:7])
        sides = ((t.name_a, t.path_a, labels[0]), (t.name_b, t.path_b, labels[1]))
        a, b = (load_blob(blobs.get(n), 0, p, f"{label}:{p}") if n and p else None for n, p, label in sides)
        try:
            day = dt.date.fromisoformat(t.date)
        except ValueError:  # git always writes --date=short; never fall back to the clock
            day = dt.date.min
        account = diff_loaded(a, b, (t.path_a, t.path_b), labels, day, locale, narrow)
        entries.append(
            HistoryEntry(t.commit, t.date, t.author, t.subject, account.changes if account else [])
        )
    return entries


@dataclass(frozen=True)
class _Touch:
    """A commit of ``git log --follow``, and the plan's path before and after it."""

    commit: str
    date: str
    author: str
    parents: str
    subject: str
    status: str
    old: str
    new: str

    @property
    def parent(self) -> str:
        return (self.parents.split() or [""])[0]

    @property
    def path_a(self) -> str | None:
        # An added file (or a root commit) has no older side; a deleted one no newer side.
        return self.old if self.status != "A" and self.parent else None

    @property
    def path_b(self) -> str | None:
        return self.new if self.status != "D" else None

    @property
    def name_a(self) -> str:
        return f"{self.parent}:{self.path_a}" if self.path_a else ""

    @property
    def name_b(self) -> str:
        return f"{self.commit}:{self.path_b}" if self.path_b else ""
