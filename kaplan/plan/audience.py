"""What each audience may see: a plan is filtered *before* rendering, so dropped content
never reaches a template, an HTML byte, a PDF, a search index or a diff.

- ``private``: everything.
- ``internal``: no ``people[].personal``, no personal needs or cruxes, no personal wins
  (``buying_team[].win.personal``), no ``private: true`` items.
- ``external`` (partners): built from :data:`EXTERNAL`, an allow-list. A field that is not on it
  is absent from the edition, whatever a plan (or a later version of the format) adds; only
  actions marked ``share: true`` reach it; its summary is ``partner_summary``, never ``summary``.

An item that is private or personal *now* stays hidden in every older revision of the plan too:
pass the current plan as ``now`` (history panels and ``kaplan diff`` do).
References to something dropped are removed with it, so nothing renders a dropped id.
"""

from __future__ import annotations

import functools
import typing
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from pydantic import BaseModel

from kaplan.plan import Audience
from kaplan.plan.findings import Finding
from kaplan.plan.messages import format_path
from kaplan.plan.model import Item, Plan
from kaplan.plan.structure import ID_LISTS, REF_FIELDS

M = TypeVar("M", bound=BaseModel)
# Who is our coach or champion, and who blocks us, is intelligence a partner must not read.
ALLIES = frozenset({"coach", "champion", "blocker"})


@dataclass(frozen=True)
class Shared:
    """On the allow-list: only the items of this list marked ``share: true``, with these fields."""

    fields: Spec


# An allow-list: field name → None (the whole value) or the allow-list of its items / sub-fields.
Spec = Mapping[str, "Spec | Shared | None"]


def _keys(*names: str) -> dict[str, None]:
    return dict.fromkeys(names)


# The partner edition (plan-format.md, "Audiences"), field by field.
EXTERNAL: Spec = {
    "kaplan": None,
    "partner_summary": None,
    "plan": _keys("owner", "status", "period", "locale", "currency"),
    "account": {
        **_keys("name", "legal_name", "group", "industry", "hq", "website", "business_scope"),
        "contacts": _keys("label", "phone", "email", "address"),
        "scale": _keys("employees", "revenue", "sites"),
        "consumption": _keys("category", "volume", "pattern", "cycle_months", "next_purchase"),
        "units": _keys("id", "name", "kind", "parent", "location"),
        "purchasing_calendar": _keys("what", "months"),
    },
    "team": None,
    "people": _keys("id", "name", "title", "department", "unit", "reports_to", "status"),
    "projects": {
        **_keys("id", "name", "stage", "stage_since", "history", "outcome", "unit", "timeline"),
        "special_requirements": None,
        "criteria": _keys("criterion", "kind", "weight"),
        "decision_process": _keys("step", "by", "status"),
        "buying_team": _keys("person", "roles"),
    },
    "actions": Shared(_keys("id", "what", "owner", "due", "status")),
    "objectives": Shared(_keys("id", "statement", "kind", "measure", "due", "status")),
    "meetings": Shared(_keys("id", "on", "title", "attendees", "ours", "objective")),
}


def _replace(model: M, **update: Any) -> M:
    """``model`` with the fields that ``update`` really changes (others stay unset, as written)."""
    changed = {k: v for k, v in update.items() if getattr(model, k) != v}
    return model.model_copy(update=changed) if changed else model


def shows_assessments(audience: str) -> bool:
    """Whether an audience may see influence, support, competitors, cruxes, findings and health."""
    return audience != "external"


@dataclass
class Filtered:
    """A plan as one audience may see it, and what was dropped from it."""

    plan: Plan
    audience: Audience
    dropped_paths: list[str] = field(default_factory=list)
    dropped_names: set[str] = field(default_factory=set)  # the texts of the dropped items

    @property
    def shows_assessments(self) -> bool:
        """Whether influence, support, competitors, cruxes… may be shown."""
        return shows_assessments(self.audience)

    def findings(self, findings: Iterable[Finding]) -> list[Finding]:
        """The coaching findings this audience may see (none for ``external``)."""
        if not self.shows_assessments:
            return []
        kept = []
        for f in findings:
            if any(f.path == p or f.path.startswith((p + ".", p + "[")) for p in self.dropped_paths):
                continue
            if any(name in f.message for name in self.dropped_names):
                continue
            kept.append(f)
        return kept


def for_audience(plan: Plan, audience: Audience, now: Plan | None = None) -> Filtered:
    """The plan as ``audience`` may see it; ``now``, the current version of an older ``plan``."""
    if audience == "private":
        return Filtered(plan, audience)
    if now is not None and now is not plan:
        plan = with_current_flags(plan, now)
    # Paths and names are taken from the plan as written, so they match the findings' paths.
    dropped: list[str] = []
    texts: set[str] = set()
    visible = _without_personal(_drop_private(plan, (), dropped, texts))
    dropped += _personal_paths(plan)
    if audience == "external":
        visible = partner_edition(visible)
    visible = _prune_references(visible)
    return Filtered(visible, audience, dropped, texts)


