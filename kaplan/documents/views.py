"""What a dossier or briefing template sees: typed views of a plan, its labels, charts and links."""

from __future__ import annotations

import base64
import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from markupsafe import Markup

from kaplan import __version__
from kaplan.coach.health import Health
from kaplan.config import Brand, Workspace
from kaplan.documents.account import WhitespaceGrid, unit_tree
from kaplan.documents.labels import chinese_amount, enum_label, month_label, stage_label, trim_number, word
from kaplan.documents.page import AccountPage, build_account_page
from kaplan.documents.theme import ThemeError, resolves_inside
from kaplan.files import NotReadable, read_regular
from kaplan.plan.audience import Filtered, shows_assessments
from kaplan.plan.findings import Finding
from kaplan.plan.meaning import (
    due_overdue,
    forecast,
    last_contacts,
    log_status,
    money_currency,
    plan_currency,
    plan_locale,
    rung_label,
    share_of_wallet,
    win_probability,
)
from kaplan.plan.model import (
    Action,
    Locale,
    LogEntry,
    Meeting,
    MoneyValue,
    Person,
    Plan,
    TeamMember,
    Unit,
    Win,
)
from kaplan.plan.model import Project as PlanProject

LOGO_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".svg": "image/svg+xml"}
MAX_LOGO_BYTES = 1024 * 1024


def logo_data_uri(brand: Brand, root: Path) -> str | None:
    """The brand logo as a data: URI, read only from a regular file inside the repository."""
    if not brand.logo:
        return None
    given = root / brand.logo
    if not resolves_inside(given, root.resolve()):
        raise ThemeError(
            f"kaplan.yaml: brand.logo {brand.logo}: the logo must be a file inside the repository "
            "(not one outside it, nor a symlink to one)"
        )
    path = given.resolve()
    kind = LOGO_TYPES.get(path.suffix.lower())
    if kind is None:
        raise ThemeError(f"kaplan.yaml: brand.logo {brand.logo}: use a .png, .jpg or .svg file")
    try:
        data = read_regular(path, MAX_LOGO_BYTES)
    except OSError as exc:
        raise ThemeError(f"kaplan.yaml: brand.logo {brand.logo}: {exc.strerror}") from None
    except NotReadable as exc:
        raise ThemeError(f"kaplan.yaml: brand.logo {brand.logo}: {exc}") from None
    return f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"


@dataclass
class Charts:
    """The SVG charts of a dossier, as safe markup."""

    org: list[Markup] = field(default_factory=list)
    org_legend: Markup = field(default_factory=Markup)
    power: Markup = field(default_factory=Markup)
    ladders: dict[str, Markup] = field(default_factory=dict)
    # Sparklines of the plan's health and forecast over its last commits (empty without two).
    health_trend: Markup = field(default_factory=Markup)
    forecast_trend: Markup = field(default_factory=Markup)
    trend_commits: int = 0


@dataclass(frozen=True)
class Links:
    """Relative links from an HTML page to the site home and the plan's PDFs (only those built)."""

    home: str | None = None
    pdf: str | None = None
    brief: str | None = None
    page: str | None = None  # the page itself, relative to the site home (for the index and search)
    meetings: bool = False  # each meeting from today on has its briefing, ID.MEETING.brief.pdf, beside it

    def __bool__(self) -> bool:
        return any((self.home, self.pdf, self.brief))


NBSP = "\u00a0"


def meeting_suffix(meeting_id: str) -> str:
    """The suffix of a meeting's briefing: ``ID.MEETING.brief.pdf``."""
    return f".{meeting_id}.brief.pdf"


