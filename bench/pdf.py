"""PDF benchmark: kaplan's PDF step against bare WeasyPrint on the same HTML, and peak memory.

Targets (issue "Branded dossiers"): PDF time per dossier ≤ 1.15× bare WeasyPrint; peak memory per
render ≤ 200 MB.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bench.timing import best_of

if TYPE_CHECKING:
    from kaplan.documents.theme import Theme

TARGET_RATIO = 1.15
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


def run(repeat: int = 3) -> bool:
    """Print the figures; True when both targets are met."""
    import weasyprint

    from kaplan.documents.pdf import render_pdf

    plans = sorted((ROOT / "plans").glob("*.yaml"))
    total_kaplan = total_bare = 0.0
    peak = 0.0
    print(f"PDF: {len(plans)} example dossiers, best of {repeat}")
    for plan in plans:
        html, theme = dossier_html(plan)
        render_pdf(html, theme)  # warm-up: fonts, caches
        ours = best_of(repeat, lambda: render_pdf(html, theme))  # noqa: B023
        base = theme.folders[0].as_uri() + "/"
        bare = best_of(repeat, lambda: weasyprint.HTML(string=html, base_url=base).write_pdf())  # noqa: B023
        probe = subprocess.run(
            [sys.executable, "-c", _MEMORY_PROBE, str(plan)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        memory = json.loads(probe.stdout)
        peak = max(peak, memory["peak_mb"])
        total_kaplan += ours
        total_bare += bare
        pages = len(weasyprint.HTML(string=html, base_url=base).render().pages)
        print(
            f"  {plan.stem:<24} {pages:3d} pages  kaplan {ours:6.2f} s  bare {bare:6.2f} s  "
            f"{ours / bare:5.2f}×  peak {memory['peak_mb']:5.0f} MB (before the PDF step {memory['before_mb']:.0f} MB)"
        )
    ratio = total_kaplan / total_bare
    ok_ratio = ratio <= TARGET_RATIO
    ok_mem = peak <= TARGET_MB
    print(f"target ≤ {TARGET_RATIO}× bare WeasyPrint: {ratio:.2f}× {'ok' if ok_ratio else 'MISSED'}")
    print(f"target ≤ {TARGET_MB:.0f} MB peak per render: {peak:.0f} MB {'ok' if ok_mem else 'MISSED'}")
    return ok_ratio and ok_mem
