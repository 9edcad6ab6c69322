"""``kaplan init``: a new plans repository, ready for git, pre-commit and CI."""

from __future__ import annotations

import contextlib
import datetime as dt
from importlib import resources
from pathlib import Path

from kaplan import DISTRIBUTION, __version__
from kaplan.config import CONFIG_NAME
from kaplan.errors import KaplanError
from kaplan.files import write_atomic
from kaplan.plan.schema import SCHEMA_FILE, schema_text
from kaplan.plan.starter import starter_text

LOCALES = ("zh", "en")
STARTER_ID = "example-account"
STARTER_NAMES = {"zh": "示例客户", "en": "Example Account"}

# Where each file of the new repository comes from in kaplan/site/scaffold_files/; {locale} picks a language.
# In the files, {distribution} and {version} become what to `pip install` for this very kaplan, so
# a repository keeps the kaplan that wrote it until someone raises it on purpose.
SCAFFOLD = {
    CONFIG_NAME: "kaplan.{locale}.yaml",
    "templates/README.md": "templates/README.{locale}.md",
    "Makefile": "Makefile",
    ".gitignore": "gitignore",
    ".pre-commit-config.yaml": "pre-commit-config.yaml",
    ".github/workflows/plans.yml": "workflows/plans.yml",
}


class InitError(KaplanError):
    """The repository could not be created: the message says why, and nothing was left behind."""


def repository_files(locale: str, today: dt.date) -> dict[str, str]:
    """Every file of a new repository, by path relative to it, with its text."""
    if locale not in LOCALES:
        raise InitError(f"unknown locale '{locale}': use one of {', '.join(LOCALES)}")
    scaffold = resources.files("kaplan.site").joinpath("scaffold_files")
    files = {
        rel: scaffold.joinpath(source.format(locale=locale))
        .read_text("utf-8")
        .replace("{distribution}", DISTRIBUTION)
        .replace("{version}", __version__)
        for rel, source in SCAFFOLD.items()
    }
    files[f"plans/{STARTER_ID}.yaml"] = starter_text(STARTER_ID, STARTER_NAMES[locale], locale, today)
    files[SCHEMA_FILE] = schema_text()
    return dict(sorted(files.items()))


def init_repository(folder: Path, locale: str = "en", today: dt.date | None = None) -> list[Path]:
    """Write a new plans repository into ``folder``; return the files written.

    ``folder`` may be missing, empty or hold unrelated files; it is refused when it already holds
    a kaplan repository or any file kaplan would write. All or nothing: on a write error the files
    written so far are removed again.
    """
    files = repository_files(locale, today or dt.date.today())
    try:
        _refuse_existing(folder, files)
        created = _missing_folders(folder, files)
    except OSError as exc:
        raise InitError(f"cannot look into {folder}: {exc.strerror or exc}") from None
    written: list[Path] = []
    for rel, text in files.items():
        path = folder / rel
        try:
            written.append(write_atomic(path, text))
        except OSError as exc:
            _remove(written, created)
            raise InitError(f"cannot write {path}: {exc.strerror or exc}") from None
    return written


def _refuse_existing(folder: Path, files: dict[str, str]) -> None:
    if folder.exists() and not folder.is_dir():
        raise InitError(f"{folder} is a file, not a folder")
    if not folder.is_dir():
        return
    for marker in (CONFIG_NAME, "plans"):
        if (folder / marker).exists():
            raise InitError(
                f"{folder} already holds a plans repository ({marker} exists): kaplan init never "
                "overwrites; add a plan with `kaplan new ID`"
            )
    clashes = [rel for rel in files if (folder / rel).exists() or (folder / rel).is_symlink()]
    if clashes:
        raise InitError(
            f"{folder} already has {', '.join(clashes)}: kaplan init never overwrites a file; "
            "move them away or choose another folder"
        )


def _missing_folders(folder: Path, files: dict[str, str]) -> list[Path]:
    """The folders that writing ``files`` will create, parents first."""
    needed = {folder / rel for rel in files}
    parents = {p for path in needed for p in path.parents}
    return sorted((p for p in parents if not p.exists()), key=lambda p: len(p.parts))


def _remove(written: list[Path], created: list[Path]) -> None:
    """Undo a failed init: its files, then the folders it made, deepest first."""
    for path in reversed(written):
        path.unlink(missing_ok=True)
    for folder in reversed(created):
        with contextlib.suppress(OSError):  # not empty or already gone: leave it
            folder.rmdir()
