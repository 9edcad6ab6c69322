"""``kaplan build``: what it writes and where, and how it fails."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from conftest import TODAY, build, run
from pypdf import PdfReader

import kaplan.files
from kaplan.cli import main
from kaplan.files import UMASK, write_atomic
from kaplan.site.briefs import account_dir, output_path
from kaplan.site.cache import is_bookkeeping

BROKEN = "kaplan: 1\naccount:\n  name: Acme\npeople:\n  - id: a\n    name: A\n    support: suporter\n"
FINDING_LINE = re.compile(r"^(?P<file>[^:\s]+):(?P<line>\d+):(?P<col>\d+): error (?P<code>[a-z-]+): .+$")


def files_under(folder: Path) -> list[str]:
    # The build cache's manifest is kaplan's own bookkeeping, not an output.
    return sorted(
        str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file() and not is_bookkeeping(p.name)
    )


def dump(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


# --- what it writes -------------------------------------------------------------------------------------


@pytest.mark.pdf
def test_build_writes_dossier_html_pdf_and_briefing(
    repo: Path, write_plan: Callable[..., Path], make_plan: Callable[..., dict[str, Any]]
) -> None:
    write_plan(make_plan(), "acme")
    result = build("plans/acme.yaml", "--out", "out")
    assert result.exit_code == 0, result.output
    assert files_under(repo / "out") == ["accounts/acme.brief.pdf", "accounts/acme.html", "accounts/acme.pdf"]
    accounts = repo / "out" / "accounts"
    assert (accounts / "acme.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    for name in ("acme.pdf", "acme.brief.pdf"):
        reader = PdfReader(accounts / name)
        assert len(reader.pages) >= 1
        assert "Test Steel" in reader.pages[0].extract_text()
    assert "[1/1] acme: ok" in result.output
    assert "1 built, 0 up to date, 0 failed" in result.output


def test_no_pdf_no_brief_writes_only_html_without_links_to_pdfs(
    repo: Path, write_plan: Callable[..., Path], make_plan: Callable[..., dict[str, Any]]
) -> None:
    write_plan(make_plan(), "acme")
    result = build("plans/acme.yaml", "--out", "out", "--no-pdf", "--no-brief")
    assert result.exit_code == 0, result.output
    assert files_under(repo / "out") == ["accounts/acme.html"]
    html = (repo / "out" / "accounts" / "acme.html").read_text(encoding="utf-8")
    hrefs = re.findall(r'(?:href|src)="([^"]*)"', html)
    assert [h for h in hrefs if ".pdf" in h.lower()] == []


def test_every_link_in_the_page_points_at_a_file_that_exists(
    repo: Path, write_plan: Callable[..., Path], make_plan: Callable[..., dict[str, Any]]
) -> None:
    """Pages link only to files that exist in OUT: relative links are resolved against the page."""
    write_plan(make_plan(account={"name": "Test Steel", "website": "https://example.com"}), "acme")
    build("plans/acme.yaml", "--out", "out", "--no-pdf", "--no-brief")
    page = repo / "out" / "accounts" / "acme.html"
    for href in re.findall(r'(?:href|src)="([^"#]+)', page.read_text(encoding="utf-8")):
        if re.match(r"^(https?|mailto|data):", href):
            continue
        assert (page.parent / href).resolve().is_file(), href


def test_out_defaults_to_kaplan_yaml_then_build(
    repo: Path, write_plan: Callable[..., Path], make_plan: Callable[..., dict[str, Any]]
) -> None:
    write_plan(make_plan(), "acme")
    assert build("--no-pdf", "--no-brief", "--no-site").exit_code == 0
    assert files_under(repo / "build") == ["accounts/acme.html"]
    (repo / "kaplan.yaml").write_text("out: site-out\n", encoding="utf-8")
    assert build("plans/acme.yaml", "--no-pdf", "--no-brief").exit_code == 0
    assert files_under(repo / "site-out") == ["accounts/acme.html"]


def test_audience_flag_reaches_the_output(
    repo: Path, write_plan: Callable[..., Path], make_plan: Callable[..., dict[str, Any]]
) -> None:
    people = make_plan()["people"]
    people[0]["personal"] = {"basis": "consent", "family": "PERSONAL-FAMILY-MARK"}
    write_plan(make_plan(people=people), "acme")
    page = repo / "out" / "accounts" / "acme.html"
    for audience, shown in (("private", True), ("internal", False), ("external", False)):
        assert (
            build("--out", "out", "--no-pdf", "--no-brief", "--no-site", "--audience", audience).exit_code
            == 0
        )
        assert ("PERSONAL-FAMILY-MARK" in page.read_text(encoding="utf-8")) is shown, audience
    (repo / "kaplan.yaml").write_text("audience: private\n", encoding="utf-8")
    assert build("--out", "out", "--no-pdf", "--no-brief", "--no-site").exit_code == 0
    assert "PERSONAL-FAMILY-MARK" in page.read_text(encoding="utf-8")


def test_building_twice_gives_identical_files(
    repo: Path, write_plan: Callable[..., Path], make_plan: Callable[..., dict[str, Any]]
) -> None:
    write_plan(make_plan(), "acme")
    write_plan(make_plan(plan={"locale": "zh"}, account={"name": "鞍钢"}), "ansteel")
    build("--out", "a", "--no-pdf", "--no-brief", "--no-site")
    build("--out", "b", "--no-pdf", "--no-brief", "--no-site")
    names = files_under(repo / "a")
    assert names == files_under(repo / "b") == ["accounts/acme.html", "accounts/ansteel.html"]
    for name in names:
        assert (repo / "a" / name).read_bytes() == (repo / "b" / name).read_bytes()


# --- plans with structural errors ----------------------------------------------------------------------


def test_plan_with_structural_errors_is_reported_and_skipped(
    repo: Path, write_plan: Callable[..., Path], make_plan: Callable[..., dict[str, Any]]
) -> None:
    write_plan(make_plan(), "acme")
    write_plan(BROKEN, "broken")
    write_plan(make_plan(account={"name": "Zeta"}), "zeta")
    result = build("--out", "out", "--no-pdf", "--no-brief", "--no-site")
    assert result.exit_code == 1
    assert files_under(repo / "out") == ["accounts/acme.html", "accounts/zeta.html"]
    lines = result.output.splitlines()
    reported = [line for line in lines if FINDING_LINE.match(line)]
    assert reported == [
        "plans/broken.yaml:7:14: error schema: people[0].support: 'suporter' is not one of champion, supporter,"
        " neutral, skeptic, opponent, unknown — did you mean 'supporter'?"
    ]
    assert "[2/3] broken: FAILED" in lines
    assert "[1/3] acme: ok" in lines
    assert "[3/3] zeta: ok" in lines
    assert any(line.startswith("2 built, 0 up to date, 1 failed") for line in lines)


def test_build_reports_the_same_structural_findings_as_check(
    repo: Path, write_plan: Callable[..., Path], make_plan: Callable[..., dict[str, Any]]
) -> None:
    plan = make_plan()
    plan["people"][1]["reports_to"] = "nobody"
    plan["people"].append(dict(plan["people"][0]))  # dup-id
    plan["projects"][0]["stage"] = 9
    plan["unknown_key"] = 1
    write_plan(plan, "messy")
    checked = run("check", "--today", TODAY.isoformat())
    built = build("--out", "out", "--no-pdf", "--no-brief", "--no-site")
    assert checked.exit_code == built.exit_code == 1
    from_check = [line for line in checked.output.splitlines() if FINDING_LINE.match(line)]
    from_build = [line for line in built.output.splitlines() if FINDING_LINE.match(line)]
    codes = {FINDING_LINE.match(line)["code"] for line in from_check}  # type: ignore[index]
    assert {"ref", "dup-id", "schema"} <= codes
    assert from_build == from_check
    assert not (repo / "out" / "accounts" / "messy.html").exists()


def test_bad_file_name_is_reported_and_not_built(repo: Path, write_plan: Callable[..., Path]) -> None:
    write_plan(BROKEN.replace("suporter", "supporter"), "Bad Name")
    result = build("--out", "out", "--no-pdf", "--no-brief", "--no-site")
    assert result.exit_code == 1
    assert "plans/Bad Name.yaml:1:1: error file-name:" in result.output
    assert not (repo / "out").exists() or files_under(repo / "out") == []


def test_coaching_errors_do_not_block_the_build(
    repo: Path, write_plan: Callable[..., Path], make_plan: Callable[..., dict[str, Any]]
) -> None:
    people = make_plan()["people"]
    people[0]["status"] = "left"  # left-in-team is a coaching error
    write_plan(make_plan(people=people), "acme")
    assert run("check", "--today", TODAY.isoformat()).exit_code == 1
    result = build("--out", "out", "--no-pdf", "--no-brief", "--no-site")
    assert result.exit_code == 0, result.output
    assert "left-in-team" in (repo / "out" / "accounts" / "acme.html").read_text(encoding="utf-8")


# --- atomic writes and failures ------------------------------------------------------------------------


def test_no_temporary_files_are_left(
    repo: Path, write_plan: Callable[..., Path], make_plan: Callable[..., dict[str, Any]]
) -> None:
    write_plan(make_plan(), "acme")
    build("--out", "out", "--no-pdf", "--no-brief", "--no-site")
    build("--out", "out", "--no-pdf", "--no-brief", "--no-site")
    leftovers = [
        p.name
        for p in (repo / "out").rglob("*")
        if (p.name.startswith(".") and not is_bookkeeping(p.name)) or p.suffix == ".tmp"
    ]
    assert leftovers == []


BROKEN_TEMPLATE = '{% extends "kaplan/dossier.html" %}\n{% block content %}{% if %}{% endblock %}\n'


def test_existing_output_is_left_intact_when_rendering_fails(
    repo: Path, write_plan: Callable[..., Path], make_plan: Callable[..., dict[str, Any]]
) -> None:
    write_plan(make_plan(account={"name": "First Name"}), "acme")
    assert build("--out", "out", "--no-pdf", "--no-brief", "--no-site").exit_code == 0
    page = repo / "out" / "accounts" / "acme.html"
    before = page.read_bytes()
    write_plan(make_plan(account={"name": "Second Name"}), "acme")
    (repo / "templates").mkdir()
    (repo / "templates" / "dossier.html").write_text(BROKEN_TEMPLATE, encoding="utf-8")
    result = build("--out", "out", "--no-pdf", "--no-brief", "--no-site")
    assert result.exit_code == 1
    assert "templates/dossier.html:2: template syntax error" in result.output
    assert "[1/1] acme: FAILED" in result.output
    assert page.read_bytes() == before
    assert files_under(repo / "out") == ["accounts/acme.html"]


def test_a_failing_briefing_replaces_none_of_the_plans_outputs(
    repo: Path, write_plan: Callable[..., Path], make_plan: Callable[..., dict[str, Any]]
) -> None:
    """A plan's outputs are rendered first, then written: a failed build leaves no mix of old and new."""
    write_plan(make_plan(account={"name": "First Name"}), "acme")
    assert build("--out", "out", "--no-pdf", "--no-brief", "--no-site").exit_code == 0
    page = repo / "out" / "accounts" / "acme.html"
    before = page.read_bytes()
    write_plan(make_plan(account={"name": "Second Name"}), "acme")
    (repo / "templates").mkdir()
    (repo / "templates" / "brief.html").write_text("{% if %}\n", encoding="utf-8")
    result = build("--out", "out", "--no-pdf", "--no-site")
    assert result.exit_code == 1
    assert "brief.html:1: template syntax error" in result.output
    assert page.read_bytes() == before


