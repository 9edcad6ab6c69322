"""Inputs other than plans are untrusted too: templates, kaplan.yaml, symlinks, the output folder, modes.

Each attack runs against a real repository in a temporary folder (kaplan.yaml, plans/, templates/),
mostly through the command line, and must end in a one-line message: never a traceback, never the
contents of a refused file, never a command run by a template.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import Result
from conftest import TODAY, run

from kaplan.config import Brand, Workspace, check_out_folder, load_workspace
from kaplan.documents.pdf import BlockedURL, _fetcher_class
from kaplan.documents.render import render_template
from kaplan.documents.theme import (
    MAX_THEME_FILES,
    Theme,
    ThemeError,
    ThemeFolderError,
    builtin_folder,
    css_font_family,
    folder_files,
)
from kaplan.documents.views import logo_data_uri
from kaplan.errors import UsageError

SECRET = "SECRET-OUTSIDE-THE-REPOSITORY"
BUILD = ["build", "--out", "out", "--no-pdf", "--no-brief", "--jobs", "1", "--today", TODAY.isoformat()]


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make_plan: Callable[..., dict[str, Any]]) -> Path:
    """A repository one level down (tmp_path/repo, so ``outside`` can sit beside it) as the current
    folder: kaplan.yaml, plans/acme.yaml, an empty templates/."""
    root = tmp_path / "repo"
    (root / "plans").mkdir(parents=True)
    (root / "templates").mkdir()
    (root / "kaplan.yaml").write_text("title: Test plans\n", encoding="utf-8")
    write_yaml(root / "plans" / "acme.yaml", make_plan())
    monkeypatch.chdir(root)
    monkeypatch.delenv("KAPLAN_TODAY", raising=False)
    return root


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder beside the repository, holding a secret."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "secret.txt").write_text(SECRET, encoding="utf-8")
    return folder


def write_yaml(path: Path, data: dict[str, Any]) -> None:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def run_keeping_secret(*args: str) -> Result:
    """Run kaplan; whatever the attack, no traceback and no secret in what it prints."""
    result = run(*args)
    assert SECRET not in result.output, result.output
    return result


def files_under(folder: Path) -> dict[str, bytes]:
    """Every regular file under ``folder`` (the symlinks a test planted are not outputs)."""
    found = sorted(folder.rglob("*"))
    return {str(p.relative_to(folder)): p.read_bytes() for p in found if p.is_file() and not p.is_symlink()}


def assert_no_secret_in(folder: Path) -> None:
    for name, data in files_under(folder).items():
        assert SECRET.encode() not in data, name


# --- templates run in Jinja's sandbox ------------------------------------------------------------------


ESCAPES = [
    "{{ cycler.__init__.__globals__.os.popen('touch PWNED').read() }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ lipsum.__globals__['os'].popen('touch PWNED').read() }}",
    "{{ v.__class__.__init__.__globals__ }}",
    "{{ L.t.__globals__['__builtins__']['__import__']('os').system('touch PWNED') }}",
    "{{ '{0.__class__.__mro__}'.format(v) }}",
]


@pytest.mark.parametrize("attack", ESCAPES)
def test_a_template_cannot_reach_python_internals(repo: Path, attack: str) -> None:
    (repo / "templates" / "dossier.html").write_text(f"<p>before</p>\n{attack}\n", encoding="utf-8")
    result = run_keeping_secret(*BUILD)
    assert result.exit_code == 1
    assert f"{repo / 'templates' / 'dossier.html'}:2: not allowed in a template" in result.output
    assert not (repo / "PWNED").exists()
    assert not (repo / "out" / "accounts" / "acme.html").exists()


def test_a_sandbox_refusal_is_a_theme_error_naming_file_and_line(tmp_path: Path) -> None:
    theme = tmp_path / "theme"
    theme.mkdir()
    (theme / "x.html").write_text("ok\n\n{{ cycler.__init__.__globals__ }}\n", encoding="utf-8")
    with pytest.raises(ThemeError, match=r"x\.html:3: not allowed in a template: .*unsafe"):
        render_template(Theme((theme, builtin_folder())).new_env(), "x.html")


def test_the_sandbox_still_lets_templates_use_views_extends_and_blocks(tmp_path: Path) -> None:
    theme = tmp_path / "theme"
    theme.mkdir()
    (theme / "base.html").write_text("[{% block body %}{% endblock %}]", encoding="utf-8")
    (theme / "page.html").write_text(
        '{% extends "base.html" %}{% block body %}{{ brand.font_families | join("|") }} '
        "{{ brand.name.upper() }}{% endblock %}",
        encoding="utf-8",
    )
    brand = Brand(name="acme", font="Foo, bar")
    assert (
        render_template(Theme((theme, builtin_folder())).new_env(), "page.html", brand=brand)
        == "[Foo|bar ACME]"
    )


# --- symlinks out of the repository ---------------------------------------------------------------------


def test_a_template_symlinked_out_of_the_repository_is_refused(repo: Path, outside: Path) -> None:
    (repo / "templates" / "dossier.html").symlink_to(outside / "secret.txt")
    result = run_keeping_secret(*BUILD)
    assert result.exit_code == 1
    assert "dossier.html: a symlink to a file outside the theme folder" in result.output
    assert_no_secret_in(repo)


def test_an_included_template_symlinked_out_is_refused(repo: Path, outside: Path) -> None:
    (repo / "templates" / "macros.html").symlink_to(outside / "secret.txt")
    result = run_keeping_secret(*BUILD)
    assert result.exit_code == 1
    assert "macros.html: a symlink to a file outside the theme folder" in result.output
    assert_no_secret_in(repo)


def test_a_template_symlinked_to_a_repository_file_outside_the_theme_is_refused(repo: Path) -> None:
    (repo / "templates" / "dossier.html").symlink_to(repo / "plans" / "acme.yaml")
    result = run_keeping_secret(*BUILD)
    assert result.exit_code == 1
    assert "outside the theme folder" in result.output


def test_a_template_under_a_symlinked_folder_out_of_the_repository_is_refused(
    repo: Path, outside: Path
) -> None:
    (outside / "dossier.html").write_text(SECRET, encoding="utf-8")
    (repo / "templates" / "kaplan-theme").symlink_to(outside, target_is_directory=True)
    (repo / "templates" / "dossier.html").write_text(
        '{% include "kaplan-theme/dossier.html" %}', encoding="utf-8"
    )
    result = run_keeping_secret(*BUILD)
    assert result.exit_code == 1
    assert "outside the theme folder" in result.output
    assert_no_secret_in(repo)


def test_a_symlink_inside_the_theme_is_fine(repo: Path) -> None:
    real = repo / "templates" / "real"
    real.mkdir()
    (real / "theme.css").write_text("/* OUR-LINKED-THEME */\n", encoding="utf-8")
    (repo / "templates" / "theme.css").symlink_to(real / "theme.css")
    result = run_keeping_secret(*BUILD)
    assert result.exit_code == 0, result.output
    assert "OUR-LINKED-THEME" in (repo / "out" / "accounts" / "acme.html").read_text(encoding="utf-8")


def test_a_site_asset_symlinked_out_is_refused(repo: Path, outside: Path) -> None:
    (repo / "templates" / "site").mkdir()
    (repo / "templates" / "site" / "site.css").symlink_to(outside / "secret.txt")
    result = run_keeping_secret(*BUILD)
    assert result.exit_code == 1
    assert "site.css: a symlink to a file outside the theme folder" in result.output
    assert_no_secret_in(repo)


def test_a_templates_folder_symlinked_out_of_the_repository_is_refused(repo: Path, outside: Path) -> None:
    (repo / "templates").rmdir()
    (outside / "dossier.html").write_text(SECRET, encoding="utf-8")
    (repo / "templates").symlink_to(outside, target_is_directory=True)
    result = run_keeping_secret(*BUILD)
    assert result.exit_code == 2
    assert "kaplan.yaml: templates: 'templates' is outside the repository" in result.output
    assert not (repo / "out" / "accounts").exists()


def test_the_pdf_fetcher_refuses_symlinks_out_of_its_theme(repo: Path, outside: Path) -> None:
    theme = repo / "templates"
    (theme / "fine.css").write_text("p { color: teal }\n", encoding="utf-8")
    (theme / "out.css").symlink_to(outside / "secret.txt")
    (theme / "plan.css").symlink_to(repo / "plans" / "acme.yaml")  # in the repository, not the theme
    (theme / "sub").symlink_to(outside, target_is_directory=True)
    os.mkfifo(theme / "pipe.css")
    fetcher = _fetcher_class()(Theme((theme, builtin_folder())))
    assert fetcher.fetch((theme / "fine.css").as_uri()).read() == b"p { color: teal }\n"
    for name in ("out.css", "plan.css", "sub/secret.txt", "pipe.css"):
        with pytest.raises(BlockedURL):
            fetcher.fetch((theme / name).as_uri())


def test_a_plan_symlinked_out_of_the_repository_is_an_error_finding(
    repo: Path, outside: Path, make_plan: Callable[..., dict[str, Any]]
) -> None:
    write_yaml(outside / "stolen.yaml", make_plan(account={"name": SECRET, "industry": SECRET}))
    (repo / "plans" / "stolen.yaml").symlink_to(outside / "stolen.yaml")
    message = (
        "plans/stolen.yaml:1:1: error syntax: plans/stolen.yaml is a symlink to a file outside "
        "the repository; kaplan does not read it"
    )
    checked = run_keeping_secret("check", "--today", TODAY.isoformat())
    assert checked.exit_code == 1
    assert message in checked.output
    assert "2 plans checked, 1 invalid" in checked.output
    built = run_keeping_secret(*BUILD)
    assert built.exit_code == 1
    assert message in built.output
    assert (repo / "out" / "accounts" / "acme.html").is_file()  # the other plan is still built
    assert not (repo / "out" / "accounts" / "stolen.html").exists()
    assert_no_secret_in(repo / "out")


def test_a_plan_named_on_the_command_line_through_a_symlinked_folder_is_refused(
    repo: Path, outside: Path, make_plan: Callable[..., dict[str, Any]]
) -> None:
    write_yaml(outside / "stolen.yaml", make_plan(account={"name": SECRET}))
    (repo / "plans" / "elsewhere").symlink_to(outside, target_is_directory=True)
    result = run_keeping_secret("check", "plans/elsewhere/stolen.yaml", "--today", TODAY.isoformat())
    assert result.exit_code == 1
    assert "leads through a symlinked folder to a file outside the repository" in result.output


def test_a_plan_symlinked_inside_the_repository_is_fine(repo: Path) -> None:
    (repo / "drafts").mkdir()
    (repo / "plans" / "acme.yaml").rename(repo / "drafts" / "acme.yaml")
    (repo / "plans" / "acme.yaml").symlink_to(repo / "drafts" / "acme.yaml")
    result = run_keeping_secret("check", "--today", TODAY.isoformat())
    assert result.exit_code == 0, result.output


def test_a_plans_folder_outside_the_repository_is_refused(repo: Path, outside: Path) -> None:
    (repo / "kaplan.yaml").write_text(f"plans: {outside}\n", encoding="utf-8")
    result = run_keeping_secret("check", "--today", TODAY.isoformat())
    assert result.exit_code == 2
    assert f"kaplan.yaml: plans: '{outside}' is outside the repository" in result.output


# --- the logo -------------------------------------------------------------------------------------------


def logo_error(repo: Path, logo: str) -> str:
    done: list[str] = []

    def attempt() -> None:
        try:
            logo_data_uri(Brand(logo=logo), repo)
        except ThemeError as exc:
            done.append(str(exc))

    # A blocking read (a FIFO) must not hang the test suite: it would fail here instead.
    worker = threading.Thread(target=attempt, daemon=True)
    worker.start()
    worker.join(timeout=10)
    assert not worker.is_alive(), f"reading the logo {logo} blocked"
    assert done, f"the logo {logo} was accepted"
    return done[0]


def test_a_logo_symlinked_out_of_the_repository_is_refused(repo: Path, outside: Path) -> None:
    (outside / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + SECRET.encode())
    (repo / "logo.png").symlink_to(outside / "logo.png")
    (repo / "zero.png").symlink_to("/dev/zero")
    for logo in ("logo.png", "zero.png", "/dev/zero", "../outside/logo.png"):
        assert "the logo must be a file inside the repository" in logo_error(repo, logo)


def test_a_logo_that_is_not_a_regular_file_is_refused_without_reading_it(repo: Path) -> None:
    os.mkfifo(repo / "fifo.png")
    (repo / "folder.png").mkdir()
    for logo in ("fifo.png", "folder.png"):
        assert f"kaplan.yaml: brand.logo {logo}: not a regular file" in logo_error(repo, logo)


def test_a_logo_symlinked_out_fails_the_build_with_one_line(repo: Path, outside: Path) -> None:
    (outside / "logo.png").write_bytes(SECRET.encode())
    (repo / "logo.png").symlink_to(outside / "logo.png")
    (repo / "kaplan.yaml").write_text("brand: {logo: logo.png}\n", encoding="utf-8")
    result = run_keeping_secret(*BUILD)
    assert result.exit_code == 1
    assert "brand.logo logo.png: the logo must be a file inside the repository" in result.output
    assert_no_secret_in(repo)


# --- the output folder ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("config", "flag", "words"),
    [
        ("out: .\n", [], "contains the plans folder"),
        ("out: plans/..\n", [], "contains the plans folder"),
        ("out: plans\n", [], "is the plans folder"),
        ("out: templates\n", [], "is the templates folder"),
        ("out: templates/site-out\n", [], "is inside the templates folder"),
        ("out: kaplan.yaml\n", [], "is kaplan.yaml"),
        ("", ["--out", "."], "contains the plans folder"),
        ("", ["--out", ".."], "contains the plans folder"),
        ("", ["--out", "plans"], "is the plans folder"),
        ("plans: accounts\n", ["--out", "accounts"], "is the plans folder"),
    ],
)
def test_the_output_folder_may_not_hold_the_sources(
    repo: Path, config: str, flag: list[str], words: str
) -> None:
    (repo / "kaplan.yaml").write_text(config, encoding="utf-8")
    if (repo / "plans").is_dir() and "accounts" in config:
        (repo / "plans").rename(repo / "accounts")
    before = files_under(repo.parent)
    result = run_keeping_secret(
        "build", *flag, "--no-pdf", "--no-brief", "--jobs", "1", "--today", TODAY.isoformat()
    )
    assert result.exit_code == 2, result.output
    assert words in result.output
    assert "set `out:` in kaplan.yaml or --out" in result.output
    assert files_under(repo.parent) == before  # nothing written, nothing deleted
    assert not (repo / "accounts" / "acme.html").exists()


def test_check_out_folder_accepts_a_folder_of_its_own(repo: Path, tmp_path: Path) -> None:
    project = load_workspace(repo)
    check_out_folder(project, repo / "build")
    check_out_folder(project, tmp_path / "elsewhere")
    elsewhere = project.config.model_copy(update={"plans": "../p", "templates": "../t"})
    with pytest.raises(UsageError, match=r"contains kaplan\.yaml"):
        check_out_folder(Workspace(elsewhere, repo, project.file), repo)


# --- the templates folder -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("templates", "words"),
    [
        ("/", "is outside the repository"),
        ("..", "is outside the repository"),
        ("../outside", "is outside the repository"),
        (".", "contains the plans folder"),
    ],
)
def test_a_templates_folder_outside_the_repository_or_holding_plans_is_refused(
    repo: Path, outside: Path, templates: str, words: str
) -> None:
    (repo / "kaplan.yaml").write_text(f"templates: '{templates}'\n", encoding="utf-8")
    result = run_keeping_secret(*BUILD)
    assert result.exit_code == 2, result.output
    assert f"kaplan.yaml: templates: '{templates}' {words}" in result.output
    assert not (repo / "out" / "accounts").exists()


def test_a_huge_templates_folder_is_refused(repo: Path) -> None:
    crowd = repo / "templates" / "crowd"
    crowd.mkdir()
    for i in range(MAX_THEME_FILES + 1):
        (crowd / f"{i}.css").touch()
    result = run_keeping_secret(*BUILD)
    assert result.exit_code == 2, result.output
    assert f"holds more than {MAX_THEME_FILES} files" in result.output
    assert not (repo / "out" / "accounts").exists()


def test_a_templates_folder_over_20_mb_is_refused(repo: Path) -> None:
    with (repo / "templates" / "font.ttf").open("wb") as handle:
        handle.truncate(21 * 1024 * 1024)  # sparse: its size counts, not its blocks
    result = run_keeping_secret(*BUILD)
    assert result.exit_code == 2, result.output
    assert "holds more than 20 MB" in result.output


def test_theme_files_stops_as_soon_as_the_limit_is_passed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    theme = tmp_path / "theme"
    theme.mkdir()
    for i in range(3 * MAX_THEME_FILES):
        (theme / f"{i}.css").touch()
    seen: list[str] = []
    real_scandir = os.scandir

    def counting_scandir(path: Any) -> Any:
        listing = real_scandir(path)

        class Counted:
            def __enter__(self) -> Counted:
                return self

            def __exit__(self, *exc: object) -> None:
                listing.close()

            def __iter__(self) -> Any:
                for entry in listing:
                    seen.append(entry.name)
                    yield entry

        return Counted()

    monkeypatch.setattr("kaplan.documents.theme.os.scandir", counting_scandir)
    with pytest.raises(ThemeFolderError):
        folder_files(theme)
    assert len(seen) == MAX_THEME_FILES + 1


def test_theme_files_is_sorted_bounded_and_symlink_safe(tmp_path: Path, outside: Path) -> None:
    theme = tmp_path / "theme"
    (theme / "sub").mkdir(parents=True)
    (theme / "b.css").write_text("b", encoding="utf-8")
    (theme / "sub" / "a.html").write_text("a", encoding="utf-8")
    (theme / "a.css").symlink_to(theme / "b.css")  # inside: listed
    (theme / "leak.css").symlink_to(outside / "secret.txt")  # outside: left out
    (theme / "root").symlink_to("/", target_is_directory=True)  # a folder link: not followed
    (theme / "loop").symlink_to(theme, target_is_directory=True)
    os.mkfifo(theme / "pipe.css")
    (theme / "__pycache__").mkdir()
    (theme / "__pycache__" / "x.pyc").write_bytes(b"")
    names = [name for name, _ in folder_files(theme)]
    assert names == ["a.css", "b.css", "sub/a.html"]
    assert [n for n, _ in folder_files(builtin_folder())] == sorted(
        n for n, _ in folder_files(builtin_folder())
    )


def test_theme_dirs_are_the_override_then_the_built_in_theme(repo: Path) -> None:
    (repo / "templates" / "theme.css").write_text("/* ours */", encoding="utf-8")
    assert list(Theme.of(load_workspace(repo)).folders) == [repo / "templates", builtin_folder().resolve()]


# --- brand.font -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "font",
    [
        "Foo; } body { background: url(http://x) }",
        "</style><script>alert(1)</script>",
        'X"; } </style><script>',
        'Foo\\"',
        "Foo, , Bar",
        '"Unclosed, serif',
        "Foo /* comment */",
        "A" * 101,
    ],
)
def test_a_malicious_brand_font_is_a_schema_error_at_its_line(repo: Path, font: str) -> None:
    (repo / "kaplan.yaml").write_text(
        "title: Test\nbrand:\n  name: Acme\n  font: "
        + yaml.safe_dump(font, width=1000).splitlines()[0]
        + "\n",
        encoding="utf-8",
    )
    checked = run_keeping_secret("check", "--today", TODAY.isoformat())
    assert checked.exit_code == 1
    assert "kaplan.yaml:4:9: error schema: brand.font: " in checked.output, checked.output
    built = run_keeping_secret(*BUILD)
    assert built.exit_code == 1
    assert "kaplan.yaml:4:9: error schema: brand.font: " in built.output
    assert not (repo / "out").exists()


@pytest.mark.parametrize(
    ("font", "css"),
    [
        ('"Source Han Sans", sans-serif', '"Source Han Sans", sans-serif'),
        ("'Source Han Sans SC',serif", '"Source Han Sans SC", serif'),
        ("思源黑体", '"思源黑体"'),
        ("Noto Sans CJK SC, Arial", '"Noto Sans CJK SC", "Arial"'),
        ("Font_1.2-bold", '"Font_1.2-bold"'),
    ],
)
def test_a_font_family_list_is_accepted_and_written_as_css(repo: Path, font: str, css: str) -> None:
    (repo / "kaplan.yaml").write_text(
        yaml.safe_dump({"brand": {"font": font}}, allow_unicode=True), encoding="utf-8"
    )
    project = load_workspace(repo)
    assert project.findings == []
    assert css_font_family(project.config.brand.font) == css
    result = run_keeping_secret(*BUILD)
    assert result.exit_code == 0, result.output
    html = (repo / "out" / "accounts" / "acme.html").read_text(encoding="utf-8")
    assert html.count("</style>") == 1


def test_css_font_family_is_safe_even_for_an_unvalidated_value() -> None:
    css = css_font_family('X"; } </style><script>, serif')
    assert not set(css) & set(";{}<>/'")
    assert css.endswith(", serif")


# --- modes of what kaplan writes ------------------------------------------------------------------------


def _modes_after_writing(tmp_path: Path, umask: int) -> tuple[int, int]:
    target = tmp_path / f"umask-{umask:o}" / "out.txt"
    code = (
        "import os, sys; os.umask(int(sys.argv[2], 8)); "
        "from pathlib import Path; from kaplan.files import write_atomic; write_atomic(Path(sys.argv[1]), 'x')"
    )
    subprocess.run([sys.executable, "-c", code, str(target), f"{umask:o}"], check=True, timeout=60)
    return stat.S_IMODE(target.stat().st_mode), stat.S_IMODE(target.parent.stat().st_mode)


def test_outputs_respect_the_umask(tmp_path: Path) -> None:
    assert _modes_after_writing(tmp_path, 0o077) == (0o600, 0o700)
    assert _modes_after_writing(tmp_path, 0o022) == (0o644, 0o755)
    assert _modes_after_writing(tmp_path, 0o002) == (0o664, 0o775)


def test_a_build_under_umask_077_writes_only_private_files(repo: Path) -> None:
    code = "import os, sys; os.umask(0o077); from kaplan.cli import main; sys.exit(main())"
    done = subprocess.run(
        [sys.executable, "-c", code, *BUILD],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])},
    )
    assert done.returncode == 0, done.stderr
    written = list((repo / "out").rglob("*"))
    assert any(p.name == "acme.html" for p in written)
    for path in written:
        expected = 0o700 if path.is_dir() else 0o600
        assert stat.S_IMODE(path.stat().st_mode) == expected, path
