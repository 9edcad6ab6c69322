"""``kaplan init``, ``diff`` and ``doctor``: the repository, its history and the machine."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import click

from kaplan.cli.base import _audience, _echo_config_findings, _format, _today, _workspace, main
from kaplan.history.report import FORMATS, format_report
from kaplan.plan import Audience


@main.command()
def doctor() -> None:
    """Check WeasyPrint, Pango, HarfBuzz subsetting and a CJK font.

    \b
    Example:
      kaplan doctor
    """
    from kaplan.documents.doctor import run_checks

    checks = run_checks()
    for c in checks:
        click.echo(f"{'ok ' if c.ok else 'BAD'}  {c.name:<16} {c.found}")
        if not c.ok:
            click.echo(f"     fix: {c.fix}")
    sys.exit(0 if all(c.ok for c in checks) else 1)


@main.command("diff")
@click.argument("args", nargs=-1, metavar="[REV_A [REV_B]] [PATH...]")
@_format(type=click.Choice(FORMATS))
@_today(help="Pin today's date for 'now overdue' (default: KAPLAN_TODAY or the real date).")
@_audience(
    help="Who the report is for (default: internal); items private now stay hidden in older revisions."
)
def diff_command(args: Sequence[str], fmt: str, today: str | None, audience: Audience | None) -> None:
    """Show what changed in plans between git revisions, by meaning.

    \b
    No REV: HEAD against the working tree; one REV: REV against the working tree.
    Example:
      kaplan diff                                      # HEAD against the working tree
      kaplan diff origin/main HEAD --format markdown   # for a pull-request comment
    """
    workspace = _workspace()
    # Markdown and JSON go to a pull request or a script: kaplan.yaml problems go to stderr.
    if _echo_config_findings(workspace, "text" if fmt == "text" else "json"):
        sys.exit(1)
    from kaplan.coach.check import parse_today
    from kaplan.history.diff import compare_revisions

    report = compare_revisions(args, workspace, parse_today(today), audience=audience or "internal")
    click.echo(format_report(report, fmt), nl=False)
    sys.exit(1 if report.failed else 0)


@main.command("init")
@click.argument("folder", metavar="[DIR]", default=".", type=click.Path(path_type=Path))
@click.option("--locale", type=click.Choice(["zh", "en"]), default="en", show_default=True, help="Language.")
def init_command(folder: Path, locale: str) -> None:
    """Create a plans repository: kaplan.yaml, a starter plan, Makefile, pre-commit hook and CI.

    \b
    Example:
      kaplan init key-accounts --locale zh
    """
    from kaplan.coach.check import parse_today
    from kaplan.site.scaffold import init_repository

    written = init_repository(folder, locale, parse_today(None))
    for path in written:
        click.echo(f"wrote {path}")
    steps = [] if folder == Path(".") else [f"cd {folder}"]
    steps += [
        "git init && make            # check the plans, build dossiers and the site",
        "kaplan new ID --name NAME   # a plan per account, like plans/example-account.yaml",
        "pre-commit install          # check changed plans before each commit",
        "GitHub: CI keeps the site and PDFs as a run artifact; to publish with Pages, see the top of",
        "  .github/workflows/plans.yml (the repository variable KAPLAN_PAGES_AUDIENCE)",
    ]
    click.echo("\nnext steps:\n" + "\n".join(f"  {step}" for step in steps))
