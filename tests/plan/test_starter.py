"""The starter plans of ``kaplan new``: valid as written, and valid again with every example uncommented."""

from __future__ import annotations

import re
from typing import Any

import pytest
from conftest import TODAY
from pydantic import BaseModel

from kaplan.coach.rules import RULES, coaching_findings
from kaplan.plan.load import LoadedPlan, load_plan_text
from kaplan.plan.model import Plan
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
