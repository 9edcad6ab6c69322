"""Plans → HTML documents: one Jinja environment, the theme's template folders, typed views."""

from __future__ import annotations

import base64
import datetime as dt
import functools
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
import jinja2.sandbox
import markdown
import nh3
from jinja2.loaders import split_template_path
from markupsafe import Markup

from kaplan import __version__
from kaplan.coach.health import Health
from kaplan.config import Brand, Project, UsageError, font_families
from kaplan.documents.labels import STAGES, chinese_amount, enum_label, stage_label, word
from kaplan.files import NotReadable, read_regular
from kaplan.plan.audience import Filtered, shows_assessments
from kaplan.plan.findings import Finding
from kaplan.plan.model import Competitor, Locale, MoneyValue, Person, Plan, TeamMember
from kaplan.plan.model import Project as PlanProject

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
# A theme is a few templates, stylesheets and fonts: anything bigger is a wrong `templates:`, not a theme.
MAX_THEME_FILES = 500
MAX_THEME_BYTES = 20 * 1024 * 1024
GENERIC_FAMILIES = frozenset(
    {"serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui", "math", "emoji", "fangsong"}
    | {"ui-serif", "ui-sans-serif", "ui-monospace", "ui-rounded"}
)


class ThemeError(Exception):
    """A template is missing or broken: the message names the file and line."""


class ThemeFolderError(ThemeError, UsageError):
    """kaplan.yaml's ``templates`` names a folder kaplan will not use (outside the repository, too big).

    Both kinds on purpose: a plan's build reports it as a theme problem, and a command that meets it
    before any plan (a whole build) ends with its message and exit 2 rather than a traceback.
    """


def builtin_theme() -> Path:
    """The built-in theme: inside the installed package, else the repository's templates/."""
    packaged = Path(str(resources.files("kaplan"))) / "templates"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "templates"


def theme_dirs(project: Project) -> list[Path]:
    """Template folders in lookup order: the repository's own overrides first, then the built-in theme.

    The override folder must be inside the repository, must not hold the plans or kaplan.yaml (a
    template could include them raw, past the audience filter) and must be the size of a theme.
    """
    try:
        override = project.repository_folder("templates")
    except UsageError as exc:
        raise ThemeFolderError(str(exc)) from None
    builtin = builtin_theme().resolve()
    dirs = []
    if override.is_dir() and override != builtin:
        held = (
            ("the plans folder", project.resolve(project.config.plans)),
            ("kaplan.yaml", project.config_file),
        )
        for what, path in held:
            if path.is_relative_to(override):
                raise ThemeFolderError(
                    f"kaplan.yaml: templates: '{project.config.templates}' contains {what}: templates could "
                    "read it; name a folder of templates only, such as templates"
                )
        theme_files(override)  # a folder too big to be a theme fails here, before anything reads it
        dirs.append(override)
    dirs.append(builtin)
    return dirs


def _resolves_inside(path: Path, root: Path) -> bool:
    try:
        return path.resolve().is_relative_to(root)
    except (OSError, RuntimeError):  # a symlink loop leads nowhere kaplan may read
        return False


