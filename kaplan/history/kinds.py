"""The vocabulary of changes by meaning: their kinds, one change, one account's changes."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from kaplan.documents.labels import STAGES, enum_label, stage_label
from kaplan.plan.findings import Finding
from kaplan.plan.model import Locale

# Every kind of change: stable names that scripts may rely on.
KINDS = (
    *("plan_added", "plan_removed", "plan_renamed", "plan_invalid", "plan_reviewed"),
    *("project_added", "project_removed", "stage_advanced", "stage_slipped"),
    *("project_won", "project_lost", "outcome_changed", "roles_changed"),
    *("red_flag_added", "red_flag_resolved"),
    *("person_added", "person_removed", "person_left", "person_moved", "person_status_changed"),
    *("title_changed", "support_changed", "influence_changed", "coverage_changed"),
    *("competitor_added", "competitor_removed", "competitor_status_changed", "threat_changed"),
    *("need_added", "need_resolved", "crux_added", "crux_resolved"),
    *("action_added", "action_removed", "action_done", "action_dropped", "action_reopened", "action_overdue"),
)


@dataclass(frozen=True)
class Change:
    """One change by meaning: its kind, where in the plan, the YAML values before and after."""

    kind: str
    path: str
    before: Any
    after: Any
    message: str


@dataclass
class AccountDiff:
    """What changed in one account's plan file; findings when it is invalid on a side."""

    id: str
    name: str
    file: str
    changes: list[Change] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    invalid_after: bool = False


class ChangeList(list[Change]):
    """Changes being collected, each worded in the plan's locale."""

    def __init__(self, locale: Locale) -> None:
        super().__init__()
        self.locale = locale

    def say(self, en: str, zh: str) -> str:
        return zh if self.locale == "zh" else en

    def add(self, kind: str, path: str, before: Any, after: Any, en: str, zh: str) -> None:
        self.append(Change(kind, path, before, after, self.say(en, zh)))

    def label(self, kind: str, value: str | None) -> str:
        if value is None:
            return self.say("not set", "未设定")
        text = enum_label(kind, value, self.locale)
        return text if self.locale == "zh" else text.lower()

    def roles(self, values: Sequence[str]) -> str:
        return self.say(", ", "、").join(self.label("role", v) for v in values) or self.say(
            "no role", "无角色"
        )

    def move(self, kind: str, before: str | None, after: str | None) -> str:
        return f"{self.label(kind, before)} → {self.label(kind, after)}"

    def stage(self, stage: int) -> str:
        # English names a stage by its key, as in "stage 3 → 5 (evaluation)"; Chinese by its label.
        return stage_label(stage, "zh") if self.locale == "zh" else STAGES[stage][0]


class _Keyed(Protocol):
    @property
    def id(self) -> str: ...


K = TypeVar("K", bound=_Keyed)


def pairs(before: Sequence[K], after: Sequence[K]) -> Iterator[tuple[K | None, K | None]]:
    """Items matched by id: in the newer order, then those removed, in the older order."""
    old = {x.id: x for x in reversed(before)}
    new = {x.id for x in after}
    yield from ((old.get(x.id), x) for x in after)
    yield from ((x, None) for x in before if x.id not in new)


def one_line(text: str, limit: int = 100) -> str:
    words = " ".join(text.split())
    return words if len(words) <= limit else words[: limit - 1].rstrip() + "…"
