"""Print quality, checked by machine (tests/pdfcheck.py): no overlapping text, nothing off the
page, no near-empty pages, no heading stranded at the foot of a page.

Over the example plans' dossiers and briefings, and over generated edge cases: a 60-character
company name with 12 competitors and an 80-person org; a five-line plan; every field at its
longest realistic length, in Chinese and in English. Each document is rendered once per module.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import TODAY
from pdfcheck import print_problems

from kaplan.config import load_workspace
from kaplan.plan.yaml12 import read_yaml
from kaplan.site.tasks import BuildOptions, build_one

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = ["anshan-special-steel", "northwind-chemicals", "hebei-cement"]

FIVE_LINES = """\
kaplan: 1
plan: {owner: li, reviewed: 2026-11-01, locale: en}
account: {name: Five Line Trading}
team: [{id: li, name: Li Ming, role: account_manager}]
summary: One line of summary.
"""

NAME_60 = "Consolidated Northern Anatolian Refractory & Ceramics Company"[:60]


def wide_plan() -> dict[str, Any]:
    """A 60-character company name, 12 competitors and an 80-person org (four reports a manager)."""
    plan = read_yaml(FIVE_LINES).data
    plan["account"]["name"] = NAME_60
    plan["competitors"] = [
        {
            "id": f"rival-{n}",
            "name": f"Rival Refractories International {n}",
            "status": "incumbent" if n % 3 == 0 else "active",
            "threat": ["high", "medium", "low"][n % 3],
            "market_share": 5 + n,
            "products": ["Magnesia-carbon bricks", "Alumina castables"],
            "counter": "Prove lining life on one ladle before the tender; price per heat, not per tonne.",
        }
        for n in range(12)
    ]
    plan["people"] = [
        {
            "id": f"p{n}",
            "name": f"Person Number {n}",
            "title": "Head of Steelmaking Operations" if n < 5 else "Process Engineer",
            **({"reports_to": f"p{(n - 1) // 4}"} if n else {}),
        }
        for n in range(80)
    ]
    assert len(NAME_60) == 60
    return plan


# The longest realistic text of a field, by the key that holds it: short labels, names, prose.
LONG = {
    "zh": {
        "label": "中国宝武钢铁集团有限公司下属鞍山特殊钢有限公司第二炼钢厂连铸车间",
        "person": "欧阳振华",
        "prose": (
            "客户明确表示，在二〇二七年一月一日前必须完成第二炼钢厂全部钢包的耐材整体承包切换，"
            "否则将影响全年特钢产量目标；采购部、技术部与生产部三方对供应商的评价标准并不一致，"
            "技术部更看重包龄与吨钢耗材成本，采购部更看重价格与账期，生产部则关心停炉时间。"
        ),
    },
    "en": {
        "label": "Second Steelmaking Plant Continuous Casting and Ladle Refractories Division",
        "person": "Maximilian Okonkwo-Fitzgerald",
        "prose": (
            "The customer has said plainly that every ladle of the second steelmaking plant must move "
            "to a full-service refractory contract before 1 January 2027, or the year's special-steel "
            "output target is at risk; purchasing, technology and production judge suppliers "
            "differently: technology weighs ladle life and cost per tonne, purchasing weighs price and "
            "payment terms, and production cares about downtime."
        ),
    },
}
LABEL_KEYS = {
    "title",
    "department",
    "product",
    "category",
    "criterion",
    "step",
    "what",
    "kpi",
    "industry",
    "hq",
}
PROSE_KEYS = {
    "statement",
    "summary",
    "purpose",
    "notes",
    "evidence",
    "standing",
    "usage",
    "mitigation",
    "counter",
    "action",
}
NAME_KEYS = {"name"}


def lengthen(node: Any, locale: str, key: str = "") -> Any:
    """Every text field of a plan at its longest realistic length (ids, dates and enums untouched)."""
    texts = LONG[locale]
    if isinstance(node, dict):
        return {k: lengthen(v, locale, k) for k, v in node.items()}
    if isinstance(node, list):
        return [lengthen(v, locale, key) for v in node]
    if not isinstance(node, str):
        return node
    if key in PROSE_KEYS:
        return texts["prose"]
    if key in LABEL_KEYS:
        return texts["label"][: max(len(node), 36 if locale == "zh" else 70)]
    return node


def longest_plan(source: str, locale: str) -> dict[str, Any]:
    """An example plan with every field at its longest realistic length."""
    plan = read_yaml((REPO / "plans" / f"{source}.yaml").read_text(encoding="utf-8")).data
    plan = lengthen(plan, locale)
    texts = LONG[locale]
    plan["account"]["name"] = texts["label"][:30] if locale == "zh" else NAME_60
    for person in plan.get("people", []):
        person["name"] = texts["person"]
    for group in ("projects", "competitors", "contracts"):
        for item in plan.get(group, []):
            item["name"] = (item["name"] + " · " + texts["label"])[: 40 if locale == "zh" else 80]
    return plan


def render(root: Path, ident: str, plan: dict[str, Any] | str | None) -> dict[str, bytes]:
    """The dossier and briefing PDFs of a plan (an example's when ``plan`` is None)."""
    if plan is None:
        path, project = REPO / "plans" / f"{ident}.yaml", load_workspace(REPO)
    else:
        (root / "plans").mkdir(parents=True)
        path = root / "plans" / f"{ident}.yaml"
        text = plan if isinstance(plan, str) else yaml.safe_dump(plan, allow_unicode=True, sort_keys=False)
        path.write_text(text, encoding="utf-8")
        project = load_workspace(root)
    options = BuildOptions(out=root / "out", html=False, today=TODAY)
    result = build_one(path, ident, project, options)
    assert result.ok, (result.error, [f.text() for f in result.findings if f.structural])
    return {p.name.split(".", 1)[1]: p.read_bytes() for p in result.written}


CASES: dict[str, Callable[[], dict[str, Any] | str | None]] = {
    **{name: lambda: None for name in EXAMPLES},
    "wide": wide_plan,
    "five-lines": lambda: FIVE_LINES,
    "longest-zh": lambda: longest_plan("anshan-special-steel", "zh"),
    "longest-en": lambda: longest_plan("northwind-chemicals", "en"),
}

# Faults the checker finds that are not fixed yet: (case, document) → the precise fault.
KNOWN: dict[tuple[str, str], str] = {}  # none left; a fault found later goes here, strict
DOCUMENTS = ("pdf", "brief.pdf", "meetings")  # the dossier, the briefing, every meeting briefing


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], dict[str, bytes]]:
    """Each case's PDFs, rendered on first use and kept for the module."""
    done: dict[str, dict[str, bytes]] = {}

    def get(case: str) -> dict[str, bytes]:
        if case not in done:
            done[case] = render(tmp_path_factory.mktemp(case), case, copy.deepcopy(CASES[case]()))
        return done[case]

    return get


