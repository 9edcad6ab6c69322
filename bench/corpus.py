"""A deterministic corpus of realistic, valid account plans (Chinese and English) for benchmarks.

Each plan uses format 1.1 as a key-account manager would: a few units, an objective or two, the
whitespace of its plants, a contract, meetings to come, a log of recent contacts and the risks, beside
the version-1 deal sheets (people, competitors, needs, projects, cruxes, actions).
"""

from __future__ import annotations

import datetime as dt
import random
import re
from pathlib import Path
from typing import Any

import yaml

MIN_LINES, MAX_LINES = 150, 250
BASE_DAY = dt.date(2026, 11, 27)

_EN = {
    "accounts": ["Northwind Chemicals", "Harbor Steel", "Bluefield Cement", "Summit Paper", "Redrock Mining",
                 "Lakeside Glass", "Ironbridge Foundry", "Silverline Textiles", "Eastport Power", "Greenvale Foods"],
    "industry": ["Chemicals", "Steel", "Cement", "Paper", "Mining", "Glass", "Power", "Food processing"],
    "cities": ["Tianjin", "Shanghai", "Wuhan", "Chongqing", "Qingdao", "Ningbo", "Xi'an", "Shenyang"],
    "first": ["Anna", "Ben", "Chen", "David", "Emma", "Frank", "Grace", "Henry", "Iris", "Jack", "Kate", "Leo",
              "Mia", "Noah", "Olivia", "Paul", "Quinn", "Rosa", "Sam", "Tina"],
    "last": ["Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Zhao", "Huang", "Zhou", "Wu", "Xu", "Sun"],
    "titles": ["General Manager", "CFO", "CTO", "Purchasing Director", "Plant Manager", "Maintenance Lead",
               "Process Engineer", "Quality Manager", "Procurement Officer", "Production VP"],
    "departments": ["Management", "Finance", "Engineering", "Purchasing", "Production", "Quality"],
    "products": ["drive upgrade", "pump retrofit", "control system", "spare parts contract", "service agreement",
                 "energy audit", "conveyor line", "filtration unit"],
    "sentences": ["Wants fewer unplanned stops on line {n}.", "Budget is tight until the next fiscal year.",
                  "Prefers suppliers with a local service team.", "Asked twice about total cost of ownership.",
                  "Compares every offer with the incumbent's price list.", "Keen on **energy savings** this year.",
                  "Will not sign without a site reference.", "Sees us as *innovative but expensive*."],
    "competitors": ["Rival Drives", "Apex Pumps", "Delta Automation", "Orion Industrial", "Vertex Systems"],
    "group": "Group headquarters",
    "units": ["Plant {n}", "Central purchasing", "Service centre", "Trading company", "Research institute"],
    "offerings": ["Drives", "Pumps", "Spare parts", "Service contract", "Automation", "Filtration"],
    "objectives": {"share": ("Raise our share of their spend to {n}0%.", "%"),
                   "footprint": ("Supply a second plant by year end.", "plants"),
                   "revenue": ("Reach revenue of {n} million this year.", "M CNY"),
                   "relationship": ("Be seen as a partner on energy savings.", "level"),
                   "customer_success": ("Halve their unplanned stops with our service.", "stops a month")},
    "meetings": ["Technical review with the plant team", "Quarterly business review", "Site visit to line {n}",
                 "Price negotiation", "Reference visit to a customer plant"],
    "log": ["Visited the plant; they showed us line {n}.", "Call about the delivery schedule.",
            "Sent the revised offer.", "Review of last quarter's service reports.",
            "Review of the spare parts stock with the maintenance team."],
    "complaint": ["One delivery arrived late; replaced within two days.", "A seal failed after a week; replaced."],
    "risks": ["The incumbent cuts its price in the second round.", "The budget moves to the next fiscal year.",
              "Our champion may be transferred to another plant.", "Lead times slip during the shutdown."],
    "calendar": ["Annual tender", "Plant shutdown", "Group purchasing round", "Budget planning"],
    "terms": ("60 days after acceptance", "Delivered to the plant", "Fixed for a year"),
    "kpis": ["Unplanned stops a month", "Energy per tonne", "Spare parts stock"],
    "steps": ["Technical evaluation", "Commercial round", "Board approval"],
}  # fmt: skip
_ZH = {
    "accounts": ["鞍山特钢", "河北水泥", "华东化工", "南方造纸", "西部矿业", "滨海玻璃", "铁桥铸造", "银线纺织",
                 "东港电力", "绿谷食品"],
    "industry": ["化工", "钢铁", "水泥", "造纸", "矿业", "玻璃", "电力", "食品加工"],
    "cities": ["天津", "上海", "武汉", "重庆", "青岛", "宁波", "西安", "沈阳"],
    "first": ["芳", "伟", "娜", "强", "敏", "静", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "霞"],
    "last": ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙"],
    "titles": ["总经理", "财务总监", "技术总监", "采购部长", "厂长", "设备科长", "工艺工程师", "质量经理",
               "采购员", "生产副总"],
    "departments": ["总经办", "财务部", "技术部", "采购部", "生产部", "质量部"],
    "products": ["传动改造", "水泵更新", "控制系统", "备件框架合同", "服务协议", "节能诊断", "输送线", "过滤装置"],
    "sentences": ["希望{n}号线减少非计划停机。", "下个财年之前预算紧张。", "倾向于有本地服务团队的供应商。",
                  "两次询问全生命周期成本。", "每份报价都拿来和现有供应商的价目表比较。", "今年很看重**节能**。",
                  "没有现场案例不会签字。", "认为我们*创新但偏贵*。"],
    "competitors": ["瑞拓传动", "顶峰泵业", "德尔塔自动化", "猎户工业", "维特系统"],
    "group": "集团本部",
    "units": ["第{n}工厂", "采购中心", "维修中心", "进出口贸易公司", "研究院"],
    "offerings": ["传动", "水泵", "备件", "服务合同", "自动化", "过滤"],
    "objectives": {"share": ("把我方份额提升到 {n}0%。", "%"),
                   "footprint": ("年底前进入第二家工厂。", "家工厂"),
                   "revenue": ("今年实现销售收入 {n} 千万元。", "百万元"),
                   "relationship": ("在节能方面成为客户的合作伙伴。", "级"),
                   "customer_success": ("通过服务把非计划停机减半。", "次/月")},
    "meetings": ["与工厂技术团队的技术交流", "季度业务回顾", "{n}号线现场考察", "商务谈判", "参观样板客户工厂"],
    "log": ["拜访工厂，参观了{n}号线。", "电话沟通交货计划。", "发送修改后的报价。", "回顾上季度服务报告。",
            "与维修团队一起盘点备件库存。"],
    "complaint": ["一批货晚到，两天内已补货。", "密封件一周后失效，已更换。"],
    "risks": ["现供应商在二次报价中大幅降价。", "预算推迟到下个财年。", "我方支持者可能调往其他工厂。",
              "停产检修期间交货期延误。"],
    "calendar": ["年度招标", "停产大修", "集团集采", "预算编制"],
    "terms": ("验收后 60 天付款", "到厂交货", "年度定价"),
    "kpis": ["每月非计划停机", "吨产品能耗", "备件库存"],
    "steps": ["技术评标", "商务谈判", "总经理办公会定标"],
}  # fmt: skip

