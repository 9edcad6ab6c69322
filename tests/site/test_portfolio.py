"""The portfolio (``OUT/portfolio.html``, ``.json``, ``.pdf``): figures that add up to the plans, trends
and moves from a real git history cached by blob id, no portfolio for partners, the same bytes twice."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import build

from kaplan.coach.rules import RULES
from kaplan.documents.labels import words
from kaplan.plan.meaning import STAGE_PROBABILITY

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Li Ming",
    "GIT_AUTHOR_EMAIL": "li@example.com",
    "GIT_COMMITTER_NAME": "Li Ming",
    "GIT_COMMITTER_EMAIL": "li@example.com",
    "GIT_CONFIG_NOSYSTEM": "1",
    "HOME": "/nonexistent",
}


def git(repo: Path, *args: str, date: str | None = None) -> str:
    env = {**os.environ, **GIT_ENV}
    if date:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = f"{date}T10:00:00+08:00"
    out = subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=True)
    return out.stdout


def write(repo: Path, name: str, data: dict[str, Any]) -> None:
    (repo / "plans" / f"{name}.yaml").write_text(
        yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )


def commit(repo: Path, message: str, date: str) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message, date=date)


def read_json(repo: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((repo / "build" / "portfolio.json").read_text(encoding="utf-8"))
    return data


def build_check(repo: Path, plan: str, today: str) -> int:
    """The health `kaplan check` gives ``plan`` on ``today``."""
    from conftest import run

    result = run("check", plan, "--format", "json", "--today", today)
    score: int = json.loads(result.stdout)["health"][plan]["score"]
    return score


def account(data: dict[str, Any], ident: str) -> dict[str, Any]:
    found: dict[str, Any] = next(a for a in data["accounts"] if a["id"] == ident)
    return found


@pytest.fixture
def history(repo: Path, make_plan: Callable[..., dict[str, Any]]) -> Path:
    """Three plans over four commits: acme advances a stage and gains a champion, bolt loses its
    only contact's support, cobalt (EUR) never changes."""
    git(repo, "-c", "init.defaultBranch=main", "init", "-q")
    acme = make_plan(account={"name": "Acme Steel"})
    acme["projects"][0]["stage"] = 3
    write(repo, "acme", acme)
    bolt = make_plan(account={"name": "Bolt Mining"}, plan={"owner": "li-ming", "tier": "B"})
    bolt["projects"][0]["value"] = 800000
    bolt["projects"][0]["probability"] = 25
    write(repo, "bolt", bolt)
    cobalt = make_plan(account={"name": "Cobalt GmbH"}, plan={"currency": "EUR", "tier": "B"})
    write(repo, "cobalt", cobalt)
    commit(repo, "First plans", "2026-06-01")
    acme["projects"][0]["stage"] = 4
    write(repo, "acme", acme)
    commit(repo, "Acme: criteria set", "2026-09-20")
    bolt["people"][0]["support"] = "skeptic"
    write(repo, "bolt", bolt)
    commit(repo, "Bolt: Zhao cooled", "2026-10-10")
    acme["projects"][0]["stage"] = 5
    write(repo, "acme", acme)
    commit(repo, "Acme: evaluation", "2026-11-02")
    return repo


