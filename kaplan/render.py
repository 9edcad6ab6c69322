"""Plans → HTML documents: one Jinja environment, the theme's template folders, typed views."""

from __future__ import annotations

import base64
import datetime as dt
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
import markdown
import nh3
from markupsafe import Markup

from kaplan import __version__
from kaplan.audience import Filtered, shows_assessments
from kaplan.config import Brand, Project
from kaplan.findings import Finding
from kaplan.health import Health
from kaplan.labels import STAGES, chinese_amount, enum_label, stage_label, word
from kaplan.model import Competitor, Locale, MoneyValue, Person, Plan, TeamMember
from kaplan.model import Project as PlanProject

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "b",
    "i",
    "u",
    "s",
    "del",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
LOGO_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".svg": "image/svg+xml"}
MAX_LOGO_BYTES = 1024 * 1024


class ThemeError(Exception):
    """A template is missing or broken: the message names the file and line."""


def builtin_theme() -> Path:
    """The built-in theme: inside the installed package, else the repository's templates/."""
    packaged = Path(str(resources.files("kaplan"))) / "templates"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "templates"


def theme_dirs(project: Project) -> list[Path]:
    """Template folders in lookup order: the repository's own overrides first, then the built-in theme."""
    dirs = []
    override = project.resolve(project.config.templates)
    builtin = builtin_theme().resolve()
    if override.is_dir() and override != builtin:
        dirs.append(override)
    dirs.append(builtin)
    return dirs


_md = markdown.Markdown(extensions=["sane_lists", "tables"], output_format="html")


_LIST_ITEM = re.compile(r"^\s{0,3}(?:[-*+]|\d{1,3}[.)])\s")


def _loosen_lists(text: str) -> str:
    """Let a list start right after a paragraph line, as CommonMark and chat apps do.

    Python-Markdown needs a blank line before a list; people writing YAML block text rarely add one.
    """
    out: list[str] = []
    for line in text.splitlines():
        after_paragraph = out and out[-1].strip() and not out[-1].startswith((" ", "\t"))
        if after_paragraph and _LIST_ITEM.match(line) and not _LIST_ITEM.match(out[-1]):
            out.append("")
        out.append(line)
    return "\n".join(out)


def render_markdown(text: str | None) -> Markup:
    """Markdown → sanitised HTML (allow-listed tags, http/https/mailto links only)."""
    if not text:
        return Markup("")
    _md.reset()
    html = _md.convert(_loosen_lists(text))
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
    return Markup(clean)


def css_string(value: str) -> str:
    """A CSS string literal that cannot break out of its declaration or its <style>."""
    escaped = "".join(c if c.isalnum() or c in " -_." else f"\\{ord(c):x} " for c in value)
    return f'"{escaped}"'


