"""``kaplan export`` and ``kaplan import`` as functions: the command line only prints what they return."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from kaplan.config import Workspace
from kaplan.errors import UsageError
from kaplan.files import write_together
from kaplan.interop.apply import PlanUpdate, plan_updates
from kaplan.interop.export import export_tables, workbook_date
from kaplan.interop.rows import Edit, Problem, table_edits
from kaplan.interop.tables import Table, csv_bytes, read_tables, workbook_bytes
from kaplan.plan import Audience
from kaplan.plan.findings import Finding
from kaplan.plan.load import LoadedPlan, load_plan
from kaplan.plan.model import Plan

Format = Literal["xlsx", "csv"]
Source = Literal["kaplan", "salesforce", "hubspot"]
SOURCES: tuple[Source, ...] = ("kaplan", "salesforce", "hubspot")


@dataclass
class Exported:
    """What an export wrote, or the findings of the plans that stopped it."""

    written: list[Path] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    rows: int = 0


def default_out(workspace: Workspace, fmt: Format, audience: Audience) -> Path:
    """``OUT/plans.xlsx`` (or ``OUT/plans-csv/``); another audience than internal is in the name."""
    stem = "plans" if audience == "internal" else f"plans-{audience}"
    return workspace.resolve(workspace.config.out) / (f"{stem}.xlsx" if fmt == "xlsx" else f"{stem}-csv")


def export_plans(
    files: Sequence[tuple[Path, str]], workspace: Workspace, audience: Audience, fmt: Format, out: Path
) -> Exported:
    """Write the plans' workbook (or CSVs), all files together or none; invalid plans stop it."""
    from kaplan.coach.rules import RULES

    result = Exported()
    plans: list[tuple[str, Plan]] = []
    for path, shown in files:
        loaded = load_plan(path, shown, tuple(RULES))
        if not loaded.ok or loaded.plan is None:
            result.findings += [f for f in loaded.findings if f.severity == "error"]
            continue
        plans.append((loaded.id, loaded.plan))
    if result.findings:
        return result
    tables = export_tables(plans, audience, str(out))
    result.rows = sum(len(t.rows) - 1 for t in tables)
    if fmt == "xlsx":
        if out.is_dir():
            raise UsageError(
                f"--out {out} is a folder: name the workbook file, such as {out / 'plans.xlsx'}", "out"
            )
        outputs = {out: workbook_bytes(tables, workbook_date(plans))}
    else:
        if out.exists() and not out.is_dir():
            raise UsageError(f"--out {out} is a file: CSVs go into a folder, one file per sheet", "out")
        outputs = {out / f"{_stem(t)}.csv": csv_bytes(t) for t in tables}
    result.written = write_together(outputs)
    return result


def _stem(table: Table) -> str:
    return table.name.replace(" ", "-")


@dataclass
class Imported:
    """What an import would change, and every problem that stops it (then nothing is written)."""

    updates: list[PlanUpdate] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    rows: int = 0

    @property
    def failed(self) -> bool:
        return any(p.severity == "error" for p in self.problems)


def read_import(
    given: Sequence[str],
    source: Source,
    account: str | None,
    workspace: Workspace,
    today: dt.date,
) -> Imported:
    """Read the files and work out each plan's new text; nothing is written here."""
    from kaplan.coach.rules import RULES

    result = Imported()
    tables: list[Table] = []
    for name in given:
        path = Path(name)
        if not path.exists():
            raise UsageError(f"no such file: {name}", "files")
        if path.is_dir():
            found = sorted(path.glob("*.csv"))
            if not found:
                raise UsageError(
                    f"{name} is a folder with no .csv file: name the workbook or the CSVs", "files"
                )
            tables += [t for p in found for t in read_tables(p, str(p))]
        else:
            tables += read_tables(path, name)
    cache: dict[Path, LoadedPlan] = {}
    edits = _edits(tables, source, account, workspace, result.problems, today, cache)
    result.rows = sum(len(t.data()) for t in tables)  # every row read, usable or not
    folder = workspace.repository_folder("plans")
    shown = workspace.config.plans
    result.updates = plan_updates(edits, folder, shown, tuple(RULES), result.problems, cache)
    return result


def _edits(
    tables: list[Table],
    source: Source,
    account: str | None,
    workspace: Workspace,
    problems: list[Problem],
    today: dt.date,
    cache: dict[Path, LoadedPlan],
) -> list[Edit]:
    if source == "kaplan":
        edits = table_edits(tables, problems)
        return [e for e in edits if account is None or e.account == account]
    from kaplan.interop.crm import crm_edits

    return crm_edits(tables, source, account, workspace, problems, today, cache)


def write_updates(updates: Sequence[PlanUpdate]) -> list[Path]:
    """Replace the changed plan files together (atomically: all of them or none)."""
    return write_together({u.path: u.text for u in updates})
