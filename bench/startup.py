"""``python -m bench --only startup``: ``kaplan check FILE`` as a whole process against a bare import.

A rep checking one plan waits for the interpreter, the imports and the model build as much as for the
check itself. The baseline is what any tool of this kind pays anyway:
``python -c "import yaml, pydantic, click"``. The two are run alternately, so a machine that slows
down mid-run slows both; the verdict is the ratio of their medians. Target: ≤ 2×.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

TARGET_RATIO = 2.0
RUNS = 15
TODAY = "2026-11-27"
REPO = Path(__file__).resolve().parents[1]
BASELINE = "import yaml, pydantic, click"


def example_plan() -> Path:
    """The example plan the check runs on: the first one in plans/."""
    plans = sorted((REPO / "plans").glob("*.yaml"))
    if not plans:
        raise RuntimeError(f"no example plan in {REPO / 'plans'}")
    return plans[0]


# As in a user's shell: bytecode is cached, so a run times the imports, not the compiling of the sources.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _seconds(command: list[str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, cwd=REPO, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    seconds = time.perf_counter() - started
    if done.returncode not in (0, 1):  # 1: the plan has findings; anything else is a crash
        raise RuntimeError(f"{' '.join(command)} exited {done.returncode}:\n{done.stderr.decode()[-2000:]}")
    return seconds


def run(runs: int = RUNS) -> bool:
    """Alternate the baseline and ``kaplan check FILE`` ``runs`` times each; True when on target."""
    kaplan = Path(sys.executable).with_name("kaplan")  # the console script: what a user runs
    plan = example_plan()
    check = [str(kaplan), "check", str(plan.relative_to(REPO)), "--today", TODAY]
    baseline = [sys.executable, "-c", BASELINE]
    _seconds(check), _seconds(baseline)  # warm-up: bytecode caches and the file cache
    base_s: list[float] = []
    check_s: list[float] = []
    for _ in range(runs):
        base_s.append(_seconds(baseline))
        check_s.append(_seconds(check))
    base, checked = statistics.median(base_s), statistics.median(check_s)
    ratio = checked / base
    verdict = "ok" if ratio <= TARGET_RATIO else "MISSED"
    print(
        f"startup: `kaplan check {plan.relative_to(REPO)}` median {checked:.3f} s "
        f"(min {min(check_s):.3f}), `python -c '{BASELINE}'` median {base:.3f} s (min {min(base_s):.3f}), "
        f"{runs} runs each\n"
        f"target ≤ {TARGET_RATIO:g}× the bare import: {ratio:.2f}× {verdict}"
    )
    return verdict == "ok"
