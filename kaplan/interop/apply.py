"""Edits → plan files changed in place: a ruamel.yaml round trip keeps comments, key order and layout.

Only values that differ are set: a cell that says what the plan already says touches nothing, so
export then import of an unchanged workbook changes no byte. New items are appended to their list;
nothing is removed. The changed text is loaded again by kaplan's own strict loader, and a problem it
finds is reported at the cell that caused it.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kaplan.interop.columns import Path as KeyPath
from kaplan.interop.export import value_at
from kaplan.interop.rows import Cell, Edit, Problem
from kaplan.interop.splice import layout_of, literal_safe, splice, where_to_splice
from kaplan.plan.load import LoadedPlan, load_plan, load_plan_text
from kaplan.plan.messages import format_path
from kaplan.plan.model import SLUG_RE, Plan


@dataclass(frozen=True)
class Set:
    """One value an import sets: where (items named by id), before and after, and from which cell."""

    path: str
    label: str  # the item as a person names it: its name, statement or what
    header: str
    before: Any
    after: Any
    cell: Cell
    added: bool = False  # a new item, not a new value


@dataclass
class PlanUpdate:
    """One plan file's new text, its plan before and after, and what the import set in it."""

    file: str
    path: Path
    ident: str
    before: Plan
    text: str
    after: Plan | None = None
    sets: list[Set] = field(default_factory=list)
    layout_kept: bool = True
    appended: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # spliced in as text


def plan_updates(
    edits: Sequence[Edit],
    folder: Path,
    shown: str,
    rule_codes: Sequence[str],
    problems: list[Problem],
    cache: dict[Path, LoadedPlan] | None = None,
) -> list[PlanUpdate]:
    """The plans the edits change (unchanged plans are left out); problems are appended.

    ``cache``: plans already loaded (by path), as the CRM reader loads them to match rows.
    """
    by_account: dict[str, list[Edit]] = {}
    for edit in edits:
        by_account.setdefault(edit.account, []).append(edit)
    updates = []
    for account in sorted(by_account):
        update = _update(account, by_account[account], folder, shown, rule_codes, problems, cache or {})
        if update is not None and update.sets:
            updates.append(update)
    return updates


def _update(
    account: str,
    edits: list[Edit],
    folder: Path,
    shown: str,
    rule_codes: Sequence[str],
    problems: list[Problem],
    cache: dict[Path, LoadedPlan],
) -> PlanUpdate | None:
    first = edits[0].row
    path = folder / f"{account}.yaml"
    file = f"{shown.rstrip('/')}/{account}.yaml"
    if not SLUG_RE.match(account) or not path.is_file() or path.is_symlink():
        problems.append(
            Problem(
                first.where(),
                f"no plan {file} for account '{account}': check the id (the plan's file name), "
                "or start the plan with `kaplan new`",
            )
        )
        return None
    loaded = cache.get(path) or load_plan(path, file, rule_codes)
    if not loaded.ok or loaded.plan is None:
        problems.append(Problem(file, f"the plan has errors: fix them first (kaplan check {file})"))
        return None
    text = path.read_text(encoding="utf-8-sig")
    doc = _Doc(text)
    current = loaded.plan.model_dump(mode="python", by_alias=True)
    update = PlanUpdate(file, path, account, loaded.plan, text)
    origins: dict[str, Cell] = {}
    _INDEXES.clear()
    for edit in edits:
        _apply(edit, doc, current, update, origins, problems)
    _INDEXES.clear()
    if not update.sets:
        return update
    update.text = doc.dumped()
    update.layout_kept = layout_kept(text, update.text, update.sets)
    for section, items in update.appended.items():
        at = where_to_splice(update.text, section, doc.layout)
        assert at is not None, f"{section} was spliceable before ruamel wrote it"
        update.text = splice(update.text, section, items, at, doc.layout)
    after = load_plan_text(update.text, file, account, rule_codes)
    _check(after, loaded, origins, problems)
    update.after = after.plan
    return update


