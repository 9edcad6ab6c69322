"""The starter plans of ``kaplan new``: valid as written, and valid again with every example uncommented."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import TODAY
from pydantic import BaseModel

from kaplan.coach.rules import RULES, coaching_findings
from kaplan.plan.load import LoadedPlan, load_plan_text
from kaplan.plan.model import Plan
from kaplan.plan.schema import SCHEMA_FILE, SCHEMA_ID
from kaplan.plan.starter import starter_text

LOCALES = ("zh", "en")
FILE = "plans/acme.yaml"
# A commented example line: "# " and then YAML, either indented or a key at the left margin.
EXAMPLE = re.compile(r"^# (?= |[a-z_]+:(?: |$))")
# Every format-1.1 section, and the 1.1 keys on people, projects and actions, the examples must show.
SECTIONS_1_1 = (
    "partner_summary",
    "partnership",
    "objectives",
    "whitespace",
    "contracts",
    "meetings",
    "log",
    "risks",
    "waive",
)
ACCOUNT_1_1 = ("units", "shareholders", "purchasing_calendar", "terms")
NEW_KEYS = {
    "people": {"unit", "owner", "account_role", "sees_us_at", "phone", "email", "source", "waive"},
    "competitors": {"pricing", "source"},
    "needs": {"source"},
    "installed_base": {"unit", "contract"},
    "projects": {"unit", "probability", "compelling_event", "metrics", "lead_time_weeks"},
    "actions": {"objective", "meeting", "share"},
}


def uncomment(text: str) -> str:
    """The starter with every commented example switched on (the leading ``# `` removed)."""
    return "\n".join(EXAMPLE.sub("", line) for line in text.split("\n"))


def load(text: str) -> LoadedPlan:
    return load_plan_text(text, FILE, "acme", tuple(RULES))


def set_keys(items: list[Any]) -> set[str]:
    keys: set[str] = set()
    for item in items:
        keys |= {k for k in item.model_fields_set if getattr(item, k) not in (None, [], {})}
    return keys


def shape(value: Any) -> Any:
    """The keys a model sets, recursively: the structure of a plan without its words."""
    if isinstance(value, BaseModel):
        return {k: shape(getattr(value, k)) for k in sorted(value.model_fields_set)}
    if isinstance(value, list):
        return [shape(v) for v in value]
    if isinstance(value, dict):
        return sorted(value)
    return type(value).__name__


@pytest.mark.parametrize("locale", LOCALES)
def test_the_starter_is_valid_with_no_findings_but_advice(locale: str) -> None:
    loaded = load(starter_text("acme", None, locale, TODAY))
    assert loaded.ok, [f.text() for f in loaded.findings]
    assert loaded.findings == []
    assert loaded.plan is not None
    assert loaded.plan.plan.locale == locale
    assert loaded.plan.plan.reviewed == TODAY
    assert loaded.plan.account.name == "Acme"


@pytest.mark.parametrize("locale", LOCALES)
def test_every_example_uncommented_is_a_valid_plan(locale: str) -> None:
    text = uncomment(starter_text("acme", None, locale, TODAY))
    loaded = load(text)
    assert [f.text() for f in loaded.findings if f.structural] == []
    assert loaded.plan is not None
    coaching = coaching_findings(loaded.plan, loaded.lines, FILE, TODAY)
    assert [f.text() for f in coaching if f.severity == "error"] == []


@pytest.mark.parametrize("locale", LOCALES)
def test_the_examples_show_every_section_and_key_of_format_1_1(locale: str) -> None:
    plan = load(uncomment(starter_text("acme", None, locale, TODAY))).plan
    assert plan is not None
    for name in SECTIONS_1_1:
        assert getattr(plan, name), name
    for name in ("people", "relationships", "competitors", "needs", "projects", "cruxes", "actions"):
        assert getattr(plan, name), name  # and an example of every section of version 1
    for name in ACCOUNT_1_1:
        assert getattr(plan.account, name), name
    assert {u.in_scope for u in plan.account.units} == {True, False}
    assert any(u.parent for u in plan.account.units)
    assert {c.state for c in plan.whitespace} >= {"ours", "competitor", "project"}
    for section, keys in NEW_KEYS.items():
        assert keys <= set_keys(getattr(plan, section)), section
    assert any(s.status for p in plan.projects for s in p.decision_process)
    meeting = plan.meetings[0]
    assert meeting.objective
    assert meeting.commitment is not None
    assert meeting.commitment.best
    assert meeting.commitment.minimum
    assert meeting.questions
    assert {e.kind for e in plan.log} >= {"visit", "complaint"}


def test_both_languages_have_the_same_examples() -> None:
    plans = [load(uncomment(starter_text("acme", None, locale, TODAY))).plan for locale in LOCALES]
    assert shape(plans[0]) == shape(plans[1])


@pytest.mark.parametrize("locale", LOCALES)
def test_example_dates_count_from_today(locale: str) -> None:
    text = starter_text("acme", None, locale, TODAY)
    assert not re.search(r"\{(name|today)", text)  # every placeholder filled
    plan = load(uncomment(text)).plan
    assert isinstance(plan, Plan)
    assert plan.meetings[0].on > TODAY
    assert plan.contracts[0].start == TODAY
    assert plan.contracts[0].end > TODAY


def test_a_name_with_a_placeholder_in_it_is_kept() -> None:
    plan = load(starter_text("acme", "Acme {today} {name}", "en", TODAY)).plan
    assert plan is not None
    assert plan.account.name == "Acme {today} {name}"


@pytest.mark.parametrize("plans", ["plans", "accounts/asia", "."])
def test_the_schema_line_of_a_new_plan_finds_the_schema_wherever_plans_live(repo: Path, plans: str) -> None:
    """`kaplan new` points its `$schema` line at the repository's schema, relative to the plan, and
    writes that schema when the repository has none yet (never over one, never through a symlink)."""
    from conftest import run

    (repo / "kaplan.yaml").write_text(f"plans: {plans}\n", encoding="utf-8")
    (repo / plans).mkdir(parents=True, exist_ok=True)
    first = run("new", "acme", "--locale", "en")
    assert first.exit_code == 0, first.output
    plan = repo / plans / "acme.yaml"
    line = plan.read_text(encoding="utf-8").splitlines()[0]
    ref = line.removeprefix("# yaml-language-server: $schema=")
    assert ref != line
    schema = (plan.parent / ref).resolve()
    assert schema == (repo / SCHEMA_FILE).resolve()
    assert json.loads(schema.read_text(encoding="utf-8"))["$id"] == SCHEMA_ID
    assert "wrote" in first.stderr
    assert SCHEMA_FILE in first.stderr
    schema.write_text("{}\n", encoding="utf-8")  # the repository's own, however old
    assert run("new", "bolt", "--locale", "en").exit_code == 0
    assert schema.read_text(encoding="utf-8") == "{}\n"


def test_a_schema_folder_linked_out_of_the_repository_is_not_written_through(
    repo: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    from conftest import run

    outside = tmp_path_factory.mktemp("outside")
    (repo / "schema").symlink_to(outside, target_is_directory=True)
    assert run("new", "acme", "--locale", "en").exit_code == 0
    assert list(outside.iterdir()) == []


def test_every_date_in_the_schema_has_a_pattern_that_knows_the_calendar() -> None:
    """Editors mostly ignore `format: date`: the pattern must refuse the days that do not exist."""
    import datetime as dt

    from kaplan.plan.base import DATE_PATTERN
    from kaplan.plan.schema import plan_schema

    dates: list[dict[str, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("format") == "date":
                dates.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(plan_schema())
    assert len(dates) > 20
    assert all(d.get("pattern") == DATE_PATTERN and d.get("type") == "string" for d in dates)
    pattern = re.compile(DATE_PATTERN)
    years = [*range(1896, 2105), 1600, 1700, 1800, 2400, 2500, 9999, 0]
    for year in years:
        for month in range(14):
            for day in range(33):
                text = f"{year:04d}-{month:02d}-{day:02d}"
                try:
                    real = dt.date(year, month, day) is not None
                except ValueError:
                    real = False
                assert bool(pattern.match(text)) is real, text
