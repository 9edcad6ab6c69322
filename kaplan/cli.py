"""The ``kaplan`` command line: glue only. The only module that prints or picks exit codes."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from kaplan import __version__
from kaplan.coach.check import CheckedPlan, UsageError, check_plan, find_plan_files, parse_today
from kaplan.coach.rules import RULES, STRUCTURAL
from kaplan.config import Project, check_out_folder, load_project
from kaplan.files import write_atomic
from kaplan.history.diff import FORMATS, compare_revisions, format_report
from kaplan.plan.audience import AUDIENCES, Audience
from kaplan.plan.findings import Finding, count_by_severity, format_json
from kaplan.plan.schema import plan_schema
from kaplan.plan.starter import StarterError, StarterInputError, write_starter
from kaplan.site.build import BuildOptions, PlanResult, SiteError, build_site, parse_shard
from kaplan.site.scaffold import InitError, init_repository

F = TypeVar("F", bound=Callable[..., Any])


def _usage_errors(fn: F) -> F:
    """Turn :class:`UsageError` into Click's usage error (exit 2, no traceback)."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except UsageError as exc:
            raise click.UsageError(str(exc)) from None

    return wrapper  # type: ignore[return-value]


def _project() -> Project:
    return load_project(rule_codes=tuple(RULES))


def _echo_config_findings(project: Project, fmt: str = "text") -> bool:
    """Show problems of kaplan.yaml; True when there were errors."""
    for f in project.findings:
        click.echo(f.github() if fmt == "github" else f.text(), err=fmt == "json")
    return bool(project.findings)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kaplan")
def main() -> None:
    """kaplan: key-account plans as code. Check plans, build dossiers and the plan site."""


@main.command()
@click.argument("paths", nargs=-1)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    show_default=True,
    help="Output format.",
)
@click.option("--strict", is_flag=True, help="Fail (exit 1) on warnings too.")
@click.option(
    "--today", metavar="YYYY-MM-DD", help="Pin today's date (default: KAPLAN_TODAY or the real date)."
)
@_usage_errors
def check(paths: Sequence[str], fmt: str, strict: bool, today: str | None) -> None:
    """Check plans: structure, references and coaching rules.

    \b
    Example:
      kaplan check                      # every plan under plans/
      kaplan check plans/anshan-special-steel.yaml --format github
    """
    project = _project()
    day = parse_today(today)
    files = find_plan_files(paths, project)
    results = [check_plan(path, shown, project, day) for path, shown in files]
    findings = [*project.findings, *(f for r in results for f in r.findings)]
    if fmt == "json":
        health = {r.loaded.file: r.health.as_dict() for r in results if r.health is not None}
        click.echo(format_json(findings, len(files), {"health": health}))
        _echo_config_findings(project, "json")  # also on stderr, for the person at the terminal
    elif fmt == "github":
        for f in findings:
            click.echo(f.github())
    else:
        _echo_text(project.findings, results)
    counts = count_by_severity(findings)
    failed = counts["error"] > 0 or (strict and counts["warning"] > 0)
    sys.exit(1 if failed else 0)


def _echo_text(config_findings: Sequence[Finding], results: Sequence[CheckedPlan]) -> None:
    for f in config_findings:
        click.echo(f.text())
    for r in results:
        for f in r.findings:
            click.echo(f.text())
        if r.health is not None:
            h = r.health
            areas = ", ".join(f"{a.area} {a.score}" for a in h.areas)
            click.echo(f"{r.loaded.file}: health {h.score}/100 ({h.rag}) — {areas}")
    counts = count_by_severity([*config_findings, *(f for r in results for f in r.findings)])
    invalid = sum(1 for r in results if not r.loaded.ok)
    click.echo(
        f"{len(results)} plan{'s' if len(results) != 1 else ''} checked"
        + (f", {invalid} invalid" if invalid else "")
        + f": {counts['error']} error{'s' if counts['error'] != 1 else ''}, "
        f"{counts['warning']} warning{'s' if counts['warning'] != 1 else ''}, {counts['info']} info"
    )


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
@click.option(
    "--audience",
    type=click.Choice(AUDIENCES),
    help="Who the documents are for (default from kaplan.yaml: internal).",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help="Plans rendered in parallel (default: number of cores).",
)
@click.option("--shard", metavar="K/N", help="Build only the K-th of N shares of the PDFs (for a CI matrix).")
@click.option(
    "--today", metavar="YYYY-MM-DD", help="Pin today's date (default: KAPLAN_TODAY or the real date)."
)
@_usage_errors
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
    project = _project()
    if _echo_config_findings(project):
        sys.exit(1)
    try:
        shares = parse_shard(shard) if shard is not None else None
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    options = BuildOptions(
        out=(out or project.resolve(project.config.out)).resolve(),
        html=html,
        pdf=pdf,
        brief=brief,
        site=(not paths) if site is None else site,
        audience=audience or project.config.audience,
        today=parse_today(today),
        shard=shares,
    )
    check_out_folder(project, options.out)
    files = find_plan_files(paths, project)
    try:
        options.out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise click.ClickException(f"cannot create the output folder {options.out}: {exc.strerror}") from None
    try:
        with _Progress(len(files)) as progress:
            report = build_site(
                files, project, options, jobs or os.cpu_count() or 1, progress.update, complete=not paths
            )
    except SiteError as exc:
        raise click.ClickException(str(exc)) from None
    _echo_failures(report.failed)
    where = _shown_path(options.out)
    site_note = f"; site: {where}/index.html" if options.site else ""
    click.echo(f"{report.summary()} — {where}{site_note}", err=True)
    sys.exit(1 if report.failed else 0)


