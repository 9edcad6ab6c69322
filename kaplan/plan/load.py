"""Plan files → :class:`Plan`, with every structural problem located at file:line:col."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from kaplan.plan.findings import Finding, printable
from kaplan.plan.messages import did_you_mean, format_path, shorten, validation_findings
from kaplan.plan.model import RESERVED_IDS, SLUG_RE, Plan
from kaplan.plan.yaml12 import LineMap, PathKey, read_yaml

MAX_BYTES = 5 * 1024 * 1024
ID_SECTIONS = ("team", "people", "competitors", "projects", "needs", "cruxes", "actions")
ANY = ID_SECTIONS

# Where the format holds references, and which sections they may name ("*" = every list item).
REF_FIELDS: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("plan", "owner"), ("team",)),
    (("people", "*", "reports_to"), ("people",)),
    (("relationships", "*", "from"), ("people",)),
    (("relationships", "*", "to"), ("people",)),
    (("installed_base", "*", "vendor"), ("competitors",)),
    (("needs", "*", "holder"), ("people",)),
    (("needs", "*", "project"), ("projects",)),
    (("projects", "*", "budget", "owner"), ("people",)),
    (("projects", "*", "buying_team", "*", "person"), ("people",)),
    (("projects", "*", "decision_process", "*", "owner"), ("people",)),
    (("projects", "*", "paper_process", "approvals", "*"), ("people",)),
    (("projects", "*", "competition", "*", "competitor"), ("competitors",)),
    (("cruxes", "*", "refs", "*"), ANY),
    (("actions", "*", "owner"), ("team",)),
    (("actions", "*", "person"), ("people",)),
    (("actions", "*", "project"), ("projects",)),
)


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


def load_plan(path: Path, file: str | None = None) -> LoadedPlan:
    """Read, parse and validate one plan file; never raises for a user mistake."""
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
    loaded = load_plan_bytes(raw, shown, ident)
    loaded.findings[:0] = findings
    return loaded


def load_plan_bytes(raw: bytes, file: str, ident: str) -> LoadedPlan:
    """Parse and validate the bytes of a plan file (from disk or from git)."""
    text, problem = decode(raw, file)
    if problem is not None:
        return LoadedPlan(file, ident, None, findings=[problem])
    return load_plan_text(text, file, ident)


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


def load_plan_text(text: str, file: str, ident: str) -> LoadedPlan:
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
    findings.extend(structure_findings(doc.data, doc.lines, file))
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


# --- references, ids and cycles, checked on the raw data so they show even with schema errors ---


def _walk(data: Any, pattern: Sequence[str], path: PathKey = ()) -> Iterator[tuple[PathKey, Any]]:
    if not pattern:
        yield path, data
        return
    head, rest = pattern[0], pattern[1:]
    if head == "*":
        if isinstance(data, list):
            for i, item in enumerate(data):
                yield from _walk(item, rest, (*path, i))
    elif isinstance(data, dict) and head in data:
        yield from _walk(data[head], rest, (*path, head))


def _ids(data: dict[str, Any]) -> Iterator[tuple[str, int, str]]:
    """Every id, in file order (sections as written, then items)."""
    for section in data:
        if section not in ID_SECTIONS:
            continue
        items = data.get(section)
        if isinstance(items, list):
            for i, item in enumerate(items):
                if isinstance(item, dict) and isinstance(item.get("id"), str):
                    yield section, i, item["id"]


def structure_findings(data: dict[str, Any], lines: LineMap, file: str) -> list[Finding]:
    """``dup-id``, ``ref`` and ``cycle`` findings of a plan's raw data."""
    findings: list[Finding] = []
    owner: dict[str, tuple[str, int]] = {}
    for section, i, ident in _ids(data):
        path: PathKey = (section, i, "id")
        if ident in owner:
            first_section, first_i = owner[ident]
            line = lines.value((first_section, first_i, "id"))[0]
            findings.append(
                Finding(
                    file,
                    *lines.value(path),
                    format_path(path),
                    "dup-id",
                    "error",
                    f"id '{ident}' is already used by {first_section}[{first_i}] "
                    f"(line {line}); ids are shared by every section: rename one",
                )
            )
        else:
            owner[ident] = (section, i)
    for pattern, sections in REF_FIELDS:
        for ref_path, value in _walk(data, pattern):
            if not isinstance(value, str):
                continue
            if pattern[0] == "installed_base" and value == "us":
                continue
            found = owner.get(value)
            if found is not None and found[0] in sections:
                continue
            choices = [i for i, (s, _) in owner.items() if s in sections]
            where = " or ".join(sections) if sections is not ANY else "any section"
            if found is not None:
                message = f"'{value}' is an id from {found[0]}, but this must name one of {where}"
            else:
                extra = " (or `us`)" if pattern[0] == "installed_base" else ""
                hint = did_you_mean(value, choices)
                message = f"'{shorten(value)}' is not an id in {where}{extra}{hint}"
            findings.append(
                Finding(file, *lines.value(ref_path), format_path(ref_path), "ref", "error", message)
            )
    findings.extend(_crux_person_findings(data, owner, lines, file))
    findings.extend(_cycle_findings(data, lines, file))
    return findings


