"""What the portfolio knows of one account beyond its dashboard row, made with the plan in the worker.

Kept in the plan's record with its summary, so a rebuild that changes no plan writes the portfolio
from records alone. Only what the audience may see: the findings and coverage are assessments, and
an external build has no portfolio.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from kaplan.documents.markdown import for_readers
from kaplan.documents.page import one_line
from kaplan.history.log import Past, TrendPoint
from kaplan.plan.findings import Finding
from kaplan.plan.meaning import role_coverage
from kaplan.plan.model import Plan

# The changes "what moved" tells across the portfolio (kaplan diff's kinds).
MOVES = (
    *("stage_advanced", "stage_slipped", "project_won", "project_lost", "project_added"),
    *("person_added", "person_left", "person_removed", "support_changed"),
)
TREND_COMMITS = 12
NOTE_CHARS = 160  # of a finding's message on the portfolio


@dataclass(frozen=True)
class Move:
    """One change of a commit that the portfolio tells ("Line 3: stage 3 → 5")."""

    date: str
    kind: str
    message: str


@dataclass(frozen=True)
class AccountFacts:
    """Findings by rule, role coverage, the trend (oldest first) and the moves (newest first)."""

    currency: str
    findings: dict[str, int] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)  # the first finding of each rule, as printed
    coverage: dict[str, int] = field(default_factory=dict)
    trend: list[TrendPoint] = field(default_factory=list)
    moves: list[Move] = field(default_factory=list)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> AccountFacts:
        """Read back what ``dataclasses.asdict`` wrote."""
        fields = dict(data)
        fields["trend"] = [TrendPoint(**p) for p in data.get("trend", [])]
        fields["moves"] = [Move(**m) for m in data.get("moves", [])]
        return cls(**fields)


def account_facts(
    plan: Plan, currency: str, findings: Sequence[Finding], past: Past | None, assessments: bool
) -> AccountFacts:
    """The facts of one audience-filtered plan; ``findings`` are its active coaching findings."""
    trend = list(past.trend) if past else []
    moves = [
        Move(entry.date, c.kind, c.message)
        for entry in (past.entries if past else [])
        for c in entry.changes
        if c.kind in MOVES
    ]
    if not assessments:
        return AccountFacts(currency, trend=[replace(p, health=None) for p in trend], moves=moves)
    active = [f for f in findings if not f.structural and f.waived is None]
    counted = Counter(f.code for f in active)
    notes: dict[str, str] = {}
    for f in active:
        notes.setdefault(f.code, one_line(for_readers(f.message), NOTE_CHARS))
    return AccountFacts(
        currency,
        dict(sorted(counted.items())),
        dict(sorted(notes.items())),
        role_coverage(plan),
        trend,
        moves,
    )
