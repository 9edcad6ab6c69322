"""Building one plan's documents: dossier (HTML, PDF) and briefing, one plan per task."""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markupsafe import Markup

from kaplan import charts
from kaplan.audience import Audience, Filtered, for_audience
from kaplan.cache import Entry, Manifest, context_hash, load_manifest, plan_key, save_manifest
from kaplan.check import CheckedPlan, check_plan
from kaplan.config import Brand, Project
from kaplan.diff import HistoryEntry, plan_history
from kaplan.files import write_atomic
from kaplan.findings import Finding
from kaplan.git import head_blobs
from kaplan.load import MAX_BYTES, plan_id
from kaplan.model import Locale, Plan
from kaplan.pdf import render_pdf
from kaplan.render import (
    Charts,
    DocumentView,
    Links,
    ThemeError,
    build_view,
    render_brief,
    render_dossier,
    theme_dirs,
    theme_env,
)
from kaplan.site import AccountSummary, summarize, write_site

HISTORY_COMMITS = 10


@dataclass(frozen=True)
class BuildOptions:
    """What a build makes, and where."""

    out: Path
    html: bool = True
    pdf: bool = True
    brief: bool = True
    site: bool = False
    audience: Audience = "internal"
    today: dt.date = field(default_factory=dt.date.today)
    shard: tuple[int, int] | None = None


@dataclass
class PlanResult:
    """What building one plan gave: the files written, or why it failed."""

    ident: str
    file: str
    findings: list[Finding] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    error: str | None = None
    skipped: bool = False
    summary: AccountSummary | None = None

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


def render_outputs(view: DocumentView, project: Project, suffixes: Sequence[str]) -> dict[str, bytes | str]:
    """The outputs of one plan named by their suffixes (.html, .pdf, .brief.pdf), rendered in memory."""
    dirs = theme_dirs(project)
    env = theme_env(tuple(dirs))
    dossier = render_dossier(view, env)
    outputs: dict[str, bytes | str] = {}
    if ".html" in suffixes:
        outputs[".html"] = dossier
    if ".pdf" in suffixes:
        outputs[".pdf"] = render_pdf(dossier, dirs)
    if ".brief.pdf" in suffixes:
        outputs[".brief.pdf"] = render_pdf(render_brief(view, env), dirs)
    return outputs


@dataclass(frozen=True)
class PlanTask:
    """One plan to build: which outputs, and which links its page may show."""

    path: Path
    file: str
    ident: str
    suffixes: tuple[str, ...]
    links: Links


def recent_history(path: Path, project: Project, audience: Audience, locale: Locale) -> list[HistoryEntry]:
    """The meaningful changes of the last commits that touched a plan, as ``audience`` may see them."""

    def view(plan: Plan) -> Plan:
        return for_audience(plan, audience).plan

    entries = plan_history(project.root, path, limit=HISTORY_COMMITS, locale=locale, view=view)
    return [e for e in entries if e.changes]


def dossier_view(
    task: PlanTask, checked: CheckedPlan, filtered: Filtered, project: Project, options: BuildOptions
) -> DocumentView:
    """What the dossier and briefing of a checked plan render from, as its audience may see it."""
    locale = filtered.plan.plan.locale or project.config.locale
    view = build_view(
        filtered,
        task.ident,
        project,
        options.today,
        checked.findings,
        checked.health,
        charts=document_charts(filtered.plan, locale, project.config.brand),
        links=task.links,
    )
    if options.site and ".html" in task.suffixes:
        view.history = recent_history(task.path, project, options.audience, locale)
    return view


def build_plan(task: PlanTask, project: Project, options: BuildOptions) -> PlanResult:
    """Check one plan and, if it is valid, write the outputs the task asks for."""
    checked: CheckedPlan = check_plan(task.path, task.file, project, options.today)
    result = PlanResult(task.ident, task.file, checked.findings)
    plan = checked.loaded.plan
    if plan is None or not checked.loaded.ok:
        return result
    try:
        filtered = for_audience(plan, options.audience)
        currency = filtered.plan.plan.currency or project.config.currency
        result.summary = summarize(task.ident, filtered, checked.health, currency, options.today, task.links)
        if not task.suffixes:
            return result
        view = dossier_view(task, checked, filtered, project, options)
        outputs = render_outputs(view, project, task.suffixes)
    except ThemeError as exc:
        result.error = str(exc)
        return result
    # Every document of the plan is rendered before any is written: a failure changes nothing.
    for suffix, data in outputs.items():
        path = output_path(options.out, task.ident, suffix)
        try:
            result.written.append(write_atomic(path, data))
        except OSError as exc:
            result.error = f"cannot write {path}: {exc.strerror}"
            break
    return result


