"""Starting fast: `kaplan --help` loads no model or renderer, WeasyPrint loads without the compiler's
library search, and `kaplan brief` renders in a worker that imported WeasyPrint while the plan was read.

Imports are checked in fresh interpreters: this test process has long imported everything.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import kaplan.documents.pdf
from kaplan.documents.pdf import WarmRenderer, render_pdf
from kaplan.documents.theme import Theme

HEAVY = ("weasyprint", "jinja2", "markdown", "kaplan.plan.model", "kaplan.coach", "kaplan.site.build")
HTML = '<html lang="en"><head><title>Warm</title></head><body><h1>Warm start</h1><p>Same bytes.</p></body></html>'


def fresh_python(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize("argv", [["--help"], ["brief", "--help"], ["build", "--help"], ["check", "--help"]])
def test_help_loads_no_model_coach_or_renderer(argv: list[str]) -> None:
    out = fresh_python(
        f"""
        import json, sys
        from kaplan.cli import main
        try:
            main({argv!r})
        except SystemExit:
            pass
        print(json.dumps(sorted(sys.modules)))
        """
    )
    loaded = json.loads(out.splitlines()[-1])
    assert "Usage: " in out
    assert [m for m in loaded if m.startswith(HEAVY)] == []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the linker cache is Linux's")
def test_weasyprint_loads_with_one_read_of_the_linker_cache_and_all_its_libraries() -> None:
    out = fresh_python(
        """
        import ctypes.util, json, subprocess
        original = ctypes.util.find_library
        started = []
        popen_init = subprocess.Popen.__init__
        def counting(self, args, *rest, **kwargs):
            started.append(args[0] if isinstance(args, list) else args)
            popen_init(self, args, *rest, **kwargs)
        subprocess.Popen.__init__ = counting
        from kaplan.documents.pdf import load_weasyprint
        load_weasyprint()
        from weasyprint.text import ffi
        print(json.dumps({
            "started": started,
            "restored": ctypes.util.find_library is original,
            "subset": ffi.harfbuzz_subset is not None,
        }))
        """
    )
    found = json.loads(out.splitlines()[-1])
    assert found["started"] == ["/sbin/ldconfig"]  # WeasyPrint alone starts 54 processes here
    assert found["restored"]
    assert found["subset"], "libharfbuzz-subset0 is installed by make: it must still be found"


def test_the_warm_worker_gives_the_bytes_rendering_here_gives() -> None:
    theme = Theme.builtin()
    with WarmRenderer() as renderer:
        warm = renderer.render(HTML, theme)
    assert warm.startswith(b"%PDF-")
    assert warm == render_pdf(HTML, theme)


def _exit_at_once() -> None:
    os._exit(3)


def test_a_worker_that_dies_leaves_the_rendering_to_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kaplan.documents.pdf, "_import_weasyprint", _exit_at_once)
    theme = Theme.builtin()
    with WarmRenderer() as renderer:
        data = renderer.render(HTML, theme)
        assert renderer._pool is None  # it knows the worker is gone and will not try it again
    assert data == render_pdf(HTML, theme)


def test_kaplan_brief_writes_the_same_pdf_as_write_brief(tmp_path: Path) -> None:
    repo = Path(__file__).resolve().parents[2]
    kaplan = Path(sys.executable).with_name("kaplan")
    plan = "plans/anshan-special-steel.yaml"
    out = tmp_path / "car-park.pdf"
    command = [str(kaplan), "brief", plan, "mtg-tech-defense", "--today", "2026-11-20", "--out", str(out)]
    done = subprocess.run(command, cwd=repo, capture_output=True, text=True, check=False, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(out)

    from kaplan.cli.brief import write_brief
    from kaplan.config import load_workspace

    here = tmp_path / "here.pdf"
    project = load_workspace(repo)
    write_brief(repo / plan, plan, project, "internal", "2026-11-20", "mtg-tech-defense", here)
    assert out.read_bytes() == here.read_bytes()


def test_a_library_only_the_slow_search_finds_still_loads_and_prints_nothing() -> None:
    out = fresh_python(
        """
        import sys

        class FailOnce:  # the fast path's first try of WeasyPrint's C bindings fails, as a library would
            failed = False

            def find_spec(self, name, path=None, target=None):
                if name == "weasyprint.text.ffi" and not FailOnce.failed:
                    FailOnce.failed = True
                    raise OSError("cannot load library 'libpango-1.0-0'")
                return None

        sys.meta_path.insert(0, FailOnce())
        from kaplan.documents.pdf import load_weasyprint
        load_weasyprint()
        import weasyprint
        print("loaded", FailOnce.failed, weasyprint.HTML.__name__)
        """
    )
    assert out.splitlines() == ["loaded True HTML"]  # retried, and no installation hint on stdout
