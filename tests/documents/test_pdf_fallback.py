"""The fontTools fallback patched into WeasyPrint's ``Font._harfbuzz_subset``, tested on a fake Font."""

from __future__ import annotations

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

        def _fonttools_subset(self, to_unicode: Any, hinting: Any) -> None:
            calls.append("fonttools")
            self.file_content = b"subset by fonttools"

    import weasyprint.pdf

    monkeypatch.setattr(weasyprint.pdf, "fonts", SimpleNamespace(Font=Font))
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
