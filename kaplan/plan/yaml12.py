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
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

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


class Mark(NamedTuple):
    """Where a key and its value start (1-based lines and columns).

    A named tuple: one is made for every value of every plan, and a tuple is the cheapest to make.
    """

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


# The first characters of every null, boolean, number, infinity and not-a-number the core schema knows.
_MAY_RESOLVE = frozenset("0123456789+-.~nNtTfF") | {""}


def resolve_plain(text: str) -> Any:
    """The value of a plain (unquoted) scalar under the YAML 1.2 core schema.

    A decimal written with a leading zero (``010``, a phone number) stays text.
    """
    if text[:1] not in _MAY_RESOLVE:
        return text  # most scalars are words: nothing of the schema starts with a letter but these
    if text in _NULLS:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    if _INT.match(text):
        return _decimal(text)
    if _OCT.match(text) or _HEX.match(text):
        return _octal_or_hex(text)
    return _real_or_text(text)


def _decimal(text: str) -> int | str:
    digits = text.lstrip("+-")
    if len(digits) > 1 and digits[0] == "0":
        return text
    return int(text) if len(digits) <= MAX_DIGITS else LargeNumber(text)


def _octal_or_hex(text: str) -> int | str:
    # Checked by length before converting: a 5 MB hex literal must not become an int.
    base, room = (8, 21) if text[1] == "o" else (16, 15)
    value = int(text[2:], base) if len(text) - 2 <= room else _LIMIT
    return value if value < _LIMIT else LargeNumber(text)


def _real_or_text(text: str) -> float | str:
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


_SCALAR, _ALIAS = yaml.ScalarEvent, yaml.AliasEvent
_MAPPING, _SEQUENCE = yaml.MappingStartEvent, yaml.SequenceStartEvent
_ENDS = frozenset((yaml.MappingEndEvent, yaml.SequenceEndEvent))
_STARTS = frozenset((_MAPPING, _SEQUENCE))
_ITEM = "\x00item"  # the "key" of a list frame: never None, so a list's nodes are never keys
_NODES = frozenset((_SCALAR, _ALIAS, *_STARTS))
# A frame is a mapping or list being filled: [container, its path, the key waiting for its value
# (None when the next node is a key; a list's is always _ITEM), that key's line and column, is it
# a mapping].
_CONTAINER, _PATH, _KEY, _KEY_LINE, _KEY_COLUMN, _IS_MAPPING = range(6)


def read_yaml(text: str) -> YamlDoc:
    """Read one YAML document into dicts, lists and scalars, with a line map.

    One loop over libyaml's events, with the common case (a plain scalar) inline: this runs for
    every node of every plan, and calls per event would cost as much as the parse itself.
    """
    lines = LineMap()
    problems: list[YamlProblem] = []
    # The document's own frame: a list of one, the root, whose path is () (marked by None).
    top: list[Any] = [[], None, _ITEM, 1, 1, False]
    stack: list[list[Any]] = [top]
    documents = 0
    loader = yaml.CSafeLoader(text)
    next_event: Callable[[], Any] = loader.get_event
    try:
        while (event := next_event()) is not None:
            kind = type(event)
            if kind in _ENDS:
                stack.pop()
            elif kind in _NODES:
                mark = event.start_mark
                frame = stack[-1]
                is_key = frame[_KEY] is None
                if kind is _SCALAR and (event.anchor, event.tag) == (None, None):  # no anchor, no tag
                    value = event.value
                    if not is_key and not event.style and event.implicit[0]:
                        value = resolve_plain(value)
                else:
                    value = _node_value(event, kind, is_key, mark, problems)
                path = _place(frame, value, is_key, mark.line + 1, mark.column + 1, lines.marks, problems)
                if kind in _STARTS:
                    stack.append(_frame(value, path, kind is _MAPPING))
            elif kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    problems.append(
                        YamlProblem(*_pos(event.start_mark), "a plan holds one YAML document: remove '---'")
                    )
                    break
    except yaml.YAMLError as exc:
        problems.append(_error_problem(exc, text))
        return YamlDoc(None, lines, problems)
    finally:
        loader.dispose()
    return YamlDoc(top[_CONTAINER][0] if top[_CONTAINER] else None, lines, problems)


