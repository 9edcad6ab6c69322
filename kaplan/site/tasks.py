"""One plan's build: what it needs (its task), rendering its documents, writing them with their record."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from markupsafe import Markup

from kaplan.coach.check import CheckedPlan, check_plan
from kaplan.config import Brand, Workspace
from kaplan.documents.briefing import (
    MeetingBriefing,
    meeting_suffix,
)
from kaplan.documents.charts import figures as charts
from kaplan.documents.charts.portfolio import trend_lines
from kaplan.documents.pdf import render_pdf
from kaplan.documents.render import render_brief, render_dossier, render_meeting_brief
from kaplan.documents.theme import Theme, ThemeError
from kaplan.documents.views import Charts, DocumentView, Links, build_view
from kaplan.files import write_atomic, write_together
from kaplan.history.log import Past, Touch, TrendPoint
from kaplan.plan import Audience
from kaplan.plan.audience import Filtered, for_audience
from kaplan.plan.findings import Finding
from kaplan.plan.load import plan_id
from kaplan.plan.meaning import plan_currency, plan_locale
from kaplan.plan.model import Locale, Plan
from kaplan.site.briefs import (
    HISTORY_COMMITS,
    account_dir,
    account_past,
    meeting_briefings,
    output_path,
    recent_history,
)
from kaplan.site.cache import (
    Output,
    PlanRecord,
    digest_of,
    file_identity,
    plan_key,
    plan_record_json,
    record_path,
    trusted,
)
from kaplan.site.pages import AccountSummary, summarize

# The briefings of a plan's meetings dated today or later (``ID.MEETING.brief.pdf``), as one entry:
# which meetings there are is known only once the plan is read.
MEETINGS = ".meetings"
SUFFIXES = (".html", ".pdf", ".brief.pdf", MEETINGS)


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
    since: dt.date | None = None  # the portfolio tells what moved from this day on


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
    record: dict[str, Any] | None = None  # that record, as written
    summary: AccountSummary | None = None

    @property
    def ok(self) -> bool:
        """True when the plan was valid and every output was written."""
        return self.error is None and not any(f.structural for f in self.findings)


def document_charts(plan: Plan, locale: Locale, brand: Brand) -> Charts:
    """The SVG charts of a dossier, drawn in the brand's colours and font."""
    # SVG text names one family: the brand's first, before the built-in fonts.
    font = next(iter(brand.font_families), None)
    primary, accent = brand.primary, brand.accent
    return Charts(
        org=[Markup(svg) for svg in charts.org_chart(plan, locale, font=font, primary=primary)],
        org_legend=Markup(charts.org_legend(locale, font=font)),
        power=Markup(charts.power_map(plan, locale, font=font, primary=primary)),
        ladders={
            p.id: Markup(charts.stage_ladder(p, locale, font=font, primary=primary, accent=accent))
            for p in plan.projects
        },
    )


def with_trend(charts: Charts, trend: Sequence[TrendPoint], locale: Locale, brand: Brand) -> Charts:
    """The charts with sparklines of the plan's health and forecast at its last commits."""
    health, expected = trend_lines(
        [p.health for p in trend],
        [p.forecast for p in trend],
        locale,
        primary=brand.primary,
        accent=brand.accent,
    )
    return replace(
        charts, health_trend=Markup(health), forecast_trend=Markup(expected), trend_commits=len(trend)
    )


def is_meeting_output(suffix: str) -> bool:
    """Whether an output suffix is a meeting's briefing (``.MEETING.brief.pdf``)."""
    return suffix.endswith(".brief.pdf") and suffix != ".brief.pdf"


def render_outputs(
    view: DocumentView,
    project: Workspace,
    suffixes: Sequence[str],
    briefings: Sequence[MeetingBriefing] = (),
) -> dict[str, bytes | str]:
    """The outputs of one plan named by their suffixes (.html, .pdf, .brief.pdf, then one
    .MEETING.brief.pdf per briefing), rendered in memory."""
    theme = Theme.of(project)
    env = theme.env
    dossier = render_dossier(view, env)
    outputs: dict[str, bytes | str] = {}
    if ".html" in suffixes:
        outputs[".html"] = dossier
    if ".pdf" in suffixes:
        outputs[".pdf"] = render_pdf(dossier, theme)
    if ".brief.pdf" in suffixes:
        outputs[".brief.pdf"] = render_pdf(render_brief(view, env), theme)
    for briefing in briefings:
        outputs[meeting_suffix(briefing.meeting.id)] = render_pdf(
            render_meeting_brief(view, briefing, env), theme
        )
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
    touches: tuple[Touch, ...] = ()  # its last commits, when the build shows history
    past: dict[str, Any] = field(default_factory=dict)  # what its record kept of them


def dossier_view(
    task: PlanTask,
    checked: CheckedPlan,
    filtered: Filtered,
    project: Workspace,
    options: BuildOptions,
    past: Past | None = None,
) -> DocumentView:
    """What the dossier and briefing of a checked plan render from, as its audience may see it."""
    locale = plan_locale(filtered.plan, project.config.locale)
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
    if past is not None:
        view.history = [e for e in past.entries if e.changes][:HISTORY_COMMITS]
        view.charts = with_trend(view.charts, past.trend, locale, project.config.brand)
    elif options.site and ".html" in task.suffixes and checked.loaded.plan is not None:
        view.history = recent_history(task.path, project, options.audience, locale, checked.loaded.plan)
    return view


