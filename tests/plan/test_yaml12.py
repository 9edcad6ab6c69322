"""kaplan.plan.yaml12: YAML 1.2 scalars, refused YAML features, and exact 1-based positions."""

from __future__ import annotations

import math

import pytest

from kaplan.plan.yaml12 import read_yaml, resolve_plain


def problems(text: str) -> list[tuple[int, int, str]]:
    """(line, column, message) of every problem found reading ``text``."""
    return [(p.line, p.column, p.message) for p in read_yaml(text).problems]


# --- scalars: YAML 1.2 core schema --------------------------------------------------------------


@pytest.mark.parametrize("word", ["on", "On", "ON", "off", "no", "No", "NO", "yes", "Yes", "YES", "y", "n"])
def test_yaml11_booleans_stay_text(word: str) -> None:
    doc = read_yaml(f"a: {word}\n")
    assert doc.problems == []
    assert doc.data == {"a": word}


@pytest.mark.parametrize(
    ("word", "value"), [("true", True), ("True", True), ("false", False), ("FALSE", False)]
)
def test_only_true_and_false_are_booleans(word: str, value: bool) -> None:
    assert read_yaml(f"a: {word}\n").data == {"a": value}


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("010", "010"),  # not octal: a leading zero keeps the text (a phone number, a code)
        ("-010", "-010"),
        ("0o10", 8),
        ("0x1F", 31),
        ("0", 0),
        ("-0", 0),
        ("+12", 12),
        ("42", 42),
        ("1.5", 1.5),
        ("1e5", 100000.0),
        ("1_000", "1_000"),  # YAML 1.1 digit separators are gone
        ("0b101", "0b101"),  # so are binary literals
        ("12:30", "12:30"),  # and sexagesimal numbers
        ("2026-13-01", "2026-13-01"),  # dates stay text for the model to check
        ("2026-01-31", "2026-01-31"),
        ("~", None),
        ("null", None),
        ("", None),
    ],
)
def test_plain_scalars(text: str, value: object) -> None:
    assert resolve_plain(text) == value
    assert type(resolve_plain(text)) is type(value)


def test_infinity_and_nan() -> None:
    assert resolve_plain(".inf") == math.inf
    assert resolve_plain("-.INF") == -math.inf
    assert math.isnan(resolve_plain(".NaN"))


def test_quoted_scalars_are_always_text() -> None:
    doc = read_yaml("a: 'true'\nb: \"010\"\nc: '8'\nd: \"null\"\n")
    assert doc.data == {"a": "true", "b": "010", "c": "8", "d": "null"}


def test_keys_are_never_resolved() -> None:
    # `on:` is a key named "on" (history entries use it), and `1:` a key named "1".
    doc = read_yaml("on: 2026-01-01\nyes: 1\n1: a\nnull: b\n")
    assert doc.problems == []
    assert doc.data == {"on": "2026-01-01", "yes": 1, "1": "a", "null": "b"}


def test_a_yaml_11_directive_does_not_bring_back_11_booleans() -> None:
    doc = read_yaml("%YAML 1.1\n---\na: yes\n")
    assert doc.data == {"a": "yes"}


def test_a_huge_integer_stays_a_number_or_text_never_crashes() -> None:
    doc = read_yaml(f"a: {'9' * 5000}\n")
    assert doc.problems == []
    assert isinstance(doc.data["a"], (int, str))


# --- the line map --------------------------------------------------------------------------------


def test_line_map_knows_keys_and_values() -> None:
    doc = read_yaml("top:\n  name: Acme\n  list:\n    - one\n    - {k: v}\n")
    assert doc.lines.key(("top", "name")) == (2, 3)
    assert doc.lines.value(("top", "name")) == (2, 9)
    assert doc.lines.value(("top", "list", 0)) == (4, 7)
    assert doc.lines.value(("top", "list", 1, "k")) == (5, 11)
    assert doc.lines.key(("top", "list", 1, "k")) == (5, 8)