def make_env(dirs: Sequence[Path]) -> jinja2.Environment:
    """The Jinja environment: autoescaped, strict about undefined names.

    A repository's template replaces the built-in file of the same name; it can also extend
    the built-in one as ``kaplan/NAME`` and override only some blocks.
    """
    loader = jinja2.ChoiceLoader(
        [
            jinja2.FileSystemLoader([str(d) for d in dirs]),
            jinja2.PrefixLoader({"kaplan": jinja2.FileSystemLoader(str(dirs[-1]))}),
        ]
    )
    env = jinja2.Environment(
        loader=loader,
        autoescape=jinja2.select_autoescape(["html", "htm", "xml", "svg"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = render_markdown
    env.filters["css_string"] = css_string
    return env


@functools.lru_cache(maxsize=8)
def theme_env(dirs: tuple[Path, ...]) -> jinja2.Environment:
    """One environment per process and theme, so templates compile once rather than once per plan.

    Jinja still checks each template's file time, so an edited template is picked up (kaplan serve).
    """
    return make_env(dirs)


def render_template(env: jinja2.Environment, name: str, **context: Any) -> str:
    """Render a theme template; a broken or missing one becomes a :class:`ThemeError`."""
    try:
        return env.get_template(name).render(**context)
    except jinja2.TemplateNotFound as exc:
        where = _template_frame(exc)
        included = f"{where}: " if where else ""
        raise ThemeError(f"{included}template '{exc.name}' not found in the theme folders") from None
    except jinja2.TemplateSyntaxError as exc:
        where = exc.filename or exc.name or name
        raise ThemeError(f"{where}:{exc.lineno}: template syntax error: {exc.message}") from None
    except jinja2.UndefinedError as exc:
        raise ThemeError(f"{_template_frame(exc) or name}: {exc.message}") from None
    except Exception as exc:
        where = _template_frame(exc)
        if where is None:  # not the template's fault: a bug in kaplan, let it show
            raise
        raise ThemeError(f"{where}: {type(exc).__name__}: {exc}") from None


def _template_frame(exc: BaseException) -> str | None:
    tb = exc.__traceback__
    found = None
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith((".html", ".css", ".svg", ".xml")):
            found = f"{filename}:{tb.tb_lineno}"
        tb = tb.tb_next
    return found


def logo_data_uri(brand: Brand, root: Path) -> str | None:
    """The brand logo as a data: URI, read only from inside the repository."""
    if not brand.logo:
        return None
    path = (root / brand.logo).resolve()
    kind = LOGO_TYPES.get(path.suffix.lower())
    if kind is None:
        raise ThemeError(f"brand.logo {brand.logo}: use a .png, .jpg or .svg file")
    if not path.is_relative_to(root.resolve()):
        raise ThemeError(f"brand.logo {brand.logo}: the logo must be inside the repository")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ThemeError(f"brand.logo {brand.logo}: {exc.strerror}") from None
    if len(data) > MAX_LOGO_BYTES:
        raise ThemeError(f"brand.logo {brand.logo}: the logo is over 1 MB")
    return f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"


@dataclass
class Charts:
    """The SVG charts of a dossier, as safe markup."""

    org: list[Markup] = field(default_factory=list)
    org_legend: Markup = field(default_factory=Markup)
    power: Markup = field(default_factory=Markup)
    ladders: dict[str, Markup] = field(default_factory=dict)


@dataclass(frozen=True)
class Links:
    """Relative links from an HTML page to the site home and the plan's PDFs (only those built)."""

    home: str | None = None
    pdf: str | None = None
    brief: str | None = None
    page: str | None = None  # the page itself, relative to the site home (for the index and search)

    def __bool__(self) -> bool:
        return any((self.home, self.pdf, self.brief))


@dataclass
class Labels:
    """Words and labels in one locale, for templates."""

    locale: Locale

    def t(self, key: str, **fields: object) -> str:
        """A heading or fixed word."""
        return word(key, self.locale, **fields)

    def enum(self, kind: str, value: str | None) -> str:
        """An enum value's label."""
        return enum_label(kind, value, self.locale)

    def stage(self, n: int) -> str:
        """A stage's label."""
        return stage_label(n, self.locale)

    def stages(self) -> list[tuple[int, str]]:
        """Every stage with its label."""
        return [(n, stage_label(n, self.locale)) for n in STAGES]

    def date(self, day: dt.date | str | None) -> str:
        """A date as the locale writes it."""
        if isinstance(day, str):
            try:
                return self.date(dt.date.fromisoformat(day))
            except ValueError:
                return day
        if day is None:
            return ""
        return f"{day.year}年{day.month}月{day.day}日" if self.locale == "zh" else day.isoformat()


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
    def people_by_id(self) -> dict[str, Person]:
        """The customer's people by id."""
        return {p.id: p for p in self.plan.people}

    @cached_property
    def team_by_id(self) -> dict[str, TeamMember]:
        """Our team by id."""
        return {t.id: t for t in self.plan.team}

    @cached_property
    def competitors_by_id(self) -> dict[str, Competitor]:
        """Competitors by id."""
        return {c.id: c for c in self.plan.competitors}

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
        currency = value.currency or self.currency
        amount = value.amount
        if self.locale == "zh" and abs(amount) >= 10_000:
            return f"{chinese_amount(amount)}{'元' if currency == 'CNY' else ' ' + currency}"
        number = f"{amount:,.0f}" if float(amount).is_integer() else f"{amount:,.2f}"
        return f"{currency} {number}"

    def open_projects(self) -> list[PlanProject]:
        """Open projects, furthest stage first."""
        return sorted((p for p in self.plan.projects if p.outcome == "open"), key=lambda p: -p.stage)

    def key_people(self) -> list[tuple[Person, list[str], Any]]:
        """Economic buyers, champions and coaches of open projects, with roles and wins."""
        seen: dict[str, tuple[Person, list[str], Any]] = {}
        for project in self.open_projects():
            for member in project.buying_team:
                roles = [r for r in member.roles if r in ("economic_buyer", "champion", "coach")]
                person = self.people_by_id.get(member.person)
                if not roles or person is None:
                    continue
                if person.id in seen:
                    seen[person.id][1].extend(r for r in roles if r not in seen[person.id][1])
                else:
                    seen[person.id] = (person, list(roles), member.win)
        return list(seen.values())

    def next_actions(self) -> list[Any]:
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
                if person is None:
                    continue
                hostile = person.influence == "high" and person.support in ("skeptic", "opponent")
                gate = [r for r in member.roles if r in ("blocker", "approver", "economic_buyer")]
                if hostile or "blocker" in gate or ("approver" in gate and person.support != "champion"):
                    roles = found.setdefault(person.id, (person, []))[1]
                    roles.extend(r for r in member.roles if r not in roles)
        keep = {p.id for p, _, _ in self.key_people()}
        return [v for k, v in found.items() if k not in keep or v[0].support in ("skeptic", "opponent")]

    def overdue(self, due: dt.date | None, status: str) -> bool:
        """Whether an action is overdue today."""
        return status == "open" and due is not None and due < self.today


def _first_line(text: str) -> str:
    plain = re.sub(r"[*_`#>\[\]]", "", text).strip().splitlines()
    return plain[0] if plain else ""


def build_view(
    filtered: Filtered,
    ident: str,
    project: Project,
    today: dt.date,
    findings: Sequence[Finding] = (),
    health: Health | None = None,
    charts: Charts | None = None,
    links: Links | None = None,
) -> DocumentView:
    """The view a dossier or briefing renders from."""
    plan = filtered.plan
    locale: Locale = plan.plan.locale or project.config.locale
    return DocumentView(
        plan=plan,
        ident=ident,
        audience=filtered.audience,
        brand=project.config.brand,
        labels=Labels(locale),
        today=today,
        currency=plan.plan.currency or project.config.currency,
        findings=filtered.findings(findings),
        health=health if filtered.shows_assessments else None,
        logo=logo_data_uri(project.config.brand, project.root),
        charts=charts or Charts(),
        links=links or Links(),
    )


def render_dossier(view: DocumentView, env: jinja2.Environment) -> str:
    """The dossier's HTML: a self-contained page, also the source of the PDF."""
    return render_template(env, "dossier.html", v=view, L=view.labels)


def render_brief(view: DocumentView, env: jinja2.Environment) -> str:
    """The meeting briefing's HTML (source of ``ID.brief.pdf``)."""
    return render_template(env, "brief.html", v=view, L=view.labels)
