"""The plan site: a dashboard of every account, a pipeline board, and search built at build time."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import jinja2

from kaplan import __version__
from kaplan.coach.health import Health
from kaplan.config import Brand, Workspace
from kaplan.documents.labels import STAGES, chinese_amount, word
from kaplan.documents.render import render_template
from kaplan.documents.theme import Theme, ThemeError
from kaplan.documents.views import Labels, Links
from kaplan.files import write_atomic
from kaplan.history.log import Past
from kaplan.plan.audience import Filtered, shows_assessments
from kaplan.plan.findings import Finding
from kaplan.plan.meaning import forecast, is_stale, money_currency
from kaplan.plan.model import Locale, MoneyValue, Plan
from kaplan.site.cache import digest_of
from kaplan.site.calendar import CalendarEvent, calendar_bytes, plan_events
from kaplan.site.portfolio.facts import AccountFacts, account_facts

ASSETS = ("site.css", "site.js", "portfolio.css")
PAGE_SIZE = 500  # accounts per page of the dashboard: index.html stays small with 10,000 plans
BOARD_LIMIT = 15  # projects a stage of the pipeline board lists (the largest), the rest are counted


@dataclass(frozen=True)
class ProjectSummary:
    """One project as the pipeline board shows it."""

    name: str
    stage: int
    outcome: str
    amount: float | None
    currency: str
    forecast: float | None = None  # amount × probability (meaning.forecast), in the same currency
    id: str = ""


@dataclass(frozen=True)
class SearchEntry:
    """One thing search can find: an account, person, competitor, need, crux, objective, meeting…"""

    kind: str
    title: str
    text: str
    url: str


@dataclass(frozen=True)
class AccountSummary:
    """What the dashboard and search know of one account (only what the audience may see)."""

    id: str
    name: str
    owner: str
    tier: str
    status: str
    industry: str
    reviewed: str
    stale: bool
    health_score: int | None
    health_rag: str | None
    projects: list[ProjectSummary] = field(default_factory=list)
    search: list[SearchEntry] = field(default_factory=list)
    html: str | None = None
    pdf: str | None = None
    brief: str | None = None
    owner_id: str = ""  # the plan owner's id in `team`: whose calendar the account's dates go to
    events: list[CalendarEvent] = field(default_factory=list)
    facts: AccountFacts | None = None  # what the portfolio shows besides (None: an older record)

    @property
    def open_projects(self) -> list[ProjectSummary]:
        """Projects still open."""
        return [p for p in self.projects if p.outcome == "open"]

    @property
    def furthest_stage(self) -> int:
        """The furthest stage of an open project (0 without one)."""
        return max((p.stage for p in self.open_projects), default=0)

    def pipeline(self) -> dict[str, float]:
        """Open project value per currency."""
        totals: dict[str, float] = defaultdict(float)
        for p in self.open_projects:
            if p.amount is not None:
                totals[p.currency] += p.amount
        return dict(sorted(totals.items()))

    def forecast(self) -> dict[str, float]:
        """Open project forecast (value × probability) per currency."""
        totals: dict[str, float] = defaultdict(float)
        for p in self.open_projects:
            if p.forecast is not None:
                totals[p.currency] += p.forecast
        return dict(sorted(totals.items()))

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready form (for the build cache)."""
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> AccountSummary:
        """Read back what :meth:`to_json` wrote."""
        fields = dict(data)
        fields["projects"] = [ProjectSummary(**p) for p in data.get("projects", [])]
        fields["search"] = [SearchEntry(**s) for s in data.get("search", [])]
        fields["events"] = [CalendarEvent(**e) for e in data.get("events", [])]
        facts = data.get("facts")
        fields["facts"] = AccountFacts.from_json(facts) if facts is not None else None
        return cls(**fields)


def _plain(text: str | None, limit: int = 280) -> str:
    """Markdown reduced to plain text for search."""
    if not text:
        return ""
    flat = re.sub(r"[*_`#>\[\]()!|]", " ", text)
    flat = re.sub(r"\s+", " ", flat).strip()
    return flat[:limit]


def _amount(value: MoneyValue | None, currency: str) -> tuple[float | None, str]:
    if value is None:
        return None, currency
    return value.amount, money_currency(value, currency)


def _search_entries(plan: Plan, page: str) -> list[SearchEntry]:
    """What search finds of one plan: the account, its people, competitors, needs, cruxes and projects."""
    search: list[SearchEntry] = []
    account = plan.account
    about = " ".join(x for x in (account.legal_name, account.group, account.industry, account.hq) if x)
    search.append(SearchEntry("account", account.name, _plain(f"{about} {plan.summary or ''}"), page))
    search += [
        SearchEntry(
            "person",
            p.name,
            _plain(" ".join(x for x in (p.title, p.department) if x)),
            f"{page}#person-{p.id}",
        )
        for p in plan.people
    ]
    search += [
        SearchEntry(
            "competitor",
            c.name,
            _plain(" ".join(c.products) + " " + (c.position or "")),
            f"{page}#competitors",
        )
        for c in plan.competitors
    ]
    search += [
        SearchEntry("need", _plain(n.statement, 80), _plain(n.evidence), f"{page}#needs") for n in plan.needs
    ]
    search += [
        SearchEntry("crux", _plain(c.statement, 80), _plain(c.action), f"{page}#cruxes") for c in plan.cruxes
    ]
    search += [
        SearchEntry("project", p.name, _plain(p.purpose), f"{page}#project-{p.id}") for p in plan.projects
    ]
    search += [
        SearchEntry("objective", _plain(o.statement, 80), "", f"{page}#objectives") for o in plan.objectives
    ]
    search += [SearchEntry("meeting", m.title, m.on.isoformat(), f"{page}#meetings") for m in plan.meetings]
    return search


