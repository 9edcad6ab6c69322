"""Pydantic validation errors rewritten for people, located in the file."""

from __future__ import annotations

import difflib
import re
import types
import typing
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ValidationError

from kaplan.plan.findings import Finding
from kaplan.plan.yaml12 import MAX_DIGITS, LargeNumber, LineMap, PathKey


def format_path(path: Sequence[str | int]) -> str:
    """``("projects", 1, "buying_team", 0, "person")`` → ``projects[1].buying_team[0].person``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def did_you_mean(word: str, choices: Sequence[str]) -> str:
    """`` — did you mean 'x'?`` when a close choice exists, else the empty string."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    if not close:
        lowered = {c.lower(): c for c in choices}
        if word.lower() in lowered:
            close = [lowered[word.lower()]]
    return f" — did you mean '{shorten(close[0])}'?" if close else ""


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    """The models an annotation can hold, looking through Optional, list and Annotated."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _models_in(typing.get_args(annotation)[0])
    if origin in (list, typing.Union, types.UnionType):
        found: list[type[BaseModel]] = []
        for arg in typing.get_args(annotation):
            found.extend(_models_in(arg))
        return found
    return []


def model_at(root: type[BaseModel], path: Sequence[str | int]) -> type[BaseModel] | None:
    """The model class that validates the mapping at ``path``."""
    current: type[BaseModel] | None = root
    for part in path:
        if current is None:
            return None
        if isinstance(part, int):
            continue
        field = None
        for name, info in current.model_fields.items():
            if (info.alias or name) == part:
                field = info
                break
        if field is None:
            return None
        models = _models_in(field.annotation)
        current = models[0] if models else None
    return current


def allowed_keys(model: type[BaseModel]) -> list[str]:
    """The keys a mapping of this model may have, in declaration order."""
    return [info.alias or name for name, info in model.model_fields.items()]


def shorten(text: str, limit: int = 60) -> str:
    """Text short enough for a one-line message: its start and a "…" when it is longer."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _number(value: LargeNumber) -> str:
    """A number too large to be one, described from its text (never through int → str)."""
    body = value.lstrip("+-")
    if body[:2] in ("0x", "0o"):
        kind = " hex" if body[1] == "x" else " octal"
        count = len(body) - 2
    elif "." in body or "e" in body.lower():
        return f"the number {shorten(value, 24)}"
    else:
        kind, count = "", len(body)
    return f"the number {shorten(value, 24)} ({count:,}{kind} digits)"


def _describe(value: Any) -> str:
    if isinstance(value, LargeNumber):
        return _number(value)
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 64:
        # Not from a plan file (the reader keeps such numbers as text), but a Plan built in code:
        # str() of an int past 4,300 digits raises, so it is described by its size.
        return f"a number of about {int(value.bit_length() * 0.30103) + 1:,} digits"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…'"


def _literal_choices(ctx: dict[str, Any]) -> list[str]:
    return re.findall(r"'([^']*)'", str(ctx.get("expected", "")))


# Errors that mean "a number was expected here" (money included: a bare number or a mapping).
_NUMBER_ERRORS = frozenset(
    {
        "int_type",
        "int_parsing",
        "int_from_float",
        "float_type",
        "float_parsing",
        "finite_number",
        "model_type",
        "model_attributes_type",
        "greater_than_equal",
        "greater_than",
        "less_than_equal",
        "less_than",
    }
)


# Errors that say only "this is not the kind of value expected here": kind → message about {got}.
_TYPE_MESSAGES = {
    **dict.fromkeys(
        ("bool_type", "bool_parsing"), "expected true or false, got {got} (only true and false are booleans)"
    ),
    **dict.fromkeys(("int_type", "int_parsing", "int_from_float"), "expected a whole number, got {got}"),
    **dict.fromkeys(("float_type", "float_parsing", "finite_number"), "expected a number, got {got}"),
    "string_type": "expected text, got {got}",
    **dict.fromkeys(
        ("model_type", "model_attributes_type", "dict_type"),
        "expected a mapping of `key: value` lines, got {got}",
    ),
    **dict.fromkeys(("list_type", "tuple_type"), "expected a list (one `- item` per line), got {got}"),
}


def _message(err: Any, root: type[BaseModel]) -> tuple[str, bool]:
    """Say what is wrong and how to fix it; also whether to point at the key."""
    kind = err["type"]
    loc = err["loc"]
    value = err.get("input")
    got = _describe(value)
    if isinstance(value, LargeNumber) and kind in _NUMBER_ERRORS:
        return f"{got} is too large: write at most {MAX_DIGITS} digits", False
    if kind == "missing":
        return f"missing required key '{loc[-1]}': add `{loc[-1]}:` here", True
    if kind == "extra_forbidden":
        return _unknown_key(loc, root), True
    if kind in _TYPE_MESSAGES:
        return _TYPE_MESSAGES[kind].format(got=got), False
    return _value_message(err, got), False


def _unknown_key(loc: Any, root: type[BaseModel]) -> str:
    model = model_at(root, loc[:-1])
    keys = allowed_keys(model) if model else []
    hint = did_you_mean(str(loc[-1]), keys)
    listing = f" Allowed keys: {', '.join(keys)}." if keys and not hint else ""
    return f"unknown key '{loc[-1]}'{hint}{listing}"


def _value_message(err: Any, got: str) -> str:
    """What is wrong with a value of the right kind: not a choice, out of bounds, of the wrong form…"""
    kind = err["type"]
    value = err.get("input")
    ctx = err.get("ctx") or {}
    if kind == "literal_error":
        return _choice_message(value, got, ctx)
    if kind in ("greater_than_equal", "greater_than"):
        return f"{got} is too small: it must be at least {ctx.get('ge', ctx.get('gt'))}"
    if kind in ("less_than_equal", "less_than"):
        return f"{got} is too large: it must be at most {ctx.get('le', ctx.get('lt'))}"
    if kind == "string_pattern_mismatch":
        if "http" in str(ctx.get("pattern", "")):
            return f"{got} is not a web address: write it as https://…"
        return f"{got} does not have the expected form ({ctx.get('pattern')})"
    if kind == "value_error":
        message = str(err["msg"]).removeprefix("Value error, ")
        if isinstance(value, str) and len(value) > 60:  # the model's messages quote the whole value
            message = message.replace(repr(value), got)
        return message
    return f"{err['msg']} (got {got})"


def _choice_message(value: Any, got: str, ctx: dict[str, Any]) -> str:
    choices = _literal_choices(ctx)
    if choices:
        hint = did_you_mean(str(value), choices) if isinstance(value, str) else ""
        return f"{got} is not one of {', '.join(choices)}{hint}"
    return f"{got} is not allowed here: expected {ctx.get('expected')}"


def validation_findings(
    exc: ValidationError, root: type[BaseModel], lines: LineMap, file: str
) -> list[Finding]:
    """One ``schema`` finding per validation error, located at the key or value."""
    findings: list[Finding] = []
    for err in exc.errors(include_url=False):
        loc: PathKey = tuple(p for p in err["loc"] if isinstance(p, (str, int)))
        message, at_key = _message(err, root)
        if err["type"] == "missing":
            parent = loc[:-1]
            line, column = lines.key(parent) if parent else (1, 1)
        elif at_key:
            line, column = lines.key(loc)
        else:
            line, column = lines.value(loc)
        findings.append(Finding(file, line, column, format_path(loc), "schema", "error", message))
    return findings