def test_write_atomic_leaves_the_old_file_when_the_write_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out" / "x.html"
    write_atomic(target, "old")

    def fail(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(kaplan.files.os, "replace", fail)
    with pytest.raises(OSError, match="No space"):
        write_atomic(target, "new")
    assert target.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in target.parent.iterdir()) == ["x.html"]


def test_write_atomic_writes_bytes_and_text(tmp_path: Path) -> None:
    assert write_atomic(tmp_path / "a" / "b.txt", "中文") == tmp_path / "a" / "b.txt"
    assert (tmp_path / "a" / "b.txt").read_bytes() == "中文".encode()
    write_atomic(tmp_path / "a" / "b.txt", b"\x00\x01")
    assert (tmp_path / "a" / "b.txt").read_bytes() == b"\x00\x01"
    assert (tmp_path / "a" / "b.txt").stat().st_mode & 0o777 == 0o666 & ~UMASK


def test_unwritable_output_is_a_message_not_a_traceback(
    repo: Path, write_plan: Callable[..., Path], make_plan: Callable[..., dict[str, Any]]
) -> None:
    write_plan(make_plan(), "acme")
    (repo / "out").mkdir()
    (repo / "out" / "accounts").write_text("a file where the folder should be", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "--out", "out", "--no-pdf", "--no-brief", "--jobs", "1"])
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == 1
    assert "out/accounts" in result.output


