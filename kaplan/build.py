"""What to build and how: dossiers (HTML, PDF) and briefings, one plan per task."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from markupsafe import Markup

from kaplan import charts
from kaplan.audience import Audience, for_audience
from kaplan.check import CheckedPlan, check_plan
from kaplan.config import Brand, Project
from kaplan.files import write_atomic
from kaplan.findings import Finding
from kaplan.model import Locale, Plan
from kaplan.pdf import render_pdf
from kaplan.render import (
    Charts,
    DocumentView,
    Links,
    ThemeError,
    build_view,
    make_env,
    render_brief,
    render_dossier,
    theme_dirs,
)


@dataclass(frozen=True)
class BuildOptions:
    """What a build makes, and where."""

    out: Path
    html: bool = True
    pdf: bool = True
    brief: bool = True
    audience: Audience = "internal"
    today: dt.date = field(default_factory=dt.date.today)


@dataclass
class PlanResult:
    """What building one plan gave: the files written, or why it failed."""

    ident: str
    file: str
    findings: list[Finding] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    error: str | None = None

    @property
    def ok(self) -> bool:
        """True when the plan was valid and every output was written."""
        return self.error is None and not any(f.structural for f in self.findings)


def account_dir(out: Path) -> Path:
    """Where dossiers and briefings go."""
    return out / "accounts"


def output_path(out: Path, ident: str, suffix: str) -> Path:
    """``OUT/accounts/ID{suffix}``, refusing any id that would leave the output folder."""
    folder = account_dir(out).resolve()
    path = (folder / f"{ident}{suffix}").resolve()
    if path.parent != folder:
        raise ValueError(f"refusing to write outside {folder}: {ident!r}")
    return path


def document_charts(plan: Plan, locale: Locale, brand: Brand) -> Charts:
    """The SVG charts of a dossier, drawn in the brand's colours and font."""
    font, primary, accent = brand.font, brand.primary, brand.accent
    return Charts(
        org=[
            Markup(svg) for svg in charts.org_chart(plan, locale, font=font, primary=primary, accent=accent)
        ],
        org_legend=Markup(charts.org_legend(locale, font=font)),
        power=Markup(charts.power_map(plan, locale, font=font, primary=primary, accent=accent)),
        ladders={
            p.id: Markup(charts.stage_ladder(p, locale, font=font, primary=primary, accent=accent))
            for p in plan.projects
        },
    )


def document_links(ident: str, options: BuildOptions) -> Links:
    """Links from the HTML dossier to the other documents this build writes."""
    return Links(
        pdf=f"{ident}.pdf" if options.pdf else None,
        brief=f"{ident}.brief.pdf" if options.brief else None,
    )


def render_outputs(view: DocumentView, project: Project, options: BuildOptions) -> dict[str, bytes | str]:
    """Every output of one plan, by file suffix, rendered in memory."""
    dirs = theme_dirs(project)
    env = make_env(dirs)
    dossier = render_dossier(view, env)
    outputs: dict[str, bytes | str] = {}
    if options.html:
        outputs[".html"] = dossier
    if options.pdf:
        outputs[".pdf"] = render_pdf(dossier, dirs)
    if options.brief:
        outputs[".brief.pdf"] = render_pdf(render_brief(view, env), dirs)
    return outputs


def build_plan(path: Path, shown: str, project: Project, options: BuildOptions) -> PlanResult:
    """Check one plan and, if it is valid, write its dossier and briefing."""
    checked: CheckedPlan = check_plan(path, shown, project, options.today)
    result = PlanResult(checked.loaded.id, shown, checked.findings)
    plan = checked.loaded.plan
    if plan is None or not checked.loaded.ok:
        return result
    try:
        filtered = for_audience(plan, options.audience)
        locale = filtered.plan.plan.locale or project.config.locale
        view = build_view(
            filtered,
            result.ident,
            project,
            options.today,
            checked.findings,
            checked.health,
            charts=document_charts(filtered.plan, locale, project.config.brand),
            links=document_links(result.ident, options),
        )
        outputs = render_outputs(view, project, options)
    except ThemeError as exc:
        result.error = str(exc)
        return result
    # Every document of the plan is rendered before any is written: a failure changes nothing.
    for suffix, data in outputs.items():
        path = output_path(options.out, result.ident, suffix)
        try:
            result.written.append(write_atomic(path, data))
        except OSError as exc:
            result.error = f"cannot write {path}: {exc.strerror}"
            break
    return result


def build_all(
    files: Sequence[tuple[Path, str]],
    project: Project,
    options: BuildOptions,
    jobs: int = 1,
    progress: Callable[[PlanResult], None] | None = None,
) -> list[PlanResult]:
    """Build every plan; with ``jobs`` > 1 in a process pool. Results come back in input order."""
    results: list[PlanResult] = []
    if jobs <= 1 or len(files) <= 1:
        for path, shown in files:
            result = build_plan(path, shown, project, options)
            results.append(result)
            if progress:
                progress(result)
        return results
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(build_plan, path, shown, project, options) for path, shown in files]
        for future in futures:
            result = future.result()
            results.append(result)
            if progress:
                progress(result)
    return results
