"""The account as a whole, arranged for reading: its units as a tree, its whitespace as a grid."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kaplan.plan.model import Unit, Whitespace


@dataclass(frozen=True)
class WhitespaceGrid:
    """The whitespace map as a grid: one row per unit, one column per offering."""

    units: list[Unit]
    offerings: list[str]
    cells: dict[tuple[str, str], Whitespace]

    def cell(self, unit: str, offering: str) -> Whitespace | None:
        """The cell of a unit and an offering, if the plan has one."""
        return self.cells.get((unit, offering))

    def rows(self, offerings: Sequence[str]) -> list[Unit]:
        """The units that have a cell in one of these offerings (a grid too wide is cut in parts)."""
        return [u for u in self.units if any((u.id, o) in self.cells for o in offerings)]


def unit_tree(units: Sequence[Unit]) -> list[tuple[int, Unit]]:
    """Units in tree order by ``parent`` (children in file order), each with its depth."""
    ids = {u.id for u in units}
    children: dict[str | None, list[Unit]] = {}
    for unit in units:
        parent = unit.parent if unit.parent in ids and unit.parent != unit.id else None
        children.setdefault(parent, []).append(unit)
    out: list[tuple[int, Unit]] = []
    seen: set[str] = set()
    stack = [(0, u) for u in reversed(children.get(None, []))]
    while stack:
        depth, unit = stack.pop()
        if unit.id in seen:
            continue
        seen.add(unit.id)
        out.append((depth, unit))
        stack += [(depth + 1, u) for u in reversed(children.get(unit.id, []))]
    return out + [(0, u) for u in units if u.id not in seen]  # only in a plan with a cycle
