"""PDF benchmark: kaplan's PDF step against bare WeasyPrint on the same HTML, and peak memory.

Targets (issue "Branded dossiers"): PDF time per dossier ≤ 1.15× bare WeasyPrint; peak memory per
render ≤ 200 MB. Every PDF is tagged (issue "Documents a director hands to the CEO"): kaplan's tagged PDF
step ≤ 1.15× bare WeasyPrint with the same options and ≤ 1.3× bare WeasyPrint untagged; the same for the
archival variant, whose ratio is against bare WeasyPrint with that variant.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.timing import best_of

if TYPE_CHECKING:
    from kaplan.config import PdfVariant
    from kaplan.documents.theme import Theme

TARGET_RATIO = 1.15
TARGET_UNTAGGED = 1.3
ARCHIVAL: PdfVariant = "pdf/a-3b"
TARGET_MB = 200.0
TODAY = dt.date(2026, 11, 27)
ROOT = Path(__file__).resolve().parent.parent

# Run in a fresh process: imports kaplan and WeasyPrint, renders one dossier, reports peak RSS.
# VmHWM, not ru_maxrss: the latter survives fork+exec and would report the parent's peak.
_MEMORY_PROBE = """
import json, sys
from pathlib import Path
def hwm():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
from bench.pdf import dossier_html
from kaplan.documents.pdf import render_pdf
html, theme = dossier_html(Path(sys.argv[1]))
before = hwm()
render_pdf(html, theme)
print(json.dumps({"before_mb": before, "peak_mb": hwm()}))
"""


def dossier_html(plan: Path) -> tuple[str, Theme]:
    """The dossier HTML of a plan (internal audience) and the theme whose files it may read."""
    from kaplan.coach.check import check_plan
    from kaplan.config import load_workspace
    from kaplan.documents.render import render_dossier
    from kaplan.documents.theme import Theme
    from kaplan.plan.audience import for_audience
    from kaplan.site.tasks import BuildOptions, dossier_view, make_task

    project = load_workspace(ROOT)
    options = BuildOptions(out=ROOT / "build", today=TODAY)
    checked = check_plan(plan, plan.name, project, TODAY)
    assert checked.loaded.plan is not None, f"{plan} is not valid"
    filtered = for_audience(checked.loaded.plan, options.audience)
    view = dossier_view(make_task(plan, plan.name, options), checked, filtered, project, options)
    theme = Theme.of(project)
    return render_dossier(view, theme.new_env()), theme


def _bare(html: str, base: str, options: dict[str, Any]) -> Callable[[], object]:
    import weasyprint

    return lambda: weasyprint.HTML(string=html, base_url=base).write_pdf(**options)


def _ours(html: str, theme: Theme, variant: PdfVariant | None) -> Callable[[], object]:
    from kaplan.documents.pdf import render_pdf

    with_variant = dataclasses.replace(theme, pdf_variant=variant)
    return lambda: render_pdf(html, with_variant)


def run(repeat: int = 3) -> bool:
    """Print the figures; True when every target is met."""
    import weasyprint

    from kaplan.documents.pdf import pdf_options

    plans = sorted((ROOT / "plans").glob("*.yaml"))
    totals = dict.fromkeys(("untagged", "bare", "kaplan", "bare_a", "kaplan_a"), 0.0)
    peak = 0.0
    print(f"PDF: {len(plans)} example dossiers, best of {repeat}, seconds per dossier")
    print(
        f"  {'':<24} pages  untagged bare | tagged: bare  kaplan   ratio | {ARCHIVAL}: bare  kaplan   ratio"
    )
    for plan in plans:
        html, theme = dossier_html(plan)
        base = theme.folders[0].as_uri() + "/"
        _ours(html, theme, None)()  # warm-up: fonts, caches
        row = {
            "untagged": best_of(repeat, _bare(html, base, {})),
            "bare": best_of(repeat, _bare(html, base, pdf_options(None))),
            "kaplan": best_of(repeat, _ours(html, theme, None)),
            "bare_a": best_of(repeat, _bare(html, base, pdf_options(ARCHIVAL))),
            "kaplan_a": best_of(repeat, _ours(html, theme, ARCHIVAL)),
        }
        for key, seconds in row.items():
            totals[key] += seconds
        probe = subprocess.run(
            [sys.executable, "-c", _MEMORY_PROBE, str(plan)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        memory = json.loads(probe.stdout)
        peak = max(peak, memory["peak_mb"])
        pages = len(weasyprint.HTML(string=html, base_url=base).render().pages)
        print(
            f"  {plan.stem:<24} {pages:5d}  {row['untagged']:13.2f} | {row['bare']:12.2f} {row['kaplan']:7.2f} "
            f"{row['kaplan'] / row['bare']:6.2f}× | {row['bare_a']:14.2f} {row['kaplan_a']:7.2f} "
            f"{row['kaplan_a'] / row['bare_a']:6.2f}×  peak {memory['peak_mb']:4.0f} MB "
            f"(before the PDF step {memory['before_mb']:.0f} MB)"
        )
    untagged = totals["untagged"]
    print(
        f"tagging costs bare WeasyPrint {totals['bare'] / untagged - 1:+.0%} "
        f"({ARCHIVAL} with tags: {totals['bare_a'] / untagged - 1:+.0%})"
    )
    checks = [
        (
            "kaplan tagged ≤ 1.15× bare WeasyPrint, same options",
            totals["kaplan"] / totals["bare"],
            TARGET_RATIO,
        ),
        ("kaplan tagged ≤ 1.3× bare WeasyPrint, untagged", totals["kaplan"] / untagged, TARGET_UNTAGGED),
        (
            f"kaplan {ARCHIVAL} ≤ 1.15× bare WeasyPrint, same options",
            totals["kaplan_a"] / totals["bare_a"],
            TARGET_RATIO,
        ),
        (
            f"kaplan {ARCHIVAL} ≤ 1.3× bare WeasyPrint, untagged",
            totals["kaplan_a"] / untagged,
            TARGET_UNTAGGED,
        ),
        ("peak memory per render ≤ 200 MB", peak, TARGET_MB),
    ]
    for what, value, target in checks:
        shown = f"{value:.0f} MB" if target == TARGET_MB else f"{value:.2f}×"
        print(f"target {what}: {shown} {'ok' if value <= target else 'MISSED'}")
    return all(value <= target for _, value, target in checks)
