"""Plan changes between git revisions, by meaning: stages, people, competitors, actions…

Git is read through its command line (``rev-parse``, ``ls-tree``, ``cat-file``, ``diff``, ``log``),
never through a shell, and never in a way that writes to the repository, its index or the working tree.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Protocol, TypeVar

from kaplan.check import UsageError
from kaplan.config import CONFIG_NAME, Project
from kaplan.findings import Finding
from kaplan.labels import STAGES, enum_label, stage_label
from kaplan.load import MAX_BYTES, LoadedPlan, file_name_findings, load_plan, load_plan_bytes
from kaplan.model import Action, BuyingTeamMember, Competitor, Crux, Locale, Need, Person, Plan
from kaplan.model import Project as PlanProject

# Every kind of change: stable names that scripts may rely on.
KINDS = (
    *("plan_added", "plan_removed", "plan_renamed", "plan_invalid", "plan_reviewed"),
    *("project_added", "project_removed", "stage_advanced", "stage_slipped"),
    *("project_won", "project_lost", "outcome_changed", "roles_changed"),
    *("red_flag_added", "red_flag_resolved"),
    *("person_added", "person_removed", "person_left", "person_moved", "person_status_changed"),
    *("title_changed", "support_changed", "influence_changed", "coverage_changed"),
    *("competitor_added", "competitor_removed", "competitor_status_changed", "threat_changed"),
    *("need_added", "need_resolved", "crux_added", "crux_resolved"),
    *("action_added", "action_removed", "action_done", "action_dropped", "action_reopened", "action_overdue"),
)
FORMATS = ("text", "markdown", "json")


@dataclass(frozen=True)
class Change:
    """One change by meaning: its kind, where in the plan, the YAML values before and after."""

    kind: str
    path: str
    before: Any
    after: Any
    message: str


@dataclass
class AccountDiff:
    """What changed in one account's plan file; findings when it is invalid on a side."""

    id: str
    name: str
    file: str
    changes: list[Change] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    invalid_after: bool = False


@dataclass
class DiffReport:
    """Every changed account from revision ``rev_a`` to ``rev_b`` (None: the working tree)."""

    rev_a: str
    rev_b: str | None
    accounts: list[AccountDiff] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        """True when a changed plan is invalid at the newer side."""
        return any(a.invalid_after for a in self.accounts)

    def as_dict(self) -> dict[str, Any]:
        """The JSON document: ``{"from", "to", "accounts": [{"id", "changes": [...], …}]}``."""
        return {
            "from": self.rev_a,
            "to": self.rev_b,
            "accounts": [
                {
                    "id": a.id,
                    "name": a.name,
                    "file": a.file,
                    "changes": [asdict(c) for c in a.changes],
                    "findings": [asdict(f) for f in a.findings],
                }
                for a in self.accounts
            ],
        }


@dataclass(frozen=True)
class HistoryEntry:
    """A commit that touched a plan, with its changes by meaning (none for a wording edit)."""

    commit: str
    date: str
    author: str
    subject: str
    changes: list[Change]


@dataclass(frozen=True)
class Scope:
    """Plan files to compare: the ``*.yaml`` of folders (not recursive) and single files.

    Paths are relative to the repository root and use ``/``; ``""`` is the root folder.
    """

    folders: tuple[str, ...] = ()
    files: tuple[str, ...] = ()

    def holds(self, path: str) -> bool:
        """True when ``path`` is a plan file in scope."""
        pure = PurePosixPath(path)
        parent = "" if str(pure.parent) == "." else str(pure.parent)
        in_folder = pure.suffix == ".yaml" and parent in self.folders and pure.name != CONFIG_NAME
        return path in self.files or in_folder


# --- reading git ----------------------------------------------------------------------------------


class GitError(Exception):
    """Git failed, or could not be run at all (``missing``)."""

    def __init__(self, message: str, missing: bool = False) -> None:
        super().__init__(message)
        self.missing = missing


def _git(repo: Path, *args: str, stdin: bytes | None = None, ok: tuple[int, ...] = (0,)) -> bytes:
    # GIT_OPTIONAL_LOCKS=0: not even an opportunistic index refresh may write to the repository.
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0", "GIT_TERMINAL_PROMPT": "0"}
    try:
        proc = subprocess.run(
            ["git", "--literal-pathspecs", *args], cwd=repo, input=stdin, capture_output=True, env=env
        )
    except OSError as exc:
        raise GitError(f"cannot run git: {exc.strerror or exc}", missing=True) from None
    if proc.returncode not in ok:
        message = proc.stderr.decode("utf-8", "replace").strip().removeprefix("fatal: ")
        raise GitError(message or f"git {args[0]} failed with exit code {proc.returncode}")
    return proc.stdout


