"""``kaplan build`` and ``serve``: dossiers, briefings and the site."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import os
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from kaplan.cli.base import _audience, _echo_config_findings, _today, _workspace, main
from kaplan.config import PDF_VARIANTS, PdfVariant, Workspace, check_out_folder
from kaplan.errors import KaplanError, UsageError
from kaplan.plan import Audience

if TYPE_CHECKING:  # the site's modules load Jinja, Markdown and the charts: only a build imports them
    from kaplan.site.tasks import PlanResult


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
@click.option(
    "--pdf-variant",
    type=click.Choice(PDF_VARIANTS),
    help="PDF standard of every PDF: pdf/a-3b (archival) or pdf/ua-1 (default from kaplan.yaml, else "
    "tagged PDF claiming none).",
)
@click.option(
    "--since",
    metavar="DATE|REV",
    help="The portfolio tells what moved from this date or git revision on (default: 90 days ago).",
)
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
    pdf_variant: PdfVariant | None,
    since: str | None,
    today: str | None,
) -> None:
    """Build dossiers (HTML, PDF), meeting briefings and the plan site.

    \b
    Only what changed is rebuilt (plan, kaplan.yaml, a template, kaplan itself, the day).
    Example:
      kaplan build                                  # every plan and the site into build/
      kaplan build plans/anshan-special-steel.yaml --audience private --no-brief
      kaplan build --shard 2/4 --no-html --no-site  # one runner of a CI matrix of four
      kaplan build --pdf-variant pdf/a-3b           # archival PDFs (PDF/A-3b) for signed plans
      kaplan build --since v2026-q3                 # the portfolio: what moved since that tag
    """
    workspace = _workspace()
    if _echo_config_findings(workspace):
        sys.exit(1)
    from kaplan.coach.check import find_plan_files, parse_today
    from kaplan.site.build import build_site
    from kaplan.site.tasks import BuildOptions

    workspace = _with_pdf_variant(workspace, pdf_variant)
    options = BuildOptions(
        out=(out or workspace.resolve(workspace.config.out)).resolve(),
        html=html,
        pdf=pdf,
        brief=brief,
        site=(not paths) if site is None else site,
        audience=audience or workspace.config.audience,
        today=parse_today(today),
        shard=_parse_shard(shard),
        since=_parse_since(since, workspace),
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


def _with_pdf_variant(workspace: Workspace, variant: PdfVariant | None) -> Workspace:
    """The workspace with ``--pdf-variant`` in place of kaplan.yaml's ``pdf_variant``, when given."""
    if variant is None:
        return workspace
    return dataclasses.replace(workspace, config=workspace.config.model_copy(update={"pdf_variant": variant}))


def _parse_shard(shard: str | None) -> tuple[int, int] | None:
    """``--shard K/N``; a malformed one is a usage error."""
    from kaplan.site.tasks import parse_shard

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


def _parse_since(text: str | None, workspace: Workspace) -> dt.date | None:
    """``--since``: a date, or a git revision whose commit date it is."""
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    from kaplan.history.git import revision_date

    day = revision_date(workspace.root, text)
    if day is None:
        raise click.BadParameter(
            f"'{text}' is neither a date (YYYY-MM-DD) nor a commit of this repository", param_hint="'--since'"
        )
    return dt.date.fromisoformat(day)


def _shown_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


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
        from kaplan.coach.check import find_plan_files, parse_today
        from kaplan.site.build import build_site
        from kaplan.site.tasks import BuildOptions

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