def _texts(item: BaseModel) -> Iterator[str]:
    """The plain text a finding could quote from an item: its names, titles, steps, statements…

    Only what the plan's author wrote: an enumeration's value (``open``, ``visit``) is a word every
    message may use, and would hide unrelated findings.
    """
    for name in _free_text_fields(type(item)):
        value = getattr(item, name)
        for text in value if isinstance(value, list) else (value,):
            # A word of one or two letters would hide unrelated findings too.
            if isinstance(text, str) and len(text.strip()) > 2:
                yield text


@functools.cache
def _free_text_fields(model: type[BaseModel]) -> tuple[str, ...]:
    """The fields of a model that hold free text (not an enumeration)."""
    return tuple(n for n, f in model.model_fields.items() if not _is_enumeration(f.annotation))


def _is_enumeration(annotation: Any) -> bool:
    if typing.get_origin(annotation) is Literal:
        return True
    return any(_is_enumeration(arg) for arg in typing.get_args(annotation))


def _personal_paths(plan: Plan) -> list[str]:
    """Where the personal content of the items that are not private anyway is written."""
    paths = [
        format_path(("people", i, "personal"))
        for i, person in enumerate(plan.people)
        if not person.private and person.personal is not None
    ]
    paths += [
        format_path(("needs", i)) for i, n in enumerate(plan.needs) if not n.private and n.kind == "personal"
    ]
    paths += [
        format_path(("cruxes", i))
        for i, c in enumerate(plan.cruxes)
        if not c.private and c.kind == "personal"
    ]
    return paths


def _without_personal(plan: Plan) -> Plan:
    """No personal profiles, personal needs, personal cruxes or personal wins."""
    return _replace(
        plan,
        people=[_replace(p, personal=None) for p in plan.people],
        needs=[n for n in plan.needs if n.kind != "personal"],
        cruxes=[c for c in plan.cruxes if c.kind != "personal"],
        projects=[_without_personal_wins(p) for p in plan.projects],
    )


def _without_personal_wins(project: Any) -> Any:
    """A project whose buying team no longer says what each person wins personally."""
    if not any(m.win is not None and m.win.personal for m in project.buying_team):
        return project
    team = [
        _replace(m, win=_replace(m.win, personal=None)) if m.win is not None else m
        for m in project.buying_team
    ]
    return project.model_copy(update={"buying_team": team})


def _drop_private(model: M, path: tuple[str | int, ...], dropped: list[str], texts: set[str]) -> M:
    """Remove ``private: true`` items from every list, at any depth; note their paths and texts."""
    update: dict[str, Any] = {}
    for name in type(model).model_fields:
        value = getattr(model, name)
        if isinstance(value, BaseModel):
            new = _drop_private(value, (*path, name), dropped, texts)
            if new is not value:
                update[name] = new
        elif isinstance(value, list) and value and isinstance(value[0], BaseModel):
            items = []
            for i, item in enumerate(value):
                if isinstance(item, Item) and item.private:
                    dropped.append(format_path((*path, name, i)))
                    texts.update(_texts(item))
                    continue
                items.append(_drop_private(item, (*path, name, i), dropped, texts))
            if len(items) != len(value) or any(a is not b for a, b in zip(items, value, strict=True)):
                update[name] = items
    return model.model_copy(update=update) if update else model


# --- the partner edition ---------------------------------------------------------------------------


def partner_edition(plan: Plan) -> Plan:
    """Only what :data:`EXTERNAL` allows, from a plan already stripped of private items.

    The edition is rebuilt from the allow-list and validated as a new plan, so a field nobody put on
    the list takes its default (empty) value.
    """
    data = _allowed(plan, EXTERNAL)
    data["summary"] = data.pop("partner_summary", None)
    for project in data.get("projects", []):
        for member in project.get("buying_team", []):
            member["roles"] = [r for r in member.get("roles", []) if r not in ALLIES]
    # An item's id is ours, not the partner's; some teams write intent into ids.
    for section, word in (("actions", "action"), ("objectives", "objective"), ("meetings", "meeting")):
        for i, item in enumerate(data.get(section, []), start=1):
            item["id"] = f"{word}-{i}"
    return Plan.model_validate(data)


def _allowed(model: BaseModel, spec: Spec) -> dict[str, Any]:
    fields = type(model).model_fields
    out: dict[str, Any] = {}
    for name, sub in spec.items():
        value = getattr(model, name)
        if value == fields[name].get_default(call_default_factory=True):
            continue  # left unset, as the plan left it
        key = fields[name].alias or name
        if isinstance(sub, Shared):
            out[key] = [_allowed(item, sub.fields) for item in value if getattr(item, "share", False)]
        elif sub is None:
            out[key] = _dump(value)
        elif isinstance(value, list):
            out[key] = [_allowed(item, sub) for item in value]
        elif isinstance(value, BaseModel):
            out[key] = _allowed(value, sub)
        else:
            out[key] = value
    return out


