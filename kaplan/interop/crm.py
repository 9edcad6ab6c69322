"""Salesforce and HubSpot report exports → edits of people and projects, located at the CRM file's cells.

A report is recognised by its header (a title above it is skipped): contacts have a first and last
name, opportunities (deals) a name and a stage. Rows find their plan by the account's name (or its
legal name, or its id) unless ``--account`` names one plan for all. People are matched by e-mail,
then by name; projects by name. ``Reports To`` names a person, who becomes ``reports_to``. CRM stages
become the 8 stages through ``import.stages`` in kaplan.yaml, over the defaults below.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from kaplan.config import Workspace
from kaplan.interop.cells import BLANK, CellError, from_cell
from kaplan.interop.columns import SHEET_NAMES
from kaplan.interop.columns import Path as KeyPath
from kaplan.interop.crm_columns import CONTACT_COLUMNS, DEAL_COLUMNS, DEFAULT_STAGES, Crm, Target
from kaplan.interop.rows import Cell, Edit, Problem
from kaplan.interop.tables import Table
from kaplan.plan.load import LoadedPlan, load_plan, slugify
from kaplan.plan.model import Plan

_HEADER_SEARCH = 15  # rows: a formatted report puts its title and filters above the header


@dataclass
class _Report:
    table: Table
    kind: Literal["contacts", "deals"]
    columns: dict[str, int]  # field → column index


@dataclass
class _Plans:
    """The plans a CRM report may go into, and how each is found by name."""

    by_id: dict[str, Plan]
    by_name: dict[str, str]

    def find(self, name: str) -> str | None:
        return self.by_name.get(_norm(name))


def crm_edits(
    tables: Sequence[Table],
    crm: Crm,
    account: str | None,
    workspace: Workspace,
    problems: list[Problem],
    today: dt.date,
    cache: dict[Path, LoadedPlan] | None = None,
) -> list[Edit]:
    """People and project edits from a CRM's contact and opportunity (deal) reports.

    ``cache`` receives every plan loaded to match the rows, so the import need not load them again.
    """
    plans = _plans(workspace, {} if cache is None else cache)
    if account is not None and account not in plans.by_id:
        problems.append(Problem("--account", f"no valid plan {workspace.config.plans}/{account}.yaml"))
        return []
    stages = {_norm(k): v for k, v in {**DEFAULT_STAGES[crm], **workspace.config.import_.stages}.items()}
    reports = [r for t in tables if (r := _recognise(t, crm, problems)) is not None]
    edits: list[Edit] = []
    people = _People(plans)
    for report in (r for r in reports if r.kind == "contacts"):
        edits += _contact_edits(report, plans, account, people, problems)
    people.resolve_managers(problems)
    for report in (r for r in reports if r.kind == "deals"):
        edits += _deal_edits(report, plans, account, stages, today, workspace.config.currency, problems)
    return edits


def _plans(workspace: Workspace, cache: dict[Path, LoadedPlan]) -> _Plans:
    from kaplan.coach.check import plan_files_in
    from kaplan.coach.rules import RULES

    folder = workspace.repository_folder("plans")
    by_id: dict[str, Plan] = {}
    by_name: dict[str, str] = {}
    for path in plan_files_in(folder) if folder.is_dir() else []:
        loaded = cache[path] = load_plan(
            path, f"{workspace.config.plans.rstrip('/')}/{path.name}", tuple(RULES)
        )
        if loaded.plan is None or not loaded.ok:
            continue  # the import reports it if a row goes to it
        by_id[loaded.id] = loaded.plan
        for name in (loaded.id, loaded.plan.account.name, loaded.plan.account.legal_name):
            if name:
                by_name.setdefault(_norm(name), loaded.id)
    return _Plans(by_id, by_name)


_HONORIFIC = re.compile(r"^(?:(?:dr|prof|mr|mrs|ms|mx|ir|ing|drs|mag|dipl)\.?\s+)+", re.I)


def _norm(text: str) -> str:
    """A name as matching sees it: case, width, spaces, punctuation and a leading "Dr." left out."""
    text = _HONORIFIC.sub("", unicodedata.normalize("NFKC", str(text)).strip()).casefold()
    return re.sub(r"[\s\W_]+", "", text)


def _recognise(table: Table, crm: Crm, problems: list[Problem]) -> _Report | None:
    for index, row in enumerate(table.rows[:_HEADER_SEARCH]):
        names = {str(c).strip().casefold(): i for i, c in enumerate(row) if c is not None}
        for kind, wanted in (("contacts", CONTACT_COLUMNS[crm]), ("deals", DEAL_COLUMNS[crm])):
            columns = {
                field: names[alias.casefold()]
                for field, aliases in wanted.items()
                for alias in reversed(aliases)
                if alias.casefold() in names
            }
            contact = kind == "contacts" and ({"first", "last"} <= columns.keys() or "name" in columns)
            deal = kind == "deals" and {"name", "stage"} <= columns.keys()
            if contact or deal:
                table.header_row = index
                return _Report(table, kind, columns)  # type: ignore[arg-type]
    problems.append(
        Problem(
            f"{table.file}: sheet {table.name}",
            f"not a {crm} contacts or opportunities report: no First Name / Last Name or "
            "Opportunity Name / Stage header in its first rows",
        )
    )
    return None


def _cell(report: _Report, number: int, field: str) -> Cell:
    index = report.columns.get(field, 0)
    header = report.table.header[index] if report.columns.get(field) is not None else ""
    return Cell(report.table.file, report.table.name, number, index, header)


def _text(report: _Report, cells: list[Any], field: str) -> str | None:
    index = report.columns.get(field)
    if index is None:
        return None
    value = from_cell(cells[index], "text")
    return None if value is BLANK else str(value).strip()


def _plan_for(
    report: _Report,
    number: int,
    cells: list[Any],
    plans: _Plans,
    account: str | None,
    problems: list[Problem],
) -> str | None:
    if account is not None:
        return account
    name = _text(report, cells, "account")
    found = plans.find(name) if name else None
    if found is None:
        what = f"no plan has the account name '{name}'" if name else "the row names no account"
        problems.append(
            Problem(
                _cell(report, number, "account").where(),
                f"{what}: pass --account ID, or write the CRM's name as the plan's account.name or legal_name",
            )
        )
    return found


class _People:
    """The contacts of each plan seen so far, so ``Reports To`` can name one of them."""

    def __init__(self, plans: _Plans) -> None:
        self.plans = plans
        self.taken: dict[str, set[str]] = {}
        self.names: dict[str, dict[str, str]] = {}
        self.pending: list[tuple[Edit, str, Cell]] = []

    def ids(self, account: str) -> set[str]:
        if account not in self.taken:
            plan = self.plans.by_id[account]
            self.taken[account] = _all_ids(plan)
            self.names[account] = {_norm(p.name): p.id for p in plan.people}
        return self.taken[account]

    def person_id(self, account: str, name: str, email: str | None) -> tuple[str, bool]:
        """The id of the plan's person with this e-mail or name, else a new id (True: new)."""
        plan, taken = self.plans.by_id[account], self.ids(account)
        for person in plan.people:
            if email and person.email and person.email.casefold() == email.casefold():
                return person.id, False
        known = self.names[account].get(_norm(name))
        if known is not None:
            return known, False
        base = slugify(_ascii(name)) if _ascii(name) else ""
        if not base or base == "account":
            base = slugify(email.split("@")[0]) if email else "contact"
        ident, n = base, 2
        while ident in taken:
            ident, n = f"{base}-{n}", n + 1
        taken.add(ident)
        self.names[account][_norm(name)] = ident
        return ident, True

    def later(self, edit: Edit, manager: str, cell: Cell) -> None:
        self.pending.append((edit, manager, cell))

    def resolve_managers(self, problems: list[Problem]) -> None:
        """Set each pending ``reports_to``, now that every contact of the report has an id."""
        for edit, manager, cell in self.pending:
            ident = self.names.get(edit.account, {}).get(_norm(manager))
            if ident is None:
                problems.append(
                    Problem(
                        cell.where(),
                        f"'{manager}' is nobody in this account's contacts: add their row, or clear the cell",
                    )
                )
                continue
            if ident != edit.key[0]:
                _put(edit, ("reports_to",), ident, cell)


