"""A plan's recent history from git: the commits that touched it, each with its changes by meaning,
and the plan's health and forecast after each (its trend), cached by blob id."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kaplan.coach.health import plan_health
from kaplan.coach.rules import coaching_findings
from kaplan.history.changes import Change, diff_loaded
from kaplan.history.diff import load_blob
from kaplan.history.git import GitError, cat_blobs, run_git, toplevel
from kaplan.plan.load import LoadedPlan
from kaplan.plan.meaning import forecast, money_currency, plan_currency, plan_locale
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


LOG_FORMAT = "--format=%x1e%H%x1f%ad%x1f%an%x1f%P%x1f%s"


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
        *("log", "--follow", "-M", "--no-merges", "-z", "--raw", "--no-abbrev", "--date=short"),
        *(LOG_FORMAT, f"-n{max(limit, 0)}", "--", rel),
    )
    touches = [t for commit in _commits(out) for t in commit]
    return plan_past(top, touches, locale, narrow).entries


def folder_touches(repo_root: Path, folder: Path, limit: int) -> dict[Path, list[Touch]]:
    """The last ``limit`` commits that touched each file under ``folder``, newest first: one git call.

    What :func:`plan_history` finds with one ``git log --follow`` per plan, for every plan at once:
    a rename within the folder carries the older commits over to the file's present name. Empty
    without git or outside a repository.
    """
    try:
        top = toplevel(repo_root)
        rel = folder.resolve().relative_to(top).as_posix()
        out = run_git(
            top,
            *("log", "-M", "--no-merges", "-z", "--raw", "--no-abbrev", "--date=short", LOG_FORMAT),
            *("--", rel or "."),
        )
    except (GitError, ValueError):
        return {}
    found: dict[str, list[Touch]] = {}
    now_named: dict[str, str] = {}  # a path in an older commit → the file's name today
    for commit in _commits(out):
        for touch in commit:
            name = now_named.get(touch.new, touch.new)
            if touch.status == "R":
                now_named[touch.old] = name
            elif touch.status == "A":
                now_named[touch.new] = f"\0{name}"  # older commits of this path were another file
            if not name.startswith("\0") and len(found.setdefault(name, [])) < limit:
                found[name].append(touch)
    return {top / name: touches for name, touches in found.items() if touches}  # as head_blobs names them


def _commits(out: bytes) -> list[list[Touch]]:
    """``git log -z --raw`` output: each commit's touches (one per file it changed)."""
    commits = []
    for record in out.split(b"\x1e")[1:]:
        header, _, raw = record.partition(b"\0")
        commit, date, author, parents, subject = (
            header.decode("utf-8", "replace").split("\x1f", 4) + [""] * 5
        )[:5]
        tokens = [os.fsdecode(t) for t in raw.lstrip(b"\n").split(b"\0") if t.strip(b"\n")]
        touches, i = [], 0
        while i < len(tokens):
            # ":100644 100644 BLOB_A BLOB_B STATUS", then the path (two paths for a rename or copy)
            meta = tokens[i].lstrip("\n").split()
            status = meta[4][:1] if len(meta) == 5 else ""
            paths = tokens[i + 1 : i + (3 if status in ("R", "C") else 2)]
            i += 1 + len(paths)
            if not status or not paths:
                continue
            blob_a, blob_b = (b if b.strip("0") else "" for b in meta[2:4])
            touches.append(
                Touch(commit, date, author, parents, subject, status, paths[0], paths[-1], blob_a, blob_b)
            )
        commits.append(touches)
    return commits


@dataclass(frozen=True)
class TrendPoint:
    """A plan at one commit: its health then (None when it was invalid) and its open forecast."""

    commit: str
    date: str
    health: int | None
    forecast: float | None  # value × probability of the open projects, in the plan's currency


@dataclass(frozen=True)
class Scoring:
    """How to score a plan of the past: the project's rule levels, language and currency."""

    rules: Mapping[str, str]
    locale: Locale
    currency: str


@dataclass
class Past:
    """A plan's last commits: each with its changes, its trend (oldest first), and what to cache."""

    entries: list[HistoryEntry]
    trend: list[TrendPoint]
    cache: dict[str, dict[str, Any]]