def summarize(
    ident: str,
    filtered: Filtered,
    health: Health | None,
    currency: str,
    today: dt.date,
    links: Links,
    locale: Locale = "en",
    findings: Sequence[Finding] = (),
    past: Past | None = None,
) -> AccountSummary:
    """The dashboard row, search entries and portfolio facts of one plan, from what its audience may
    see (``locale``: the site's, which its calendars are written in; ``findings``: the plan's active
    coaching findings; ``past``: its last commits, when it is in git)."""
    plan: Plan = filtered.plan
    meta = plan.plan
    owner = next((t.name for t in plan.team if t.id == meta.owner), "")
    stale = is_stale(plan, today)
    page = links.page or ""
    shown = health if filtered.shows_assessments else None
    projects = []
    for p in plan.projects:
        amount, cur = _amount(p.value, currency)
        projects.append(ProjectSummary(p.name, p.stage, p.outcome, amount, cur, forecast(p), p.id))
    search = _search_entries(plan, page) if page else []
    return AccountSummary(
        id=ident,
        name=plan.account.name,
        owner=owner,
        tier=meta.tier or "",
        status=meta.status,
        industry=plan.account.industry or "",
        reviewed=meta.reviewed.isoformat() if meta.reviewed else "",
        stale=stale,
        health_score=shown.score if shown else None,
        health_rag=shown.rag if shown else None,
        projects=projects,
        search=search,
        html=links.page,
        pdf=links.pdf,
        brief=links.brief,
        owner_id=meta.owner or "",
        events=plan_events(ident, plan, locale),
        # findings about what the audience may not see are dropped, as from its documents
        facts=account_facts(plan, currency, filtered.findings(findings), past, filtered.shows_assessments),
    )


@dataclass
class StageColumn:
    """One stage of the pipeline board: its open projects and totals per currency."""

    stage: int
    label: str
    projects: list[tuple[AccountSummary, ProjectSummary]]
    totals: dict[str, float]
    more: int = 0  # open projects at this stage that the column does not list