def _all_ids(plan: Plan) -> set[str]:
    data = plan.model_dump(by_alias=True)
    return {
        item["id"]
        for value in data.values()
        if isinstance(value, list)
        for item in value
        if isinstance(item, dict) and isinstance(item.get("id"), str)
    }


def _ascii(name: str) -> str:
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().strip()


def _full_name(report: _Report, cells: list[Any]) -> str | None:
    name = _text(report, cells, "name")
    if name:
        return name
    first, last = _text(report, cells, "first") or "", _text(report, cells, "last") or ""
    if _is_cjk(first + last):
        return (last + first) or None  # 王 + 新: the family name first, no space
    return " ".join(p for p in (first, last) if p) or None


def _is_cjk(text: str) -> bool:
    return bool(text) and all(
        unicodedata.east_asian_width(ch) in ("W", "F") for ch in text if not ch.isspace()
    )


def _contact_edits(
    report: _Report, plans: _Plans, account: str | None, people: _People, problems: list[Problem]
) -> list[Edit]:
    sheet = SHEET_NAMES["people"]
    edits = []
    for number, cells in report.table.data():
        plan = _plan_for(report, number, cells, plans, account, problems)
        name = _full_name(report, cells)
        if plan is None:
            continue
        if name is None:
            problems.append(
                Problem(_cell(report, number, "last").where(), "the contact has no name: fill it in")
            )
            continue
        email = _text(report, cells, "email")
        ident, new = people.person_id(plan, name, email)
        edit = Edit(sheet, plan, (ident,), _cell(report, number, "account"))
        if new:
            _put(edit, ("name",), name, _cell(report, number, "name" if "name" in report.columns else "last"))
        for field in ("title", "department", "email", "phone"):
            value = _text(report, cells, field)
            if value:
                _put(edit, (field,), value, _cell(report, number, field))
        manager = _text(report, cells, "reports_to")
        if manager:
            people.later(edit, manager, _cell(report, number, "reports_to"))
        edits.append(edit)
    return edits


