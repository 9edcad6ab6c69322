"""``kaplan export`` and ``kaplan import``: plans in and out of spreadsheets and CRM reports."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from kaplan.cli.base import _audience, _today, _workspace, main
from kaplan.errors import UsageError

if TYPE_CHECKING:
    from kaplan.config import Workspace
    from kaplan.interop.run import Format, Source
    from kaplan.plan import Audience

_SOURCES = ("kaplan", "salesforce", "hubspot")


@main.command("export")
@click.argument("paths", nargs=-1)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["xlsx", "csv"]),
    default="xlsx",
    show_default=True,
    help="Output format.",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    help="The workbook (xlsx) or the folder of CSVs (default: OUT/plans.xlsx, OUT/plans-csv/).",
)
@_audience(help="Who the workbook is for (default from kaplan.yaml, else internal).")
def export_command(paths: Sequence[str], fmt: Format, out: Path | None, audience: Audience | None) -> None:
    """Write the plans as a workbook: one sheet per list (accounts, people, projects…).

    \b
    Example:
      kaplan export                                  # OUT/plans.xlsx, every plan
      kaplan export plans/anshan-special-steel.yaml --format csv --out review/
    """
    from kaplan.coach.check import find_plan_files
    from kaplan.interop.run import default_out, export_plans

    workspace = _workspace()
    chosen = audience or workspace.config.audience
    target = out if out is not None else default_out(workspace, fmt, chosen)
    _refuse_repository_files(workspace, target)
    result = export_plans(find_plan_files(paths, workspace), workspace, chosen, fmt, target)
    for finding in result.findings:
        click.echo(finding.text())
    if result.findings:
        click.echo("nothing exported: fix the plans' errors first (kaplan check)")
        sys.exit(1)
    shown = target if fmt == "xlsx" else f"{target}{'' if str(target).endswith('/') else '/'}"
    click.echo(f"{shown}: {result.rows} rows for the {chosen} audience, {len(result.written)} file(s)")


def _refuse_repository_files(workspace: Workspace, target: Path) -> None:
    """An export may not land on a plan, a template or kaplan.yaml."""
    where = target.resolve()
    for key in ("plans", "templates"):
        folder = workspace.repository_folder(key).resolve()
        if where == folder or folder in where.parents:
            raise UsageError(f"--out {target} is inside the {key} folder: write the export elsewhere", "out")
    if where == workspace.config_file.resolve():
        raise UsageError(f"--out {target} is kaplan.yaml: write the export elsewhere", "out")


@main.command("import")
@click.argument("files", nargs=-1, required=True)
@click.option(
    "--from",
    "source",
    type=click.Choice(_SOURCES),
    default="kaplan",
    show_default=True,
    help="The layout: kaplan's own export, or a CRM's report export.",
)
@click.option("--account", metavar="ID", help="Only this plan (kaplan); put every row into it (CRMs).")
@click.option("--dry-run", is_flag=True, help="Print what would change; write nothing.")
@_today(help="Pin today's date for 'now overdue' (default: KAPLAN_TODAY or the real date).")
def import_command(
    files: Sequence[str], source: Source, account: str | None, dry_run: bool, today: str | None
) -> None:
    """Update plans in place from a workbook, CSVs or a CRM report: new items appended, nothing deleted.

    \b
    Example:
      kaplan import plans.xlsx --dry-run            # what would change, as kaplan diff words it
      kaplan import contacts.csv opportunities.csv --from salesforce
    """
    from kaplan.coach.check import parse_today
    from kaplan.history.diff import DiffReport
    from kaplan.history.report import format_text
    from kaplan.interop.report import import_diffs
    from kaplan.interop.run import read_import, write_updates

    workspace = _workspace()
    day = parse_today(today)
    result = read_import(files, source, account, workspace, day)
    for problem in result.problems:
        click.echo(problem.text())
    if result.failed:
        errors = sum(1 for p in result.problems if p.severity == "error")
        click.echo(f"{errors} error{'s' * (errors != 1)} in {result.rows} rows: nothing written")
        sys.exit(1)
    audience = workspace.config.audience
    accounts, withheld = import_diffs(result.updates, day, workspace.config.locale, audience)
    click.echo(format_text(DiffReport(workspace.config.plans, " ".join(files), accounts)), nl=False)
    if withheld:
        click.echo(
            f"{withheld} more value(s) set that the {audience} audience may not see (kaplan.yaml's audience)"
        )
    for update in result.updates:
        if not update.layout_kept:
            click.echo(
                f"{update.file}: note: its indentation is not one kaplan keeps exactly: read `git diff`"
            )
    if dry_run:
        click.echo("dry run: nothing written")
        return
    written = write_updates(result.updates)
    if written:
        click.echo(f"wrote {', '.join(u.file for u in result.updates)}")
