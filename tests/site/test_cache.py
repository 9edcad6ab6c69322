"""The build cache, shards, parallel builds and progress: ``kaplan build`` rebuilds only what changed.

PDFs are faked (``%PDF-fake``) except in one test that compares real renders made in a process pool.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import Result
from conftest import BASE_PLAN, FAKE_PDF, TODAY, build, merge, run

import kaplan.site.build
import kaplan.site.portfolio.pack
import kaplan.site.tasks
from kaplan.site.cache import MANIFEST, is_bookkeeping, record_path
from kaplan.site.tasks import in_shard, parse_shard

SUMMARY = re.compile(r"^(\d+) built, (\d+) up to date, (\d+) failed(?:, (\d+) removed)? in \d+\.\ds\b")


@pytest.fixture
def repo(repo: Path, monkeypatch: pytest.MonkeyPatch, fake_pdf: list[str]) -> Path:
    """The shared empty repository, with PDFs faked and CI set (so progress is plain lines)."""
    monkeypatch.setenv("CI", "true")
    return repo


def counts(result: Result) -> tuple[int, int, int, int]:
    """(built, up to date, failed, removed) from the summary line."""
    found = [SUMMARY.match(line) for line in result.output.splitlines()]
    match = next((m for m in found if m), None)
    assert match, result.output
    return int(match[1]), int(match[2]), int(match[3]), int(match[4] or 0)


def snapshot(out: Path) -> dict[str, tuple[int, bytes]]:
    """Every output file (not the manifest, kaplan's own bookkeeping): mtime and bytes."""
    return {
        str(p.relative_to(out)): (p.stat().st_mtime_ns, p.read_bytes())
        for p in sorted(out.rglob("*"))
        if p.is_file() and not is_bookkeeping(p.name)
    }


def changed(before: dict[str, tuple[int, bytes]], after: dict[str, tuple[int, bytes]]) -> set[str]:
    return {name for name in before.keys() | after.keys() if before.get(name) != after.get(name)}


THREE = {
    "acme": merge(BASE_PLAN, {}),
    "ansteel": merge(BASE_PLAN, {"plan": {"locale": "zh"}, "account": {"name": "鞍钢"}}),
    "zeta": merge(BASE_PLAN, {"account": {"name": "Zeta Paper"}}),
}


@pytest.fixture
def three(repo: Path) -> list[str]:
    """Three valid plans, acme, ansteel (Chinese) and zeta, not built yet."""
    for ident, data in THREE.items():
        (repo / "plans" / f"{ident}.yaml").write_text(
            yaml.safe_dump(data, allow_unicode=True), encoding="utf-8"
        )
    return sorted(THREE)


def _build_in(root: Path, plans: dict[str, dict[str, Any]]) -> Path:
    """Write ``plans`` into ``root/plans`` and build them all (site, fake PDFs) into ``root/build``."""
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(root)
        mp.delenv("KAPLAN_TODAY", raising=False)
        mp.setattr(kaplan.site.tasks, "render_pdf", lambda html, dirs: FAKE_PDF)
        mp.setattr(kaplan.site.portfolio.pack, "render_pdf", lambda html, theme: FAKE_PDF)
        (root / "plans").mkdir()
        for ident, data in plans.items():
            (root / "plans" / f"{ident}.yaml").write_text(
                yaml.safe_dump(data, allow_unicode=True), encoding="utf-8"
            )
        assert counts(build()) == (len(plans), 0, 0, 0)
    return root


def _copy_built(source: Path, repo: Path, n: int) -> None:
    shutil.copytree(source / "plans", repo / "plans", dirs_exist_ok=True)
    shutil.copytree(source / "build", repo / "build")
    assert counts(build()) == (0, n, 0, 0)


@pytest.fixture(scope="module")
def built_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The three plans and their full build, made once for the module (builds are the slow part)."""
    return _build_in(tmp_path_factory.mktemp("built-once"), THREE)


@pytest.fixture(scope="module")
def acme_built_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One plan, acme, and its full build, made once for the module."""
    return _build_in(tmp_path_factory.mktemp("acme-built-once"), {"acme": THREE["acme"]})


@pytest.fixture
def built(repo: Path, built_once: Path) -> list[str]:
    """A copy of :func:`built_once` in this test's repository: the three plans, built."""
    _copy_built(built_once, repo, 3)
    return sorted(THREE)


def outputs_of(ident: str) -> set[str]:
    return {f"accounts/{ident}.html", f"accounts/{ident}.pdf", f"accounts/{ident}.brief.pdf"}


# --- no-op and incremental rebuilds --------------------------------------------------------------------


def test_second_build_is_a_no_op(
    repo: Path, three: list[str], fake_pdf: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    first = build()
    assert first.exit_code == 0, first.output
    assert counts(first) == (3, 0, 0, 0)
    assert len(fake_pdf) == 6
    out = repo / "build"
    before = snapshot(out)
    assert set(before) == {
        *outputs_of("acme"),
        *outputs_of("ansteel"),
        *outputs_of("zeta"),
        "index.html",
        "assets/search-index.js",
        "assets/site.css",
        "assets/site.js",
        "calendar.ics",
        "calendar/li-ming.ics",  # the owner of every test plan
        "assets/portfolio.css",
        "portfolio.html",
        "portfolio.json",
        "portfolio.pdf",
    }

    def no_yaml(*args: object, **kwargs: object) -> None:
        raise AssertionError("a no-op rebuild must not load any plan")

    monkeypatch.setattr(kaplan.site.tasks, "check_plan", no_yaml)
    second = build()
    assert second.exit_code == 0, second.output
    assert counts(second) == (0, 3, 0, 0)
    assert len(fake_pdf) == 6
    assert changed(before, snapshot(out)) == set()
    for ident in three:
        assert f"{ident}: up to date" in second.output


def test_changing_one_plan_rebuilds_only_that_plan(
    repo: Path, built: list[str], write_plan: Callable[..., Path], make_plan: Callable[..., dict[str, Any]]
) -> None:
    out = repo / "build"
    before = snapshot(out)
    path = repo / "plans" / "zeta.yaml"
    path.touch()  # a new mtime without new content is not a change
    assert counts(build()) == (0, 3, 0, 0)
    assert changed(before, snapshot(out)) == set()
    write_plan(make_plan(account={"name": "Zeta Pulp"}), "zeta")
    result = build()
    assert counts(result) == (1, 2, 0, 0)
    assert "zeta: ok" in result.output
    assert "acme: up to date" in result.output
    assert changed(before, snapshot(out)) == {
        "accounts/zeta.html",
        "accounts/zeta.pdf",
        "accounts/zeta.brief.pdf",
        "index.html",
        "assets/search-index.js",
        "calendar.ics",  # its events are named after the account
        "calendar/li-ming.ics",
        "portfolio.html",
        "portfolio.json",
        "portfolio.pdf",
    }
    assert "Zeta Pulp" in (out / "index.html").read_text(encoding="utf-8")
    assert "Zeta Paper" not in (out / "index.html").read_text(encoding="utf-8")


def test_changing_kaplan_yaml_rebuilds_every_plan(repo: Path, built: list[str]) -> None:
    (repo / "kaplan.yaml").write_text("title: Key accounts\n", encoding="utf-8")  # a new kaplan.yaml
    assert counts(build()) == (3, 0, 0, 0)
    assert counts(build()) == (0, 3, 0, 0)
    (repo / "kaplan.yaml").write_text("title: Key accounts\nbrand: {name: Northstar}\n", encoding="utf-8")
    assert counts(build()) == (3, 0, 0, 0)
    assert "Northstar" in (repo / "build" / "accounts" / "acme.html").read_text(encoding="utf-8")
    (repo / "kaplan.yaml").unlink()
    assert counts(build()) == (3, 0, 0, 0)


def test_new_logo_bytes_rebuild_every_plan(repo: Path, built: list[str]) -> None:
    """The logo is embedded in every document: its bytes are part of the key, not only its path."""
    logo = repo / "brand" / "logo.svg"
    logo.parent.mkdir()
    logo.write_text('<svg xmlns="http://www.w3.org/2000/svg"><title>one</title></svg>', encoding="utf-8")
    (repo / "kaplan.yaml").write_text("brand: {logo: brand/logo.svg}\n", encoding="utf-8")
    assert counts(build()) == (3, 0, 0, 0)
    assert counts(build()) == (0, 3, 0, 0)
    logo.write_text('<svg xmlns="http://www.w3.org/2000/svg"><title>two</title></svg>', encoding="utf-8")
    assert counts(build()) == (3, 0, 0, 0)


def test_an_output_whose_bytes_changed_is_rebuilt(repo: Path, built: list[str]) -> None:
    """The record vouches for bytes, not for a file name: an edited page is not up to date."""
    page = repo / "build" / "accounts" / "acme.html"
    good = page.read_bytes()
    page.write_bytes(good.replace(b"</body>", b"<p>tampered</p></body>"))
    assert counts(build()) == (1, 2, 0, 0)
    assert page.read_bytes() == good


def test_a_new_or_changed_template_file_rebuilds_every_plan(repo: Path, built: list[str]) -> None:
    page = repo / "build" / "accounts" / "acme.html"
    theme = repo / "templates" / "theme.css"
    theme.parent.mkdir()
    theme.write_text("/* override one */\n", encoding="utf-8")  # a new templates/ folder
    assert counts(build()) == (3, 0, 0, 0)
    assert "override one" in page.read_text(encoding="utf-8")
    assert counts(build()) == (0, 3, 0, 0)
    theme.write_text("/* override two */\n", encoding="utf-8")  # a changed file
    assert counts(build()) == (3, 0, 0, 0)
    assert "override two" in page.read_text(encoding="utf-8")
    site_css = repo / "templates" / "site" / "site.css"
    site_css.parent.mkdir()
    site_css.write_text("/* site */\n", encoding="utf-8")  # a new file in the folder
    assert counts(build()) == (3, 0, 0, 0)
    assert (repo / "build" / "assets" / "site.css").read_text(encoding="utf-8") == "/* site */\n"
    theme.unlink()  # a file gone
    assert counts(build()) == (3, 0, 0, 0)
    assert "override" not in page.read_text(encoding="utf-8")


def test_a_template_folder_named_in_kaplan_yaml_is_part_of_the_key(repo: Path, three: list[str]) -> None:
    (repo / "kaplan.yaml").write_text("templates: theme\n", encoding="utf-8")
    assert counts(build()) == (3, 0, 0, 0)
    (repo / "theme").mkdir()
    (repo / "theme" / "theme.css").write_text("/* mine */\n", encoding="utf-8")
    assert counts(build()) == (3, 0, 0, 0)
    assert "/* mine */" in (repo / "build" / "accounts" / "zeta.html").read_text(encoding="utf-8")


def test_changing_audience_or_today_rebuilds(repo: Path, built: list[str]) -> None:
    # a partner build has no portfolio: the internal one's three files go
    assert counts(build("--audience", "external")) == (3, 0, 0, 3)
    assert counts(build("--audience", "external")) == (0, 3, 0, 0)
    assert counts(build("--audience", "internal")) == (3, 0, 0, 0)
    assert counts(build(today="2027-03-01")) == (3, 0, 0, 0)
    assert counts(build(today="2027-03-01")) == (0, 3, 0, 0)
    # Staleness depends on the day: the summary the dashboard shows comes from the new day's build.
    assert "stale" in (repo / "build" / "index.html").read_text(encoding="utf-8")


def test_changing_which_outputs_are_wanted_rebuilds(
    repo: Path, three: list[str], fake_pdf: list[str]
) -> None:
    assert counts(build("--no-pdf", "--no-brief")) == (3, 0, 0, 0)
    assert fake_pdf == []
    assert counts(build()) == (3, 0, 0, 0)
    assert len(fake_pdf) == 6
    assert counts(build()) == (0, 3, 0, 0)


def test_a_deleted_output_is_written_again(repo: Path, built: list[str]) -> None:
    (repo / "build" / "accounts" / "acme.brief.pdf").unlink()
    assert counts(build()) == (1, 2, 0, 0)
    assert (repo / "build" / "accounts" / "acme.brief.pdf").read_bytes() == FAKE_PDF


def test_removing_a_plan_removes_its_outputs_and_its_row(repo: Path, built: list[str]) -> None:
    out = repo / "build"
    (repo / "plans" / "zeta.yaml").unlink()
    result = build()
    assert result.exit_code == 0, result.output
    assert counts(result) == (0, 2, 0, 3)
    for name in outputs_of("zeta"):
        assert not (out / name).exists(), name
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "Zeta Paper" not in index
    assert "zeta" not in index
    assert "zeta" not in (out / "assets" / "search-index.js").read_text(encoding="utf-8")
    assert not record_path(out / "accounts", "zeta").exists()


def test_removing_a_plan_removes_its_pdf_built_before_a_no_pdf_build(repo: Path, built: list[str]) -> None:
    """The PDF of an earlier build still counts as the plan's output after a `--no-pdf` build."""
    assert build("--no-pdf").exit_code == 0
    (repo / "plans" / "zeta.yaml").unlink()
    assert build("--no-pdf").exit_code == 0
    left = sorted(p.name for p in (repo / "build" / "accounts").glob("zeta*"))
    assert left == []


def test_building_one_plan_keeps_the_other_plans_outputs(repo: Path, built: list[str]) -> None:
    """`kaplan build PATH` builds that plan; it must not delete what the whole-repository build made."""
    out = repo / "build"
    before = set(snapshot(out))
    result = build("plans/acme.yaml")
    assert result.exit_code == 0, result.output
    assert counts(result)[3] == 0, result.output
    assert set(snapshot(out)) == before
    for ident in ("ansteel", "zeta"):  # and the index still links only to files that exist
        assert (out / "accounts" / f"{ident}.html").is_file()


def test_incremental_builds_end_where_a_clean_build_does(
    repo: Path, built: list[str], write_plan: Callable[..., Path], make_plan: Callable[..., dict[str, Any]]
) -> None:
    write_plan(make_plan(account={"name": "Acme Two"}), "acme")
    write_plan(make_plan(account={"name": "New One"}), "newone")
    (repo / "plans" / "zeta.yaml").unlink()
    assert build().exit_code == 0
    assert build("--out", "clean").exit_code == 0
    incremental, clean = snapshot(repo / "build"), snapshot(repo / "clean")
    assert sorted(incremental) == sorted(clean)
    assert [n for n in incremental if incremental[n][1] != clean[n][1]] == []


# --- failures and a broken manifest ----------------------------------------------------------------------

BROKEN = "kaplan: 1\naccount:\n  name: Broken\npeople:\n  - id: a\n    name: A\n    support: suporter\n"


def test_a_plan_with_errors_is_reported_on_every_build(
    repo: Path, built: list[str], write_plan: Callable[..., Path]
) -> None:
    write_plan(BROKEN, "broken")
    for _ in range(2):
        result = build()
        assert result.exit_code == 1
        assert counts(result)[2] == 1
        assert "broken: FAILED" in result.output
        assert "plans/broken.yaml:7:14: error schema:" in result.output
    assert counts(result)[:2] == (0, 3)


def test_a_plan_that_failed_to_write_is_retried_next_time(repo: Path, three: list[str]) -> None:
    """Nothing about the inputs changes: the failed plan is built again anyway."""
    accounts = repo / "build" / "accounts"
    (accounts / "acme.html").mkdir(parents=True)  # a folder where the page should go
    first = build()
    assert first.exit_code == 1
    assert "acme: FAILED" in first.output
    assert counts(first) == (2, 0, 1, 0)
    (accounts / "acme.html").rmdir()
    second = build()
    assert second.exit_code == 0, second.output
    assert counts(second) == (1, 2, 0, 0)
    assert "acme: ok" in second.output
    assert (accounts / "acme.html").is_file()


def _record(out: Path) -> Path:
    return record_path(out / "accounts", "acme")


def _mangle_projects(out: Path) -> None:
    """The right key, a summary kaplan cannot read back."""
    data = json.loads(_record(out).read_text(encoding="utf-8"))
    data["summary"]["projects"] = [{"unknown": 1}]
    _record(out).write_text(json.dumps(data), encoding="utf-8")


def _drop_name(out: Path) -> None:
    data = json.loads(_record(out).read_text(encoding="utf-8"))
    data["summary"].pop("name")
    _record(out).write_text(json.dumps(data), encoding="utf-8")


def _other_plan(out: Path) -> None:
    """A record copied from another plan vouches for nothing of this one."""
    data = json.loads(_record(out).read_text(encoding="utf-8"))
    data["id"] = "zeta"
    _record(out).write_text(json.dumps(data), encoding="utf-8")


@pytest.mark.parametrize(
    "corrupt",
    [
        b"",
        b'{"format": 2, "id": "acme", "outputs": {',
        b"\xff\xfe\x00garbage",
        b"[]",
        b"null",
        b'{"format": 2, "id": "acme", "outputs": []}',
        b'{"format": 2, "id": "acme", "outputs": {".html": "x", ".pdf": []}}',
        b'{"format": 2, "id": "acme", "outputs": {".html": {"key": 3, "audience": 5, "sha256": 7}}}',
        b'{"format": 999, "id": "acme", "outputs": {}}',
        _mangle_projects,
        _drop_name,
        _other_plan,
    ],
    ids=[
        "empty",
        "truncated",
        "binary",
        "list",
        "null",
        "outputs-list",
        "outputs-not-mappings",
        "fields-wrong-types",
        "other-format",
        "summary-projects-mangled",
        "summary-without-name",
        "another-plans-record",
    ],
)
def test_a_corrupt_record_is_ignored(
    repo: Path, acme_built_once: Path, corrupt: bytes | Callable[[Path], None]
) -> None:
    """No traceback: the plan is built again, to the same bytes, and its record is whole again."""
    _copy_built(acme_built_once, repo, 1)
    out = repo / "build"
    good = {name: data for name, (_, data) in snapshot(out).items()}
    if callable(corrupt):
        corrupt(out)
    else:
        _record(out).write_bytes(corrupt)
    result = build()
    assert result.exit_code == 0, result.output
    assert counts(result) == (1, 0, 0, 0)
    assert {name: data for name, (_, data) in snapshot(out).items()} == good
    assert counts(build()) == (0, 1, 0, 0)


@pytest.mark.parametrize("corrupt", [b"", b"[]", b'{"format": 2, "site": []}', b"\xff\x00"])
def test_a_corrupt_site_record_is_ignored(
    repo: Path, acme_built_once: Path, corrupt: bytes, fake_pdf: list[str]
) -> None:
    _copy_built(acme_built_once, repo, 1)
    out = repo / "build"
    good = {name: data for name, (_, data) in snapshot(out).items()}
    (out / MANIFEST).write_bytes(corrupt)
    result = build()
    assert result.exit_code == 0, result.output
    assert {name: data for name, (_, data) in snapshot(out).items()} == good
    assert json.loads((out / MANIFEST).read_text(encoding="utf-8"))["format"] == 2


# --- shards ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5])
def test_shards_partition_the_plans(n: int) -> None:
    ids = [f"account-{i:03d}" for i in range(200)]
    shares = [{i for i in ids if in_shard(i, (k, n))} for k in range(1, n + 1)]
    assert set().union(*shares) == set(ids)
    assert sum(len(s) for s in shares) == len(ids)  # pairwise disjoint
    assert all(len(s) >= 200 / n / 2 for s in shares), [len(s) for s in shares]  # roughly even
    assert all(in_shard(i, None) for i in ids)


def test_a_plans_shard_is_the_same_in_every_process() -> None:
    """CI runners are separate processes: the shard of an id must not hang on Python's hash seed."""
    ids = [f"account-{i:03d}" for i in range(50)]
    here = [next(k for k in range(1, 4) if in_shard(i, (k, 3))) for i in ids]
    code = (
        "import sys; from kaplan.site.tasks import in_shard; "
        "print(' '.join(str([k for k in (1, 2, 3) if in_shard(i, (k, 3))][0]) for i in sys.argv[1:]))"
    )
    for seed in ("1", "4242"):
        done = subprocess.run(
            [sys.executable, "-c", code, *ids],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
        assert [int(k) for k in done.stdout.split()] == here


def test_shard_builds_partition_the_pdfs(
    repo: Path, write_plan: Callable[..., Path], make_plan: Callable[..., dict[str, Any]]
) -> None:
    idents = [f"plan-{c}" for c in "abcdef"]
    for ident in idents:
        write_plan(make_plan(account={"name": ident}), ident)
    shares = []
    for k in (1, 2, 3):
        out = repo / f"shard-{k}"
        result = build("--shard", f"{k}/3", "--no-html", "--no-site", "--no-brief", "--out", str(out))
        assert result.exit_code == 0, result.output
        files = sorted(p.name for p in out.rglob("*") if p.is_file() and not is_bookkeeping(p.name))
        assert all(name.endswith(".pdf") and not name.endswith(".brief.pdf") for name in files), files
        shares.append({name.removesuffix(".pdf") for name in files})
        assert shares[-1] == {i for i in idents if in_shard(i, (k, 3))}
    assert set().union(*shares) == set(idents)
    assert sum(len(s) for s in shares) == len(idents)


@pytest.mark.parametrize("shard", ["0/3", "4/3", "x", "1/0", "1/2/3", "-1/3", "a/b", "/", "2"])
def test_a_bad_shard_is_a_usage_error(repo: Path, three: list[str], shard: str) -> None:
    result = build("--shard", shard, "--no-pdf")
    assert result.exit_code == 2, result.output
    assert f"'{shard}' is not a shard" in result.output
    assert not (repo / "build").exists()


def test_parse_shard() -> None:
    assert parse_shard("1/1") == (1, 1)
    assert parse_shard("3/4") == (3, 4)
    for bad in ("0/3", "4/3", "x", "1/0", ""):
        with pytest.raises(ValueError, match="is not a shard"):
            parse_shard(bad)


# --- parallel builds and progress ------------------------------------------------------------------------


def test_two_jobs_give_the_same_bytes_as_one(
    repo: Path, three: list[str], write_plan: Callable[..., Path], make_plan: Callable[..., dict[str, Any]]
) -> None:
    write_plan(make_plan(plan={"locale": "zh", "tier": "B"}, account={"name": "华东化工"}), "huadong")
    one = run("build", "--jobs", "1", "--today", TODAY.isoformat(), "--no-pdf", "--no-brief", "--out", "one")
    two = run("build", "--jobs", "2", "--today", TODAY.isoformat(), "--no-pdf", "--no-brief", "--out", "two")
    assert one.exit_code == two.exit_code == 0, two.output
    a, b = snapshot(repo / "one"), snapshot(repo / "two")
    assert sorted(a) == sorted(b)
    assert [name for name in a if a[name][1] != b[name][1]] == []
    # The progress lines come in plan order either way.
    lines = [line for line in two.output.splitlines() if line.startswith("[")]
    assert lines == [
        f"[{i}/4] {ident}: ok" for i, ident in enumerate(["acme", "ansteel", "huadong", "zeta"], 1)
    ]


@pytest.mark.pdf
def test_two_jobs_give_the_same_pdf_bytes_as_one(
    repo: Path,
    write_plan: Callable[..., Path],
    make_plan: Callable[..., dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Real WeasyPrint renders, in this process and in a process pool."""
    monkeypatch.undo()
    monkeypatch.chdir(repo)
    write_plan(make_plan(), "acme")
    write_plan(make_plan(plan={"locale": "zh"}, account={"name": "鞍钢"}), "ansteel")
    for jobs, out in (("1", "one"), ("2", "two")):
        result = run(
            "build", "--jobs", jobs, "--today", TODAY.isoformat(), "--no-brief", "--no-site", "--out", out
        )
        assert result.exit_code == 0, result.output
    for ident in ("acme", "ansteel"):
        one = (repo / "one" / "accounts" / f"{ident}.pdf").read_bytes()
        two = (repo / "two" / "accounts" / f"{ident}.pdf").read_bytes()
        assert one.startswith(b"%PDF-")
        assert one != FAKE_PDF
        assert one == two, ident


def test_progress_without_a_terminal_is_plain_lines(
    repo: Path, three: list[str], write_plan: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    for ci in ("true", None):  # CI set, or just not a terminal (CliRunner's stderr is no TTY)
        if ci is None:
            monkeypatch.delenv("CI")
        out = f"out-{ci}"
        first = build("--no-pdf", "--no-brief", "--out", out)
        lines = first.output.splitlines()
        assert lines[:3] == ["[1/3] acme: ok", "[2/3] ansteel: ok", "[3/3] zeta: ok"]
        assert re.match(
            rf"^3 built, 0 up to date, 0 failed in \d+\.\ds — {out}; site: {out}/index.html$", lines[3]
        )
        assert len(lines) == 4
        second = build("--no-pdf", "--no-brief", "--out", out).output.splitlines()
        assert second[:3] == ["[1/3] acme: up to date", "[2/3] ansteel: up to date", "[3/3] zeta: up to date"]
        assert re.match(r"^0 built, 3 up to date, 0 failed in \d+\.\ds", second[3])
    write_plan(BROKEN, "broken")
    failed = build("--no-pdf", "--no-brief", "--out", "out-None").output.splitlines()
    assert [line.split("] ")[0] for line in failed[:4]] == ["[1/4", "[2/4", "[3/4", "[4/4"]
    assert sorted(line.split("] ")[1] for line in failed[:4]) == [
        "acme: up to date",
        "ansteel: up to date",
        "broken: FAILED",
        "zeta: up to date",
    ]  # plans up to date are reported first, then those being built
    assert re.match(r"^0 built, 3 up to date, 1 failed in \d+\.\ds", failed[-1]), failed
    assert not any("\r" in line or "█" in line or "#" in line for line in failed)
