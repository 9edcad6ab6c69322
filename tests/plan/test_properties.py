"""Property tests: whatever a person does to a valid plan, loading it gives located findings, never a crash.

The valid plans are the v1 test plan and plans drawn by :func:`plans_1_1`, which may use every section
and key of format 1.1 (units as a tree, objectives, whitespace, contracts, meetings, log, risks, waivers
with real rule codes…) with unique ids and valid references.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Callable, Iterator
from typing import Any

import yaml
from conftest import TODAY
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from kaplan.coach.health import plan_health
from kaplan.coach.rules import RULES, coaching_findings
from kaplan.plan import AUDIENCES
from kaplan.plan.audience import for_audience
from kaplan.plan.findings import SEVERITIES, STRUCTURAL_CODES, Finding
from kaplan.plan.load import ID_LISTS, load_plan_bytes
from kaplan.plan.model import Item, Plan

KNOWN_CODES = frozenset(STRUCTURAL_CODES) | frozenset(RULES)
RULE_CODES = tuple(sorted(RULES))
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


# --- valid plans of format 1.1, every section and key, references kept valid -----------------------------

# Text people write, the words YAML 1.1 would misread among it (as text they are valid anywhere).
PHRASES = [
    "降本 8%", "包龄 ≥ 120 次", "Fewer unplanned stops", "**Energy** savings", "年度招标", "on", "no",
    "010", "2026-13-01", "<b>bold</b>", "回扣", "us", "a: b", "- a", "# not a comment", "王芳",
]  # fmt: skip
words = st.one_of(
    st.sampled_from(PHRASES),
    st.text(st.characters(categories=("L", "N", "P", "Zs", "S")), min_size=1, max_size=24),
)
# A reason starts with a word, so YAML never reads it as a number, a boolean or null.
reasons = st.builds("{} {}".format, st.sampled_from(["已评审：", "Reviewed:", "客户要求", "Agreed"]), words)
days = st.integers(min_value=-400, max_value=400).map(lambda n: (TODAY + dt.timedelta(days=n)).isoformat())
amounts = st.integers(min_value=0, max_value=10**9)
money = st.one_of(
    amounts, st.fixed_dictionaries({"amount": amounts, "currency": st.sampled_from(["CNY", "USD", "EUR"])})
)
percent = st.one_of(st.integers(min_value=0, max_value=100), st.floats(min_value=0, max_value=100))
rungs = st.integers(min_value=1, max_value=5)
levels = st.sampled_from(["low", "medium", "high"])


class Draw:
    """``draw`` with helpers: optional keys, picks from ids that may be none yet."""

    def __init__(self, draw: Callable[..., Any]) -> None:
        self.draw = draw

    def __call__(self, strategy: st.SearchStrategy[Any]) -> Any:
        return self.draw(strategy)

    def opt(self, item: dict[str, Any], key: str, strategy: st.SearchStrategy[Any]) -> None:
        """Set ``item[key]`` half of the time."""
        if self.draw(st.booleans()):
            item[key] = self.draw(strategy)

    def ref(self, item: dict[str, Any], key: str, ids: list[str]) -> None:
        """Point ``item[key]`` at one of ``ids`` half of the time (never when there are none)."""
        if ids:
            self.opt(item, key, st.sampled_from(ids))

    def refs(self, ids: list[str], most: int = 3) -> list[str]:
        return self.draw(st.lists(st.sampled_from(ids), max_size=most, unique=True)) if ids else []

    def count(self, most: int) -> int:
        return int(self.draw(st.integers(min_value=0, max_value=most)))


def source(d: Draw, team: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    d.opt(out, "kind", st.sampled_from(["customer", "coach", "public", "partner", "internal", "rumor"]))
    d.ref(out, "by", team)
    d.opt(out, "on", days)
    d.opt(out, "confidence", st.sampled_from(["confirmed", "likely", "assumed"]))
    return out


def units_of(d: Draw) -> list[dict[str, Any]]:
    """A tree: each unit's parent comes before it, so there is never a cycle."""
    units: list[dict[str, Any]] = []
    for i in range(d.count(4)):
        unit: dict[str, Any] = {"id": f"u-{i}", "name": d(words)}
        d.opt(
            unit,
            "kind",
            st.sampled_from(
                ["group", "division", "subsidiary", "plant", "site", "department", "buying_center"]
            ),
        )
        d.ref(unit, "parent", [u["id"] for u in units])
        d.opt(unit, "location", words)
        d.opt(unit, "in_scope", st.booleans())
        d.opt(unit, "notes", words)
        units.append(unit)
    return units


