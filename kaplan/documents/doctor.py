"""``kaplan doctor``: is this machine ready to render PDFs, Chinese included?"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from kaplan.documents.pdf import load_weasyprint

APT_FIX = (
    "apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 "
    "libharfbuzz-subset0 fonts-wqy-microhei"
)
FONT_DIRS = (
    Path("/usr/share/fonts"),
    Path("/usr/local/share/fonts"),
    Path.home() / ".fonts",
    Path.home() / ".local/share/fonts",
)
CJK_FONT_HINTS = (
    "wqy",
    "cjk",
    "sourcehan",
    "droidsansfallback",
    "notosanssc",
    "notoserifsc",
    "simsun",
    "msyh",
    "pingfang",
    "sarasa",
    "ukai",
    "uming",
)


@dataclass(frozen=True)
class Check:
    """One thing checked: its name, whether it is fine, what was found, and how to fix it."""

    name: str
    ok: bool
    found: str
    fix: str = ""


def check_weasyprint() -> list[Check]:
    """WeasyPrint, Pango and HarfBuzz subsetting."""
    try:
        load_weasyprint()  # the way kaplan loads it
        import weasyprint
        from weasyprint.text import ffi
    except (ImportError, OSError) as exc:
        return [
            Check("WeasyPrint", False, f"cannot load: {exc}", f"pip install 'weasyprint>=70' and {APT_FIX}")
        ]
    checks = []
    major = int(str(weasyprint.__version__).split(".")[0])
    checks.append(Check("WeasyPrint", major >= 70, weasyprint.__version__, "pip install 'weasyprint>=70'"))
    number = int(ffi.pango.pango_version())
    pango = f"{number // 10000}.{number // 100 % 100}.{number % 100}"
    checks.append(Check("Pango", number >= 14400, pango, "apt-get install libpango-1.0-0 libpangoft2-1.0-0"))
    subset = ffi.harfbuzz_subset is not None
    checks.append(
        Check(
            "HarfBuzz subset",
            subset,
            "found" if subset else "missing: PDF fonts are subset by fontTools, ~10x slower",
            "apt-get install libharfbuzz-subset0",
        )
    )
    checks.append(check_subset_fallback())
    return checks


def check_subset_fallback() -> Check:
    """Whether kaplan's fontTools fallback for fonts HarfBuzz cannot subset is installed in WeasyPrint."""
    from kaplan.documents.pdf import _subset_fallback, subset_fallback_active

    _subset_fallback()
    active = subset_fallback_active()
    return Check(
        "Subset fallback",
        active,
        "active: fontTools subsets a font HarfBuzz leaves whole"
        if active
        else "inactive: this WeasyPrint lacks Font._harfbuzz_subset or _fonttools_subset; "
        "a CJK font HarfBuzz cannot subset is embedded whole",
        "pip install 'weasyprint>=70,<71'",
    )


def cjk_fonts() -> list[str]:
    """Installed font families that cover Chinese."""
    if shutil.which("fc-list"):
        try:
            out = subprocess.run(
                ["fc-list", ":lang=zh", "family"], capture_output=True, text=True, timeout=20, check=False
            ).stdout
            return sorted({line.split(",")[0].strip() for line in out.splitlines() if line.strip()})
        except (OSError, subprocess.SubprocessError):
            pass
    found = set()
    for folder in FONT_DIRS:
        if folder.is_dir():
            for path in folder.rglob("*"):
                if path.suffix.lower() in (".ttf", ".otf", ".ttc") and any(
                    hint in path.name.lower().replace("-", "").replace("_", "") for hint in CJK_FONT_HINTS
                ):
                    found.add(path.stem)
    return sorted(found)


def run_checks() -> list[Check]:
    """Everything ``kaplan doctor`` reports."""
    checks = check_weasyprint()
    fonts = cjk_fonts()
    checks.append(
        Check(
            "CJK font",
            bool(fonts),
            ", ".join(fonts[:4]) if fonts else "none: Chinese text would not render",
            "apt-get install fonts-wqy-microhei",
        )
    )
    return checks