_ROLES_FIRST = ["economic_buyer", "technical_buyer", "user_buyer", "coach", "champion", "influencer"]
_ROLES_MORE = ["gatekeeper", "approver", "procurement", "legal"]
_WAIVABLE = ["stale-contact", "single-threaded", "overdue-action", "uncovered-influencer"]
# The baseline and target ranges of an objective's measure, by kind.
_MEASURES = {"share": ((5, 20), (25, 50)), "footprint": ((1, 1), (2, 3)), "revenue": ((5, 20), (20, 60)),
             "relationship": ((1, 2), (3, 4)), "customer_success": ((6, 9), (2, 4))}  # fmt: skip
# The kind of each entry of "units" in the word lists, in the same order.
_UNIT_KINDS = ["plant", "buying_center", "site", "subsidiary", "department"]


class _Flow(list[Any]):
    """A short list of scalars, written ``[a, b]`` as people write them."""


class _Dumper(yaml.CSafeDumper):
    """Block YAML, with short lists and short mappings of scalars on one line (``{on: …, stage: 2}``)."""


def _scalar(value: Any) -> bool:
    return value is None or isinstance(value, (str, int, float, bool))


def _represent_dict(dumper: yaml.SafeDumper, data: dict[str, Any]) -> yaml.Node:
    short = all(_scalar(v) for v in data.values()) and sum(len(f"{k}: {v}, ") for k, v in data.items()) <= 72
    return dumper.represent_mapping("tag:yaml.org,2002:map", data, flow_style=short)


