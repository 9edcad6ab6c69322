"""The ``kaplan`` command line: glue only. The only module that prints or picks exit codes."""

from __future__ import annotations

import contextlib
import json
import os
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import click

from kaplan import __version__
from kaplan.coach.check import CheckedPlan, check_plan, find_plan_files, parse_today
from kaplan.coach.rules import RULES
from kaplan.config import Workspace, check_out_folder, load_workspace
from kaplan.errors import KaplanError, UsageError
from kaplan.files import write_atomic
from kaplan.history.diff import compare_revisions
from kaplan.history.report import FORMATS, format_report
from kaplan.plan.audience import AUDIENCES, Audience
from kaplan.plan.findings import STRUCTURAL, Finding, count_by_severity, format_json
from kaplan.plan.schema import plan_schema
from kaplan.plan.starter import write_starter
from kaplan.site.build import build_site
from kaplan.site.scaffold import init_repository
from kaplan.site.tasks import BuildOptions, PlanResult, parse_shard


class KaplanCommand(click.Command):
    """A command whose :class:`KaplanError` ends in its message and exit code: the one handler."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KaplanError as exc:
            raise _click_error(exc, ctx) from None


class KaplanGroup(click.Group):
    """The ``kaplan`` group: every command added to it is a :class:`KaplanCommand`."""

    command_class = KaplanCommand


def _click_error(exc: KaplanError, ctx: click.Context) -> click.ClickException:
    """Click's exception for a user error: a usage error shows the usage and names the parameter."""
    error: click.ClickException
    if not isinstance(exc, UsageError):
        error = click.ClickException(str(exc))
    elif (hint := _param_hint(ctx, exc.param)) is not None:
        error = click.BadParameter(str(exc), ctx=ctx, param_hint=hint)
    else:
        error = click.UsageError(str(exc), ctx=ctx)
    error.exit_code = exc.exit_code  # type: ignore[misc]  # Click's is per class; kaplan's per error
    return error


def _param_hint(ctx: click.Context, name: str | None) -> str | None:
    """How the command line spells parameter ``name``: an argument's metavar (ID), an option ('--name')."""
    for param in ctx.command.params if name else ():
        if isinstance(param, click.Argument) and name in (param.name, param.human_readable_name.lower()):
            return param.human_readable_name
        if isinstance(param, click.Option) and param.name == name:
            return param.get_error_hint(ctx)
    return None


def _workspace() -> Workspace:
    return load_workspace(rule_codes=tuple(RULES))


def _echo_config_findings(workspace: Workspace, fmt: str = "text") -> bool:
    """Show problems of kaplan.yaml; True when there were errors."""
    for f in workspace.findings:
        click.echo(f.github() if fmt == "github" else f.text(), err=fmt == "json")
    return bool(workspace.findings)


# Options that several commands share, each with its own help.
_format = partial(click.option, "--format", "fmt", default="text", show_default=True, help="Output format.")
_today = partial(click.option, "--today", metavar="YYYY-MM-DD")
_audience = partial(click.option, "--audience", type=click.Choice(AUDIENCES))


@click.group(cls=KaplanGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kaplan")
def main() -> None:
    """kaplan: key-account plans as code. Check plans, build dossiers and the plan site."""


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
    workspace = _workspace()
    day = parse_today(today)
    files = find_plan_files(paths, workspace)
    results = [check_plan(path, shown, workspace, day) for path, shown in files]
    findings = [*workspace.findings, *(f for r in results for f in r.findings)]
    if fmt == "json":
        health = {r.loaded.file: r.health.as_dict() for r in results if r.health is not None}
        click.echo(format_json(findings, len(files), {"health": health}))
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
    click.echo(
        f"{_plural(len(results), 'plan')} checked{f', {invalid} invalid' if invalid else ''}: "
        f"{_plural(counts['error'], 'error')}, {_plural(counts['warning'], 'warning')}, {counts['info']} info"
    )


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


@main.command()
@click.argument("paths", nargs=-1)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Output folder (default from kaplan.yaml, else build/).",
)
@click.option("--html/--no-html", default=True, show_default=True, help="Write OUT/accounts/ID.html.")
@click.option("--pdf/--no-pdf", default=True, show_default=True, help="Write OUT/accounts/ID.pdf.")
@click.option("--brief/--no-brief", default=True, show_default=True, help="Write OUT/accounts/ID.brief.pdf.")
@click.option(
    "--site/--no-site", default=None, help="Write OUT/index.html and search (default: on without PATH)."
)
@_audience(help="Who the documents are for (default from kaplan.yaml: internal).")
@click.option(
    "--jobs", "-j", type=click.IntRange(min=1), help="Plans rendered in parallel (default: number of cores)."
)
@click.option("--shard", metavar="K/N", help="Build only the K-th of N shares of the PDFs (for a CI matrix).")
@_today(help="Pin today's date (default: KAPLAN_TODAY or the real date).")
def build(
    paths: Sequence[str],
    out: Path | None,
    html: bool,
    pdf: bool,
    brief: bool,
    site: bool | None,
    audience: Audience | None,
    jobs: int | None,
    shard: str | None,
    today: str | None,
) -> None:
    """Build dossiers (HTML, PDF), meeting briefings and the plan site.

    \b
    Only what changed is rebuilt (plan, kaplan.yaml, a template, kaplan itself, the day).
    Example:
      kaplan build                                  # every plan and the site into build/
      kaplan build plans/anshan-special-steel.yaml --audience private --no-brief
      kaplan build --shard 2/4 --no-html --no-site  # one runner of a CI matrix of four
    """
    workspace = _workspace()
    if _echo_config_findings(workspace):
        sys.exit(1)
    options = BuildOptions(
        out=(out or workspace.resolve(workspace.config.out)).resolve(),
        html=html,
        pdf=pdf,
        brief=brief,
        site=(not paths) if site is None else site,
        audience=audience or workspace.config.audience,
        today=parse_today(today),
        shard=_parse_shard(shard),
    )
    check_out_folder(workspace, options.out)
    files = find_plan_files(paths, workspace)
    with _progress(len(files)) as progress:
        jobs = jobs or os.cpu_count() or 1
        report = build_site(files, workspace, options, jobs, progress, complete=not paths)
    _echo_failures(report.failed)
    where = _shown_path(options.out)
    site_note = f"; site: {where}/index.html" if options.site else ""
    click.echo(f"{report.summary()} — {where}{site_note}", err=True)
    sys.exit(1 if report.failed else 0)


