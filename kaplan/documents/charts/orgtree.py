"""The org chart's tree: people by ``reports_to``, pruned past MAX_LEVELS, and cut-down copies."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from kaplan.plan.model import Person


# --- org chart: the tree ----------------------------------------------------------------
@dataclass(eq=False)
class _Node:
    person: Person
    children: list[_Node] = field(default_factory=list)
    hidden: int = 0  # people below this box who are drawn in another chart
    origin: _Node | None = None  # in a cut-down copy: the node of the full tree it stands for
    height: int = 0  # levels below (0 for a leaf)
    size: int = 1  # people in the subtree, this one included
    beyond: int = 0  # people below this box deeper than any chart draws (MAX_LEVELS)

    @property
    def full(self) -> _Node:
        return self.origin or self


def _annotate(node: _Node) -> _Node:
    """Fill in height and size, bottom up (without recursion: reporting chains can be long)."""
    order = [node]
    for n in order:
        order.extend(n.children)
    for n in reversed(order):
        n.height = 1 + max((c.height for c in n.children), default=-1)
        n.size = 1 + n.beyond + sum(c.size for c in n.children)
    return node


MAX_LEVELS = 24  # levels of one reporting tree that are drawn; real organisations have about 10


def _prune(root: _Node, levels: int = MAX_LEVELS) -> _Node:
    """The tree down to ``levels`` levels: the people deeper are counted on the last box, not drawn.

    Why: the layout recurses once per level and tries a layout per level, so a reporting chain of
    20,000 people would exhaust the stack and take minutes; no page could show it anyway.
    """
    if root.height < levels:
        return root
    top = _Node(root.person)
    stack = [(root, top, 1)]
    while stack:
        source, copy, level = stack.pop()
        if level >= levels:
            copy.beyond = source.size - 1
            continue
        for child in source.children:
            kid = _Node(child.person)
            copy.children.append(kid)
            stack.append((child, kid, level + 1))
    return _annotate(top)


def _forest(people: Sequence[Person]) -> list[_Node]:
    """Trees from ``reports_to``, in file order; never loops, whatever the references say."""
    first_with_id: dict[str, int] = {}
    for i, p in enumerate(people):
        first_with_id.setdefault(p.id, i)
    reports: dict[int, list[int]] = {}
    roots: list[int] = []
    for i, p in enumerate(people):
        boss = first_with_id.get(p.reports_to) if p.reports_to else None
        if boss is None or boss == i:
            roots.append(i)
        else:
            reports.setdefault(boss, []).append(i)
    placed: set[int] = set()

    def build(i: int) -> _Node:
        placed.add(i)
        node = _Node(people[i])
        stack = [(node, i)]
        while stack:
            parent, j = stack.pop()
            for k in reports.get(j, []):
                if k not in placed:
                    placed.add(k)
                    child = _Node(people[k])
                    parent.children.append(child)
                    stack.append((child, k))
        return node

    trees = [build(i) for i in roots]
    # People on a reporting cycle (the loader rejects those, but a Plan can be built by hand):
    # the first of them in file order becomes a root.
    for i in range(len(people)):
        if i not in placed:
            trees.append(build(i))
    return [_annotate(t) for t in trees]


def _cut(node: _Node, depth: int, children: Sequence[_Node] | None = None) -> _Node:
    """A copy of ``node``'s tree down to ``depth`` levels; deeper people are counted, not drawn."""
    copy = _Node(node.person, origin=node.full, beyond=node.beyond)
    if depth <= 0:
        copy.hidden = node.size - 1
    else:
        kids = node.children if children is None else children
        copy.children = [_cut(c, depth - 1) for c in kids]
    return _annotate(copy)