def account_of(d: Draw, units: list[dict[str, Any]]) -> dict[str, Any]:
    account: dict[str, Any] = {"name": d(words)}
    if units:
        account["units"] = units
    d.opt(
        account,
        "shareholders",
        st.lists(st.fixed_dictionaries({"name": words}, optional={"share": percent}), max_size=3),
    )
    windows = st.fixed_dictionaries(
        {"what": words},
        optional={"months": st.lists(st.integers(min_value=1, max_value=12), max_size=4), "notes": words},
    )
    d.opt(account, "purchasing_calendar", st.lists(windows, max_size=3))
    d.opt(
        account,
        "terms",
        st.fixed_dictionaries({}, optional=dict.fromkeys(("payment", "delivery", "pricing"), words)),
    )
    return account


def people_of(d: Draw, units: list[str], team: list[str]) -> list[dict[str, Any]]:
    people: list[dict[str, Any]] = []
    for i in range(d.count(4)):
        person: dict[str, Any] = {"id": f"pe-{i}", "name": d(words)}
        d.ref(person, "reports_to", [p["id"] for p in people])
        d.opt(person, "status", st.sampled_from(["active", "left", "moved"]))
        d.opt(person, "influence", st.sampled_from(["high", "medium", "low", "unknown"]))
        d.opt(
            person,
            "support",
            st.sampled_from(["champion", "supporter", "neutral", "skeptic", "opponent", "unknown"]),
        )
        d.opt(person, "coverage", st.sampled_from(["none", "brief", "multiple", "in_depth"]))
        d.opt(person, "last_contact", days)
        d.ref(person, "unit", units)
        d.ref(person, "owner", team)
        d.opt(
            person,
            "account_role",
            st.sampled_from(["sponsor", "anti_sponsor", "strategic_coach", "key_player"]),
        )
        d.opt(person, "sees_us_at", rungs)
        d.opt(person, "phone", st.sampled_from(["0412-8860000", "+86 10 1234 5678", "010"]))
        d.opt(person, "email", st.sampled_from(["wang.fang@example.com", "采购@example.cn"]))
        if d(st.booleans()):
            person["source"] = source(d, team)
        people.append(person)
    return people


def projects_of(d: Draw, units: list[str], people: list[str], competitors: list[str]) -> list[dict[str, Any]]:
    projects = []
    for i in range(d.count(2)):
        project: dict[str, Any] = {
            "id": f"pr-{i}",
            "name": d(words),
            "stage": d(st.integers(min_value=1, max_value=8)),
        }
        d.opt(project, "stage_since", days)
        d.opt(project, "value", money)
        outcome = d(st.sampled_from(["open", "open", "won", "lost", "no_decision"]))
        project["outcome"] = outcome
        if outcome in ("lost", "no_decision"):
            d.opt(project, "loss_reason", words)
        d.opt(
            project,
            "timeline",
            st.fixed_dictionaries({}, optional=dict.fromkeys(("need_by", "decide_by", "sign_by"), days)),
        )
        d.ref(project, "unit", units)
        d.opt(project, "probability", percent)
        d.opt(project, "compelling_event", words)
        d.opt(project, "lead_time_weeks", st.integers(min_value=0, max_value=52))
        metric = st.fixed_dictionaries({"kpi": words}, optional={"baseline": words, "target": words})
        d.opt(project, "metrics", st.lists(metric, max_size=2))
        roles = st.lists(
            st.sampled_from(
                ["economic_buyer", "champion", "coach", "technical_buyer", "approver", "blocker"]
            ),
            max_size=2,
            unique=True,
        )
        project["buying_team"] = [{"person": p, "roles": d(roles)} for p in d.refs(people)]
        steps = []
        for _ in range(d.count(2)):
            step: dict[str, Any] = {"step": d(words)}
            d.ref(step, "owner", people)
            d.opt(step, "by", days)
            d.opt(step, "status", st.sampled_from(["planned", "done", "slipped"]))
            steps.append(step)
        project["decision_process"] = steps
        positions = st.sampled_from(["ahead", "even", "behind"])
        project["competition"] = [{"competitor": c, "position": d(positions)} for c in d.refs(competitors)]
        projects.append(project)
    return projects


