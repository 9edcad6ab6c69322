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


def _events(text: str) -> Iterator[Any]:
    loader = yaml.CSafeLoader(text)
    try:
        while loader.check_event():
            yield loader.get_event()
    finally:
        loader.dispose()


_NODES = frozenset((yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent, yaml.AliasEvent))
_ENDS = frozenset((yaml.MappingEndEvent, yaml.SequenceEndEvent))


@dataclass
class _Frame:
    """A mapping or list being filled: where it is, and (a mapping) the key waiting for its value."""

    container: dict[str, Any] | list[Any]
    path: PathKey
    key: str | None = None
    key_pos: tuple[int, int] = (1, 1)


@dataclass
class _Builder:
    """Builds the data and its line map from libyaml's events, noting every problem on the way."""

    lines: LineMap = field(default_factory=LineMap)
    problems: list[YamlProblem] = field(default_factory=list)
    root: Any = None
    stack: list[_Frame] = field(default_factory=list)
    documents: int = 0

    def problem(self, start: tuple[int, int], message: str) -> None:
        self.problems.append(YamlProblem(*start, message))

    def document(self, event: Any) -> bool:
        """A document starts; False (and a problem) for a second one."""
        self.documents += 1
        if self.documents > 1:
            self.problem(_pos(event.start_mark), "a plan holds one YAML document: remove '---'")
            return False
        return True

    def node(self, event: Any, kind: type) -> None:
        """A scalar, alias, or the start of a mapping or list."""
        start = _pos(event.start_mark)
        stack = self.stack
        # Whether this node is a mapping's key (inline: this runs for every node of every plan).
        is_key = bool(stack) and stack[-1].key is None and isinstance(stack[-1].container, dict)
        if kind is yaml.AliasEvent:
            self.problem(start, f"aliases (*{event.anchor}) are not allowed: write the value out")
            self.add("?" if is_key else None, start)
            return
        if event.anchor is not None or event.tag is not None:
            self.properties(event, kind, start)
        if kind is yaml.ScalarEvent:
            plain = not event.style and event.implicit[0] and event.tag is None
            self.add(resolve_plain(event.value) if plain and not is_key else event.value, start)
            return
        container: dict[str, Any] | list[Any] = {} if kind is yaml.MappingStartEvent else []
        path = self.add(container, start)
        self.stack.append(_Frame(container, path if path is not None else ("?",)))

    def properties(self, event: Any, kind: type, start: tuple[int, int]) -> None:
        """Note an anchor or a tag: neither is allowed (``!`` alone, a quoted-string marker, is)."""
        if event.anchor is not None:
            self.problem(start, f"anchors (&{event.anchor}) are not allowed: remove it")
        if event.tag is not None and not (kind is yaml.ScalarEvent and event.tag == "!"):
            self.problem(start, f"tags ({event.tag}) are not allowed: remove it")

    def add(self, value: Any, start: tuple[int, int]) -> PathKey | None:
        """Put a value in the current container; return its path, or None if it was a key."""
        if not self.stack:
            self.root = value
            self.lines.marks[()] = Mark(*start, *start)
            return ()
        frame = self.stack[-1]
        if isinstance(frame.container, list):
            child = (*frame.path, len(frame.container))
            frame.container.append(value)
            self.lines.marks[child] = Mark(*start, *start)
            return child
        if frame.key is None:
            self.take_key(frame, value, start)
            return None
        key, frame.key = frame.key, None
        child = (*frame.path, key)
        if key in frame.container:
            # A dropped duplicate: whatever is under it must not move the kept value's marks.
            return (_DROPPED, *child)
        frame.container[key] = value
        self.lines.marks[child] = Mark(frame.key_pos[0], frame.key_pos[1], start[0], start[1])
        return child

    def take_key(self, frame: _Frame, value: Any, start: tuple[int, int]) -> None:
        """Hold a mapping's key until its value comes; note a key that is not text or written twice."""
        key = value
        if not isinstance(key, str):
            self.problem(start, "a key must be plain text, not a list or mapping")
            key = "?"
        if key in frame.container:
            first = self.lines.marks[(*frame.path, key)]
            self.problem(
                start, f"duplicate key '{key}' (first written at line {first.key_line}); keep one of them"
            )
        frame.key, frame.key_pos = key, start


def read_yaml(text: str) -> YamlDoc:
    """Read one YAML document into dicts, lists and scalars, with a line map."""
    builder = _Builder()
    try:
        for event in _events(text):
            kind = type(event)
            if kind in _NODES:
                builder.node(event, kind)
            elif kind in _ENDS:
                builder.stack.pop()
            elif kind is yaml.DocumentStartEvent and not builder.document(event):
                break
    except yaml.YAMLError as exc:
        builder.problems.append(_error_problem(exc, text))
        return YamlDoc(None, builder.lines, builder.problems)
    return YamlDoc(builder.root, builder.lines, builder.problems)


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