class _Doc:
    """The plan's text, and its ruamel.yaml document once a value in place needs it (loading is slow)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.layout = layout_of(text)
        self.spliced: set[int] = set()  # id() of the new items written as text, not into the document
        self._yaml: Any = None
        self._root: Any = None
        self._splice: dict[str, bool] = {}

    @property
    def root(self) -> Any:
        if self._root is None:
            self._yaml, self._root = _round_trip(self.text, self.layout)
        return self._root

    def can_splice(self, section: str) -> bool:
        if section not in self._splice:
            self._splice[section] = where_to_splice(self.text, section, self.layout) is not None
        return self._splice[section]

    def dumped(self) -> str:
        if self._root is None:
            return self.text
        out = io.StringIO()
        self._yaml.dump(self._root, out)
        return out.getvalue()


def _round_trip(text: str, layout: tuple[int, int, int]) -> tuple[Any, Any]:
    """A ruamel.yaml instance set to the file's layout, and the document."""
    from ruamel.yaml import YAML  # only an import pays for ruamel

    mapping, sequence, offset = layout
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 1 << 16  # never fold a long line that was not folded
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    # One value set in two places (a date) must be written twice, never as an anchor and alias.
    yaml.representer.ignore_aliases = lambda _data: True
    return yaml, yaml.load(text)


def layout_kept(before: str, after: str, sets: Sequence[Set]) -> bool:
    """Whether the new text lost no line but those of the values set (ruamel re-wrapped nothing else).

    Counted, not diffed: each value set in place replaces its own lines and no others.
    """
    lost = Counter(before.split("\n")) - Counter(after.split("\n"))
    allowed = sum(1 + str(s.before).count("\n") for s in sets if not s.added)
    return sum(lost.values()) <= allowed


def _apply(
    edit: Edit,
    doc: _Doc,
    current: dict[str, Any],
    update: PlanUpdate,
    origins: dict[str, Cell],
    problems: list[Problem],
) -> None:
    sheet = edit.sheet
    if sheet.section is None:
        _set_values(edit, lambda: doc.root, current, "", _label(current.get("account", {})), update)
        return
    target, base = current, sheet.section
    node: Callable[[], Any] = lambda: doc.root  # noqa: E731 - the document is loaded only when needed
    if sheet.child is not None:
        index = _find(current.get(sheet.section) or [], ("id",), (edit.parent,))
        if index is None:
            at = edit.cells.get((sheet.parent_key or "",), edit.row)
            problems.append(
                Problem(
                    at.where(), f"no project '{edit.parent}' in {update.file}: add it on the projects sheet"
                )
            )
            return
        target = current[sheet.section][index]
        node = _child_node(doc, sheet.section, index, target)
        base = f"{sheet.section}[{edit.parent}].{sheet.child}"
        origins.setdefault(format_path((sheet.section, index)), edit.row)
    name = sheet.child or sheet.section
    items = target.setdefault(name, [])
    index = _find(items, sheet.keys, edit.key, edit.occurrence)
    where = f"{base}[{_key_text(edit.key)}]"
    if index is None:
        spliced = sheet.child is None and doc.can_splice(name)
        _append(edit, None if spliced or id(target) in doc.spliced else node(), items, name, where, update)
        index = len(items) - 1
        if spliced:
            update.appended.setdefault(name, []).append(items[index])
        if spliced or id(target) in doc.spliced:
            doc.spliced.add(id(items[index]))
        origins[_index_path(sheet, current, edit, index)] = edit.row
        _note_cells(edit, _index_path(sheet, current, edit, index), origins)
        return
    _note_cells(edit, _index_path(sheet, current, edit, index), origins)
    item = items[index]
    position = index
    in_doc: Callable[[], Any] = (
        (lambda: None) if id(item) in doc.spliced else (lambda: node()[name][position])
    )
    _set_values(edit, in_doc, item, where, _label(item), update)


