"""The workbook's layout: one sheet per list of the plan, its columns read from the model.

A column's header is the YAML path of its value inside the item (``title``, ``personal.likes.food``,
``timeline.decide_by``), so a header says where a cell goes without a mapping table to keep in step.
Money is one number column named after the field (``value``) and a ``value.currency`` column. Lists
of words share one cell, one item per line. Lists of records (a project's criteria, a person's
education…) stay in the YAML: only the buying team has a sheet of its own.
"""

from __future__ import annotations

import datetime as dt
import functools
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel

from kaplan.plan import Audience
from kaplan.plan.audience import EXTERNAL, Shared, Spec
from kaplan.plan.model import (
    Action,
    BuyingTeamMember,
    Competitor,
    LogEntry,
    Meeting,
    MoneyValue,
    Objective,
    Person,
    Plan,
    Project,
)

Kind = Literal["text", "int", "number", "bool", "date", "list", "int_list"]
Path = tuple[str, ...]

# The first column of every sheet: the plan's id (its file name), which is how rows find their plan.
ACCOUNT = "account"
# Never in a workbook: the format's version, waivers (they belong next to what they waive).
_SKIPPED = frozenset({"kaplan", "waive"})
# The accounts sheet: these parts of the plan itself, one row per plan.
_ACCOUNT_PARTS = ("account", "plan", "summary", "partner_summary", "partnership")


@dataclass(frozen=True)
class Column:
    """One column: its header, where its value lives in the item, and what kind of value it holds."""

    header: str
    path: Path
    kind: Kind
    personal: bool = False  # personal data: only in a private workbook


@dataclass(frozen=True)
class Sheet:
    """One sheet: the list of the plan it holds and how its rows are told apart."""

    name: str
    model: type[BaseModel]
    section: str | None  # the plan's list, None for the accounts sheet (the plan itself)
    keys: Path  # the columns that identify an item within its list
    child: str | None = None  # the buying team: the list inside each item of ``section``
    parent_key: str | None = None  # the column naming the item of ``section`` a row belongs to

    @property
    def unique(self) -> bool:
        """Whether two rows with the same keys are a mistake (ids), or two items (log entries)."""
        return self.keys != ("on", "kind", "summary")

    @property
    def file_stem(self) -> str:
        """The file name of this sheet as a CSV: ``buying-team.csv``."""
        return self.name.replace(" ", "-")


SHEETS: tuple[Sheet, ...] = (
    Sheet("accounts", Plan, None, ()),
    Sheet("people", Person, "people", ("id",)),
    Sheet("projects", Project, "projects", ("id",)),
    Sheet("buying team", BuyingTeamMember, "projects", ("person",), "buying_team", "project"),
    Sheet("competitors", Competitor, "competitors", ("id",)),
    Sheet("actions", Action, "actions", ("id",)),
    Sheet("objectives", Objective, "objectives", ("id",)),
    Sheet("meetings", Meeting, "meetings", ("id",)),
    # A log entry has no id: the day, the kind and the summary are what it is.
    Sheet("log", LogEntry, "log", ("on", "kind", "summary")),
)
SHEET_NAMES = {s.name: s for s in SHEETS}


def sheet_named(name: str) -> Sheet | None:
    """The sheet of a workbook tab or CSV file stem (``buying team``, ``buying-team``, ``Buying_Team``)."""
    return SHEET_NAMES.get(" ".join(name.strip().lower().replace("-", " ").replace("_", " ").split()))


@functools.cache
def all_columns(sheet: Sheet) -> tuple[Column, ...]:
    """Every column the sheet can have, in the model's order, after ``account`` (and ``project``)."""
    parts = _ACCOUNT_PARTS if sheet.section is None else None
    personal: tuple[Path, ...] = (("personal",), ("win", "personal"))
    columns = [
        Column(c.header, c.path, c.kind, any(c.path[: len(p)] == p for p in personal))
        for c in _walk(sheet.model, (), parts)
    ]
    # The keys first, as a reader looks for them; `private` last, as it is rare.
    rank = {k: i for i, k in enumerate(sheet.keys)}
    columns.sort(key=lambda c: (rank.get(c.header, len(rank)), c.header == "private"))
    return tuple(columns)


def columns_for(sheet: Sheet, audience: Audience) -> tuple[Column, ...]:
    """The columns an audience's workbook has: no personal ones below private, the allow-list for partners."""
    columns = all_columns(sheet)
    if audience == "private":
        return columns
    kept = tuple(c for c in columns if not c.personal and c.header != "private")
    if audience == "internal":
        # The partner summary is the partners' text: internal documents show the summary only.
        return tuple(c for c in kept if c.header != "partner_summary")
    return tuple(c for c in kept if _partner_may_see(sheet, c.path))


def _walk(model: type[BaseModel], prefix: Path, only: tuple[str, ...] | None) -> Iterator[Column]:
    for name, info in model.model_fields.items():
        key = info.alias or name
        if key in _SKIPPED or (only is not None and key not in only):
            continue
        path = (*prefix, key)
        base = _unwrapped(info.annotation)
        if base is MoneyValue:
            yield Column(".".join(path), (*path, "amount"), "number")
            yield Column(".".join((*path, "currency")), (*path, "currency"), "text")
        elif isinstance(base, type) and issubclass(base, BaseModel):
            yield from _walk(base, path, None)
        else:
            kind = _kind(base)
            if kind is not None:
                yield Column(".".join(path), path, kind)


def _unwrapped(annotation: Any) -> Any:
    """The type inside ``X | None`` and ``Annotated[X, …]``."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(args) != 1:
                return annotation
            annotation = args[0]
        else:
            return annotation


def _kind(base: Any) -> Kind | None:
    """A cell's kind for a field's type; None for what a cell cannot hold (records, mappings)."""
    origin = typing.get_origin(base)
    if origin is list:
        item = _unwrapped(typing.get_args(base)[0])
        if item is int:
            return "int_list"
        return "list" if item is str or typing.get_origin(item) is Literal else None
    if origin is Literal or base is str:
        return "text"
    kinds: dict[Any, Kind] = {bool: "bool", int: "int", float: "number", dt.date: "date"}
    return kinds.get(base)


def _partner_may_see(sheet: Sheet, path: Path) -> bool:
    """Whether the partner allow-list holds this column."""
    spec: Spec | Shared | None
    if sheet.section is None:
        # The partner edition's summary is the partner summary, written to the summary column.
        spec = {**EXTERNAL, "summary": None}
        spec.pop("partner_summary")
    else:
        if sheet.section not in EXTERNAL:
            return False
        spec = EXTERNAL[sheet.section]
        if sheet.child is not None and spec is not None:
            if sheet.child not in _inner(spec):
                return False
            spec = _inner(spec)[sheet.child]
    for key in path:
        if spec is None:
            return True
        inner = _inner(spec)
        if key not in inner:
            return False
        spec = inner[key]
    return True


def _inner(spec: Spec | Shared) -> Spec:
    return spec.fields if isinstance(spec, Shared) else spec
