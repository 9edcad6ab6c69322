"""``kaplan new``: a commented starter plan in Chinese or English."""

from __future__ import annotations

import datetime as dt
from importlib import resources
from pathlib import Path

from kaplan.files import write_atomic
from kaplan.model import RESERVED_IDS, SLUG_RE


class StarterError(Exception):
    """The starter could not be written (bad id, file exists)."""


def starter_text(ident: str, name: str | None, locale: str, today: dt.date) -> str:
    """The starter plan's text, with the id, name and date filled in."""
    template = resources.files("kaplan").joinpath("starters", f"{locale}.yaml").read_text("utf-8")
    shown = name or ident.replace("-", " ").title()
    quoted = '"' + shown.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return template.replace("{name}", quoted).replace("{today}", today.isoformat())


def write_starter(
    folder: Path, ident: str, name: str | None, locale: str, today: dt.date | None = None
) -> Path:
    """Write ``folder/ID.yaml``; refuse a bad id or an existing file."""
    if not SLUG_RE.match(ident) or ident in RESERVED_IDS:
        raise StarterError(
            f"'{ident}' is not a valid account id: use lowercase a-z, 0-9 and hyphens, like 'anshan-steel'"
        )
    path = folder / f"{ident}.yaml"
    if path.exists():
        raise StarterError(f"{path} already exists: kaplan new never overwrites a plan")
    try:
        return write_atomic(path, starter_text(ident, name, locale, today or dt.date.today()))
    except OSError as exc:
        raise StarterError(f"cannot write {path}: {exc.strerror}") from None