def _child_node(doc: _Doc, section: str, index: int, target: dict[str, Any]) -> Callable[[], Any]:
    """The ruamel node of a list item, or of nothing when the item was spliced in as text."""
    if id(target) in doc.spliced:
        return lambda: None
    return lambda: doc.root[section][index]


def _note_cells(edit: Edit, prefix: str, origins: dict[str, Cell]) -> None:
    for key_path, cell in edit.cells.items():
        origins.setdefault(f"{prefix}.{'.'.join(key_path)}", cell)


def _index_path(sheet: Any, current: dict[str, Any], edit: Edit, index: int) -> str:
    """The path findings use for an item: list positions, not ids."""
    if sheet.child is None:
        return format_path((sheet.section, index))
    parent = _find(current[sheet.section], ("id",), (edit.parent,))
    return format_path((sheet.section, parent or 0, sheet.child, index))


_INDEXES: dict[tuple[int, KeyPath], dict[tuple[Any, ...], list[int]]] = {}


def _find(
    items: list[dict[str, Any]], keys: KeyPath, values: tuple[Any, ...], occurrence: int = 0
) -> int | None:
    """The index of the item with these key values (the ``occurrence``-th of them), None if none.

    Lists are indexed by their keys once, and the index kept up to date as items are appended, so a
    workbook of 10,000 rows does not search every list 10,000 times.
    """
    index = _INDEXES.get((id(items), keys))
    if index is None:
        index = {}
        for i, item in enumerate(items):
            index.setdefault(tuple(item.get(k) for k in keys), []).append(i)
        _INDEXES[(id(items), keys)] = index
    found = index.get(values, [])
    return found[occurrence] if occurrence < len(found) else None


def _key_text(key: tuple[Any, ...]) -> str:
    return " ".join(v.isoformat() if isinstance(v, dt.date) else str(v) for v in key)


def _label(item: dict[str, Any]) -> str:
    for key in ("name", "what", "statement", "title", "person", "summary"):
        if item.get(key):
            return str(item[key])
    return ""


def _set_values(
    edit: Edit, node: Callable[[], Any], item: dict[str, Any], where: str, label: str, update: PlanUpdate
) -> None:
    """Set the row's values that differ from the item's; ``node()`` is its ruamel node, or None."""
    for key_path, value in edit.values.items():
        before = value_at(item, key_path)
        if _same(before, value):
            continue
        target = node()
        if target is not None:
            _set(target, key_path, value)
        _store(item, key_path, value)
        header = edit.cells[key_path].header
        path = f"{where}.{'.'.join(key_path)}" if where else ".".join(key_path)
        update.sets.append(Set(path, label, header, before, value, edit.cells[key_path]))


def _same(before: Any, after: Any) -> bool:
    if isinstance(before, bool) or isinstance(after, bool):
        return before is after
    if isinstance(before, (int, float)) and isinstance(after, (int, float)):
        # Excel keeps 15 significant digits: a number that equal to them is the number it was given.
        return math.isclose(before, after, rel_tol=1e-14, abs_tol=0.0)
    return bool(before == after)


def _append(
    edit: Edit, node: Any, items: list[dict[str, Any]], name: str, where: str, update: PlanUpdate
) -> None:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    values: dict[KeyPath, Any] = {}
    for key, value in zip(edit.sheet.keys, edit.key, strict=True):
        values[(key,)] = value
    values.update(edit.values)
    item: dict[str, Any] = {}
    for key_path, value in values.items():
        _store(item, key_path, value)
    if node is not None:  # in the ruamel document; otherwise spliced in as text at the end
        new: Any = CommentedMap()
        for key_path, value in values.items():
            _set(new, key_path, value)
        if name not in node or node[name] is None:
            node[name] = CommentedSeq()
        elif len(node[name]):
            _move_trailing(node[name][-1], new)
        node[name].append(new)
    items.append(item)
    for (list_id, keys), index in _INDEXES.items():
        if list_id == id(items):
            index.setdefault(tuple(item.get(k) for k in keys), []).append(len(items) - 1)
    label = _label(item)
    update.sets.append(Set(where, label, "", None, item, edit.row, added=True))


