"""The theme's text colours against their backgrounds: WCAG AA (4.5:1) for the badges and small text
that axe-core flagged (white on amber was 2.8:1, the footer's grey on grey 2.4:1)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kaplan.documents.theme import builtin_folder

AA = 4.5


def luminance(colour: str) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def declaration(css: str, selector: str, prop: str) -> str:
    """The last value of ``prop`` in a rule whose selector list names ``selector`` exactly."""
    found = None
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        if selector in [s.strip() for s in selectors.split(",")]:
            match = re.search(
                rf"(?:^|;)\s*{re.escape(prop)}\s*:\s*#([0-9a-fA-F]{{6}}|[0-9a-fA-F]{{3}})\b", body
            )
            if match:
                value = match[1].lower()
                found = "#" + (value if len(value) == 6 else "".join(c * 2 for c in value))
    assert found, f"{selector} {{ {prop} }} not found"
    return found


def test_the_contrast_helper_agrees_with_the_wcag_examples() -> None:
    assert round(contrast("#ffffff", "#000000"), 1) == 21.0
    assert contrast("#767676", "#ffffff") >= AA > contrast("#777777", "#ffffff")


@pytest.mark.parametrize("rag", ["green", "amber", "red"])
def test_health_badges_read_in_every_colour(rag: str) -> None:
    for name, scope in (("site/site.css", ""), ("theme.css", ""), ("pack.css", ".pack-portfolio ")):
        css = (Path(builtin_folder()) / name).read_text(encoding="utf-8")
        background = declaration(css, f"{scope}.rag-{rag}", "background")
        try:
            ink = declaration(css, f"{scope}.rag-{rag}", "color")
        except AssertionError:
            ink = declaration(css, f"{scope}.rag", "color")
        assert contrast(ink, background) >= AA, (name, rag, ink, background)


def test_small_grey_text_reads_on_the_page_background() -> None:
    css = (Path(builtin_folder()) / "site" / "site.css").read_text(encoding="utf-8")
    page = "#f4f6f9"  # body background
    for selector in (".sub", ".site-foot"):
        assert contrast(declaration(css, selector, "color"), page) >= AA, selector


# axe-core found each of these below 4.5:1 on a striped row.
DIMMED = (".muted", ".label", ".source", ".sev-warning .sev", "tr.status-done td", ".role-champion")


@pytest.mark.parametrize("selector", DIMMED)
def test_small_and_dimmed_text_of_the_documents_reads_on_a_striped_row(selector: str) -> None:
    """Grey labels, the warning's amber, done rows and the champion's green, on a striped table row (the
    same tint as a finding and the account page's health box)."""
    css = (Path(builtin_folder()) / "theme.css").read_text(encoding="utf-8")
    stripe = declaration(css, "table.data tbody tr:nth-child(even) td", "background")
    assert contrast(declaration(css, selector, "color"), stripe) >= AA, selector
