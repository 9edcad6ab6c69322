"""``kaplan doctor``: it runs, and reports WeasyPrint, Pango, HarfBuzz subsetting and a CJK font."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import run

from kaplan.documents.doctor import Check, cjk_fonts, run_checks


def test_doctor_is_happy_on_this_machine(repo: Path) -> None:
    result = run("doctor")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    for name in ("WeasyPrint", "Pango", "HarfBuzz subset", "CJK font"):
        line = next((line for line in lines if re.match(rf"^ok\s+{re.escape(name)}\s", line)), None)
        assert line is not None, (name, result.output)
    assert re.search(r"^ok\s+WeasyPrint\s+(\d+)\.", result.output, re.M)
    assert re.search(r"^ok\s+CJK font\s+.*WenQuanYi", result.output, re.M), result.output
    assert "BAD" not in result.output
    assert "fix:" not in result.output


def test_checks_name_harfbuzz_and_the_fonts_found() -> None:
    checks = {c.name: c for c in run_checks()}
    assert list(checks) == ["WeasyPrint", "Pango", "HarfBuzz subset", "Subset fallback", "CJK font"]
    assert checks["Subset fallback"].ok
    assert checks["Subset fallback"].found.startswith("active")
    assert all(isinstance(c, Check) and c.fix for c in checks.values())
    assert checks["HarfBuzz subset"].ok
    assert checks["HarfBuzz subset"].found == "found"
    fonts = cjk_fonts()
    assert any("WenQuanYi" in f for f in fonts), fonts
    assert checks["CJK font"].found.startswith(fonts[0])


def test_without_a_cjk_font_the_check_fails_with_a_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    import kaplan.documents.doctor as doctor

    monkeypatch.setattr(doctor, "cjk_fonts", list)
    font = run_checks()[-1]
    assert not font.ok
    assert "Chinese text would not render" in font.found
    assert "fonts-wqy-microhei" in font.fix