def _last_comment(node: Any) -> tuple[Any, Any, int] | None:
    """Where ruamel keeps the comment after a node's last line: (container, key, slot)."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if not isinstance(node, (CommentedMap, CommentedSeq)) or not node:
        return None
    key = list(node.keys())[-1] if isinstance(node, CommentedMap) else len(node) - 1
    inner = _last_comment(node[key])
    return inner or (node, key, 2 if isinstance(node, CommentedMap) else 0)


def _move_trailing(previous: Any, new: Any) -> None:
    """Blank lines and comments after a list's last item belong after the list: keep them there."""
    from ruamel.yaml.error import CommentMark
    from ruamel.yaml.tokens import CommentToken

    source, target = _last_comment(previous), _last_comment(new)
    if source is None or target is None:
        return
    holder, key, slot = source
    entry = holder.ca.items.get(key)
    token = entry[slot] if entry else None
    if token is None or "\n" not in token.value[:-1]:
        return
    text = token.value
    inline, rest = text[: text.index("\n") + 1], text[text.index("\n") + 1 :]
    if inline.strip():
        token.value = inline  # a comment on the item's own last line stays with it
    else:
        entry[slot], rest = None, text
    new_holder, new_key, new_slot = target
    slots = new_holder.ca.items.setdefault(new_key, [None, None, None, None])
    slots[new_slot] = CommentToken(rest, CommentMark(0), None)


def _set(node: Any, path: KeyPath, value: Any) -> None:
    """Set a value in the ruamel document, making the mappings on the way; money may be a bare number."""
    from ruamel.yaml.comments import CommentedMap

    for i, key in enumerate(path[:-1]):
        child = node.get(key)
        if path[i + 1 :] == ("amount",) and (child is None or not hasattr(child, "keys")):
            node[key] = _yaml_value(value)  # money written as a bare number stays one
            return
        if child is None:
            child = node[key] = CommentedMap()
        elif not hasattr(child, "keys"):  # a bare amount that now gets a currency
            child = node[key] = CommentedMap([("amount", child)])
        node = child
    node[path[-1]] = _yaml_value(value)


def _store(item: dict[str, Any], path: KeyPath, value: Any) -> None:
    for key in path[:-1]:
        child = item.get(key)
        if not isinstance(child, dict):
            child = item[key] = {}
        item = child
    item[path[-1]] = value


def _yaml_value(value: Any) -> Any:
    from ruamel.yaml.comments import CommentedSeq
    from ruamel.yaml.scalarstring import LiteralScalarString

    if isinstance(value, list):
        return CommentedSeq(_yaml_value(v) for v in value)
    if isinstance(value, str) and "\n" in value and literal_safe(value):
        return LiteralScalarString(value)
    return value


def _check(after: LoadedPlan, before: LoadedPlan, origins: dict[str, Cell], problems: list[Problem]) -> None:
    """Problems the changed plan has that it did not have, each at the cell it came from."""
    old = {(f.code, f.path, f.message) for f in before.findings}
    for finding in after.findings:
        if finding.severity != "error" or (finding.code, finding.path, finding.message) in old:
            continue
        cell = _origin(finding.path, origins)
        where = cell.where() if cell is not None else f"{after.file} after the import"
        what = f"{finding.path}: {finding.message}" if finding.path else finding.message
        problems.append(Problem(where, what))


def _origin(path: str, origins: dict[str, Cell]) -> Cell | None:
    best: tuple[int, Cell] | None = None
    for prefix, cell in origins.items():
        if (path == prefix or path.startswith((prefix + ".", prefix + "["))) and (
            best is None or len(prefix) > best[0]
        ):
            best = (len(prefix), cell)
    return best[1] if best else None
