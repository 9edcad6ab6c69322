"""Serve benchmark: how long from saving a plan to ``kaplan serve`` serving its new page.

A copy of the example repository (``kaplan.yaml``, ``plans/``, ``templates/``) goes into a temporary
folder, where ``kaplan serve --port 0`` runs as a subprocess, as a person starts it. Then, 10 times:
the summary of one plan is rewritten in place with a unique marker (a save), and
``/accounts/ID.html`` is fetched over HTTP from 127.0.0.1 (``Host: 127.0.0.1:PORT``) every 5 ms until
it holds the marker. Each save waits for the previous rebuild to finish, and counts the rebuilds it
caused through ``/__kaplan/version`` (a save should make exactly one), then pauses a random 0–0.5 s
(fixed seed) so that saves do not keep step with a timer of the server's.
Target (issue 14): median ≤ 0.5 s over the 10 saves; the max is shown beside it.
"""

from __future__ import annotations

import functools
import http.client
import os
import random
import re
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.site import kaplan_command

TARGET_S = 0.5
SAVES = 10
PLAN = "northwind-chemicals"
POLL_S = 0.005
DEADLINE_S = 30.0
SETTLE_S = 0.3  # after a rebuild: long enough for a second, unwanted one to have started
# A random pause before each save, so saves do not fall in step with any timer of the server's.
JITTER_S = 0.5
SEED = 14
REPO = Path(__file__).resolve().parents[1]
SERVING = re.compile(r"serving http://127\.0\.0\.1:(\d+)/")


def copy_repository(into: Path) -> Path:
    """The example plans, their kaplan.yaml and templates folder, copied under ``into``."""
    repo = into / "repo"
    repo.mkdir()
    shutil.copy2(REPO / "kaplan.yaml", repo / "kaplan.yaml")
    shutil.copytree(REPO / "plans", repo / "plans")
    if (REPO / "templates").is_dir():
        shutil.copytree(REPO / "templates", repo / "templates")
    return repo


def get(port: int, path: str) -> bytes:
    """The body of ``GET path`` from the preview, addressed as a browser on this machine does."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", path, headers={"Host": f"127.0.0.1:{port}"})
        response = conn.getresponse()
        body = response.read()
        return body if response.status == 200 else b""
    finally:
        conn.close()


def version(port: int) -> int:
    return int(get(port, "/__kaplan/version").decode() or -1)


def page_holds(port: int, page: str, marker: bytes) -> bool:
    return marker in get(port, page)


def rebuilt_since(port: int, before: int) -> bool:
    return version(port) > before


def wait_until(condition: Callable[[], bool], what: str) -> float:
    """Poll ``condition()`` every 5 ms; when it first held, in seconds from now."""
    started = time.perf_counter()
    while not condition():
        if time.perf_counter() - started > DEADLINE_S:
            raise RuntimeError(f"kaplan serve: no {what} after {DEADLINE_S:g} s")
        time.sleep(POLL_S)
    return time.perf_counter() - started


def start_serve(repo: Path, log: Path) -> tuple[subprocess.Popen[bytes], int]:
    """``kaplan serve --port 0`` in ``repo``, once it is serving; the process and its port."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with log.open("wb") as err:
        proc = subprocess.Popen(
            [*kaplan_command(), "serve", "--port", "0"], cwd=repo, env=env, stdout=subprocess.PIPE, stderr=err
        )
    assert proc.stdout is not None
    for line in proc.stdout:
        found = SERVING.search(line.decode(errors="replace"))
        if found:
            return proc, int(found.group(1))
    proc.wait()
    raise RuntimeError(f"kaplan serve exited {proc.returncode}:\n{log.read_text()[-3000:]}")


def save_with_marker(plan: Path, original: str, marker: str) -> None:
    """Rewrite the plan in place, its summary's first line replaced by ``marker`` (an editor's save)."""
    head, sep, rest = original.partition("summary: |\n")
    if not sep:
        raise RuntimeError(f"{plan}: no block summary to change")
    _, newline, rest = rest.partition("\n")
    plan.write_text(f"{head}{sep}  {marker}{newline}{rest}", encoding="utf-8")


def measure(repo: Path, log: Path) -> tuple[list[float], list[int]]:
    """Seconds from each save to the page holding its marker, and how many rebuilds each save made."""
    plan = repo / "plans" / f"{PLAN}.yaml"
    original = plan.read_text(encoding="utf-8")
    page = f"/accounts/{PLAN}.html"
    proc, port = start_serve(repo, log)
    latencies: list[float] = []
    rebuilds: list[int] = []
    jitter = random.Random(SEED)
    try:
        time.sleep(SETTLE_S)  # the first build is done before "serving"; let the watcher settle
        for i in range(SAVES):
            marker = f"bench-marker-{os.getpid()}-{i}-{time.time_ns()}"
            before = version(port)
            save_with_marker(plan, original, marker)
            started = time.perf_counter()
            wait_until(
                functools.partial(page_holds, port, page, marker.encode()), "page with the new summary"
            )
            latencies.append(time.perf_counter() - started)
            wait_until(functools.partial(rebuilt_since, port, before), "finished rebuild")
            time.sleep(SETTLE_S)
            rebuilds.append(version(port) - before)
            time.sleep(jitter.uniform(0, JITTER_S))
    finally:
        proc.terminate()
        proc.wait(30)
    return latencies, rebuilds


def run() -> bool:
    """Measure, print the figures against the target; True if the median meets it."""
    with tempfile.TemporaryDirectory(prefix="kaplan-bench-serve-") as tmp:
        log = Path(tmp) / "serve.log"
        latencies, rebuilds = measure(copy_repository(Path(tmp)), log)
    median, worst = statistics.median(latencies), max(latencies)
    verdict = "ok" if median <= TARGET_S else "MISSED"
    shown = " ".join(f"{s:.3f}" for s in latencies)
    print(
        f"kaplan serve, save → page reloaded ({PLAN}, {SAVES} saves): median {median:.3f} s, "
        f"max {worst:.3f} s, target median ≤ {TARGET_S:g} s: {verdict}\n"
        f"  each: {shown}\n"
        f"  rebuilds per save: {' '.join(map(str, rebuilds))}"
    )
    return verdict == "ok"