def _parse_shard(shard: str | None) -> tuple[int, int] | None:
    """``--shard K/N``; a malformed one is a usage error."""
    try:
        return parse_shard(shard) if shard is not None else None
    except ValueError as exc:
        raise UsageError(str(exc)) from None


@contextlib.contextmanager
def _progress(total: int) -> Iterator[Callable[[PlanResult], None]]:
    """A progress bar on a terminal; plain lines in CI and logs (no bar spam)."""
    if total and sys.stderr.isatty() and not os.environ.get("CI"):
        with click.progressbar(length=total, label="building", file=sys.stderr) as bar:
            yield lambda result: bar.update(1)
        return
    done = 0

    def line(result: PlanResult) -> None:
        nonlocal done
        done += 1
        status = "up to date" if result.skipped else "ok" if result.ok else "FAILED"
        if not result.skipped or total <= 50:
            click.echo(f"[{done}/{total}] {result.ident}: {status}", err=True)

    yield line


def _shown_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


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
    text = json.dumps(plan_schema(), ensure_ascii=False, indent=2) + "\n"
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
    path = write_starter(folder, ident, name, locale or workspace.config.locale)
    click.echo(f"wrote {path}: fill it in, then run `kaplan check`")


@main.command("rules")
def rules_command() -> None:
    """List every finding code with its severity and meaning.

    \b
    Example:
      kaplan rules
    """
    workspace = _workspace()
    levels = workspace.config.rules
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
    report = compare_revisions(args, workspace, parse_today(today), audience=audience or "internal")
    click.echo(format_report(report, fmt), nl=False)
    sys.exit(1 if report.failed else 0)


@main.command()
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port on 127.0.0.1 (0: any free one).",
)
@click.option(
    "--pdf/--no-pdf", default=False, show_default=True, help="Also build PDFs and briefings (slower)."
)
@_audience(help="Who the documents are for (default from kaplan.yaml).")
def serve(port: int, pdf: bool, audience: Audience | None) -> None:
    """Preview the site on 127.0.0.1, rebuilt when a plan, kaplan.yaml or a template is saved.

    \b
    Built in a temporary folder: build/ is left alone. Open pages reload by themselves.
    Example:
      kaplan serve --port 8001 --audience external
    """
    from kaplan.site.serve import PreviewServer, serve_forever_until_interrupt, sigterm_as_interrupt

    workspace = _workspace()
    if _echo_config_findings(workspace):
        sys.exit(1)
    c = workspace.config
    watch = [
        workspace.resolve(c.plans),
        workspace.file or workspace.root / "kaplan.yaml",
        workspace.resolve(c.templates),
    ]
    # SIGTERM stops like Ctrl-C, so the temporary folder is removed either way.
    with sigterm_as_interrupt(), tempfile.TemporaryDirectory(prefix="kaplan-serve-") as tmp:
        rebuild = _preview_rebuild(Path(tmp), pdf, audience)
        click.echo(f"built: {rebuild([])}", err=True)
        server = PreviewServer(Path(tmp), watch, rebuild, port=port)
        try:
            server.start()
        except OSError as exc:
            raise KaplanError(f"cannot listen on 127.0.0.1:{port}: {exc.strerror}; try --port 0") from None
        click.echo(f"serving {server.url} (Ctrl-C to stop)")
        serve_forever_until_interrupt(server)


def _preview_rebuild(out: Path, pdf: bool, audience: Audience | None) -> Callable[[Sequence[Path]], str]:
    """What ``kaplan serve`` runs whenever a watched file changes: a whole build into ``out``."""

    def rebuild(changed: Sequence[Path]) -> str:
        fresh = _workspace()  # kaplan.yaml may be what changed
        if _echo_config_findings(fresh):
            raise KaplanError("kaplan.yaml has errors; kept the previous preview")
        today = parse_today(None)
        options = BuildOptions(
            out, pdf=pdf, brief=pdf, site=True, audience=audience or fresh.config.audience, today=today
        )
        check_out_folder(fresh, options.out)
        report = build_site(find_plan_files((), fresh), fresh, options, (os.cpu_count() or 1) if pdf else 1)
        _echo_failures(report.failed)
        return report.summary()

    return rebuild


def _echo_failures(failed: Sequence[PlanResult]) -> None:
    """Why each failed plan failed: its structural findings, or its build error."""
    for r in failed:
        for f in r.findings:
            if f.structural:
                click.echo(f.text(), err=True)
        if r.error:
            click.echo(f"{r.file}: {r.error}", err=True)


@main.command("init")
@click.argument("folder", metavar="[DIR]", default=".", type=click.Path(path_type=Path))
@click.option("--locale", type=click.Choice(["zh", "en"]), default="en", show_default=True, help="Language.")
def init_command(folder: Path, locale: str) -> None:
    """Create a plans repository: kaplan.yaml, a starter plan, Makefile, pre-commit hook and CI.

    \b
    Example:
      kaplan init key-accounts --locale zh
    """
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