def run_tasks(
    tasks: Sequence[PlanTask],
    project: Project,
    options: BuildOptions,
    jobs: int = 1,
    progress: Callable[[PlanResult], None] | None = None,
) -> list[PlanResult]:
    """Build every task; with ``jobs`` > 1 in a process pool. Results come back in task order."""
    results: list[PlanResult] = []
    if jobs <= 1 or len(tasks) <= 1:
        for task in tasks:
            result = build_plan(task, project, options)
            results.append(result)
            if progress:
                progress(result)
        return results
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(build_plan, task, project, options) for task in tasks]
        for future in futures:
            result = future.result()
            results.append(result)
            if progress:
                progress(result)
    return results


class SiteError(Exception):
    """The site or the build manifest could not be written (an unwritable folder, a broken index template)."""


@dataclass
class SiteReport:
    """What a whole build did."""

    results: list[PlanResult]
    removed: list[Path]
    site_files: list[Path]
    seconds: float

    @property
    def built(self) -> list[PlanResult]:
        """Plans whose outputs were (re)written."""
        return [r for r in self.results if r.ok and not r.skipped]

    @property
    def skipped(self) -> list[PlanResult]:
        """Plans whose outputs were up to date."""
        return [r for r in self.results if r.skipped]

    @property
    def failed(self) -> list[PlanResult]:
        """Plans that could not be built."""
        return [r for r in self.results if not r.ok]

    def summary(self) -> str:
        """One line: built, skipped, failed, time."""
        return (
            f"{len(self.built)} built, {len(self.skipped)} up to date, {len(self.failed)} failed"
            + (f", {len(self.removed)} removed" if self.removed else "")
            + f" in {self.seconds:.1f}s"
        )


def parse_shard(text: str) -> tuple[int, int]:
    """``K/N`` → (K, N) with 1 ≤ K ≤ N."""
    try:
        k, n = (int(x) for x in text.split("/"))
    except ValueError:
        raise ValueError(f"'{text}' is not a shard: write K/N, like 2/4") from None
    if not 1 <= k <= n:
        raise ValueError(f"'{text}' is not a shard: K must be between 1 and N")
    return k, n


def in_shard(ident: str, shard: tuple[int, int] | None) -> bool:
    """Whether a plan's PDFs belong to this shard: a stable hash of its id, so shards never shift."""
    if shard is None:
        return True
    k, n = shard
    return int(hashlib.sha256(ident.encode()).hexdigest(), 16) % n == k - 1


def make_task(path: Path, shown: str, options: BuildOptions) -> PlanTask:
    """What one plan needs built, and the links its page may show (only to files that will exist)."""
    ident = plan_id(path)
    here = in_shard(ident, options.shard)
    wanted = ((".html", options.html), (".pdf", options.pdf and here), (".brief.pdf", options.brief and here))
    suffixes = tuple(suffix for suffix, on in wanted if on)
    accounts = account_dir(options.out)

    def exists(suffix: str) -> bool:
        return suffix in suffixes or (accounts / f"{ident}{suffix}").is_file()

    links = Links(
        home="../index.html" if options.site else None,
        pdf=f"{ident}.pdf" if exists(".pdf") else None,
        brief=f"{ident}.brief.pdf" if exists(".brief.pdf") else None,
        page=f"accounts/{ident}.html" if exists(".html") else None,
    )
    return PlanTask(path, shown, ident, suffixes, links)


def build_one(path: Path, shown: str, project: Project, options: BuildOptions) -> PlanResult:
    """Build one plan's outputs, without the cache or the site."""
    return build_plan(make_task(path, shown, options), project, options)


def plan_tasks(
    files: Sequence[tuple[Path, str]], project: Project, options: BuildOptions, dirs: Sequence[Path]
) -> tuple[list[PlanTask], dict[str, str]]:
    """What each plan needs built, and the cache key of each."""
    context = context_hash(project.file, dirs, [options.audience, options.today.isoformat()])
    # Account pages show their git history: a commit that changes a plan changes its page.
    blobs = head_blobs(project.root, project.resolve(project.config.plans)) if options.site else {}
    tasks, keys = [], {}
    for path, shown in files:
        task = make_task(path, shown, options)
        try:
            raw = path.read_bytes() if path.stat().st_size <= MAX_BYTES else b"\0too large"
        except OSError:
            raw = b"\0unreadable"
        history = blobs.get(path.resolve(), "")
        keys[task.ident] = plan_key(context, raw, [*task.suffixes, repr(task.links), history])
        tasks.append(task)
    return tasks, keys