def _toplevel(start: Path) -> Path:
    return Path(os.fsdecode(_git(start, "rev-parse", "--show-toplevel").rstrip(b"\n"))).resolve()


def find_repo(start: Path) -> Path:
    """The root of the git work tree holding ``start``; a usage error outside one."""
    try:
        return _toplevel(start)
    except GitError as exc:
        if exc.missing:
            raise UsageError(f"kaplan diff needs git, and git cannot be run here ({exc})") from None
        raise UsageError(
            f"{start} is not in a git work tree ({exc}): kaplan diff compares plans between "
            "git revisions; run it inside the repository of your plans"
        ) from None


def resolve_revision(repo: Path, rev: str) -> str:
    """The commit id a revision names; a usage error for an unknown revision."""
    if rev and not rev.startswith("-"):
        try:
            return _git(repo, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}").decode().strip()
        except GitError:
            pass
    hint = ": the repository has no commit yet" if rev == "HEAD" else ""
    raise UsageError(f"unknown revision '{rev}'{hint}")


def _ls_tree(repo: Path, commit: str, scope: Scope) -> dict[str, tuple[str, int]]:
    """Plan files in scope at a commit: path → (blob id, size)."""
    queries = [[f"{folder}/"] if folder else [] for folder in scope.folders]
    queries += [list(scope.files)] if scope.files else []
    found: dict[str, tuple[str, int]] = {}
    for pathspecs in queries:
        for record in _git(repo, "ls-tree", "-z", "-l", "--full-tree", commit, "--", *pathspecs).split(b"\0"):
            meta, _, name = record.partition(b"\t")
            mode, kind, blob, size = (meta.split() + [b""] * 4)[:4]
            path = os.fsdecode(name)
            # Symbolic links (120000) and submodules are not plan files.
            if kind == b"blob" and mode != b"120000" and scope.holds(path):
                found[path] = (blob.decode(), int(size))
    return found


def _cat_blobs(repo: Path, names: Sequence[str]) -> list[bytes | None]:
    """Contents of objects (blob ids or ``REV:path``), None for a missing one; one git process."""
    if not names:
        return []
    out = _git(repo, "cat-file", "--batch", stdin=b"".join(os.fsencode(n) + b"\n" for n in names))
    contents: list[bytes | None] = []
    pos = 0
    for _ in names:
        end = out.index(b"\n", pos)
        header = out[pos:end].split(b" ")
        pos = end + 1
        if len(header) == 3 and header[2].isdigit():
            size = int(header[2])
            contents.append(out[pos : pos + size] if header[1] == b"blob" else None)
            pos += size + 1
        else:
            contents.append(None)
    return contents


def _renamed(out: bytes, prefix_a: str = "", prefix_b: str = "") -> dict[str, str]:
    """Renames in ``git diff -z --name-status`` output: old path → new path."""
    tokens = [os.fsdecode(t) for t in out.split(b"\0")]
    renames: dict[str, str] = {}
    i = 0
    while i < len(tokens) and tokens[i]:
        status = tokens[i][:1]
        if status == "R":
            renames[tokens[i + 1].removeprefix(prefix_a)] = tokens[i + 2].removeprefix(prefix_b)
        i += 3 if status in ("R", "C") else 2
    return renames


def _load_blob(raw: bytes | None, size: int, path: str, shown: str) -> LoadedPlan:
    """Load a plan read from git as :func:`kaplan.load.load_plan` loads one from disk."""
    ident = PurePosixPath(path).stem
    findings = file_name_findings(Path(path), shown)
    if raw is not None and len(raw) > MAX_BYTES:
        size, raw = len(raw), None
    if raw is None:
        too_big = f"file is {size / 1048576:.1f} MB, over the 5 MB limit: split or trim it"
        message = too_big if size > MAX_BYTES else "cannot read the file from git"
        return LoadedPlan(
            shown, ident, None, findings=[*findings, Finding(shown, 1, 1, "", "syntax", "error", message)]
        )
    loaded = load_plan_bytes(raw, shown, ident)
    loaded.findings[:0] = findings
    return loaded


