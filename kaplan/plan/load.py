"""Plan files → :class:`Plan`, with every structural problem located at file:line:col."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from kaplan.plan.findings import Finding, printable
from kaplan.plan.messages import validation_findings
from kaplan.plan.model import RESERVED_IDS, SLUG_RE, Plan
from kaplan.plan.structure import ANY, ID_LISTS, ID_SECTIONS, REF_FIELDS, structure_findings
from kaplan.plan.yaml12 import LineMap, read_yaml

MAX_BYTES = 5 * 1024 * 1024
__all__ = [
    "ANY",
    "ID_LISTS",
    "ID_SECTIONS",
    "MAX_BYTES",
    "REF_FIELDS",
    "LoadedPlan",
    "decode",
    "file_name_findings",
    "load_plan",
    "load_plan_bytes",
    "load_plan_text",
    "plan_id",
    "slugify",
]


@dataclass
class LoadedPlan:
    """A plan file after loading: the plan if it is valid, its line map and its findings."""

    file: str
    id: str
    plan: Plan | None
    lines: LineMap = field(default_factory=LineMap)
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing structural stops the plan from being built."""
        return self.plan is not None and not any(f.structural for f in self.findings)


def slugify(text: str) -> str:
    """A best-effort id from a file stem: lowercase, hyphens, a-z and 0-9 only."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug or "account"


def plan_id(path: Path) -> str:
    """The account id a plan file's name gives (printable, even when the name is not UTF-8)."""
    return printable(path.stem)


def load_plan(path: Path, file: str | None = None, rule_codes: Sequence[str] | None = None) -> LoadedPlan:
    """Read, parse and validate one plan file; never raises for a user mistake.

    ``rule_codes``: the coaching codes a ``waive:`` may name; other codes are then ``schema`` errors.
    """
    shown = printable(file if file is not None else str(path))
    ident = plan_id(path)
    findings = file_name_findings(path, shown)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            findings.append(
                Finding(
                    shown,
                    1,
                    1,
                    "",
                    "syntax",
                    "error",
                    f"file is {size / 1048576:.1f} MB, over the 5 MB limit: split or trim it",
                )
            )
            return LoadedPlan(shown, ident, None, findings=findings)
        raw = path.read_bytes()
    except OSError as exc:
        findings.append(Finding(shown, 1, 1, "", "syntax", "error", f"cannot read the file: {exc.strerror}"))
        return LoadedPlan(shown, ident, None, findings=findings)
    loaded = load_plan_bytes(raw, shown, ident, rule_codes)
    loaded.findings[:0] = findings
    return loaded


def load_plan_bytes(raw: bytes, file: str, ident: str, rule_codes: Sequence[str] | None = None) -> LoadedPlan:
    """Parse and validate the bytes of a plan file (from disk or from git)."""
    text, problem = decode(raw, file)
    if problem is not None:
        return LoadedPlan(file, ident, None, findings=[problem])
    return load_plan_text(text, file, ident, rule_codes)


def decode(raw: bytes, file: str) -> tuple[str, Finding | None]:
    """UTF-8 text of a file, or a finding that points at the first bad byte."""
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        before = exc.object[: exc.start]  # without the BOM the codec skipped
        line = before.count(b"\n") + 1
        column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
        return "", Finding(
            file, line, column, "", "syntax", "error", "the file is not UTF-8 text: save it as UTF-8"
        )


def load_plan_text(text: str, file: str, ident: str, rule_codes: Sequence[str] | None = None) -> LoadedPlan:
    """Parse and validate plan text; all problems are reported at once."""
    doc = read_yaml(text)
    findings = [Finding(file, p.line, p.column, "", "syntax", "error", p.message) for p in doc.problems]
    if doc.data is None:
        if not doc.problems:
            findings.append(
                Finding(
                    file,
                    1,
                    1,
                    "",
                    "schema",
                    "error",
                    "the file is empty: start with `kaplan: 1` and an `account:`",
                )
            )
        return LoadedPlan(file, ident, None, doc.lines, findings)
    if not isinstance(doc.data, dict):
        findings.append(
            Finding(
                file,
                1,
                1,
                "",
                "schema",
                "error",
                "a plan is a mapping of `key: value` lines, starting with `kaplan: 1`",
            )
        )
        return LoadedPlan(file, ident, None, doc.lines, findings)
    plan: Plan | None = None
    try:
        plan = Plan.model_validate(doc.data)
    except ValidationError as exc:
        findings.extend(validation_findings(exc, Plan, doc.lines, file))
    findings.extend(structure_findings(doc.data, doc.lines, file, rule_codes, waives="waive" in text))
    return LoadedPlan(file, ident, plan, doc.lines, findings)


def file_name_findings(path: Path, file: str) -> list[Finding]:
    if SLUG_RE.match(path.stem) and path.suffix == ".yaml" and path.stem not in RESERVED_IDS:
        return []
    return [
        Finding(
            file,
            1,
            1,
            "",
            "file-name",
            "error",
            f"'{printable(path.name)}' is not a valid plan file name: the name is the account id, "
            f"lowercase a-z, 0-9 and hyphens, ending in .yaml; rename it to "
            f"'{slugify(path.stem)}.yaml'",
        )
    ]
