"""Plan changes between git revisions (``kaplan diff``) and a plan's recent history.

Git is read through its command line (``rev-parse``, ``ls-tree``, ``cat-file``, ``diff``, ``log``),
never through a shell, and never in a way that writes to the repository, its index or the working tree.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from kaplan.config import CONFIG_NAME, Workspace
from kaplan.errors import UsageError
from kaplan.history.changes import AccountDiff, diff_loaded
from kaplan.history.git import GitError, cat_blobs, renamed_paths, run_git, toplevel
from kaplan.plan import Audience
from kaplan.plan.audience import for_audience
from kaplan.plan.findings import Finding
from kaplan.plan.load import MAX_BYTES, LoadedPlan, file_name_findings, load_plan, load_plan_bytes
from kaplan.plan.model import Locale, Plan


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


def find_repo(start: Path) -> Path:
    """The root of the git work tree holding ``start``; a usage error outside one."""
    try:
        return toplevel(start)
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
            return run_git(repo, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}").decode().strip()
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
        for record in run_git(repo, "ls-tree", "-z", "-l", "--full-tree", commit, "--", *pathspecs).split(
            b"\0"
        ):
            meta, _, name = record.partition(b"\t")
            mode, kind, blob, size = (meta.split() + [b""] * 4)[:4]
            path = os.fsdecode(name)
            # Symbolic links (120000) and submodules are not plan files.
            if kind == b"blob" and mode != b"120000" and scope.holds(path):
                found[path] = (blob.decode(), int(size))
    return found


def load_blob(raw: bytes | None, size: int, path: str, shown: str) -> LoadedPlan:
    """Load a plan read from git as :func:`kaplan.plan.load.load_plan` loads one from disk."""
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
        self._raw |= dict(zip(wanted, cat_blobs(self.repo, [self.blobs[p][0] for p in wanted]), strict=True))

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
        return load_blob(self.raw(path), self.blobs[path][1], path, self.shown(path))


def _renames(a: _Side, b: _Side, removed: list[str], added: list[str]) -> dict[str, str]:
    """Plans renamed or moved between the sides, by git's rename detection."""
    if not removed or not added:
        return {}
    flags = ("-z", "--name-status", "-M", "--no-ext-diff")
    if a.commit is not None and b.commit is not None:
        out = run_git(a.repo, "diff", *flags, a.commit, b.commit, "--", *removed, *added)
        return {old: new for old, new in renamed_paths(out).items() if old in removed and new in added}
    # The working tree may hold renamed files git does not track yet: compare copies, outside the repo.
    with tempfile.TemporaryDirectory(prefix="kaplan-diff-") as tmp:
        for side, root, paths in ((a, "a", removed), (b, "b", added)):
            Path(tmp, root).mkdir()
            for path in paths:
                raw = side.raw(path)
                if raw is not None:
                    Path(tmp, root, path).parent.mkdir(parents=True, exist_ok=True)
                    Path(tmp, root, path).write_bytes(raw)
        out = run_git(Path(tmp), "diff", "--no-index", *flags, "a", "b", ok=(0, 1))
    return {
        old: new for old, new in renamed_paths(out, "a/", "b/").items() if old in removed and new in added
    }


def _audience_view(audience: Audience, now: Plan | None) -> Callable[[Plan], Plan] | None:
    """What ``audience`` may see of either side, judged by the flags of the plan as it is ``now``."""
    if audience == "private":
        return None

    def narrow(plan: Plan) -> Plan:
        return for_audience(plan, audience, now=now).plan

    return narrow


def _current(a: LoadedPlan | None, b: LoadedPlan | None, disk: Path | None) -> Plan | None:
    """The plan as it is now: in the working tree when it is there and valid, else the newer side."""
    if disk is not None and disk.is_file():
        loaded = load_plan(disk)
        if loaded.ok and loaded.plan is not None:
            return loaded.plan
    for side in (b, a):
        if side is not None and side.ok and side.plan is not None:
            return side.plan
    return None


def _pairs(a: _Side, b: _Side) -> list[tuple[str | None, str | None]]:
    """The plan files to compare, paired across the sides (renames followed); unchanged blobs left out."""
    paths_a, paths_b = a.paths(), b.paths()
    removed, added = sorted(paths_a - paths_b), sorted(paths_b - paths_a)
    renames = _renames(a, b, removed, added)
    pairs: list[tuple[str | None, str | None]] = [(p, p) for p in sorted(paths_a & paths_b)]
    pairs += [*renames.items(), *((p, None) for p in removed if p not in renames)]
    pairs += [(None, p) for p in added if p not in renames.values()]
    if b.commit is not None:  # an unchanged blob needs no reading
        pairs = [(pa, pb) for pa, pb in pairs if pa is None or pa != pb or a.blobs[pa] != b.blobs[pa]]
    return pairs


def _compare_pair(
    a: _Side,
    b: _Side,
    pair: tuple[str | None, str | None],
    today: dt.date,
    locale: Locale,
    audience: Audience,
) -> AccountDiff | None:
    """The changes of one plan file between the sides, as ``audience`` may see them."""
    pa, pb = pair
    if pa == pb and pa is not None and a.raw(pa) is not None and a.raw(pa) == b.raw(pa):
        return None
    loaded_a = a.load(pa) if pa is not None else None
    loaded_b = b.load(pb) if pb is not None else None
    disk = b.repo / (pb or pa or "") if b.commit is not None else None
    narrow = _audience_view(audience, _current(loaded_a, loaded_b, disk))
    account = diff_loaded(loaded_a, loaded_b, pair, (a.label, b.label), today, locale, narrow)
    if account is not None and audience == "external":
        account.findings = []  # findings are assessments, and may quote what partners may not see
    return account


def _compare(
    a: _Side, b: _Side, today: dt.date, locale: Locale, audience: Audience = "private"
) -> list[AccountDiff]:
    pairs = _pairs(a, b)
    a.prefetch([pa for pa, _ in pairs if pa is not None])
    b.prefetch([pb for _, pb in pairs if pb is not None])
    found = (_compare_pair(a, b, pair, today, locale, audience) for pair in pairs)
    return sorted((x for x in found if x is not None), key=lambda x: (x.id, x.file))


def diff_revisions(
    repo: Path,
    rev_a: str = "HEAD",
    rev_b: str | None = None,
    scope: Scope | None = None,
    today: dt.date | None = None,
    locale: Locale = "en",
    audience: Audience = "private",
) -> DiffReport:
    """Changes by meaning of the plans in ``scope`` from ``rev_a`` to ``rev_b`` (None: the working tree).

    ``repo`` is the root of the work tree; ``locale`` words the messages of plans without ``plan.locale``;
    only what ``audience`` may see is compared.
    """
    scope = scope if scope is not None else Scope(folders=("plans",))
    side_a = _Side(repo, rev_a, resolve_revision(repo, rev_a), scope)
    side_b = _Side(repo, rev_b, resolve_revision(repo, rev_b) if rev_b is not None else None, scope)
    return DiffReport(rev_a, rev_b, _compare(side_a, side_b, today or dt.date.today(), locale, audience))


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


def scope_for(paths: Sequence[str], project: Workspace, repo: Path, cwd: Path) -> Scope:
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
    args: Sequence[str],
    project: Workspace,
    today: dt.date,
    cwd: Path | None = None,
    audience: Audience = "internal",
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
    return diff_revisions(repo, rev_a, rev_b, scope, today, project.config.locale, audience)
