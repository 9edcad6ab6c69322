"""Reading git through its command line: never a shell, never a write to the repository."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from pathlib import Path


class GitError(Exception):
    """Git failed, or could not be run at all (``missing``).

    Not a :class:`~kaplan.errors.KaplanError` on purpose: callers catch it and decide what it means
    (no repository: a usage error; no history: an empty one). One that escapes is a bug.
    """

    def __init__(self, message: str, missing: bool = False) -> None:
        super().__init__(message)
        self.missing = missing


def run_git(repo: Path, *args: str, stdin: bytes | None = None, ok: tuple[int, ...] = (0,)) -> bytes:
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


def toplevel(start: Path) -> Path:
    return Path(os.fsdecode(run_git(start, "rev-parse", "--show-toplevel").rstrip(b"\n"))).resolve()


def cat_blobs(repo: Path, names: Sequence[str]) -> list[bytes | None]:
    """Contents of objects (blob ids or ``REV:path``), None for a missing one; one git process."""
    if not names:
        return []
    out = run_git(repo, "cat-file", "--batch", stdin=b"".join(os.fsencode(n) + b"\n" for n in names))
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


def renamed_paths(out: bytes, prefix_a: str = "", prefix_b: str = "") -> dict[str, str]:
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


def head_blobs(repo_root: Path, folder: Path) -> dict[Path, str]:
    """The blob id at HEAD of every file under ``folder`` (empty without git): one git call. The keys
    are the resolved repository root joined with git's path (see :func:`in_repository`).

    A plan's history changes only with a commit that changes the plan, so its blob id at HEAD is
    what a page showing the history depends on.
    """
    try:
        top = toplevel(repo_root)
        rel = folder.resolve().relative_to(top).as_posix()
        out = run_git(top, "ls-tree", "-r", "-z", "HEAD", "--", rel or ".")
    except (GitError, ValueError):
        return {}
    blobs = {}
    for record in out.split(b"\0"):
        meta, _, name = record.partition(b"\t")
        parts = meta.split()
        if len(parts) == 3:
            blobs[top / os.fsdecode(name)] = parts[2].decode()  # top is resolved; git's names are plain
    return blobs


def revision_date(repo: Path, rev: str) -> str | None:
    """The author date (YYYY-MM-DD) of the commit ``rev`` names; None when git knows no such commit."""
    if not rev or rev.startswith("-"):
        return None
    try:
        out = run_git(
            repo, "log", "-1", "--no-walk", "--format=%ad", "--date=short", f"{rev}^{{commit}}", "--"
        )
    except GitError:
        return None
    return out.decode("ascii", "replace").strip() or None


def in_repository(path: Path, folders: dict[Path, Path]) -> Path:
    """``path`` as :func:`head_blobs` names it: its folder resolved (once per folder, in ``folders``)."""
    parent = path.parent
    if parent not in folders:
        folders[parent] = parent.resolve()
    return folders[parent] / path.name
