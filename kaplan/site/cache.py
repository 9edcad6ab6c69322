"""The build cache: an output is rebuilt only when what it is made from changed, and an output
is trusted only when its bytes are still the ones kaplan recorded for this audience.

What a plan's outputs are made from: the plan file, kaplan.yaml, the logo, every theme file, kaplan
itself (its version and source), the audience and the day (findings depend on it); the HTML page
also on its links and the plan's git history. Beside each plan's outputs, a record
``OUT/accounts/.ID.kaplan.json`` keeps, per output, that key, the audience it was made for and the
SHA-256 of its bytes, and the plan's dashboard summary, so a no-op rebuild reads no YAML at all.
The record travels with the files: PDFs built on other machines (CI shards) and copied into OUT are
trusted as long as their records say they were made for this audience from these inputs.
``OUT/.kaplan-manifest.json`` records the site's own files the same way.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kaplan import __version__
from kaplan.files import NotReadable, read_regular

MANIFEST = ".kaplan-manifest.json"
RECORD_SUFFIX = ".kaplan.json"
FORMAT = 2
MAX_RECORD_BYTES = 4 * 1024 * 1024
SUFFIX = re.compile(r"(?:\.[a-z0-9-]+)+")  # an output's suffix: never a path


def _files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def context_hash(
    config_file: Path | None,
    theme: Iterable[tuple[str, Path]],
    extra: Iterable[str],
    inputs: Iterable[Path] = (),
) -> str:
    """The hash of everything every plan's outputs depend on.

    ``theme`` lists the theme's files as (name, path), in lookup order; ``inputs`` are other files
    the documents embed (the logo).
    """
    digest = hashlib.sha256(f"kaplan {__version__}\n".encode())
    package = Path(__file__).resolve().parents[1]  # all of kaplan, not only this subpackage
    for path in _files_under(package):
        if path.suffix in (".py", ".yaml", ".html", ".css", ".js"):
            digest.update(str(path.relative_to(package)).encode() + b"\0" + path.read_bytes())
    if config_file is not None and config_file.is_file():
        digest.update(b"config\0" + config_file.read_bytes())
    for name, path in theme:
        digest.update(f"theme/{name}\0".encode() + path.read_bytes())
    for path in inputs:
        digest.update(b"input\0" + (_read_file(path, 16 * 1024 * 1024, follow=True) or b"\0missing"))
    for item in extra:
        digest.update(b"extra\0" + item.encode())
    return digest.hexdigest()


def plan_key(context: str, plan_bytes: bytes, parts: Iterable[str]) -> str:
    """The key of one output of a plan: the context, the plan's bytes and what else it depends on."""
    digest = hashlib.sha256(context.encode() + b"\0" + plan_bytes)
    for part in parts:
        digest.update(b"\0" + part.encode())
    return digest.hexdigest()


def _read_file(path: Path, limit: int, follow: bool = False) -> bytes | None:
    """A regular file's bytes (by default not through a symlink), at most ``limit``; else None."""
    try:
        return read_regular(path, limit, follow=follow)
    except (OSError, NotReadable):
        return None


def file_digest(path: Path, limit: int = 1 << 30) -> str | None:
    """The SHA-256 of a regular file's bytes; None when it is missing, a symlink, not a file, or unreadable."""
    data = _read_file(path, limit)
    return hashlib.sha256(data).hexdigest() if data is not None else None


@dataclass(frozen=True)
class Output:
    """What kaplan recorded of one file it wrote: from which inputs, for whom, which bytes.

    ``identity`` is the file's (inode, size, mtime in ns) right after kaplan wrote or last hashed it.
    """

    key: str
    audience: str
    sha256: str
    identity: tuple[int, int, int] | None = None

    def to_json(self) -> dict[str, Any]:
        """The record as JSON."""
        data: dict[str, Any] = {"key": self.key, "audience": self.audience, "sha256": self.sha256}
        if self.identity is not None:
            data["identity"] = list(self.identity)
        return data

    @classmethod
    def from_json(cls, data: Any) -> Output | None:
        """A record read back; None when it is not what kaplan writes."""
        if not isinstance(data, dict) or not all(isinstance(data.get(k), str) for k in ("key", "audience")):
            return None
        digest = data.get("sha256")
        if not isinstance(digest, str) or len(digest) != 64:
            return None
        return cls(data["key"], data["audience"], digest, _identity(data.get("identity")))


def file_identity(path: Path) -> tuple[int, int, int] | None:
    """A regular file's (inode, size, mtime in ns), not through a symlink; None for anything else."""
    try:
        info = os.lstat(path)
    except OSError:
        return None
    return (info.st_ino, info.st_size, info.st_mtime_ns) if stat.S_ISREG(info.st_mode) else None


@dataclass
class PlanRecord:
    """What the cache knows of one plan: its outputs (by suffix) and its dashboard summary."""

    ident: str
    outputs: dict[str, Output] = field(default_factory=dict)
    summary: dict[str, Any] | None = None
    summary_key: str = ""
    view: str = ""  # the audience and day the summary was made for
    meetings: str = ""  # the key of the meeting briefings, when those recorded are all that key makes
    past: dict[str, Any] = field(default_factory=dict)  # changes and trend by blob id (history.log)

    def to_json(self) -> dict[str, Any]:
        """The record as JSON."""
        return {
            "format": FORMAT,
            "id": self.ident,
            "outputs": {s: o.to_json() for s, o in sorted(self.outputs.items())},
            "summary": self.summary,
            "summary_key": self.summary_key,
            "view": self.view,
            "meetings": self.meetings,
            "past": self.past,
        }