def theme_files(folder: Path) -> list[tuple[str, Path]]:
    """Every file of a theme folder as ``(name relative to the folder, path)``, sorted by name.

    The one place that lists a theme's files. Bounded: it raises :class:`ThemeFolderError` as soon as
    the folder holds more than ``MAX_THEME_FILES`` entries or ``MAX_THEME_BYTES``. Symlink-safe: a
    symlinked folder is not followed (what it points to inside the theme is listed where it really is),
    a symlink that leads out of the folder is left out (no loader serves it either), and so are
    devices, FIFOs and sockets.
    """
    root = folder.resolve()
    found: list[tuple[str, Path]] = []
    entries = size = 0
    pending = [root]
    while pending:
        try:
            listing = os.scandir(pending.pop())
        except OSError:  # an unreadable folder holds nothing kaplan can use
            continue
        with listing:
            for entry in listing:
                entries += 1
                if entries > MAX_THEME_FILES:
                    raise ThemeFolderError(_theme_too_big(folder, f"more than {MAX_THEME_FILES} files"))
                path = Path(entry.path)
                name = path.relative_to(root).as_posix()
                try:
                    if entry.is_symlink():
                        if _resolves_inside(path, root) and path.is_file():
                            found.append((name, path))  # its bytes are counted where the target is
                    elif entry.is_dir(follow_symlinks=False):
                        if entry.name != "__pycache__":
                            pending.append(path)
                    elif entry.is_file(follow_symlinks=False):
                        size += entry.stat(follow_symlinks=False).st_size
                        found.append((name, path))
                except OSError:  # vanished while listed
                    continue
                if size > MAX_THEME_BYTES:
                    raise ThemeFolderError(
                        _theme_too_big(folder, f"more than {MAX_THEME_BYTES // 1048576} MB")
                    )
    return sorted(found)


def _theme_too_big(folder: Path, what: str) -> str:
    return (
        f"the theme folder {folder} holds {what}: point `templates:` in kaplan.yaml at a folder "
        "of templates, stylesheets and fonts only"
    )


def theme_file(folder: Path, name: str) -> Path | None:
    """``folder/name`` when it is a file of that theme folder, else None.

    A name that is, or leads through a symlink to, a file outside the folder, or that is not a regular
    file (a FIFO or device would block or never end), is a :class:`ThemeError`, never read.
    """
    path = folder.joinpath(*split_template_path(name))
    if not os.path.lexists(path):
        return None
    if not _resolves_inside(path, folder.resolve()):
        raise ThemeError(
            f"{path}: a symlink to a file outside the theme folder {folder}; kaplan does not read it: "
            "copy the file into the theme"
        )
    if not path.exists() or path.is_dir():
        return None
    if not path.is_file():
        raise ThemeError(f"{path}: not a regular file; kaplan does not read it")
    return path


class ThemeLoader(jinja2.BaseLoader):
    """Templates from theme folders, the first that has the name wins; never a file that leaves its folder."""

    def __init__(self, dirs: Sequence[Path]) -> None:
        self.dirs = [Path(d) for d in dirs]

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        """The template's text, its file name (for error messages) and whether it is still current."""
        for folder in self.dirs:
            path = theme_file(folder, template)
            if path is None:
                continue
            try:
                source = read_regular(path, MAX_THEME_BYTES).decode("utf-8")
                mtime = path.stat().st_mtime
            except (OSError, NotReadable, UnicodeDecodeError) as exc:
                reason = exc.strerror if isinstance(exc, OSError) else str(exc)
                raise ThemeError(f"{path}: cannot read the template: {reason}") from None
            return source, os.path.normpath(path), _unchanged(path, mtime)
        raise jinja2.TemplateNotFound(template)

    def list_templates(self) -> list[str]:
        """Every template name the folders hold."""
        return sorted({name for folder in self.dirs for name, _ in theme_files(folder)})


def _unchanged(path: Path, mtime: float) -> Callable[[], bool]:
    def uptodate() -> bool:
        try:
            return path.stat().st_mtime == mtime
        except OSError:
            return False

    return uptodate


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


# Python-Markdown is quadratic on some inputs (20,000 unmatched `[` take minutes), so a field reaches
# it only in blocks whose cost is bounded; any other block is shown as escaped plain text.
MD_LIMIT = 20_000  # characters of one field rendered as Markdown; later blocks are plain text
# Characters of one field shown at all; a visible "…" counts the rest. Also bounds the PDF: a
# person's notes of 50,000 characters take WeasyPrint ~15 s, of 100,000 ~50 s.
SHOWN_LIMIT = 50_000
NEST_LIMIT = 16  # quote or list markers stacked at the start of a line (each one re-parses the rest)
BRACKET_BUDGET = 300_000  # characters the link parser may rescan per field (a Python loop)
TAG_BUDGET = 2_000_000  # characters the HTML block parser may rescan per field for unclosed tags