def _represent_flow(dumper: yaml.SafeDumper, data: _Flow) -> yaml.Node:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=True)


_Dumper.add_representer(dict, _represent_dict)
_Dumper.add_representer(_Flow, _represent_flow)


def _day(rng: random.Random, back: int, ahead: int = 0) -> str:
    return (BASE_DAY + dt.timedelta(days=rng.randint(-back, ahead))).isoformat()


def _text(rng: random.Random, words: dict[str, Any], n: int = 1, key: str = "sentences") -> str:
    return " ".join(rng.choice(words[key]).format(n=rng.randint(1, 9)) for _ in range(n))


def _source(rng: random.Random) -> dict[str, Any]:
    return {
        "kind": rng.choice(["customer", "coach", "public", "partner"]),
        "by": rng.choice(["am", "se"]),
        "on": _day(rng, 120),
        "confidence": rng.choice(["confirmed", "likely", "assumed"]),
    }


def _person(
    rng: random.Random, words: dict[str, Any], zh: bool, ident: str, boss: str | None, units: list[str]
) -> dict[str, Any]:
    name = rng.choice(words["last"]) + ("" if zh else " ") + rng.choice(words["first"])
    person: dict[str, Any] = {"id": ident, "name": name, "title": rng.choice(words["titles"])}
    if rng.random() < 0.3:
        person["department"] = rng.choice(words["departments"])
    if boss:
        person["reports_to"] = boss
    person["influence"] = rng.choice(["high", "medium", "low", "unknown"])
    person["support"] = rng.choice(["champion", "supporter", "neutral", "skeptic", "opponent", "unknown"])
    person["coverage"] = rng.choice(["none", "brief", "multiple", "in_depth"])
    if rng.random() < 0.3:
        person["political"] = rng.choice(["inner_circle", "power_structure", "formal_only", "unknown"])
    person["last_contact"] = _day(rng, 120)
    if rng.random() < 0.7:
        person["unit"] = rng.choice(units)
    if rng.random() < 0.4:
        person["owner"] = rng.choice(["am", "se"])
    if rng.random() < 0.3:
        person["account_role"] = rng.choice(["sponsor", "anti_sponsor", "strategic_coach", "key_player"])
    if rng.random() < 0.4:
        person["sees_us_at"] = rng.randint(1, 4)
    if rng.random() < 0.2:
        person["email"] = f"{ident}@example.com"
    if rng.random() < 0.15:
        person["source"] = _source(rng)
    if rng.random() < 0.15:
        person["standing"] = _text(rng, words)
    if rng.random() < 0.08:
        person["personal"] = {
            "basis": rng.choice(["consent", "public", "contract"]),
            "as_of": _day(rng, 200),
            "likes": {
                "food": "面食" if zh else "noodles",
                "hobbies": _Flow(["爬山", "喝茶"] if zh else ["hiking", "tea"]),
            },
            "goals": [_text(rng, words)],
        }
    if rng.random() < 0.05:
        person["waive"] = {rng.choice(_WAIVABLE): _text(rng, words)}
    return person


def _units(rng: random.Random, words: dict[str, Any]) -> list[dict[str, Any]]:
    """The group and 1–3 units below it, one of them sometimes out of scope."""
    units: list[dict[str, Any]] = [{"id": "u-group", "name": words["group"], "kind": "group"}]
    picked = sorted(rng.sample(range(len(_UNIT_KINDS)), rng.randint(1, 3)))
    for i, at in enumerate(picked):
        kind = _UNIT_KINDS[at]
        unit: dict[str, Any] = {"id": f"u-{i}", "name": words["units"][at].format(n=i + 1), "kind": kind}
        unit["parent"] = "u-group"
        if kind == "plant":
            unit["location"] = rng.choice(words["cities"])
        if kind == "subsidiary" and rng.random() < 0.5:
            unit["in_scope"] = False
        units.append(unit)
    return units


