"""The portfolio's figures, from the accounts' summaries: pipeline and forecast by stage, owner and
tier, the ranking by value at stake × risk, the next 90 days, findings by rule, role coverage,
health trends and what moved since a date.

Sums are kept per currency: an account in another currency is never added to one in CNY. The
charts and the ranking use the portfolio's currency (kaplan.yaml's), and the totals name the others.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from markupsafe import Markup

from kaplan.coach.rules import RULES
from kaplan.documents.charts.portfolio import sparkline, stage_bars
from kaplan.documents.labels import word
from kaplan.plan.meaning import COVERAGE_ROLES
from kaplan.site.calendar import CalendarEvent
from kaplan.site.pages import AccountSummary, ProjectSummary, SiteView
from kaplan.site.portfolio.facts import Move

WINDOWS = (30, 60, 90)  # the next dates, in windows of days from today
DECISIONS = ("decide_by", "sign_by", "decision_step")
UNKNOWN_RISK = 50  # an account without a health score counts as half at risk
# What each level of role coverage (plan.meaning.role_coverage) means, and its mark on the map.
COVERAGE_WORDS = {
    "zh": ("无人", "反对我们", "已识别，未接触", "已接触，态度未定", "站在我们这边"),
    "en": ("nobody", "against us", "named, not reached", "reached, undecided", "on our side"),
}
COVERAGE_MARKS = ("✕", "▼", "○", "◐", "●")


@dataclass
class Figures:
    """Counts and sums of a group of accounts (a stage, an owner, a tier), per currency."""

    accounts: int = 0
    projects: int = 0
    pipeline: dict[str, float] = field(default_factory=dict)
    forecast: dict[str, float] = field(default_factory=dict)
    health: list[int] = field(default_factory=list)

    def add(self, currency: str, amount: float | None, expected: float | None) -> None:
        """Count one project's value and forecast."""
        self.projects += 1
        if amount is not None:
            self.pipeline[currency] = self.pipeline.get(currency, 0.0) + amount
        if expected is not None:
            self.forecast[currency] = self.forecast.get(currency, 0.0) + expected

    @property
    def mean_health(self) -> int | None:
        """The mean health of the accounts scored, rounded."""
        return round(sum(self.health) / len(self.health)) if self.health else None


@dataclass(frozen=True)
class Ranked:
    """An account in the ranking: its value at stake, risk (0–100) and their product."""

    account: AccountSummary
    currency: str
    at_stake: float
    risk: int
    exposure: float


@dataclass(frozen=True)
class Dated:
    """A date ahead, with the account it belongs to."""

    account: AccountSummary
    event: CalendarEvent
    days: int


@dataclass(frozen=True)
class Decision:
    """A decision, signing or decision step ahead, with the project it decides."""

    account: AccountSummary
    event: CalendarEvent
    days: int
    project: ProjectSummary | None


@dataclass(frozen=True)
class RuleGroup:
    """One coaching rule across the portfolio: the accounts it fires on."""

    code: str
    title: str  # as a director reads it, in the site's language
    meaning: str  # what exactly it checks (kaplan rules)
    severity: str
    accounts: list[tuple[AccountSummary, int]]


@dataclass(frozen=True)
class Moved:
    """What moved in one account since the review date, and its health then and now."""

    account: AccountSummary
    moves: list[Move]
    health_then: int | None
    health_now: int | None

    @property
    def health_change(self) -> int | None:
        """Now less then; None unless both are known."""
        if self.health_then is None or self.health_now is None:
            return None
        return self.health_now - self.health_then


T = TypeVar("T")


def _once(method: Callable[[PortfolioView], T]) -> Callable[[PortfolioView], T]:
    """A figure computed once per view: the page, the JSON and the pack ask for each several times."""

    @functools.wraps(method)
    def cached(self: PortfolioView) -> T:
        memo = self.__dict__.setdefault("_memo", {})
        if method.__name__ not in memo:
            memo[method.__name__] = method(self)
        result: T = memo[method.__name__]
        return result

    return cached


