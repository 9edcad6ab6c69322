"""Labels: every enum value and stage in Chinese and English, and amounts as Chinese readers count."""

from __future__ import annotations

import re
import typing

import pytest

from kaplan.documents.labels import STAGES, chinese_amount, enum_kinds, enum_label, stage_label
from kaplan.plan import base

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_every_label_exists_in_both_languages() -> None:
    for kind, values in enum_kinds().items():
        for value, (zh, en) in values.items():
            assert zh, (kind, value)
            assert en, (kind, value)
            assert CJK.search(zh) or zh == en, (kind, value, zh)
    for n in range(1, 9):
        assert CJK.search(stage_label(n, "zh"))
        assert not CJK.search(stage_label(n, "en"))


def test_every_value_of_the_format_has_a_label() -> None:
    """Each Literal of the format whose values are labelled somewhere is labelled in full."""
    kinds = enum_kinds()
    labelled = {value for values in kinds.values() for value in values}
    missing = []
    for name, alias in vars(base).items():
        if typing.get_origin(alias) is not typing.Literal or name == "Locale":
            continue
        values = [v for v in typing.get_args(alias) if isinstance(v, str)]
        if any(v in labelled for v in values):
            missing += [f"{name}.{v}" for v in values if v not in labelled]
    assert not missing, missing


def test_an_unknown_value_shows_as_itself_and_none_as_nothing() -> None:
    assert enum_label("support", "champion", "en") != "champion"
    assert enum_label("support", "not-a-value", "zh") == "not-a-value"
    assert enum_label("no-such-kind", "x", "en") == "x"
    assert enum_label("support", None, "zh") == ""


def test_stage_labels_follow_the_locale() -> None:
    assert set(STAGES) == set(range(1, 9))
    assert stage_label(5, "en") == "Evaluation and comparison"
    assert stage_label(5, "zh") == "评估比较"
    assert stage_label(8, "en") == "Contract signed"


@pytest.mark.parametrize(
    ("amount", "digits", "expected"),
    [
        (1_200_000, 1, "120\u00a0万"),
        (1_200_000, 0, "120\u00a0万"),  # whole numbers keep their zeros
        (12_300_000, 0, "1,230\u00a0万"),
        (1_234_567, 1, "123.5\u00a0万"),
        (99_999_999, 0, "1\u00a0亿"),  # rounds to 10,000 万: say 亿
        (99_999_999, 1, "1\u00a0亿"),
        (250_300_000, 0, "2.5\u00a0亿"),
    ],
)
def test_chinese_amounts_count_in_wan_and_yi(amount: float, digits: int, expected: str) -> None:
    assert chinese_amount(amount, wan_digits=digits) == expected


def test_rungs_and_months_follow_the_locale() -> None:
    from kaplan.documents.labels import month_label
    from kaplan.documents.views import Labels

    assert Labels("en").rung(2) == "Supplier of a quality product"
    assert Labels("zh").rung(5) == "组织问题的贡献者（战略伙伴）"
    assert Labels("en").rung(None) == ""
    assert [month_label(n, "en") for n in (1, 12)] == ["Jan", "Dec"]
    assert [month_label(n, "zh") for n in (1, 12)] == ["1月", "12月"]


def test_every_enum_of_format_1_1_is_labelled_under_the_kind_templates_use() -> None:
    kinds = enum_kinds()
    for kind, alias in {
        "unit_kind": base.UnitKind,
        "account_role": base.AccountRole,
        "source_kind": base.SourceKind,
        "confidence": base.Confidence,
        "step_status": base.StepStatus,
        "objective_kind": base.ObjectiveKind,
        "objective_status": base.ObjectiveStatus,
        "whitespace_state": base.WhitespaceState,
        "contract_kind": base.ContractKind,
        "log_kind": base.LogKind,
        "log_status": base.LogStatus,
    }.items():
        assert sorted(kinds[kind]) == sorted(typing.get_args(alias)), kind


def test_every_word_exists_in_both_languages_with_the_same_fields() -> None:
    from kaplan.documents.labels import words

    for key, (zh, en) in words().items():
        assert re.findall(r"\{(\w+)\}", zh) == re.findall(r"\{(\w+)\}", en), key