def _account(
    rng: random.Random, words: dict[str, Any], zh: bool, index: int, units: list[dict[str, Any]]
) -> dict[str, Any]:
    account: dict[str, Any] = {
        "name": rng.choice(words["accounts"]),
        "industry": rng.choice(words["industry"]),
        "hq": rng.choice(words["cities"]),
        "website": f"https://www.example-{index}.com",
        "business_scope": _Flow(rng.sample(words["products"], 2)),
        "contacts": [
            {
                "label": "总机" if zh else "Switchboard",
                "phone": f"0{rng.randint(10, 99)}-{rng.randint(10**7, 10**8 - 1)}",
            }
        ],
        "scale": {
            "employees": rng.randint(200, 20000),
            "revenue": rng.randint(1, 500) * 10**7,
            "sites": rng.randint(1, 12),
        },
    }
    if rng.random() < 0.2:
        account["consumption"] = [
            {
                "category": rng.choice(words["products"]),
                "volume": {"qty": rng.randint(10, 900), "unit": "sets", "per": "year"},
                "pattern": rng.choice(["continuous", "batch", "project", "seasonal"]),
                "cycle_months": rng.randint(1, 24),
                "next_purchase": _day(rng, 0, 300),
            }
        ]
    if rng.random() < 0.05:
        account["swot"] = {
            "strengths": [_text(rng, words)],
            "weaknesses": [_text(rng, words)],
            "opportunities": [_text(rng, words)],
            "threats": [_text(rng, words)],
        }
    account["units"] = units
    if rng.random() < 0.3:
        major = rng.randint(51, 90)
        account["shareholders"] = [
            {"name": words["group"], "share": major},
            {"name": "地方国资平台" if zh else "City investment fund", "share": 100 - major},
        ]
    account["purchasing_calendar"] = [
        {"what": what, "months": _Flow(sorted(rng.sample(range(1, 13), rng.randint(1, 2))))}
        for what in rng.sample(words["calendar"], rng.randint(1, 2))
    ]
    if rng.random() < 0.4:
        account["terms"] = dict(zip(("payment", "delivery", "pricing"), words["terms"], strict=True))
    return account  # fmt: skip


def _project(
    rng: random.Random,
    words: dict[str, Any],
    i: int,
    people: list[dict[str, Any]],
    competitors: list[dict[str, Any]],
    units: list[str],
) -> dict[str, Any]:
    stage = rng.randint(1, 8)
    members = rng.sample(people, rng.choice([2, 2, 3]))
    decide = rng.randint(0, 200)
    project: dict[str, Any] = {
        "id": f"proj-{i}",
        "name": rng.choice(words["products"]),
        "stage": stage,
        "stage_since": _day(rng, 150),
        "history": _Flow([{"stage": 1, "on": _day(rng, 400, -160)}]),
        "purpose": _text(rng, words),
        "value": rng.choice(
            [rng.randint(100, 9000) * 1000, {"amount": rng.randint(1, 90) * 10000, "currency": "USD"}]
        ),
        "outcome": rng.choice(["open", "open", "open", "won", "lost"]),
        "timeline": {
            "decide_by": _day(rng, -decide, decide),
            "sign_by": _day(rng, -decide - 10, decide + 60),
        },
        "unit": rng.choice(units),
        "probability": rng.choice([10, 20, 30, 40, 50, 60, 70, 80]),
    }
    if rng.random() < 0.5:
        project["budget"] = {
            "amount": rng.randint(1, 50) * 100000,
            "status": rng.choice(["unknown", "requested", "approved"]),
        }
    project["buying_team"] = [
        {
            "person": m["id"],
            "roles": _Flow(
                [_ROLES_FIRST[j % len(_ROLES_FIRST)], *rng.sample(_ROLES_MORE, rng.randint(0, 1))]
            ),
            "win": {"personal": _text(rng, words)},
        }
        for j, m in enumerate(members)
    ]
    project["criteria"] = [
        {
            "criterion": rng.choice(words["sentences"]).format(n=k),
            "kind": rng.choice(["technical", "price", "service"]),
            "weight": round(rng.uniform(0.1, 0.5), 2),
            "shaped_by_us": rng.random() < 0.5,
        }
        for k in range(rng.choice([1, 1, 2]))
    ]
    project["decision_process"] = [
        {
            "step": rng.choice(words["steps"]),
            "owner": rng.choice(people)["id"],
            "by": _day(rng, 30, 120),
            "status": rng.choice(["planned", "planned", "done", "slipped"]),
        }
    ]
    project["competition"] = [
        {"competitor": c["id"], "position": rng.choice(["ahead", "even", "behind"])} for c in competitors
    ]
    if rng.random() < 0.6:
        project["red_flags"] = [_text(rng, words)]
    if rng.random() < 0.4:
        project["compelling_event"] = _text(rng, words)
    if rng.random() < 0.3:
        project["metrics"] = [
            {
                "kpi": rng.choice(words["kpis"]),
                "baseline": str(rng.randint(4, 9)),
                "target": str(rng.randint(1, 3)),
            }
        ]
    if rng.random() < 0.4:
        project["lead_time_weeks"] = rng.randint(2, 12)
    if project["outcome"] == "won":
        project["stage"] = 8  # a deal is won when it is signed
    if project["outcome"] == "lost":
        project["loss_reason"] = _text(rng, words)
    return project


