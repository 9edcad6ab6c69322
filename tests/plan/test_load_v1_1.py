"""Format 1.1 in the loader: new references, the units tree, whitespace cells and waivers."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from kaplan.coach.rules import RULES
from kaplan.plan.findings import Finding
from kaplan.plan.load import REF_FIELDS, LoadedPlan, load_plan_text

HEAD = "kaplan: 1\naccount:\n  name: Acme\n"
CODES = tuple(RULES)


def load(text: str, codes: tuple[str, ...] | None = CODES) -> LoadedPlan:
    return load_plan_text(text, "plans/acme.yaml", "acme", codes)


def dump(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def at(text: str, needle: str, nth: int = 1) -> tuple[int, int]:
    index = -1
    for _ in range(nth):
        index = text.index(needle, index + 1)
    return text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1


def found(loaded: LoadedPlan) -> list[tuple[str, str, str]]:
    return [(f.code, f.path, f.message) for f in loaded.findings]


def only(loaded: LoadedPlan, code: str | None = None) -> Finding:
    hits = [f for f in loaded.findings if code is None or f.code == code]
    assert len(hits) == 1, [f.text() for f in loaded.findings]
    return hits[0]


UNITS = [
    {"id": "group", "name": "Group", "kind": "group"},
    {"id": "mill", "name": "Rolling mill", "kind": "plant", "parent": "group", "location": "Anshan"},
]


def test_a_plan_of_every_1_1_section_loads_clean(make_plan) -> None:
    plan = make_plan(
        account={
            "name": "Acme",
            "units": UNITS,
            "shareholders": [{"name": "SASAC", "share": 51}],
            "purchasing_calendar": [{"what": "Annual tender", "months": [3, 9]}],
            "terms": {"payment": "60 days", "delivery": "DAP", "pricing": "index"},
        },
        partnership={
            "level": {"now": 2, "target": 4, "by": "2027-12-31"},
            "wallet": {"ours": 2_000_000, "total": 10_000_000, "as_of": "2026-10-01"},
            "strengths": ["Local service"],
            "vulnerabilities": ["Price"],
        },
        objectives=[
            {
                "id": "o-share",
                "statement": "Grow share",
                "kind": "share",
                "measure": {"target": 30},
                "projects": ["p-line"],
            }
        ],
        whitespace=[
            {"unit": "mill", "offering": "Drives", "state": "project", "project": "p-line"},
            {"unit": "mill", "offering": "Pumps", "state": "competitor", "competitor": "rival"},
        ],
        contracts=[
            {"id": "k-frame", "name": "Frame", "end": "2027-03-31", "renewal": "p-line", "unit": "mill"}
        ],
        meetings=[
            {
                "id": "m-1",
                "on": "2026-12-10",
                "title": "Review",
                "attendees": ["zhao-gm"],
                "ours": ["li-ming"],
            }
        ],
        log=[
            {
                "on": "2026-11-25",
                "kind": "visit",
                "summary": "Site tour",
                "people": ["qian-cto"],
                "by": "li-ming",
            }
        ],
        risks=[
            {
                "id": "r-price",
                "statement": "Price war",
                "likelihood": "high",
                "impact": "medium",
                "owner": "li-ming",
            }
        ],
        actions=[{"id": "a-visit", "what": "Visit", "objective": "o-share", "meeting": "m-1", "share": True}],
        waive={"stale-review": "reviewed in the quarterly business review"},
    )
    loaded = load(dump(plan))
    assert loaded.findings == []
    assert loaded.plan is not None
    assert loaded.plan.account.units[1].parent == "group"
    assert loaded.plan.projects[0].decision_process == []
    assert loaded.plan.whitespace[0].project == "p-line"


def test_decision_step_status_defaults_to_planned() -> None:
    text = (
        HEAD + "projects:\n  - id: p\n    name: P\n    stage: 3\n    decision_process:\n      - step: Board\n"
    )
    loaded = load(text)
    assert loaded.plan is not None
    assert loaded.plan.projects[0].decision_process[0].status == "planned"


@pytest.mark.parametrize(
    ("pattern", "section"),
    [
        (p, s)
        for p, s in REF_FIELDS
        if p[0] in ("account", "objectives", "whitespace", "contracts", "meetings", "log", "risks")
    ],
    ids=lambda v: (
        ".".join(v) if isinstance(v, tuple) and v and isinstance(v[0], str) and len(v) > 1 else None
    ),
)
def test_every_new_reference_must_resolve(pattern: tuple[str, ...], section: tuple[str, ...]) -> None:
    """Each new reference field, given an id that names nothing, is a `ref` error at its value."""
    del section
    base: dict[str, Any] = {
        "kaplan": 1,
        "account": {"name": "Acme", "units": [{"id": "u", "name": "U"}]},
        "team": [{"id": "t", "name": "T"}],
        "people": [{"id": "p", "name": "P"}],
        "competitors": [{"id": "c", "name": "C"}],
        "projects": [{"id": "pr", "name": "Pr", "stage": 1}],
    }
    minimal = {
        "objectives": {"id": "o", "statement": "S"},
        "whitespace": {"unit": "u", "offering": "X", "state": "open"},
        "contracts": {"id": "k", "name": "K", "end": "2027-01-01"},
        "meetings": {"id": "m", "on": "2027-01-01", "title": "M"},
        "log": {"on": "2026-01-01", "kind": "call", "summary": "S"},
        "risks": {"id": "r", "statement": "S"},
    }
    data = yaml.safe_load(yaml.safe_dump(base))
    if pattern[0] == "account":
        item = data["account"]["units"][0]
        rest = pattern[3:]
    else:
        item = dict(minimal[pattern[0]])
        data[pattern[0]] = [item]
        rest = pattern[2:]
    key = rest[0]
    item[key] = ["nowhere-id"] if rest[1:] == ("*",) else "nowhere-id"
    if pattern[0] == "whitespace" and key in ("competitor", "project"):
        item["state"] = key
    text = dump(data)
    finding = only(load(text), "ref")
    assert (finding.line, finding.column) == at(text, "nowhere-id")
    assert "'nowhere-id' is not an id in" in finding.message


def test_a_reference_to_the_wrong_kind_names_both() -> None:
    text = HEAD + "team:\n  - id: li\n    name: Li\nrisks:\n  - id: r\n    statement: S\n    project: li\n"
    finding = only(load(text))
    assert (finding.code, finding.path) == ("ref", "risks[0].project")
    assert finding.message == "'li' is an id from team, but this must name one of projects"


def test_a_misspelt_unit_gets_a_hint() -> None:
    text = dump(
        {
            "kaplan": 1,
            "account": {"name": "A", "units": UNITS},
            "people": [{"id": "p", "name": "P", "unit": "mil"}],
        }
    )
    finding = only(load(text))
    assert (finding.code, finding.path) == ("ref", "people[0].unit")
    assert finding.message == "'mil' is not an id in units — did you mean 'mill'?"


def test_units_share_the_id_namespace() -> None:
    text = dump(
        {"kaplan": 1, "account": {"name": "A", "units": UNITS}, "risks": [{"id": "mill", "statement": "S"}]}
    )
    finding = only(load(text))
    assert (finding.code, finding.path) == ("dup-id", "risks[0].id")
    line, column = at(text, "id: mill", 2)
    assert (finding.line, finding.column) == (line, column + len("id: "))
    assert "already used by account.units[1]" in finding.message


def test_a_units_circle_is_a_cycle_at_the_first_unit() -> None:
    units = [
        {"id": "a", "name": "A", "parent": "c"},
        {"id": "b", "name": "B", "parent": "a"},
        {"id": "c", "name": "C", "parent": "b"},
        {"id": "d", "name": "D", "parent": "a"},
    ]
    text = dump({"kaplan": 1, "account": {"name": "X", "units": units}})
    finding = only(load(text))
    assert (finding.code, finding.path) == ("cycle", "account.units[0].parent")
    line, column = at(text, "parent: c")
    assert (finding.line, finding.column) == (line, column + len("parent: "))
    assert finding.message.startswith("parent goes round in a circle: a → c → b → a")


def test_a_unit_that_is_its_own_parent() -> None:
    text = dump({"kaplan": 1, "account": {"name": "X", "units": [{"id": "a", "name": "A", "parent": "a"}]}})
    assert only(load(text)).code == "cycle"


def test_a_second_whitespace_cell_of_the_same_unit_and_offering() -> None:
    cells = [
        {"unit": "mill", "offering": "Drives", "state": "open"},
        {"unit": "group", "offering": "Drives", "state": "ours"},
        {"unit": "mill", "offering": "Drives", "state": "ours"},
    ]
    text = dump({"kaplan": 1, "account": {"name": "X", "units": UNITS}, "whitespace": cells})
    finding = only(load(text))
    assert (finding.code, finding.path) == ("dup-id", "whitespace[2].offering")
    line, column = at(text, "offering: Drives", 3)
    assert (finding.line, finding.column) == (line, column + len("offering: "))
    assert "already whitespace[0]" in finding.message


@pytest.mark.parametrize(("state", "key"), [("competitor", "competitor"), ("project", "project")])
def test_a_whitespace_state_needs_its_holder(state: str, key: str) -> None:
    cells = [{"unit": "mill", "offering": "Drives", "state": state}]
    finding = only(load(dump({"kaplan": 1, "account": {"name": "X", "units": UNITS}, "whitespace": cells})))
    assert (finding.code, finding.path) == ("schema", "whitespace[0]")
    assert f"must name its `{key}`" in finding.message


# --- waivers -------------------------------------------------------------------------------------------


def test_a_waiver_of_a_rule_loads() -> None:
    text = HEAD + "people:\n  - id: p\n    name: P\n    waive:\n      stale-contact: on leave until March\n"
    loaded = load(text)
    assert loaded.findings == []
    assert loaded.plan is not None
    assert loaded.plan.people[0].waive == {"stale-contact": "on leave until March"}


def test_an_unknown_code_is_a_schema_error_with_a_hint() -> None:
    text = HEAD + "waive:\n  stale-contcat: reviewed\n"
    finding = only(load(text))
    assert (finding.code, finding.path) == ("schema", "waive.stale-contcat")
    assert (finding.line, finding.column) == at(text, "stale-contcat")
    assert "did you mean 'stale-contact'?" in finding.message


def test_without_the_rule_codes_only_structural_codes_are_refused() -> None:
    assert load(HEAD + "waive:\n  anything-goes: why\n", None).findings == []


@pytest.mark.parametrize("code", ["ref", "schema", "dup-id", "cycle"])
def test_a_structural_code_cannot_be_waived(code: str) -> None:
    finding = only(load(HEAD + f"waive:\n  {code}: we know\n"))
    assert (finding.code, finding.path) == ("schema", f"waive.{code}")
    assert "cannot be waived" in finding.message


@pytest.mark.parametrize("reason", ['""', "'   '"])
def test_a_waiver_needs_a_reason(reason: str) -> None:
    text = HEAD + f"competitors:\n  - id: c\n    name: C\n    waive:\n      no-threat: {reason}\n"
    finding = only(load(text))
    assert finding.code == "schema"
    assert finding.path.startswith("competitors[0].waive")
    assert "needs a reason" in finding.message


def test_a_waiver_reason_must_be_text() -> None:
    finding = only(load(HEAD + "waive:\n  stale-review: [a, b]\n"))
    assert finding.code == "schema"


@pytest.mark.parametrize(
    ("extra", "path", "hint"),
    [
        ("objectives:\n  - id: o\n    statment: Grow\n", "objectives[0].statment", "statement"),
        (
            "meetings:\n  - id: m\n    on: 2027-01-05\n    title: T\n    atendees: []\n",
            "meetings[0].atendees",
            "attendees",
        ),
        ("partnership:\n  wallet:\n    our: 5\n", "partnership.wallet.our", "ours"),
        ("log:\n  - on: 2026-01-05\n    kind: vist\n    summary: S\n", "log[0].kind", "visit"),
        ("risks:\n  - id: r\n    statement: S\n    likelyhood: high\n", "risks[0].likelyhood", "likelihood"),
    ],
)
def test_new_keys_get_located_errors_with_a_hint(extra: str, path: str, hint: str) -> None:
    text = HEAD + extra
    (finding,) = [f for f in load(text).findings if f.path == path]
    assert finding.code == "schema"
    assert f"did you mean '{hint}'?" in finding.message
    needle = path.rsplit(".", 1)[-1].split("[")[0]
    if needle == "kind":
        needle = "vist"
    assert (finding.line, finding.column) == at(text, needle)


@pytest.mark.parametrize(
    ("extra", "path"),
    [
        ("partnership:\n  level:\n    now: 6\n", "partnership.level.now"),
        (
            "account:\n  name: A\n  purchasing_calendar:\n    - what: Tender\n      months: [13]\n",
            "account.purchasing_calendar[0].months[0]",
        ),
        (
            "projects:\n  - id: p\n    name: P\n    stage: 2\n    probability: 101\n",
            "projects[0].probability",
        ),
        ("contracts:\n  - id: k\n    name: K\n    end: 2027-02-30\n", "contracts[0].end"),
    ],
)
def test_new_numbers_and_dates_are_checked(extra: str, path: str) -> None:
    text = ("kaplan: 1\n" if extra.startswith("account") else HEAD) + extra
    finding = only(load(text))
    assert (finding.code, finding.path) == ("schema", path)


def test_a_waiver_reason_typed_as_a_number_is_text() -> None:
    loaded = load(HEAD + "waive:\n  stale-review: 2027\n")
    assert loaded.findings == []
    assert loaded.plan is not None
    assert loaded.plan.waive == {"stale-review": "2027"}
