"""YAML text → plain data plus a line map, with YAML 1.2 scalars and no surprises.

Uses libyaml's event stream (``yaml.CSafeLoader``) and builds the data itself, so that:
anchors, aliases and tags are refused (an alias bomb never expands), duplicate keys are
reported instead of silently overwritten, only ``true``/``false`` are booleans, ``010`` is
not octal, and dates stay text for the model to check (``2026-13-01`` gets a line, not a crash).
A number too large for a plan stays its text, marked as :class:`LargeNumber`, so nothing ever
has to print a 5,000-digit integer (Python refuses past 4,300 digits) and messages can say why.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml

PathKey = tuple[str | int, ...]

_INT = re.compile(r"^[-+]?[0-9]+$")
_OCT = re.compile(r"^0o[0-7]+$")
_HEX = re.compile(r"^0x[0-9a-fA-F]+$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_INF = re.compile(r"^[-+]?\.(?:inf|Inf|INF)$")
_NAN = re.compile(r"^\.(?:nan|NaN|NAN)$")
_DROPPED = "\x00dropped"
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_TRUE = frozenset({"true", "True", "TRUE"})
_FALSE = frozenset({"false", "False", "FALSE"})
MAX_DIGITS = 18  # a count, a year, an amount of money: never more; and still an int64
_LIMIT = 10**MAX_DIGITS


class LargeNumber(str):
    """A plain scalar that reads as a number too large for a plan (over 18 digits, or beyond a
    float): kept as the text written, which a text field takes as is and a number field refuses."""


@dataclass(frozen=True)
class Mark:
    """Where a key and its value start (1-based lines and columns)."""

    key_line: int
    key_column: int
    line: int
    column: int


@dataclass
class LineMap:
    """Path in the data → where it is written in the file."""

    marks: dict[PathKey, Mark] = field(default_factory=dict)

    def _nearest(self, path: PathKey) -> Mark | None:
        while path:
            mark = self.marks.get(path)
            if mark is not None:
                return mark
            path = path[:-1]
        return None

    def key(self, path: PathKey) -> tuple[int, int]:
        """Line and column of the key at ``path`` (or its nearest written ancestor)."""
        mark = self._nearest(path)
        return (mark.key_line, mark.key_column) if mark else (1, 1)

    def value(self, path: PathKey) -> tuple[int, int]:
        """Line and column of the value at ``path`` (or its nearest written ancestor)."""
        mark = self._nearest(path)
        return (mark.line, mark.column) if mark else (1, 1)


@dataclass(frozen=True)
class YamlProblem:
    """A syntax problem found while reading: line and column are 1-based."""

    line: int
    column: int
    message: str


@dataclass
class YamlDoc:
    """What reading a YAML text gives: its data (``None`` if unreadable), marks and problems."""

    data: Any
    lines: LineMap
    problems: list[YamlProblem]


def resolve_plain(text: str) -> Any:
    """The value of a plain (unquoted) scalar under the YAML 1.2 core schema.

    A decimal written with a leading zero (``010``, a phone number) stays text.
    """
    if text in _NULLS:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    if _INT.match(text):
        digits = text.lstrip("+-")
        if len(digits) > 1 and digits[0] == "0":
            return text
        return int(text) if len(digits) <= MAX_DIGITS else LargeNumber(text)
    if _OCT.match(text) or _HEX.match(text):
        # Checked by length before converting: a 5 MB hex literal must not become an int.
        base, room = (8, 21) if text[1] == "o" else (16, 15)
        value = int(text[2:], base) if len(text) - 2 <= room else _LIMIT
        return value if value < _LIMIT else LargeNumber(text)
    if _FLOAT.match(text) and any(c.isdigit() for c in text):
        number = float(text)
        return number if math.isfinite(number) else LargeNumber(text)
    if _INF.match(text):
        return float("-inf") if text.startswith("-") else float("inf")
    if _NAN.match(text):
        return float("nan")
    return text


def _pos(mark: Any) -> tuple[int, int]:
    return mark.line + 1, mark.column + 1


def _events(text: str) -> Iterator[Any]:
    loader = yaml.CSafeLoader(text)
    try:
        while loader.check_event():
            yield loader.get_event()
    finally:
        loader.dispose()


def read_yaml(text: str) -> YamlDoc:
    """Read one YAML document into dicts, lists and scalars, with a line map."""
    lines = LineMap()
    problems: list[YamlProblem] = []
    root: Any = None
    # Each frame: [container, path, pending key or None, key position]
    stack: list[list[Any]] = []
    documents = 0

    def add(value: Any, start: tuple[int, int]) -> PathKey | None:
        """Put a value in the current container; return its path, or None if it was a key."""
        nonlocal root
        if not stack:
            root = value
            lines.marks[()] = Mark(*start, *start)
            return ()
        frame = stack[-1]
        container, path = frame[0], frame[1]
        if isinstance(container, list):
            child = (*path, len(container))
            container.append(value)
            lines.marks[child] = Mark(*start, *start)
            return child
        if frame[2] is None:
            key = value
            if not isinstance(key, str):
                problems.append(YamlProblem(*start, "a key must be plain text, not a list or mapping"))
                key = "?"
            if key in container:
                first = lines.marks[(*path, key)]
                problems.append(
                    YamlProblem(
                        *start,
                        f"duplicate key '{key}' (first written at line {first.key_line}); keep one of them",
                    )
                )
            frame[2], frame[3] = key, start
            return None
        key, key_pos = frame[2], frame[3]
        frame[2] = None
        if key in container:
            # A dropped duplicate: whatever is under it must not move the kept value's marks.
            return (_DROPPED, *path, key)
        child = (*path, key)
        container[key] = value
        lines.marks[child] = Mark(key_pos[0], key_pos[1], start[0], start[1])
        return child

    try:
        for event in _events(text):
            kind = type(event)
            if kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    problems.append(
                        YamlProblem(*_pos(event.start_mark), "a plan holds one YAML document: remove '---'")
                    )
                    break
                continue
            if kind in (yaml.MappingEndEvent, yaml.SequenceEndEvent):
                stack.pop()
                continue
            if kind not in (
                yaml.ScalarEvent,
                yaml.MappingStartEvent,
                yaml.SequenceStartEvent,
                yaml.AliasEvent,
            ):
                continue
            start = _pos(event.start_mark)
            is_key = bool(stack) and isinstance(stack[-1][0], dict) and stack[-1][2] is None
            if kind is yaml.AliasEvent:
                problems.append(
                    YamlProblem(*start, f"aliases (*{event.anchor}) are not allowed: write the value out")
                )
                add("?" if is_key else None, start)
                continue
            if event.anchor is not None:
                problems.append(YamlProblem(*start, f"anchors (&{event.anchor}) are not allowed: remove it"))
            if event.tag is not None and not (kind is yaml.ScalarEvent and event.tag == "!"):
                problems.append(YamlProblem(*start, f"tags ({event.tag}) are not allowed: remove it"))
            if kind is yaml.ScalarEvent:
                plain = not event.style and event.implicit[0] and event.tag is None
                value = resolve_plain(event.value) if plain and not is_key else event.value
                add(value, start)
            elif kind is yaml.MappingStartEvent:
                container: dict[str, Any] | list[Any] = {}
                path = add(container, start)
                stack.append([container, path if path is not None else ("?",), None, None])
            else:
                container = []
                path = add(container, start)
                stack.append([container, path if path is not None else ("?",), None, None])
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = _pos(mark) if mark is not None else (1, 1)
        last = text.count("\n") + 1
        if line > last:  # the parser's end-of-file mark can sit past the last line
            line, column = last, len(text.rsplit("\n", 1)[-1]) + 1
        what = exc.problem or exc.context or "invalid YAML"
        context = f" ({exc.context})" if exc.context and exc.problem else ""
        problems.append(YamlProblem(line, column, f"YAML syntax: {what}{context}"))
        return YamlDoc(None, lines, problems)
    except yaml.reader.ReaderError as exc:
        # libyaml counts a reader error's position in bytes.
        before = text.encode("utf-8")[: exc.position].decode("utf-8", "replace")
        line = before.count("\n") + 1
        column = len(before) - (before.rfind("\n") + 1) + 1
        code = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "?")
        problems.append(
            YamlProblem(line, column, f"the character U+{code:04X} is not allowed in YAML text: remove it")
        )
        return YamlDoc(None, lines, problems)
    except yaml.YAMLError as exc:
        problems.append(YamlProblem(1, 1, f"YAML syntax: {str(exc).splitlines()[0]}"))
        return YamlDoc(None, lines, problems)
    return YamlDoc(root, lines, problems)
