"""What the format says about a plan as a whole, checked on its raw data so it shows even with
schema errors: ids unique across sections (``dup-id``), references that resolve (``ref``), trees
without circles (``cycle``), one whitespace cell per unit and offering, and waivers that name a
coaching rule."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from kaplan.plan.findings import STRUCTURAL, Finding
from kaplan.plan.messages import did_you_mean, format_path, shorten
from kaplan.plan.yaml12 import LineMap, PathKey

# Every list whose items have an id, as (section name, where it is): all share one namespace.
ID_LISTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("units", ("account", "units")),
    *(
        (name, (name,))
        for name in ("team", "people", "competitors", "projects", "needs", "cruxes", "actions")
    ),
    *((name, (name,)) for name in ("objectives", "contracts", "meetings", "risks")),
)
ID_SECTIONS = tuple(name for name, _ in ID_LISTS)
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
    # format 1.1
    (("account", "units", "*", "parent"), ("units",)),
    (("people", "*", "unit"), ("units",)),
    (("people", "*", "owner"), ("team",)),
    (("people", "*", "source", "by"), ("team",)),
    (("competitors", "*", "source", "by"), ("team",)),
    (("needs", "*", "source", "by"), ("team",)),
    (("installed_base", "*", "unit"), ("units",)),
    (("installed_base", "*", "contract"), ("contracts",)),
    (("projects", "*", "unit"), ("units",)),
    (("objectives", "*", "owner"), ("team",)),
    (("objectives", "*", "projects", "*"), ("projects",)),
    (("whitespace", "*", "unit"), ("units",)),
    (("whitespace", "*", "competitor"), ("competitors",)),
    (("whitespace", "*", "project"), ("projects",)),
    (("contracts", "*", "renewal"), ("projects",)),
    (("contracts", "*", "unit"), ("units",)),
    (("meetings", "*", "attendees", "*"), ("people",)),
    (("meetings", "*", "ours", "*"), ("team",)),
    (("meetings", "*", "project"), ("projects",)),
    (("log", "*", "people", "*"), ("people",)),
    (("log", "*", "by"), ("team",)),
    (("log", "*", "project"), ("projects",)),
    (("risks", "*", "owner"), ("team",)),
    (("risks", "*", "project"), ("projects",)),
    (("actions", "*", "objective"), ("objectives",)),
    (("actions", "*", "meeting"), ("meetings",)),
)


def _trie(patterns: Iterable[tuple[tuple[str, ...], tuple[str, ...]]]) -> dict[Any, Any]:
    """The reference patterns as a tree of keys; ``None`` under a node holds what refers there."""
    root: dict[Any, Any] = {}
    for pattern, sections in patterns:
        node = root
        for key in pattern:
            node = node.setdefault(key, {})
        node.setdefault(None, []).append((pattern, sections))
    return root


_REF_TRIE = _trie(REF_FIELDS)


def _references(data: Any) -> list[tuple[PathKey, Any, tuple[str, ...], tuple[str, ...]]]:
    """Every value at a reference field: (path, value, pattern, sections it may name).

    One walk over the data for all patterns, so each list of the plan is visited once.
    """
    out: list[tuple[PathKey, Any, tuple[str, ...], tuple[str, ...]]] = []
    stack: list[tuple[Any, dict[Any, Any], PathKey]] = [(data, _REF_TRIE, ())]
    while stack:
        value, node, path = stack.pop()
        for pattern, sections in node.get(None, ()):
            out.append((path, value, pattern, sections))
        for key, child in node.items():
            if key is None:
                continue
            if key == "*":
                if isinstance(value, list):
                    stack.extend((item, child, (*path, i)) for i, item in enumerate(value))
            elif isinstance(value, dict) and key in value:
                stack.append((value[key], child, (*path, key)))
    return out


_ID_WHERE = {where[0]: where for _, where in ID_LISTS}


def _ids(data: dict[str, Any]) -> Iterator[tuple[str, PathKey]]:
    """Every id with the path of its item, in file order (sections as written, then items)."""
    for key in data:
        where = _ID_WHERE.get(key)
        if where is None:
            continue
        items = data.get(key)
        if len(where) == 2:  # account.units
            items = items.get(where[1]) if isinstance(items, dict) else None
        if isinstance(items, list):
            section = where[-1]
            for i, item in enumerate(items):
                if isinstance(item, dict) and isinstance(item.get("id"), str):
                    yield section, (*where, i)


def structure_findings(
    data: dict[str, Any],
    lines: LineMap,
    file: str,
    rule_codes: Sequence[str] | None = None,
    *,
    waives: bool = True,
) -> list[Finding]:
    """``dup-id``, ``ref``, ``cycle`` and waiver findings of a plan's raw data.

    ``rule_codes``: the coaching codes a waiver may name (unchecked when not given); ``waives``:
    False when the text holds no ``waive`` at all, which spares a walk over every key.
    """
    owner: dict[str, tuple[str, PathKey]] = {}
    findings = _id_findings(data, owner, lines, file)
    findings.extend(_ref_findings(data, owner, lines, file))
    findings.extend(_crux_person_findings(data, owner, lines, file))
    people = data.get("people")
    findings.extend(_cycle_findings(people, ("people",), "reports_to", lines, file))
    account = data.get("account")
    units = account.get("units") if isinstance(account, dict) else None
    findings.extend(_cycle_findings(units, ("account", "units"), "parent", lines, file))
    findings.extend(_whitespace_findings(data, lines, file))
    if waives:
        findings.extend(waiver_findings(lines, data, file, rule_codes))
    return findings


def _id_findings(
    data: dict[str, Any], owner: dict[str, tuple[str, PathKey]], lines: LineMap, file: str
) -> list[Finding]:
    """``dup-id`` at each second use of an id; fills ``owner`` (id → section and item path)."""
    findings: list[Finding] = []
    for section, item_path in _ids(data):
        path: PathKey = (*item_path, "id")
        ident = _at(data, path)
        if ident not in owner:
            owner[ident] = (section, item_path)
            continue
        first = owner[ident][1]
        line = lines.value((*first, "id"))[0]
        message = (
            f"id '{ident}' is already used by {format_path(first)} "
            f"(line {line}); ids are shared by every section: rename one"
        )
        findings.append(Finding(file, *lines.value(path), format_path(path), "dup-id", "error", message))
    return findings


def _ref_findings(
    data: dict[str, Any], owner: dict[str, tuple[str, PathKey]], lines: LineMap, file: str
) -> list[Finding]:
    """``ref`` at each reference that names no id, or an id of the wrong kind."""
    findings: list[Finding] = []
    for ref_path, value, pattern, sections in _references(data):
        if not isinstance(value, str) or (pattern[0] == "installed_base" and value == "us"):
            continue
        found = owner.get(value)
        if found is not None and found[0] in sections:
            continue
        where = " or ".join(sections) if sections is not ANY else "any section"
        if found is not None:
            message = f"'{value}' is an id from {found[0]}, but this must name one of {where}"
        else:
            extra = " (or `us`)" if pattern[0] == "installed_base" else ""
            hint = did_you_mean(value, [i for i, (s, _) in owner.items() if s in sections])
            message = f"'{shorten(value)}' is not an id in {where}{extra}{hint}"
        findings.append(Finding(file, *lines.value(ref_path), format_path(ref_path), "ref", "error", message))
    return findings


def _at(data: Any, path: PathKey) -> Any:
    """The value at ``path``, or None when the data holds nothing there (a dropped duplicate key)."""
    for key in path:
        try:
            data = data[key]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _crux_person_findings(
    data: dict[str, Any], owner: dict[str, tuple[str, PathKey]], lines: LineMap, file: str
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


def _cycle_findings(items: Any, where: PathKey, key: str, lines: LineMap, file: str) -> list[Finding]:
    """One ``cycle`` finding per circle of ``key`` links (``reports_to``, a unit's ``parent``)."""
    if not isinstance(items, list):
        return []
    index: dict[str, int] = {}
    up: dict[str, str] = {}
    for i, p in enumerate(items):
        if isinstance(p, dict) and isinstance(p.get("id"), str) and p["id"] not in index:
            index[p["id"]] = i
            if isinstance(p.get(key), str):
                up[p["id"]] = p[key]
    findings = []
    done: set[str] = set()
    for start in index:
        # Each item is walked once over all starts, and ``at`` finds an item in the walk at
        # once: a chain of 20,000 people stays linear.
        walk: list[str] = []
        at: dict[str, int] = {}
        node: str | None = start
        while node is not None and node in index and node not in done and node not in at:
            at[node] = len(walk)
            walk.append(node)
            node = up.get(node)
        if node is not None and node in at:
            cycle = walk[at[node] :]
            first = min(cycle, key=index.__getitem__)
            turn = cycle.index(first)
            path = (*where, index[first], key)
            findings.append(
                Finding(
                    file,
                    *lines.value(path),
                    format_path(path),
                    "cycle",
                    "error",
                    f"{key} goes round in a circle: {_circle([*cycle[turn:], *cycle[:turn]])}; "
                    + _CYCLE_HINT[key],
                )
            )
        done.update(walk)
    return findings


_CYCLE_HINT = {
    "reports_to": "someone in it must report outside it (or to nobody)",
    "parent": "one of these units must belong to a unit outside it (or to none)",
}


def _whitespace_findings(data: dict[str, Any], lines: LineMap, file: str) -> list[Finding]:
    """A ``dup-id`` finding at the second whitespace cell of the same unit and offering."""
    cells = data.get("whitespace")
    seen: dict[tuple[str, str], int] = {}
    findings = []
    for i, cell in enumerate(cells if isinstance(cells, list) else []):
        if not isinstance(cell, dict):
            continue
        unit, offering = cell.get("unit"), cell.get("offering")
        if not isinstance(unit, str) or not isinstance(offering, str):
            continue
        first = seen.setdefault((unit, offering), i)
        if first != i:
            path = ("whitespace", i, "offering")
            line = lines.key(("whitespace", first))[0]
            findings.append(
                Finding(
                    file,
                    *lines.value(path),
                    format_path(path),
                    "dup-id",
                    "error",
                    f"unit '{shorten(unit)}' × '{shorten(offering)}' is already whitespace[{first}] "
                    f"(line {line}): one cell per unit and offering; merge the two",
                )
            )
    return findings


def waiver_findings(
    lines: LineMap, data: dict[str, Any], file: str, rule_codes: Sequence[str] | None
) -> list[Finding]:
    """A ``schema`` finding for each waiver of a structural code or (given the codes) an unknown one."""
    findings = []
    for path in [p for p in lines.marks if len(p) >= 2 and p[-2] == "waive"]:
        code = path[-1]
        if not isinstance(code, str) or not isinstance(_at(data, path[:-1]), dict):
            continue
        if code in STRUCTURAL:
            message = f"'{shorten(code)}' is a structural error and cannot be waived: fix the plan instead"
        elif rule_codes is not None and code not in rule_codes:
            message = (
                f"'{shorten(code)}' is not a coaching rule{did_you_mean(code, rule_codes)}; "
                "`kaplan rules` lists them"
            )
        else:
            continue
        findings.append(Finding(file, *lines.key(path), format_path(path), "schema", "error", message))
    return findings


def _circle(names: Sequence[str], keep: int = 6) -> str:
    """``a → b → c → a``; a long circle shows its first and last people and how many between."""
    shown = [shorten(n, 40) for n in names]
    if len(shown) > 2 * keep + 1:
        between = len(shown) - 2 * keep
        shown = [*shown[:keep], f"… ({between:,} more) …", *shown[-keep:]]
    return " → ".join([*shown, shorten(names[0], 40)])