def params() -> list[Any]:
    out = []
    for case in CASES:
        for doc in DOCUMENTS:
            marks = [pytest.mark.pdf]
            if (case, doc) in KNOWN:
                marks.append(pytest.mark.xfail(strict=True, reason=KNOWN[case, doc]))
            out.append(pytest.param(case, doc, marks=marks, id=f"{case}-{doc}"))
    return out


@pytest.mark.parametrize(("case", "doc"), params())
def test_prints_cleanly(rendered: Callable[[str], dict[str, bytes]], case: str, doc: str) -> None:
    pdfs = rendered(case)
    if doc == "meetings":
        found = {name: print_problems(pdf) for name, pdf in pdfs.items() if name not in ("pdf", "brief.pdf")}
        assert {name: problems for name, problems in found.items() if problems} == {}
    else:
        assert print_problems(pdfs[doc]) == []


def test_the_wide_plan_is_what_it_says() -> None:
    plan = wide_plan()
    assert len(plan["account"]["name"]) == 60
    assert len(plan["competitors"]) == 12
    assert len(plan["people"]) == 80
    assert len(FIVE_LINES.splitlines()) == 5


# --- the checker itself, on small documents made to fail one check each ---------------------------


def pdf_of(body: str, css: str = "") -> bytes:
    import weasyprint

    style = "@page { size: A4; margin: 18mm } body { font: 11pt sans-serif } h2 { bookmark-level: 1 }"
    html = f"<html><head><style>{style}{css}</style></head><body>{body}</body></html>"
    return bytes(weasyprint.HTML(string=html).write_pdf())


PARAGRAPHS = "".join(f"<p>Paragraph {n} of a page that is full of text.</p>" for n in range(48))


@pytest.mark.pdf
@pytest.mark.parametrize(
    ("body", "css", "fault"),
    [
        (
            '<p>Overlapping words</p><p class="b">Drawn on top</p>',
            "p { margin: 0 } .b { margin-top: -1.1em }",
            "overlap",
        ),
        ('<p style="margin-left: 185mm">Off the edge of the page</p>', "", "outside"),
        (
            f"{PARAGRAPHS}<p style='break-before: page'>Two lines</p><p style='break-after: page'>only</p><p>end</p>",
            "",
            "sparse",
        ),
        (
            "<div style='height: 245mm'>x</div><h2>Stranded</h2><p style='break-before: page'>x</p>",
            "",
            "stranded",
        ),
    ],
    ids=["overlap", "outside", "sparse", "stranded"],
)
def test_the_checker_finds_each_fault(body: str, css: str, fault: str) -> None:
    problems = print_problems(pdf_of(body, css))
    assert any(f": {fault}:" in p for p in problems), problems
    assert all(p.startswith("page ") for p in problems)


@pytest.mark.pdf
def test_the_checker_passes_a_clean_document() -> None:
    assert print_problems(pdf_of("<h2>Heading</h2>" + PARAGRAPHS + "<h2>Next</h2>" + PARAGRAPHS)) == []