def _put(edit: Edit, path: KeyPath, value: Any, cell: Cell) -> None:
    edit.values[path] = value
    edit.cells[path] = cell


def _deal_edits(
    report: _Report,
    plans: _Plans,
    account: str | None,
    stages: dict[str, Target],
    today: dt.date,
    default_currency: str,
    problems: list[Problem],
) -> list[Edit]:
    sheet = SHEET_NAMES["projects"]
    edits = []
    taken: dict[str, set[str]] = {}
    _day_first_dates(report, "close")
    for number, cells in report.table.data():
        plan_id = _plan_for(report, number, cells, plans, account, problems)
        name = _text(report, cells, "name")
        if plan_id is None or not name:
            if plan_id is not None:
                problems.append(Problem(_cell(report, number, "name").where(), "the opportunity has no name"))
            continue
        plan = plans.by_id[plan_id]
        existing = next((p for p in plan.projects if _norm(p.name) == _norm(name)), None)
        if existing is not None:
            ident = existing.id
        else:
            ident = _new_id(name, "opportunity", taken.setdefault(plan_id, _all_ids(plan)))
        edit = Edit(sheet, plan_id, (ident,), _cell(report, number, "account"))
        if existing is None:
            _put(edit, ("name",), name, _cell(report, number, "name"))
        try:
            _deal_values(edit, report, number, cells, stages, existing, today)
            if edit.values.get(("value", "currency")) == (plan.plan.currency or default_currency):
                del edit.values[("value", "currency")]  # the plan's own currency: nothing to write
        except CellError as exc:
            problems.append(
                Problem(exc.args[1].where() if len(exc.args) > 1 else edit.row.where(), exc.args[0])
            )
            continue
        edits.append(edit)
    return edits


