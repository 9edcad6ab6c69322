"""Portfolio benchmark: the site with its portfolio and trends on a corpus kept in git, and a scale run.

(1)–(4), in a generated git repository of 1,000 plans and 12 commits (the first adds every plan, each
of the other 11 advances a project and the review date of 10 plans, as a quarter of reviews would):
  (1) cold ``kaplan build --no-pdf --no-brief`` (site, portfolio, trends from git);
  (2) a no-op rebuild, best of N, as a CLI subprocess;
  (3) a rebuild after one more commit that touches 10 plans;
  (4) the size of ``portfolio.html``.
Targets (issue "The portfolio"): (1) ≤ 10 s, (2) ≤ 1 s, (3) ≤ 2 s, (4) ≤ 1.5 MB.

(5) the scale run: 10,000 plans without git, HTML only: time, peak memory (VmHWM of the build and of
each worker, sampled as bench/site.py does), the sizes of ``index.html``, ``portfolio.html`` and the
search index, each against the 1,000-plan figures. Target: ``index.html`` under 2 MB at 10,000 plans.
"""

from __future__ import annotations

import os
import random
import re
import subprocess
import tempfile
from pathlib import Path

from bench.corpus import generate_corpus
from bench.site import CONFIG, run_build

TARGET_COLD_S = 10.0
TARGET_NOOP_S = 1.0
TARGET_COMMIT_S = 2.0
TARGET_PORTFOLIO_MB = 1.5
TARGET_INDEX_MB = 2.0
COMMITS = 12
TOUCHED = 10
SCALE_PLANS = 10_000
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Bench",
    "GIT_AUTHOR_EMAIL": "bench@example.com",
    "GIT_COMMITTER_NAME": "Bench",
    "GIT_COMMITTER_EMAIL": "bench@example.com",
    "GIT_CONFIG_NOSYSTEM": "1",
}
STAGE = re.compile(r"(\n  stage: )([1-6])\b")
REVIEWED = re.compile(r"(\n  reviewed: )\S+")


def _git(root: Path, *args: str, date: str | None = None) -> None:
    env = {**os.environ, **GIT_ENV}
    if date:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = f"{date}T10:00:00+08:00"
    subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


def touch(paths: list[Path], day: str) -> None:
    """Advance the first open project short of stage 7 by one stage and set the review date."""
    for path in paths:
        text = path.read_text(encoding="utf-8")
        text = STAGE.sub(lambda m: f"{m[1]}{int(m[2]) + 1}", text, count=1)
        text = REVIEWED.sub(lambda m: f"{m[1]}{day}", text, count=1)
        path.write_text(text, encoding="utf-8")