class _Side:
    """One side of a comparison: a commit, or the working tree (``commit`` None)."""

    def __init__(self, repo: Path, label: str | None, commit: str | None, scope: Scope) -> None:
        self.repo, self.label, self.commit = repo, label, commit
        self.blobs = _ls_tree(repo, commit, scope) if commit is not None else {}
        self.disk: dict[str, Path] = {}
        if commit is None:
            for folder in scope.folders:
                if (repo / folder).is_dir():
                    self.disk |= {p.relative_to(repo).as_posix(): p for p in (repo / folder).glob("*.yaml")}
            self.disk |= {f: repo / f for f in scope.files}
            self.disk = {k: p for k, p in sorted(self.disk.items()) if p.is_file()}
        self._raw: dict[str, bytes | None] = {}

    def paths(self) -> set[str]:
        """The plan files in scope on this side."""
        return set(self.blobs) if self.commit is not None else set(self.disk)

    def shown(self, path: str) -> str:
        """How findings name a file: ``REV:path``, or the path in the working tree."""
        return f"{self.label}:{path}" if self.label is not None else path

    def prefetch(self, paths: Sequence[str]) -> None:
        """Read the blobs of many files with one git process."""
        wanted = [p for p in paths if p in self.blobs and self.blobs[p][1] <= MAX_BYTES]
        self._raw |= dict(zip(wanted, _cat_blobs(self.repo, [self.blobs[p][0] for p in wanted]), strict=True))

    def raw(self, path: str) -> bytes | None:
        """The file's bytes; None when it cannot be read or is over the size limit."""
        if path not in self._raw:
            if self.commit is not None:
                self.prefetch([path])
            else:
                try:
                    disk = self.disk[path]
                    self._raw[path] = disk.read_bytes() if disk.stat().st_size <= MAX_BYTES else None
                except OSError:
                    self._raw[path] = None
        return self._raw.get(path)

    def load(self, path: str) -> LoadedPlan:
        """The plan file, loaded and validated."""
        if self.commit is None:
            return load_plan(self.disk[path], self.shown(path))
        return _load_blob(self.raw(path), self.blobs[path][1], path, self.shown(path))


def _renames(a: _Side, b: _Side, removed: list[str], added: list[str]) -> dict[str, str]:
    """Plans renamed or moved between the sides, by git's rename detection."""
    if not removed or not added:
        return {}
    flags = ("-z", "--name-status", "-M", "--no-ext-diff")
    if a.commit is not None and b.commit is not None:
        out = _git(a.repo, "diff", *flags, a.commit, b.commit, "--", *removed, *added)
        return {old: new for old, new in _renamed(out).items() if old in removed and new in added}
    # The working tree may hold renamed files git does not track yet: compare copies, outside the repo.
    with tempfile.TemporaryDirectory(prefix="kaplan-diff-") as tmp:
        for side, root, paths in ((a, "a", removed), (b, "b", added)):
            Path(tmp, root).mkdir()
            for path in paths:
                raw = side.raw(path)
                if raw is not None:
                    Path(tmp, root, path).parent.mkdir(parents=True, exist_ok=True)
                    Path(tmp, root, path).write_bytes(raw)
        out = _git(Path(tmp), "diff", "--no-index", *flags, "a", "b", ok=(0, 1))
    return {old: new for old, new in _renamed(out, "a/", "b/").items() if old in removed and new in added}


def _compare(a: _Side, b: _Side, today: dt.date, locale: Locale) -> list[AccountDiff]:
    paths_a, paths_b = a.paths(), b.paths()
    removed, added = sorted(paths_a - paths_b), sorted(paths_b - paths_a)
    renames = _renames(a, b, removed, added)
    pairs: list[tuple[str | None, str | None]] = [(p, p) for p in sorted(paths_a & paths_b)]
    pairs += [*renames.items(), *((p, None) for p in removed if p not in renames)]
    pairs += [(None, p) for p in added if p not in renames.values()]
    if b.commit is not None:  # an unchanged blob needs no reading
        pairs = [(pa, pb) for pa, pb in pairs if pa is None or pa != pb or a.blobs[pa] != b.blobs[pa]]
    a.prefetch([pa for pa, _ in pairs if pa is not None])
    b.prefetch([pb for _, pb in pairs if pb is not None])
    accounts = []
    for pa, pb in pairs:
        if pa == pb and pa is not None and a.raw(pa) is not None and a.raw(pa) == b.raw(pa):
            continue
        loaded_a = a.load(pa) if pa is not None else None
        loaded_b = b.load(pb) if pb is not None else None
        account = diff_loaded(loaded_a, loaded_b, (pa, pb), (a.label, b.label), today, locale)
        if account is not None:
            accounts.append(account)
    return sorted(accounts, key=lambda x: (x.id, x.file))


def diff_revisions(
    repo: Path,
    rev_a: str = "HEAD",
    rev_b: str | None = None,
    scope: Scope | None = None,
    today: dt.date | None = None,
    locale: Locale = "en",
) -> DiffReport:
    """Changes by meaning of the plans in ``scope`` from ``rev_a`` to ``rev_b`` (None: the working tree).

    ``repo`` is the root of the work tree; ``locale`` words the messages of plans without ``plan.locale``.
    """
    scope = scope if scope is not None else Scope(folders=("plans",))
    side_a = _Side(repo, rev_a, resolve_revision(repo, rev_a), scope)
    side_b = _Side(repo, rev_b, resolve_revision(repo, rev_b) if rev_b is not None else None, scope)
    return DiffReport(rev_a, rev_b, _compare(side_a, side_b, today or dt.date.today(), locale))