def build_site(
    files: Sequence[tuple[Path, str]],
    project: Project,
    options: BuildOptions,
    jobs: int = 1,
    progress: Callable[[PlanResult], None] | None = None,
    complete: bool = True,
) -> SiteReport:
    """Build every plan that changed, remove outputs of plans that are gone, then write the site.

    ``complete`` says ``files`` are every plan of the repository; only then are the outputs of
    plans not among them removed (building one plan must not delete the others).

    Two phases, as a site generator should: first every plan is built or taken from the cache,
    then the index and search are written from all of them.
    """
    started = time.perf_counter()
    dirs = theme_dirs(project)
    manifest = load_manifest(options.out)
    tasks, keys = plan_tasks(files, project, options, dirs)
    todo, done = [], {}
    for task in tasks:
        entry = manifest.plans.get(task.ident)
        fresh = (
            entry is not None
            and entry.key == keys[task.ident]
            and entry.summary is not None
            and all((options.out / o).is_file() for o in entry.outputs)
        )
        summary = _cached_summary(entry.summary) if fresh and entry is not None else None
        if summary is not None:
            done[task.ident] = PlanResult(task.ident, task.file, skipped=True, summary=summary)
            if progress:
                progress(done[task.ident])
        else:
            todo.append(task)
    for result in run_tasks(todo, project, options, jobs, progress):
        done[result.ident] = result
        entry = manifest.plans.setdefault(result.ident, Entry(""))
        if result.ok and result.summary is not None:
            written = [str(p.relative_to(options.out.resolve())) for p in result.written]
            entry.key = keys[result.ident]
            # Outputs of earlier builds (a PDF before a --no-pdf build) stay the plan's, to remove with it.
            earlier = {o for o in entry.outputs if (options.out / o).is_file()}
            entry.outputs = sorted(earlier | set(written))
            entry.summary = result.summary.to_json()
            entry.view = _view(options)
        else:
            entry.key = ""  # try again next time
    removed = _remove_gone(options.out, manifest, {t.ident for t in tasks}) if complete else []
    results = [done[t.ident] for t in tasks]
    site_files: list[Path] = []
    try:
        if options.site:
            summaries = [r.summary for r in results if r.ok and r.summary is not None]
            # Building some plans with --site keeps the other plans already built on the index.
            current = {t.ident for t in tasks}
            others = (
                _cached_summary(e.summary)
                for i, e in sorted(manifest.plans.items())
                if i not in current and e.view == _view(options)  # never another audience's or day's view
            )
            summaries += [a for a in others if a is not None and a.html and (options.out / a.html).is_file()]
            failed = [r.ident for r in results if not r.ok]
            site_files = write_site(
                options.out, summaries, failed, project, options.audience, theme_env(tuple(dirs)), dirs
            )
        save_manifest(options.out, manifest)
    except OSError as exc:
        raise SiteError(f"cannot write to {options.out}: {exc.strerror or exc}") from None
    except ThemeError as exc:
        raise SiteError(str(exc)) from None
    return SiteReport(results, removed, site_files, time.perf_counter() - started)


def _view(options: BuildOptions) -> str:
    """What a dashboard summary depends on besides its plan: who sees it, and on which day."""
    return f"{options.audience}/{options.today.isoformat()}"


def _cached_summary(data: dict[str, Any] | None) -> AccountSummary | None:
    """A summary read back from the manifest; None (so the plan is rebuilt) if it is mangled."""
    if data is None:
        return None
    try:
        return AccountSummary.from_json(data)
    except (TypeError, ValueError, KeyError, AttributeError):
        return None


def _remove_gone(out: Path, manifest: Manifest, current: set[str]) -> list[Path]:
    """Delete the outputs of plans whose file is gone."""
    removed = []
    for ident in sorted(set(manifest.plans) - current):
        for name in manifest.plans.pop(ident).outputs:
            path = (out / name).resolve()
            if path.is_relative_to(out.resolve()) and path.is_file():
                path.unlink()
                removed.append(path)
    return removed
