"""Writing into a plan's text: values in place through ruamel.yaml, new list items spliced in as text.

ruamel.yaml keeps comments, key order and quoting of what it reads, so a value set in place changes
its own line only. New items are written otherwise: an import of a CRM report appends thousands of
people, and ruamel.yaml, which writes a whole document in pure Python, takes about a millisecond a
line for them. New items need no round trip (nothing of
theirs was there to keep), so they are written by libyaml (PyYAML's C emitter) in the file's own
layout and spliced in as text; ruamel.yaml keeps to the values that change in place. A list this
cannot place (written in flow style, or in a layout other than kaplan's two) goes through ruamel.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

import yaml

from kaplan.interop.columns import Path

# The layouts spliced: kaplan's starters (dashes two in, `- ` then the keys) and PyYAML's (dashes flush).
LAYOUTS = ((2, 4, 2), (2, 2, 0))
# Text that YAML 1.2 reads as something else than text: quoted, whatever PyYAML (YAML 1.1) thinks.
_NOT_TEXT = re.compile(
    r"^(?:[-+]?(?:[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)|true|True|TRUE|false|False|FALSE|null|Null|NULL|~|)$"
)
_TOP_KEY = re.compile(r"^[^\s#-]")


class _Dumper(yaml.CSafeDumper):
    """libyaml, with text that has line breaks as ``|`` blocks and YAML 1.2's non-text quoted."""


def _text(dumper: _Dumper, value: str) -> yaml.Node:
    if "\n" in value and literal_safe(value):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    if _NOT_TEXT.match(value):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="'")
    return dumper.represent_str(value)


_Dumper.add_representer(str, _text)
# YAML 1.2 knows true and false only: `on`, `yes` and `no` are text, written plain (`on: 2026-11-30`).
_Dumper.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeDumper.yaml_implicit_resolvers.items()
}
_Dumper.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def literal_safe(text: str) -> bool:
    """Whether a ``|`` block keeps this text exactly."""
    return (
        not any(ch in text for ch in ("\r", "\t", "\x85", "\u2028", "\u2029"))
        and not text.startswith((" ", "\n"))
        and all(line == line.rstrip() for line in text.split("\n"))
        and not text.endswith("\n\n")
    )


_KEY_LINE = re.compile(r"^( *)[^\s#-][^:]*:\s*(?:#.*)?$")
_DASH_LINE = re.compile(r"^( *)- ")
_CHILD_LINE = re.compile(r"^( *)[^\s#-]")


def layout_of(text: str) -> tuple[int, int, int]:
    """(mapping indent, sequence indent, dash offset): the ones most of the file's nested blocks use.

    A vote, since a Markdown list in a block scalar looks like a YAML list too.
    """
    maps: Counter[int] = Counter()
    seqs: Counter[tuple[int, int]] = Counter()
    lines = text.splitlines()
    for line, following in itertools.pairwise(lines):
        key = _KEY_LINE.match(line)
        if key is None:
            continue
        depth = len(key[1])
        dash, child = _DASH_LINE.match(following), _CHILD_LINE.match(following)
        if dash and len(dash[1]) >= depth:
            rest = following[len(dash[0]) :]
            offset = len(dash[1]) - depth
            seqs[(offset, offset + 2 + len(rest) - len(rest.lstrip(" ")))] += 1
        elif child and len(child[1]) > depth:
            maps[len(child[1]) - depth] += 1
    mapping = maps.most_common(1)[0][0] if maps else 2
    offset, sequence = seqs.most_common(1)[0][0] if seqs else (2, 4)  # kaplan's starters
    return mapping, sequence, offset


def where_to_splice(text: str, section: str, layout: tuple[int, int, int]) -> int | None:
    """The line index after which new items of a top-level list go; -1: the list is not there yet.

    None when they cannot be spliced: the list is in flow style or empty, or the layout is not one
    of :data:`LAYOUTS`.
    """
    if layout not in LAYOUTS:
        return None
    lines = text.split("\n")
    start = next((i for i, line in enumerate(lines) if line.startswith(f"{section}:")), None)
    if start is None:
        return -1
    if lines[start][len(section) + 1 :].split("#")[0].strip():
        return None  # `people: []` or a value on the key's line
    offset = layout[2]
    last = None
    for i in range(start + 1, len(lines)):
        line = lines[i]
        if _TOP_KEY.match(line):
            break
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue  # blank lines and comments before the next key stay before it
        if last is None and not line.startswith(" " * offset + "- "):
            return None
        last = i
    return last