def _activity(
    rng: random.Random,
    words: dict[str, Any],
    zh: bool,
    people: list[str],
    projects: list[dict[str, Any]],
    competitors: list[str],
    units: list[dict[str, Any]],
) -> dict[str, Any]:
    """Format 1.1's account-level sections: objectives, whitespace, contracts, meetings, log, risks."""
    project_ids = [p["id"] for p in projects]
    open_ids = [p["id"] for p in projects if p["outcome"] == "open"]
    plants = [u["id"] for u in units if u.get("kind") != "group" and u.get("in_scope", True)] or ["u-group"]
    objectives = []
    for i, kind in enumerate(rng.sample(sorted(_MEASURES), rng.choice([1, 1, 2]))):
        statement, unit = words["objectives"][kind]
        low, high = _MEASURES[kind]
        baseline, target = rng.randint(*low), rng.randint(*high)
        objective: dict[str, Any] = {
            "id": f"obj-{i}",
            "statement": statement.format(n=rng.randint(2, 5)),
            "kind": kind,
            "measure": {"unit": unit, "baseline": baseline, "target": target},
            "due": _day(rng, -30, 400),
            "owner": "am",
            "status": rng.choice(["on_track", "on_track", "at_risk", "off_track", "done"]),
            "projects": _Flow(rng.sample(project_ids, 1)),
        }
        if rng.random() < 0.3:
            objective["share"] = True
        objectives.append(objective)
    cells = []
    for unit, offering in rng.sample([(u, o) for u in plants for o in words["offerings"]], rng.randint(2, 3)):
        state = rng.choice(["ours", "competitor", "open", "project", "not_applicable"])
        cell: dict[str, Any] = {"unit": unit, "offering": offering, "state": state}
        if state == "competitor":
            cell["competitor"] = rng.choice(competitors)
        elif state == "project":
            cell["project"] = rng.choice(project_ids)
        if state in ("open", "project", "competitor"):
            cell["potential"] = rng.randint(5, 500) * 10000
        cells.append(cell)
    contracts = []
    if rng.random() < 0.7:
        start = _day(rng, 700, -200)
        contract: dict[str, Any] = {
            "id": "ctr-0",
            "name": rng.choice(words["products"]),
            "kind": rng.choice(["supply", "service", "framework"]),
            "start": start,
            "end": _day(rng, -30, 500),
            "value": rng.randint(50, 3000) * 10000,
            "notice_days": rng.choice([30, 60, 90]),
            "unit": rng.choice(plants),
        }
        if open_ids:
            contract["renewal"] = rng.choice(open_ids)
        contracts.append(contract)
    meetings = []
    for i in range(rng.choice([1, 1, 2])):
        meeting: dict[str, Any] = {
            "id": f"mtg-{i}",
            "on": _day(rng, 20, 40),
            "title": _text(rng, words, key="meetings"),
            "attendees": _Flow(rng.sample(people, rng.randint(1, 2))),
            "ours": _Flow(["am"]),
            "project": rng.choice(project_ids),
            "objective": _text(rng, words),
            "commitment": {"best": _text(rng, words), "minimum": _text(rng, words)},
        }
        if rng.random() < 0.3:
            meeting["questions"] = [_text(rng, words)]
        if meeting["on"] < BASE_DAY.isoformat() and rng.random() < 0.7:
            meeting["outcome"] = _text(rng, words)
        if rng.random() < 0.2:
            meeting["share"] = True
        meetings.append(meeting)
    log = []
    for _ in range(rng.choice([2, 2, 3])):
        kind = rng.choice(["visit", "visit", "call", "email", "meeting", "complaint"])
        entry: dict[str, Any] = {
            "on": _day(rng, 90),
            "kind": kind,
            "summary": _text(rng, words, key=kind if kind == "complaint" else "log"),
            "people": _Flow(rng.sample(people, 1)),
            "by": rng.choice(["am", "se"]),
        }
        if rng.random() < 0.5:
            entry["project"] = rng.choice(project_ids)
        if kind == "complaint":
            entry["status"] = rng.choice(["open", "closed", "closed"])
        log.append(entry)
    log.sort(key=lambda e: str(e["on"]))
    risks = [
        {
            "id": f"risk-{i}",
            "statement": _text(rng, words, key="risks"),
            "likelihood": rng.choice(["low", "medium", "high"]),
            "impact": rng.choice(["low", "medium", "high"]),
            "owner": "am",
            **({"mitigation": _text(rng, words)} if rng.random() < 0.6 else {}),
            **({"project": rng.choice(project_ids)} if rng.random() < 0.6 else {}),
        }
        for i in range(rng.choice([1, 1, 2]))
    ]
    out: dict[str, Any] = {"objectives": objectives, "whitespace": cells}
    if contracts:
        out["contracts"] = contracts
    return out | {"meetings": meetings, "log": log, "risks": risks}