def split_arguments(args: Sequence[str], repo: Path, cwd: Path) -> tuple[str, str | None, list[str]]:
    """``[REV_A [REV_B]] [PATH...]`` → (REV_A, REV_B or None for the working tree, PATHs).

    The first argument is a path when it exists in the working tree, else it must be a revision. After
    REV_A, an argument is REV_B when it names a revision and no file or folder, else a path.
    """
    revs: list[str] = []
    rest = list(args)
    while rest and len(revs) < 2:
        arg = rest[0]
        try:
            resolve_revision(repo, arg)
            is_rev = True
        except UsageError:
            is_rev = False
        exists = (cwd / arg).exists()
        if exists and is_rev:
            raise UsageError(
                f"'{arg}' is both a revision and a file or folder: write ./{arg} for the path, "
                f"or {arg}^{{commit}} for the revision"
            )
        if not is_rev and not exists and not revs:
            hint = f"; for a plan gone from the working tree, give a revision first: kaplan diff HEAD {arg}"
            raise UsageError(
                f"unknown revision '{arg}' (nor a file or folder){hint if arg.endswith('.yaml') else ''}"
            )
        if not is_rev:
            break
        revs.append(rest.pop(0))
    return (revs[0] if revs else "HEAD"), (revs[1] if len(revs) > 1 else None), rest


def scope_for(paths: Sequence[str], project: Project, repo: Path, cwd: Path) -> Scope:
    """The plan files PATHs name (none: the configured plans folder), relative to the repository root."""

    def relative(target: Path, given: str) -> str:
        try:
            rel = target.resolve().relative_to(repo).as_posix()
        except ValueError:
            raise UsageError(f"{given} is outside the git repository at {repo}") from None
        return "" if rel == "." else rel

    if not paths:
        return Scope(folders=(relative(project.resolve(project.config.plans), project.config.plans),))
    folders: list[str] = []
    files: list[str] = []
    for given in paths:
        target = cwd / given
        is_file = target.is_file() if target.exists() else given.endswith(".yaml")
        (files if is_file else folders).append(relative(target, given))
    return Scope(tuple(dict.fromkeys(folders)), tuple(dict.fromkeys(files)))


def compare_revisions(
    args: Sequence[str], project: Project, today: dt.date, cwd: Path | None = None
) -> DiffReport:
    """The work of ``kaplan diff [REV_A [REV_B]] [PATH...]``; mistakes raise :class:`UsageError`."""
    cwd = (cwd or Path.cwd()).resolve()
    repo = find_repo(cwd)
    rev_a, rev_b, paths = split_arguments(args, repo, cwd)
    for given in paths:
        # A PATH gone from the working tree must name a plan at one of the revisions.
        if not (cwd / given).exists():
            one = scope_for([given], project, repo, cwd)
            revs = [r for r in (rev_a, rev_b) if r is not None]
            if not any(_ls_tree(repo, resolve_revision(repo, r), one) for r in revs):
                where = " or ".join([*revs, *(["the working tree"] if rev_b is None else [])])
                maybe_rev = " is no revision, and" if rev_b is None and given == paths[0] else ""
                raise UsageError(f"'{given}'{maybe_rev} names no plan file or folder in {where}")
    scope = scope_for(paths, project, repo, cwd)
    return diff_revisions(repo, rev_a, rev_b, scope, today, project.config.locale)


def plan_history(
    repo_root: Path,
    plan_path: Path | str,
    limit: int = 10,
    *,
    locale: Locale = "en",
    view: Callable[[Plan], Plan] | None = None,
) -> list[HistoryEntry]:
    """The last ``limit`` commits that touched a plan (following renames), newest first.

    Each has the author date (YYYY-MM-DD), the author's name, the subject and the changes by meaning
    against the commit's first parent; "now overdue" is judged on the commit's date. ``plan_path`` is
    relative to ``repo_root`` (or absolute). Without git, outside a repository, or for a plan git never
    saw, the history is empty: no error.
    """
    try:
        return _history(Path(repo_root), Path(plan_path), limit, locale, view)
    except GitError:
        return []