@dataclass
class Labels:
    """Words and labels in one locale, for templates."""

    locale: Locale

    def t(self, key: str, **fields: object) -> str:
        """A heading or fixed word; a field that is markup (a date) stays markup, the rest is escaped."""
        if any(isinstance(value, Markup) for value in fields.values()):
            return Markup.escape(word(key, self.locale)).format(**fields)
        return word(key, self.locale, **fields)

    def enum(self, kind: str, value: str | None) -> str:
        """An enum value's label."""
        return enum_label(kind, value, self.locale)

    def stage(self, n: int) -> str:
        """A stage's label."""
        return stage_label(n, self.locale)

    def rung(self, n: int | None) -> str:
        """A rung of the buy-sell hierarchy (1 to 5), labelled."""
        return "" if n is None else rung_label(n, self.locale)

    def month(self, n: int) -> str:
        """A month (1 to 12), short."""
        return month_label(n, self.locale)

    def date(self, day: dt.date | str | None) -> Markup:
        """A date as the locale writes it, never broken across lines."""
        if isinstance(day, str):
            try:
                day = dt.date.fromisoformat(day)
            except ValueError:
                return Markup('<span class="nowrap">{}</span>').format(day)
        if day is None:
            return Markup("")
        text = f"{day.year}年{day.month}月{day.day}日" if self.locale == "zh" else day.isoformat()
        return Markup('<span class="nowrap">{}</span>').format(text)