def plan_data(rng: random.Random, index: int) -> dict[str, Any]:
    """One plan as data: 150–250 lines once written, Chinese or English."""
    zh = rng.random() < 0.5
    words = _ZH if zh else _EN
    units = _units(rng, words)
    unit_ids = [u["id"] for u in units]
    people: list[dict[str, Any]] = []
    for i in range(rng.choice([3, 3, 3, 3, 4])):
        boss = people[rng.randrange(len(people))]["id"] if people else None
        people.append(_person(rng, words, zh, f"p{index}-{i}", boss, unit_ids))
    competitors = []
    for i, name in enumerate(rng.sample(words["competitors"], rng.choice([1, 1, 2]))):
        competitor: dict[str, Any] = {
            "id": f"comp-{i}",
            "name": name,
            "status": rng.choice(["incumbent", "active", "potential"]),
            "products": _Flow(rng.sample(words["products"], 2)),
            "threat": rng.choice(["high", "medium", "low"]),
            "counter": _text(rng, words),
            "as_of": _day(rng, 300),
        }
        if rng.random() < 0.5:
            competitor["satisfaction"] = rng.randint(1, 5)
            competitor["market_share"] = round(rng.uniform(5, 60), 1)
        if rng.random() < 0.5:
            competitor["pricing"] = _text(rng, words)
        if rng.random() < 0.2:
            competitor["source"] = _source(rng)
        competitors.append(competitor)
    competitor_ids = [c["id"] for c in competitors]
    projects = [
        _project(rng, words, i, people, competitors, unit_ids) for i in range(rng.choice([1, 1, 1, 2]))
    ]
    needs = [
        {
            "id": f"need-{i}",
            "statement": _text(rng, words),
            "kind": rng.choice(["product", "service", "special"]),
            "visibility": rng.choice(["explicit", "hidden"]),
            "holder": rng.choice(people)["id"],
            "project": rng.choice(projects)["id"],
            "priority": rng.choice(["high", "medium", "low"]),
            **({"evidence": _text(rng, words)} if rng.random() < 0.6 else {}),
            **({"source": _source(rng)} if rng.random() < 0.2 else {}),
        }
        for i in range(rng.choice([1, 1, 2]))
    ]
    activity = _activity(rng, words, zh, [p["id"] for p in people], projects, competitor_ids, units)
    meetings = [m["id"] for m in activity["meetings"]]
    objectives = [o["id"] for o in activity["objectives"]]
    installed: dict[str, Any] = {
        "product": rng.choice(words["products"]),
        "vendor": rng.choice([*competitor_ids, "us"]),
        "since": rng.randint(2010, 2025),
        "satisfaction": rng.randint(1, 5),
        "unit": rng.choice(unit_ids),
    }
    if installed["vendor"] == "us" and "contracts" in activity:
        installed["contract"] = "ctr-0"
    data: dict[str, Any] = {
        "kaplan": 1,
        "summary": _text(rng, words, 3),
        **({"partner_summary": _text(rng, words)} if rng.random() < 0.4 else {}),
        "plan": {
            "owner": "am",
            "status": rng.choice(["draft", "active", "review", "approved"]),
            "period": {"start": "2026-01-01", "end": "2026-12-31"},
            "reviewed": _day(rng, 120),
            "tier": rng.choice("ABCD"),
            "currency": "CNY",
            "locale": "zh" if zh else "en",
        },
        "account": _account(rng, words, zh, index, units),
    }
    if rng.random() < 0.5:
        ours = rng.randint(1, 30) * 10**6
        data["partnership"] = {
            "level": {"now": rng.randint(1, 3), "target": rng.randint(3, 5), "by": _day(rng, -100, 500)},
            "wallet": {"ours": ours, "total": ours * rng.randint(2, 10), "as_of": _day(rng, 90)},
            "strengths": [_text(rng, words)],
            "vulnerabilities": [_text(rng, words)],
        }
    data |= {
        "team": [
            {"id": "am", "name": "Li Ming" if not zh else "李明", "role": "account_manager"},
            {"id": "se", "name": "Zhou Yan" if not zh else "周燕", "role": "presales"},
        ],
        "people": people,
        "relationships": [
            {"from": rng.choice(people)["id"], "to": rng.choice(people)["id"], "kind": rng.choice(["influences", "ally", "conflicts"])}
        ],
        "competitors": competitors,
        "installed_base": [installed],
        "needs": needs,
        "projects": projects,
        "cruxes": [
            {"id": "crux-person", "kind": "person", "statement": _text(rng, words), "refs": _Flow([people[0]["id"]]),
             "action": _text(rng, words)},
            *([{"id": "crux-need", "kind": "special_need", "statement": _text(rng, words), "refs": _Flow([needs[0]["id"]])}]
              if rng.random() < 0.5 else []),
        ],
        **activity,
        "actions": [
            {"id": f"act-{i}", "what": _text(rng, words), "owner": rng.choice(["am", "se"]), "due": _day(rng, 30, 60),
             "status": rng.choice(["open", "open", "done"]),
             **({"person": rng.choice(people)["id"]} if rng.random() < 0.6 else {}),
             **({"objective": rng.choice(objectives)} if rng.random() < 0.4 else {}),
             **({"meeting": rng.choice(meetings)} if rng.random() < 0.3 else {}),
             **({"share": True} if rng.random() < 0.15 else {})}
            for i in range(rng.choice([2, 2, 2, 3]))
        ],
    }  # fmt: skip
    return data


def plan_text(data: dict[str, Any]) -> str:
    """The data as a person would write it: block YAML, unquoted dates, a header comment."""
    text = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)
    text = re.sub(r"'(\d{4}-\d{2}-\d{2})'", r"\1", text)
    text = text.replace("'on':", "on:")  # a YAML 1.2 reader takes `on` as the text it is
    return "# yaml-language-server: $schema=../schema/plan.schema.json\n" + text


def generate_corpus(folder: Path, n: int, seed: int) -> list[Path]:
    """Write ``n`` valid plans of 150–250 lines (about half Chinese) into ``folder``; same seed, same bytes."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    for index in range(n):
        while True:
            text = plan_text(plan_data(rng, index))
            if MIN_LINES <= text.count("\n") <= MAX_LINES:
                break
        path = folder / f"account-{index:04d}.yaml"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths
