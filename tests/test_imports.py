"""A check you don't wait for: `kaplan check FILE` imports only the format, the coach and the CLI.

Each command runs in a fresh interpreter (this test process has long imported everything), in
process through ``main(standalone_mode=False)``, and then lists ``sys.modules``. A guard of what is
loaded, not a timing: ``python -m bench --only startup`` times it.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import TODAY

REPO = Path(__file__).resolve().parents[1]
PLAN = sorted((REPO / "plans").glob("*.yaml"))[0].relative_to(REPO)
# What only building, rendering, serving or the history need. kaplan.history.report (the `diff`
# formats, plain Python) is the one module of kaplan.history the command line names its options from.
NOT_FOR_CHECK = (
    "jinja2",
    "markdown",
    "markupsafe",
    "weasyprint",
    "nh3",
    "kaplan.documents",
    "kaplan.site",
    "kaplan.interop.",
    "kaplan.history.diff",
    "kaplan.history.git",
    "kaplan.history.log",
    "kaplan.history.changes",
)


def modules_after(argv: list[str], then: str = "") -> dict[str, object]:
    """``kaplan ARGV`` in a fresh interpreter: the modules it loaded, and what ``then`` printed."""
    code = f"""
        import json, sys
        from kaplan.cli import main
        try:
            main({argv!r}, standalone_mode=False)
        except SystemExit:
            pass
        print(json.dumps({{"modules": sorted(sys.modules), "then": {then or "None"}}}))
        """
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    found: dict[str, object] = json.loads(done.stdout.splitlines()[-1])
    return found


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_check_loads_no_renderer_site_or_history(fmt: str) -> None:
    found = modules_after(["check", str(PLAN), "--today", TODAY.isoformat(), "--format", fmt])
    modules = found["modules"]
    assert isinstance(modules, list)
    assert "kaplan.coach.check" in modules  # it did check
    assert [m for m in modules if m.startswith(NOT_FOR_CHECK)] == []


def test_a_command_that_validates_no_plan_builds_no_plan_validator() -> None:
    # `kaplan rules` loads the coach and so the model, but reads no plan: the model's schema is built
    # on the first validation (defer_build), not at import.
    found = modules_after(["rules"], then="sys.modules['kaplan.plan.model'].Plan.__pydantic_complete__")
    assert "kaplan.plan.model" in found["modules"]  # type: ignore[operator]
    assert found["then"] is False