class _Progress:
    """A progress bar on a terminal; plain lines in CI and logs (no bar spam)."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.done = 0
        self.tty = sys.stderr.isatty() and not os.environ.get("CI")
        self.bar: Any = None

    def __enter__(self) -> _Progress:
        if self.tty and self.total:
            self.bar = click.progressbar(length=self.total, label="building", file=sys.stderr)
            self.bar.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)

    def update(self, result: PlanResult) -> None:
        self.done += 1
        if self.bar is not None:
            self.bar.update(1)
            return
        status = "up to date" if result.skipped else "ok" if result.ok else "FAILED"
        if not result.skipped or self.total <= 50:
            click.echo(f"[{self.done}/{self.total}] {result.ident}: {status}", err=True)


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
            raise click.ClickException(f"cannot write {out}: {exc.strerror}") from None
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
    project = _project()
    folder = project.resolve(project.config.plans)
    try:
        path = write_starter(folder, ident, name, locale or project.config.locale)
    except StarterInputError as exc:
        raise click.BadParameter(str(exc), param_hint="ID" if exc.field == "id" else "'--name'") from None
    except StarterError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"wrote {path}: fill it in, then run `kaplan check`")


@main.command("rules")
def rules_command() -> None:
    """List every finding code with its severity and meaning.

    \b
    Example:
      kaplan rules
    """
    project = _project()
    levels = project.config.rules
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
@click.option(
    "--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True, help="Output format."
)
@click.option(
    "--today",
    metavar="YYYY-MM-DD",
    help="Pin today's date for 'now overdue' (default: KAPLAN_TODAY or the real date).",
)
@click.option(
    "--audience",
    type=click.Choice(AUDIENCES),
    help="Who the report is for (default: internal); items private now stay hidden in older revisions.",
)
@_usage_errors
def diff_command(args: Sequence[str], fmt: str, today: str | None, audience: Audience | None) -> None:
    """Show what changed in plans between git revisions, by meaning.

    \b
    No REV: HEAD against the working tree; one REV: REV against the working tree.
    Example:
      kaplan diff                                      # HEAD against the working tree
      kaplan diff origin/main HEAD --format markdown   # for a pull-request comment
    """
    project = _project()
    # Markdown and JSON go to a pull request or a script: kaplan.yaml problems go to stderr.
    if _echo_config_findings(project, "text" if fmt == "text" else "json"):
        sys.exit(1)
    report = compare_revisions(args, project, parse_today(today), audience=audience or "internal")
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
@click.option(
    "--audience", type=click.Choice(AUDIENCES), help="Who the documents are for (default from kaplan.yaml)."
)
@_usage_errors
def serve(port: int, pdf: bool, audience: Audience | None) -> None:
    """Preview the site on 127.0.0.1, rebuilt when a plan, kaplan.yaml or a template is saved.

    \b
    Built in a temporary folder: build/ is left alone. Open pages reload by themselves.
    Example:
      kaplan serve --port 8001 --audience external
    """
    from kaplan.site.serve import PreviewServer, serve_forever_until_interrupt, sigterm_as_interrupt

    project = _project()
    if _echo_config_findings(project):
        sys.exit(1)
    c = project.config
    watch = [
        project.resolve(c.plans),
        project.file or project.root / "kaplan.yaml",
        project.resolve(c.templates),
    ]
    # SIGTERM stops like Ctrl-C, so the temporary folder is removed either way.
    with sigterm_as_interrupt(), tempfile.TemporaryDirectory(prefix="kaplan-serve-") as tmp:

        def rebuild(changed: Sequence[Path]) -> str:
            fresh = _project()  # kaplan.yaml may be what changed
            if _echo_config_findings(fresh):
                raise click.ClickException("kaplan.yaml has errors; kept the previous preview")
            options = BuildOptions(
                Path(tmp),
                pdf=pdf,
                brief=pdf,
                site=True,
                audience=audience or fresh.config.audience,
                today=parse_today(None),
            )
            check_out_folder(fresh, options.out)
            report = build_site(
                find_plan_files((), fresh), fresh, options, (os.cpu_count() or 1) if pdf else 1
            )
            _echo_failures(report.failed)
            return report.summary()

        click.echo(f"built: {rebuild([])}", err=True)
        server = PreviewServer(Path(tmp), watch, rebuild, port=port)
        try:
            server.start()
        except OSError as exc:
            raise click.ClickException(
                f"cannot listen on 127.0.0.1:{port}: {exc.strerror}; try --port 0"
            ) from None
        click.echo(f"serving {server.url} (Ctrl-C to stop)")
        serve_forever_until_interrupt(server)


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
@_usage_errors
def init_command(folder: Path, locale: str) -> None:
    """Create a plans repository: kaplan.yaml, a starter plan, Makefile, pre-commit hook and CI.

    \b
    Example:
      kaplan init key-accounts --locale zh
    """
    try:
        written = init_repository(folder, locale, parse_today(None))
    except InitError as exc:
        raise click.ClickException(str(exc)) from None
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