def test_line_map_falls_back_to_the_nearest_written_ancestor() -> None:
    doc = read_yaml("top:\n  name: Acme\n")
    assert doc.lines.key(("top", "missing", 3)) == (1, 1)
    assert doc.lines.value(("top", "missing")) == (2, 3)  # the mapping that is the value of top
    assert doc.lines.key(("nowhere",)) == (1, 1)


def test_columns_count_characters_not_bytes() -> None:
    doc = read_yaml("名字: 值\n中文: !!str x\n")
    assert doc.lines.value(("名字",)) == (1, 5)
    assert problems("名字: 值\n中文: !!str x\n") == [
        (2, 5, "tags (tag:yaml.org,2002:str) are not allowed: remove it")
    ]


def test_crlf_line_endings() -> None:
    assert problems("a: 1\r\nb: &x 2\r\n") == [(2, 4, "anchors (&x) are not allowed: remove it")]


# --- anchors, aliases and tags are refused ---------------------------------------------------------


def test_anchor_and_alias() -> None:
    doc = read_yaml("a: &x 1\nb: *x\n")
    assert [(p.line, p.column) for p in doc.problems] == [(1, 4), (2, 4)]
    assert "anchors (&x)" in doc.problems[0].message
    assert "aliases (*x)" in doc.problems[1].message
    assert doc.data == {"a": 1, "b": None}  # the alias is never expanded


def test_merge_key_with_alias() -> None:
    doc = read_yaml("base: &b\n  k: v\nother:\n  <<: *b\n")
    assert [(p.line, p.column) for p in doc.problems] == [(1, 7), (4, 7)]


def test_alias_in_a_list() -> None:
    assert [(line, col) for line, col, _ in problems("a:\n  - 1\n  - *x\n")] == [(3, 5)]


def test_alias_as_a_key() -> None:
    doc = read_yaml("a: &k key\n*k : 1\n")
    assert [(p.line, p.column) for p in doc.problems] == [(1, 4), (2, 1)]


def test_python_tag_is_refused_and_never_run() -> None:
    found = problems("a: !!python/object/apply:os.system ['echo hi']\n")
    assert found == [
        (1, 4, "tags (tag:yaml.org,2002:python/object/apply:os.system) are not allowed: remove it")
    ]


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("x:\n  y: !!str 5\n", (2, 6)),
        ("a: !custom x\n", (1, 4)),
        ("a: !!binary aGVsbG8=\n", (1, 4)),
        ("a:\n  - !!map {k: v}\n", (2, 5)),
        ("a: !!seq\n  - 1\n", (1, 4)),
    ],
)
def test_every_explicit_tag_is_refused(text: str, where: tuple[int, int]) -> None:
    found = problems(text)
    assert [(line, col) for line, col, _ in found] == [where]
    assert "tags (" in found[0][2]


def test_the_non_specific_tag_is_harmless() -> None:
    doc = read_yaml("a: ! x\n")
    assert doc.problems == []
    assert doc.data == {"a": "x"}


def test_a_mapping_as_a_key() -> None:
    assert problems("? [a, b]\n: 1\n") == [(1, 3, "a key must be plain text, not a list or mapping")]


# --- duplicate keys and documents ------------------------------------------------------------------


def test_duplicate_key_keeps_the_first_and_reports_the_second() -> None:
    doc = read_yaml("a: 1\nb: 2\na: 3\n")
    assert doc.data == {"a": 1, "b": 2}
    assert problems("a: 1\nb: 2\na: 3\n") == [
        (3, 1, "duplicate key 'a' (first written at line 1); keep one of them")
    ]


def test_nested_duplicate_key() -> None:
    assert problems("top:\n  k: 1\n  k: 2\n") == [
        (3, 3, "duplicate key 'k' (first written at line 2); keep one of them")
    ]


def test_duplicate_in_a_flow_mapping() -> None:
    assert [(line, col) for line, col, _ in problems("a: {k: 1, k: 2}\n")] == [(1, 11)]


def test_duplicate_inside_a_duplicate() -> None:
    found = problems("a:\n  x: 1\na:\n  x: 2\n  x: 3\n")
    assert [(line, col) for line, col, _ in found] == [(3, 1), (5, 3)]


