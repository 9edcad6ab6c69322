"""``kaplan check``, ``rules``, ``schema`` and ``new``: the commands about plan files."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from kaplan.cli.base import _echo_config_findings, _format, _today, _workspace, main
from kaplan.errors import KaplanError
from kaplan.files import write_atomic

if TYPE_CHECKING:  # each command imports what it runs: `kaplan --help` loads no model, coach or renderer
    from kaplan.coach.check import CheckedPlan
    from kaplan.plan.findings import Finding


@main.command()
@click.argument("paths", nargs=-1)
@_format(type=click.Choice(["text", "json", "github"]))
@click.option("--strict", is_flag=True, help="Fail (exit 1) on warnings too.")
@_today(help="Pin today's date (default: KAPLAN_TODAY or the real date).")
def check(paths: Sequence[str], fmt: str, strict: bool, today: str | None) -> None:
    """Check plans: structure, references and coaching rules.

    \b
    Example:
      kaplan check                      # every plan under plans/
      kaplan check plans/anshan-special-steel.yaml --format github
    """
    from kaplan.coach.check import check_plan, find_plan_files, parse_today
    from kaplan.plan.findings import count_by_severity, format_json

    workspace = _workspace()
    day = parse_today(today)
    files = find_plan_files(paths, workspace)
    results = [check_plan(path, shown, workspace, day) for path, shown in files]
    findings = [*workspace.findings, *(f for r in results for f in r.findings)]
    if fmt == "json":
        health = {r.loaded.file: r.health.as_dict() for r in results if r.health is not None}
        listed = [*workspace.findings, *(f for r in results for f in (*r.findings, *r.waived))]
        click.echo(format_json(listed, len(files), {"health": health}))
        _echo_config_findings(workspace, "json")  # also on stderr, for the person at the terminal
    elif fmt == "github":
        for f in findings:
            click.echo(f.github())
    else:
        _echo_text(workspace.findings, results)
    counts = count_by_severity(findings)
    failed = counts["error"] > 0 or (strict and counts["warning"] > 0)
    sys.exit(1 if failed else 0)


def _echo_text(config_findings: Sequence[Finding], results: Sequence[CheckedPlan]) -> None:
    from kaplan.plan.findings import count_by_severity

    for f in config_findings:
        click.echo(f.text())
    for r in results:
        for f in r.findings:
            click.echo(f.text())
        if (h := r.health) is not None:
            areas = ", ".join(f"{a.area} {a.score}" for a in h.areas)
            click.echo(f"{r.loaded.file}: health {h.score}/100 ({h.rag}) — {areas}")
    counts = count_by_severity([*config_findings, *(f for r in results for f in r.findings)])
    invalid = sum(1 for r in results if not r.loaded.ok)
    waived = sum(len(r.waived) for r in results)
    click.echo(
        f"{_plural(len(results), 'plan')} checked{f', {invalid} invalid' if invalid else ''}: "
        f"{_plural(counts['error'], 'error')}, {_plural(counts['warning'], 'warning')}, {counts['info']} info"
        f"{f', {waived} waived' if waived else ''}"
    )


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


@main.command()
@click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE instead of stdout."
)
def schema(out: Path | None) -> None:
    """Print the JSON Schema (2020-12) of the plan format.

    \b
    Example:
      kaplan schema --out schema/plan.schema.json
    """
    from kaplan.plan.schema import schema_text

    text = schema_text()
    if out is None:
        click.echo(text, nl=False)
    else:
        try:
            write_atomic(out, text)
        except OSError as exc:
            raise KaplanError(f"cannot write {out}: {exc.strerror}") from None
        click.echo(f"wrote {out}", err=True)


@main.command()
@click.argument("ident", metavar="ID")
@click.option("--name", help="The account's name (default: from the id).")
@click.option(
    "--locale", type=click.Choice(["zh", "en"]), help="Language of the starter (default from kaplan.yaml)."
)
def new(ident: str, name: str | None, locale: str | None) -> None:
    """Write plans/ID.yaml, a commented starter plan.

    \b
    Example:
      kaplan new baosteel --name 宝钢股份 --locale zh
    """
    workspace = _workspace()
    folder = workspace.resolve(workspace.config.plans)
    from kaplan.plan.schema import SCHEMA_FILE, schema_text
    from kaplan.plan.starter import write_starter

    path = write_starter(folder, ident, name, locale or workspace.config.locale, root=workspace.root)
    click.echo(f"wrote {path}: fill it in, then run `kaplan check`")
    schema = workspace.root / SCHEMA_FILE
    inside = schema.parent.resolve().is_relative_to(workspace.root.resolve())
    if not schema.exists() and not schema.is_symlink() and inside:
        # The plan's `$schema` line names it: without it, editors check and complete nothing.
        try:
            schema.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(schema, schema_text())
        except OSError as exc:
            click.echo(
                f"warning: cannot write {schema} ({exc.strerror}): run `kaplan schema --out {SCHEMA_FILE}`",
                err=True,
            )
        else:
            click.echo(f"wrote {schema}: the schema your editor checks plans with (commit it)", err=True)


@main.command("rules")
def rules_command() -> None:
    """List every finding code with its severity and meaning.

    \b
    Example:
      kaplan rules
    """
    workspace = _workspace()
    levels = workspace.config.rules
    from kaplan.coach.rules import RULES
    from kaplan.plan.findings import STRUCTURAL

    width = max(len(c) for c in [*RULES, *STRUCTURAL])
    click.echo("Structural (always errors; they stop a plan from being built):")
    for code, meaning in STRUCTURAL.items():
        click.echo(f"  {code:<{width}}  error    {meaning}")
    click.echo("\nCoaching (severity: default, or as set in kaplan.yaml `rules:`):")
    for code, r in RULES.items():
        level = levels.get(code, r.severity)
        marker = "" if level == r.severity else f" (default {r.severity})"
        click.echo(f"  {code:<{width}}  {level:<7}  {r.meaning}{marker}")
        click.echo(f"  {'':<{width}}           source: {r.source}")
