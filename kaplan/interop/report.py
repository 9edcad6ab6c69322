"""What an import changes, worded as ``kaplan diff`` words it, then the values diff does not tell."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from kaplan.history.changes import diff_plans
from kaplan.history.kinds import AccountDiff, Change, one_line
from kaplan.interop.apply import PlanUpdate, Set
from kaplan.interop.columns import columns_for
from kaplan.plan import Audience
from kaplan.plan.audience import for_audience
from kaplan.plan.model import Locale

# What a new item of each list is called, when kaplan diff has no word for it.
_NOUNS = {
    "objectives": ("objective", "目标"),
    "meetings": ("meeting", "会议"),
    "log": ("log entry", "记录"),
    "buying_team": ("buying-team member", "采购小组成员"),
    "competitors": ("competitor", "竞争对手"),
}


def import_diffs(
    updates: Sequence[PlanUpdate], today: dt.date, locale: Locale, audience: Audience
) -> tuple[list[AccountDiff], int]:
    """One account diff per changed plan, as ``audience`` may see it, and how many changes it may not.

    Diff's changes by meaning come from both plans filtered for the audience (as ``kaplan diff``
    filters them); then every other value set that the audience's workbook would show.
    """
    diffs, withheld = [], 0
    for update in updates:
        if update.after is None:
            continue
        lang = update.after.plan.locale or locale
        before, after = (for_audience(p, audience).plan for p in (update.before, update.after))
        changes = diff_plans(before, after, today, lang)
        told = {c.path for c in changes}
        below = {p for t in told for p in _prefixes(t)}
        shown = [s for s in update.sets if _visible(s, audience)]
        withheld += len(update.sets) - len(shown)
        changes += [_change(s, lang) for s in shown if not _covered(s.path, told, below)]
        diffs.append(AccountDiff(update.ident, update.after.account.name, update.file, changes))
    return diffs, withheld


def _visible(s: Set, audience: Audience) -> bool:
    """Whether a value set may be told to the audience: its item is visible and its column is in its workbook.

    A partner is told nothing beyond diff's changes of the partner edition (items are renumbered there).
    """
    if audience == "private":
        return True
    if s.private or audience == "external" or s.sheet is None:
        return False
    return s.added or s.key in {c.path for c in columns_for(s.sheet, audience)}


def _prefixes(path: str) -> list[str]:
    """``projects[a].buying_team[b].roles`` → ``projects[a]``, ``projects[a].buying_team``, …"""
    return [path[:i] for i, ch in enumerate(path) if ch in ".[" and i]


def _covered(path: str, told: set[str], below: set[str]) -> bool:
    """Whether kaplan diff already tells this value: the same path, one inside it, or one around it."""
    return path in told or path in below or any(p in told for p in _prefixes(path))


def _change(s: Set, locale: Locale) -> Change:
    zh = locale == "zh"
    if s.added:
        section = s.path.rsplit("[", 1)[0].rsplit(".", 1)[-1]
        en_noun, zh_noun = _NOUNS.get(section, (section, section))
        message = f"新增{zh_noun}：{s.label}" if zh else f"New {en_noun}: {s.label}"
        return Change("item_added", s.path, None, _plain(s.after), one_line(message))
    move = f"{_shown(s.before, zh)} → {_shown(s.after, zh)}"
    field = s.path.rsplit("]", 1)[-1].lstrip(".") or s.path
    same = s.header.casefold().replace(" ", "_") in ("", field.casefold())
    named = field if same else f"{field} ({s.header})"
    label = f"{s.label}：" if zh and s.label else (f"{s.label}: " if s.label else "")
    return Change("value_set", s.path, _plain(s.before), _plain(s.after), one_line(f"{label}{named} {move}"))


def _shown(value: Any, zh: bool) -> str:
    if value is None or value == []:
        return "（空）" if zh else "(none)"
    if isinstance(value, list):
        return ("、" if zh else ", ").join(str(v) for v in value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _plain(value: Any) -> Any:
    """A value as JSON can hold it."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
