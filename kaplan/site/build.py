"""Building one plan's documents: dossier (HTML, PDF) and briefing, one plan per task."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from markupsafe import Markup

from kaplan.coach.check import CheckedPlan, check_plan
from kaplan.config import Brand, Project
from kaplan.documents.charts import figures as charts
from kaplan.documents.pdf import render_pdf
from kaplan.documents.render import (
    Charts,
    DocumentView,
    Links,
    ThemeError,
    build_view,
    render_brief,
    render_dossier,
    theme_dirs,
    theme_env,
    theme_files,
)
from kaplan.files import write_atomic, write_together
from kaplan.history.diff import HistoryEntry, plan_history
from kaplan.history.git import head_blobs
from kaplan.plan.audience import Audience, Filtered, for_audience
from kaplan.plan.findings import Finding
from kaplan.plan.load import MAX_BYTES, plan_id
from kaplan.plan.model import Locale, Plan
from kaplan.site.cache import (
    MANIFEST,
    Index,
    Output,
    PlanRecord,
    SiteRecord,
    context_hash,
    digest_of,
    file_identity,
    is_bookkeeping,
    load_record,
    load_site_record,
    plan_key,
    plan_record_json,
    record_idents,
    record_path,
    site_record_json,
    trusted,
)
from kaplan.site.pages import AccountSummary, summarize, write_site

HISTORY_COMMITS = 10
SUFFIXES = (".html", ".pdf", ".brief.pdf")
# The site's own places in OUT: after a build each holds only files kaplan can vouch for.
SITE_FILES = ("index.html", "portfolio.html", "portfolio.json", "portfolio.pdf", "calendar.ics")
SITE_DIRS = ("assets", "calendar")


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
    write_failed: bool = False
    skipped: bool = False
    outputs: dict[str, Output] | None = None  # what the plan's record now vouches for, when built
    record: dict[str, Any] | None = None  # that record, as written
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
    # SVG text names one family: the brand's first, before the built-in fonts.
    font = next(iter(brand.font_families), None)
    primary, accent = brand.primary, brand.accent
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
    """One plan to build: which outputs to render now, which stay, and the links its page may show.

    ``keys`` holds the input key of every output the plan has once built (rendered now or kept);
    ``kept`` the records of outputs already current, left as they are.
    """

    path: Path
    file: str
    ident: str
    suffixes: tuple[str, ...]
    links: Links
    keys: dict[str, str] = field(default_factory=dict)
    kept: dict[str, Output] = field(default_factory=dict)
    summary_key: str = ""
    view: str = ""


def recent_history(
    path: Path, project: Project, audience: Audience, locale: Locale, now: Plan
) -> list[HistoryEntry]:
    """The meaningful changes of the last commits that touched a plan, as ``audience`` may see them.

    Every older revision is filtered with the flags of the plan as it is ``now``: a person marked
    private today is hidden in the commits from before too.
    """

    def view(plan: Plan) -> Plan:
        return for_audience(plan, audience, now=now).plan

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
    if options.site and ".html" in task.suffixes and checked.loaded.plan is not None:
        view.history = recent_history(task.path, project, options.audience, locale, checked.loaded.plan)
    return view


def build_plan(task: PlanTask, project: Project, options: BuildOptions) -> PlanResult:
    """Check one plan and, if it is valid, write the outputs the task asks for and their record.

    Every document of the plan is rendered before any is written, and they replace the old files
    together with the record that vouches for them: a failure changes nothing.
    """
    checked: CheckedPlan = check_plan(task.path, task.file, project, options.today)
    result = PlanResult(task.ident, task.file, checked.findings)
    plan = checked.loaded.plan
    if plan is None or not checked.loaded.ok:
        return result
    try:
        filtered = for_audience(plan, options.audience)
        currency = filtered.plan.plan.currency or project.config.currency
        result.summary = summarize(task.ident, filtered, checked.health, currency, options.today, task.links)
        outputs: dict[str, bytes | str] = {}
        if task.suffixes:
            view = dossier_view(task, checked, filtered, project, options)
            outputs = render_outputs(view, project, task.suffixes)
    except ThemeError as exc:
        result.error = str(exc)
        return result
    record = PlanRecord(task.ident, dict(task.kept), result.summary.to_json(), task.summary_key, task.view)
    files = {output_path(options.out, task.ident, suffix): data for suffix, data in outputs.items()}
    try:
        # The record comes last: until it is written, the old one vouches for none of the new bytes.
        result.written = write_together(files)
        for (suffix, data), path in zip(outputs.items(), result.written, strict=True):
            digest = digest_of(data)
            record.outputs[suffix] = Output(
                task.keys.get(suffix, ""), options.audience, digest, file_identity(path)
            )
        write_atomic(record_path(account_dir(options.out), task.ident), plan_record_json(record))
    except OSError as exc:
        result.error = f"cannot write to {account_dir(options.out)}: {exc.strerror or exc}"
        result.write_failed = True
        return result
    result.outputs = record.outputs
    result.record = record.to_json()
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


def wanted_suffixes(ident: str, options: BuildOptions) -> tuple[str, ...]:
    """The outputs a build asks of a plan (PDFs only in the plan's shard)."""
    here = in_shard(ident, options.shard)
    wanted = ((".html", options.html), (".pdf", options.pdf and here), (".brief.pdf", options.brief and here))
    return tuple(suffix for suffix, on in wanted if on)


def _links(ident: str, options: BuildOptions, have: set[str]) -> Links:
    return Links(
        home="../index.html" if options.site else None,
        pdf=f"{ident}.pdf" if ".pdf" in have else None,
        brief=f"{ident}.brief.pdf" if ".brief.pdf" in have else None,
        page=f"accounts/{ident}.html" if ".html" in have else None,
    )


def make_task(
    path: Path,
    shown: str,
    options: BuildOptions,
    inputs: tuple[str, bytes, str] | None = None,
    record: PlanRecord | None = None,
) -> PlanTask:
    """What one plan needs built, and the links its page may show (only to files that will exist).

    ``inputs`` are (context hash, plan bytes, git blob of its history); with them, an output whose
    ``record`` says it was made for this audience from the same inputs, and whose bytes still match,
    is kept instead of rendered again. Without them nothing is kept.
    """
    ident = plan_id(path)
    wanted = wanted_suffixes(ident, options)
    record = record or PlanRecord(ident)
    context, raw, history = inputs or ("", b"", "")
    accounts = account_dir(options.out)

    def key(suffix: str, *parts: str) -> str:
        return plan_key(context, raw, [suffix, *parts])

    def current(suffix: str) -> bool:
        output = record.outputs.get(suffix)
        return bool(context) and trusted(
            accounts / f"{ident}{suffix}", output, options.audience, keys[suffix]
        )

    keys = {s: key(s) for s in (".pdf", ".brief.pdf")}
    fresh = {s for s in keys if current(s)}
    have = {s for s in keys if s in wanted} | fresh
    page_links = _links(ident, options, have | {".html"})
    keys[".html"] = key(".html", repr(page_links), history)
    if current(".html"):
        fresh.add(".html")
    if ".html" in wanted or ".html" in fresh:
        have.add(".html")
    links = _links(ident, options, have)
    return PlanTask(
        path,
        shown,
        ident,
        tuple(s for s in SUFFIXES if s in wanted and s not in fresh),
        links,
        keys={s: keys[s] for s in have},
        kept={s: record.outputs[s] for s in fresh},
        summary_key=key("summary", repr(links)),
        view=_view(options),
    )


def build_one(path: Path, shown: str, project: Project, options: BuildOptions) -> PlanResult:
    """Build one plan's outputs, without the cache or the site."""
    return build_plan(make_task(path, shown, options), project, options)


def plan_tasks(
    files: Sequence[tuple[Path, str]],
    project: Project,
    options: BuildOptions,
    dirs: Sequence[Path],
    index: Index | None = None,
) -> tuple[list[PlanTask], dict[str, PlanRecord]]:
    """What each plan needs built, and what the cache recorded of each (``index``: copies of records)."""
    brand = project.config.brand
    logo = [project.resolve(brand.logo)] if brand.logo else []
    theme = [(f"{i}/{name}", path) for i, folder in enumerate(dirs) for name, path in theme_files(folder)]
    context = context_hash(project.file, theme, [options.audience, options.today.isoformat()], logo)
    # Account pages show their git history: a commit that changes a plan changes its page.
    blobs = head_blobs(project.root, project.resolve(project.config.plans)) if options.site else {}
    accounts = account_dir(options.out)
    tasks, records = [], {}
    for path, shown in files:
        try:
            raw = path.read_bytes() if path.stat().st_size <= MAX_BYTES else b"\0too large"
        except OSError:
            raw = b"\0unreadable"
        ident = plan_id(path)
        records[ident] = load_record(accounts, ident, index)
        history = blobs.get(path.resolve(), "")
        tasks.append(make_task(path, shown, options, (context, raw, history), records[ident]))
    return tasks, records


def build_site(
    files: Sequence[tuple[Path, str]],
    project: Project,
    options: BuildOptions,
    jobs: int = 1,
    progress: Callable[[PlanResult], None] | None = None,
    complete: bool = True,
) -> SiteReport:
    """Build every plan that changed, remove what this audience may not see, then write the site.

    ``complete`` says ``files`` are every plan of the repository; only then are the outputs of
    plans not among them removed (building one plan must not delete the others' outputs, as
    long as they were made for the same audience).

    Two phases, as a site generator should: first every plan is built or taken from the cache,
    then the index and search are written from all of them.
    """
    started = time.perf_counter()
    dirs = theme_dirs(project)
    before = load_site_record(options.out)
    tasks, records = plan_tasks(files, project, options, dirs, before.plans)
    results = _build_or_reuse(tasks, records, project, options, jobs, progress)
    try:
        others, removed, index = _tidy_accounts(options, tasks, records, results, complete)
        site_files = _write_site(options, project, dirs, results, others) if options.site else {}
        removed += _tidy_site(options, before, site_files, index)
    except OSError as exc:
        raise SiteError(f"cannot write to {options.out}: {exc.strerror or exc}") from None
    except ThemeError as exc:
        raise SiteError(str(exc)) from None
    return SiteReport(
        results, removed, [options.out / n for n in sorted(site_files)], time.perf_counter() - started
    )


def _build_or_reuse(
    tasks: Sequence[PlanTask],
    records: dict[str, PlanRecord],
    project: Project,
    options: BuildOptions,
    jobs: int,
    progress: Callable[[PlanResult], None] | None,
) -> list[PlanResult]:
    """Each task's result: from its record when nothing is left to render, else built (in a pool)."""
    todo, done = [], {}
    for task in tasks:
        record = records[task.ident]
        fresh = not task.suffixes and record.summary_key == task.summary_key
        summary = _cached_summary(record.summary) if fresh else None
        if summary is not None:
            done[task.ident] = PlanResult(task.ident, task.file, skipped=True, summary=summary)
            if progress:
                progress(done[task.ident])
        else:
            todo.append(task)
    for result in run_tasks(todo, project, options, jobs, progress):
        done[result.ident] = result
    return [done[t.ident] for t in tasks]


def _tidy_accounts(
    options: BuildOptions,
    tasks: Sequence[PlanTask],
    records: dict[str, PlanRecord],
    results: Sequence[PlanResult],
    complete: bool,
) -> tuple[list[AccountSummary], list[Path], Index]:
    """Leave in OUT/accounts only files made for this audience that a record vouches for.

    Plans built now keep what they wrote or found current; the outputs of plans that could not be
    built now, or are not in this build, stay only when their bytes are still those recorded for this
    audience, and go with their plan when its file is gone. Anything else (another audience's build,
    an interrupted one, temporary files) is removed. Returns the summaries of the other plans whose
    page is still there, what was removed, and the records that stay, to index.
    """
    accounts = account_dir(options.out)
    kept = {t.ident: t.kept for t in tasks}
    staying: dict[str, dict[str, Any]] = {}
    others: list[AccountSummary] = []
    built = {r.ident: r for r in results}
    for ident in sorted(set(record_idents(accounts)) | set(built)):
        result = built.get(ident)
        if result is not None and result.ok:
            if result.record is not None:
                staying[ident] = result.record
            else:  # up to date: its record, less any output that is no longer current
                record = records[ident]
                staying[ident] = replace(record, outputs=kept[ident]).to_json()
        elif result is None and complete:
            continue  # the plan's file is gone
        else:
            record = _verified(accounts, ident, options, others if result is None else None)
            if record.outputs:
                staying[ident] = record.to_json()
    keep = {record_path(accounts, i).name for i in staying}
    keep |= {f"{i}{s}" for i, r in staying.items() for s in r["outputs"]}
    removed = []
    for folder, dirs, names in os.walk(accounts):
        dirs.sort()
        here = os.path.relpath(folder, accounts)
        for name in sorted(names):
            if (name if here == "." else f"{here}/{name}") not in keep:
                path = Path(folder, name)
                path.unlink()
                if not is_bookkeeping(name):
                    removed.append(path)
    index: Index = {}
    for ident, record_json in staying.items():
        identity = file_identity(record_path(accounts, ident))
        if identity is not None:
            index[ident] = (identity, record_json)
    return others, removed, index


def _verified(
    accounts: Path, ident: str, options: BuildOptions, others: list[AccountSummary] | None
) -> PlanRecord:
    """The record of a plan not built now, naming only outputs whose bytes are still those recorded
    for this audience (rewritten when that drops some); ``others`` gets the plan's summary when its
    page stays."""
    record = load_record(accounts, ident)
    verified = {
        s: o for s, o in record.outputs.items() if trusted(accounts / f"{ident}{s}", o, options.audience)
    }
    if verified and verified != record.outputs:
        record.outputs = verified
        write_atomic(record_path(accounts, ident), plan_record_json(record))
    record.outputs = verified
    summary = _cached_summary(record.summary) if record.view == _view(options) else None
    if others is not None and summary is not None and ".html" in verified and summary.html:
        others.append(summary)
    return record


def _write_site(
    options: BuildOptions,
    project: Project,
    dirs: Sequence[Path],
    results: Sequence[PlanResult],
    others: Sequence[AccountSummary],
) -> dict[str, Output]:
    """Write the index and its assets; the records of every site file."""
    summaries = [r.summary for r in results if r.ok and r.summary is not None]
    summaries += [a for a in others if a.html and (options.out / a.html).is_file()]
    invalid = [r.ident for r in results if not r.ok and r.error is None]
    unbuilt = [r.ident for r in results if r.error is not None]
    files = write_site(
        options.out, summaries, invalid, project, options.audience, theme_env(tuple(dirs)), dirs, unbuilt
    )
    root = options.out.resolve()
    return {
        str(path.resolve().relative_to(root).as_posix()): Output(
            "", options.audience, digest, file_identity(path)
        )
        for path, digest in files.items()
    }


def _tidy_site(
    options: BuildOptions, before: SiteRecord, written: dict[str, Output], index: Index
) -> list[Path]:
    """Leave the site's own files only when made now, or recorded for this audience; save the record."""
    out = options.out
    files = written or {n: o for n, o in before.files.items() if trusted(out / n, o, options.audience)}
    record = SiteRecord(dict(files), index)
    removed = []
    candidates = [out / name for name in SITE_FILES] + [
        p for folder in SITE_DIRS if (out / folder).is_dir() for p in sorted((out / folder).rglob("*"))
    ]
    candidates += sorted(out.glob(".*.tmp"))
    for path in candidates:
        name = path.relative_to(out).as_posix()
        if name in record.files or (path.is_dir() and not path.is_symlink()):
            continue
        if path.is_file() or path.is_symlink():
            path.unlink()
            removed.append(path)
    write_atomic(out / MANIFEST, site_record_json(record))
    return removed


def _view(options: BuildOptions) -> str:
    """What a dashboard summary depends on besides its plan: who sees it, and on which day."""
    return f"{options.audience}/{options.today.isoformat()}"


def _cached_summary(data: dict[str, Any] | None) -> AccountSummary | None:
    """A summary read back from a record; None (so the plan is rebuilt) if it is mangled."""
    if data is None:
        return None
    try:
        return AccountSummary.from_json(data)
    except (TypeError, ValueError, KeyError, AttributeError):
        return None