def _dump(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(by_alias=True)
    if isinstance(value, list):
        return [_dump(v) for v in value]
    return value


# --- flags of the current plan on an older revision -------------------------------------------------


def with_current_flags(old: Plan, now: Plan) -> Plan:
    """``old`` with every item that is private (or personal) in ``now`` marked private too.

    Items are matched by id, else by the fields that identify them (a buying-team member by its
    person, a criterion by its text…). Items gone from ``now`` keep their own flags.
    """
    return _flag(old, now)


def _identity(item: BaseModel) -> tuple[str, ...]:
    """What names an item across revisions: its id, else the fields it cannot be without."""
    fields = type(item).model_fields
    required = [n for n, f in fields.items() if f.is_required()]
    names = ["id"] if "id" in fields else required or [next(n for n in fields if n != "private")]
    return tuple(repr(getattr(item, n)) for n in names)


def _hidden_now(item: BaseModel) -> bool:
    if isinstance(item, Item) and item.private:
        return True
    return getattr(item, "kind", None) == "personal"


def _flag(old: M, now: BaseModel) -> M:
    update: dict[str, Any] = {}
    for name in type(old).model_fields:
        value, current = getattr(old, name), getattr(now, name, None)
        if isinstance(value, BaseModel) and isinstance(current, BaseModel):
            new = _flag(value, current)
            if new is not value:
                update[name] = new
        elif isinstance(value, list) and value and isinstance(value[0], BaseModel):
            items = _flag_items(value, current)
            if any(a is not b for a, b in zip(items, value, strict=True)):
                update[name] = items
    return old.model_copy(update=update) if update else old


def _flag_items(value: list[Any], current: Any) -> list[Any]:
    """The items of an old list, each flagged as its match (by identity) in the current list."""
    matches = {_identity(c): c for c in current or () if isinstance(c, BaseModel)}
    items = []
    for item in value:
        match = matches.get(_identity(item))
        if match is None:
            items.append(item)
        elif _hidden_now(match) and isinstance(item, Item):
            items.append(item.model_copy(update={"private": True}))
        else:
            items.append(_flag(item, match))
    return items


# --- references --------------------------------------------------------------------------------------

_DROP = object()  # what pruning returns for an item that cannot be without the reference it lost


def _ids_by_section(plan: Plan) -> dict[str, set[str]]:
    """The ids still in ``plan``, by the section they are in."""
    ids: dict[str, set[str]] = {}
    for section, where in ID_LISTS:
        items: Any = plan
        for key in where:
            items = getattr(items, key)
        ids[section] = {item.id for item in items}
    return ids


def _prune_references(plan: Plan) -> Plan:
    """Remove references whose target was dropped, so nothing renders a dropped id.

    Driven by :data:`~kaplan.plan.load.REF_FIELDS`, the one list of where the format holds
    references: an optional reference becomes empty, a list of them loses the dropped ids, and an
    item that cannot be without its reference (a relationship, a buying-team member…) goes with it.
    """
    ids = _ids_by_section(plan)
    for pattern, sections in REF_FIELDS:
        allowed = set().union(*(ids[s] for s in sections))
        if pattern[0] == "installed_base":
            allowed.add("us")
        plan = _prune(plan, pattern, allowed)
    # A whitespace cell held by a competitor or a project that was dropped goes with it.
    cells = [
        w
        for w in plan.whitespace
        if not (
            (w.state == "competitor" and w.competitor is None) or (w.state == "project" and w.project is None)
        )
    ]
    return _replace(plan, whitespace=cells)


def _field(model: BaseModel, key: str) -> str:
    """The model's field name for a key as written (``from`` is ``from_``)."""
    fields = type(model).model_fields
    if key in fields:
        return key
    return next(name for name, f in fields.items() if f.alias == key)


def _prune(model: Any, pattern: tuple[str, ...], allowed: set[str]) -> Any:
    name = _field(model, pattern[0])
    value, rest = getattr(model, name), pattern[1:]
    if value is None:
        return model
    if not rest:  # a single reference
        if value in allowed:
            return model
        if type(model).model_fields[name].is_required():
            return _DROP
        return model.model_copy(update={name: None})
    if isinstance(value, BaseModel):
        new = _prune(value, rest, allowed)
        return model if new is value else model.model_copy(update={name: new})
    # a list: of references ("*" last), or of items to prune one by one
    if len(rest) == 1:
        kept = [ref for ref in value if ref in allowed]
    else:
        kept = [new for item in value if (new := _prune(item, rest[1:], allowed)) is not _DROP]
    if len(kept) == len(value) and all(a is b for a, b in zip(kept, value, strict=True)):
        return model
    return model.model_copy(update={name: kept})
