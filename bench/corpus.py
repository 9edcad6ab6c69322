"""A deterministic corpus of realistic, valid account plans (Chinese and English) for benchmarks."""

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
}  # fmt: skip

_ROLES_FIRST = ["economic_buyer", "technical_buyer", "user_buyer", "coach", "champion", "influencer"]
_ROLES_MORE = ["gatekeeper", "approver", "procurement", "legal"]


def _day(rng: random.Random, back: int, ahead: int = 0) -> str:
    return (BASE_DAY + dt.timedelta(days=rng.randint(-back, ahead))).isoformat()


def _text(rng: random.Random, words: dict[str, list[str]], n: int = 1) -> str:
    return " ".join(rng.choice(words["sentences"]).format(n=rng.randint(1, 9)) for _ in range(n))


def _person(
    rng: random.Random, words: dict[str, list[str]], zh: bool, ident: str, boss: str | None
) -> dict[str, Any]:
    name = rng.choice(words["last"]) + ("" if zh else " ") + rng.choice(words["first"])
    person: dict[str, Any] = {
        "id": ident,
        "name": name,
        "title": rng.choice(words["titles"]),
        "department": rng.choice(words["departments"]),
    }
    if boss:
        person["reports_to"] = boss
    person["influence"] = rng.choice(["high", "medium", "low", "unknown"])
    person["support"] = rng.choice(["champion", "supporter", "neutral", "skeptic", "opponent", "unknown"])
    person["coverage"] = rng.choice(["none", "brief", "multiple", "in_depth"])
    person["political"] = rng.choice(["inner_circle", "power_structure", "formal_only", "unknown"])
    person["last_contact"] = _day(rng, 120)
    if rng.random() < 0.3:
        person["standing"] = _text(rng, words)
    if rng.random() < 0.15:
        person["personal"] = {
            "basis": rng.choice(["consent", "public", "contract"]),
            "as_of": _day(rng, 200),
            "likes": {
                "food": "noodles" if not zh else "面食",
                "hobbies": ["hiking", "tea"] if not zh else ["爬山", "喝茶"],
            },
            "goals": [_text(rng, words)],
        }
    return person


