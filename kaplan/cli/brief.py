"""``kaplan brief``: one briefing PDF, for the rep in the car park: no site, no charts, no cache."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from kaplan.cli.base import _audience, _echo_config_findings, _today, _workspace, main
from kaplan.config import Workspace, check_out_folder
from kaplan.errors import KaplanError, UsageError
from kaplan.files import write_atomic
from kaplan.plan import Audience

if TYPE_CHECKING:
    from kaplan.documents.theme import Theme


@main.command()
@click.argument("plan")
@click.argument("meeting", required=False)
@click.option(
    "--out", "out_file", type=click.Path(dir_okay=False, path_type=Path), help="Write it here instead."
)
@_audience(help="Who the briefing is for (default from kaplan.yaml: internal).")
@_today(help="Pin today's date (default: KAPLAN_TODAY or the real date).")
def brief(
    plan: str, meeting: str | None, out_file: Path | None, audience: Audience | None, today: str | None
) -> None:
    """Write one briefing PDF and print its path: a meeting's, or the plan's general briefing.

    \b
    Default path as `kaplan build` writes it: OUT/accounts/ID.MEETING.brief.pdf or ID.brief.pdf.
    MEETING is a meeting id as the audience sees the plan: the partner edition (external) numbers
    its shared meetings meeting-1, meeting-2…; an unknown id lists the ones there are.
    Example:
      kaplan brief plans/anshan-special-steel.yaml mtg-tech-defense
      kaplan brief plans/anshan-special-steel.yaml --out ~/brief.pdf --audience private
    """
    if not Path(plan).is_file():
        raise UsageError(f"no such plan file: {plan}", param="plan")
    from kaplan.documents.pdf import WarmRenderer

    with WarmRenderer() as renderer:  # first: WeasyPrint loads in a worker while this reads the plan
        workspace = _workspace()
        if _echo_config_findings(workspace):
            sys.exit(1)
        if out_file is None:
            check_out_folder(workspace, workspace.resolve(workspace.config.out))
        written = write_brief(
            Path(plan),
            plan,
            workspace,
            audience or workspace.config.audience,
            today,
            meeting,
            out_file,
            renderer.render,
        )
    click.echo(written)


def write_brief(
    path: Path,
    shown: str,
    project: Workspace,
    audience: Audience,
    today_text: str | None,
    meeting_id: str | None,
    out_file: Path | None,
    render_pdf: Callable[[str, Theme], bytes] | None = None,
) -> Path:
    """Check the plan, render the briefing for ``audience`` and write it atomically; the path written.

    ``render_pdf`` turns the HTML into PDF bytes (default :func:`kaplan.documents.pdf.render_pdf`).
    """
    from kaplan.coach.check import check_plan, parse_today
    from kaplan.documents.briefing import build_briefing, last_met, meeting_suffix
    from kaplan.documents.pdf import render_pdf as render_here
    from kaplan.documents.render import render_brief, render_meeting_brief
    from kaplan.documents.theme import Theme, ThemeError
    from kaplan.documents.views import build_view
    from kaplan.plan.audience import for_audience
    from kaplan.plan.load import plan_id
    from kaplan.plan.messages import did_you_mean
    from kaplan.site.briefs import meeting_changes, output_path, recent_history

    today = parse_today(today_text)
    checked = check_plan(path, shown, project, today)
    plan = checked.loaded.plan
    if plan is None or not checked.loaded.ok:
        for finding in checked.findings:
            if finding.structural:
                click.echo(finding.text(), err=True)
        raise KaplanError(f"{shown}: the plan has errors; no briefing written")
    filtered = for_audience(plan, audience)
    ident = plan_id(path)
    try:
        view = build_view(filtered, ident, project, today, checked.findings, checked.health)
        theme = Theme.of(project)
        if meeting_id is None:
            html, suffix = render_brief(view, theme.env), ".brief.pdf"
        else:
            meetings = {m.id: m for m in view.plan.meetings}
            if meeting_id not in meetings:
                known = ", ".join(sorted(meetings)) or "none"
                hint = did_you_mean(meeting_id, sorted(meetings))
                raise UsageError(
                    f"no meeting '{meeting_id}' in {shown}{hint} (its meetings: {known})", "meeting"
                )
            chosen = meetings[meeting_id]
            entries = recent_history(path, project, audience, view.locale, plan)
            briefing = build_briefing(
                view, chosen, meeting_changes(entries, last_met(view.plan, chosen, view.today))
            )
            html, suffix = render_meeting_brief(view, briefing, theme.env), meeting_suffix(meeting_id)
        data = (render_pdf or render_here)(html, theme)
    except ThemeError as exc:
        raise KaplanError(str(exc)) from None
    target = out_file or output_path(project.resolve(project.config.out), ident, suffix)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        return write_atomic(target, data)
    except OSError as exc:
        raise KaplanError(f"cannot write {target}: {exc.strerror or exc}") from None