def plan_past(
    top: Path,
    touches: Sequence[Touch],
    locale: Locale,
    narrow: Callable[[Plan], Plan] | None = None,
    *,
    known: Mapping[str, LoadedPlan] | None = None,
    cache: Mapping[str, Any] | None = None,
    scoring: Scoring | None = None,
) -> Past:
    """The changes of every touch and, with ``scoring``, the plan's health and forecast after each.

    Both are kept by blob id in the returned ``cache``; given back as ``cache``, only what it lacks
    is read from git (one call) and loaded, each blob once. ``known`` holds plans already loaded,
    by blob id (the file on disk, when it is its blob at HEAD). Health is judged on the
    commit's date, from the whole plan; the forecast from what ``narrow`` leaves.
    """
    old = _valid_cache(cache)
    new: dict[str, dict[str, Any]] = {"changes": {}, "trend": {}}
    wanted = set()
    for t in touches:
        if _change_key(t) not in old["changes"]:
            wanted |= {t.name_a, t.name_b}
        if scoring is not None and t.name_b and _trend_key(t) not in old["trend"]:
            wanted.add(t.name_b)
    loaded: dict[str, LoadedPlan] = dict(known or {})
    wanted -= {"", *loaded}
    blobs = dict(zip(sorted(wanted), cat_blobs(top, sorted(wanted)), strict=True))

    def side(name: str, path: str | None, label: str) -> LoadedPlan | None:
        if not name or not path:
            return None
        if name not in loaded:
            loaded[name] = load_blob(blobs.get(name), 0, path, f"{label}:{path}")
        return loaded[name]

    entries, trend = [], []
    for t in touches:
        labels = (t.parent[:7], t.commit[:7])
        changes = old["changes"].get(_change_key(t))
        if changes is None:
            a, b = side(t.name_a, t.path_a, labels[0]), side(t.name_b, t.path_b, labels[1])
            account = diff_loaded(a, b, (t.path_a, t.path_b), labels, t.day, locale, narrow)
            changes = [_change_json(c) for c in (account.changes if account else [])]
        new["changes"][_change_key(t)] = changes
        entries.append(HistoryEntry(t.commit, t.date, t.author, t.subject, [Change(*c) for c in changes]))
        if scoring is not None and t.name_b:
            point = old["trend"].get(_trend_key(t))
            if point is None:
                point = _score(side(t.name_b, t.path_b, labels[1]), t.day, scoring, narrow)
            new["trend"][_trend_key(t)] = point
            trend.append(TrendPoint(t.commit, t.date, point[0], point[1]))
    return Past(entries, trend[::-1], new)


def _score(
    side: LoadedPlan | None, day: dt.date, scoring: Scoring, narrow: Callable[[Plan], Plan] | None
) -> list[Any]:
    """[health, forecast] of a plan as it was at a commit; [None, None] when it was invalid."""
    if side is None or side.plan is None or not side.ok:
        return [None, None]
    plan = side.plan
    lang = plan_locale(plan, scoring.locale)
    coaching = coaching_findings(plan, side.lines, side.file, day, scoring.rules, lang)
    health = plan_health(plan, [f for f in coaching if f.waived is None])
    shown = narrow(plan) if narrow is not None else plan
    currency = plan_currency(shown, scoring.currency)
    values = [
        forecast(p)
        for p in shown.projects
        if p.outcome == "open" and p.value is not None and money_currency(p.value, currency) == currency
    ]
    return [health.score, round(sum(v for v in values if v is not None), 2)]


def _change_key(t: Touch) -> str:
    # The paths are part of the key: "New plan: X (plans/x.yaml)" names the file.
    return f"{t.name_a}>{t.name_b}@{t.date}:{t.path_a}>{t.path_b}"


def _trend_key(t: Touch) -> str:
    return f"{t.name_b}@{t.date}"


def _change_json(change: Change) -> list[Any]:
    """A change as the cache keeps it: YAML values that JSON cannot hold (dates) as text."""
    values = [
        v if v is None or isinstance(v, str | int | float | bool) else str(v)
        for v in (change.before, change.after)
    ]
    return [change.kind, change.path, values[0], values[1], change.message]


def _valid_cache(cache: Mapping[str, Any] | None) -> dict[str, dict[str, Any]]:
    """What of a cache read back from a record has the shapes :func:`plan_past` writes."""
    out: dict[str, dict[str, Any]] = {"changes": {}, "trend": {}}
    if not isinstance(cache, Mapping):
        return out
    for key, shape in (("changes", _is_change_list), ("trend", _is_point)):
        part = cache.get(key)
        if isinstance(part, Mapping):
            out[key] = {k: v for k, v in part.items() if isinstance(k, str) and shape(v)}
    return out


def _is_change_list(value: Any) -> bool:
    return isinstance(value, list) and all(
        isinstance(c, list) and len(c) == 5 and all(isinstance(x, str) for x in (c[0], c[1], c[4]))
        for c in value
    )


def _is_point(value: Any) -> bool:
    return (
        isinstance(value, list)
        and len(value) == 2
        and (value[0] is None or type(value[0]) is int)
        and (value[1] is None or isinstance(value[1], int | float))
    )


def blob_id(data: bytes) -> str:
    """The id git gives a file's bytes (SHA-1 of the object), to know a blob without reading it."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


@dataclass(frozen=True)
class Touch:
    """A commit that changed a plan file: the plan's path (and blob) before and after it."""

    commit: str
    date: str
    author: str
    parents: str
    subject: str
    status: str
    old: str
    new: str
    blob_a: str = ""
    blob_b: str = ""

    @property
    def day(self) -> dt.date:
        """The author date; "now overdue" is judged on it."""
        try:
            return dt.date.fromisoformat(self.date)
        except ValueError:  # git always writes --date=short; never fall back to the clock
            return dt.date.min

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
        """What git names the older side by: its blob id, else ``PARENT:PATH``."""
        if not self.path_a:
            return ""
        return self.blob_a or f"{self.parent}:{self.path_a}"

    @property
    def name_b(self) -> str:
        if not self.path_b:
            return ""
        return self.blob_b or f"{self.commit}:{self.path_b}"
