"""The whole build: every plan built or taken from the cache, OUT tidied for the audience, then the site."""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from kaplan.config import Workspace
from kaplan.documents.theme import Theme, ThemeError
from kaplan.errors import KaplanError
from kaplan.files import write_atomic
from kaplan.history.git import head_blobs, in_repository
from kaplan.history.log import folder_touches
from kaplan.plan.load import MAX_BYTES, plan_id
from kaplan.site.briefs import account_dir
from kaplan.site.cache import (
    MANIFEST,
    Index,
    Output,
    PlanRecord,
    SiteRecord,
    context_hash,
    file_identity,
    is_bookkeeping,
    load_record,
    load_site_record,
    plan_record_json,
    record_idents,
    record_path,
    site_record_json,
    trusted,
)
from kaplan.site.pages import AccountSummary, has_portfolio, site_files, write_files
from kaplan.site.portfolio.facts import TREND_COMMITS
from kaplan.site.portfolio.pack import PACK, write_pack
from kaplan.site.portfolio.write import portfolio_files, portfolio_view
from kaplan.site.tasks import (
    MEETINGS,
    BuildOptions,
    PlanResult,
    PlanTask,
    edition,
    is_meeting_output,
    make_task,
    run_tasks,
)

# The site's own places in OUT (and the dashboard's further pages, index-N.html): after a build each
# holds only files kaplan can vouch for.
SITE_FILES = ("index.html", "portfolio.html", "portfolio.json", "portfolio.pdf", "calendar.ics")
SITE_DIRS = ("assets", "calendar")


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


def plan_tasks(
    files: Sequence[tuple[Path, str]],
    project: Workspace,
    options: BuildOptions,
    theme: Theme,
    index: Index | None = None,
) -> tuple[list[PlanTask], dict[str, PlanRecord], str]:
    """What each plan needs built, what the cache recorded of each (``index``: copies of records),
    and the hash of what every output depends on besides its plan."""
    brand = project.config.brand
    logo = [project.resolve(brand.logo)] if brand.logo else []
    # The PDF variant is a key too: `--pdf-variant` changes the PDFs without changing kaplan.yaml.
    extra = [options.audience, options.today.isoformat(), theme.pdf_variant or "tagged"]
    context = context_hash(project.file, theme.files(), extra, logo)
    # Account pages show their git history: a commit that changes a plan changes its page.
    # Meeting briefings say what changed since the last meeting: from the history too.
    blobs = (
        head_blobs(project.root, project.resolve(project.config.plans))
        if options.site or options.brief
        else {}
    )
    accounts = account_dir(options.out)
    tasks, records = [], {}
    folders: dict[Path, Path] = {}
    for path, shown in files:
        try:
            raw = path.read_bytes() if path.stat().st_size <= MAX_BYTES else b"\0too large"
        except OSError:
            raw = b"\0unreadable"
        ident = plan_id(path)
        records[ident] = load_record(accounts, ident, index)
        history = blobs.get(in_repository(path, folders), "")
        tasks.append(make_task(path, shown, options, (context, raw, history), records[ident]))
    return tasks, records, context


