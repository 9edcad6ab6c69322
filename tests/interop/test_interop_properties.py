"""Any valid plan, exported and imported back, is the same plan: the property behind the round trip.

Plans come from the generator of tests/plan/test_properties.py (every section and key of format 1.1).
Each is exported (private: every column) to real xlsx or CSV bytes, then:
- imported over itself: nothing changes, nothing is reported;
- imported into a skeleton of itself (the same account with every exported list gone): what comes
  back is the plan, less what a workbook does not hold (lists of records inside items, waivers).
"""

from __future__ import annotations

import copy
import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from plan.test_properties import plans_1_1

from kaplan.coach.rules import RULES
from kaplan.interop.apply import plan_updates
from kaplan.interop.columns import SHEETS, all_columns
from kaplan.interop.export import export_tables
from kaplan.interop.rows import Problem, table_edits
from kaplan.interop.tables import Table, csv_bytes, read_tables, workbook_bytes
from kaplan.plan.load import load_plan
from kaplan.plan.model import Plan

LISTS = [s.section for s in SHEETS if s.section is not None]
# Lists a workbook does not hold that name items of the exported ones: gone from the skeleton too.
DEPENDENT = ["relationships", "needs", "cruxes", "installed_base", "whitespace", "contracts", "risks"]
ACCOUNT_COLUMNS = {c.path for c in all_columns(SHEETS[0])}


def through_bytes(tables: list[Table], folder: Path, xlsx: bool) -> list[Table]:
    """The tables written as a real workbook (or CSVs) and read back."""
    if xlsx:
        (folder / "plans.xlsx").write_bytes(workbook_bytes(tables, dt.date(2026, 1, 1)))
        return read_tables(folder / "plans.xlsx", "plans.xlsx")
    out = []
    for table in tables:
        path = folder / f"{table.name.replace(' ', '-')}.csv"
        path.write_bytes(csv_bytes(table))
        out += read_tables(path, path.name)
    return out


def restricted(item: Any, paths: set[tuple[str, ...]], child: str | None = None, inner: Any = None) -> Any:
    """An item with only what the workbook's columns hold."""
    out = {}
    for key, value in item.items():
        below = {p[1:] for p in paths if p[0] == key}
        if key == child:
            out[key] = [restricted(v, inner) for v in value]
        elif not below:
            continue
        elif isinstance(value, dict) and () not in below:
            kept = restricted(value, below)
            if kept:
                out[key] = kept
        elif value not in (None, "", []) and not (isinstance(value, list) and isinstance(value[0], dict)):
            out[key] = value  # an empty value has no cell to come back from
    return out


def expected(data: dict[str, Any]) -> dict[str, Any]:
    want = {k: v for k, v in copy.deepcopy(data).items() if k not in DEPENDENT}
    # The accounts sheet: what its columns hold (an empty `terms: {}` has no cell to come back from),
    # and the account's lists of records, which the skeleton kept.
    records = {
        k: v for k, v in want["account"].items() if not any(p[:2] == ("account", k) for p in ACCOUNT_COLUMNS)
    }
    parts = restricted(
        {
            k: want.pop(k)
            for k in ("account", "plan", "summary", "partner_summary", "partnership")
            if k in want
        },
        ACCOUNT_COLUMNS,
    )
    want |= parts
    want["account"] = {**want.get("account", {}), **records}
    buying = {c.path for c in all_columns(SHEETS[3])}
    for sheet in SHEETS[1:]:
        if sheet.section in want and sheet.child is None:
            columns = {c.path for c in all_columns(sheet)}
            child = "buying_team" if sheet.section == "projects" else None
            want[sheet.section] = [restricted(i, columns, child, buying) for i in want[sheet.section]]
    return want


def skeleton(data: dict[str, Any]) -> dict[str, Any]:
    """The same account with no exported value: only its name, its team, its lists of records."""
    bare = {k: v for k, v in copy.deepcopy(data).items() if k not in (*LISTS, *DEPENDENT)}
    for key in ("summary", "partner_summary", "partnership", "plan"):
        bare.pop(key, None)
    account = bare["account"]
    bare["account"] = {
        k: v for k, v in account.items() if ("account", k) not in ACCOUNT_COLUMNS and not _scalar_parent(k)
    }
    bare["account"]["name"] = "Skeleton"
    return bare


def _scalar_parent(key: str) -> bool:
    return any(p[:2] == ("account", key) and len(p) > 2 for p in ACCOUNT_COLUMNS)


def excel_precision(value: Any) -> Any:
    if isinstance(value, float):
        return float(f"{value:.15g}")
    if isinstance(value, dict):
        return {k: excel_precision(v) for k, v in value.items()}
    if isinstance(value, list):
        return [excel_precision(v) for v in value]
    return value


def write(folder: Path, data: dict[str, Any]) -> Path:
    path = folder / "plans" / "acme.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(data=plans_1_1(), xlsx=st.booleans())
def test_export_then_import_of_any_valid_plan_gives_back_the_same_plan(
    data: dict[str, Any], xlsx: bool
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = write(folder, data)
        loaded = load_plan(path, "plans/acme.yaml", tuple(RULES))
        assert loaded.plan is not None
        assert loaded.ok
        tables = through_bytes(export_tables([("acme", loaded.plan)], "private"), folder, xlsx)

        problems: list[Problem] = []
        edits = table_edits(tables, problems)
        assert plan_updates(edits, folder / "plans", "plans", tuple(RULES), problems) == []
        assert [p.text() for p in problems] == []

        write(folder, skeleton(data))
        assert load_plan(path, "plans/acme.yaml", tuple(RULES)).ok
        updates = plan_updates(
            table_edits(tables, problems), folder / "plans", "plans", tuple(RULES), problems
        )
        assert [p.text() for p in problems] == []
        after = updates[0].after if updates else load_plan(path).plan
        assert after is not None
        got, want = after.model_dump(), Plan.model_validate(expected(data)).model_dump()
        if xlsx:  # Excel keeps 15 significant digits of a number
            got, want = excel_precision(got), excel_precision(want)
        assert got == want
