"""No output of any command leaks what its audience may not see: sentinels in every text field.

The plan is generated from the model itself, so a text field added to the format later gets a
sentinel without anyone remembering to: every ``str`` field of every model holds a distinct token
(``ZQ0042QZ``), in a visible item and in a ``private: true`` twin of it (plus personal needs and
cruxes, and shared actions). What each audience may see is written out here from the spec, by hand,
independently of kaplan's own allow-list. Then every byte of every file a real build leaves in OUT
(PDF text and metadata included), and the output of ``kaplan diff``, is scanned for the tokens.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import re
import subprocess
import types
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import TODAY, build, run
from pydantic import BaseModel
from pypdf import PdfReader

from kaplan.plan.audience import AUDIENCES, Audience
from kaplan.plan.load import load_plan
from kaplan.plan.model import MoneyValue, Plan

TOKEN = re.compile(r"ZQ\d{4}QZ")

# Fields that hold references, by (model, field): the section whose first item they point at.
PEOPLE_OWNED = {"Budget", "DecisionStep"}
REFS = {
    "reports_to": "people",
    "holder": "people",
    "project": "projects",
    "person": "people",
    "competitor": "competitors",
    "vendor": "competitors",
    "from_": "people",
    "to": "people",
}
REF_LISTS = {"refs": "people", "approvals": "people"}
NOT_TEXT = {"currency", "website", "email"}  # validated or shown only as codes

# What a partner may see (plan-format.md, "Audiences"), as paths with list indexes removed.
EXTERNAL_TEXT = {
    "partner_summary",
    "account.name",
    "account.legal_name",
    "account.group",
    "account.industry",
    "account.hq",
    "account.business_scope[]",
    "account.contacts[].label",
    "account.contacts[].phone",
    "account.contacts[].address",
    "account.consumption[].category",
    "account.consumption[].volume.unit",
    "team[].name",
    "people[].name",
    "people[].title",
    "people[].department",
    "projects[].name",
    "projects[].special_requirements[]",
    "projects[].criteria[].criterion",
    "projects[].decision_process[].step",
    "actions[].what",  # shared actions only
}


class Sentinels:
    """The generated plan, and for each token the path of the field that holds it."""

    def __init__(self) -> None:
        self.paths: dict[str, str] = {}

    def token(self, path: str) -> str:
        token = f"ZQ{len(self.paths):04d}QZ"
        self.paths[token] = path
        return token


def _unwrap(annotation: Any) -> Any:
    """``Annotated[X, …] | None`` → ``X``; ``list[Annotated[X, …]]`` → ``list[X]``."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _unwrap(args[0]) if len(args) == 1 else annotation
    if typing.get_origin(annotation) is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if typing.get_origin(annotation) is list:
        return list[_unwrap(typing.get_args(annotation)[0])]  # type: ignore[misc]
    return annotation


def _ident(section: str, i: int) -> str:
    return f"{section.replace('_', '-')}-id{i}"


def _fill(model: type[BaseModel], path: str, s: Sentinels, section: str, i: int) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        key = info.alias or name
        here = f"{path}.{key}" if path else key
        annotation = _unwrap(info.annotation)
        origin = typing.get_origin(annotation)
        if name in ("private", "share", "kaplan"):
            continue
        if name == "id":
            data[key] = _ident(section, i)
        elif name == "owner":
            data[key] = _ident("people" if model.__name__ in PEOPLE_OWNED else "team", 0)
        elif name in REFS:
            data[key] = _ident(REFS[name], 0)
        elif name in REF_LISTS:
            data[key] = [_ident(REF_LISTS[name], 0)]
        elif name in NOT_TEXT:
            continue
        elif annotation is str:
            data[key] = s.token(here)
        elif origin is list:
            (item,) = typing.get_args(annotation)
            if item is str:
                data[key] = [s.token(f"{here}[]")]
            elif isinstance(item, type) and issubclass(item, BaseModel):
                data[key] = _items(item, f"{here}[]", s, name)
        elif annotation is MoneyValue:
            data[key] = {"amount": 1_000_000, "currency": "CNY"}
        elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
            data[key] = _fill(annotation, here, s, section, i)
        elif origin is typing.Literal and info.is_required():
            data[key] = typing.get_args(annotation)[0]
        elif info.is_required():
            data[key] = "2026-01-01" if annotation is dt.date else 1
    return data


