"""``kaplan diff`` reports as text, Markdown (for a pull request) or JSON."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kaplan.history.diff import DiffReport

FORMATS = ("text", "markdown", "json")


def _sides(report: DiffReport) -> str:
    return f"{report.rev_a} → {report.rev_b if report.rev_b is not None else 'working tree'}"


def format_text(report: DiffReport) -> str:
    """An account header line, then one line per change (its kind, then its message)."""
    width = max((len(c.kind) for a in report.accounts for c in a.changes), default=0)
    lines: list[str] = []
    for account in report.accounts:
        lines.append(f"{account.name} ({account.file})")
        lines += [f"  {c.kind:<{width}}  {c.message}" for c in account.changes]
        lines += [f"  {f.text()}" for f in account.findings]
    plans, changes = len(report.accounts), sum(len(a.changes) for a in report.accounts)
    if plans:
        lines.append(
            f"{plans} plan{'s' * (plans != 1)} changed, {changes} change{'s' * (changes != 1)}: {_sides(report)}"
        )
    else:
        lines.append(f"no plan changes: {_sides(report)}")
    return "\n".join(lines) + "\n"


_MD_SPECIAL = str.maketrans({c: f"\\{c}" for c in "\\`*_[]<>#|~"})


def _md(text: str) -> str:
    return text.translate(_MD_SPECIAL)


def format_markdown(report: DiffReport) -> str:
    """A heading per account and a bullet per change, ready to paste in a pull-request comment."""
    to = f"`{report.rev_b}`" if report.rev_b is not None else "working tree"
    out = [f"## Plan changes: `{report.rev_a}` → {to}", ""]
    if not report.accounts:
        out += ["No plan changes.", ""]
    for account in report.accounts:
        out += [f"### {_md(account.name)} (`{account.file}`)", ""]
        out += [f"- {_md(c.message)}" for c in account.changes]
        if account.findings:
            out += ["", "Findings:", ""]
            for f in account.findings:
                where = f" `{f.path}`" if f.path else ""
                out.append(f"- `{f.file}:{f.line}:{f.column}` {f.severity} {f.code}{where}: {_md(f.message)}")
        out.append("")
    return "\n".join(out)


def format_json(report: DiffReport) -> str:
    """The report as JSON (:meth:`DiffReport.as_dict`)."""
    return json.dumps(report.as_dict(), ensure_ascii=False, indent=2) + "\n"


def format_report(report: DiffReport, fmt: str) -> str:
    """The report in one of :data:`FORMATS`."""
    return {"text": format_text, "markdown": format_markdown, "json": format_json}[fmt](report)