# The dropped value's children share the kept value's paths: their marks must not overwrite the kept ones.
def test_dropped_duplicate_does_not_move_the_marks_of_the_kept_value() -> None:
    doc = read_yaml("a:\n  x: 1\na:\n  x: 2\n")
    assert doc.data == {"a": {"x": 1}}
    assert doc.lines.value(("a", "x")) == (2, 6)


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("a: 1\n---\nb: 2\n", (2, 1)),
        ("---\na: 1\n---\nb: 2\n", (3, 1)),
        ("a: 1\n--- \nb: 2\n---\nc: 3\n", (2, 1)),  # one finding, at the first extra document
    ],
)
def test_more_than_one_document(text: str, where: tuple[int, int]) -> None:
    assert problems(text) == [(*where, "a plan holds one YAML document: remove '---'")]


def test_one_explicit_document_is_fine() -> None:
    doc = read_yaml("---\na: 1\n...\n")
    assert doc.problems == []
    assert doc.data == {"a": 1}


def test_content_after_document_end_marker() -> None:
    found = problems("a: 1\n...\nb: 2\n")
    assert [(line, col) for line, col, _ in found] == [(3, 1)]


# --- syntax errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "where", "words"),
    [
        ("a: [1, 2\nb: 3\n", (2, 2), "did not find expected ',' or ']'"),
        ("a:\n  b: 1\n c: 2\n", (3, 2), "did not find expected key"),
        ("a: b: c\n", (1, 5), "mapping values are not allowed"),
        ("a:\n\tb: 1\n", (2, 1), "cannot start any token"),
        ("a: 'unterminated\n", (2, 1), "unexpected end of stream"),
        ('k: "中文" 错\n', (1, 9), "did not find expected key"),
        ("a: 1\n- b\n", (2, 1), ""),
        ("a: {b: 1\n", (2, 1), ""),
        ("a: @x\n", (1, 4), "cannot start any token"),
    ],
)
def test_syntax_errors_point_at_the_problem(text: str, where: tuple[int, int], words: str) -> None:
    doc = read_yaml(text)
    assert doc.data is None
    assert len(doc.problems) == 1
    problem = doc.problems[0]
    assert (problem.line, problem.column) == where
    assert problem.message.startswith("YAML syntax: ")
    assert words in problem.message


# A control character (pasted from a word processor…) raises ReaderError, which is not a MarkedYAMLError
# and carries a second line ('in "<unicode string>", position N'): one finding must stay one line.
@pytest.mark.parametrize("char", ["\x00", "\x07", "\x0b"], ids=["nul", "bel", "vt"])
def test_control_character_points_at_its_line_and_column(char: str) -> None:
    found = problems(f"a: 1\nb: x{char}y\n")
    assert len(found) == 1
    line, column, message = found[0]
    assert (line, column) == (2, 5)
    assert "\n" not in message


# libyaml puts the end-of-stream mark one line past a file without a final newline; GitHub drops
# annotations on lines that do not exist.
def test_end_of_file_problem_points_at_a_line_that_exists() -> None:
    found = problems("a: 1\nb: [1, 2")
    assert len(found) == 1
    assert found[0][0] <= 2


@pytest.mark.parametrize("text", ["", "# only a comment\n", "---\n", "\n\n\n"])
def test_empty_documents_have_no_data_and_no_problems(text: str) -> None:
    doc = read_yaml(text)
    assert doc.data is None
    assert doc.problems == []


def test_nesting_too_deep_is_a_syntax_problem() -> None:
    found = problems("a: " + "[" * 2000 + "]" * 2000 + "\n")
    assert len(found) == 1
    assert found[0][0] == 1
    assert "nesting depth" in found[0][2]


def test_billion_laughs_never_expands() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    doc = read_yaml("\n".join(lines) + "\n")
    assert (doc.problems[0].line, doc.problems[0].column) == (1, 4)
    assert sum("aliases" in p.message for p in doc.problems) == 8 * 9
    assert doc.data["i"] == [None] * 9