# --- output paths never escape OUT -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "ident", ["../x", "../../etc/passwd", "a/b", "a/../../x", "/etc/passwd", "x/..", "../accounts-evil/x"]
)
def test_output_path_refuses_to_leave_out(tmp_path: Path, ident: str) -> None:
    with pytest.raises(ValueError, match="refusing to write outside"):
        output_path(tmp_path / "out", ident, ".html")


@pytest.mark.parametrize("suffix", [".html", ".pdf", ".brief.pdf"])
def test_output_path_inside_out(tmp_path: Path, suffix: str) -> None:
    path = output_path(tmp_path / "out", "anshan-steel", suffix)
    assert path == (account_dir(tmp_path / "out") / f"anshan-steel{suffix}").resolve()
    assert path.parent == (tmp_path / "out" / "accounts").resolve()


def test_output_path_refuses_a_symlinked_escape(tmp_path: Path) -> None:
    (tmp_path / "out" / "accounts").mkdir(parents=True)
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "out" / "accounts" / "evil.html").symlink_to(tmp_path / "elsewhere" / "evil.html")
    with pytest.raises(ValueError, match="refusing to write outside"):
        output_path(tmp_path / "out", "evil", ".html")


def test_an_output_folder_that_cannot_exist_is_a_message(
    repo: Path, write_plan: Callable[..., Path], make_plan: Callable[..., dict[str, Any]]
) -> None:
    write_plan(make_plan(), "acme")
    (repo / "blocker").write_text("a file where the folder should be", encoding="utf-8")
    result = build("--out", "blocker/out", "--no-pdf", "--no-brief")
    assert result.exit_code == 1
    assert "cannot create the output folder" in result.output
    assert "Traceback" not in result.output


def test_a_broken_index_template_is_a_message(
    repo: Path, write_plan: Callable[..., Path], make_plan: Callable[..., dict[str, Any]]
) -> None:
    write_plan(make_plan(), "acme")
    (repo / "templates").mkdir()
    (repo / "templates" / "index.html").write_text("<p>{% if %}</p>\n", encoding="utf-8")
    result = build("--out", "out", "--no-pdf", "--no-brief")
    assert result.exit_code == 1
    assert "templates/index.html:1: template syntax error" in result.output
    assert "Traceback" not in result.output