@dataclass
class PortfolioView(SiteView):
    """What ``portfolio.html``, ``portfolio.json`` and the review pack render from."""

    today: dt.date = dt.date.min
    since: dt.date = dt.date.min
    currency: str = "CNY"
    pack: bool = False  # the review pack links to it (a build with PDFs)
    in_pack: bool = False  # rendering the pack: accounts link to their page in it
    ranked_limit: int = 50
    dates_limit: int = 25
    coverage_limit: int = 100
    moved_limit: int = 60
    notes_limit: int = 8  # accounts a rule names with their finding; the rest by name

    def link(self, account: AccountSummary) -> str | None:
        """Where an account's name links: its page on the site, or its page in the pack."""
        if self.in_pack:
            return f"#account-{account.id}"
        return account.html

    def stage_chart(self) -> Markup:
        """Pipeline and forecast by stage in the portfolio's currency, as SVG."""
        cur = self.currency
        rows = [
            (f"{n} · {label}", f.pipeline.get(cur, 0.0), f.forecast.get(cur, 0.0))
            for n, label, f in self.by_stage()
        ]
        zh = self.locale == "zh"
        legend = ("预测", "其余漏斗") if zh else ("forecast", "rest of the pipeline")
        title = "各阶段的漏斗与预测" if zh else "Pipeline and forecast by stage"
        svg = stage_bars(
            rows,
            lambda v: self.money(v, cur),
            f"{title} ({cur})",
            font=next(iter(self.brand.font_families), None),
            primary=self.brand.primary,
            legend=legend,
        )
        return Markup(svg)

    def spark(self, account: AccountSummary, what: str = "health") -> Markup:
        """A sparkline of an account's health (or forecast) over its last commits; empty without two."""
        trend = account.facts.trend if account.facts else []
        values = [p.health if what == "health" else p.forecast for p in trend]
        if sum(v is not None for v in values) < 2:
            return Markup("")
        zh = self.locale == "zh"
        known = [v for v in values if v is not None]
        if what == "health":
            words = "健康度" if zh else "health"
            label = f"{account.name} {words}: {' → '.join(str(v) for v in known)}"
            return Markup(sparkline(values, label, primary=self.brand.primary))
        words = "预测" if zh else "forecast"
        label = f"{account.name} {words}: {self.money(known[0], self.currency)} → {self.money(known[-1], self.currency)}"
        return Markup(sparkline(values, label, primary=self.brand.accent, low=None, high=None))

    def coverage_word(self, level: int) -> str:
        """What a coverage level means, for readers who do not see the symbol."""
        zh = self.locale == "zh"
        words = COVERAGE_WORDS["zh" if zh else "en"]
        return words[level] if 0 <= level < len(words) else ""

    @_once
    def by_stage(self) -> list[tuple[int, str, Figures]]:
        """Open projects by stage: (stage, label, figures), stages 1–8."""
        stages = {n: Figures() for n in range(1, 9)}
        for a in self.accounts:
            for p in a.open_projects:
                stages[p.stage].add(p.currency, p.amount, p.forecast)
            for n in {p.stage for p in a.open_projects}:
                stages[n].accounts += 1
        return [(n, self.labels.stage(n), stages[n]) for n in stages]

    @_once
    def by_owner(self) -> list[tuple[str, Figures]]:
        """Accounts by plan owner, most pipeline first."""
        return self._grouped(lambda a: a.owner or "—")

    @_once
    def by_tier(self) -> list[tuple[str, Figures]]:
        """Accounts by tier (A before B…; none last)."""
        groups = self._grouped(lambda a: a.tier or "—")
        return sorted(groups, key=lambda g: (g[0] == "—", g[0]))

    def _grouped(self, key: Callable[[AccountSummary], str]) -> list[tuple[str, Figures]]:
        groups: dict[str, Figures] = defaultdict(Figures)
        for a in self.accounts:
            figures = groups[key(a)]
            figures.accounts += 1
            if a.health_score is not None:
                figures.health.append(a.health_score)
            for p in a.open_projects:
                figures.add(p.currency, p.amount, p.forecast)
        cur = self.currency
        return sorted(groups.items(), key=lambda g: (-g[1].pipeline.get(cur, 0.0), g[0]))

    @_once
    def ranking(self) -> list[Ranked]:
        """Accounts with an open pipeline, by value at stake × risk, greatest first.

        Value at stake is the open pipeline in the account's currency; risk is 100 less the plan's
        health (half when it has none). Amounts in different currencies are not compared: the
        accounts in the portfolio's currency come first, then those of each other currency.
        """
        ranked = []
        for a in self.accounts:
            currency = a.facts.currency if a.facts else self.currency
            at_stake = a.pipeline().get(currency, 0.0)
            if at_stake <= 0:
                continue
            risk = 100 - a.health_score if a.health_score is not None else UNKNOWN_RISK
            ranked.append(Ranked(a, currency, at_stake, risk, at_stake * risk / 100))
        return sorted(
            ranked,
            key=lambda r: (
                r.currency != self.currency,
                r.currency,
                -r.exposure,
                r.account.name,
                r.account.id,
            ),
        )

    @_once
    def ahead(self) -> list[tuple[int, list[Dated]]]:
        """The dates of the next 30, 60 and 90 days: (window end, dates in it, by day)."""
        windows: dict[int, list[Dated]] = {w: [] for w in WINDOWS}
        for a in self.accounts:
            for e in a.events:
                days = (dt.date.fromisoformat(e.day) - self.today).days
                window = next((w for w in WINDOWS if 0 <= days <= w), None)
                if window is not None:
                    windows[window].append(Dated(a, e, days))
        for dates in windows.values():
            dates.sort(key=lambda d: (d.event.day, d.account.name, d.event.kind, d.event.uid))
        return list(windows.items())

    @_once
    def decisions(self) -> list[Decision]:
        """What is decided in the next 30 days: decide-by and sign-by dates and decision steps, by day."""
        found = []
        for a in self.accounts:
            projects = {p.id: p for p in a.open_projects if p.id}
            # a step on the decision's own day (the award on decide_by) says more than the bare date,
            # as on the account page
            stepped = {(e.project, e.day) for e in a.events if e.kind == "decision_step"}
            for e in a.events:
                days = (dt.date.fromisoformat(e.day) - self.today).days
                if e.kind not in DECISIONS or not 0 <= days <= WINDOWS[0]:
                    continue
                if e.kind != "decision_step" and (e.project, e.day) in stepped:
                    continue
                found.append(Decision(a, e, days, projects.get(e.project)))
        return sorted(
            found, key=lambda d: (d.event.day, -(d.project.amount or 0) if d.project else 0, d.event.uid)
        )

    @_once
    def overdue(self) -> list[Dated]:
        """Open actions past their due date, the longest overdue first."""
        found = []
        for a in self.accounts:
            for e in a.events:
                days = (dt.date.fromisoformat(e.day) - self.today).days
                if e.kind == "action_due" and days < 0:
                    found.append(Dated(a, e, days))
        return sorted(found, key=lambda d: (d.event.day, d.account.name, d.event.uid))

    @_once
    def rules(self) -> list[RuleGroup]:
        """Each coaching rule that fires somewhere, with its accounts: the most accounts first."""
        found: dict[str, list[tuple[AccountSummary, int]]] = defaultdict(list)
        for a in self.accounts:
            for code, count in (a.facts.findings if a.facts else {}).items():
                found[code].append((a, count))
        groups = []
        for code, accounts in found.items():
            rule = RULES.get(code)
            if rule is None:  # a record from a kaplan that had the rule
                continue
            title = word(f"rule_{code}", self.locale)
            groups.append(
                RuleGroup(code, title, rule.meaning, rule.severity, sorted(accounts, key=lambda x: x[0].name))
            )
        order = {"error": 0, "warning": 1, "info": 2}
        return sorted(groups, key=lambda g: (-len(g.accounts), order.get(g.severity, 3), g.code))

    @property
    def coverage_marks(self) -> tuple[str, ...]:
        """The mark of each coverage level on the map (shape as well as colour)."""
        return COVERAGE_MARKS

    @property
    def roles(self) -> tuple[str, ...]:
        """The buying-team roles of the coverage map."""
        return COVERAGE_ROLES

    @_once
    def coverage(self) -> list[tuple[AccountSummary, list[int]]]:
        """Accounts with an open project × roles: how well each role is covered (0–3)."""
        rows = []
        for a in self.accounts:
            cover = a.facts.coverage if a.facts else {}
            if cover:
                rows.append((a, [cover.get(role, 0) for role in COVERAGE_ROLES]))
        return rows

    @_once
    def moved(self) -> list[Moved]:
        """Accounts where something moved since :attr:`since`: changes from git, health then and now."""
        # Without a trend there is no "then": a plan outside git moves nowhere.
        out = []
        for a in self.accounts:
            if a.facts is None:
                continue
            since = self.since.isoformat()
            moves = [m for m in a.facts.moves if m.date >= since]
            # Then: the plan as committed before the review date, judged on its commit's day; now: as
            # it stands today (an action that fell overdue since counts too).
            before = [p.health for p in a.facts.trend if p.date < since]
            then = before[-1] if before else None
            now = a.health_score
            if moves or (then is not None and now is not None and then != now):
                out.append(Moved(a, moves, then, now))
        return sorted(out, key=lambda m: (-abs(m.health_change or 0), -len(m.moves), m.account.name))

    def health_moves(self) -> tuple[int, int]:
        """How many accounts got healthier, and how many less healthy, since :attr:`since`."""
        changes = [m.health_change or 0 for m in self.moved()]
        return sum(c > 0 for c in changes), sum(c < 0 for c in changes)

    def currencies(self) -> list[str]:
        """Currencies of the open pipeline besides the portfolio's own."""
        found = {p.currency for a in self.accounts for p in a.open_projects if p.amount is not None}
        return sorted(found - {self.currency})