def _items(model: type[BaseModel], path: str, s: Sentinels, section: str) -> list[dict[str, Any]]:
    """A visible item and its private twin; personal needs and cruxes; shared actions."""
    items = [_fill(model, path, s, section, 0), {**_fill(model, path + "!private", s, section, 1)}]
    items[1]["private"] = True
    if section in ("needs", "cruxes"):
        items.append({**_fill(model, path + "!personal", s, section, 2), "kind": "personal"})
    if section == "actions":
        items.append({**_fill(model, path + "!shared", s, section, 3), "share": True})
        items.append({**_fill(model, path + "!private", s, section, 4), "share": True, "private": True})
    return items


def sentinel_plan() -> tuple[dict[str, Any], Sentinels]:
    """Every text field of the format, filled with its own token."""
    s = Sentinels()
    plan = {"kaplan": 1, **_fill(Plan, "", s, "plan", 0)}
    plan["plan"]["locale"] = "en"
    plan["people"][0].pop("reports_to")
    plan["people"].append({"id": "people-id9", "name": s.token("people[].name"), "reports_to": "people-id0"})
    for project in plan["projects"]:
        project["stage"] = 5
        project["history"] = [{"stage": 5, "on": "2026-10-01"}]
    return plan, s


def may_see(path: str, audience: Audience) -> bool:
    """Whether the spec lets ``audience`` see the field at ``path``."""
    if audience == "private":
        return True
    personal = "!personal" in path or ".personal." in path or path.endswith(".win.personal")
    if "!private" in path or personal or ".personal" in path.split("[]")[0]:
        return False
    if audience == "internal":
        return not path.startswith("partner_summary")
    normal = path.replace("!shared", "")
    if normal.startswith("actions[]"):
        return "!shared" in path and normal in EXTERNAL_TEXT
    return normal in EXTERNAL_TEXT


def _pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    text = "".join(page.extract_text() for page in reader.pages)
    meta = " ".join(str(v) for v in (reader.metadata or {}).values())
    return re.sub(r"\s+", "", text) + " " + meta


def scan(folder: Path) -> dict[str, set[str]]:
    """Every token in every file under ``folder``: file name → tokens."""
    found: dict[str, set[str]] = {}
    for path in sorted(folder.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        text = data.decode("utf-8", "replace")
        if data.startswith(b"%PDF"):
            text += _pdf_text(data)
        found[path.relative_to(folder).as_posix()] = set(TOKEN.findall(text))
    return found


def leaks(found: dict[str, set[str]], s: Sentinels, audience: Audience) -> list[tuple[str, str]]:
    return sorted(
        (name, s.paths[t])
        for name, tokens in found.items()
        for t in tokens
        if not may_see(s.paths[t], audience)
    )


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Sentinels]:
    root = tmp_path_factory.mktemp("leaks")
    plan, s = sentinel_plan()
    (root / "plans").mkdir()
    (root / "plans" / "sentinel.yaml").write_text(yaml.safe_dump(plan, allow_unicode=True), encoding="utf-8")
    (root / "kaplan.yaml").write_text("title: Leaks\nlocale: en\n", encoding="utf-8")
    return root, s


def build_in(root: Path, *args: str) -> None:
    """Build inside ``root`` (a module-scoped repository, so no monkeypatch) and expect success."""
    with _inside(root):
        result = build(*args)
    assert result.exit_code == 0, result.output


@contextlib.contextmanager
def _inside(folder: Path) -> Iterator[None]:
    before = Path.cwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)