def splice(
    text: str, section: str, items: Sequence[dict[str, Any]], after: int, layout: tuple[int, int, int]
) -> str:
    """The text with the items appended to the list ``section`` (after line ``after``; -1: a new list)."""
    block = _items_text(items, layout[2])
    lines = text.split("\n")
    if after < 0:
        body = text if text.endswith("\n") or not text else text + "\n"
        return f"{body}{section}:\n{block}"
    return "\n".join([*lines[: after + 1], block.rstrip("\n"), *lines[after + 1 :]])


def _written(value: Any) -> Any:
    """An item as a person writes it: money with no currency is a bare number."""
    if isinstance(value, dict):
        if value.keys() == {"amount"}:
            return value["amount"]
        return {k: _written(v) for k, v in value.items()}
    return value


def _items_text(items: Sequence[dict[str, Any]], offset: int) -> str:
    raw = yaml.dump(
        [_written(i) for i in items],
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        width=1 << 30,
        default_flow_style=False,
    )
    if offset == 0:
        return raw
    return "".join(" " * offset + line for line in _indented_lists(raw.splitlines(keepends=True)))


def _indented_lists(lines: list[str]) -> list[str]:
    """libyaml writes a list inside a mapping flush with its key; kaplan's layout puts it two in."""
    out = []
    pending: int | None = None  # the depth of a key with nothing after its colon
    active: int | None = None  # the depth of the key whose flush list is being shifted
    for line in lines:
        depth = len(line) - len(line.lstrip(" "))
        item = line.lstrip().startswith("- ")
        if pending is not None:
            active = pending if depth == pending and item else None
            pending = None
        if active is not None and (depth > active or (depth == active and item)):
            out.append("  " + line)
            continue
        active = None
        out.append(line)
        body = line.strip()
        if body.endswith(":"):
            pending = depth + (2 if body.startswith("- ") else 0)
    return out


# --- values in place, through ruamel.yaml ------------------------------------------------------


def round_trip(text: str, layout: tuple[int, int, int]) -> tuple[Any, Any]:
    """A ruamel.yaml instance set to the file's layout, and the document."""
    from ruamel.yaml import YAML  # only an import pays for ruamel

    mapping, sequence, offset = layout
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 1 << 16  # never fold a long line that was not folded
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    # One value set in two places (a date) must be written twice, never as an anchor and alias.
    yaml.representer.ignore_aliases = lambda _data: True
    return yaml, yaml.load(text)


def _last_comment(node: Any) -> tuple[Any, Any, int] | None:
    """Where ruamel keeps the comment after a node's last line: (container, key, slot)."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if not isinstance(node, (CommentedMap, CommentedSeq)) or not node:
        return None
    key = list(node.keys())[-1] if isinstance(node, CommentedMap) else len(node) - 1
    inner = _last_comment(node[key])
    return inner or (node, key, 2 if isinstance(node, CommentedMap) else 0)


def move_trailing(previous: Any, new: Any) -> None:
    """Blank lines and comments after a list's last item belong after the list: keep them there."""
    from ruamel.yaml.error import CommentMark
    from ruamel.yaml.tokens import CommentToken

    source, target = _last_comment(previous), _last_comment(new)
    if source is None or target is None:
        return
    holder, key, slot = source
    entry = holder.ca.items.get(key)
    token = entry[slot] if entry else None
    if token is None or "\n" not in token.value[:-1]:
        return
    text = token.value
    inline, rest = text[: text.index("\n") + 1], text[text.index("\n") + 1 :]
    if inline.strip():
        token.value = inline  # a comment on the item's own last line stays with it
    else:
        entry[slot], rest = None, text
    new_holder, new_key, new_slot = target
    slots = new_holder.ca.items.setdefault(new_key, [None, None, None, None])
    slots[new_slot] = CommentToken(rest, CommentMark(0), None)


def set_value(node: Any, path: Path, value: Any) -> None:
    """Set a value in the ruamel document, making the mappings on the way; money may be a bare number."""
    from ruamel.yaml.comments import CommentedMap

    for i, key in enumerate(path[:-1]):
        child = node.get(key)
        if path[i + 1 :] == ("amount",) and (child is None or not hasattr(child, "keys")):
            node[key] = yaml_value(value)  # money written as a bare number stays one
            return
        if child is None:
            child = node[key] = CommentedMap()
        elif not hasattr(child, "keys"):  # a bare amount that now gets a currency
            child = node[key] = CommentedMap([("amount", child)])
        node = child
    node[path[-1]] = yaml_value(value)


def yaml_value(value: Any) -> Any:
    from ruamel.yaml.comments import CommentedSeq
    from ruamel.yaml.scalarstring import LiteralScalarString

    if isinstance(value, list):
        return CommentedSeq(yaml_value(v) for v in value)
    if isinstance(value, str) and "\n" in value and literal_safe(value):
        return LiteralScalarString(value)
    return value
