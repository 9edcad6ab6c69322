"""Findings: what ``check`` reports, and its text, JSON and GitHub formats."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Literal

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")
# Structural codes: always errors, they stop a plan from being built; `kaplan rules` lists them
# beside the coaching rules. Code → what it means.
STRUCTURAL: dict[str, str] = {
    "syntax": "YAML syntax error, duplicate key, anchor/alias/tag, or a file over 5 MB",
    "schema": "wrong type, value not allowed, required key missing, or unknown key",
    "ref": "a reference names an id that does not exist (or of the wrong kind)",
    "dup-id": "the same id used twice (all sections share one namespace)",
    "cycle": "reports_to goes round in a circle",
    "file-name": "the file name is not a valid account id (a-z, 0-9, hyphens, .yaml)",
}
STRUCTURAL_CODES = tuple(STRUCTURAL)


@dataclass(frozen=True, order=True)
class Finding:
    """One problem or coaching remark, located at ``file:line:column`` (1-based)."""

    file: str
    line: int
    column: int
    path: str
    code: str
    severity: Severity
    message: str
    project: str | None = None  # the id of the project the finding is about
    waived: str | None = None  # the reason of the waiver that silences it

    def __post_init__(self) -> None:
        # The file name comes from the file system: a name that is not UTF-8 (or holds a newline)
        # must not break the terminal, the JSON or the one-finding-a-line format.
        object.__setattr__(self, "file", printable(self.file))

    @property
    def structural(self) -> bool:
        """True for the codes that stop a plan from being built."""
        return self.code in STRUCTURAL_CODES

    def text(self) -> str:
        """The ``FILE:LINE:COL: SEVERITY CODE: MESSAGE`` line."""
        where = f"{self.path}: " if self.path else ""
        return f"{self.file}:{self.line}:{self.column}: {self.severity} {self.code}: {where}{self.message}"

    def github(self) -> str:
        """A GitHub Actions workflow command that annotates the line."""
        level = {"error": "error", "warning": "warning", "info": "notice"}[self.severity]
        where = f"{self.path}: " if self.path else ""
        message = _gh_escape(where + self.message, data=True)
        return (
            f"::{level} file={_gh_escape(self.file)},line={self.line},col={self.column},"
            f"title={_gh_escape(self.code)}::{message}"
        )


def printable(text: str) -> str:
    """Text safe to print, write as UTF-8 or put on one line: a file name's undecodable bytes
    (which Python holds as lone surrogates) become ``\\xNN``, other control characters ``\\uNNNN``."""
    if text.isprintable():
        return text
    out = []
    for c in text:
        code = ord(c)
        if 0xDC80 <= code <= 0xDCFF:  # a byte os.fsdecode could not decode (surrogateescape)
            out.append(f"\\x{code - 0xDC00:02x}")
        elif c.isprintable() or (c.isspace() and c not in "\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029"):
            out.append(c)
        else:
            out.append(f"\\u{code:04x}")
    return "".join(out)


def _gh_escape(value: str, *, data: bool = False) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if not data:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


def count_by_severity(findings: Iterable[Finding]) -> dict[Severity, int]:
    """How many findings there are of each severity (waived ones do not count)."""
    counts: dict[Severity, int] = dict.fromkeys(SEVERITIES, 0)
    for f in findings:
        if f.waived is None:
            counts[f.severity] += 1
    return counts


def format_json(findings: Sequence[Finding], files: int, extra: dict[str, object] | None = None) -> str:
    """The JSON document of ``check --format json``."""
    doc: dict[str, object] = {"files": files, "findings": [asdict(f) for f in findings]}
    if extra:
        doc.update(extra)
    return json.dumps(doc, ensure_ascii=False, indent=2)