def git_corpus(root: Path, paths: list[Path], seed: int) -> None:
    """Commit the corpus, then ``COMMITS - 1`` commits of ``TOUCHED`` plans each, a week apart."""
    _git(root, "-c", "init.defaultBranch=main", "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "Plans", date="2026-08-03")
    rng = random.Random(seed)
    for week in range(1, COMMITS):
        day = f"2026-{8 + (week + 2) // 4:02d}-{1 + 7 * ((week + 2) % 4):02d}"
        touch(rng.sample(paths, TOUCHED), day)
        _git(root, "commit", "-q", "-a", "-m", f"Review week {week}", date=day)


def _mb(path: Path) -> float:
    return path.stat().st_size / 1_000_000 if path.is_file() else 0.0


def _mark(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def run(plans: int = 1000, seed: int = 20261127, repeat: int = 3, scale: bool = True) -> bool:
    """Print the figures; True when every target is met."""
    with tempfile.TemporaryDirectory(prefix="kaplan-bench-portfolio-") as tmp:
        root = Path(tmp) / "repo"
        root.mkdir()
        (root / "kaplan.yaml").write_text(CONFIG, encoding="utf-8")
        paths = generate_corpus(root / "plans", plans, seed)
        git_corpus(root, paths, seed)
        print(
            f"portfolio: {len(paths)} plans in git, {COMMITS} commits ({TOUCHED} plans each after the first)"
        )
        args = ["--no-pdf", "--no-brief"]
        cold = run_build(args, root)
        out = root / "build"
        sizes = {n: _mb(out / n) for n in ("index.html", "portfolio.html", "portfolio.json")}
        sizes["search"] = _mb(out / "assets" / "search-index.js")
        print(
            f"(1) cold site + portfolio + trends:  {cold.seconds:7.2f} s  ({cold.built} built, {cold.failed} failed)"
        )
        noop = min(run_build(args, root).seconds for _ in range(repeat))
        print(f"(2) no-op rebuild:                   {noop:7.2f} s  (best of {repeat})")
        touch(random.Random(seed + 1).sample(paths, TOUCHED), "2026-11-20")
        _git(root, "commit", "-q", "-a", "-m", "Review week 12", date="2026-11-20")
        after = run_build(args, root)
        print(f"(3) rebuild after a {TOUCHED}-plan commit:   {after.seconds:7.2f} s  ({after.built} built)")
        print(
            f"(4) portfolio.html {sizes['portfolio.html']:.2f} MB, portfolio.json {sizes['portfolio.json']:.2f} MB, "
            f"index.html {sizes['index.html']:.2f} MB, search index {sizes['search']:.2f} MB"
        )
        ok = [
            _report(
                "(1) cold", cold.seconds <= TARGET_COLD_S, f"≤ {TARGET_COLD_S:.0f} s: {cold.seconds:.2f} s"
            ),
            _report("(2) no-op", noop <= TARGET_NOOP_S, f"≤ {TARGET_NOOP_S:.0f} s: {noop:.2f} s"),
            _report(
                "(3) commit",
                after.seconds <= TARGET_COMMIT_S,
                f"≤ {TARGET_COMMIT_S:.0f} s: {after.seconds:.2f} s",
            ),
            _report(
                "(4) size",
                sizes["portfolio.html"] <= TARGET_PORTFOLIO_MB,
                f"portfolio.html ≤ {TARGET_PORTFOLIO_MB} MB: {sizes['portfolio.html']:.2f} MB",
            ),
        ]
        if after.built != TOUCHED:
            print(f"    warning: the rebuild built {after.built} plans, not {TOUCHED}")
        if scale:
            ok.append(scale_run(Path(tmp) / "scale", seed, sizes, len(paths)))
    return all(ok)


def _report(name: str, ok: bool, words: str) -> bool:
    print(f"target {name} {words} {_mark(ok)}")
    return ok


def scale_run(root: Path, seed: int, small: dict[str, float], small_n: int) -> bool:
    """(5): 10,000 plans, HTML only, no git; sizes against the 1,000-plan run."""
    root.mkdir()
    (root / "kaplan.yaml").write_text(CONFIG, encoding="utf-8")
    paths = generate_corpus(root / "plans", SCALE_PLANS, seed)
    run = run_build(["--no-pdf", "--no-brief"], root, sample=True)
    out = root / "build"
    sizes = {n: _mb(out / n) for n in ("index.html", "portfolio.html", "portfolio.json")}
    sizes["search"] = _mb(out / "assets" / "search-index.js")
    workers = max(run.workers_mb.values(), default=0.0)
    print(
        f"(5) {len(paths)} plans, HTML only: {run.seconds:.1f} s ({len(paths) / run.seconds:.0f} plans/s), "
        f"peak memory: main {run.main_mb:.0f} MB, workers {workers:.0f} MB"
    )
    factor = len(paths) / small_n
    for name, mb in sizes.items():
        grows = mb / small[name] if small.get(name) else float("nan")
        print(f"    {name:15s} {mb:7.2f} MB  ({grows:.1f}× for {factor:.0f}× the plans)")
    return _report(
        "(5) index",
        sizes["index.html"] < TARGET_INDEX_MB,
        f"< {TARGET_INDEX_MB:.0f} MB at 10,000 plans: {sizes['index.html']:.2f} MB",
    )
