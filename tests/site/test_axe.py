"""Every page of the example site passes axe-core with no serious or critical violation (a real browser)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from kaplan.cli import main

ROOT = Path(__file__).resolve().parents[2]
# tests/../Makefile's `test-deps` installs the npm packages here (.venv is git-ignored), and Chromium.
NODE_MODULES = ROOT / ".venv" / "npm" / "node_modules"
PACKAGES = ("playwright-core", "axe-core")
CHROMIUM = Path("/usr/bin/chromium")
AUDIT = Path(__file__).with_name("axe_audit.js")
BLOCKING = {"serious", "critical"}


def audit_node() -> str:
    """The node that runs the audit. Fails the test when node, an npm package or Chromium is missing:
    a skip would pass a site nobody audited."""
    node = shutil.which("node")
    present = {
        "node": node is not None,
        **{f"npm {p} in {NODE_MODULES}": (NODE_MODULES / p / "package.json").is_file() for p in PACKAGES},
        f"Chromium ({CHROMIUM})": CHROMIUM.is_file(),
    }
    missing = [what for what, there in present.items() if not there]
    if missing or node is None:
        pytest.fail(f"the accessibility audit needs {', '.join(missing)}: run `make test-deps`")
    return node


@pytest.mark.pdf  # not a PDF, but as slow: ~10 s, most of it axe's colour-contrast rule
def test_no_page_of_the_example_site_has_a_serious_or_critical_axe_violation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    node = audit_node()
    monkeypatch.chdir(ROOT)
    out = tmp_path / "site"
    result = CliRunner().invoke(
        main, ["build", "--out", str(out), "--no-pdf", "--no-brief", "--jobs", "1", "--today", "2026-11-27"]
    )
    assert result.exit_code == 0, result.output
    pages = sorted(out.rglob("*.html"))
    assert len(pages) == 5  # the index, the portfolio and three account pages (English and Chinese plans)
    run = subprocess.run(
        [node, str(AUDIT), str(NODE_MODULES), str(CHROMIUM), *map(str, pages)],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert run.returncode == 0, f"the audit did not run:\n{run.stderr}"
    found: dict[str, list[dict[str, Any]]] = json.loads(run.stdout)
    assert sorted(found) == sorted(map(str, pages))  # every page was audited
    problems = [
        f"{Path(page).relative_to(out)}: {v['impact']} {v['id']} ({v['help']}) at {', '.join(v['targets'])}"
        for page, violations in sorted(found.items())
        for v in violations
        if v["impact"] in BLOCKING
    ]
    assert not problems, "axe-core found:\n" + "\n".join(problems)