def _account(rng: random.Random, words: dict[str, list[str]], zh: bool, index: int) -> dict[str, Any]:
    account: dict[str, Any] = {
        "name": rng.choice(words["accounts"]),
        "industry": rng.choice(words["industry"]),
        "hq": rng.choice(words["cities"]),
        "website": f"https://www.example-{index}.com",
        "business_scope": rng.sample(words["products"], 2),
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
    if rng.random() < 0.4:
        account["consumption"] = [
            {
                "category": rng.choice(words["products"]),
                "volume": {"qty": rng.randint(10, 900), "unit": "sets", "per": "year"},
                "pattern": rng.choice(["continuous", "batch", "project", "seasonal"]),
                "cycle_months": rng.randint(1, 24),
                "next_purchase": _day(rng, 0, 300),
            }
        ]
    if rng.random() < 0.3:
        account["swot"] = {
            "strengths": [_text(rng, words)],
            "weaknesses": [_text(rng, words)],
            "opportunities": [_text(rng, words)],
            "threats": [_text(rng, words)],
        }
    return account  # fmt: skip


def plan_data(rng: random.Random, index: int) -> dict[str, Any]:
    """One plan as data: 150–250 lines once written, Chinese or English."""
    zh = rng.random() < 0.5
    words = _ZH if zh else _EN
    people_count = rng.randint(3, 6)
    people: list[dict[str, Any]] = []
    for i in range(people_count):
        boss = people[rng.randrange(len(people))]["id"] if people else None
        people.append(_person(rng, words, zh, f"p{index}-{i}", boss))
    competitors = [
        {
            "id": f"comp-{i}",
            "name": name,
            "status": rng.choice(["incumbent", "active", "potential"]),
            "products": rng.sample(words["products"], 2),
            "satisfaction": rng.randint(1, 5),
            "market_share": round(rng.uniform(5, 60), 1),
            "threat": rng.choice(["high", "medium", "low"]),
            "counter": _text(rng, words),
            "as_of": _day(rng, 300),
        }
        for i, name in enumerate(rng.sample(words["competitors"], rng.randint(1, 2)))
    ]
    projects = []
    for i in range(rng.choice([1, 1, 2])):
        stage = rng.randint(1, 8)
        members = rng.sample(people, rng.randint(2, 3))
        projects.append(
            {
                "id": f"proj-{i}",
                "name": rng.choice(words["products"]),
                "stage": stage,
                "stage_since": _day(rng, 150),
                "history": [{"stage": s, "on": _day(rng, 400, -160)} for s in range(1, min(stage, 1) + 1)],
                "purpose": _text(rng, words, 2),
                "value": rng.choice(
                    [rng.randint(100, 9000) * 1000, {"amount": rng.randint(1, 90) * 10000, "currency": "USD"}]
                ),
                "outcome": rng.choice(["open", "open", "open", "won", "lost"]),
                "timeline": {"decide_by": _day(rng, 0, 200), "sign_by": _day(rng, 0, 260)},
                "budget": {
                    "amount": rng.randint(1, 50) * 100000,
                    "status": rng.choice(["unknown", "requested", "approved"]),
                },
                "buying_team": [
                    {
                        "person": m["id"],
                        "roles": [
                            _ROLES_FIRST[j % len(_ROLES_FIRST)],
                            *rng.sample(_ROLES_MORE, rng.randint(0, 1)),
                        ],
                        "win": {"personal": _text(rng, words), "business": _text(rng, words)},
                    }
                    for j, m in enumerate(members)
                ],
                "criteria": [
                    {
                        "criterion": rng.choice(words["sentences"]).format(n=k),
                        "kind": rng.choice(["technical", "price", "service"]),
                        "weight": round(rng.uniform(0.1, 0.5), 2),
                        "shaped_by_us": rng.random() < 0.5,
                    }
                    for k in range(rng.randint(1, 2))
                ],
                "competition": [
                    {"competitor": c["id"], "position": rng.choice(["ahead", "even", "behind"])}
                    for c in competitors
                ],
                "red_flags": [_text(rng, words)],
            }
        )
    needs = [
        {
            "id": f"need-{i}",
            "statement": _text(rng, words),
            "kind": rng.choice(["product", "service", "special"]),
            "visibility": rng.choice(["explicit", "hidden"]),
            "holder": rng.choice(people)["id"],
            "project": rng.choice(projects)["id"],
            "priority": rng.choice(["high", "medium", "low"]),
            "evidence": _text(rng, words),
        }
        for i in range(rng.randint(1, 3))
    ]
    account = _account(rng, words, zh, index)
    data: dict[str, Any] = {
        "kaplan": 1,
        "summary": _text(rng, words, 3),
        "plan": {
            "owner": "am",
            "status": rng.choice(["draft", "active", "review", "approved"]),
            "period": {"start": "2026-01-01", "end": "2026-12-31"},
            "reviewed": _day(rng, 120),
            "tier": rng.choice("ABCD"),
            "currency": "CNY",
            "locale": "zh" if zh else "en",
        },
        "account": account,
        "team": [
            {"id": "am", "name": "Li Ming" if not zh else "李明", "role": "account_manager"},
            {"id": "se", "name": "Zhou Yan" if not zh else "周燕", "role": "presales"},
        ],
        "people": people,
        "relationships": [
            {"from": rng.choice(people)["id"], "to": rng.choice(people)["id"], "kind": rng.choice(["influences", "ally", "conflicts"])}
            for _ in range(rng.randint(1, 2))
        ],
        "competitors": competitors,
        "installed_base": [
            {"product": rng.choice(words["products"]), "vendor": rng.choice([*(c["id"] for c in competitors), "us"]),
             "since": rng.randint(2010, 2025), "satisfaction": rng.randint(1, 5)}
        ],
        "needs": needs,
        "projects": projects,
        "cruxes": [
            {"id": "crux-person", "kind": "person", "statement": _text(rng, words), "refs": [people[0]["id"]],
             "action": _text(rng, words)},
            {"id": "crux-need", "kind": "special_need", "statement": _text(rng, words), "refs": [needs[0]["id"]]},
        ],
        "actions": [
            {"id": f"act-{i}", "what": _text(rng, words), "owner": rng.choice(["am", "se"]), "due": _day(rng, 30, 60),
             "status": rng.choice(["open", "open", "done"]), "person": rng.choice(people)["id"]}
            for i in range(rng.randint(2, 3))
        ],
    }  # fmt: skip
    return data


def plan_text(data: dict[str, Any]) -> str:
    """The data as a person would write it: block YAML, unquoted dates, a header comment."""
    text = yaml.dump(data, Dumper=yaml.CSafeDumper, allow_unicode=True, sort_keys=False, width=100)
    text = re.sub(r"'(\d{4}-\d{2}-\d{2})'", r"\1", text)
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