def test_the_generated_plan_is_valid_and_fills_every_text_field(repo: tuple[Path, Sentinels]) -> None:
    root, s = repo
    loaded = load_plan(root / "plans" / "sentinel.yaml")
    assert [f.text() for f in loaded.findings if f.structural] == []
    assert len(s.paths) > 150
    for must in ("people[].personal.family", "projects[].buying_team[].win.personal", "partner_summary"):
        assert must in s.paths.values()


@pytest.mark.pdf
@pytest.mark.parametrize("audience", AUDIENCES)
def test_every_byte_of_a_build_shows_only_what_the_audience_may_see(
    repo: tuple[Path, Sentinels], tmp_path: Path, audience: Audience
) -> None:
    """A full build (dossier HTML and PDF, briefing, site, search index, the cache's records)."""
    root, s = repo
    out = tmp_path / "out"
    build_in(root, "--out", str(out), "--audience", audience)
    found = scan(out)
    assert leaks(found, s, audience) == []
    seen = {s.paths[t] for tokens in found.values() for t in tokens}
    # Positive controls: what each audience must still be shown.
    assert "account.name" in seen
    assert "people[].name" in seen
    if audience == "external":
        assert "partner_summary" in seen
        assert "actions[]!shared.what" in seen
        assert "summary" not in seen
    else:
        assert "summary" in seen
        assert "projects[].buying_team[].win.business" in seen
        assert "people[].standing" in seen
        assert "competitors[].name" in seen
    if audience == "private":
        assert "people[].personal.family" in seen
        assert "projects[].buying_team[].win.personal" in seen
    if audience != "private":
        html = (out / "accounts" / "sentinel.html").read_text(encoding="utf-8")
        assert "people-id1" not in html  # the private person's id either


def test_builds_for_each_audience_in_turn_leave_nothing_of_the_one_before(
    repo: tuple[Path, Sentinels], tmp_path: Path
) -> None:
    """private → internal → external → private → internal, HTML only, into one OUT."""
    root, s = repo
    out = tmp_path / "out"
    for audience in ("private", "internal", "external", "private", "internal"):
        build_in(root, "--out", str(out), "--audience", audience, "--no-pdf", "--no-brief")
        assert leaks(scan(out), s, audience) == [], audience


def test_an_html_build_over_a_private_pdf_build_removes_the_private_pdfs(
    repo: tuple[Path, Sentinels], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kaplan.site.build
    import kaplan.site.tasks

    monkeypatch.setattr(kaplan.site.tasks, "render_pdf", lambda html, dirs: b"%PDF-fake " + html.encode())
    root, s = repo
    out = tmp_path / "out"
    build_in(root, "--out", str(out), "--audience", "private")
    assert (out / "accounts" / "sentinel.pdf").is_file()
    build_in(root, "--out", str(out), "--audience", "internal", "--no-pdf", "--no-brief")
    assert not (out / "accounts" / "sentinel.pdf").exists()
    assert leaks(scan(out), s, "internal") == []
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "sentinel.pdf" not in index
    assert "brief.pdf" not in index


def _git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=T", "-c", "user.email=t@example.com", *args],
        cwd=root,
        check=True,
        capture_output=True,
    )


@pytest.mark.parametrize("audience", AUDIENCES)
@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_kaplan_diff_shows_only_what_the_audience_may_see(
    tmp_path: Path, audience: Audience, fmt: str
) -> None:
    plan, s = sentinel_plan()
    (tmp_path / "plans").mkdir()
    target = tmp_path / "plans" / "sentinel.yaml"
    target.write_text("kaplan: 1\naccount: {name: Before}\n", encoding="utf-8")
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-qm", "empty")
    target.write_text(yaml.safe_dump(plan, allow_unicode=True), encoding="utf-8")
    with _inside(tmp_path):
        result = run("diff", "--format", fmt, "--audience", audience, "--today", TODAY.isoformat())
    assert result.exit_code == 0, result.output
    found = {"diff": set(TOKEN.findall(result.output))}
    assert leaks(found, s, audience) == []
    assert found["diff"], "the diff tells something"


# --- an interrupted build, then a build for another audience -----------------------------------------


def _kaplan() -> list[str]:
    import sys

    script = Path(sys.executable).parent / "kaplan"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "kaplan"]


@pytest.mark.pdf
def test_a_private_build_killed_mid_pdf_then_an_internal_build_leaves_nothing_private(
    tmp_path: Path,
) -> None:
    import signal
    import time

    plan, s = sentinel_plan()
    (tmp_path / "plans").mkdir()
    for name in ("a-one", "b-two", "c-three", "d-four"):
        (tmp_path / "plans" / f"{name}.yaml").write_text(yaml.safe_dump(plan), encoding="utf-8")
    out = tmp_path / "out"
    command = [
        *_kaplan(),
        "build",
        "--audience",
        "private",
        "--jobs",
        "1",
        "--today",
        TODAY.isoformat(),
        "--out",
        str(out),
    ]
    process = subprocess.Popen(
        command, cwd=tmp_path, start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + 120
        # Wait until the first plan's PDFs are in place and the next one is being rendered.
        while not list((out / "accounts").glob("*.brief.pdf")) and time.monotonic() < deadline:
            assert process.poll() is None, process.stdout.read() if process.stdout else ""
            time.sleep(0.05)
        os.killpg(process.pid, signal.SIGKILL)
    finally:
        process.wait(30)
        if process.stdout:
            process.stdout.close()
    left = scan(out)
    assert leaks(left, s, "internal"), "the killed private build left private outputs (the premise)"

    result = subprocess.run(
        [
            *_kaplan(),
            "build",
            "--no-pdf",
            "--no-brief",
            "--jobs",
            "1",
            "--today",
            TODAY.isoformat(),
            "--out",
            str(out),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "4 built" in result.stderr  # nothing of the private build was taken as up to date
    assert leaks(scan(out), s, "internal") == []
    assert sorted(p.name for p in (out / "accounts").iterdir() if not p.name.startswith(".")) == [
        f"{n}.html" for n in ("a-one", "b-two", "c-three", "d-four")
    ]
    assert not [p for p in out.rglob("*") if p.suffix == ".tmp"]


# --- a full disk in mid-build --------------------------------------------------------------------------


def test_a_full_disk_mid_build_is_told_as_such_not_as_failed_checks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    import kaplan.site.build
    from kaplan.files import write_together

    (tmp_path / "plans").mkdir()
    for name in ("alpha", "beta", "gamma"):
        (tmp_path / "plans" / f"{name}.yaml").write_text(
            f"kaplan: 1\naccount: {{name: {name.title()} Co}}\n", encoding="utf-8"
        )
    out = tmp_path / "out"
    build_in(tmp_path, "--out", str(out), "--no-pdf", "--no-brief")
    before = (out / "accounts" / "beta.html").read_bytes()
    (tmp_path / "plans" / "beta.yaml").write_text("kaplan: 1\naccount: {name: Beta Two}\n", encoding="utf-8")
    (tmp_path / "plans" / "gamma.yaml").write_text(
        "kaplan: 1\naccount: {name: Gamma Two}\n", encoding="utf-8"
    )

    def full(files: Any) -> Any:
        if any("beta" in p.name or "gamma" in p.name for p in files):
            raise OSError(errno.ENOSPC, "No space left on device")
        return write_together(files)

    monkeypatch.setattr(kaplan.site.tasks, "write_together", full)
    with _inside(tmp_path):
        result = build("--out", str(out), "--no-pdf", "--no-brief")
    assert result.exit_code == 1
    assert "No space left on device" in result.output
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "Not built (run kaplan check)" not in index
    assert "Not written (see the build log): beta, gamma" in index
    assert (out / "accounts" / "beta.html").read_bytes() == before  # the old page, whole
    assert not [p for p in out.rglob("*") if p.suffix == ".tmp"]