def build_site(
    files: Sequence[tuple[Path, str]],
    project: Workspace,
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
    try:
        options.out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise KaplanError(f"cannot create the output folder {options.out}: {exc.strerror}") from None
    theme = Theme.of(project)
    before = load_site_record(options.out)
    tasks, records, context = plan_tasks(files, project, options, theme, before.plans)
    results = _build_or_reuse(tasks, records, project, options, jobs, progress)
    try:
        others, removed, index = _tidy_accounts(options, tasks, records, results, complete)
        key = site_key(context, options, results, index)
        site_files: dict[str, Output] = {}
        if options.site and _site_current(options, before, key):
            site_files = dict(before.files)
        elif options.site:
            site_files = _write_site(options, project, theme, results, others, tasks, before)
        removed += _tidy_site(options, before, site_files, index, key)
    except OSError as exc:
        raise KaplanError(f"cannot write to {options.out}: {exc.strerror or exc}") from None
    except ThemeError as exc:  # a broken index template: exit 1, even for a theme folder kaplan refuses
        raise KaplanError(str(exc)) from None
    return SiteReport(
        results, removed, [options.out / n for n in sorted(site_files)], time.perf_counter() - started
    )


def _build_or_reuse(
    tasks: Sequence[PlanTask],
    records: dict[str, PlanRecord],
    project: Workspace,
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
    if todo and (options.site or options.brief):
        todo = _with_touches(todo, records, project)
    for result in run_tasks(todo, project, options, jobs, progress):
        done[result.ident] = result
    return [done[t.ident] for t in tasks]


def _with_touches(
    tasks: Sequence[PlanTask], records: dict[str, PlanRecord], project: Workspace
) -> list[PlanTask]:
    """The tasks with their plans' last commits (one git call for them all), and what each record
    kept of those commits when it was made for the same audience."""
    touches = folder_touches(project.root, project.resolve(project.config.plans), TREND_COMMITS)
    if not touches:
        return list(tasks)
    audience = {t.ident: t.view.partition("/")[0] for t in tasks}
    folders: dict[Path, Path] = {}
    return [
        replace(
            t,
            touches=tuple(touches.get(in_repository(t.path, folders), ())),
            past=r.past if (r := records[t.ident]).view.partition("/")[0] == audience[t.ident] else {},
        )
        for t in tasks
    ]


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
    meetings = {t.ident: t.keys.get(MEETINGS, "") for t in tasks}
    staying: dict[str, dict[str, Any]] = {}
    others: list[AccountSummary] = []
    built = {r.ident: r for r in results}
    for ident in sorted(set(record_idents(accounts)) | set(built)):
        result = built.get(ident)
        if result is None and complete:
            continue  # the plan's file is gone
        record = _staying(accounts, ident, result, records, (kept, meetings), options, others)
        if record is not None:
            staying[ident] = record
    keep = {record_path(accounts, i).name for i in staying}
    keep |= {f"{i}{s}" for i, r in staying.items() for s in r["outputs"]}
    removed = _remove_unvouched(accounts, keep)
    index: Index = {}
    for ident, record_json in staying.items():
        identity = file_identity(record_path(accounts, ident))
        if identity is not None:
            index[ident] = (identity, record_json)
    return others, removed, index


def _staying(
    accounts: Path,
    ident: str,
    result: PlanResult | None,
    records: dict[str, PlanRecord],
    kept: tuple[dict[str, dict[str, Output]], dict[str, str]],
    options: BuildOptions,
    others: list[AccountSummary],
) -> dict[str, Any] | None:
    """The record (as JSON) that vouches for what stays of one plan's outputs; None when nothing does."""
    if result is not None and result.ok:
        if result.record is not None:
            return result.record
        # Up to date: its record, less any output that is no longer current.
        outputs, meetings = kept
        return replace(records[ident], outputs=outputs[ident], meetings=meetings[ident]).to_json()
    record = _verified(accounts, ident, options, others if result is None else None)
    return record.to_json() if record.outputs else None


def _remove_unvouched(accounts: Path, keep: set[str]) -> list[Path]:
    """Delete every file under ``accounts`` not named in ``keep``; the outputs among them."""
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
    return removed


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
        # A meeting briefing dropped: the ones left are no longer the whole set of their key.
        record.meetings = (
            record.meetings if set(verified) >= {s for s in record.outputs if is_meeting_output(s)} else ""
        )
        write_atomic(record_path(accounts, ident), plan_record_json(replace(record, outputs=verified)))
    record.outputs = verified
    summary = _cached_summary(record.summary) if record.view == edition(options) else None
    if others is not None and summary is not None and ".html" in verified and summary.html:
        others.append(summary)
    return record


def _write_site(
    options: BuildOptions,
    project: Workspace,
    theme: Theme,
    results: Sequence[PlanResult],
    others: Sequence[AccountSummary],
    tasks: Sequence[PlanTask],
    before: SiteRecord,
) -> dict[str, Output]:
    """Write the index, its assets, the calendars and the portfolio; the records of every site file."""
    summaries = [r.summary for r in results if r.ok and r.summary is not None]
    summaries += [a for a in others if a.html and (options.out / a.html).is_file()]
    invalid, unbuilt = _not_built(results)
    view, files = site_files(options.out, summaries, invalid, project, options.audience, theme, unbuilt)
    portfolio = (
        portfolio_view(view, options.today, options.since, project.config.currency, options.pdf)
        if has_portfolio(options.audience)
        else None
    )
    if portfolio is not None:
        files.update(portfolio_files(options.out, portfolio, theme.env))
    records = _site_records(options, write_files(files))
    if portfolio is not None and options.pdf:
        plans = {t.ident: (t.path, t.file, t.summary_key) for t in tasks}
        records[PACK] = write_pack(
            options.out, portfolio, plans, project, theme, options.audience, before.files.get(PACK)
        )
    return records


def _not_built(results: Sequence[PlanResult]) -> tuple[list[str], list[str]]:
    """Plans with errors (``kaplan check`` tells why), and plans valid but not written."""
    invalid = [r.ident for r in results if not r.ok and r.error is None]
    return invalid, [r.ident for r in results if r.error is not None]


def _site_records(options: BuildOptions, digests: dict[Path, str]) -> dict[str, Output]:
    """The record of each site file just written, by its path in OUT."""
    root = options.out.resolve()
    return {
        path.resolve().relative_to(root).as_posix(): Output("", options.audience, digest, file_identity(path))
        for path, digest in digests.items()
    }


def site_key(context: str, options: BuildOptions, results: Sequence[PlanResult], index: Index) -> str:
    """What the site's files are made from: every account's summary key (each covers its plan, its
    history, the theme, kaplan.yaml, the audience and the day), the plans that failed, and the
    options that change the pages."""
    digest = hashlib.sha256(f"site\0{context}\0{options.since}\0{options.pdf}\0{options.brief}".encode())
    for ident, (_, record) in sorted(index.items()):
        if isinstance(record, dict):  # its summary, and which of its files the pages may link to
            outputs = sorted(record.get("outputs") or {})
            digest.update(f"\0{ident}\0{record.get('summary_key')}\0{outputs}".encode())
    for r in sorted(results, key=lambda r: r.ident):
        if not r.ok:
            digest.update(f"\0failed\0{r.ident}\0{r.error is None}".encode())
    return digest.hexdigest()


def _site_current(options: BuildOptions, before: SiteRecord, key: str) -> bool:
    """Whether the site's files in OUT were made from ``key`` for this audience and are all still there."""
    return bool(before.key == key and before.files) and all(
        trusted(options.out / name, output, options.audience) for name, output in before.files.items()
    )


def _tidy_site(
    options: BuildOptions, before: SiteRecord, written: dict[str, Output], index: Index, key: str = ""
) -> list[Path]:
    """Leave the site's own files only when made now, or recorded for this audience; save the record."""
    out = options.out
    files = written or {n: o for n, o in before.files.items() if trusted(out / n, o, options.audience)}
    record = SiteRecord(dict(files), index, key if written else "")
    unchanged = record == before
    removed = []
    for path in _site_candidates(out):
        name = path.relative_to(out).as_posix()
        if name in record.files or (path.is_dir() and not path.is_symlink()):
            continue
        if path.is_file() or path.is_symlink():
            path.unlink()
            removed.append(path)
    if not unchanged or not (out / MANIFEST).is_file():
        write_atomic(out / MANIFEST, site_record_json(record))
    return removed


def _site_candidates(out: Path) -> list[Path]:
    """Every path in the site's own places in OUT, and temporary files an interrupted write left."""
    candidates = (
        [out / name for name in SITE_FILES]
        + sorted(out.glob("index-*.html"))
        + [p for folder in SITE_DIRS if (out / folder).is_dir() for p in sorted((out / folder).rglob("*"))]
    )
    return candidates + sorted(out.glob(".*.tmp"))


def _cached_summary(data: dict[str, Any] | None) -> AccountSummary | None:
    """A summary read back from a record; None (so the plan is rebuilt) if it is mangled."""
    if data is None:
        return None
    try:
        return AccountSummary.from_json(data)
    except (TypeError, ValueError, KeyError, AttributeError):
        return None