def activity_of(d: Draw, ids: dict[str, list[str]]) -> dict[str, Any]:
    """Objectives, whitespace, contracts, meetings, log and risks over the ids drawn so far."""
    team, people, projects, units = ids["team"], ids["people"], ids["projects"], ids["units"]
    out: dict[str, Any] = {}
    objectives = []
    for i in range(d.count(3)):
        objective: dict[str, Any] = {"id": f"o-{i}", "statement": d(words)}
        d.opt(
            objective,
            "kind",
            st.sampled_from(["revenue", "share", "footprint", "relationship", "customer_success"]),
        )
        measure = st.fixed_dictionaries(
            {"target": percent},
            optional={"unit": words, "baseline": percent, "current": percent, "as_of": days},
        )
        d.opt(objective, "measure", measure)
        d.opt(objective, "due", days)
        d.ref(objective, "owner", team)
        d.opt(objective, "status", st.sampled_from(["on_track", "at_risk", "off_track", "done", "dropped"]))
        objective["projects"] = d.refs(projects)
        d.opt(objective, "share", st.booleans())
        objectives.append(objective)
    out["objectives"] = objectives
    cells = []
    offerings = d(st.lists(words, min_size=1, max_size=3, unique=True))
    for unit, offering in (
        d(st.lists(st.tuples(st.sampled_from(units), st.sampled_from(offerings)), max_size=4, unique=True))
        if units
        else []
    ):
        states = [
            "ours",
            "open",
            "not_applicable",
            *(["competitor"] if ids["competitors"] else []),
            *(["project"] if projects else []),
        ]
        cell: dict[str, Any] = {"unit": unit, "offering": offering, "state": d(st.sampled_from(states))}
        if cell["state"] == "competitor":
            cell["competitor"] = d(st.sampled_from(ids["competitors"]))
        if cell["state"] == "project":
            cell["project"] = d(st.sampled_from(projects))
        d.opt(cell, "potential", money)
        cells.append(cell)
    out["whitespace"] = cells
    contracts = []
    for i in range(d.count(2)):
        contract: dict[str, Any] = {"id": f"k-{i}", "name": d(words), "end": d(days)}
        d.opt(contract, "kind", st.sampled_from(["supply", "service", "framework", "other"]))
        d.opt(contract, "start", days)
        d.opt(contract, "value", money)
        d.opt(contract, "notice_days", st.integers(min_value=0, max_value=180))
        d.ref(contract, "renewal", projects)
        d.ref(contract, "unit", units)
        contracts.append(contract)
    out["contracts"] = contracts
    meetings = []
    for i in range(d.count(2)):
        meeting: dict[str, Any] = {"id": f"m-{i}", "on": d(days), "title": d(words)}
        meeting["attendees"], meeting["ours"] = d.refs(people), d.refs(team)
        d.ref(meeting, "project", projects)
        d.opt(meeting, "objective", words)
        d.opt(meeting, "commitment", st.fixed_dictionaries({}, optional={"best": words, "minimum": words}))
        d.opt(meeting, "questions", st.lists(words, max_size=2))
        d.opt(meeting, "outcome", words)
        d.opt(meeting, "share", st.booleans())
        meetings.append(meeting)
    out["meetings"] = meetings
    log = []
    for _ in range(d.count(3)):
        entry: dict[str, Any] = {
            "on": d(days),
            "kind": d(
                st.sampled_from(
                    ["visit", "call", "email", "meeting", "review", "complaint", "claim", "event"]
                )
            ),
            "summary": d(words),
        }
        entry["people"] = d.refs(people)
        d.ref(entry, "by", team)
        d.ref(entry, "project", projects)
        if entry["kind"] in ("complaint", "claim"):
            d.opt(entry, "status", st.sampled_from(["open", "closed"]))
        if entry["kind"] == "claim":
            d.opt(entry, "value", money)
        log.append(entry)
    out["log"] = log
    risks = []
    for i in range(d.count(2)):
        risk: dict[str, Any] = {"id": f"r-{i}", "statement": d(words)}
        d.opt(risk, "likelihood", levels)
        d.opt(risk, "impact", levels)
        d.opt(risk, "mitigation", words)
        d.ref(risk, "owner", team)
        d.ref(risk, "project", projects)
        risks.append(risk)
    out["risks"] = risks
    return out


def list_items(data: Any) -> Iterator[dict[str, Any]]:
    """Every mapping that is an item of a list, at any depth."""
    if isinstance(data, dict):
        for value in data.values():
            yield from list_items(value)
    elif isinstance(data, list):
        for item in data:
            if isinstance(item, dict):
                yield item
            yield from list_items(item)


