"""``kaplan build`` and ``kaplan brief``: one briefing per meeting dated today or later, kept by the
cache while current, removed when the meeting is past, gone, or not the audience's to see."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import FAKE_PDF, TODAY, build, run

from kaplan.site.cache import load_record

YESTERDAY = (TODAY - dt.timedelta(days=1)).isoformat()
MEETINGS = [
    {
        "id": "m-today",
        "on": TODAY.isoformat(),
        "title": "Review today",
        "attendees": ["zhao-gm"],
        "objective": "Agree the trial",
        "commitment": {"best": "SENTINEL-BEST", "minimum": "SENTINEL-MINIMUM"},
        "questions": ["SENTINEL-QUESTION"],
    },
    {"id": "m-yesterday", "on": YESTERDAY, "title": "Review yesterday", "attendees": ["qian-cto"]},
    {"id": "m-shared", "on": "2026-12-10", "title": "Shared visit", "attendees": ["zhao-gm"], "share": True},
]


@pytest.fixture(autouse=True)
def fake_brief_pdf(monkeypatch: pytest.MonkeyPatch, fake_pdf: list[str]) -> None:
    """``kaplan brief`` renders through the same fake as the build, with no worker process."""
    import kaplan.documents.pdf
    import kaplan.site.tasks

    class InProcess:
        def __enter__(self) -> InProcess:
            return self

        def __exit__(self, *exc: object) -> None:
            pass

        def render(self, html: str, theme: object) -> bytes:
            return kaplan.site.tasks.render_pdf(html, theme)  # type: ignore[no-any-return]

    monkeypatch.setattr(kaplan.documents.pdf, "WarmRenderer", InProcess)


@pytest.fixture
def acme(repo: Path, write_plan: Callable[..., Path], make_plan: Callable[..., dict[str, Any]]) -> Path:
    return write_plan(make_plan(meetings=MEETINGS), "acme")


def briefs(out: Path) -> list[str]:
    return sorted(p.name for p in (out / "accounts").glob("acme.*.brief.pdf"))


def test_each_meeting_from_today_on_gets_a_briefing_recorded_for_reuse(
    acme: Path, repo: Path, fake_pdf: list[str]
) -> None:
    result = build("--out", "out", "--no-html")
    assert result.exit_code == 0, result.output
    assert briefs(repo / "out") == ["acme.m-shared.brief.pdf", "acme.m-today.brief.pdf"]
    assert (repo / "out" / "accounts" / "acme.m-today.brief.pdf").read_bytes() == FAKE_PDF
    record = load_record(repo / "out" / "accounts", "acme")
    assert {".m-today.brief.pdf", ".m-shared.brief.pdf"} <= set(record.outputs)
    assert record.meetings
    fake_pdf.clear()
    again = build("--out", "out", "--no-html")
    assert again.exit_code == 0, again.output
    assert fake_pdf == []  # all current: nothing rendered
    assert briefs(repo / "out") == ["acme.m-shared.brief.pdf", "acme.m-today.brief.pdf"]


def brief_links(page: Path) -> list[str]:
    return re.findall(r'<a href="([^"]+\.brief\.pdf)"', page.read_text(encoding="utf-8"))


def test_the_account_page_links_each_meeting_briefing_it_has(
    acme: Path, repo: Path, fake_pdf: list[str]
) -> None:
    assert build("--out", "out").exit_code == 0
    page = repo / "out" / "accounts" / "acme.html"
    meetings = [link for link in brief_links(page) if link != "acme.brief.pdf"]
    assert sorted(meetings) == ["acme.m-shared.brief.pdf", "acme.m-today.brief.pdf"]  # not the past one
    assert all((page.parent / link).is_file() for link in brief_links(page))
    # Tomorrow today's meeting is past: its briefing goes, and so does the link to it.
    assert build("--out", "out", today=TODAY + dt.timedelta(days=1)).exit_code == 0
    assert [link for link in brief_links(page) if link != "acme.brief.pdf"] == ["acme.m-shared.brief.pdf"]
    # A build without briefings links none.
    assert build("--out", "fresh", "--no-brief").exit_code == 0
    assert brief_links(repo / "fresh" / "accounts" / "acme.html") == []


def test_a_meeting_that_is_past_tomorrow_loses_its_briefing(
    acme: Path, repo: Path, fake_pdf: list[str]
) -> None:
    assert build("--out", "out", "--no-html").exit_code == 0
    tomorrow = TODAY + dt.timedelta(days=1)
    result = build("--out", "out", "--no-html", today=tomorrow)
    assert result.exit_code == 0, result.output
    assert briefs(repo / "out") == ["acme.m-shared.brief.pdf"]


def test_a_deleted_meeting_loses_its_briefing(
    acme: Path,
    repo: Path,
    write_plan: Callable[..., Path],
    make_plan: Callable[..., dict[str, Any]],
    fake_pdf: list[str],
) -> None:
    assert build("--out", "out", "--no-html").exit_code == 0
    write_plan(make_plan(meetings=MEETINGS[:2]), "acme")
    assert build("--out", "out", "--no-html").exit_code == 0
    assert briefs(repo / "out") == ["acme.m-today.brief.pdf"]


def test_no_brief_keeps_current_briefings_and_an_external_build_only_shared_ones(
    acme: Path, repo: Path, fake_pdf: list[str]
) -> None:
    assert build("--out", "out", "--no-html").exit_code == 0
    assert build("--out", "out", "--no-html", "--no-brief", "--no-pdf").exit_code == 0
    assert briefs(repo / "out") == ["acme.m-shared.brief.pdf", "acme.m-today.brief.pdf"]
    assert build("--out", "out", "--no-html", "--audience", "external").exit_code == 0
    # Only the shared meeting, under the partner edition's id: our ids are ours.
    assert briefs(repo / "out") == ["acme.meeting-1.brief.pdf"]
    assert build("--out", "out", "--no-html", "--no-brief", "--audience", "internal").exit_code == 0
    assert briefs(repo / "out") == []  # made for another audience: not vouched for


def test_a_shard_without_the_plan_renders_no_meeting_briefing(
    acme: Path, repo: Path, fake_pdf: list[str]
) -> None:
    from kaplan.site.tasks import in_shard

    other = next(f"{k}/2" for k in (1, 2) if not in_shard("acme", (k, 2)))
    assert build("--out", "out", "--no-html", "--shard", other).exit_code == 0
    assert briefs(repo / "out") == []


def test_kaplan_brief_prints_the_path_it_wrote(acme: Path, repo: Path, fake_pdf: list[str]) -> None:
    result = run("brief", "plans/acme.yaml", "m-today", "--today", TODAY.isoformat())
    assert result.exit_code == 0, result.output
    written = Path(result.output.strip())
    assert written == (repo / "build" / "accounts" / "acme.m-today.brief.pdf").resolve()
    assert written.read_bytes() == FAKE_PDF
    general = run("brief", "plans/acme.yaml", "--out", "elsewhere.pdf", "--today", TODAY.isoformat())
    assert general.exit_code == 0, general.output
    assert general.output.strip() == "elsewhere.pdf"
    assert (repo / "elsewhere.pdf").read_bytes() == FAKE_PDF


def test_kaplan_brief_of_an_unknown_meeting_is_a_usage_error_with_a_suggestion(
    acme: Path, fake_pdf: list[str]
) -> None:
    result = run("brief", "plans/acme.yaml", "m-todya", "--today", TODAY.isoformat())
    assert result.exit_code == 2
    assert "did you mean 'm-today'?" in result.output
    assert "m-shared, m-today, m-yesterday" in result.output
    external = run("brief", "plans/acme.yaml", "m-today", "--audience", "external")
    assert external.exit_code == 2  # not shared: for partners it does not exist
    assert "(its meetings: meeting-1)" in external.output
    assert fake_pdf == []


def test_kaplan_brief_of_a_broken_plan_shows_its_findings_and_exits_1(
    repo: Path, write_plan: Callable[..., Path], fake_pdf: list[str]
) -> None:
    write_plan(
        "kaplan: 1\naccount:\n  name: Acme\npeople:\n  - id: a\n    name: A\n    support: suporter\n", "bad"
    )
    result = run("brief", "plans/bad.yaml")
    assert result.exit_code == 1
    assert "plans/bad.yaml:7" in result.output
    assert not (repo / "build").exists()
    assert run("brief", "plans/missing.yaml").exit_code == 2
