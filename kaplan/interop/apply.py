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
from kaplan.interop.columns import Sheet
from kaplan.interop.export import value_at
from kaplan.interop.rows import Cell, Edit, Problem
from kaplan.interop.writer import layout_of, move_trailing, round_trip, set_value, splice, where_to_splice
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
    sheet: Sheet | None = None
    key: KeyPath = ()  # the value's path in its item (empty for a new item)
    private: bool = False  # the item, or the item it is in, is private: only private output tells it


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
    for edit in edits:
        _apply(edit, doc, current, update, origins, problems)
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
        self.lists = _Lists()
        self._yaml: Any = None
        self._root: Any = None
        self._splice: dict[str, bool] = {}

    @property
    def root(self) -> Any:
        if self._root is None:
            self._yaml, self._root = round_trip(self.text, self.layout)
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
        index = doc.lists.find(current.setdefault(sheet.section, []), ("id",), (edit.parent,))
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
    index = doc.lists.find(items, sheet.keys, edit.key, edit.occurrence)
    where = f"{base}[{_key_text(edit.key)}]"
    if index is None:
        index = _new_item(edit, doc, target, node, items, name, where, update)
        origins[_index_path(doc, sheet, current, edit, index)] = edit.row
        _note_cells(edit, _index_path(doc, sheet, current, edit, index), origins)
        return
    _note_cells(edit, _index_path(doc, sheet, current, edit, index), origins)
    item = items[index]
    position = index
    in_doc: Callable[[], Any] = (
        (lambda: None) if id(item) in doc.spliced else (lambda: node()[name][position])
    )
    in_private = sheet.child is not None and bool(target.get("private"))
    _set_values(edit, in_doc, item, where, _label(item), update, in_private)


def _new_item(
    edit: Edit,
    doc: _Doc,
    target: dict[str, Any],
    node: Callable[[], Any],
    items: list[dict[str, Any]],
    name: str,
    where: str,
    update: PlanUpdate,
) -> int:
    """Append the row as a new item: spliced in as text when its list allows, else into the document."""
    spliced = edit.sheet.child is None and doc.can_splice(name)
    in_spliced = id(target) in doc.spliced  # a buying-team member of a project that is new itself
    in_private = edit.sheet.child is not None and bool(target.get("private"))
    _append(edit, None if spliced or in_spliced else node(), items, name, where, update, in_private)
    doc.lists.appended(items)
    if spliced:
        update.appended.setdefault(name, []).append(items[-1])
    if spliced or in_spliced:
        doc.spliced.add(id(items[-1]))
    return len(items) - 1


def _child_node(doc: _Doc, section: str, index: int, target: dict[str, Any]) -> Callable[[], Any]:
    """The ruamel node of a list item, or of nothing when the item was spliced in as text."""
    if id(target) in doc.spliced:
        return lambda: None
    return lambda: doc.root[section][index]


def _note_cells(edit: Edit, prefix: str, origins: dict[str, Cell]) -> None:
    for key_path, cell in edit.cells.items():
        origins.setdefault(f"{prefix}.{'.'.join(key_path)}", cell)


def _index_path(doc: _Doc, sheet: Any, current: dict[str, Any], edit: Edit, index: int) -> str:
    """The path findings use for an item: list positions, not ids."""
    if sheet.child is None:
        return format_path((sheet.section, index))
    parent = doc.lists.find(current[sheet.section], ("id",), (edit.parent,))
    return format_path((sheet.section, parent or 0, sheet.child, index))


class _Lists:
    """The plan's lists, each indexed by its keys on first use and kept up to date as items are appended.

    A workbook of 10,000 rows then does not search every list 10,000 times.
    """

    def __init__(self) -> None:
        self._indexes: dict[
            tuple[int, KeyPath], tuple[list[dict[str, Any]], dict[tuple[Any, ...], list[int]]]
        ] = {}

    def find(
        self, items: list[dict[str, Any]], keys: KeyPath, values: tuple[Any, ...], occurrence: int = 0
    ) -> int | None:
        """The index of the item with these key values (the ``occurrence``-th of them), None if none."""
        entry = self._indexes.get((id(items), keys))
        if entry is None:
            index: dict[tuple[Any, ...], list[int]] = {}
            for i, item in enumerate(items):
                index.setdefault(tuple(item.get(k) for k in keys), []).append(i)
            entry = self._indexes[(id(items), keys)] = (
                items,
                index,
            )  # the list is held: its id stays its own
        found = entry[1].get(values, [])
        return found[occurrence] if occurrence < len(found) else None

    def appended(self, items: list[dict[str, Any]]) -> None:
        """Note the item just appended to ``items`` in every index of that list."""
        for (list_id, keys), (_, index) in self._indexes.items():
            if list_id == id(items):
                index.setdefault(tuple(items[-1].get(k) for k in keys), []).append(len(items) - 1)


def _key_text(key: tuple[Any, ...]) -> str:
    return " ".join(v.isoformat() if isinstance(v, dt.date) else str(v) for v in key)


def _label(item: dict[str, Any]) -> str:
    for key in ("name", "what", "statement", "title", "person", "summary"):
        if item.get(key):
            return str(item[key])
    return ""


def _set_values(
    edit: Edit,
    node: Callable[[], Any],
    item: dict[str, Any],
    where: str,
    label: str,
    update: PlanUpdate,
    private: bool = False,
) -> None:
    """Set the row's values that differ from the item's; ``node()`` is its ruamel node, or None."""
    for key_path, value in edit.values.items():
        before = value_at(item, key_path)
        if _same(before, value):
            continue
        target = node()
        if target is not None:
            set_value(target, key_path, value)
        _store(item, key_path, value)
        header = edit.cells[key_path].header
        path = f"{where}.{'.'.join(key_path)}" if where else ".".join(key_path)
        hidden = private or bool(item.get("private"))
        update.sets.append(
            Set(path, label, header, before, value, edit.cells[key_path], False, edit.sheet, key_path, hidden)
        )


def _same(before: Any, after: Any) -> bool:
    if isinstance(before, bool) or isinstance(after, bool):
        return before is after
    if isinstance(before, (int, float)) and isinstance(after, (int, float)):
        # Excel keeps 15 significant digits: a number that equal to them is the number it was given.
        return math.isclose(before, after, rel_tol=1e-14, abs_tol=0.0)
    return bool(before == after)


def _append(
    edit: Edit,
    node: Any,
    items: list[dict[str, Any]],
    name: str,
    where: str,
    update: PlanUpdate,
    parent_private: bool = False,
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
            set_value(new, key_path, value)
        if name not in node or node[name] is None:
            node[name] = CommentedSeq()
        elif len(node[name]):
            move_trailing(node[name][-1], new)
        node[name].append(new)
    items.append(item)
    label = _label(item)
    private = parent_private or bool(item.get("private"))
    update.sets.append(Set(where, label, "", None, item, edit.row, True, edit.sheet, (), private))


def _store(item: dict[str, Any], path: KeyPath, value: Any) -> None:
    for key in path[:-1]:
        child = item.get(key)
        if not isinstance(child, dict):
            child = item[key] = {}
        item = child
    item[path[-1]] = value


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
