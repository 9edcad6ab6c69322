"""The fontTools fallback patched into WeasyPrint's ``Font._harfbuzz_subset``, tested on a fake Font."""

from __future__ import annotations

import io
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from kaplan.documents import pdf


def fake_fonts(monkeypatch: pytest.MonkeyPatch, harfbuzz_subsets: bool) -> tuple[type[Any], list[str]]:
    """A ``weasyprint.pdf.fonts`` whose Font records which subsetter ran; HarfBuzz may give up."""
    calls: list[str] = []

    class Font:
        def __init__(self) -> None:
            self.file_content = b"whole font"

        def _harfbuzz_subset(self, to_unicode: Any, hinting: Any) -> None:
            calls.append("harfbuzz")
            if harfbuzz_subsets:
                self.file_content = b"subset by harfbuzz"

        def _fonttools_subset(self, to_unicode: Any, hinting: Any) -> None:  # pragma: no cover
            raise AssertionError("kaplan subsets with its own fontTools call, not WeasyPrint's")

    import weasyprint.pdf

    def fonttools(font: Any, to_unicode: Any, hinting: Any) -> None:
        calls.append("fonttools")
        font.file_content = b"subset by fonttools"

    monkeypatch.setattr(weasyprint.pdf, "fonts", SimpleNamespace(Font=Font))
    monkeypatch.setattr(pdf, "_fonttools_subset", fonttools)
    return Font, calls


def test_fonttools_runs_only_when_harfbuzz_left_the_font_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    font_class, calls = fake_fonts(monkeypatch, harfbuzz_subsets=False)
    pdf._subset_fallback()
    font = font_class()
    font._harfbuzz_subset({1: "a"}, False)
    assert calls == ["harfbuzz", "fonttools"]
    assert font.file_content == b"subset by fonttools"
    assert pdf.subset_fallback_active()


def test_fonttools_does_not_run_when_harfbuzz_subset_the_font(monkeypatch: pytest.MonkeyPatch) -> None:
    font_class, calls = fake_fonts(monkeypatch, harfbuzz_subsets=True)
    pdf._subset_fallback()
    font = font_class()
    font._harfbuzz_subset({1: "a"}, False)
    assert calls == ["harfbuzz"]
    assert font.file_content == b"subset by harfbuzz"


def test_the_fallback_is_installed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    font_class, calls = fake_fonts(monkeypatch, harfbuzz_subsets=False)
    pdf._subset_fallback()
    installed = font_class._harfbuzz_subset
    pdf._subset_fallback()
    assert font_class._harfbuzz_subset is installed
    font_class()._harfbuzz_subset({1: "a"}, False)
    assert calls == ["harfbuzz", "fonttools"]  # not wrapped twice: HarfBuzz ran once


@pytest.mark.parametrize("missing", ["_harfbuzz_subset", "_fonttools_subset"])
def test_the_fallback_does_nothing_without_the_private_methods(
    monkeypatch: pytest.MonkeyPatch, missing: str
) -> None:
    font_class, _ = fake_fonts(monkeypatch, harfbuzz_subsets=False)
    kept = {name: getattr(font_class, name) for name in ("_harfbuzz_subset", "_fonttools_subset")}
    delattr(font_class, missing)
    pdf._subset_fallback()
    for name, method in kept.items():
        if name != missing:
            assert getattr(font_class, name) is method
    assert not pdf.subset_fallback_active()


def test_the_fallback_does_nothing_without_a_font_class(monkeypatch: pytest.MonkeyPatch) -> None:
    import weasyprint.pdf

    monkeypatch.setattr(weasyprint.pdf, "fonts", SimpleNamespace())
    pdf._subset_fallback()
    assert not pdf.subset_fallback_active()


DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


@pytest.mark.skipif(not DEJAVU.is_file(), reason="DejaVu Sans comes with fontconfig on Debian")
def test_the_fonttools_subset_is_the_same_at_any_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """fontTools writes the time of saving into ``head.modified`` unless told not to."""
    from fontTools.ttLib import TTFont

    def subset_at(now: float) -> bytes:
        monkeypatch.setattr(time, "time", lambda: now)
        font = SimpleNamespace(file_content=DEJAVU.read_bytes(), index=0, missing=False, family="DejaVu Sans")
        pdf._fonttools_subset(font, {36: "A", 37: "B", 68: "a"}, False)
        return bytes(font.file_content)

    first, later = subset_at(1_800_000_000.0), subset_at(1_900_000_000.0)
    assert first == later
    assert len(first) < DEJAVU.stat().st_size / 4  # a subset, not the whole font
    subset = TTFont(io.BytesIO(first))
    assert subset["head"].modified == TTFont(DEJAVU)["head"].modified  # the font's own date, kept