def build_plan(task: PlanTask, project: Workspace, options: BuildOptions) -> PlanResult:
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
        currency = plan_currency(filtered.plan, project.config.currency)
        locale = plan_locale(filtered.plan, project.config.locale)
        past = (
            account_past(
                task.path, task.touches, project, options.audience, locale, plan, task.past, checked.loaded
            )
            if task.touches
            else None
        )
        result.summary = summarize(
            task.ident,
            filtered,
            checked.health,
            currency,
            options.today,
            task.links,
            project.config.locale,
            checked.findings,
            past,
        )
        outputs: dict[str, bytes | str] = {}
        if task.suffixes:
            view = dossier_view(task, checked, filtered, project, options, past)
            briefings: list[MeetingBriefing] = []
            if MEETINGS in task.suffixes:
                briefings = meeting_briefings(view, task.path, project, options.audience, plan)
            outputs = render_outputs(view, project, task.suffixes, briefings)
    except ThemeError as exc:
        result.error = str(exc)
        return result
    record = PlanRecord(
        task.ident,
        dict(task.kept),
        result.summary.to_json(),
        task.summary_key,
        task.view,
        task.keys.get(MEETINGS, ""),
        past.cache if past is not None else {},
    )
    files = {output_path(options.out, task.ident, suffix): data for suffix, data in outputs.items()}
    try:
        # The record comes last: until it is written, the old one vouches for none of the new bytes.
        result.written = write_together(files)
        for (suffix, data), path in zip(outputs.items(), result.written, strict=True):
            digest = digest_of(data)
            key = task.keys.get(MEETINGS if is_meeting_output(suffix) else suffix, "")
            record.outputs[suffix] = Output(key, options.audience, digest, file_identity(path))
        write_atomic(record_path(account_dir(options.out), task.ident), plan_record_json(record))
    except OSError as exc:
        result.error = f"cannot write to {account_dir(options.out)}: {exc.strerror or exc}"
        result.write_failed = True
        return result
    result.record = record.to_json()
    return result


def run_tasks(
    tasks: Sequence[PlanTask],
    project: Workspace,
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
    brief = options.brief and here
    wanted = (
        (".html", options.html),
        (".pdf", options.pdf and here),
        (".brief.pdf", brief),
        (MEETINGS, brief),
    )
    return tuple(suffix for suffix, on in wanted if on)


def _links(ident: str, options: BuildOptions, have: set[str]) -> Links:
    return Links(
        home="../index.html" if options.site else None,
        pdf=f"{ident}.pdf" if ".pdf" in have else None,
        brief=f"{ident}.brief.pdf" if ".brief.pdf" in have else None,
        page=f"accounts/{ident}.html" if ".html" in have else None,
        meetings=MEETINGS in have,
    )


def _meetings_current(record: PlanRecord, accounts: Path, audience: Audience, key: str) -> bool:
    """Whether the record's meeting briefings are the whole set made from ``key``, all still there."""
    briefs = {s: o for s, o in record.outputs.items() if is_meeting_output(s)}
    return record.meetings == key and all(
        trusted(accounts / f"{record.ident}{s}", o, audience, key) for s, o in briefs.items()
    )


def _kept(record: PlanRecord, fresh: set[str]) -> dict[str, Output]:
    """The recorded outputs that stay as they are: the fresh ones, meeting briefings as one."""
    return {s: o for s, o in record.outputs.items() if (MEETINGS if is_meeting_output(s) else s) in fresh}


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
    keys[MEETINGS] = key(MEETINGS, history)  # "what changed" comes from the plan's git history
    fresh = {s for s in (".pdf", ".brief.pdf") if current(s)}
    if context and _meetings_current(record, accounts, options.audience, keys[MEETINGS]):
        fresh.add(MEETINGS)
    have = {s for s in keys if s in wanted} | fresh
    # The page's key depends on its links, and so on which PDFs it will have.
    keys[".html"] = key(".html", repr(_links(ident, options, have | {".html"})), history)
    fresh |= {".html"} if current(".html") else set()
    have |= {".html"} & (set(wanted) | fresh)
    links = _links(ident, options, have)
    return PlanTask(
        path,
        shown,
        ident,
        tuple(s for s in SUFFIXES if s in wanted and s not in fresh),
        links,
        keys={s: keys[s] for s in have},
        kept=_kept(record, fresh),
        summary_key=key("summary", repr(links), history),
        view=edition(options),
    )


def build_one(path: Path, shown: str, project: Workspace, options: BuildOptions) -> PlanResult:
    """Build one plan's outputs, without the cache or the site."""
    return build_plan(make_task(path, shown, options), project, options)


def edition(options: BuildOptions) -> str:
    """Who a build is for and on which day: what a dashboard summary depends on besides its plan."""
    return f"{options.audience}/{options.today.isoformat()}"
