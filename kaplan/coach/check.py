"""Check plans: find the files, load them, run the coaching rules, score their health."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kaplan.coach.health import Health, plan_health
from kaplan.coach.rules import RULES, coaching_findings
from kaplan.coach.waivers import order_findings
from kaplan.config import Workspace
from kaplan.errors import UsageError
from kaplan.plan.findings import Finding
from kaplan.plan.load import LoadedPlan, load_plan, plan_id
from kaplan.plan.meaning import plan_locale
from kaplan.plan.yaml12 import LineMap

RULE_CODES = tuple(RULES)


@dataclass
class CheckedPlan:
    """A loaded plan with all its findings and, when valid, its health."""

    loaded: LoadedPlan
    findings: list[Finding] = field(default_factory=list)
    health: Health | None = None
    waived: list[Finding] = field(default_factory=list)  # findings a waiver silences, with its reason


def parse_today(value: str | None) -> dt.date:
    """``--today`` or ``KAPLAN_TODAY`` pins the date; otherwise the real date."""
    text = value or os.environ.get("KAPLAN_TODAY")
    if not text:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"'{text}' is not a date: write it YYYY-MM-DD") from None


def _shown(path: Path, cwd: Path | None = None) -> str:
    try:
        # Not resolved: a symlinked plan is shown by its own name, not by where it points.
        return str(Path(os.path.abspath(path)).relative_to(cwd or Path.cwd().resolve()))
    except ValueError:
        return str(path)


def plan_files_in(folder: Path) -> list[Path]:
    """The plan files of a folder, sorted; ``.yml`` files are included so their name gets reported."""
    return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())


def find_plan_files(paths: Sequence[str], project: Workspace) -> list[tuple[Path, str]]:
    """Plan files to work on, with the name to show for each (as the user gave it)."""
    found: list[tuple[Path, str]] = []
    if not paths:
        folder = project.repository_folder("plans")
        if not folder.is_dir():
            raise UsageError(
                f"no plans folder at {_shown(folder)}: create it with `kaplan new ID`, "
                "or name plan files on the command line"
            )
        cwd = Path.cwd().resolve()
        return [(p, _shown(p, cwd)) for p in plan_files_in(folder)]
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found += [(p, os.path.join(given, p.name)) for p in plan_files_in(path)]
        elif path.is_file():
            found.append((path, given))
        else:
            raise UsageError(f"no such file or folder: {given}")
    return found


def outside_finding(path: Path, shown: str, root: Path) -> Finding | None:
    """The error for a plan file in the repository that leads through a symlink to a file outside it.

    A path the user names outside the repository is theirs to name; a file in the repository is
    whatever a pull request made it, so it must not pull in ``~/.ssh/…`` or ``/proc/…``.
    """
    repository = root.resolve()
    if not Path(os.path.abspath(path)).is_relative_to(repository):
        return None
    try:
        if path.resolve().is_relative_to(repository):
            return None
    except (OSError, RuntimeError):  # a symlink loop: nothing there to read anyway
        return None
    how = "is a symlink" if path.is_symlink() else "leads through a symlinked folder"
    message = (
        f"{shown} {how} to a file outside the repository; kaplan does not read it: commit the plan itself"
    )
    return Finding(shown, 1, 1, "", "syntax", "error", message)


def check_plan(path: Path, shown: str, project: Workspace, today: dt.date) -> CheckedPlan:
    """Load one plan and, when it is valid, coach it and score its health."""
    refused = outside_finding(path, shown, project.root)
    if refused is not None:
        return CheckedPlan(LoadedPlan(shown, plan_id(path), None, findings=[refused]), [refused])
    loaded = load_plan(path, shown, RULE_CODES)
    checked = CheckedPlan(loaded, list(loaded.findings))
    if loaded.plan is not None and loaded.ok:
        coaching = coaching_findings(
            loaded.plan,
            loaded.lines,
            shown,
            today,
            project.config.rules,
            plan_locale(loaded.plan, project.config.locale),
        )
        active = [f for f in coaching if f.waived is None]
        checked.waived = order_findings((f for f in coaching if f.waived is not None), loaded.plan)
        checked.findings += active
        checked.health = plan_health(loaded.plan, active)
    checked.findings = order_findings(checked.findings, loaded.plan)
    # The line map has done its work; dropping it keeps a run over many plans light on memory and GC.
    loaded.lines = LineMap()
    return checked
