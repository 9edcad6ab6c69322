"""``python -m bench`` (``make bench``): how fast ``kaplan check`` is against a bare YAML parse.

Generates a corpus of medium plans (150–250 lines, Chinese and English, fixed seed; each uses the
format-1.1 sections — units, partnership, objectives, whitespace, contracts, meetings, log, risks — beside
the version-1 ones) in a temporary folder, then times, best of N each:
  (a) ``kaplan check`` over the whole corpus, in-process through the CLI (load, validate, refs,
      coaching rules, health, text output);
  (b) reading the same files and ``yaml.load(text, Loader=yaml.CSafeLoader)``.
Targets (format 1.1): ≥ 500 plans/s, ≤ 1.5× the bare parse.
``startup`` (bench/startup.py): `kaplan check FILE` as a whole process, the console script, against
`python -c "import yaml, pydantic, click"`; ratio of the medians of 15 alternating runs, target ≤ 2×.
Also run by default, or alone with ``--only``: ``pdf`` (bench/pdf.py: the PDF step against bare
WeasyPrint), ``site`` (bench/site.py: site build of the corpus, no-op rebuild, PDFs on 1 and 2 workers)
``brief`` (`kaplan brief` of one meeting of the rich example plan, as a whole process; target ≤ 1.5 s),
``portfolio`` (bench/portfolio.py: the site with portfolio and trends on 1,000 plans in git, and
10,000 plans HTML only), ``serve`` (bench/serve.py: `kaplan serve`, save of a plan to its page served
anew, median of 10 saves; target ≤ 0.5 s) and ``import`` (bench/interop.py: a 10,000-row Salesforce
contacts CSV into 100 plans, `kaplan import` as a whole process; target ≤ 5 s).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import yaml
from click.testing import CliRunner

from bench.corpus import generate_corpus
from bench.timing import best_of
from kaplan.cli import main as kaplan_main

TARGET_RATE = 500.0
TARGET_RATIO = 1.5
TODAY = "2026-11-27"
TARGET_BRIEF_S = 1.5
REPO = Path(__file__).resolve().parents[1]


@contextmanager
def inside(folder: Path) -> Iterator[None]:
    """Run with ``folder`` as the current folder (so no kaplan.yaml of the caller is picked up)."""
    before = Path.cwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)


def run_check() -> int:
    """One `kaplan check` over ./plans; returns how many lines it printed."""
    result = CliRunner().invoke(kaplan_main, ["check", "--today", TODAY])
    if result.exit_code not in (0, 1) or (result.exception and not isinstance(result.exception, SystemExit)):
        raise RuntimeError(f"kaplan check failed: {result.exception!r}\n{result.output[-2000:]}")
    return result.output.count("\n")


def bare_parse(paths: list[Path]) -> Callable[[], int]:
    def parse() -> int:
        n = 0
        for path in paths:
            data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
            n += len(data)
        return n

    return parse


def profile(fn: Callable[[], object], top: int) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    fn()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--plans", type=int, default=1000, help="corpus size (default 1000)")
    parser.add_argument("--seed", type=int, default=20261127, help="corpus seed")
    parser.add_argument("--repeat", type=int, default=3, help="best of N (default 3)")
    parser.add_argument(
        "--profile", action="store_true", help="also profile one check pass and one site build (cProfile)"
    )
    parser.add_argument("--top", type=int, default=25, help="rows of the profile to show")
    parser.add_argument(
        "--only",
        choices=["check", "startup", "pdf", "site", "brief", "portfolio", "serve", "import"],
        help="run one benchmark (default: all of them)",
    )
    parser.add_argument(
        "--no-scale", action="store_true", help="skip the 10,000-plan run of the portfolio benchmark"
    )
    args = parser.parse_args(argv)
    ok = True
    if args.only in (None, "check"):
        ok = bench_check(args) and ok
    if args.only in (None, "startup"):
        from bench import startup

        ok = startup.run() and ok
    if args.only in (None, "pdf"):
        from bench import pdf

        ok = pdf.run(args.repeat) and ok
    if args.only in (None, "site"):
        from bench import site

        ok = site.run(args.plans, args.seed, args.repeat, args.profile, args.top) and ok
    if args.only in (None, "brief"):
        ok = bench_brief(args.repeat) and ok
    if args.only in (None, "portfolio"):
        from bench import portfolio

        ok = portfolio.run(args.plans, args.seed, args.repeat, scale=not args.no_scale) and ok
    if args.only in (None, "serve"):
        from bench import serve

        ok = serve.run() and ok
    if args.only in (None, "import"):
        from bench import interop

        ok = interop.run() and ok
    return 0 if ok else 1


def bench_brief(repeat: int) -> bool:
    """`kaplan brief PLAN MEETING` as the rep runs it: a fresh process, imports and all."""
    import subprocess

    kaplan = Path(sys.executable).with_name("kaplan")
    with tempfile.TemporaryDirectory(prefix="kaplan-bench-") as tmp:
        out = Path(tmp) / "brief.pdf"
        command = [str(kaplan), "brief", "plans/anshan-special-steel.yaml", "mtg-tech-defense"]
        command += ["--today", TODAY, "--out", str(out)]

        def once() -> None:
            subprocess.run(command, cwd=REPO, check=True, stdout=subprocess.DEVNULL)

        seconds = best_of(repeat, once)

    def python(code: str) -> float:
        return best_of(repeat, lambda: subprocess.run([sys.executable, "-c", code], check=True))

    # How fast the machine is today, and what kaplan saves on WeasyPrint's own start.
    base = python("import yaml, pydantic, click")
    plain = python("import weasyprint")
    loaded = python("from kaplan.documents.pdf import load_weasyprint; load_weasyprint()")
    verdict = "ok" if seconds <= TARGET_BRIEF_S else "MISSED"
    print(
        f"kaplan brief (one meeting, whole process): {seconds:.2f} s, target ≤ {TARGET_BRIEF_S:g} s: {verdict}\n"
        f"  = {seconds / base:.1f}× `python -c 'import yaml, pydantic, click'` ({base:.2f} s); "
        f"import weasyprint {plain:.2f} s, as kaplan loads it {loaded:.2f} s"
    )
    return verdict == "ok"


def bench_check(args: argparse.Namespace) -> bool:
    """`kaplan check` over a generated corpus against a bare CSafeLoader parse."""

    with tempfile.TemporaryDirectory(prefix="kaplan-bench-") as tmp:
        root = Path(tmp)
        started = time.perf_counter()
        paths = generate_corpus(root / "plans", args.plans, args.seed)
        texts = [p.read_text(encoding="utf-8") for p in paths]
        lines = sum(t.count("\n") for t in texts)
        zh = sum("locale: zh" in t for t in texts)
        size = sum(len(t.encode()) for t in texts)
        print(
            f"corpus: {len(paths)} plans ({zh} zh, {len(paths) - zh} en), {lines} lines "
            f"(avg {lines / len(paths):.0f}), {size / 1e6:.1f} MB, seed {args.seed}, "
            f"generated in {time.perf_counter() - started:.1f} s"
        )
        with inside(root):
            printed = run_check()  # warm-up: imports, pydantic schema build, file cache
            check_s = best_of(args.repeat, run_check)
            parse_s = best_of(args.repeat, bare_parse(paths))
            if args.profile:
                print(profile(run_check, args.top))

    rate = len(paths) / check_s
    ratio = check_s / parse_s
    ok_rate = "ok" if rate >= TARGET_RATE else "MISSED"
    ok_ratio = "ok" if ratio <= TARGET_RATIO else "MISSED"
    print(f"(a) kaplan check:           {check_s:7.3f} s  {rate:7.0f} plans/s  ({printed} output lines)")
    print(f"(b) yaml.load CSafeLoader:  {parse_s:7.3f} s  {len(paths) / parse_s:7.0f} plans/s")
    print(f"target ≥ {TARGET_RATE:.0f} plans/s: {rate:.0f} {ok_rate}")
    print(f"target ≤ {TARGET_RATIO:g}× bare parse: {ratio:.2f}× {ok_ratio}")
    return ok_rate == "ok" and ok_ratio == "ok"


if __name__ == "__main__":
    sys.exit(main())
