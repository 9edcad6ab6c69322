"""The JSON Schema (2020-12) of the plan format, from the models and their descriptions."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from kaplan.plan.model import Plan

SCHEMA_ID = "https://kaplan.dev/schema/plan-1.json"  # plan-N for format N (1.1 adds to format 1)
# Where a repository keeps the schema, from its root: the `$schema` line of every starter points here.
SCHEMA_FILE = "schema/plan.schema.json"


def schema_text() -> str:
    """The schema as the file ``kaplan schema``, ``kaplan init`` and ``kaplan new`` write."""
    return json.dumps(plan_schema(), ensure_ascii=False, indent=2) + "\n"


def schema_ref(plan_folder: Path, root: Path) -> str:
    """The ``$schema`` of a plan in ``plan_folder``: the repository's schema file, relative to it."""
    target = os.path.relpath(root / SCHEMA_FILE, plan_folder)
    return Path(target).as_posix()


def plan_schema() -> dict[str, Any]:
    """JSON Schema of a plan file, for editors (yaml-language-server) and other tools."""
    body = Plan.model_json_schema(by_alias=True, mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        **body,
        "title": "kaplan account plan, format 1",
    }