def _history(
    repo_root: Path, plan_path: Path, limit: int, locale: Locale, view: Callable[[Plan], Plan] | None
) -> list[HistoryEntry]:
    top = _toplevel(repo_root)
    try:
        rel = (repo_root / plan_path).resolve().relative_to(top).as_posix()
    except ValueError:
        return []
    out = _git(
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
    blobs = dict(zip(names, _cat_blobs(top, names), strict=True))
    entries = []
    for t in touches:
        labels = (t.parent[:7], t.commit[:7])
        sides = ((t.name_a, t.path_a, labels[0]), (t.name_b, t.path_b, labels[1]))
        a, b = (_load_blob(blobs.get(n), 0, p, f"{label}:{p}") if n and p else None for n, p, label in sides)
        try:
            day = dt.date.fromisoformat(t.date)
        except ValueError:
            day = dt.date.today()
        account = diff_loaded(a, b, (t.path_a, t.path_b), labels, day, locale, view)
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


# --- changes by meaning --------------------------------------------------------------------------


class _Changes(list[Change]):
    """Changes being collected, each worded in the plan's locale."""

    def __init__(self, locale: Locale) -> None:
        super().__init__()
        self.locale = locale

    def say(self, en: str, zh: str) -> str:
        return zh if self.locale == "zh" else en

    def add(self, kind: str, path: str, before: Any, after: Any, en: str, zh: str) -> None:
        self.append(Change(kind, path, before, after, self.say(en, zh)))

    def label(self, kind: str, value: str | None) -> str:
        if value is None:
            return self.say("not set", "未设定")
        text = enum_label(kind, value, self.locale)
        return text if self.locale == "zh" else text.lower()

    def roles(self, values: Sequence[str]) -> str:
        return self.say(", ", "、").join(self.label("role", v) for v in values) or self.say(
            "no role", "无角色"
        )

    def move(self, kind: str, before: str | None, after: str | None) -> str:
        return f"{self.label(kind, before)} → {self.label(kind, after)}"

    def stage(self, stage: int) -> str:
        # English names a stage by its key, as in "stage 3 → 5 (evaluation)"; Chinese by its label.
        return stage_label(stage, "zh") if self.locale == "zh" else STAGES[stage][0]


def diff_loaded(
    a: LoadedPlan | None,
    b: LoadedPlan | None,
    paths: tuple[str | None, str | None],
    labels: tuple[str | None, str | None],
    today: dt.date,
    locale: Locale,
    view: Callable[[Plan], Plan] | None = None,
) -> AccountDiff | None:
    """The changes of one plan file between two sides (None: absent there); None when nothing changed.

    ``labels`` name the sides (a revision, None for the working tree); ``locale`` is the default;
    ``view`` narrows both plans first (an audience), so changes to what it drops are not told.
    """
    plan_a = a.plan if a is not None and a.ok else None
    plan_b = b.plan if b is not None and b.ok else None
    if view is not None:
        plan_a = view(plan_a) if plan_a is not None else None
        plan_b = view(plan_b) if plan_b is not None else None
    locales = [p.plan.locale for p in (plan_b, plan_a) if p is not None and p.plan.locale is not None]
    lang = locales[0] if locales else locale
    out = _Changes(lang)
    ident = b.id if b is not None else a.id if a is not None else ""
    name = next((p.account.name for p in (plan_b, plan_a) if p is not None), ident)
    path_a, path_b = paths
    file = path_b or path_a or ""
    if a is None:
        out.add("plan_added", "", None, path_b, f"New plan: {name} ({file})", f"新增计划：{name}（{file}）")
    elif b is None:
        out.add(
            "plan_removed", "", path_a, None, f"Plan removed: {name} ({file})", f"删除计划：{name}（{file}）"
        )
    elif path_a != path_b:
        out.add(
            "plan_renamed",
            "",
            path_a,
            path_b,
            f"Plan renamed: {path_a} → {path_b}",
            f"计划改名：{path_a} → {path_b}",
        )
    errors = [_errors(x) for x in (a, b)]
    if any(errors):
        _invalid(errors, labels, out)
    if plan_a is not None and plan_b is not None:
        out += diff_plans(plan_a, plan_b, today, lang)
    if not out:
        return None
    findings = [f for x in (a, b) if x is not None and not x.ok for f in x.findings]
    return AccountDiff(ident, name, file, list(out), findings, invalid_after=bool(errors[1]))


def _invalid(errors: list[int | None], labels: tuple[str | None, str | None], out: _Changes) -> None:
    en, zh = [], []
    for count, label in zip(errors, labels, strict=True):
        if count:
            en.append(f"at {label or 'the working tree'} ({count} error{'s' * (count != 1)})")
            zh.append(f"在 {label or '工作区'} 无效（{count} 个错误）")
    text_en, text_zh = "Plan is invalid " + " and ".join(en), "计划" + "，".join(zh)
    if errors[1] == 0:
        text_en += f"; valid at {labels[1] or 'the working tree'}"
        text_zh += f"；在 {labels[1] or '工作区'} 有效"
    out.add("plan_invalid", "", errors[0], errors[1], text_en, text_zh)


def _errors(loaded: LoadedPlan | None) -> int | None:
    """Errors of a side: None when the file is absent, 0 when it is valid."""
    if loaded is None:
        return None
    return 0 if loaded.ok else max(1, sum(1 for f in loaded.findings if f.severity == "error"))


class _Keyed(Protocol):
    @property
    def id(self) -> str: ...


K = TypeVar("K", bound=_Keyed)


def _pairs(before: Sequence[K], after: Sequence[K]) -> Iterator[tuple[K | None, K | None]]:
    """Items matched by id: in the newer order, then those removed, in the older order."""
    old = {x.id: x for x in reversed(before)}
    new = {x.id for x in after}
    yield from ((old.get(x.id), x) for x in after)
    yield from ((x, None) for x in before if x.id not in new)


def _one_line(text: str, limit: int = 100) -> str:
    words = " ".join(text.split())
    return words if len(words) <= limit else words[: limit - 1].rstrip() + "…"


def _describe(item: Any, out: _Changes) -> str:
    """An item named in a message: its name, with the one fact that matters most."""
    if isinstance(item, PlanProject):
        return out.say(
            f"{item.name} at stage {item.stage} ({out.stage(item.stage)})",
            f"{item.name}，第 {item.stage} 阶段（{out.stage(item.stage)}）",
        )
    if isinstance(item, Person):
        return item.name + (out.say(f", {item.title}", f"（{item.title}）") if item.title else "")
    if isinstance(item, Competitor):
        threat = out.label("level", item.threat)
        return item.name + (out.say(f" (threat {threat})", f"（威胁 {threat}）") if item.threat else "")
    if isinstance(item, (Need, Crux)):
        return _one_line(item.statement)
    assert isinstance(item, Action)
    return item.what + (out.say(f" (due {item.due})", f"（{item.due} 截止）") if item.due else "")


# section, kind when added, kind when gone, then the messages (en, zh) of each
_SECTIONS = (
    ("projects", "project_added", "project_removed", "New project", "新项目", "Project removed", "删除项目"),
    ("people", "person_added", "person_removed", "New person", "新增人员", "Person removed", "删除人员"),
    (
        "competitors",
        "competitor_added",
        "competitor_removed",
        "New competitor",
        "新竞争对手",
        "Competitor removed",
        "删除竞争对手",
    ),
    ("needs", "need_added", "need_resolved", "New need", "新需求", "Need resolved", "需求已满足"),
    ("cruxes", "crux_added", "crux_resolved", "New crux", "新要害", "Crux resolved", "要害已解决"),
    ("actions", "action_added", "action_removed", "New action", "新行动", "Action removed", "删除行动"),
)


def diff_plans(a: Plan, b: Plan, today: dt.date, locale: Locale = "en") -> list[Change]:
    """Every change by meaning from plan ``a`` to plan ``b``, worded in ``locale``.

    "Now overdue": an open action due before ``today`` in ``b`` that was not so in ``a``.
    """
    out = _Changes(locale)
    reviewed_a, reviewed_b = a.plan.reviewed, b.plan.reviewed
    if reviewed_b is not None and reviewed_b != reviewed_a:
        before = reviewed_a.isoformat() if reviewed_a else None
        out.add(
            "plan_reviewed",
            "plan.reviewed",
            before,
            reviewed_b.isoformat(),
            f"Plan reviewed on {reviewed_b}",
            f"计划已于 {reviewed_b} 评审",
        )
    people = {p.id: p.name for p in (*a.people, *b.people)}
    for section, added, gone, added_en, added_zh, gone_en, gone_zh in _SECTIONS:
        for old, new in _pairs(getattr(a, section), getattr(b, section)):
            if old is not None and new is not None:
                if isinstance(new, PlanProject):
                    _project(old, new, people, out)
                elif isinstance(new, Person):
                    _person(old, new, out)
                elif isinstance(new, Competitor):
                    _competitor(old, new, out)
            elif new is not None:
                text = _describe(new, out)
                out.add(
                    added,
                    f"{section}[{new.id}]",
                    None,
                    _value(new),
                    f"{added_en}: {text}",
                    f"{added_zh}：{text}",
                )
            elif old is not None:
                text = _describe(old, out)
                out.add(
                    gone,
                    f"{section}[{old.id}]",
                    _value(old),
                    None,
                    f"{gone_en}: {text}",
                    f"{gone_zh}：{text}",
                )
            if isinstance(new, Action):
                _action(old, new, today, out)
    return list(out)


def _value(item: Any) -> Any:
    """An item as YAML data: the keys it was written with."""
    return item.model_dump(mode="json", by_alias=True, exclude_unset=True)


def _project(old: PlanProject, new: PlanProject, people: dict[str, str], out: _Changes) -> None:
    path, name = f"projects[{new.id}]", new.name
    if old.stage != new.stage:
        move, label = f"{old.stage} → {new.stage}", out.stage(new.stage)
        if new.stage > old.stage:
            out.add(
                "stage_advanced",
                f"{path}.stage",
                old.stage,
                new.stage,
                f"{name}: stage {move} ({label})",
                f"{name}：阶段 {move}（{label}）",
            )
        else:
            out.add(
                "stage_slipped",
                f"{path}.stage",
                old.stage,
                new.stage,
                f"{name}: slipped, stage {move} ({label})",
                f"{name}：倒退，阶段 {move}（{label}）",
            )
    if old.outcome != new.outcome:
        kind = {"won": "project_won", "lost": "project_lost"}.get(new.outcome, "outcome_changed")
        move = out.move("outcome", old.outcome, new.outcome)
        out.add(kind, f"{path}.outcome", old.outcome, new.outcome, f"{name}: {move}", f"{name}：{move}")
    _buying_team(old.buying_team, new.buying_team, path, name, people, out)
    _red_flags(old.red_flags, new.red_flags, path, name, out)


def _buying_team(
    before: Sequence[BuyingTeamMember],
    after: Sequence[BuyingTeamMember],
    path: str,
    project: str,
    people: dict[str, str],
    out: _Changes,
) -> None:
    old = {m.person: list(m.roles) for m in reversed(before)}
    new = {m.person: list(m.roles) for m in reversed(after)}
    for person in dict.fromkeys([*(m.person for m in after), *(m.person for m in before)]):
        roles_a, roles_b = old.get(person), new.get(person)
        if roles_a is not None and roles_b is not None and set(roles_a) == set(roles_b):
            continue
        who, where = people.get(person, person), f"{path}.buying_team[{person}].roles"
        if roles_a is None:
            roles = out.roles(roles_b or [])
            en, zh = f"{who} joins the buying team ({roles})", f"{who} 加入采购小组（{roles}）"
        elif roles_b is None:
            en, zh = f"{who} leaves the buying team", f"{who} 退出采购小组"
        else:
            move = f"{out.roles(roles_a)} → {out.roles(roles_b)}"
            en, zh = f"{who}, roles {move}", f"{who}，角色 {move}"
        out.add("roles_changed", where, roles_a, roles_b, f"{project}: {en}", f"{project}：{zh}")


def _red_flags(before: Sequence[str], after: Sequence[str], path: str, project: str, out: _Changes) -> None:
    # Red flags have no ids: a flag is its text; an edited flag is one resolved and one added.
    added, resolved = Counter(after) - Counter(before), Counter(before) - Counter(after)
    for i, flag in enumerate(after):
        if added[flag] > 0:
            added[flag] -= 1
            text = _one_line(flag)
            out.add(
                "red_flag_added",
                f"{path}.red_flags[{i}]",
                None,
                flag,
                f"{project}: new red flag: {text}",
                f"{project}：新风险：{text}",
            )
    for i, flag in enumerate(before):
        if resolved[flag] > 0:
            resolved[flag] -= 1
            text = _one_line(flag)
            out.add(
                "red_flag_resolved",
                f"{path}.red_flags[{i}]",
                flag,
                None,
                f"{project}: red flag resolved: {text}",
                f"{project}：风险已消除：{text}",
            )


def _person(old: Person, new: Person, out: _Changes) -> None:
    path, name = f"people[{new.id}]", new.name
    if old.status != new.status:
        if new.status == "left":
            out.add(
                "person_left", f"{path}.status", old.status, new.status, f"{name} has left", f"{name} 已离职"
            )
        elif new.status == "moved":
            out.add(
                "person_moved",
                f"{path}.status",
                old.status,
                new.status,
                f"{name} has moved",
                f"{name} 已调岗",
            )
        else:
            move = out.move("person_status", old.status, new.status)
            out.add(
                "person_status_changed",
                f"{path}.status",
                old.status,
                new.status,
                f"{name}: status {move}",
                f"{name}：状态 {move}",
            )
    if old.title != new.title:
        move = f"{old.title or out.say('none', '无')} → {new.title or out.say('none', '无')}"
        out.add(
            "title_changed",
            f"{path}.title",
            old.title,
            new.title,
            f"{name}: title {move}",
            f"{name}：职务 {move}",
        )
    for key, en, zh in (
        ("support", "support", "态度"),
        ("influence", "influence", "影响力"),
        ("coverage", "coverage", "关系覆盖"),
    ):
        before, after = getattr(old, key), getattr(new, key)
        if before != after:
            move = out.move(key, before, after)
            out.add(
                f"{key}_changed",
                f"{path}.{key}",
                before,
                after,
                f"{name}: {en} {move}",
                f"{name}：{zh} {move}",
            )


def _competitor(old: Competitor, new: Competitor, out: _Changes) -> None:
    path, name = f"competitors[{new.id}]", new.name
    if old.status != new.status:
        move = out.move("competitor_status", old.status, new.status)
        out.add(
            "competitor_status_changed",
            f"{path}.status",
            old.status,
            new.status,
            f"{name}: status {move}",
            f"{name}：状态 {move}",
        )
    if old.threat != new.threat:
        move = out.move("level", old.threat, new.threat)
        out.add(
            "threat_changed",
            f"{path}.threat",
            old.threat,
            new.threat,
            f"{name}: threat {move}",
            f"{name}：威胁 {move}",
        )


def _overdue(action: Action | None, today: dt.date) -> bool:
    return action is not None and action.status == "open" and action.due is not None and action.due < today


def _action(old: Action | None, new: Action, today: dt.date, out: _Changes) -> None:
    path, what = f"actions[{new.id}]", new.what
    if old is not None and old.status != new.status:
        kind, en, zh = {
            "done": ("action_done", f"Action done: {what}", f"行动完成：{what}"),
            "dropped": ("action_dropped", f"Action dropped: {what}", f"行动放弃：{what}"),
        }.get(new.status, ("action_reopened", f"Action reopened: {what}", f"行动重新打开：{what}"))
        out.add(kind, f"{path}.status", old.status, new.status, en, zh)
    if _overdue(new, today) and not _overdue(old, today):
        before = old.due.isoformat() if old is not None and old.due else None
        due = new.due.isoformat() if new.due else None
        out.add(
            "action_overdue",
            f"{path}.due",
            before,
            due,
            f"Action now overdue: {what} (due {due})",
            f"行动已逾期：{what}（{due} 截止）",
        )


# --- output formats ------------------------------------------------------------------------------


def _sides(report: DiffReport) -> str:
    return f"{report.rev_a} → {report.rev_b if report.rev_b is not None else 'working tree'}"


def format_text(report: DiffReport) -> str:
    """An account header line, then one line per change (its kind, then its message)."""
    width = max((len(c.kind) for a in report.accounts for c in a.changes), default=0)
    lines: list[str] = []
    for account in report.accounts:
        lines.append(f"{account.name} ({account.file})")
        lines += [f"  {c.kind:<{width}}  {c.message}" for c in account.changes]
        lines += [f"  {f.text()}" for f in account.findings]
    plans, changes = len(report.accounts), sum(len(a.changes) for a in report.accounts)
    if plans:
        lines.append(
            f"{plans} plan{'s' * (plans != 1)} changed, {changes} change{'s' * (changes != 1)}: {_sides(report)}"
        )
    else:
        lines.append(f"no plan changes: {_sides(report)}")
    return "\n".join(lines) + "\n"


_MD_SPECIAL = str.maketrans({c: f"\\{c}" for c in "\\`*_[]<>#|~"})


def _md(text: str) -> str:
    return text.translate(_MD_SPECIAL)


def format_markdown(report: DiffReport) -> str:
    """A heading per account and a bullet per change, ready to paste in a pull-request comment."""
    to = f"`{report.rev_b}`" if report.rev_b is not None else "working tree"
    out = [f"## Plan changes: `{report.rev_a}` → {to}", ""]
    if not report.accounts:
        out += ["No plan changes.", ""]
    for account in report.accounts:
        out += [f"### {_md(account.name)} (`{account.file}`)", ""]
        out += [f"- {_md(c.message)}" for c in account.changes]
        if account.findings:
            out += ["", "Findings:", ""]
            for f in account.findings:
                where = f" `{f.path}`" if f.path else ""
                out.append(f"- `{f.file}:{f.line}:{f.column}` {f.severity} {f.code}{where}: {_md(f.message)}")
        out.append("")
    return "\n".join(out)


def format_json(report: DiffReport) -> str:
    """The report as JSON (:meth:`DiffReport.as_dict`)."""
    return json.dumps(report.as_dict(), ensure_ascii=False, indent=2) + "\n"


def format_report(report: DiffReport, fmt: str) -> str:
    """The report in one of :data:`FORMATS`."""
    return {"text": format_text, "markdown": format_markdown, "json": format_json}[fmt](report)


def head_blobs(repo_root: Path, folder: Path) -> dict[Path, str]:
    """The blob id at HEAD of every file under ``folder`` (empty without git): one git call.

    A plan's history changes only with a commit that changes the plan, so its blob id at HEAD is
    what a page showing the history depends on.
    """
    try:
        top = _toplevel(repo_root)
        rel = folder.resolve().relative_to(top).as_posix()
        out = _git(top, "ls-tree", "-r", "-z", "HEAD", "--", rel or ".")
    except (GitError, ValueError):
        return {}
    blobs = {}
    for record in out.split(b"\0"):
        meta, _, name = record.partition(b"\t")
        parts = meta.split()
        if len(parts) == 3:
            blobs[(top / os.fsdecode(name)).resolve()] = parts[2].decode()
    return blobs
