"""Property tests: whatever a person does to a valid plan, loading it gives located findings, never a crash."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from typing import Any

import yaml
from conftest import TODAY
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kaplan.coach.health import plan_health
from kaplan.coach.rules import RULES, coaching_findings
from kaplan.plan.findings import SEVERITIES, STRUCTURAL_CODES, Finding
from kaplan.plan.load import load_plan_bytes

KNOWN_CODES = frozenset(STRUCTURAL_CODES) | frozenset(RULES)
FILE = "plans/acme.yaml"
SETTINGS = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Words people type that YAML 1.1 or a careless loader would turn into something else.
TRICKY = [
    "on", "off", "yes", "no", "NO", "010", "0o10", "0x1F", "2026-13-01", "2026-02-29", "12:30", "1_000",
    "~", "null", ".nan", ".inf", "us", "true", "", " ", "*x", "&a", "!!python/object/apply:os.system",
    "<script>alert(1)</script>", "回扣", "王芳", "- a", "a: b", "{", "]", "#", "'", '"',
]  # fmt: skip

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(TRICKY),
)
junk = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)


def nodes(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """The path of every node in nested dicts and lists, the root included."""
    found = [path]
    if isinstance(data, dict):
        for key, value in data.items():
            found += nodes(value, (*path, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            found += nodes(value, (*path, i))
    return found


def get(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        data = data[part]
    return data


def swap_type(value: Any) -> Any:
    """The same content as another type: text as a list, a number as text, a mapping as a list…"""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        return [value]
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, list):
        return {"item": value}
    if isinstance(value, dict):
        return list(value.values())
    return 0


def mutate(data: dict[str, Any], draw: Callable[..., Any]) -> dict[str, Any]:
    """Apply one random change to a copy of ``data``."""
    data = copy.deepcopy(data)
    path = draw(st.sampled_from(nodes(data)))
    op = draw(
        st.sampled_from(
            ["delete", "replace", "junk-key", "enum", "swap-type", "nest", "duplicate", "retarget"]
        )
    )
    if not path:  # the root itself
        if op == "replace":
            return {"value": draw(junk)} if draw(st.booleans()) else data
        data[draw(st.text(max_size=12))] = draw(junk)
        return data
    parent, last = get(data, path[:-1]), path[-1]
    value = parent[last]
    if op == "delete":
        del parent[last]
    elif op == "replace":
        parent[last] = draw(junk)
    elif op == "junk-key":
        if isinstance(value, dict):
            value[draw(st.text(max_size=12))] = draw(junk)
        else:
            parent[last] = {draw(st.text(max_size=12)): value}
    elif op == "enum":
        parent[last] = draw(st.one_of(st.text(max_size=20), st.sampled_from(TRICKY)))
    elif op == "swap-type":
        parent[last] = swap_type(value)
    elif op == "nest":
        # A marker, written out as deep flow YAML after dumping (PyYAML's dumper would recurse).
        depth = draw(st.integers(min_value=1, max_value=1200))
        parent[last] = f"DEEP-{depth}-{draw(st.sampled_from(['list', 'map']))}"
    elif op == "duplicate" and isinstance(parent, list):
        parent.insert(int(last), copy.deepcopy(value))
    elif op == "retarget":
        # Point a reference somewhere else: makes dangling refs, wrong-section refs and cycles.
        people = [p.get("id") for p in data.get("people", []) if isinstance(p, dict)]
        parent[last] = draw(st.sampled_from([*people, "li-ming", "rival", "p-line", "us", "ghost"]))
    return data


def dump(data: dict[str, Any]) -> str:
    """YAML text of mutated data, with every deep-nesting marker written out."""

    def deep(match: re.Match[str]) -> str:
        depth = int(match[1])
        return "[" * depth + "]" * depth if match[2] == "list" else "{k: " * depth + "1" + "}" * depth

    return re.sub(r"DEEP-(\d+)-(list|map)", deep, yaml.safe_dump(data, allow_unicode=True, sort_keys=False))


def text_mutation(text: str, draw: Callable[..., Any]) -> str:
    """Break the YAML text itself: insert, delete, indent, truncate or repeat."""
    lines = text.split("\n")
    i = draw(st.integers(min_value=0, max_value=len(lines) - 1))
    op = draw(st.sampled_from(["insert", "delete", "indent", "truncate", "repeat", "deep"]))
    if op == "insert":
        at = draw(st.integers(min_value=0, max_value=len(lines[i])))
        lines[i] = (
            lines[i][:at] + draw(st.one_of(st.text(max_size=5), st.sampled_from(TRICKY))) + lines[i][at:]
        )
    elif op == "delete":
        del lines[i]
    elif op == "indent":
        lines[i] = draw(st.sampled_from([" ", "\t", "   ", "- "])) + lines[i]
    elif op == "truncate":
        return text[: draw(st.integers(min_value=0, max_value=len(text)))]
    elif op == "repeat":
        lines.insert(i, lines[i])
    else:
        depth = draw(st.integers(min_value=1, max_value=1500))
        lines.insert(i, "deep: " + "[" * depth + "]" * depth)
    return "\n".join(lines)


def assert_located(findings: list[Finding], raw: bytes) -> None:
    # +1: libyaml's end-of-file mark can sit one line past a file without a final newline (a known
    # bug, see test_yaml12.py::test_end_of_file_problem_points_at_a_line_that_exists).
    last_line = raw.count(b"\n") + 2
    for f in findings:
        assert f.file == FILE
        assert f.code in KNOWN_CODES, f
        assert f.severity in SEVERITIES, f
        assert isinstance(f.path, str)
        assert isinstance(f.message, str)
        assert f.message
        assert 1 <= f.line <= last_line, f
        assert f.column >= 1, f


def load_and_coach(raw: bytes) -> list[Finding]:
    """Load like `kaplan check` does, and coach the plan when it is valid."""
    loaded = load_plan_bytes(raw, FILE, "acme")
    findings = list(loaded.findings)
    if loaded.plan is not None and loaded.ok:
        coaching = coaching_findings(loaded.plan, loaded.lines, FILE, TODAY)
        plan_health(loaded.plan, coaching)
        findings += coaching
    return findings


@SETTINGS
@given(data=st.data())
def test_mutated_plans_give_located_findings(
    make_plan: Callable[..., dict[str, Any]], data: st.DataObject
) -> None:
    plan = make_plan()
    for _ in range(data.draw(st.integers(min_value=1, max_value=4))):
        plan = mutate(plan, data.draw)
    raw = dump(plan).encode()
    assert_located(load_and_coach(raw), raw)


@SETTINGS
@given(data=st.data())
def test_broken_yaml_text_gives_located_findings(
    make_plan: Callable[..., dict[str, Any]], data: st.DataObject
) -> None:
    text = yaml.safe_dump(
        make_plan(), allow_unicode=True, sort_keys=False, default_flow_style=data.draw(st.booleans())
    )
    for _ in range(data.draw(st.integers(min_value=1, max_value=3))):
        text = text_mutation(text, data.draw)
    raw = text.encode()
    if data.draw(st.booleans()):
        at = data.draw(st.integers(min_value=0, max_value=len(raw)))
        raw = raw[:at] + data.draw(st.binary(min_size=1, max_size=3)) + raw[at:]
    assert_located(load_and_coach(raw), raw)


@SETTINGS
@given(value=junk)
def test_any_yaml_value_as_a_whole_file(value: Any) -> None:
    raw = yaml.safe_dump(value, allow_unicode=True).encode()
    findings = load_and_coach(raw)
    assert findings  # nothing but a plan is a valid plan
    assert_located(findings, raw)