_BLANK_LINE = re.compile(r"(\n[ \t]*\n)")
_BRACKET = re.compile(r"\]\(|[\[\]()]")
_TAG_START = re.compile(r"<[A-Za-z]")
_LINE_MARKERS = re.compile(r"^(?:[ \t]*(?:>|(?:[-*+]|\d{1,9}[.)])[ \t]))+", re.MULTILINE)
_MARKER = re.compile(r">|[-*+]|\d{1,9}[.)]")


def _bracket_cost(block: str) -> int:
    """How far the link parser scans in ``block``: from each `[` to its `]` (or the block's end),
    and from each link's `(` to its `)`."""
    cost = 0
    brackets: list[int] = []
    parens: list[int] = []  # inside a link destination only: elsewhere `(` is plain text
    for match in _BRACKET.finditer(block):
        at, found = match.start(), match.group()
        if found == "[":
            brackets.append(at)
        elif found in ("]", "]("):
            if brackets:
                cost += at - brackets.pop()
            if found == "](":
                parens.append(at + 1)
        elif parens:
            if found == "(":
                parens.append(at)
            else:
                cost += at - parens.pop()
    end = len(block)
    return cost + sum(end - at for at in brackets) + sum(end - at for at in parens)


def _tag_cost(block: str, rest: int) -> int:
    """How far the HTML block parser scans for tags in ``block`` that no `>` closes: each is read
    to the end of the text (``rest`` characters from the block's start, at most MD_LIMIT)."""
    last = block.rfind(">")
    return sum(min(MD_LIMIT, rest - m.start()) for m in _TAG_START.finditer(block, last + 1))


def _nesting(block: str) -> int:
    """The most quote and list markers any line of ``block`` starts with."""
    return max((len(_MARKER.findall(m.group())) for m in _LINE_MARKERS.finditer(block)), default=0)


def _segments(text: str) -> list[tuple[str, bool]]:
    """``text`` as runs of blocks (split at blank lines): ``(run, True)`` to render as Markdown,
    ``(run, False)`` to show as plain text. Each check is linear in the text."""
    pieces = _BLANK_LINE.split(text)
    runs: list[tuple[str, bool]] = []
    md_chars = brackets = tags = start = 0
    for i in range(0, len(pieces), 2):
        block = pieces[i]
        gap = pieces[i + 1] if i + 1 < len(pieces) else ""
        size = len(block) + len(gap)
        is_md = md_chars + size <= MD_LIMIT
        if is_md:
            bracket_cost = _bracket_cost(block)
            tag_cost = _tag_cost(block, len(text) - start)
            is_md = (
                brackets + bracket_cost <= BRACKET_BUDGET
                and tags + tag_cost <= TAG_BUDGET
                and _nesting(block) <= NEST_LIMIT
            )
            if is_md:
                md_chars, brackets, tags = md_chars + size, brackets + bracket_cost, tags + tag_cost
        if runs and runs[-1][1] == is_md:
            runs[-1] = (runs[-1][0] + block + gap, is_md)
        else:
            runs.append((block + gap, is_md))
        start += size
    return runs


def _plain_html(text: str) -> str:
    """Text shown as it is written: escaped, one paragraph per blank-line block, and a line-break
    opportunity every 64 characters of an unbroken run (a 100,000-character word takes WeasyPrint
    minutes to break). The result holds no markup from ``text``, so it needs no sanitiser."""
    blocks = (b.strip("\n") for b in _BLANK_LINE.split(text)[::2])
    escaped = (_LONG_RUN.sub(r"\1<wbr>", str(Markup.escape(b))) for b in blocks if b.strip())
    return "".join(f"<p>{b}</p>\n" for b in escaped)


_LONG_RUN = re.compile(r"((?:&#?\w+;|[^\s&]){64})(?=\S)")  # an escaped entity counts as one character


