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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kaplan import __version__

MANIFEST = ".kaplan-manifest.json"
RECORD_SUFFIX = ".kaplan.json"
FORMAT = 2
MAX_RECORD_BYTES = 4 * 1024 * 1024


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
    package = Path(__file__).resolve().parent
    for path in _files_under(package):
        if path.suffix in (".py", ".yaml", ".html", ".css", ".js"):
            digest.update(str(path.relative_to(package)).encode() + b"\0" + path.read_bytes())
    if config_file is not None and config_file.is_file():
        digest.update(b"config\0" + config_file.read_bytes())
    for name, path in theme:
        digest.update(f"theme/{name}\0".encode() + path.read_bytes())
    for path in inputs:
        digest.update(b"input\0" + (_read_small(path) or b"\0missing"))
    for item in extra:
        digest.update(b"extra\0" + item.encode())
    return digest.hexdigest()


def _read_small(path: Path, limit: int = 16 * 1024 * 1024) -> bytes | None:
    try:
        if path.is_file() and path.stat().st_size <= limit:
            return path.read_bytes()
    except OSError:
        pass
    return None


def plan_key(context: str, plan_bytes: bytes, parts: Iterable[str]) -> str:
    """The key of one output of a plan: the context, the plan's bytes and what else it depends on."""
    digest = hashlib.sha256(context.encode() + b"\0" + plan_bytes)
    for part in parts:
        digest.update(b"\0" + part.encode())
    return digest.hexdigest()


def file_digest(path: Path) -> str | None:
    """The SHA-256 of a regular file's bytes; None when it is missing, not a file, or unreadable."""
    try:
        with path.open("rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:
        return None


@dataclass(frozen=True)
class Output:
    """What kaplan recorded of one file it wrote: from which inputs, for whom, which bytes."""

    key: str
    audience: str
    sha256: str

    def to_json(self) -> dict[str, str]:
        """The record as JSON."""
        return {"key": self.key, "audience": self.audience, "sha256": self.sha256}

    @classmethod
    def from_json(cls, data: Any) -> Output | None:
        """A record read back; None when it is not what kaplan writes."""
        if not isinstance(data, dict) or not all(isinstance(data.get(k), str) for k in ("key", "audience")):
            return None
        digest = data.get("sha256")
        if not isinstance(digest, str) or len(digest) != 64:
            return None
        return cls(data["key"], data["audience"], digest)


@dataclass
class PlanRecord:
    """What the cache knows of one plan: its outputs (by suffix) and its dashboard summary."""

    ident: str
    outputs: dict[str, Output] = field(default_factory=dict)
    summary: dict[str, Any] | None = None
    summary_key: str = ""
    view: str = ""  # the audience and day the summary was made for

    def to_json(self) -> dict[str, Any]:
        """The record as JSON."""
        return {
            "format": FORMAT,
            "id": self.ident,
            "outputs": {s: o.to_json() for s, o in sorted(self.outputs.items())},
            "summary": self.summary,
            "summary_key": self.summary_key,
            "view": self.view,
        }


def record_path(accounts: Path, ident: str) -> Path:
    """Where the record of a plan's outputs lives."""
    return accounts / f".{ident}{RECORD_SUFFIX}"


def load_record(accounts: Path, ident: str) -> PlanRecord:
    """A plan's record; empty (nothing trusted) when missing, mangled or not for this plan."""
    path = record_path(accounts, ident)
    try:
        if path.is_symlink() or path.stat().st_size > MAX_RECORD_BYTES:
            return PlanRecord(ident)
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return PlanRecord(ident)
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("id") != ident:
        return PlanRecord(ident)
    raw = data.get("outputs")
    outputs = {}
    for suffix, value in raw.items() if isinstance(raw, dict) else ():
        output = Output.from_json(value)
        if isinstance(suffix, str) and output is not None:
            outputs[suffix] = output
    summary = data.get("summary")
    summary_key, view = data.get("summary_key"), data.get("view")
    return PlanRecord(
        ident,
        outputs,
        summary if isinstance(summary, dict) else None,
        summary_key if isinstance(summary_key, str) else "",
        view if isinstance(view, str) else "",
    )


def record_idents(accounts: Path) -> Iterator[str]:
    """The ids of every plan that has a record in ``accounts``."""
    if not accounts.is_dir():
        return
    for entry in sorted(accounts.iterdir()):
        name = entry.name
        if name.startswith(".") and name.endswith(RECORD_SUFFIX) and entry.is_file():
            yield name[1 : -len(RECORD_SUFFIX)]


def trusted(path: Path, output: Output | None, audience: str, key: str | None = None) -> bool:
    """Whether ``path`` holds exactly the bytes recorded, made for ``audience`` (and from ``key``)."""
    if output is None or output.audience != audience or (key is not None and output.key != key):
        return False
    if path.is_symlink():
        return False
    return file_digest(path) == output.sha256


@dataclass
class SiteRecord:
    """The site's own files (index, assets), relative to OUT."""

    files: dict[str, Output] = field(default_factory=dict)


def load_site_record(out: Path) -> SiteRecord:
    """The record of the site's files; empty when missing or mangled."""
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return SiteRecord()
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("site"), dict):
        return SiteRecord()
    files = {}
    for name, value in data["site"].items():
        output = Output.from_json(value)
        if isinstance(name, str) and output is not None:
            files[name] = output
    return SiteRecord(files)


def site_record_json(record: SiteRecord) -> str:
    """The site record as the text of ``OUT/.kaplan-manifest.json``."""
    data = {"format": FORMAT, "site": {n: o.to_json() for n, o in sorted(record.files.items())}}
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