def test_portfolio_json_adds_up_to_the_plans_and_carries_their_history(history: Path) -> None:
    assert build("--no-pdf", "--no-brief").exit_code == 0
    data = read_json(history)
    assert [a["id"] for a in data["accounts"]] == ["acme", "bolt", "cobalt"]
    acme, bolt, cobalt = (account(data, i) for i in ("acme", "bolt", "cobalt"))
    # pipeline and forecast of each account, from its plan (stage default or its own probability)
    assert (acme["pipeline"], acme["forecast"]) == (1200000, 1200000 * STAGE_PROBABILITY[5] / 100)
    assert (bolt["pipeline"], bolt["forecast"]) == (800000, 200000)
    assert cobalt["currency"] == "EUR"
    assert cobalt["pipeline"] == 1200000
    totals = data["totals"]
    assert totals["pipeline"] == {"CNY": 2000000, "EUR": 1200000}
    assert totals["forecast"]["CNY"] == acme["forecast"] + bolt["forecast"]
    stages = {s["stage"]: s for s in totals["by_stage"]}
    assert stages[5]["pipeline"] == {"CNY": 1200000}
    assert stages[4]["pipeline"] == {
        "CNY": 800000,
        "EUR": 1200000,
    }
    assert sum(s["projects"] for s in totals["by_stage"]) == 3
    # the history: health and forecast at each commit that touched the plan, oldest first
    assert [h["date"] for h in acme["history"]] == ["2026-06-01", "2026-09-20", "2026-11-02"]
    assert acme["history"][-1]["commit"] == git(history, "rev-parse", "HEAD").strip()
    assert [h["forecast"] for h in acme["history"]] == [360000, 480000, 600000]
    assert [h["date"] for h in bolt["history"]] == ["2026-06-01", "2026-10-10"]
    assert bolt["history"][1]["health"] < bolt["history"][0]["health"]  # an economic buyer turned sceptic
    # each point is the plan as committed, judged on its commit's day, as `kaplan check --today` would
    checked = build_check(history, "plans/bolt.yaml", "2026-10-10")
    assert bolt["history"][-1]["health"] == checked
    assert len(cobalt["history"]) == 1
    # next dates, each naming its item
    assert {"kind": "action_due", "date": "2026-12-10", "ref": "a-visit"} in acme["next_dates"]
    # what moved since the review date (a quarter before today by default)
    assert data["since"] == "2026-08-29"
    assert [m["kind"] for m in acme["moves"]] == ["stage_advanced", "stage_advanced"]
    assert [m["kind"] for m in bolt["moves"]] == ["support_changed"]
    # coverage and findings are there for the internal audience
    assert acme["coverage"]["economic_buyer"] == 4  # plan.meaning.ON_OUR_SIDE
    assert acme["coverage"]["coach"] == 0
    assert "opponent-buyer" in bolt["findings"]
    assert bolt["coverage"]["economic_buyer"] == 1  # AGAINST_US: Zhao turned sceptic
    ranked = [a for a in data["accounts"] if a["risk"] is not None]
    assert {a["id"] for a in ranked} == {"acme", "bolt", "cobalt"}


def test_the_page_tells_what_moved_ranks_the_accounts_and_draws_the_trends(history: Path) -> None:
    assert build("--no-pdf", "--no-brief", "--since", "2026-10-01").exit_code == 0
    html = (history / "build" / "portfolio.html").read_text(encoding="utf-8")
    assert "What moved since 2026-10-01" in html
    moved = html[html.index('id="pf-moved"') :]
    assert "Line upgrade: stage 4 → 5 (evaluation)" in moved
    assert "stage 3 → 4" not in moved  # 2026-09-20 is before the review date
    assert "Zhao Gang: support supporter → skeptic" in moved
    assert "<svg" in moved
    assert "health:" in moved
    rank = html[html.index('id="pf-rank"') : html.index('id="pf-dates"')]
    # by value at stake × (100 − health) in CNY, then the account in EUR
    data = read_json(history)
    acme, bolt = account(data, "acme"), account(data, "bolt")
    assert acme["exposure"] == acme["pipeline"] * (100 - acme["health"]) / 100
    first, second = (
        ("Acme Steel", "Bolt Mining")
        if acme["exposure"] > bolt["exposure"]
        else ("Bolt Mining", "Acme Steel")
    )
    assert rank.index(first) < rank.index(second) < rank.index("Cobalt GmbH")
    rules = html[html.index('id="pf-rules"') :]
    assert "Economic buyer against us" in rules
    assert "opponent-buyer" in rules
    assert '<a href="portfolio.html">' in (history / "build" / "index.html").read_text(encoding="utf-8")
    # health up / down since the review date: today's health against the last commit before it
    changes = []
    for a in data["accounts"]:
        then = [h["health"] for h in a["history"] if h["date"] < "2026-10-01"]
        if then:
            changes.append(a["health"] - then[-1])
    ups, downs = sum(c > 0 for c in changes), sum(c < 0 for c in changes)
    assert downs >= 1  # bolt's economic buyer turned sceptic on 2026-10-10
    assert f'<span class="up">▲ {ups}</span> <span class="down">▼ {downs}</span>' in html
    # the account page draws its own trend
    page = (history / "build" / "accounts" / "acme.html").read_text(encoding="utf-8")
    assert "last 3 commits" in page
    assert 'aria-label="health: ' in page