def _crux_person_findings(
    data: dict[str, Any], owner: dict[str, tuple[str, int]], lines: LineMap, file: str
) -> list[Finding]:
    findings = []
    cruxes = data.get("cruxes")
    for i, crux in enumerate(cruxes if isinstance(cruxes, list) else []):
        if not isinstance(crux, dict) or crux.get("kind") not in ("person", "personal"):
            continue
        refs = crux.get("refs")
        refs = refs if isinstance(refs, list) else []
        if not any(isinstance(r, str) and owner.get(r, ("",))[0] == "people" for r in refs):
            path = ("cruxes", i, "refs") if "refs" in crux else ("cruxes", i, "kind")
            findings.append(
                Finding(
                    file,
                    *lines.key(path),
                    format_path(path),
                    "ref",
                    "error",
                    f"a crux of kind {crux['kind']} must name at least one person "
                    "in `refs` (an id from people)",
                )
            )
    return findings


def _cycle_findings(data: dict[str, Any], lines: LineMap, file: str) -> list[Finding]:
    people = data.get("people")
    if not isinstance(people, list):
        return []
    index: dict[str, int] = {}
    boss: dict[str, str] = {}
    for i, p in enumerate(people):
        if isinstance(p, dict) and isinstance(p.get("id"), str) and p["id"] not in index:
            index[p["id"]] = i
            if isinstance(p.get("reports_to"), str):
                boss[p["id"]] = p["reports_to"]
    findings = []
    done: set[str] = set()
    for start in index:
        # Each person is walked once over all starts, and ``at`` finds a person in the walk at
        # once: a reporting chain of 20,000 people stays linear.
        walk: list[str] = []
        at: dict[str, int] = {}
        node: str | None = start
        while node is not None and node in index and node not in done and node not in at:
            at[node] = len(walk)
            walk.append(node)
            node = boss.get(node)
        if node is not None and node in at:
            cycle = walk[at[node] :]
            first = min(cycle, key=index.__getitem__)
            where = cycle.index(first)
            path = ("people", index[first], "reports_to")
            findings.append(
                Finding(
                    file,
                    *lines.value(path),
                    format_path(path),
                    "cycle",
                    "error",
                    f"reports_to goes round in a circle: {_circle([*cycle[where:], *cycle[:where]])}; "
                    "someone in it must report outside it (or to nobody)",
                )
            )
        done.update(walk)
    return findings


def _circle(names: Sequence[str], keep: int = 6) -> str:
    """``a → b → c → a``; a long circle shows its first and last people and how many between."""
    shown = [shorten(n, 40) for n in names]
    if len(shown) > 2 * keep + 1:
        between = len(shown) - 2 * keep
        shown = [*shown[:keep], f"… ({between:,} more) …", *shown[-keep:]]
    return " → ".join([*shown, shorten(names[0], 40)])
