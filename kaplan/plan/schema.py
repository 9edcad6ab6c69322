"""The JSON Schema (2020-12) of the plan format, from the models and their descriptions."""

from __future__ import annotations

from typing import Any

from kaplan.plan.model import Plan

SCHEMA_ID = "https://kaplan.dev/schema/plan-1.json"


def plan_schema() -> dict[str, Any]:
    """JSON Schema of a plan file, for editors (yaml-language-server) and other tools."""
    body = Plan.model_json_schema(by_alias=True, mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        **body,
        "title": "kaplan account plan, format 1",
    }
