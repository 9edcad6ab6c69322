"""kaplan.plan.load: every structural finding, located where the spec says it points."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from kaplan.plan.findings import STRUCTURAL_CODES, Finding
from kaplan.plan.load import MAX_BYTES, LoadedPlan, load_plan, load_plan_bytes, load_plan_text

HEAD = "kaplan: 1\naccount:\n  name: Acme\n"


def load(text: str) -> LoadedPlan:
    return load_plan_text(text, "plans/acme.yaml", "acme")


def dump(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def at(text: str, needle: str, nth: int = 1) -> tuple[int, int]:
    """1-based line and column of the ``nth`` occurrence of ``needle`` in ``text`` (-1: the last)."""
    index = -1
    if nth == -1:
        index = text.rindex(needle)
    for _ in range(nth):
        index = text.index(needle, index + 1)
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def where(findings: list[Finding]) -> list[tuple[int, int, str, str]]:
    """(line, column, path, code) of each finding, in file order."""
    return sorted((f.line, f.column, f.path, f.code) for f in findings)


def only(loaded: LoadedPlan, code: str | None = None) -> Finding:
    found = [f for f in loaded.findings if code is None or f.code == code]
    assert len(found) == 1, [f.text() for f in loaded.findings]
    return found[0]


# --- the healthy plan -----------------------------------------------------------------------------


def test_the_healthy_fixture_loads_clean(make_plan: Callable[..., dict[str, Any]]) -> None:
    loaded = load(dump(make_plan()))
    assert loaded.findings == []
    assert loaded.ok
    assert loaded.plan is not None
    assert loaded.plan.account.name == "Test Steel"


def test_a_five_line_plan_is_valid() -> None:
    loaded = load(HEAD)
    assert loaded.findings == []
    assert loaded.ok


def test_load_plan_reads_a_real_file(write_plan: Callable[..., Path], make_plan: Callable[..., Any]) -> None:
    path = write_plan(make_plan(), name="anshan-steel")
    loaded = load_plan(path, "plans/anshan-steel.yaml")
    assert loaded.findings == []
    assert loaded.id == "anshan-steel"
    assert loaded.file == "plans/anshan-steel.yaml"


def test_the_shown_name_defaults_to_the_path(write_plan: Callable[..., Path]) -> None:
    path = write_plan("kaplan: 1\n")
    finding = only(load_plan(path))
    assert finding.file == str(path)


# --- syntax ---------------------------------------------------------------------------------------


def test_syntax_error() -> None:
    text = HEAD + "people:\n  - id: a\n    name: [A\n"
    loaded = load(text)
    finding = only(loaded)
    assert (finding.code, finding.severity, finding.path) == ("syntax", "error", "")
    assert (finding.line, finding.column) == (7, 1)
    assert loaded.plan is None
    assert not loaded.ok


def test_duplicate_key_is_syntax_at_the_second_key() -> None:
    text = HEAD + "summary: one\nsummary: two\n"
    finding = only(load(text))
    assert finding.code == "syntax"
    assert (finding.line, finding.column) == (5, 1)
    assert "first written at line 4" in finding.message


@pytest.mark.parametrize(
    ("extra", "needle", "word"),
    [
        ("summary: &s text\n", "&s", "anchors"),
        ("summary: !!python/object/apply:os.system ['ls']\n", "!!python", "tags"),
        ("summary: !!str text\n", "!!str", "tags"),
    ],
)
def test_anchors_and_tags_are_syntax(extra: str, needle: str, word: str) -> None:
    text = HEAD + extra
    finding = only(load(text), "syntax")
    assert (finding.line, finding.column) == at(text, needle)
    assert word in finding.message


def test_alias_is_syntax_at_the_alias() -> None:
    text = "kaplan: 1\naccount:\n  name: &n Acme\n  legal_name: *n\n"
    loaded = load(text)
    assert where(loaded.findings) == [(3, 9, "", "syntax"), (4, 15, "", "syntax")]


def test_second_document_is_syntax() -> None:
    text = HEAD + "---\nkaplan: 1\n"
    assert where(load(text).findings) == [(4, 1, "", "syntax")]


# The dropped duplicate (line 5, valid) shares the kept value's paths; the error is in the kept one (line 3).
def test_error_in_a_kept_value_is_not_located_in_the_dropped_duplicate() -> None:
    text = "kaplan: 1\naccount:\n  name: [1]\naccount:\n  name: B\n"
    assert where(load(text).findings) == [(3, 9, "account.name", "schema"), (4, 1, "", "syntax")]


def test_yaml11_words_stay_text_and_reach_the_model() -> None:
    text = HEAD + "plan:\n  status: on\n  locale: no\n"
    loaded = load(text)
    assert where(loaded.findings) == [(5, 11, "plan.status", "schema"), (6, 11, "plan.locale", "schema")]
    messages = {f.path: f.message for f in loaded.findings}
    assert messages["plan.status"].startswith("'on' is not one of draft")
    assert messages["plan.locale"].startswith("'no' is not one of zh, en")


def test_on_is_a_key_in_history() -> None:
    text = (
        HEAD
        + "projects:\n  - id: p\n    name: P\n    stage: 2\n    history:\n      - {stage: 1, on: 2026-01-05}\n"
    )
    loaded = load(text)
    assert loaded.findings == []
    assert loaded.plan is not None
    assert str(loaded.plan.projects[0].history[0].on) == "2026-01-05"


def test_yes_is_not_a_boolean() -> None:
    text = (
        HEAD
        + "projects:\n  - id: p\n    name: P\n    stage: 4\n    criteria:\n      - criterion: X\n        shaped_by_us: yes\n"
    )
    finding = only(load(text))
    assert (finding.line, finding.column, finding.code) == (10, 23, "schema")
    assert finding.path == "projects[0].criteria[0].shaped_by_us"
    assert "only true and false are booleans" in finding.message


def test_leading_zero_number_is_text() -> None:
    text = HEAD + "  contacts:\n    - phone: 010\n  scale:\n    employees: 010\n"
    loaded = load(text)
    finding = only(loaded)
    assert (finding.line, finding.column, finding.path) == (7, 16, "account.scale.employees")
    assert "'010'" in finding.message


def test_phone_written_as_a_number_becomes_text() -> None:
    loaded = load(HEAD + "  contacts:\n    - phone: 13800138000\n")
    assert loaded.findings == []
    assert loaded.plan is not None
    assert loaded.plan.account.contacts[0].phone == "13800138000"


@pytest.mark.parametrize(
    ("date", "words"),
    [
        ("2026-13-01", "not a real date"),
        ("2026-02-29", "not a real date"),
        ("2026/01/01", "YYYY-MM-DD"),
        ("2026-01-01T10:00:00", "YYYY-MM-DD"),
    ],
)
def test_bad_dates_are_schema_findings_at_their_value(date: str, words: str) -> None:
    text = HEAD + f"plan:\n  reviewed: {date}\n"
    finding = only(load(text))
    assert (finding.line, finding.column, finding.path, finding.code) == (5, 13, "plan.reviewed", "schema")
    assert words in finding.message


def test_non_utf8_bytes() -> None:
    raw = b"kaplan: 1\naccount:\n  name: caf\xe9\n"
    finding = only(load_plan_bytes(raw, "plans/acme.yaml", "acme"))
    assert (finding.line, finding.column, finding.code) == (3, 12, "syntax")
    assert "UTF-8" in finding.message


def test_non_utf8_column_counts_characters() -> None:
    raw = "kaplan: 1\naccount:\n  name: 鞍钢".encode() + b"\xff\n"
    finding = only(load_plan_bytes(raw, "plans/acme.yaml", "acme"))
    assert (finding.line, finding.column) == (3, 11)


def test_gbk_file_is_refused_at_its_first_bad_byte(write_plan: Callable[..., Path]) -> None:
    path = write_plan("")
    path.write_bytes("kaplan: 1\naccount:\n  name: 鞍钢\n".encode("gbk"))
    loaded = load_plan(path)
    assert where(loaded.findings) == [(3, 9, "", "syntax")]


# 'utf-8-sig' reports exc.start after the BOM: counting from the raw bytes would land 3 columns early.
def test_non_utf8_after_a_bom_points_at_the_bad_byte() -> None:
    raw = b"\xef\xbb\xbfkaplan: 1\naccount:\n  name: caf\xe9\n"
    finding = only(load_plan_bytes(raw, "plans/acme.yaml", "acme"))
    assert (finding.line, finding.column) == (3, 12)


def test_utf8_bom_is_accepted() -> None:
    loaded = load_plan_bytes(b"\xef\xbb\xbf" + HEAD.encode(), "plans/acme.yaml", "acme")
    assert loaded.findings == []


def test_file_over_5_mb_is_refused_unread(
    write_plan: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_plan("")
    with path.open("wb") as handle:
        handle.truncate(MAX_BYTES + 1)  # sparse: instant, and not YAML at all

    def refuse(self: Path) -> bytes:
        raise AssertionError("the file was read")

    monkeypatch.setattr(Path, "read_bytes", refuse)
    loaded = load_plan(path)
    finding = only(loaded)
    assert (finding.line, finding.column, finding.code, finding.severity) == (1, 1, "syntax", "error")
    assert "5 MB" in finding.message
    assert loaded.plan is None


def test_file_of_exactly_5_mb_is_read(write_plan: Callable[..., Path]) -> None:
    path = write_plan("")
    body = HEAD.encode()
    path.write_bytes(body + b"#" * (MAX_BYTES - len(body) - 1) + b"\n")
    assert path.stat().st_size == MAX_BYTES
    assert load_plan(path).findings == []


def test_unreadable_file_is_a_finding(tmp_path: Path) -> None:
    folder = tmp_path / "acme.yaml"
    folder.mkdir()  # a folder where a file should be: reading it fails
    finding = only(load_plan(folder))
    assert (finding.line, finding.column, finding.code) == (1, 1, "syntax")


# --- empty files and wrong top-level shapes --------------------------------------------------------


@pytest.mark.parametrize("text", ["", "\n", "# nothing yet\n", "---\n"])
def test_empty_file(text: str) -> None:
    finding = only(load(text))
    assert (finding.line, finding.column, finding.code) == (1, 1, "schema")
    assert "empty" in finding.message


@pytest.mark.parametrize("text", ["- kaplan: 1\n- account: {}\n", "just text\n", "42\n"])
def test_top_level_must_be_a_mapping(text: str) -> None:
    loaded = load(text)
    finding = only(loaded)
    assert (finding.line, finding.column, finding.code, finding.path) == (1, 1, "schema", "")
    assert "mapping" in finding.message
    assert loaded.plan is None


# --- schema ---------------------------------------------------------------------------------------


def test_missing_top_level_key_points_at_line_1() -> None:
    finding = only(load("summary: hi\naccount:\n  name: A\n"))
    assert (finding.line, finding.column, finding.path) == (1, 1, "kaplan")
    assert "missing required key 'kaplan'" in finding.message
    finding = only(load("kaplan: 1\nsummary: hi\n"))
    assert (finding.line, finding.column, finding.path) == (1, 1, "account")


def test_missing_nested_key_points_at_its_parent_key() -> None:
    text = "kaplan: 1\nsummary: hi\naccount:\n  industry: Steel\n"
    finding = only(load(text))
    assert (finding.line, finding.column, finding.path, finding.code) == (3, 1, "account.name", "schema")


def test_missing_key_in_a_list_item_points_at_the_item() -> None:
    text = HEAD + "people:\n  - id: a\n    name: A\n  - title: CFO\n    name: B\n"
    finding = only(load(text))
    assert (finding.line, finding.column, finding.path) == (7, 5, "people[1].id")


def test_missing_key_deep_in_a_project() -> None:
    text = HEAD + (
        "people:\n  - id: a\n    name: A\nprojects:\n  - id: p\n    name: P\n    stage: 3\n"
        "    buying_team:\n      - roles: [coach]\n"
    )
    finding = only(load(text))
    assert (finding.line, finding.column) == at(text, "roles: [coach]")
    assert finding.path == "projects[0].buying_team[0].person"


def test_unknown_key_points_at_the_key_with_a_hint() -> None:
    text = HEAD + "  nmae: B\n"
    finding = only(load(text))
    assert (finding.line, finding.column, finding.path) == (4, 3, "account.nmae")
    assert finding.message == "unknown key 'nmae' — did you mean 'name'?"


def test_unknown_top_level_key_with_a_hint() -> None:
    finding = only(load(HEAD + "peopel: []\n"))
    assert (finding.line, finding.column) == (4, 1)
    assert "did you mean 'people'?" in finding.message


def test_unknown_key_without_a_close_match_lists_the_allowed_keys() -> None:
    finding = only(load(HEAD + "  founded: 1998\n"))
    assert (finding.line, finding.column) == (4, 3)
    assert "did you mean" not in finding.message
    assert "Allowed keys: name, legal_name" in finding.message


@pytest.mark.parametrize(
    ("extra", "needle", "path", "hint"),
    [
        (
            "projects:\n  - id: p\n    name: P\n    stage: 2\n    value: {amount: 1, curency: USD}\n",
            "curency",
            "projects[0].value.curency",
            "currency",
        ),
        (
            "people:\n  - id: a\n    name: A\n    personal:\n      likes:\n        fod: noodles\n",
            "fod",
            "people[0].personal.likes.fod",
            "food",
        ),
        ("people:\n  - id: a\n    name: A\n    privat: true\n", "privat", "people[0].privat", "private"),
        ("relationships:\n  - from: a\n    too: a\n", "too", "relationships[0].too", "to"),
    ],
)
def test_misspelt_keys_deep_in_the_plan_get_a_hint(extra: str, needle: str, path: str, hint: str) -> None:
    text = HEAD + extra
    finding = next(f for f in load(text).findings if f.path == path)
    assert (finding.line, finding.column, finding.code) == (*at(text, needle), "schema")
    assert finding.message.endswith(f"did you mean '{hint}'?")


def test_enum_value_with_a_hint_points_at_the_value() -> None:
    text = HEAD + "people:\n  - id: a\n    name: A\n    support: suporter\n"
    finding = only(load(text))
    assert (finding.line, finding.column, finding.path) == (7, 14, "people[0].support")
    assert finding.message == (
        "'suporter' is not one of champion, supporter, neutral, skeptic, opponent, unknown"
        " — did you mean 'supporter'?"
    )


def test_enum_in_a_list_with_a_hint() -> None:
    text = HEAD + (
        "people:\n  - id: a\n    name: A\nprojects:\n  - id: p\n    name: P\n    stage: 3\n"
        "    buying_team:\n      - person: a\n        roles: [champion, coch]\n"
    )
    finding = only(load(text))
    assert (finding.line, finding.column) == at(text, "coch]")
    assert finding.path == "projects[0].buying_team[0].roles[1]"
    assert finding.message.endswith("did you mean 'coach'?")


def test_enum_in_a_different_case_gets_a_hint() -> None:
    finding = only(load(HEAD + "plan:\n  status: Active\n"))
    assert finding.message.endswith("did you mean 'active'?")


def test_wrong_types_point_at_the_value() -> None:
    text = HEAD + "people: {}\nsummary: [a]\n"
    loaded = load(text)
    assert where(loaded.findings) == [(4, 9, "people", "schema"), (5, 10, "summary", "schema")]


def test_format_version() -> None:
    finding = only(load("kaplan: 2\naccount:\n  name: A\n"))
    assert (finding.line, finding.column, finding.path) == (1, 9, "kaplan")


def test_out_of_range_numbers() -> None:
    text = HEAD + "  scale:\n    employees: -1\nprojects:\n  - id: p\n    name: P\n    stage: 9\n"
    loaded = load(text)
    assert where(loaded.findings) == [
        (5, 16, "account.scale.employees", "schema"),
        (9, 12, "projects[0].stage", "schema"),
    ]


def test_website_must_be_http() -> None:
    finding = only(load(HEAD + "  website: javascript:alert(1)\n"))
    assert (finding.line, finding.column, finding.path) == (4, 12, "account.website")


def test_bad_id_is_a_schema_finding_at_the_value() -> None:
    finding = only(load(HEAD + "people:\n  - id: Wang_Fang\n    name: A\n"))
    assert (finding.line, finding.column, finding.path, finding.code) == (5, 9, "people[0].id", "schema")


# --- money -------------------------------------------------------------------------------------------


def test_money_as_a_bare_number_and_as_amount_and_currency() -> None:
    text = HEAD + (
        "  scale:\n    revenue: 3500000000\n"
        "projects:\n  - id: p\n    name: P\n    stage: 2\n    value: {amount: 1200000, currency: USD}\n"
        "  - id: q\n    name: Q\n    stage: 2\n    value: 99.5\n"
    )
    loaded = load(text)
    assert loaded.findings == []
    assert loaded.plan is not None
    assert loaded.plan.account.scale is not None
    revenue = loaded.plan.account.scale.revenue
    assert revenue is not None
    assert (revenue.amount, revenue.currency) == (3500000000, None)
    value = loaded.plan.projects[0].value
    assert value is not None
    assert (value.amount, value.currency) == (1200000, "USD")


def test_money_errors() -> None:
    text = HEAD + (
        "projects:\n  - id: p\n    name: P\n    stage: 2\n    value: {currency: USD}\n"
        "  - id: q\n    name: Q\n    stage: 2\n    value: {amount: lots}\n"
        "  - id: r\n    name: R\n    stage: 2\n    value: a lot\n"
    )
    assert where(load(text).findings) == [
        (8, 5, "projects[0].value.amount", "schema"),  # missing: at the parent's key
        (12, 21, "projects[1].value.amount", "schema"),
        (16, 12, "projects[2].value", "schema"),
    ]


def test_money_true_is_not_a_number() -> None:
    finding = only(load(HEAD + "  scale:\n    revenue: true\n"))
    assert finding.path.startswith("account.scale.revenue")
    assert finding.line == 5


# --- ref ----------------------------------------------------------------------------------------------


def test_dangling_reference_with_a_hint(make_plan: Callable[..., dict[str, Any]]) -> None:
    text = dump(make_plan(plan={"owner": "li-mng"}))
    finding = only(load(text))
    assert (finding.code, finding.path) == ("ref", "plan.owner")
    assert (finding.line, finding.column) == at(text, "li-mng")
    assert finding.message == "'li-mng' is not an id in team — did you mean 'li-ming'?"


def test_dangling_reports_to() -> None:
    text = HEAD + "people:\n  - id: a\n    name: A\n  - id: b\n    name: B\n    reports_to: c\n"
    finding = only(load(text))
    assert (finding.line, finding.column, finding.path, finding.code) == (
        9,
        17,
        "people[1].reports_to",
        "ref",
    )


def test_reference_to_the_wrong_section() -> None:
    text = HEAD + "people:\n  - id: a\n    name: A\ninstalled_base:\n  - product: X\n    vendor: a\n"
    finding = only(load(text))
    assert (finding.line, finding.column, finding.path) == (9, 13, "installed_base[0].vendor")
    assert "is an id from people" in finding.message


def test_crux_refs_may_name_any_section_but_must_exist() -> None:
    text = HEAD + (
        "people:\n  - id: a\n    name: A\nneeds:\n  - id: n\n    statement: S\n"
        "cruxes:\n  - id: c\n    kind: special_need\n    statement: s\n    refs: [a, n, ghost]\n"
    )
    finding = only(load(text))
    assert (finding.line, finding.column) == at(text, "ghost")
    assert finding.path == "cruxes[0].refs[2]"


def test_every_reference_field_is_checked(make_plan: Callable[..., dict[str, Any]]) -> None:
    data = make_plan(
        relationships=[{"from": "nobody1", "to": "zhao-gm"}],
        needs=[{"id": "n-x", "statement": "S", "holder": "nobody2", "project": "nobody3"}],
        actions=[{"id": "a-x", "what": "W", "owner": "nobody4", "person": "nobody5", "project": "nobody6"}],
    )
    data["projects"][0]["budget"] = {"owner": "nobody7"}
    data["projects"][0]["decision_process"] = [{"step": "S", "owner": "nobody8"}]
    data["projects"][0]["paper_process"] = {"approvals": ["nobody9"]}
    data["projects"][0]["competition"] = [{"competitor": "nobody10"}]
    data["projects"][0]["buying_team"].append({"person": "nobody11"})
    data["people"][1]["reports_to"] = "nobody12"
    data["installed_base"][0]["vendor"] = "nobody13"
    data["cruxes"][0]["refs"].append("nobody14")
    text = dump(data)
    loaded = load(text)
    refs = [f for f in loaded.findings if f.code == "ref"]
    assert sorted(f.message.split("'")[1] for f in refs) == sorted(f"nobody{i}" for i in range(1, 15))
    for f in refs:
        name = f.message.split("'")[1]
        assert (f.line, f.column) == at(text, name + "\n")
    assert {f.code for f in loaded.findings} == {"ref"}


def test_us_is_reserved_as_an_id_but_a_valid_vendor() -> None:
    text = HEAD + (
        "team:\n  - id: us\n    name: U\ncompetitors:\n  - id: r\n    name: R\n"
        "installed_base:\n  - product: X\n    vendor: us\n  - product: Y\n    vendor: r\n"
    )
    finding = only(load(text))
    assert (finding.line, finding.column, finding.path, finding.code) == (5, 9, "team[0].id", "schema")
    assert "reserved" in finding.message


def test_us_is_not_a_reference_outside_installed_base() -> None:
    finding = only(load(HEAD + "plan:\n  owner: us\n"))
    assert (finding.line, finding.column, finding.code) == (5, 10, "ref")


def test_misspelt_vendor_mentions_us() -> None:
    text = (
        HEAD + "competitors:\n  - id: rival\n    name: R\ninstalled_base:\n  - product: X\n    vendor: rivl\n"
    )
    finding = only(load(text))
    assert (finding.line, finding.column) == (9, 13)
    assert "(or `us`)" in finding.message
    assert "did you mean 'rival'?" in finding.message


def test_personal_need_without_holder() -> None:
    text = HEAD + "people:\n  - id: a\n    name: A\nneeds:\n  - id: n\n    statement: S\n    kind: personal\n"
    finding = only(load(text))
    assert (finding.code, finding.path) == ("schema", "needs[0]")
    assert (finding.line, finding.column) == at(text, "id: n")
    assert "holder" in finding.message
    assert not load(text.replace("kind: personal", "kind: personal\n    holder: a")).findings


def test_crux_of_kind_person_without_a_person_ref() -> None:
    text = HEAD + (
        "people:\n  - id: a\n    name: A\nneeds:\n  - id: n\n    statement: S\n"
        "cruxes:\n  - id: c\n    kind: person\n    statement: s\n    refs: [n]\n"
        "  - id: d\n    kind: personal\n    statement: s\n"
        "  - id: e\n    kind: person\n    statement: s\n    refs: [a]\n"
    )
    loaded = load(text)
    assert where(loaded.findings) == [
        (*at(text, "refs: [n]"), "cruxes[0].refs", "ref"),
        (*at(text, "kind: personal"), "cruxes[1].kind", "ref"),
    ]
    assert "must name at least one person" in loaded.findings[0].message


# --- dup-id -------------------------------------------------------------------------------------------


def test_dup_id_points_at_the_second_and_names_the_first() -> None:
    text = HEAD + "people:\n  - id: a\n    name: A\n  - id: a\n    name: B\n"
    finding = only(load(text))
    assert (finding.line, finding.column, finding.path, finding.code) == (7, 9, "people[1].id", "dup-id")
    assert "people[0] (line 5)" in finding.message


def test_dup_id_across_sections(make_plan: Callable[..., dict[str, Any]]) -> None:
    text = dump(make_plan(actions=[{"id": "zhao-gm", "what": "Call"}]))
    finding = only(load(text))
    assert finding.code == "dup-id"
    assert (finding.line, finding.column) == at(text, "zhao-gm", nth=-1)
    assert finding.path == "actions[0].id"
    assert "people[0]" in finding.message


# A file may order its sections freely: "second" means second in the file, not in the sections' order.
def test_dup_id_is_at_the_second_occurrence_in_file_order() -> None:
    text = HEAD + (
        "needs:\n  - id: line-3\n    statement: S\n"  # first in the file
        "projects:\n  - id: line-3\n    name: P\n    stage: 1\n"  # second
    )
    finding = only(load(text))
    assert (finding.line, finding.column) == at(text, "line-3", nth=2)
    assert finding.path == "projects[0].id"
    assert "needs[0] (line 5)" in finding.message


# --- cycle --------------------------------------------------------------------------------------------


def person(ident: str, boss: str | None = None) -> str:
    return f"  - id: {ident}\n    name: {ident.upper()}\n" + (f"    reports_to: {boss}\n" if boss else "")


def test_two_person_cycle_is_reported_once_at_the_first_person() -> None:
    text = HEAD + "people:\n" + person("a", "b") + person("b", "a")
    finding = only(load(text))
    assert (finding.line, finding.column, finding.path, finding.code) == (
        7,
        17,
        "people[0].reports_to",
        "cycle",
    )
    assert "a → b → a" in finding.message


def test_self_report_is_a_cycle() -> None:
    text = HEAD + "people:\n" + person("a") + person("c", "c")
    finding = only(load(text))
    assert (finding.line, finding.column, finding.path) == (9, 17, "people[1].reports_to")


def test_cycle_is_reported_at_its_first_person_in_file_order_whatever_the_walk() -> None:
    # d leads into the cycle; the walk from d meets a first, but c is first in the file.
    text = (
        HEAD
        + "people:\n"
        + person("d", "a")
        + person("x")
        + person("c", "a")
        + person("a", "b")
        + person("b", "c")
    )
    finding = only(load(text))
    assert finding.path == "people[2].reports_to"
    line, column = at(text, "reports_to: a", nth=2)
    assert (finding.line, finding.column) == (line, column + len("reports_to: "))  # at the value
    assert "c → a → b → c" in finding.message


def test_two_cycles_two_findings() -> None:
    text = HEAD + "people:\n" + person("a", "b") + person("b", "a") + person("c", "d") + person("d", "c")
    loaded = load(text)
    assert [f.path for f in loaded.findings] == ["people[0].reports_to", "people[2].reports_to"]
    assert {f.code for f in loaded.findings} == {"cycle"}


def test_chain_without_cycle() -> None:
    assert load(HEAD + "people:\n" + person("a") + person("b", "a") + person("c", "b")).findings == []


# --- file-name ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["Acme", "acme_steel", "acme steel", "us", "-acme", "acme--steel", "鞍钢"])
def test_bad_file_name(write_plan: Callable[..., Path], name: str) -> None:
    path = write_plan(HEAD, name=name)
    loaded = load_plan(path, f"plans/{name}.yaml")
    finding = only(loaded)
    assert (finding.line, finding.column, finding.code, finding.path) == (1, 1, "file-name", "")
    assert f"'{name}.yaml'" in finding.message
    assert not loaded.ok


def test_yml_extension_is_a_bad_file_name(tmp_path: Path) -> None:
    path = tmp_path / "acme.yml"
    path.write_text(HEAD, encoding="utf-8")
    finding = only(load_plan(path))
    assert (finding.line, finding.column, finding.code) == (1, 1, "file-name")
    assert "acme.yaml" in finding.message


def test_file_name_is_reported_with_the_other_findings(write_plan: Callable[..., Path]) -> None:
    path = write_plan(HEAD + "  nmae: x\n", name="Bad")
    assert where(load_plan(path).findings) == [(1, 1, "", "file-name"), (4, 3, "account.nmae", "schema")]


# --- all at once ---------------------------------------------------------------------------------------


def test_a_file_with_many_problems_reports_every_one(write_plan: Callable[..., Path]) -> None:
    text = (
        "kaplan: 1\n"  # 1
        "summary: one\n"  # 2
        "summary: two\n"  # 3  syntax (duplicate key)
        "plan:\n"  # 4
        "  owner: nobody\n"  # 5  ref
        "  status: actve\n"  # 6  schema (enum)
        "account:\n"  # 7
        "  industry: Steel\n"  # 8  (name missing: schema at 7:1)
        "  nmae: Acme\n"  # 9  schema (unknown key)
        "people:\n"  # 10
        "  - id: a\n"  # 11
        "    name: A\n"  # 12
        "    reports_to: b\n"  # 13 cycle
        "  - id: b\n"  # 14
        "    name: B\n"  # 15
        "    reports_to: a\n"  # 16
        "  - id: a\n"  # 17 dup-id
        "    name: A2\n"  # 18
        "    last_contact: 2026-13-01\n"  # 19 schema (date)
    )
    path = write_plan(text, name="Acme_Steel")
    loaded = load_plan(path, "plans/Acme_Steel.yaml")
    assert where(loaded.findings) == [
        (1, 1, "", "file-name"),
        (3, 1, "", "syntax"),
        (5, 10, "plan.owner", "ref"),
        (6, 11, "plan.status", "schema"),
        (7, 1, "account.name", "schema"),
        (9, 3, "account.nmae", "schema"),
        (13, 17, "people[0].reports_to", "cycle"),
        (17, 9, "people[2].id", "dup-id"),
        (19, 19, "people[2].last_contact", "schema"),
    ]
    assert all(f.file == "plans/Acme_Steel.yaml" and f.severity == "error" for f in loaded.findings)
    assert {f.code for f in loaded.findings} == set(STRUCTURAL_CODES)
    assert loaded.plan is None
    assert not loaded.ok


def test_refs_and_cycles_are_checked_even_when_the_schema_fails() -> None:
    text = HEAD + "  bogus: 1\npeople:\n" + person("a", "ghost")
    loaded = load(text)
    assert [f.code for f in sorted(loaded.findings)] == ["schema", "ref"]


def test_alias_bomb_finishes_with_syntax_findings() -> None:
    lines = [HEAD.rstrip("\n"), 'x0: &x0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 12):
        lines.append(f"x{i}: &x{i} [" + ", ".join([f"*x{i - 1}"] * 10) + "]")
    text = "\n".join(lines) + "\n"
    loaded = load(text)  # finishing at all is the test: nothing is ever expanded
    codes = {f.code for f in loaded.findings}
    assert "syntax" in codes
    assert (loaded.findings[0].line, loaded.findings[0].column) == (4, 5)
    assert not loaded.ok
