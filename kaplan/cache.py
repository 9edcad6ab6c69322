"""The build cache: an output is rebuilt only when what it is made from changed.

What a plan's outputs are made from: the plan file, kaplan.yaml, every theme file, kaplan itself
(its version and source), the audience and the day (findings depend on it), and which outputs and
links the page has. A manifest in the output folder remembers, per plan, that key, the files
written and the dashboard summary, so a no-op rebuild reads no YAML at all.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kaplan import __version__
from kaplan.files import write_atomic

MANIFEST = ".kaplan-manifest.json"
FORMAT = 1


def _files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def context_hash(config_file: Path | None, theme_dirs: Sequence[Path], extra: Iterable[str]) -> str:
    """The hash of everything every plan's outputs depend on."""
    digest = hashlib.sha256(f"kaplan {__version__}\n".encode())
    package = Path(__file__).resolve().parent
    for path in _files_under(package):
        if path.suffix in (".py", ".yaml", ".html", ".css", ".js"):
            digest.update(str(path.relative_to(package)).encode() + b"\0" + path.read_bytes())
    if config_file is not None and config_file.is_file():
        digest.update(b"config\0" + config_file.read_bytes())
    for i, folder in enumerate(theme_dirs):
        for path in _files_under(folder):
            digest.update(f"theme{i}/{path.relative_to(folder)}\0".encode() + path.read_bytes())
    for item in extra:
        digest.update(b"extra\0" + item.encode())
    return digest.hexdigest()


def plan_key(context: str, plan_bytes: bytes, parts: Iterable[str]) -> str:
    """The key of one plan's outputs."""
    digest = hashlib.sha256(context.encode() + b"\0" + plan_bytes)
    for part in parts:
        digest.update(b"\0" + part.encode())
    return digest.hexdigest()


@dataclass
class Entry:
    """What the cache knows of one plan."""

    key: str
    outputs: list[str] = field(default_factory=list)
    summary: dict[str, Any] | None = None
    view: str = ""  # the audience and day the summary was made for


@dataclass
class Manifest:
    """Per plan id: its key, its outputs (relative to OUT) and its summary."""

    plans: dict[str, Entry] = field(default_factory=dict)


def load_manifest(out: Path) -> Manifest:
    """The manifest of an output folder; empty when missing, unreadable or not what kaplan wrote."""
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Manifest()
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("plans"), dict):
        return Manifest()
    plans = {}
    for ident, entry in data["plans"].items():
        if not (
            isinstance(entry, dict)
            and isinstance(entry.get("key"), str)
            and isinstance(entry.get("outputs"), list)
            and all(isinstance(o, str) for o in entry["outputs"])
            and (entry.get("summary") is None or isinstance(entry["summary"], dict))
            and isinstance(entry.get("view", ""), str)
        ):
            return Manifest()
        plans[ident] = Entry(entry["key"], entry["outputs"], entry.get("summary"), entry.get("view", ""))
    return Manifest(plans)


def save_manifest(out: Path, manifest: Manifest) -> None:
    """Write the manifest atomically."""
    data = {
        "format": FORMAT,
        "plans": {
            ident: {"key": e.key, "outputs": e.outputs, "summary": e.summary, "view": e.view}
            for ident, e in sorted(manifest.plans.items())
        },
    }
    write_atomic(out / MANIFEST, json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")))