@dataclass
class SiteView:
    """What the site's index page renders from."""

    title: str
    brand: Brand
    labels: Labels
    audience: str
    accounts: list[AccountSummary]
    failed: list[str]
    unbuilt: list[str] = field(default_factory=list)
    generator: str = f"kaplan {__version__}"
    page: int = 1  # which page of the accounts table this is (see PAGE_SIZE)
    page_size: int = PAGE_SIZE

    @property
    def pages(self) -> int:
        """How many pages the accounts table has."""
        return max(1, -(-len(self.accounts) // self.page_size))

    @property
    def rows(self) -> list[AccountSummary]:
        """The accounts of this page of the table."""
        start = (self.page - 1) * self.page_size
        return self.accounts[start : start + self.page_size]

    def page_href(self, n: int) -> str:
        """The file of page ``n`` of the dashboard."""
        return page_file(n)

    @property
    def portfolio(self) -> bool:
        """Whether the site has a portfolio page (see :func:`has_portfolio`)."""
        return has_portfolio(self.audience)

    @property
    def locale(self) -> Locale:
        """The site's language."""
        return self.labels.locale

    @property
    def shows_health(self) -> bool:
        """False for the external audience."""
        return shows_assessments(self.audience)

    def board(self) -> list[StageColumn]:
        """The pipeline board: open projects by stage, with totals per currency."""
        columns = []
        for n in STAGES:
            items = [(a, p) for a in self.accounts for p in a.open_projects if p.stage == n]
            totals: dict[str, float] = defaultdict(float)
            for _, p in items:
                if p.amount is not None:
                    totals[p.currency] += p.amount
            shown = _largest(items, BOARD_LIMIT)
            column = StageColumn(
                n, self.labels.stage(n), shown, dict(sorted(totals.items())), len(items) - len(shown)
            )
            columns.append(column)
        return columns

    def totals(self) -> dict[str, float]:
        """Open pipeline value per currency, over every account."""
        out: dict[str, float] = defaultdict(float)
        for a in self.accounts:
            for cur, value in a.pipeline().items():
                out[cur] += value
        return dict(sorted(out.items()))

    def forecast_totals(self) -> dict[str, float]:
        """Open pipeline forecast (value × probability) per currency, over every account."""
        out: dict[str, float] = defaultdict(float)
        for a in self.accounts:
            for cur, value in a.forecast().items():
                out[cur] += value
        return dict(sorted(out.items()))

    def money(self, amount: float, currency: str) -> str:
        """Compact money for the dashboard."""
        if self.locale == "zh" and abs(amount) >= 10_000:
            return f"{chinese_amount(amount, wan_digits=0)} {currency}"
        if abs(amount) >= 1_000_000:
            return f"{currency} {amount / 1e6:,.2f}".rstrip("0").rstrip(".") + "M"
        return f"{currency} {amount:,.0f}"

    def tiers(self) -> list[str]:
        """Tiers present, for the filter."""
        return sorted({a.tier for a in self.accounts if a.tier})


def page_file(n: int) -> str:
    """``index.html`` for the first page of the dashboard, ``index-N.html`` for the others."""
    return "index.html" if n == 1 else f"index-{n}.html"


def _largest(
    items: list[tuple[AccountSummary, ProjectSummary]], limit: int
) -> list[tuple[AccountSummary, ProjectSummary]]:
    """The ``limit`` projects of greatest value (in their order), all of them when there are no more."""
    if len(items) <= limit:
        return items
    ranked = sorted(range(len(items)), key=lambda i: (-(items[i][1].amount or 0.0), i))[:limit]
    return [items[i] for i in sorted(ranked)]


def has_portfolio(audience: str) -> bool:
    """Whether a build for ``audience`` has a portfolio: partners get none (it is all assessment)."""
    return shows_assessments(audience)


SEARCH_KINDS = ("account", "person", "competitor", "need", "crux", "project", "objective", "meeting")


def search_index_js(accounts: Sequence[AccountSummary], locale: Locale = "en") -> str:
    """The search index as a script (works from file://, where fetch() of JSON does not), with the
    names of its kinds in the site's language (a result shows 人员, not ``person``)."""
    entries = [
        {"k": e.kind, "t": e.title, "x": e.text, "u": e.url, "a": a.name} for a in accounts for e in a.search
    ]
    kinds = {k: word(f"search_{k}", locale) for k in SEARCH_KINDS}
    return f"window.KAPLAN_SEARCH_KINDS = {_script_json(kinds)};\nwindow.KAPLAN_SEARCH = {_script_json(entries)};\n"


def _script_json(value: object) -> str:
    """JSON that is safe inside a script: no line separators, no ``</``."""
    data = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return data.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").replace("</", "<\\/")


def render_index(view: SiteView, env: jinja2.Environment) -> str:
    """The site's index page."""
    return render_template(env, "index.html", s=view, L=view.labels)


def site_files(
    out: Path,
    accounts: Sequence[AccountSummary],
    failed: Sequence[str],
    project: Workspace,
    audience: str,
    theme: Theme,
    unbuilt: Sequence[str] = (),
) -> tuple[SiteView, dict[Path, bytes]]:
    """The site's view, and the bytes of index.html, its assets and the calendars, by path.

    ``failed`` are plans with errors (``kaplan check`` tells why), ``unbuilt`` plans that were valid but
    could not be written.
    """
    locale: Locale = project.config.locale
    view = SiteView(
        project.config.title,
        project.config.brand,
        Labels(locale),
        audience,
        sorted(accounts, key=lambda a: (a.name, a.id)),
        sorted(failed),
        sorted(unbuilt),
        page_size=PAGE_SIZE,
    )
    files: dict[Path, bytes] = {
        out / page_file(n): render_index(replace(view, page=n), theme.env).encode("utf-8")
        for n in range(1, view.pages + 1)
    }
    files[out / "assets" / "search-index.js"] = search_index_js(view.accounts, locale).encode("utf-8")
    for name in ASSETS:
        # find refuses an override that is, or links to, a file outside its theme folder.
        source = theme.find(f"site/{name}")
        if source is None:
            raise ThemeError(f"site/{name}: not found in the theme folders")
        files[out / "assets" / name] = source.read_bytes()
    files.update(calendar_files(out, view.accounts, project.config.title, locale))
    return view, files


def write_files(files: dict[Path, bytes]) -> dict[Path, str]:
    """Write each file whose bytes changed (atomically); the SHA-256 of every one."""
    for path, data in files.items():
        if not path.is_file() or path.is_symlink() or path.read_bytes() != data:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(path, data)
    return {path: digest_of(data) for path, data in files.items()}


def calendar_files(
    out: Path, accounts: Sequence[AccountSummary], title: str, locale: Locale
) -> dict[Path, bytes]:
    """``OUT/calendar.ics`` with every account's dates, and ``OUT/calendar/OWNER.ics`` per plan owner."""
    every = [e for a in accounts for e in a.events]
    files = {out / "calendar.ics": calendar_bytes(every, title, locale)}
    owners = sorted({a.owner_id for a in accounts if a.owner_id})
    for owner in owners:
        mine = [e for a in accounts if a.owner_id == owner for e in a.events]
        names = {a.owner for a in accounts if a.owner_id == owner and a.owner}
        files[out / "calendar" / f"{owner}.ics"] = calendar_bytes(
            mine, f"{title} · {min(names) if names else owner}", locale
        )
    return files