@dataclass
class DocumentView:
    """Everything a dossier or briefing template sees."""

    plan: Plan
    ident: str
    audience: str
    brand: Brand
    labels: Labels
    today: dt.date
    currency: str
    findings: list[Finding] = field(default_factory=list)
    health: Health | None = None
    logo: str | None = None
    charts: Charts = field(default_factory=Charts)
    links: Links = field(default_factory=Links)
    history: list[Any] = field(default_factory=list)
    generator: str = f"kaplan {__version__}"

    @property
    def locale(self) -> Locale:
        """The documents' language."""
        return self.labels.locale

    @property
    def shows_assessments(self) -> bool:
        """False for the external audience."""
        return shows_assessments(self.audience)

    @cached_property
    def page(self) -> AccountPage:
        """The account on a page, which opens the dossier."""
        return build_account_page(
            self.plan, self.today, self.currency, self.findings, self.health, self.locale
        )

    @cached_property
    def people_by_id(self) -> dict[str, Person]:
        """The customer's people by id."""
        return {p.id: p for p in self.plan.people}

    @cached_property
    def team_by_id(self) -> dict[str, TeamMember]:
        """Our team by id."""
        return {t.id: t for t in self.plan.team}

    @cached_property
    def names(self) -> dict[str, str]:
        """Every id of the plan → the name or statement to show for it."""
        out: dict[str, str] = {}
        out.update({t.id: t.name for t in self.plan.team})
        out.update({p.id: p.name for p in self.plan.people})
        out.update({c.id: c.name for c in self.plan.competitors})
        out.update({p.id: p.name for p in self.plan.projects})
        out.update({n.id: _first_line(n.statement) for n in self.plan.needs})
        out.update({a.id: a.what for a in self.plan.actions})
        out.update({u.id: u.name for u in self.plan.account.units})
        out.update({c.id: c.name for c in self.plan.contracts})
        out.update({o.id: _first_line(o.statement) for o in self.plan.objectives})
        out.update({m.id: m.title for m in self.plan.meetings})
        out.update({r.id: _first_line(r.statement) for r in self.plan.risks})
        return out

    def name(self, ident: str | None) -> str:
        """The name for an id; nothing for an id that is not (or no longer) in the plan."""
        return self.names.get(ident or "", "")

    def names_of(self, idents: Sequence[str]) -> list[str]:
        """The names of the ids that are in the plan, in order."""
        return [n for n in (self.name(i) for i in idents) if n]

    @property
    def owner(self) -> TeamMember | None:
        """The account manager."""
        return self.team_by_id.get(self.plan.plan.owner or "")

    @property
    def title(self) -> str:
        """The document title."""
        return f"{self.plan.account.name} · {self.labels.t('dossier')}"

    @property
    def confidentiality(self) -> str:
        """The marking printed on every page."""
        edition = self.labels.enum("audience", self.audience)
        return f"{edition} · {self.brand.confidentiality}" if self.brand.confidentiality else edition

    def money(self, value: MoneyValue | None) -> str:
        """Money in the plan's currency, written for the locale (万/亿 in Chinese)."""
        if value is None:
            return ""
        currency = money_currency(value, self.currency)
        amount = value.amount
        if self.locale == "zh" and abs(amount) >= 10_000:
            return f"{chinese_amount(amount)}{'元' if currency == 'CNY' else NBSP + currency}"
        number = f"{amount:,.0f}" if float(amount).is_integer() else f"{amount:,.2f}"
        return f"{currency}{NBSP}{number}"  # the currency stays on the amount's line

    def number(self, value: float | None) -> str:
        """A plain number with thousands separators: ``12,000``, ``0.5``."""
        if value is None:
            return ""
        return f"{value:,.0f}" if float(value).is_integer() else trim_number(f"{value:,.2f}")

    def percent(self, value: float | None) -> str:
        """A percentage (0 to 100) as ``55%`` or ``12.5%``."""
        return "" if value is None else trim_number(f"{value:.1f}") + "%"

    def probability(self, project: PlanProject) -> float:
        """Our chance of winning a project, in percent: its own, else its stage's default."""
        return win_probability(project)

    def forecast(self, project: PlanProject) -> MoneyValue | None:
        """Value × probability, in the value's currency; None without a value."""
        amount = forecast(project)
        if amount is None or project.value is None:
            return None
        return MoneyValue(amount=amount, currency=project.value.currency)

    def pipeline(self) -> list[tuple[MoneyValue, MoneyValue]]:
        """Open projects' value and forecast, summed per currency."""
        totals: dict[str, tuple[float, float]] = {}
        for project in self.open_projects():
            amount = forecast(project)
            if project.value is None or amount is None:
                continue
            currency = money_currency(project.value, self.currency)
            value, expected = totals.get(currency, (0.0, 0.0))
            totals[currency] = (value + project.value.amount, expected + amount)
        return [
            (MoneyValue(amount=value, currency=cur), MoneyValue(amount=expected, currency=cur))
            for cur, (value, expected) in sorted(totals.items())
        ]

    def wallet_share(self) -> str:
        """Share of wallet as a percentage, when it can be computed."""
        share = share_of_wallet(self.plan, self.currency)
        return "" if share is None else self.percent(share * 100)

    def unit_tree(self) -> list[tuple[int, Unit]]:
        """The account's units in tree order, each with its depth (0 at the top)."""
        return unit_tree(self.plan.account.units)

    def whitespace(self) -> WhitespaceGrid:
        """The whitespace map: units (in tree order) × offerings (in file order)."""
        cells = {(w.unit, w.offering): w for w in self.plan.whitespace}
        shown = {w.unit for w in self.plan.whitespace}
        units = [u for _, u in self.unit_tree() if u.id in shown]
        offerings = list(dict.fromkeys(w.offering for w in self.plan.whitespace))
        return WhitespaceGrid(units, offerings, cells)

    def upcoming_meetings(self) -> list[Meeting]:
        """Meetings from today on, soonest first."""
        return sorted((m for m in self.plan.meetings if m.on >= self.today), key=lambda m: m.on)

    def past_meetings(self) -> list[Meeting]:
        """Meetings before today, latest first."""
        return sorted((m for m in self.plan.meetings if m.on < self.today), key=lambda m: m.on, reverse=True)

    def meeting_brief(self, meeting: Meeting) -> str | None:
        """The link to a meeting's own briefing, when the build writes one (meetings from today on)."""
        if not self.links.meetings or meeting.on < self.today:
            return None
        return f"{self.ident}{meeting_suffix(meeting.id)}"

    def next_meeting(self) -> Meeting | None:
        """The next meeting from today on, if any."""
        upcoming = self.upcoming_meetings()
        return upcoming[0] if upcoming else None

    def log_entries(self) -> list[LogEntry]:
        """The log, newest first (entries of one day in file order)."""
        return sorted(self.plan.log, key=lambda e: e.on, reverse=True)

    @cached_property
    def contact_days(self) -> dict[str, dt.date]:
        """Each person's last contact: ``last_contact`` or the newest log entry naming them."""
        return last_contacts(self.plan)

    def last_contact(self, person: Person) -> dt.date | None:
        """A person's last contact (see :func:`kaplan.plan.meaning.last_contacts`)."""
        return self.contact_days.get(person.id)

    def log_status(self, entry: LogEntry) -> str | None:
        """Open or closed, for complaints and claims."""
        return log_status(entry)

    def open_projects(self) -> list[PlanProject]:
        """Open projects, furthest stage first."""
        return sorted((p for p in self.plan.projects if p.outcome == "open"), key=lambda p: -p.stage)

    def key_people(self) -> list[tuple[Person, list[str], Win | None, list[str]]]:
        """Economic buyers, champions and coaches of open projects: roles, win, and in which projects."""
        seen: dict[str, tuple[Person, list[str], Win | None, list[str]]] = {}
        for project in self.open_projects():
            for member in project.buying_team:
                roles = [r for r in member.roles if r in ("economic_buyer", "champion", "coach")]
                person = self.people_by_id.get(member.person)
                if not roles or person is None:
                    continue
                if person.id not in seen:
                    seen[person.id] = (person, [], member.win, [])
                entry = seen[person.id]
                entry[1].extend(r for r in roles if r not in entry[1])
                entry[3].append(project.name)
        return list(seen.values())

    def next_actions(self) -> list[Action]:
        """Open actions, soonest due first (undated last)."""
        todo = [a for a in self.plan.actions if a.status == "open"]
        return sorted(todo, key=lambda a: (a.due is None, a.due or self.today))

    def red_flags(self) -> list[tuple[str, str]]:
        """Red flags of open projects, with the project's name."""
        return [(p.name, flag) for p in self.open_projects() for flag in p.red_flags]

    def to_win_over(self) -> list[tuple[Person, list[str]]]:
        """People of open projects who can stop the deal: blockers, approvers, and skeptics or
        opponents with high influence, with their roles."""
        found: dict[str, tuple[Person, list[str]]] = {}
        for project in self.open_projects():
            for member in project.buying_team:
                person = self.people_by_id.get(member.person)
                if person is not None and _can_stop(person, member.roles):
                    roles = found.setdefault(person.id, (person, []))[1]
                    roles.extend(r for r in member.roles if r not in roles)
        keep = {p.id for p, _, _, _ in self.key_people()}
        return [v for k, v in found.items() if k not in keep or v[0].support in ("skeptic", "opponent")]

    def overdue(self, due: dt.date | None, status: str) -> bool:
        """Whether an action is overdue today."""
        return due_overdue(due, status, self.today)


