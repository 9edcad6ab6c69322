"""Plans → tables, one per sheet, each plan filtered for the audience first (the one filter of every output)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any

from kaplan.interop.cells import to_cell
from kaplan.interop.columns import ACCOUNT, SHEETS, Column, Sheet, columns_for
from kaplan.interop.tables import Table
from kaplan.plan import Audience
from kaplan.plan.audience import for_audience
from kaplan.plan.model import Plan

EPOCH = dt.date(1980, 1, 1)


def export_tables(plans: Sequence[tuple[str, Plan]], audience: Audience, file: str = "") -> list[Table]:
    """A table per sheet, rows in plan-id order; a partner workbook has only the sheets it may see."""
    dumps = [(ident, _visible(plan, audience)) for ident, plan in sorted(plans, key=lambda p: p[0])]
    tables = []
    for sheet in SHEETS:
        columns = columns_for(sheet, audience)
        if not columns:
            continue  # nothing of this list is on the partner allow-list
        lead = [ACCOUNT] if sheet.parent_key is None else [ACCOUNT, sheet.parent_key]
        rows: list[list[Any]] = [[*lead, *(c.header for c in columns)]]
        for ident, data in dumps:
            rows += [[ident, *parent, *_cells(item, columns)] for parent, item in _items(sheet, data)]
        tables.append(Table(file, sheet.name, rows))
    return tables


def workbook_date(plans: Sequence[tuple[str, Plan]]) -> dt.date:
    """The date a workbook says it was made: the latest review of its plans (never "now")."""
    return max((p.plan.reviewed for _, p in plans if p.plan.reviewed is not None), default=EPOCH)


def _visible(plan: Plan, audience: Audience) -> dict[str, Any]:
    return for_audience(plan, audience).plan.model_dump(mode="python", by_alias=True)


def _items(sheet: Sheet, data: dict[str, Any]) -> Iterator[tuple[list[str], dict[str, Any]]]:
    if sheet.section is None:
        yield [], data
        return
    for item in data.get(sheet.section) or []:
        if sheet.child is None:
            yield [], item
        else:
            for member in item.get(sheet.child) or []:
                yield [item["id"]], member


def _cells(item: dict[str, Any], columns: Sequence[Column]) -> list[Any]:
    return [to_cell(value_at(item, c.path), c.kind) for c in columns]


def value_at(data: Any, path: Sequence[str]) -> Any:
    """The value at a path of keys in dumped plan data; None where a part is missing."""
    for key in path:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data