@st.composite
def plans_1_1(draw: Callable[..., Any]) -> dict[str, Any]:
    """A valid plan that may use every section and key of format 1.1 (ids unique, references valid)."""
    d = Draw(draw)
    team = [{"id": f"t-{i}", "name": d(words)} for i in range(d(st.integers(min_value=1, max_value=3)))]
    team_ids = [t["id"] for t in team]
    units = units_of(d)
    unit_ids = [u["id"] for u in units]
    people = people_of(d, unit_ids, team_ids)
    people_ids = [p["id"] for p in people]
    competitors = []
    for i in range(d.count(2)):
        competitor: dict[str, Any] = {"id": f"c-{i}", "name": d(words)}
        d.opt(competitor, "status", st.sampled_from(["incumbent", "active", "potential", "displaced"]))
        d.opt(competitor, "threat", levels)
        d.opt(competitor, "pricing", words)
        if d(st.booleans()):
            competitor["source"] = source(d, team_ids)
        competitors.append(competitor)
    competitor_ids = [c["id"] for c in competitors]
    projects = projects_of(d, unit_ids, people_ids, competitor_ids)
    ids = {"team": team_ids, "units": unit_ids, "people": people_ids, "competitors": competitor_ids}
    ids["projects"] = [p["id"] for p in projects]
    activity = activity_of(d, ids)
    needs = []
    for i in range(d.count(2)):
        need: dict[str, Any] = {"id": f"n-{i}", "statement": d(words)}
        d.ref(need, "project", ids["projects"])
        if d(st.booleans()):
            need["source"] = source(d, team_ids)
        needs.append(need)
    installed = []
    for _ in range(d.count(2)):
        product: dict[str, Any] = {"product": d(words), "vendor": d(st.sampled_from([*competitor_ids, "us"]))}
        d.ref(product, "unit", unit_ids)
        d.ref(product, "contract", [k["id"] for k in activity["contracts"]])
        installed.append(product)
    actions = []
    for i in range(d.count(3)):
        action: dict[str, Any] = {"id": f"a-{i}", "what": d(words)}
        d.ref(action, "owner", team_ids)
        d.opt(action, "due", days)
        d.opt(action, "status", st.sampled_from(["open", "done", "dropped"]))
        d.ref(action, "person", people_ids)
        d.ref(action, "project", ids["projects"])
        d.ref(action, "objective", [o["id"] for o in activity["objectives"]])
        d.ref(action, "meeting", [m["id"] for m in activity["meetings"]])
        d.opt(action, "share", st.booleans())
        actions.append(action)
    every_id = [i for section in ids.values() for i in section]
    every_id += [x["id"] for name in ("objectives", "contracts", "meetings", "risks") for x in activity[name]]
    every_id += [n["id"] for n in needs] + [a["id"] for a in actions]
    cruxes = [
        {
            "id": f"x-{i}",
            "kind": d(st.sampled_from(["product_service", "special_need"])),
            "statement": d(words),
        }
        | {"refs": d.refs(every_id)}
        for i in range(d.count(2))
    ]
    pairs = (
        st.tuples(st.sampled_from(people_ids), st.sampled_from(people_ids)) if people_ids else st.nothing()
    )
    relationships = [
        {
            "from": a,
            "to": b,
            "kind": d(st.sampled_from(["influences", "conflicts", "ally", "informal_report"])),
        }
        for a, b in (d(st.lists(pairs, max_size=2)) if people_ids else [])
    ]
    plan: dict[str, Any] = {
        "kaplan": 1,
        "plan": {"owner": team_ids[0], "locale": d(st.sampled_from(["zh", "en"]))},
    }
    d.opt(plan, "summary", words)
    d.opt(plan, "partner_summary", words)
    plan["account"] = account_of(d, units)
    partnership = st.fixed_dictionaries(
        {},
        optional={
            "level": st.fixed_dictionaries({}, optional={"now": rungs, "target": rungs, "by": days}),
            "wallet": st.fixed_dictionaries({}, optional={"ours": money, "total": money, "as_of": days}),
            "strengths": st.lists(words, max_size=2),
            "vulnerabilities": st.lists(words, max_size=2),
        },
    )
    d.opt(plan, "partnership", partnership)
    sections = {"team": team, "people": people, "relationships": relationships, "competitors": competitors}
    sections |= {"installed_base": installed, "needs": needs, "projects": projects, "cruxes": cruxes}
    sections |= {"actions": actions, **activity}
    plan |= {name: items for name, items in sections.items() if items}
    # Reviewed exceptions and private items anywhere a mapping item is, and on the root.
    for item in list_items(plan):
        if d(st.integers(min_value=0, max_value=5)) == 0:
            item["waive"] = d(st.dictionaries(st.sampled_from(RULE_CODES), reasons, min_size=1, max_size=2))
        if d(st.integers(min_value=0, max_value=7)) == 0:
            item["private"] = True
    d.opt(plan, "waive", st.dictionaries(st.sampled_from(RULE_CODES), reasons, max_size=2))
    return plan


