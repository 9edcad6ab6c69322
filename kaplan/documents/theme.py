"""The theme: its ordered template folders (a repository's overrides first, the built-in theme last),
the one lookup of a theme file, and the sandboxed Jinja environment that renders from them."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
import jinja2.sandbox
from jinja2.loaders import split_template_path

from kaplan.config import PdfVariant, Workspace, font_families
from kaplan.documents.markdown import for_readers, render_markdown
from kaplan.errors import KaplanError, UsageError
from kaplan.files import NotReadable, read_regular

# A theme is a few templates, stylesheets and fonts: anything bigger is a wrong `templates:`, not a theme.
MAX_THEME_FILES = 500
MAX_THEME_BYTES = 20 * 1024 * 1024
GENERIC_FAMILIES = frozenset(
    {"serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui", "math", "emoji", "fangsong"}
    | {"ui-serif", "ui-sans-serif", "ui-monospace", "ui-rounded"}
)


class ThemeError(KaplanError):
    """A template is missing or broken: the message names the file and line."""


class ThemeFolderError(ThemeError, UsageError):
    """kaplan.yaml's ``templates`` names a folder kaplan will not use (outside the repository, too big).

    Both kinds on purpose: a plan's build reports it as a theme problem, and a command that meets it
    before any plan (a whole build) ends with its message and exit 2 rather than a traceback.
    """


def builtin_folder() -> Path:
    """The built-in theme's folder: inside the installed package, else the repository's templates/."""
    packaged = Path(str(resources.files("kaplan"))) / "templates"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "templates"


@dataclass(frozen=True)
class Theme:
    """Template folders in lookup order: the first folder that has a name wins, the last is built in.

    The whole override mechanism: a repository's file replaces the built-in file of the same name.
    Templates, the PDF's stylesheets and fonts, and the site's assets are all found by :meth:`find`.
    ``pdf_variant`` is the PDF standard its PDFs follow (kaplan.yaml's ``pdf_variant``); None: tagged only.
    """

    folders: tuple[Path, ...]
    pdf_variant: PdfVariant | None = None

    @classmethod
    def of(cls, project: Workspace) -> Theme:
        """The project's theme: its ``templates:`` folder when it has one, then the built-in theme.

        The override folder must be inside the repository, must not hold the plans or kaplan.yaml (a
        template could include them raw, past the audience filter) and must be the size of a theme.
        """
        try:
            override = project.repository_folder("templates")
        except UsageError as exc:
            raise ThemeFolderError(str(exc)) from None
        builtin = builtin_folder().resolve()
        variant = project.config.pdf_variant
        if not override.is_dir() or override == builtin:
            return cls((builtin,), variant)
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
        folder_files(override)  # a folder too big to be a theme fails here, before anything reads it
        return cls((override, builtin), variant)

    @classmethod
    def builtin(cls) -> Theme:
        """The built-in theme alone."""
        return cls((builtin_folder(),))

    def find(self, name: str) -> Path | None:
        """The file of a theme name (``site/site.css``), looked up in every folder, overrides first.

        None when no folder has it. A name that is, or leads through a symlink to, a file outside its
        folder, or that is not a regular file, is a :class:`ThemeError`, never read.
        """
        for folder in self.folders:
            path = _file_in(folder, name)
            if path is not None:
                return path
        return None

    def files(self) -> list[tuple[str, Path]]:
        """Every file of every folder as ``("INDEX/name", path)``, folder by folder (what a build hashes)."""
        return [
            (f"{i}/{name}", path)
            for i, folder in enumerate(self.folders)
            for name, path in folder_files(folder)
        ]

    @property
    def env(self) -> jinja2.sandbox.SandboxedEnvironment:
        """The process's environment for this theme, so templates compile once rather than once per plan.

        Jinja still checks each template's file time, so an edited template is picked up (kaplan serve).
        """
        return _shared_env(self)

    def new_env(self) -> jinja2.sandbox.SandboxedEnvironment:
        """A new Jinja environment: sandboxed, autoescaped, strict about undefined names.

        A repository's template replaces the built-in file of the same name; it can also extend
        the built-in one as ``kaplan/NAME`` and override only some blocks. Templates come from pull
        requests, so they run in Jinja's sandbox: no attribute of Python's internals is reachable.
        """
        builtin = Theme(self.folders[-1:])
        loader = jinja2.ChoiceLoader(
            [ThemeLoader(self), jinja2.PrefixLoader({"kaplan": ThemeLoader(builtin)})]
        )
        env = ThemeSandbox(
            loader=loader,
            autoescape=jinja2.select_autoescape(["html", "htm", "xml", "svg"], default_for_string=True),
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            bytecode_cache=_bytecode_cache(),
        )
        env.filters["md"] = render_markdown
        env.filters["for_readers"] = for_readers
        env.filters["css_string"] = css_string
        env.filters["css_font_family"] = css_font_family
        return env


def css_string(value: str) -> str:
    """A CSS string literal that cannot break out of its declaration or its <style>."""
    escaped = "".join(c if c.isalnum() or c in " -_." else f"\\{ord(c):x} " for c in value)
    return f'"{escaped}"'


def css_font_family(value: str | None) -> str:
    """A brand font list as CSS ``font-family`` values: each family a CSS string, generic names bare."""
    families = font_families(value)
    return ", ".join(name if name in GENERIC_FAMILIES else css_string(name) for name in families)


@functools.cache
def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates kept between runs, in the user's cache folder; None where there is none.

    Compiling the dossier's templates took a build process 0.5–0.9 s, in every build and in each of its
    workers. Jinja's cache is keyed by the template's file and checked against its source, so an
    edited template is compiled again. The folder must be the user's own and closed to others: what
    is in it is loaded as code (Jinja's own checks refuse another Python's or Jinja's bytecode).
    """
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    folder = base / "kaplan" / "templates"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = folder.stat()
    except (OSError, RuntimeError):
        return None
    if info.st_uid != os.getuid() or info.st_mode & 0o077:
        return None
    return jinja2.FileSystemBytecodeCache(str(folder))


@functools.lru_cache(maxsize=8)
def _shared_env(theme: Theme) -> jinja2.sandbox.SandboxedEnvironment:
    return theme.new_env()


def resolves_inside(path: Path, root: Path) -> bool:
    """Whether ``path``, symlinks followed, is ``root`` or inside it (``root`` already resolved)."""
    try:
        return path.resolve().is_relative_to(root)
    except (OSError, RuntimeError):  # a symlink loop leads nowhere kaplan may read
        return False


def folder_files(folder: Path) -> list[tuple[str, Path]]:
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
                        if resolves_inside(path, root) and path.is_file():
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


def _file_in(folder: Path, name: str) -> Path | None:
    """``folder/name`` when it is a file of that theme folder, else None (see :meth:`Theme.find`)."""
    path = folder.joinpath(*split_template_path(name))
    if not os.path.lexists(path):
        return None
    if not resolves_inside(path, folder.resolve()):
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
    """Templates from a theme's folders, the first that has the name wins; never a file that leaves its folder."""

    def __init__(self, theme: Theme) -> None:
        self.theme = theme

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        """The template's text, its file name (for error messages) and whether it is still current."""
        path = self.theme.find(template)
        if path is None:
            raise jinja2.TemplateNotFound(template)
        try:
            source = read_regular(path, MAX_THEME_BYTES).decode("utf-8")
            mtime = path.stat().st_mtime
        except (OSError, NotReadable, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) else str(exc)
            raise ThemeError(f"{path}: cannot read the template: {reason}") from None
        return source, os.path.normpath(path), _unchanged(path, mtime)

    def list_templates(self) -> list[str]:
        """Every template name the folders hold."""
        return sorted({name for folder in self.theme.folders for name, _ in folder_files(folder)})


def _unchanged(path: Path, mtime: float) -> Callable[[], bool]:
    def uptodate() -> bool:
        try:
            return path.stat().st_mtime == mtime
        except OSError:
            return False

    return uptodate


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