def _frame(container: Any, path: PathKey | None, mapping: bool) -> list[Any]:
    """The frame of a mapping or list that starts (a mapping used as a key is filled under "?")."""
    return [container, path if path is not None else ("?",), None if mapping else _ITEM, 1, 1, mapping]


def _node_value(event: Any, kind: type, is_key: bool, mark: Any, problems: list[YamlProblem]) -> Any:
    """The value of an alias, a mapping or list start, or a scalar with an anchor or a tag."""
    line, column = _pos(mark)
    if kind is _ALIAS:
        problems.append(
            YamlProblem(line, column, f"aliases (*{event.anchor}) are not allowed: write the value out")
        )
        return "?" if is_key else None
    problems.extend(_property_problems(event, kind, line, column))
    if kind is _SCALAR:
        plain = not is_key and not event.style and event.implicit[0] and event.tag is None
        return resolve_plain(event.value) if plain else event.value
    return {} if kind is _MAPPING else []


def _place(
    frame: list[Any],
    value: Any,
    is_key: bool,
    line: int,
    column: int,
    marks: dict[PathKey, Mark],
    problems: list[YamlProblem],
) -> PathKey | None:
    """Put a value in its frame's container and note where it is; its path, or None for a key."""
    container = frame[_CONTAINER]
    if not frame[_IS_MAPPING]:
        path: PathKey = (*frame[_PATH], len(container)) if frame[_PATH] is not None else ()
        container.append(value)
        marks[path] = Mark(line, column, line, column)
        return path
    if is_key:
        if not isinstance(value, str):
            problems.append(YamlProblem(line, column, "a key must be plain text, not a list or mapping"))
            value = "?"
        if value in container:
            first = marks[(*frame[_PATH], value)]
            message = f"duplicate key '{value}' (first written at line {first.key_line}); keep one of them"
            problems.append(YamlProblem(line, column, message))
        frame[_KEY], frame[_KEY_LINE], frame[_KEY_COLUMN] = value, line, column
        return None
    key, frame[_KEY] = frame[_KEY], None
    path = (*frame[_PATH], key)
    if key in container:
        # A dropped duplicate: whatever is under it must not move the kept value's marks.
        return (_DROPPED, *path)
    container[key] = value
    marks[path] = Mark(frame[_KEY_LINE], frame[_KEY_COLUMN], line, column)
    return path


def _property_problems(event: Any, kind: type, line: int, column: int) -> list[YamlProblem]:
    """An anchor or a tag: neither is allowed (``!`` alone, a quoted-string marker, is)."""
    found = []
    if event.anchor is not None:
        found.append(YamlProblem(line, column, f"anchors (&{event.anchor}) are not allowed: remove it"))
    if event.tag is not None and not (kind is _SCALAR and event.tag == "!"):
        found.append(YamlProblem(line, column, f"tags ({event.tag}) are not allowed: remove it"))
    return found


def _error_problem(exc: yaml.YAMLError, text: str) -> YamlProblem:
    """The problem that stopped the parser, at its line and column."""
    if isinstance(exc, yaml.MarkedYAMLError):
        return _syntax_problem(exc, text)
    if isinstance(exc, yaml.reader.ReaderError):
        return _character_problem(exc, text)
    return YamlProblem(1, 1, f"YAML syntax: {str(exc).splitlines()[0]}")


def _syntax_problem(exc: yaml.MarkedYAMLError, text: str) -> YamlProblem:
    mark = exc.problem_mark or exc.context_mark
    line, column = _pos(mark) if mark is not None else (1, 1)
    last = text.count("\n") + 1
    if line > last:  # the parser's end-of-file mark can sit past the last line
        line, column = last, len(text.rsplit("\n", 1)[-1]) + 1
    what = exc.problem or exc.context or "invalid YAML"
    context = f" ({exc.context})" if exc.context and exc.problem else ""
    return YamlProblem(line, column, f"YAML syntax: {what}{context}")


def _character_problem(exc: yaml.reader.ReaderError, text: str) -> YamlProblem:
    # libyaml counts a reader error's position in bytes.
    before = text.encode("utf-8")[: exc.position].decode("utf-8", "replace")
    line = before.count("\n") + 1
    column = len(before) - (before.rfind("\n") + 1) + 1
    code = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "?")
    return YamlProblem(line, column, f"the character U+{code:04X} is not allowed in YAML text: remove it")