def test_since_a_revision_and_a_bad_since(history: Path) -> None:
    tag = git(history, "rev-parse", "HEAD~1").strip()
    assert build("--no-pdf", "--no-brief", "--since", tag[:8]).exit_code == 0
    assert read_json(history)["since"] == "2026-10-10"
    bad = build("--no-pdf", "--no-brief", "--since", "no-such-rev")
    assert bad.exit_code == 2
    assert "--since" in bad.output
    assert "no-such-rev" in bad.output


def test_a_commit_reads_only_the_blobs_the_cache_lacks(
    history: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kaplan.history.log as log

    assert build("--no-pdf", "--no-brief").exit_code == 0
    old = git(history, "rev-parse", "HEAD:plans/bolt.yaml").strip()
    text = (history / "plans" / "bolt.yaml").read_text(encoding="utf-8")
    (history / "plans" / "bolt.yaml").write_text(text.replace("Bolt Mining", "Bolt Mining Group"), "utf-8")
    commit(history, "Bolt: new name", "2026-11-20")
    asked: list[str] = []
    real = log.cat_blobs

    def counting(repo: Path, names: list[str]) -> list[bytes | None]:
        asked.extend(names)
        return real(repo, names)

    monkeypatch.setattr(log, "cat_blobs", counting)
    result = build("--no-pdf", "--no-brief")
    assert "1 built, 2 up to date" in result.output
    # the new side is the file on disk; the old one is the only blob read from git
    assert asked == [old]
    assert [h["date"] for h in account(read_json(history), "bolt")["history"]][-1] == "2026-11-20"


def test_without_git_or_in_a_shallow_clone_there_are_no_trends_and_no_error(
    history: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{history}", str(shallow))
    monkeypatch.chdir(shallow)
    assert build("--no-pdf", "--no-brief").exit_code == 0
    data = json.loads((shallow / "build" / "portfolio.json").read_text(encoding="utf-8"))
    assert all(len(a["history"]) == 1 for a in data["accounts"])
    bare = tmp_path / "bare"
    (bare / "plans").mkdir(parents=True)
    for path in (history / "plans").iterdir():
        (bare / "plans" / path.name).write_bytes(path.read_bytes())
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    monkeypatch.chdir(bare)
    assert build("--no-pdf", "--no-brief").exit_code == 0
    data = json.loads((bare / "build" / "portfolio.json").read_text(encoding="utf-8"))
    assert [a["history"] for a in data["accounts"]] == [[], [], []]
    assert "What moved since" in (bare / "build" / "portfolio.html").read_text(encoding="utf-8")


def test_partners_get_no_portfolio_and_a_partner_build_removes_one(history: Path) -> None:
    assert build("--no-pdf", "--no-brief").exit_code == 0
    assert (history / "build" / "portfolio.html").is_file()
    result = build("--no-pdf", "--no-brief", "--audience", "external")
    assert result.exit_code == 0
    assert not (history / "build" / "portfolio.html").exists()
    assert not (history / "build" / "portfolio.json").exists()
    assert "portfolio.html" not in (history / "build" / "index.html").read_text(encoding="utf-8")


def test_rebuilds_give_the_same_bytes(history: Path) -> None:
    assert build("--no-pdf", "--no-brief", "--out", "one").exit_code == 0
    assert build("--no-pdf", "--no-brief", "--out", "two").exit_code == 0
    for name in ("portfolio.html", "portfolio.json", "index.html", "calendar.ics"):
        assert (history / "one" / name).read_bytes() == (history / "two" / name).read_bytes(), name


def test_every_rule_has_a_name_a_director_reads() -> None:
    table = words()
    assert [code for code in RULES if f"rule_{code}" not in table] == []
    assert all(table[f"rule_{code}"][0] and table[f"rule_{code}"][1] for code in RULES)


def test_the_review_pack_has_the_portfolio_then_each_account_in_ranking_order(history: Path) -> None:
    from pdfcheck import print_problems
    from pypdf import PdfReader

    result = build("--no-brief", "--no-html", "--site")
    assert result.exit_code == 0, result.output
    pack = history / "build" / "portfolio.pdf"
    reader = PdfReader(pack)
    outline = [o for o in reader.outline if not isinstance(o, list)]
    titles = [o.title for o in outline]
    data = read_json(history)
    cny = sorted((a for a in data["accounts"] if a["currency"] == "CNY"), key=lambda a: -a["exposure"])
    assert titles[1:] == [*(a["name"] for a in cny), "Cobalt GmbH"]
    first_account = reader.get_destination_page_number(outline[1])
    portfolio_text = "".join(reader.pages[i].extract_text() for i in range(first_account))
    assert "Pipeline and forecast by stage" in portfolio_text
    assert "What moved since" in portfolio_text
    assert cny[0]["name"] in reader.pages[first_account].extract_text()
    assert len(reader.pages) == first_account + 3  # one page per account
    assert print_problems(pack.read_bytes()) == []
    before = pack.stat().st_mtime_ns
    assert "0 built" in build("--no-brief", "--no-html", "--site").output
    assert pack.stat().st_mtime_ns == before  # nothing changed: the pack is not rendered again


def test_a_large_dashboard_is_paged_and_its_board_lists_the_largest_projects(
    repo: Path, make_plan: Callable[..., dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    import kaplan.site.pages as pages

    monkeypatch.setattr(pages, "PAGE_SIZE", 2)
    monkeypatch.setattr(pages, "BOARD_LIMIT", 1)
    for i, name in enumerate(["Alpha", "Bravo", "Charlie", "Delta", "Echo"]):
        plan = make_plan(account={"name": name})
        plan["projects"][0]["value"] = 100000 * (i + 1)
        write(repo, name.lower(), plan)
    assert build("--no-pdf", "--no-brief").exit_code == 0
    out = repo / "build"
    tables = {
        n: (out / n).read_text(encoding="utf-8") for n in ("index.html", "index-2.html", "index-3.html")
    }
    rows = {
        n: [x for x in ("Alpha", "Bravo", "Charlie", "Delta", "Echo") if f'data-v="{x}"' in t]
        for n, t in tables.items()
    }
    assert rows == {
        "index.html": ["Alpha", "Bravo"],
        "index-2.html": ["Charlie", "Delta"],
        "index-3.html": ["Echo"],
    }
    assert 'href="index-3.html"' in tables["index.html"]
    assert '<b aria-current="page">2</b>' in tables["index-2.html"]
    board = tables["index.html"][tables["index.html"].index('id="board-title"') :]
    assert "Echo" in board  # the largest project of stage 4 is listed…
    assert "4 more projects" in board  # …and the others counted
    # every page searches the whole site
    assert all('src="assets/search-index.js"' in t for t in tables.values())
    for name in ("delta", "echo"):
        (repo / "plans" / f"{name}.yaml").unlink()
    assert build("--no-pdf", "--no-brief").exit_code == 0
    assert (out / "index-2.html").is_file()
    assert not (out / "index-3.html").exists()  # a page the dashboard no longer has is removed


def test_what_is_decided_in_30_days_and_what_is_overdue_lead_the_page(
    repo: Path, make_plan: Callable[..., dict[str, Any]]
) -> None:
    plan = make_plan(account={"name": "Acme Steel"})
    project = plan["projects"][0]
    project["timeline"] = {"decide_by": "2026-12-15", "sign_by": "2027-02-01"}
    project["decision_process"] = [
        {"step": "Technical evaluation", "by": "2026-12-04"},
        {"step": "Kick-off", "by": "2026-10-01", "status": "done"},
        {"step": "Award", "by": "2026-12-15"},
    ]
    plan["actions"].append(
        {"id": "a-late", "what": "Send the TCO model", "owner": "li-ming", "due": "2026-11-10"}
    )
    write(repo, "acme", plan)
    assert build("--no-pdf", "--no-brief").exit_code == 0
    html = (repo / "build" / "portfolio.html").read_text(encoding="utf-8")
    block = html[html.index('id="pf-decisions"') : html.index('id="pf-stages"')]
    assert block.index("Line upgrade · Technical evaluation") < block.index("Line upgrade · Award")
    assert "Decision</span>" not in block  # the award on decide_by's own day tells it better
    assert "2027" not in block  # the signing is more than 30 days ahead
    assert "Kick-off" not in block  # a step done is decided already
    assert "CNY 1.2M" in block  # the value at stake, from the project
    assert "Overdue actions (1): </b>Acme Steel: Send the TCO model" in block
    # the calendar holds the step too, once, with its project as its ref
    data = read_json(repo)
    steps = [d for d in account(data, "acme")["next_dates"] if d["kind"] == "decision_step"]
    assert steps == [
        {"kind": "decision_step", "date": "2026-12-04", "ref": "p-line"},
        {"kind": "decision_step", "date": "2026-12-15", "ref": "p-line"},
    ]
    assert "Technical evaluation" in (repo / "build" / "calendar.ics").read_text(encoding="utf-8")
    # findings name what they found, not only the rule
    assert account(data, "acme")["notes"]["overdue-action"].startswith(
        "“Send the TCO model” was due 17 days ago"
    )


def test_the_trend_keeps_the_richest_account_on_one_page(repo: Path) -> None:
    """Page 1 of a dossier with a git history (sparklines) still holds the whole account page."""
    from pdfcheck import print_problems
    from pypdf import PdfReader

    example = Path(__file__).resolve().parents[2] / "plans" / "anshan-special-steel.yaml"
    git(repo, "-c", "init.defaultBranch=main", "init", "-q")
    text = example.read_text(encoding="utf-8")
    (repo / "plans" / example.name).write_text(
        text.replace("reviewed: 2026-11-20", "reviewed: 2026-09-20"), "utf-8"
    )
    commit(repo, "Plan", "2026-09-20")
    (repo / "plans" / example.name).write_text(text, encoding="utf-8")
    commit(repo, "Review", "2026-11-20")
    assert build("--no-brief", "--today", "2026-12-01").exit_code == 0
    pdf = repo / "build" / "accounts" / "anshan-special-steel.pdf"
    assert 'class="ap-trend"' in (repo / "build" / "accounts" / "anshan-special-steel.html").read_text(
        "utf-8"
    )
    assert print_problems(pdf.read_bytes()) == []
    second = PdfReader(pdf).pages[1].extract_text()
    assert "执行摘要" in second  # page 2 opens the summary: nothing of page 1 spilled over


def test_markup_in_a_plan_stays_text_on_the_portfolio(
    repo: Path, make_plan: Callable[..., dict[str, Any]]
) -> None:
    """Every text of a plan reaches the portfolio escaped: its tables, its SVG labels and the pack."""
    evil = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'
    plan = make_plan(account={"name": f"Acme {evil}"})
    plan["projects"][0]["name"] = f"Line {evil}"
    plan["projects"][0]["timeline"] = {"decide_by": "2026-12-15"}
    plan["actions"].append({"id": "a-late", "what": f"Call {evil}", "owner": "li-ming", "due": "2026-11-01"})
    git(repo, "-c", "init.defaultBranch=main", "init", "-q")
    write(repo, "acme", plan)
    commit(repo, "Plan", "2026-09-01")
    plan["people"][0]["support"] = "neutral"
    write(repo, "acme", plan)
    commit(repo, "Cooler", "2026-11-01")
    assert build("--no-pdf", "--no-brief").exit_code == 0
    for name in ("portfolio.html", "index.html"):
        html = (repo / "build" / name).read_text(encoding="utf-8")
        assert "<script>alert" not in html, name
        assert "<img src=x" not in html, name
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, name
    html = (repo / "build" / "portfolio.html").read_text(encoding="utf-8")
    assert 'aria-label="Acme &lt;script&gt;' in html  # the sparkline's label
    assert (
        json.loads((repo / "build" / "portfolio.json").read_text(encoding="utf-8"))["accounts"][0]["name"]
        == f"Acme {evil}"
    )