_SLASHED = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})\b")


def _day_first_dates(report: _Report, field: str) -> None:
    """Rewrite a column's D/M/YYYY or M/D/YYYY dates as ISO when the column itself says which it is.

    A CRM writes dates in its user's locale; one date with a day over 12 settles the order for all.
    When none does, each ambiguous date is reported (the cell reader refuses to guess).
    """
    index = report.columns.get(field)
    if index is None:
        return
    rows = [cells for _, cells in report.table.data()]
    found = [
        m for cells in rows if isinstance(cells[index], str) and (m := _SLASHED.match(cells[index].strip()))
    ]
    day_first = any(int(m[1]) > 12 for m in found)
    month_first = any(int(m[2]) > 12 for m in found)
    if day_first == month_first:
        return  # no evidence, or a column that mixes both: leave the cells to the reader
    for cells in rows:
        value = cells[index]
        match = _SLASHED.match(value.strip()) if isinstance(value, str) else None
        if match:
            day, month = (match[1], match[2]) if day_first else (match[2], match[1])
            cells[index] = f"{match[3]}-{int(month):02d}-{int(day):02d}"


def _new_id(name: str, word: str, taken: set[str]) -> str:
    base = slugify(_ascii(name)) if _ascii(name) else word
    base = base if base != "account" else word
    ident, n = base, 2
    while ident in taken:
        ident, n = f"{base}-{n}", n + 1
    taken.add(ident)
    return ident


def _deal_values(
    edit: Edit,
    report: _Report,
    number: int,
    cells: list[Any],
    stages: dict[str, Target],
    existing: Any,
    today: dt.date,
) -> None:
    stage_text = _text(report, cells, "stage")
    stage_cell = _cell(report, number, "stage")
    if stage_text:
        target = stages.get(_norm(stage_text), stages.get(_norm(re.sub(r"\s*\(.*\)$", "", stage_text))))
        if target is None:
            raise CellError(
                f"stage '{stage_text}' is not in kaplan's table: add `{stage_text}: N` (1–8, won or lost) "
                "under import.stages in kaplan.yaml",
                stage_cell,
            )
        _stage(edit, target, stage_cell, existing, today)
    elif existing is None:
        raise CellError("a new opportunity needs a stage", stage_cell)
    for field, path, kind in (
        ("amount", ("value", "amount"), "number"),
        ("currency", ("value", "currency"), "text"),
        ("close", ("timeline", "sign_by"), "date"),
        ("probability", ("probability",), "number"),
    ):
        index = report.columns.get(field)
        if index is None:
            continue
        cell = _cell(report, number, field)
        try:
            value = from_cell(cells[index], kind)  # type: ignore[arg-type]
        except CellError as exc:
            raise CellError(str(exc), cell) from None
        if value is not BLANK:
            _put(edit, path, value.strip() if isinstance(value, str) else value, cell)


def _stage(edit: Edit, target: Target, cell: Cell, existing: Any, today: dt.date) -> None:
    if isinstance(target, int):
        stage, outcome = target, "open"
    else:
        stage = 8 if target == "won" else (existing.stage if existing is not None else 1)
        outcome = target
    if existing is None or existing.stage != stage:
        _put(edit, ("stage",), stage, cell)
        _put(edit, ("stage_since",), today, cell)
    if (existing.outcome if existing is not None else "open") != outcome:
        _put(edit, ("outcome",), outcome, cell)
