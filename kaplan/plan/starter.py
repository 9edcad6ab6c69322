"""``kaplan new``: a commented starter plan in Chinese or English."""

from __future__ import annotations

import datetime as dt
import re
from importlib import resources
from pathlib import Path

from kaplan.errors import KaplanError, UsageError
from kaplan.files import write_atomic
from kaplan.plan.findings import printable
from kaplan.plan.model import RESERVED_IDS, SLUG_RE
from kaplan.plan.schema import SCHEMA_FILE, schema_ref

# YAML's own escapes for the characters that must not appear raw in a double-quoted scalar.
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _yaml_string(text: str) -> str:
    """``text`` as a YAML double-quoted scalar that reads back exactly (control characters escaped)."""
    out = []
    for c in text:
        if c in _ESCAPES:
            out.append(_ESCAPES[c])
        elif c.isprintable():
            out.append(c)
        else:
            out.append(f"\\u{ord(c):04x}" if ord(c) <= 0xFFFF else f"\\U{ord(c):08x}")
    return '"' + "".join(out) + '"'


# ``{name}``, ``{schema}``, ``{today}`` and ``{today+N}`` (N days later, for the dates of the examples).
_PLACEHOLDER = re.compile(r"\{(?:(name)|(schema)|today(?:\+(\d+))?)\}")
DEFAULT_SCHEMA_REF = "../" + SCHEMA_FILE  # a plan in plans/ of the repository root


def starter_text(
    ident: str, name: str | None, locale: str, today: dt.date, schema: str = DEFAULT_SCHEMA_REF
) -> str:
    """The starter plan's text, with the id, name, dates and the ``$schema`` path filled in."""
    template = resources.files("kaplan.plan").joinpath("starters", f"{locale}.yaml").read_text("utf-8")
    shown = _yaml_string(name or ident.replace("-", " ").title())

    def fill(match: re.Match[str]) -> str:
        if match[1]:
            return shown
        if match[2]:
            return schema
        return (today + dt.timedelta(days=int(match[3] or 0))).isoformat()

    # One pass, so a name that happens to contain "{today}" stays as written.
    return _PLACEHOLDER.sub(fill, template)


def write_starter(
    folder: Path,
    ident: str,
    name: str | None,
    locale: str,
    today: dt.date | None = None,
    root: Path | None = None,
) -> Path:
    """Write ``folder/ID.yaml``; refuse a bad id or name (:class:`UsageError`), or an existing file.

    Its ``$schema`` line names the schema of the repository at ``root`` (default: ``folder``'s
    parent) relative to ``folder``, however deep the plans folder is.
    """
    if not SLUG_RE.match(ident) or ident in RESERVED_IDS:
        raise UsageError(
            f"'{printable(ident)}' is not a valid account id: use lowercase a-z, 0-9 and hyphens, "
            "like 'anshan-steel'",
            param="id",
        )
    if name is not None and not _is_utf8(name):
        # Bytes the terminal could not decode arrive as lone surrogates, which no UTF-8 file can hold.
        raise UsageError(
            f"'{printable(name)}' is not valid UTF-8 text: set your terminal to UTF-8, "
            "or write the name in the plan afterwards",
            param="name",
        )
    path = folder / f"{ident}.yaml"
    if path.exists():
        raise KaplanError(f"{path} already exists: kaplan new never overwrites a plan")
    try:
        schema = schema_ref(folder, root if root is not None else folder.parent)
        return write_atomic(path, starter_text(ident, name, locale, today or dt.date.today(), schema))
    except OSError as exc:
        raise KaplanError(f"cannot write {path}: {exc.strerror}") from None


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
