"""No output of any command leaks what its audience may not see: sentinels in every text field.

The plan is generated from the model itself, so a text field added to the format later gets a
sentinel without anyone remembering to: every ``str`` field of every model holds a distinct token
(``ZQ0042QZ``), in a visible item and in a ``private: true`` twin of it (plus personal needs and
cruxes, shared actions, objectives and meetings, and a waiver with a reason on every item).
References are made where :data:`~kaplan.plan.load.REF_FIELDS` says the format holds them: a single
reference names the first (visible) item of its section, a list of them also names the private
twin. What each audience may see is written out here from the spec, by hand, independently of
kaplan's own allow-list. Then every byte of every file a real build leaves in OUT (PDF text and
metadata included), and the output of ``kaplan diff``, is scanned for the tokens.
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

from kaplan.plan import AUDIENCES, Audience
from kaplan.plan.load import ANY, ID_SECTIONS, REF_FIELDS, load_plan
from kaplan.plan.model import MoneyValue, Plan

TOKEN = re.compile(r"ZQ\d{4}QZ")
# The generated ids (``people-id1``): a dropped item's id must be absent too, not only its text.
IDENT = re.compile(rf"\b(?:{'|'.join(s.replace('_', '-') for s in ID_SECTIONS)})-id\d\b")
# The ids a partner may see: of the visible items of the sections whose `id` is on the allow-list
# (shared actions are renumbered; a shared objective or meeting shows no id).
EXTERNAL_IDS = {f"{section}-id{i}" for section in ("units", "team", "people", "projects") for i in (0, 9)}
HIDDEN_ITEMS = ("1", "2", "4")  # private twins, personal needs and cruxes, shared private items

# Where the format holds references (pattern without list indexes → the sections it may name).
SINGLE_REFS = {pattern: sections for pattern, sections in REF_FIELDS if pattern[-1] != "*"}
REF_LISTS = {pattern[:-1]: sections for pattern, sections in REF_FIELDS if pattern[-1] == "*"}
NOT_TEXT = {"currency", "website"}  # validated or shown only as codes
WAIVED = "stale-review"  # a real coaching code (a waiver may name only those); it fires on this plan
SHARED = ("actions", "objectives", "meetings")  # reach a partner only when marked share: true

# What a partner may see (plan-format.md, "Audiences"), as paths with list indexes removed. Everything
# else is absent: among the text of format 1.1, a person's unit is a reference and a decision step's
# status an enum; partnership, whitespace, contracts, log, risks, waiver reasons, pricing, a
# person's phone and e-mail, compelling events, metrics, loss reasons and a meeting's commitment,
# questions and outcome are not on this list.
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
    "account.contacts[].email",
    "account.contacts[].address",
    "account.consumption[].category",
    "account.consumption[].volume.unit",
    "account.units[].name",
    "account.units[].location",
    "account.purchasing_calendar[].what",
    "team[].name",
    "team[].email",
    "people[].name",
    "people[].title",
    "people[].department",
    "projects[].name",
    "projects[].special_requirements[]",
    "projects[].criteria[].criterion",
    "projects[].decision_process[].step",
    # shared items only
    "actions[].what",
    "objectives[].statement",
    "objectives[].measure.unit",
    "meetings[].title",
    "meetings[].objective",
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


def _target(sections: tuple[str, ...]) -> str:
    """The section a generated reference names: the first one it may (people for "any id")."""
    return "people" if sections == ANY else sections[0]


def _fill(
    model: type[BaseModel], path: str, s: Sentinels, section: str, i: int, where: tuple[str, ...] = ()
) -> dict[str, Any]:
    """``where``: the field's place as REF_FIELDS writes it (keys as written, ``*`` for a list item)."""
    data: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        key = info.alias or name
        here = f"{path}.{key}" if path else key
        at = (*where, key)
        annotation = _unwrap(info.annotation)
        origin = typing.get_origin(annotation)
        if name in ("private", "share", "kaplan"):
            continue
        if name == "id":
            data[key] = _ident(section, i)
        elif at in SINGLE_REFS:
            data[key] = _ident(_target(SINGLE_REFS[at]), 0)
        elif at in REF_LISTS:  # the visible item and its private twin
            data[key] = [_ident(_target(REF_LISTS[at]), 0), _ident(_target(REF_LISTS[at]), 1)]
        elif name == "waive":
            data[key] = {WAIVED: s.token(f"{here}.reason")}
        elif name in NOT_TEXT:
            continue
        elif annotation is str:
            data[key] = s.token(here)
        elif origin is list:
            (item,) = typing.get_args(annotation)
            if item is str:
                data[key] = [s.token(f"{here}[]")]
            elif isinstance(item, type) and issubclass(item, BaseModel):
                data[key] = _items(item, f"{here}[]", s, name, (*at, "*"))
        elif annotation is MoneyValue:
            data[key] = {"amount": 1_000_000, "currency": "CNY"}
        elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
            data[key] = _fill(annotation, here, s, section, i, at)
        elif origin is typing.Literal and info.is_required():
            data[key] = typing.get_args(annotation)[0]
        elif info.is_required():
            data[key] = "2026-01-01" if annotation is dt.date else 1
    return data


def _items(
    model: type[BaseModel], path: str, s: Sentinels, section: str, where: tuple[str, ...]
) -> list[dict[str, Any]]:
    """A visible item and its private twin; personal needs and cruxes; shared actions, objectives
    and meetings, and a shared private one (private wins)."""
    items = [_fill(model, path, s, section, 0, where), _fill(model, path + "!private", s, section, 1, where)]
    items[1]["private"] = True
    if section in ("needs", "cruxes"):
        items.append({**_fill(model, path + "!personal", s, section, 2, where), "kind": "personal"})
    if section in SHARED:
        items.append({**_fill(model, path + "!shared", s, section, 3, where), "share": True})
        shared_private = _fill(model, path + "!private", s, section, 4, where)
        items.append({**shared_private, "share": True, "private": True})
    return items


def sentinel_plan() -> tuple[dict[str, Any], Sentinels]:
    """Every text field of the format, filled with its own token."""
    s = Sentinels()
    plan = {"kaplan": 1, **_fill(Plan, "", s, "plan", 0)}
    plan["plan"]["locale"] = "en"
    # Trees: the first item cannot be its own parent; a second visible one hangs under it.
    plan["people"][0].pop("reports_to")
    plan["people"].append({"id": "people-id9", "name": s.token("people[].name"), "reports_to": "people-id0"})
    units = plan["account"]["units"]
    units[0].pop("parent")
    units.append({"id": "units-id9", "name": s.token("account.units[].name"), "parent": "units-id0"})
    for project in plan["projects"]:
        project["stage"] = 5
        project["history"] = [{"stage": 5, "on": "2026-10-01"}]
    for meeting in plan["meetings"]:  # upcoming, so the briefing shows the next one too
        meeting["on"] = "2026-12-03"
    # Coaching rules of format 1.1 that quote what they are about, tripped on private items and on
    # visible items that name private ones: their findings must go with what they quote.
    plan["meetings"][1].pop("commitment")  # meeting-unprepared, on the private meeting
    for objective in plan["objectives"]:
        objective["status"] = "at_risk"  # objective-off-track, on all but the first
    for contract in plan["contracts"]:
        contract["end"] = "2027-01-15"  # contract-expiring: its renewal is the private project, won
    plan["contracts"][0]["renewal"] = "projects-id1"
    plan["projects"][1]["outcome"] = "won"
    for entry in plan["log"]:
        entry.update(kind="complaint", on="2026-09-01")  # open-complaint, naming the private person
    return plan, s


def may_see_id(ident: str, audience: Audience) -> bool:
    """Whether the spec lets ``audience`` see a generated id."""
    if audience == "private":
        return True
    if audience == "internal":
        return not ident.endswith(HIDDEN_ITEMS)
    return ident in EXTERNAL_IDS


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
    if normal.startswith(tuple(f"{section}[]" for section in SHARED)):
        return "!shared" in path and normal in EXTERNAL_TEXT
    return normal in EXTERNAL_TEXT


def _pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    text = "".join(page.extract_text() for page in reader.pages)
    meta = " ".join(str(v) for v in (reader.metadata or {}).values())
    return re.sub(r"\s+", "", text) + " " + meta


def scan(folder: Path) -> dict[str, set[str]]:
    """Every token and generated id in every file under ``folder``: file name → what was found.

    Ids are looked for in a PDF's text and metadata only, not in its compressed bytes.
    """
    found: dict[str, set[str]] = {}
    for path in sorted(folder.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        text = data.decode("utf-8", "replace")
        if path.suffix == ".ics":  # RFC 5545 folds lines at 75 octets: a token may straddle a fold
            text = text.replace("\r\n ", "")
        readable = _pdf_text(data) if data.startswith(b"%PDF") else text
        found[path.relative_to(folder).as_posix()] = set(TOKEN.findall(text + readable)) | set(
            IDENT.findall(readable)
        )
    return found


def leaks(found: dict[str, set[str]], s: Sentinels, audience: Audience) -> list[tuple[str, str]]:
    """(file, the path of a token's field or an id) of everything found that ``audience`` may not see."""
    return sorted(
        (name, s.paths.get(t, t))
        for name, tokens in found.items()
        for t in tokens
        if not (may_see(s.paths[t], audience) if t in s.paths else may_see_id(t, audience))
    )


def seen_paths(found: dict[str, set[str]], s: Sentinels) -> set[str]:
    """The paths of the fields whose tokens were found."""
    return {s.paths[t] for tokens in found.values() for t in tokens if t in s.paths}


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
    assert loaded.plan is not None
    assert len(s.paths) > 300
    for must in ("people[].personal.family", "projects[].buying_team[].win.personal", "partner_summary"):
        assert must in s.paths.values()
    # Every section of format 1.1, a waiver on the plan and on every item, shared and private items.
    for must in (
        "waive.reason",
        "people[].waive.reason",
        "projects[].decision_process[].waive.reason",
        "meetings[]!shared.commitment.best",
        "meetings[]!shared.questions[]",
        "meetings[]!shared.outcome",
        "objectives[]!private.statement",
        "log[].summary",
        "risks[].statement",
        "partnership.strengths[]",
        "whitespace[].notes",
        "contracts[].notes",
        "competitors[].pricing",
        "people[].phone",
        "people[].email",
    ):
        assert must in s.paths.values(), must
    plan = loaded.plan
    assert [m.share for m in plan.meetings] == [False, False, True, True]
    assert [o.private for o in plan.objectives] == [False, True, False, True]
    assert plan.meetings[0].attendees == ["people-id0", "people-id1"]  # a visible and a private person
    assert plan.account.units[2].parent == "units-id0"
    assert plan.people[0].source is not None
    assert plan.people[0].source.by == "team-id0"
    # Every reference field of the format holds a reference (REF_FIELDS drives the generator).
    assert len(SINGLE_REFS) + len(REF_LISTS) == len(REF_FIELDS)


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
    # The meetings are upcoming: each one the audience may see has its own briefing, scanned too.
    assert [n for n in found if re.fullmatch(r"accounts/sentinel\.[a-z0-9-]+\.brief\.pdf", n)]
    assert "calendar.ics" in found  # the calendars are scanned too (unfolded: see scan)
    # The portfolio (page, figures, review pack) for the audiences that have one; partners have none.
    portfolio = {"portfolio.html", "portfolio.json", "portfolio.pdf"}
    assert (portfolio <= set(found)) is (audience != "external")
    seen = seen_paths(found, s)
    # Positive controls: what each audience must still be shown.
    shown = {"account.name", "people[].name", "account.units[].name", "account.units[].location"}
    shown |= {"account.purchasing_calendar[].what", "projects[].decision_process[].step"}
    if audience == "external":
        shown |= {"partner_summary", "actions[]!shared.what", "objectives[]!shared.statement"}
        shown |= {
            "objectives[]!shared.measure.unit",
            "meetings[]!shared.title",
            "meetings[]!shared.objective",
        }
        assert "summary" not in seen
    else:
        shown |= {
            "summary",
            "projects[].buying_team[].win.business",
            "people[].standing",
            "competitors[].name",
        }
        shown |= {"partnership.strengths[]", "partnership.vulnerabilities[]", "whitespace[].offering"}
        shown |= {"contracts[].name", "log[].summary", "risks[].statement", "risks[].mitigation"}
        shown |= {"objectives[].statement", "meetings[].title", "meetings[].commitment.best"}
        shown |= {"meetings[].commitment.minimum", "meetings[].questions[]", "meetings[].outcome"}
        shown |= {"people[].phone", "people[].email", "competitors[].pricing", "projects[].compelling_event"}
        shown |= {"projects[].metrics[].kpi", "projects[].loss_reason", "account.shareholders[].name"}
        shown |= {"account.terms.payment", "account.units[].notes"}
    if audience == "private":
        shown |= {"people[].personal.family", "projects[].buying_team[].win.personal"}
        shown |= {
            "meetings[]!private.title",
            "objectives[]!private.statement",
            "account.units[]!private.name",
        }
    assert shown - seen == set()
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


@pytest.mark.parametrize("audience", AUDIENCES)
def test_every_byte_of_an_export_shows_only_what_the_audience_may_see(
    repo: tuple[Path, Sentinels], tmp_path: Path, audience: Audience
) -> None:
    """``kaplan export``: the workbook's XML (unzipped) and each CSV are scanned like a build."""
    import zipfile

    root, s = repo
    with _inside(root):
        for fmt, out in (("xlsx", tmp_path / "plans.xlsx"), ("csv", tmp_path / "csv")):
            result = run("export", "--format", fmt, "--out", str(out), "--audience", audience)
            assert result.exit_code == 0, result.output
    unpacked = tmp_path / "xlsx"
    with zipfile.ZipFile(tmp_path / "plans.xlsx") as archive:
        archive.extractall(unpacked)
    found = {**scan(unpacked), **scan(tmp_path / "csv")}
    assert leaks(found, s, audience) == []
    seen = seen_paths(found, s)
    # Positive controls: the people, the projects and what each audience must be shown.
    shown = {"account.name", "people[].name", "people[].title", "projects[].name"}
    if audience == "external":
        shown |= {"partner_summary", "actions[]!shared.what", "meetings[]!shared.title"}
        assert not {"summary", "competitors[].name", "log[].summary"} & seen
    else:
        shown |= {"summary", "competitors[].name", "log[].summary", "people[].standing", "meetings[].title"}
        shown |= {"projects[].buying_team[].win.business", "objectives[].statement", "actions[].what"}
    if audience == "private":
        shown |= {
            "people[].personal.family",
            "projects[].buying_team[].win.personal",
            "meetings[]!private.title",
        }
    assert shown - seen == set()