def record_path(accounts: Path, ident: str) -> Path:
    """Where the record of a plan's outputs lives."""
    return accounts / f".{ident}{RECORD_SUFFIX}"


def load_record(accounts: Path, ident: str, index: Index | None = None) -> PlanRecord:
    """A plan's record; empty (nothing trusted) when missing, mangled or not for this plan.

    ``index`` holds copies of records by the identity of their file: a record file that is still the
    one copied is not read again (one manifest instead of a thousand small files on a no-op build).
    """
    path = record_path(accounts, ident)
    copy = index.get(ident) if index else None
    if copy is not None and copy[0] == file_identity(path):
        return _record_from_json(copy[1], ident)
    raw = _read_file(path, MAX_RECORD_BYTES)
    try:
        data = json.loads(raw) if raw is not None else None
    except ValueError:
        return PlanRecord(ident)
    return _record_from_json(data, ident)


def _record_from_json(data: Any, ident: str) -> PlanRecord:
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("id") != ident:
        return PlanRecord(ident)
    raw = data.get("outputs")
    outputs = {}
    for suffix, value in raw.items() if isinstance(raw, dict) else ():
        output = Output.from_json(value)
        if isinstance(suffix, str) and SUFFIX.fullmatch(suffix) and output is not None:
            outputs[suffix] = output
    summary = data.get("summary")
    summary_key, view, meetings = data.get("summary_key"), data.get("view"), data.get("meetings")
    past = data.get("past")
    return PlanRecord(
        ident,
        outputs,
        summary if isinstance(summary, dict) else None,
        summary_key if isinstance(summary_key, str) else "",
        view if isinstance(view, str) else "",
        meetings if isinstance(meetings, str) else "",
        past if isinstance(past, dict) else {},
    )


def record_idents(accounts: Path) -> list[str]:
    """The ids of every plan that has a record in ``accounts``, sorted."""
    try:
        names = os.listdir(accounts)
    except OSError:
        return []
    end = -len(RECORD_SUFFIX)
    return sorted(n[1:end] for n in names if n.startswith(".") and n.endswith(RECORD_SUFFIX))


def trusted(path: Path, output: Output | None, audience: str, key: str | None = None) -> bool:
    """Whether ``path`` holds exactly the bytes recorded, made for ``audience`` (and from ``key``).

    The bytes are hashed unless the file is still the very file kaplan wrote: the same inode, size and
    modification time to the nanosecond (as git trusts its index). Every write kaplan makes replaces
    the inode, so another build, an interrupted one or a copy is always hashed.
    """
    if output is None or output.audience != audience or (key is not None and output.key != key):
        return False
    if output.identity is not None and file_identity(path) == output.identity:
        return True
    return file_digest(path) == output.sha256


# Copies of plan records, by id: (identity of the record file, the record as JSON).
Index = dict[str, tuple[tuple[int, int, int], dict[str, Any]]]


@dataclass
class SiteRecord:
    """The site's own files (index, assets), relative to OUT, and the index of plan records."""

    files: dict[str, Output] = field(default_factory=dict)
    plans: Index = field(default_factory=dict)
    key: str = ""  # what the site's files were made from (see kaplan.site.build.site_key)


def load_site_record(out: Path) -> SiteRecord:
    """The record of the site's files and the index of plan records; empty when missing or mangled."""
    raw = _read_file(out / MANIFEST, 256 * 1024 * 1024)
    try:
        data = json.loads(raw) if raw is not None else None
    except ValueError:
        return SiteRecord()
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("site"), dict):
        return SiteRecord()
    files = {}
    for name, value in data["site"].items():
        output = Output.from_json(value)
        if isinstance(name, str) and output is not None:
            files[name] = output
    key = data.get("key")
    return SiteRecord(files, _index(data.get("plans")), key if isinstance(key, str) else "")


def _index(raw: Any) -> Index:
    """The copies of plan records kept in the manifest, by id; what is mangled is left out."""
    plans: Index = {}
    for ident, entry in raw.items() if isinstance(raw, dict) else ():
        identity = _identity(entry.get("identity") if isinstance(entry, dict) else None)
        if identity is not None:
            plans[ident] = (identity, entry.get("record"))
    return plans


def _identity(raw: Any) -> tuple[int, int, int] | None:
    if isinstance(raw, list) and len(raw) == 3 and all(type(n) is int for n in raw):
        return (raw[0], raw[1], raw[2])
    return None


def site_record_json(record: SiteRecord) -> str:
    """The site record as the text of ``OUT/.kaplan-manifest.json``."""
    data = {
        "format": FORMAT,
        "key": record.key,
        "site": {n: o.to_json() for n, o in sorted(record.files.items())},
        "plans": {
            i: {"identity": list(ident), "record": r} for i, (ident, r) in sorted(record.plans.items())
        },
    }
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def plan_record_json(record: PlanRecord) -> str:
    """A plan record as the text of its file."""
    return json.dumps(record.to_json(), ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def digest_of(data: bytes | str) -> str:
    """The SHA-256 of bytes about to be written."""
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()


def is_bookkeeping(name: str) -> bool:
    """Whether a file name in OUT is one of the cache's own records, not an output."""
    return name == MANIFEST or (name.startswith(".") and name.endswith(RECORD_SUFFIX))
