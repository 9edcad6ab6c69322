"""Shared fixtures: valid plans in one line, written to real files; a repository; the CLI in-process."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result

# The one "today" of every test; the command line gets it as ``TODAY.isoformat()``.
TODAY = dt.date(2026, 11, 27)
FAKE_PDF = b"%PDF-fake"

BASE_PLAN: dict[str, Any] = {
    "kaplan": 1,
    "summary": "A healthy test account.",
    "plan": {
        "owner": "li-ming",
        "status": "active",
        "reviewed": "2026-11-01",
        "tier": "A",
        "currency": "CNY",
        "locale": "en",
    },
    "account": {"name": "Test Steel", "industry": "Steel"},
    "team": [{"id": "li-ming", "name": "Li Ming", "role": "account_manager"}],
    "people": [
        {
            "id": "zhao-gm",
            "name": "Zhao Gang",
            "title": "GM",
            "influence": "high",
            "support": "supporter",
            "coverage": "in_depth",
            "political": "inner_circle",
            "last_contact": "2026-11-20",
        },
        {
            "id": "qian-cto",
            "name": "Qian Wei",
            "title": "CTO",
            "reports_to": "zhao-gm",
            "influence": "high",
            "support": "champion",
            "coverage": "multiple",
            "political": "power_structure",
            "last_contact": "2026-11-10",
        },
    ],
    "competitors": [
        {"id": "rival", "name": "Rival Co", "status": "incumbent", "threat": "medium"},
    ],
    "installed_base": [{"product": "Old pump", "vendor": "rival"}],
    "needs": [
        {"id": "n-uptime", "statement": "Less downtime", "visibility": "hidden", "evidence": "Said so"}
    ],
    "projects": [
        {
            "id": "p-line",
            "name": "Line upgrade",
            "stage": 4,
            "stage_since": "2026-10-15",
            "value": 1200000,
            "buying_team": [
                {"person": "zhao-gm", "roles": ["economic_buyer"], "win": {"personal": "Promotion"}},
                {
                    "person": "qian-cto",
                    "roles": ["champion", "technical_buyer"],
                    "win": {"personal": "Credit"},
                },
            ],
            "criteria": [{"criterion": "Uptime", "weight": 0.5, "shaped_by_us": True}],
        }
    ],
    "cruxes": [{"id": "c-zhao", "kind": "person", "statement": "Zhao decides", "refs": ["zhao-gm"]}],
    "actions": [{"id": "a-visit", "what": "Site visit", "owner": "li-ming", "due": "2026-12-10"}],
}


def merge(base: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """Deep-merge mappings; a value of None removes the key; lists are replaced."""
    out = copy.deepcopy(base)
    for key, value in overrides.items():
        if value is None:
            out.pop(key, None)
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


@pytest.fixture
def make_plan() -> Callable[..., dict[str, Any]]:
    """``make_plan(people=[...], plan={"reviewed": None})``: a valid, healthy plan with overrides."""

    def factory(**overrides: Any) -> dict[str, Any]:
        return merge(BASE_PLAN, overrides)

    return factory


@pytest.fixture
def write_plan(tmp_path: Path) -> Callable[..., Path]:
    """``write_plan(data_or_text, name="acme")``: a real plan file in a temporary folder."""

    def writer(content: dict[str, Any] | str, name: str = "acme") -> Path:
        folder = tmp_path / "plans"
        folder.mkdir(exist_ok=True)
        path = folder / f"{name}.yaml"
        text = (
            content
            if isinstance(content, str)
            else yaml.safe_dump(content, allow_unicode=True, sort_keys=False)
        )
        path.write_text(text, encoding="utf-8")
        return path

    return writer


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty repository (plans/, no kaplan.yaml) as the current folder, with no KAPLAN_TODAY."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KAPLAN_TODAY", raising=False)
    (tmp_path / "plans").mkdir()
    return tmp_path


@pytest.fixture
def fake_pdf(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """WeasyPrint swapped for a fake that writes ``%PDF-fake``; the list records each call."""
    import kaplan.site.build  # here, not at the top: modules that never build need not import it
    import kaplan.site.portfolio.pack
    import kaplan.site.tasks

    calls: list[str] = []

    def fake(html: str, dirs: object) -> bytes:
        calls.append("pdf")
        return FAKE_PDF

    monkeypatch.setattr(kaplan.site.tasks, "render_pdf", fake)
    # The review pack is faked too, but not counted: tests count the plans' PDFs.
    monkeypatch.setattr(kaplan.site.portfolio.pack, "render_pdf", lambda html, theme: FAKE_PDF)
    return calls


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    """Run kaplan in-process; whatever the input, it must never end in a traceback."""
    from kaplan.cli import main  # here, so a module that only parses files need not import the CLI

    result = CliRunner().invoke(main, list(args), env=env)
    assert "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


def build(*args: str, today: dt.date | str = TODAY) -> Result:
    """``kaplan build`` in one process (``--jobs 1``) on a pinned date; ``args`` may override either."""
    return run("build", "--jobs", "1", "--today", str(today), *args)