def _can_stop(person: Person, roles: Sequence[str]) -> bool:
    """A blocker, an approver who is not a champion, or a skeptic or opponent with high influence."""
    hostile = person.influence == "high" and person.support in ("skeptic", "opponent")
    return hostile or "blocker" in roles or ("approver" in roles and person.support != "champion")


def _first_line(text: str) -> str:
    plain = re.sub(r"[*_`#>\[\]]", "", text).strip().splitlines()
    return plain[0] if plain else ""


def build_view(
    filtered: Filtered,
    ident: str,
    project: Workspace,
    today: dt.date,
    findings: Sequence[Finding] = (),
    health: Health | None = None,
    charts: Charts | None = None,
    links: Links | None = None,
) -> DocumentView:
    """The view a dossier or briefing renders from."""
    plan = filtered.plan
    locale: Locale = plan_locale(plan, project.config.locale)
    return DocumentView(
        plan=plan,
        ident=ident,
        audience=filtered.audience,
        brand=project.config.brand,
        labels=Labels(locale),
        today=today,
        currency=plan_currency(plan, project.config.currency),
        findings=filtered.findings(findings),
        health=health if filtered.shows_assessments else None,
        logo=logo_data_uri(project.config.brand, project.root),
        charts=charts or Charts(),
        links=links or Links(),
    )