def base_plans(v1: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    """What the mutation tests start from: the v1 test plan, or (a third of the time, to stay fast) a 1.1 one."""
    return st.one_of(st.just(v1), st.just(v1), plans_1_1())


def all_ids(data: dict[str, Any]) -> list[str]:
    """Every id in the shared namespace of a plan's raw data."""
    found = []
    for _, where in ID_LISTS:
        items: Any = data
        for key in where:
            items = items.get(key) if isinstance(items, dict) else None
        if isinstance(items, list):
            found += [i["id"] for i in items if isinstance(i, dict) and isinstance(i.get("id"), str)]
    return found


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
        # Any id of the namespace: a unit where a person belongs, a meeting where a project belongs…
        parent[last] = draw(st.sampled_from([*all_ids(data), "li-ming", "rival", "p-line", "us", "ghost"]))
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
    plan = data.draw(base_plans(make_plan()))
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
        data.draw(base_plans(make_plan())),
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=data.draw(st.booleans()),
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


def model_items(value: Any) -> Iterator[Item]:
    """Every list item of a loaded plan, at any depth."""
    if isinstance(value, list):
        for item in value:
            if isinstance(item, Item):
                yield item
            yield from model_items(item)
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from model_items(getattr(value, name))


def load_clean(plan: dict[str, Any]) -> tuple[Plan, Any, bytes]:
    raw = yaml.safe_dump(plan, allow_unicode=True, sort_keys=False).encode()
    loaded = load_plan_bytes(raw, FILE, "acme", RULE_CODES)
    assert [f.text() for f in loaded.findings] == []
    assert loaded.plan is not None
    return loaded.plan, loaded.lines, raw


PLAN_SETTINGS = settings(SETTINGS, max_examples=50)


@PLAN_SETTINGS
@given(plan=plans_1_1())
def test_valid_1_1_plans_load_clean_and_are_coached(plan: dict[str, Any]) -> None:
    loaded, lines, raw = load_clean(plan)
    coaching = coaching_findings(loaded, lines, FILE, TODAY)
    plan_health(loaded, coaching)
    assert_located(coaching, raw)
    written = {reason for item in [plan, *list_items(plan)] for reason in item.get("waive", {}).values()}
    for f in coaching:
        assert f.waived is None or f.waived in written, f
        if f.code in plan.get("waive", {}):  # a waiver on the root covers its code everywhere
            assert f.waived is not None, f
    # What the model holds is what the file says: written out and read back, it is the same plan.
    assert Plan.model_validate(loaded.model_dump(mode="json", by_alias=True)) == loaded


@PLAN_SETTINGS
@given(plan=plans_1_1())
def test_no_audience_of_a_1_1_plan_shows_a_hidden_item_or_a_reference_to_one(plan: dict[str, Any]) -> None:
    loaded, _, _ = load_clean(plan)
    for audience in AUDIENCES:
        seen = for_audience(loaded, audience).plan
        data = seen.model_dump(mode="json", by_alias=True, exclude_defaults=True)
        raw = yaml.safe_dump(data, allow_unicode=True).encode()
        again = load_plan_bytes(raw, FILE, "acme", RULE_CODES)
        # Every reference left names an item the audience sees ("renders as nothing, never as the
        # dropped text"); ids stay unique and trees stay trees.
        assert [f.text() for f in again.findings if f.code in ("ref", "dup-id", "cycle")] == [], audience
        if audience != "private":
            assert not any(item.private for item in model_items(seen)), audience
    partner = for_audience(loaded, "external").plan
    assert partner.summary == loaded.partner_summary
    assert partner.partnership is None
    for name in (
        "competitors",
        "installed_base",
        "needs",
        "cruxes",
        "whitespace",
        "contracts",
        "log",
        "risks",
    ):
        assert getattr(partner, name) == [], name
    for name in ("actions", "objectives", "meetings"):
        shared = [i for i in getattr(loaded, name) if i.share and not i.private]
        assert len(getattr(partner, name)) == len(shared), name
