"""The plan model on its own: strict keys, real dates, money, ids, and the rules it checks itself."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from conftest import BASE_PLAN, merge
from pydantic import ValidationError

from kaplan.plan.model import Action, MoneyValue, Need, Plan


def plan(**overrides: Any) -> Plan:
    return Plan.model_validate(merge(BASE_PLAN, overrides))


def errors(data: dict[str, Any]) -> list[tuple[tuple[str | int, ...], str]]:
    with pytest.raises(ValidationError) as caught:
        Plan.model_validate(data)
    return [(tuple(e["loc"]), e["type"]) for e in caught.value.errors()]


def test_the_base_plan_is_valid_and_frozen() -> None:
    valid = plan()
    assert valid.account.name == "Test Steel"
    with pytest.raises(ValidationError):
        valid.account.name = "changed"  # type: ignore[misc]


def test_unknown_keys_are_errors_at_any_depth() -> None:
    assert (("account", "nmae"), "extra_forbidden") in errors(merge(BASE_PLAN, {"account": {"nmae": "x"}}))
    data = merge(BASE_PLAN, {})
    data["people"][0]["suport"] = "champion"
    assert (("people", 0, "suport"), "extra_forbidden") in errors(data)


@pytest.mark.parametrize("day", ["2026-13-01", "2026-02-30", "26-1-1", "2026/01/01", 20260101])
def test_dates_must_be_real_days_written_yyyy_mm_dd(day: object) -> None:
    found = errors(merge(BASE_PLAN, {"plan": {"reviewed": day}}))
    assert [loc for loc, _ in found] == [("plan", "reviewed")]


def test_a_date_reads_back_as_a_date() -> None:
    assert plan(plan={"reviewed": "2024-02-29"}).plan.reviewed == dt.date(2024, 2, 29)


def test_money_is_a_number_or_an_amount_with_a_currency() -> None:
    assert Plan.model_validate(BASE_PLAN).projects[0].value == MoneyValue(amount=1200000.0)
    data = merge(BASE_PLAN, {})
    data["projects"][0]["value"] = {"amount": 5, "currency": "EUR"}
    assert Plan.model_validate(data).projects[0].value == MoneyValue(amount=5.0, currency="EUR")
    data["projects"][0]["value"] = "lots"
    assert errors(data)


@pytest.mark.parametrize("ident", ["Wang", "wang_fang", "-wang", "wang--fang", "us", ""])
def test_ids_are_slugs_and_us_is_reserved(ident: str) -> None:
    data = merge(BASE_PLAN, {})
    data["actions"][0]["id"] = ident
    assert [loc for loc, _ in errors(data)] == [("actions", 0, "id")]


def test_booleans_and_integers_are_strict() -> None:
    data = merge(BASE_PLAN, {})
    data["projects"][0]["criteria"][0]["shaped_by_us"] = "yes"
    assert [loc for loc, _ in errors(data)] == [("projects", 0, "criteria", 0, "shaped_by_us")]
    assert errors(merge(BASE_PLAN, {"plan": {"review_every_days": 0}}))


def test_a_personal_need_must_name_its_holder() -> None:
    with pytest.raises(ValidationError, match="holder"):
        Need.model_validate({"id": "n1", "statement": "x", "kind": "personal"})
    assert (
        Need.model_validate({"id": "n1", "statement": "x", "kind": "personal", "holder": "p"}).holder == "p"
    )


def test_defaults_of_an_action_and_of_sharing() -> None:
    action = Action.model_validate({"id": "a1", "what": "Call"})
    assert (action.status, action.private, action.share) == ("open", False, False)


def test_only_format_version_1_opens() -> None:
    assert ((("kaplan",), "literal_error")) in errors(merge(BASE_PLAN, {"kaplan": 2}))