def _clean(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


def render_markdown(text: str | None) -> Markup:
    """Markdown → sanitised HTML (allow-listed tags, http/https/mailto links only).

    Blocks that would make Markdown slow (see MD_LIMIT and the budgets above) are shown as plain
    text; past SHOWN_LIMIT characters the field is cut, with a visible "…".
    """
    if not text:
        return Markup("")
    parts = []
    for run, is_md in _segments(text[:SHOWN_LIMIT]):
        if is_md:
            _md.reset()
            parts.append(_clean(_md.convert(_loosen_lists(run))))
        else:
            parts.append(_plain_html(run))
    if len(text) > SHOWN_LIMIT:
        parts.append(f"<p>… (+{len(text) - SHOWN_LIMIT:,})</p>")
    return Markup("\n".join(parts))


def css_string(value: str) -> str:
    """A CSS string literal that cannot break out of its declaration or its <style>."""
    escaped = "".join(c if c.isalnum() or c in " -_." else f"\\{ord(c):x} " for c in value)
    return f'"{escaped}"'


def css_font_family(value: str | None) -> str:
    """A brand font list as CSS ``font-family`` values: each family a CSS string, generic names bare."""
    families = font_families(value)
    return ", ".join(name if name in GENERIC_FAMILIES else css_string(name) for name in families)


class ThemeSandbox(jinja2.sandbox.SandboxedEnvironment):
    """Jinja's sandbox, with its per-access safety test remembered per (type, attribute).

    Why: a dashboard of 1,000 accounts reads ~50,000 attributes, and the test was a third of rendering
    it. Jinja's test (a leading underscore, or an internal attribute of a function, method, type, code,
    frame or generator object) depends only on the object's type and the attribute's name, so the
    answer for the first object of a type holds for every other.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._safe: dict[tuple[type, str], bool] = {}

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        key = (type(obj), attr)
        safe = self._safe.get(key)
        if safe is None:
            safe = self._safe[key] = super().is_safe_attribute(obj, attr, value)
        return safe


def make_env(dirs: Sequence[Path]) -> jinja2.sandbox.SandboxedEnvironment:
    """The Jinja environment: sandboxed, autoescaped, strict about undefined names.

    A repository's template replaces the built-in file of the same name; it can also extend
    the built-in one as ``kaplan/NAME`` and override only some blocks. Templates come from pull
    requests, so they run in Jinja's sandbox: no attribute of Python's internals is reachable.
    """
    loader = jinja2.ChoiceLoader(
        [ThemeLoader(dirs), jinja2.PrefixLoader({"kaplan": ThemeLoader([dirs[-1]])})]
    )
    env = ThemeSandbox(
        loader=loader,
        autoescape=jinja2.select_autoescape(["html", "htm", "xml", "svg"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = render_markdown
    env.filters["css_string"] = css_string
    env.filters["css_font_family"] = css_font_family
    return env


@functools.lru_cache(maxsize=8)
def theme_env(dirs: tuple[Path, ...]) -> jinja2.sandbox.SandboxedEnvironment:
    """One environment per process and theme, so templates compile once rather than once per plan.

    Jinja still checks each template's file time, so an edited template is picked up (kaplan serve).
    """
    return make_env(dirs)


def render_template(env: jinja2.Environment, name: str, **context: Any) -> str:
    """Render a theme template; a broken or missing one becomes a :class:`ThemeError`."""
    try:
        return env.get_template(name).render(**context)
    except ThemeError:
        raise  # a refused theme file: its message already names it
    except jinja2.exceptions.SecurityError as exc:  # the sandbox stopped a reach for Python internals
        raise ThemeError(
            f"{_template_frame(exc) or name}: not allowed in a template: {exc}; "
            "templates may use the view's fields and methods only"
        ) from None
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
    """The brand logo as a data: URI, read only from a regular file inside the repository."""
    if not brand.logo:
        return None
    given = root / brand.logo
    if not _resolves_inside(given, root.resolve()):
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
