"""Audiences: what each one may see, proved on the output bytes (dossier HTML, briefing HTML, PDF).

One plan holds a distinct sentinel string in every field the spec drops for some audience; each
sentinel must be in the output exactly when the audience may see it ("Dropped means absent from the
output bytes (HTML, PDF text, search index, metadata), not hidden by CSS").
"""

from __future__ import annotations

import copy
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import TODAY
from pypdf import PdfReader

import kaplan.site.build
import kaplan.site.tasks
from kaplan.coach.check import check_plan
from kaplan.config import Workspace, load_workspace
from kaplan.documents.labels import word
from kaplan.documents.pdf import render_pdf
from kaplan.documents.theme import Theme
from kaplan.plan import AUDIENCES, Audience
from kaplan.plan.audience import for_audience
from kaplan.site.tasks import BuildOptions, build_one


def S(tag: str) -> str:
    """A sentinel: ``SENTINEL-TAG``; no sentinel contains another (checked below)."""
    return f"SENTINEL-{tag}"


# Where each sentinel is dropped: "internal" = dropped for internal and external (personal tier and
# `private: true` items); "external" = dropped for external only; None = every audience sees it;
# "partner-only" = only the external edition shows it.
# The second value: whether the briefing shows it (to the audiences that may see it).
SENTINELS: dict[str, tuple[str | None, bool]] = {
    # kept everywhere: proves the harness finds what is there
    # the summary is ours; partners read `partner_summary` instead
    S("KEEPSUMMARY"): ("external", True),
    S("PARTNERSUMMARY"): ("partner-only", True),
    S("SHAREDACTION"): (None, True),
    S("KEEPPERSON"): (None, False),
    S("KEEPNEED"): ("external", False),  # needs are not on the partner allow-list
    S("KEEPCRITERION"): (None, False),
    # our leverage is strategy: kaplan drops it for partners beyond the spec's list
    S("KEEPSTRENGTH"): ("external", False),
    S("KEEPACTION"): ("external", True),  # not marked share: true
    S("KEEPPROJECT"): (None, True),
    # people[].personal
    S("FAMILY"): ("internal", False),
    S("SCHOOL"): ("internal", False),
    S("DEGREE"): ("internal", False),
    S("FOOD"): ("internal", False),
    S("RESTAURANT"): ("internal", False),
    S("COLOUR"): ("internal", False),
    S("PETS"): ("internal", False),
    S("BOOK"): ("internal", False),
    S("HOBBY"): ("internal", False),
    S("VACATIONLAST"): ("internal", False),
    S("VACATIONNEXT"): ("internal", False),
    S("SCHEDULE"): ("internal", False),
    S("PERSONALRELATIONS"): ("internal", False),
    S("GOAL"): ("internal", False),
    S("WISH"): ("internal", False),
    # personal needs and cruxes
    S("NEEDPERSONAL"): ("internal", False),
    S("EVIDENCEPERSONAL"): ("internal", False),
    S("CRUXPERSONAL"): ("internal", True),
    S("STRIKEPERSONAL"): ("internal", True),
    # `private: true` items, in many lists
    S("GHOSTNAME"): ("internal", True),  # a private person, champion of the open project
    S("GHOSTTITLE"): ("internal", True),
    S("GHOSTWIN"): ("internal", True),
    S("GHOSTRELNOTES"): ("internal", False),  # a relationship to the private person
    S("PRIVOWNER"): ("internal", True),  # a private team member who owns the plan
    S("PRIVCONTACT"): ("internal", False),
    S("PRIVCONSUMPTION"): ("internal", False),
    S("PRIVRELNOTES"): ("internal", False),
    S("PRIVCOMPNAME"): ("internal", False),
    S("PRIVIBPRODUCT"): ("internal", False),
    S("ORPHANIBPRODUCT"): ("internal", False),  # installed base of the private competitor
    S("PRIVNEED"): ("internal", False),
    S("PRIVPROJECT"): ("internal", True),
    S("PRIVMEMBERWIN"): ("internal", False),
    S("PRIVCRITERION"): ("internal", False),
    S("PRIVSTEP"): ("internal", False),
    S("PRIVCRUX"): ("internal", True),
    S("PRIVACTION"): ("internal", True),
    S("PRIVSHAREDACTION"): ("internal", True),  # private wins over share
    S("PRIVEDUCATION"): ("internal", False),
    # assessments and intelligence: dropped for external
    S("STANDING"): ("external", False),
    S("PERSONNOTES"): ("external", False),
    S("RELNOTES"): ("external", False),
    S("WINPERSONAL"): ("internal", True),  # a personal win is personal data
    S("WINBUSINESS"): ("external", True),
    S("COMPNAME"): ("external", False),
    S("COMPPRODUCT"): ("external", False),
    S("COMPUSAGE"): ("external", False),
    S("COMPPOSITION"): ("external", False),
    S("REPNAME"): ("external", False),
    S("REPSTYLE"): ("external", False),
    S("REPCHANNEL"): ("external", False),
    S("COMPPOTENTIAL"): ("external", False),
    S("COMPCOUNTER"): ("external", False),
    S("IBPRODUCT"): ("external", False),
    S("IBPERFORMANCE"): ("external", False),
    S("IBPLUS"): ("external", False),
    S("IBMINUS"): ("external", False),
    S("IBQUANTITY"): ("external", False),
    S("HIDDENNEED"): ("external", False),
    S("HIDDENEVIDENCE"): ("external", False),
    S("CRUXSTATEMENT"): ("external", True),
    S("CRUXACTION"): ("external", True),
    S("REDFLAG"): ("external", True),
    S("SWOTSTRENGTH"): ("external", False),
    S("SWOTWEAKNESS"): ("external", False),
    S("SWOTOPPORTUNITY"): ("external", False),
    S("SWOTTHREAT"): ("external", False),
}

# Ids of dropped things: "a reference to something dropped renders as nothing", not even its id.
DROPPED_IDS = (
    "ghost-person",
    "owner-secret",
    "secret-rival",
    "n-private",
    "p-secret",
    "c-private",
    "a-private",
)

SENTINEL_PLAN: dict[str, Any] = {
    "kaplan": 1,
    "summary": f"The **{S('KEEPSUMMARY')}** account.",
    "partner_summary": f"Working together on {S('PARTNERSUMMARY')}.",
    "plan": {
        "owner": "owner-secret",
        "status": "active",
        "reviewed": "2026-11-01",
        "tier": "A",
        "currency": "CNY",
        "locale": "en",
    },
    "account": {
        "name": "Sentinel Steel",
        "industry": "Steel",
        "contacts": [
            {"label": "Switchboard", "phone": "0412-1234567"},
            {"label": S("PRIVCONTACT"), "phone": "1", "private": True},
        ],
        "consumption": [
            {"category": "Refractories", "pattern": "continuous"},
            {"category": S("PRIVCONSUMPTION"), "private": True},
        ],
        "swot": {
            "strengths": [S("SWOTSTRENGTH")],
            "weaknesses": [S("SWOTWEAKNESS")],
            "opportunities": [S("SWOTOPPORTUNITY")],
            "threats": [S("SWOTTHREAT")],
        },
    },
    "team": [
        {"id": "owner-secret", "name": S("PRIVOWNER"), "role": "account_manager", "private": True},
        {"id": "li-ming", "name": "Li Ming", "role": "sales"},
    ],
    "people": [
        {
            "id": "qian-cto",
            "name": S("KEEPPERSON"),
            "title": "CTO",
            "reports_to": "ghost-person",
            "influence": "high",
            "support": "champion",
            "coverage": "multiple",
            "political": "power_structure",
            "last_contact": "2026-11-10",
        },
        {
            "id": "ghost-person",
            "name": S("GHOSTNAME"),
            "title": S("GHOSTTITLE"),
            "influence": "high",
            "support": "opponent",
            "coverage": "none",
            "private": True,
        },
        {
            "id": "zhao-gm",
            "name": "Zhao Gang",
            "title": "GM",
            "influence": "high",
            "support": "supporter",
            "coverage": "in_depth",
            "political": "inner_circle",
            "last_contact": "2026-11-20",
            "standing": S("STANDING"),
            "notes": S("PERSONNOTES"),
            "personal": {
                "as_of": "2026-10-01",
                "family": S("FAMILY"),
                "education": [
                    {"school": S("SCHOOL"), "degree": S("DEGREE"), "year": 1990},
                    {"school": S("PRIVEDUCATION"), "private": True},
                ],
                "likes": {
                    "food": S("FOOD"),
                    "restaurants": [S("RESTAURANT")],
                    "colors": [S("COLOUR")],
                    "pets": S("PETS"),
                    "books": [S("BOOK")],
                    "hobbies": [S("HOBBY")],
                },
                "vacation": {"last": S("VACATIONLAST"), "next": S("VACATIONNEXT")},
                "schedule": S("SCHEDULE"),
                "relationships": S("PERSONALRELATIONS"),
                "goals": [S("GOAL")],
                "wishes": [S("WISH")],
            },
        },
        {"id": "sun-buyer", "name": "Sun Li", "title": "Buyer", "influence": "medium"},
    ],
    "relationships": [
        {"from": "zhao-gm", "to": "qian-cto", "kind": "ally", "notes": S("RELNOTES")},
        {
            "from": "qian-cto",
            "to": "zhao-gm",
            "kind": "influences",
            "notes": S("PRIVRELNOTES"),
            "private": True,
        },
        {"from": "ghost-person", "to": "zhao-gm", "kind": "conflicts", "notes": S("GHOSTRELNOTES")},
    ],
    "competitors": [
        {
            "id": "rival",
            "name": S("COMPNAME"),
            "status": "incumbent",
            "threat": "high",
            "products": [S("COMPPRODUCT")],
            "usage": S("COMPUSAGE"),
            "satisfaction": 3,
            "position": S("COMPPOSITION"),
            "rep": {"name": S("REPNAME"), "style": S("REPSTYLE"), "channels": [S("REPCHANNEL")]},
            "market_share": 40,
            "potential": S("COMPPOTENTIAL"),
            "counter": S("COMPCOUNTER"),
        },
        {
            "id": "secret-rival",
            "name": S("PRIVCOMPNAME"),
            "status": "active",
            "threat": "high",
            "private": True,
        },
    ],
    "installed_base": [
        {
            "product": S("IBPRODUCT"),
            "vendor": "rival",
            "quantity": S("IBQUANTITY"),
            "performance": S("IBPERFORMANCE"),
            "pros": [S("IBPLUS")],
            "cons": [S("IBMINUS")],
        },
        {"product": S("PRIVIBPRODUCT"), "vendor": "rival", "private": True},
        {"product": S("ORPHANIBPRODUCT"), "vendor": "secret-rival"},
    ],
    "needs": [
        {"id": "n-private", "statement": S("PRIVNEED"), "private": True},
        {
            "id": "n-personal",
            "kind": "personal",
            "holder": "zhao-gm",
            "statement": S("NEEDPERSONAL"),
            "evidence": S("EVIDENCEPERSONAL"),
        },
        {
            "id": "n-hidden",
            "visibility": "hidden",
            "statement": S("HIDDENNEED"),
            "evidence": S("HIDDENEVIDENCE"),
            "holder": "ghost-person",
        },
        {"id": "n-keep", "statement": S("KEEPNEED"), "project": "p-secret", "holder": "ghost-person"},
    ],
    "projects": [
        {
            "id": "p-line",
            "name": S("KEEPPROJECT"),
            "stage": 5,
            "stage_since": "2026-10-15",
            "value": 1200000,
            "budget": {"amount": 1500000, "status": "approved", "owner": "ghost-person"},
            "buying_team": [
                {
                    "person": "zhao-gm",
                    "roles": ["economic_buyer"],
                    "mode": "growth",
                    "win": {"personal": S("WINPERSONAL"), "business": S("WINBUSINESS")},
                },
                {
                    "person": "qian-cto",
                    "roles": ["champion", "technical_buyer"],
                    "win": {"personal": "Credit"},
                },
                {"person": "ghost-person", "roles": ["coach"], "win": {"personal": S("GHOSTWIN")}},
                {
                    "person": "sun-buyer",
                    "roles": ["procurement"],
                    "win": {"personal": S("PRIVMEMBERWIN")},
                    "private": True,
                },
            ],
            "criteria": [
                {"criterion": S("KEEPCRITERION"), "weight": 0.5, "shaped_by_us": True, "our_rank": 1},
                {"criterion": S("PRIVCRITERION"), "weight": 0.5, "private": True},
            ],
            "decision_process": [
                {"step": "Technical review", "owner": "ghost-person"},
                {"step": S("PRIVSTEP"), "private": True},
            ],
            "paper_process": {"payment_terms": "30 days", "approvals": ["ghost-person", "zhao-gm"]},
            "competition": [
                {"competitor": "rival", "position": "ahead"},
                {"competitor": "secret-rival", "position": "even"},
            ],
            "red_flags": [S("REDFLAG")],
            "strengths": [S("KEEPSTRENGTH")],
        },
        {"id": "p-secret", "name": S("PRIVPROJECT"), "stage": 2, "private": True},
        {
            # the private person is the (opposed) economic buyer, with no known win: coaching rules
            # name them in findings that point at this visible project
            "id": "p-other",
            "name": "Second line",
            "stage": 3,
            "buying_team": [{"person": "ghost-person", "roles": ["economic_buyer"]}],
        },
    ],
    "cruxes": [
        {
            "id": "c-personal",
            "kind": "personal",
            "statement": S("CRUXPERSONAL"),
            "refs": ["zhao-gm"],
            "action": S("STRIKEPERSONAL"),
        },
        {
            "id": "c-private",
            "kind": "person",
            "statement": S("PRIVCRUX"),
            "refs": ["zhao-gm"],
            "private": True,
        },
        {
            "id": "c-person",
            "kind": "person",
            "statement": S("CRUXSTATEMENT"),
            "refs": ["zhao-gm", "ghost-person", "n-private", "p-secret"],
            "action": S("CRUXACTION"),
        },
    ],
    "actions": [
        {
            "id": "a-keep",
            "what": S("KEEPACTION"),
            "owner": "li-ming",
            "due": "2026-12-10",
            "person": "ghost-person",
            "project": "p-secret",
        },
        {
            "id": "a-private",
            "what": S("PRIVACTION"),
            "owner": "li-ming",
            "due": "2026-11-01",
            "private": True,
        },
        {"id": "a-owned", "what": "Call back", "owner": "owner-secret", "due": "2026-12-20"},
        {"id": "a-shared", "what": S("SHAREDACTION"), "owner": "li-ming", "due": "2026-12-12", "share": True},
        {
            "id": "a-shared-private",
            "what": S("PRIVSHAREDACTION"),
            "owner": "li-ming",
            "share": True,
            "private": True,
        },
    ],
}


def visible(sentinel: str, audience: Audience) -> bool:
    """Whether the spec lets ``audience`` see the field holding ``sentinel``."""
    dropped_for, _ = SENTINELS[sentinel]
    if dropped_for is None:
        return True
    if dropped_for == "partner-only":
        return audience == "external"
    if dropped_for == "internal":
        return audience == "private"
    return audience != "external"


def squash(text: str) -> str:
    """Text without whitespace: PDF text extraction breaks long words across lines."""
    return re.sub(r"\s+", "", text)


@dataclass
class Rendered:
    """The HTML of one audience's dossier and briefing."""

    dossier: str
    brief: str


def write_repo(root: Path, plan: dict[str, Any], name: str = "sentinel") -> Path:
    """A repository folder with one plan in plans/ (and no kaplan.yaml: defaults)."""
    (root / "plans").mkdir(parents=True, exist_ok=True)
    path = root / "plans" / f"{name}.yaml"
    path.write_text(yaml.safe_dump(plan, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def render_html(
    path: Path, project: Workspace, audience: Audience, monkeypatch: pytest.MonkeyPatch, out: Path
) -> Rendered:
    """Run the real build of one plan, catching the HTML handed to the PDF renderer (no PDF is made)."""
    handed: list[str] = []

    def fake_pdf(html: str, dirs: Any) -> bytes:
        handed.append(html)
        return b"%PDF-1.7 fake"

    monkeypatch.setattr(kaplan.site.tasks, "render_pdf", fake_pdf)
    options = BuildOptions(out=out, audience=audience, today=TODAY)
    result = build_one(path, path.name, project, options)
    assert result.ok, (result.error, [f.text() for f in result.findings if f.structural])
    dossier = (out / "accounts" / f"{path.stem}.html").read_text(encoding="utf-8")
    assert len(handed) >= 2  # the dossier, the briefing, then one briefing per meeting to come
    assert handed[0] == dossier, "the PDF is made from the same HTML as the page"
    return Rendered(dossier, handed[1])


@pytest.fixture(scope="module")
def sentinel_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Workspace]:
    root = tmp_path_factory.mktemp("sentinel-repo")
    path = write_repo(root, SENTINEL_PLAN)
    return path, load_workspace(root)


@pytest.fixture(scope="module")
def rendered(
    sentinel_repo: tuple[Path, Workspace], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Rendered]:
    path, project = sentinel_repo
    out: dict[str, Rendered] = {}
    with pytest.MonkeyPatch.context() as mp:
        for audience in AUDIENCES:
            out[audience] = render_html(
                path, project, audience, mp, tmp_path_factory.mktemp(f"out-{audience}")
            )
    return out


def _cases(doc: str) -> Iterator[Any]:
    for audience in AUDIENCES:
        for sentinel, (_, in_brief) in SENTINELS.items():
            if doc == "brief" and not in_brief and visible(sentinel, audience):
                continue  # the briefing is short: it need not show it, only never show what is dropped
            yield pytest.param(audience, sentinel, id=f"{audience}-{sentinel.removeprefix('SENTINEL-')}")


def test_sentinels_are_distinct() -> None:
    for a in SENTINELS:
        for b in SENTINELS:
            assert a == b or a not in b, (a, b)
    flat = yaml.safe_dump(SENTINEL_PLAN)
    assert [s for s in SENTINELS if s not in flat] == []


def test_sentinel_plan_is_valid(sentinel_repo: tuple[Path, Workspace]) -> None:
    path, project = sentinel_repo
    checked = check_plan(path, path.name, project, TODAY)
    assert checked.loaded.ok, [f.text() for f in checked.findings]


@pytest.mark.parametrize(("audience", "sentinel"), list(_cases("dossier")))
def test_dossier_html_shows_exactly_what_the_audience_may_see(
    rendered: dict[str, Rendered], audience: Audience, sentinel: str
) -> None:
    assert (sentinel in rendered[audience].dossier) == visible(sentinel, audience)


@pytest.mark.parametrize(("audience", "sentinel"), list(_cases("brief")))
def test_briefing_html_shows_exactly_what_the_audience_may_see(
    rendered: dict[str, Rendered], audience: Audience, sentinel: str
) -> None:
    assert (sentinel in rendered[audience].brief) == visible(sentinel, audience)


@pytest.mark.parametrize("audience", ["internal", "external"])
@pytest.mark.parametrize("doc", ["dossier", "brief"])
def test_dropped_ids_never_appear(rendered: dict[str, Rendered], audience: Audience, doc: str) -> None:
    html = getattr(rendered[audience], doc)
    assert [i for i in DROPPED_IDS if i in html] == []


def test_private_audience_sees_the_private_person_and_its_id(rendered: dict[str, Rendered]) -> None:
    assert 'id="person-ghost-person"' in rendered["private"].dossier


def _buying_team_table(html: str) -> str:
    table = html[html.index('<table class="data team">') :]
    return table[: table.index("</table>")]


@pytest.mark.parametrize("audience", ["internal", "external"])
def test_buying_team_member_who_is_a_private_person_renders_as_nothing(
    rendered: dict[str, Rendered], audience: Audience
) -> None:
    team = _buying_team_table(rendered[audience].dossier)
    assert team.count("<tr") == 1 + 2  # header, Zhao and Qian: no empty row for the private person
    assert S("GHOSTNAME") not in team
    assert "ghost-person" not in team
    # the private person was the coach: nobody is shown as coach, not even in the briefing
    for html in (rendered[audience].dossier, rendered[audience].brief):
        assert '<span class="role role-coach">' not in html


def test_private_audience_sees_the_whole_buying_team(rendered: dict[str, Rendered]) -> None:
    team = _buying_team_table(rendered["private"].dossier)
    assert team.count("<tr") == 1 + 4
    assert S("GHOSTNAME") in team


def _about(html: str) -> str:
    """The "About" line (crux refs) of the last crux card."""
    crux = html.split('<div class="crux crux-person">')[-1]
    found = re.search(rf'<span class="label">{word("refs", "en")}</span>([^<]*)</div>', crux)
    assert found is not None
    return found.group(1)


def test_references_to_dropped_things_render_as_nothing(rendered: dict[str, Rendered]) -> None:
    """Budget owner, step owner, approvals, crux refs, action person/project/owner, reports_to."""
    html = rendered["internal"].dossier
    assert "<dd>Zhao Gang</dd>" in html  # approvals: only the visible approver, no dangling arrow
    assert _about(html) == "Zhao Gang"  # no separator left for the dropped person, need, project
    qian = html[html.index('id="person-qian-cto"') :]
    qian = qian[: qian.index('<div class="card person')]
    assert word("reports_to", "en") not in qian
    budget = re.search(r'<div class="fact"><span>Budget</span>.*?</div>', html)
    assert budget is not None
    assert budget.group(0).endswith("<small>Approved</small></div>")  # no " · owner"
    step = re.search(r'<ol class="steps"><li><b>Technical review</b>(.*?)</li>', html)
    assert step is not None
    assert step.group(1) == ""
    action = re.search(r"<td>SENTINEL-KEEPACTION(.*?)</td>\s*<td[^>]*>(.*?)</td>", html, re.S)
    assert action is not None
    assert action.group(1) == ""  # neither the private person nor the private project
    owned = re.search(r"<td>Call back</td>\s*<td[^>]*>(.*?)</td>", html, re.S)
    assert owned is not None
    assert owned.group(1) == ""  # the private team member who owns it


def test_private_audience_sees_every_reference(rendered: dict[str, Rendered]) -> None:
    about = _about(rendered["private"].dossier)
    assert about == f"Zhao Gang · {S('GHOSTNAME')} · {S('PRIVNEED')} · {S('PRIVPROJECT')}"


# --- coaching findings and health ------------------------------------------------------------------


def _finding_codes(html: str) -> list[str]:
    return re.findall(r'<li class="finding sev-\w+">.*?<code>([a-z-]+)</code>', html)


def _findings_section(html: str) -> str:
    return html.split('<section class="section" id="findings">')[1].split("</section>")[0]


def test_external_has_no_findings_and_no_health(rendered: dict[str, Rendered]) -> None:
    for html in (rendered["external"].dossier, rendered["external"].brief):
        assert 'id="findings"' not in html
        assert '<li class="finding' not in html
        assert '<span class="rag ' not in html
        assert '<div class="cover-health">' not in html
        assert word("health", "en") not in html
        assert word("findings", "en") not in html


def test_private_and_internal_show_health_and_findings(rendered: dict[str, Rendered]) -> None:
    for audience in ("private", "internal"):
        html = rendered[audience].dossier
        assert '<div class="ap-health">' in html  # the account on a page
        assert '<span class="rag ' in html
        assert '<span class="rag ' in rendered[audience].brief
        assert _finding_codes(html)


def test_private_sees_the_findings_about_private_content(rendered: dict[str, Rendered]) -> None:
    """The control for the next test: the plan trips rules on its private and personal content."""
    html = rendered["private"].dossier
    codes = _finding_codes(html)
    assert {
        "uncovered-influencer",
        "stale-contact",
        "overdue-action",
        "no-counter",
        "personal-no-basis",
    } <= set(codes)
    section = _findings_section(html)
    assert S("GHOSTNAME") in section
    assert S("PRIVCOMPNAME") in section
    assert S("PRIVACTION") in section


def test_internal_drops_findings_that_point_into_dropped_content(rendered: dict[str, Rendered]) -> None:
    html = rendered["internal"].dossier
    codes = _finding_codes(html)
    section = _findings_section(html)
    assert "uncovered-influencer" not in codes
    assert "stale-contact" not in codes
    assert "overdue-action" not in codes
    assert "no-counter" not in codes
    # Zhao's personal block is dropped for internal, so the remark about it must go too
    assert "personal-no-basis" not in codes, section


# --- the audience filter on findings: paths after private items are dropped ------------------------


def _checked(tmp_path: Path, plan: dict[str, Any]) -> Any:
    path = write_repo(tmp_path, plan)
    checked = check_plan(path, path.name, load_workspace(tmp_path), TODAY)
    assert checked.loaded.ok, [f.text() for f in checked.findings]
    return checked


def _kept(checked: Any, code: str, audience: Audience = "internal") -> list[str]:
    kept = for_audience(checked.loaded.plan, audience).findings(checked.findings)
    return [f.path for f in kept if f.code == code]


def test_finding_on_a_personal_need_after_a_private_need_is_dropped(
    tmp_path: Path, make_plan: Callable[..., dict[str, Any]]
) -> None:
    plan = make_plan(
        needs=[
            {"id": "n-secret", "statement": "Secret need", "private": True},
            {"id": "n-gift", "kind": "personal", "holder": "zhao-gm", "statement": "Wants a gift card"},
        ]
    )
    checked = _checked(tmp_path, plan)
    assert _kept(checked, "gift-risk", "private") == ["needs[1].statement"]
    assert _kept(checked, "gift-risk") == []


def test_finding_on_a_personal_crux_after_a_private_crux_is_dropped(
    tmp_path: Path, make_plan: Callable[..., dict[str, Any]]
) -> None:
    plan = make_plan(
        cruxes=[
            {"id": "c-secret", "kind": "person", "statement": "Secret", "refs": ["zhao-gm"], "private": True},
            {"id": "c-zhao", "kind": "person", "statement": "Zhao decides", "refs": ["zhao-gm"]},
            {"id": "c-gift", "kind": "personal", "statement": "Golf and a gift", "refs": ["zhao-gm"]},
        ]
    )
    checked = _checked(tmp_path, plan)
    assert _kept(checked, "gift-risk", "private") == ["cruxes[2].statement"]
    assert _kept(checked, "gift-risk") == []


def test_finding_on_a_personal_block_after_a_private_person_is_dropped(
    tmp_path: Path, make_plan: Callable[..., dict[str, Any]]
) -> None:
    people = copy.deepcopy(make_plan()["people"])
    people.insert(0, {"id": "secret", "name": "Secret Person", "private": True})
    people[2]["personal"] = {"family": "Two children"}  # no basis: personal-no-basis fires
    checked = _checked(tmp_path, make_plan(people=people))
    assert _kept(checked, "personal-no-basis", "private") == ["people[2].personal"]
    assert _kept(checked, "personal-no-basis") == []


def test_finding_on_kept_content_is_not_dropped_by_a_shifted_index(
    tmp_path: Path, make_plan: Callable[..., dict[str, Any]]
) -> None:
    """needs[1] is kept: its finding stays, however the personal need after it is filtered."""
    plan = make_plan(
        needs=[
            {"id": "n-secret", "statement": "Secret need", "private": True},
            {"id": "n-hunch", "statement": "Wants fewer stops", "visibility": "hidden"},
            {"id": "n-golf", "kind": "personal", "holder": "zhao-gm", "statement": "Plays golf"},
        ]
    )
    checked = _checked(tmp_path, plan)
    assert _kept(checked, "hidden-need-no-evidence") == ["needs[1].visibility"]


def test_finding_on_a_private_item_is_dropped_but_not_its_neighbours(
    tmp_path: Path, make_plan: Callable[..., dict[str, Any]]
) -> None:
    plan = make_plan(
        actions=[
            {"id": "a-old", "what": "Send samples", "owner": "li-ming", "due": "2026-10-01", "private": True},
            {"id": "a-late", "what": "Call Zhao", "owner": "li-ming", "due": "2026-10-02"},
        ]
    )
    checked = _checked(tmp_path, plan)
    assert _kept(checked, "overdue-action", "private") == ["actions[0].due", "actions[1].due"]
    assert _kept(checked, "overdue-action") == ["actions[1].due"]


def test_finding_naming_a_private_person_is_dropped(
    tmp_path: Path, make_plan: Callable[..., dict[str, Any]]
) -> None:
    """A private person in a visible buying team: opponent-buyer and unknown-win name them."""
    people = copy.deepcopy(make_plan()["people"])
    people.append({"id": "ghost", "name": "Ghost Person", "support": "opponent", "private": True})
    project = copy.deepcopy(make_plan()["projects"][0])
    project["buying_team"].append({"person": "ghost", "roles": ["economic_buyer"]})
    checked = _checked(tmp_path, make_plan(people=people, projects=[project]))
    private = for_audience(checked.loaded.plan, "private").findings(checked.findings)
    assert {"opponent-buyer", "unknown-win"} <= {f.code for f in private if "Ghost Person" in f.message}
    internal = for_audience(checked.loaded.plan, "internal").findings(checked.findings)
    assert [f.text() for f in internal if "Ghost Person" in f.message] == []


def test_finding_naming_a_private_project_is_dropped(
    tmp_path: Path, make_plan: Callable[..., dict[str, Any]]
) -> None:
    """no-person-crux points at `cruxes` but names the project: a private project's name must not leak."""
    secret = copy.deepcopy(make_plan()["projects"][0])
    secret.update({"id": "p-secret", "name": "Secret takeover bid", "private": True})
    checked = _checked(tmp_path, make_plan(projects=[secret], cruxes=[]))
    private = for_audience(checked.loaded.plan, "private").findings(checked.findings)
    assert any("Secret takeover bid" in f.message for f in private)
    internal = for_audience(checked.loaded.plan, "internal").findings(checked.findings)
    assert [f.text() for f in internal if "Secret takeover bid" in f.message] == []


def test_private_and_external_findings(tmp_path: Path) -> None:
    checked = _checked(tmp_path, SENTINEL_PLAN)
    assert for_audience(checked.loaded.plan, "private").findings(checked.findings) == checked.findings
    assert for_audience(checked.loaded.plan, "external").findings(checked.findings) == []


# --- the PDF of each audience: text and metadata -----------------------------------------------------


@pytest.mark.pdf
@pytest.mark.parametrize("audience", AUDIENCES)
def test_pdf_text_and_metadata_show_exactly_what_the_audience_may_see(
    rendered: dict[str, Rendered], sentinel_repo: tuple[Path, Workspace], audience: Audience
) -> None:
    _, project = sentinel_repo
    reader = PdfReader(io.BytesIO(render_pdf(rendered[audience].dossier, Theme.of(project))))
    text = squash("".join(page.extract_text() for page in reader.pages))
    meta = {str(k): str(v) for k, v in (reader.metadata or {}).items()}
    assert [s for s in SENTINELS if (s in text) != visible(s, audience)] == []
    assert [s for s in SENTINELS if not visible(s, audience) and any(s in v for v in meta.values())] == []
    assert meta["/Title"].startswith("Sentinel Steel")
    if audience == "private":
        assert meta["/Author"] == S("PRIVOWNER")
    else:
        assert [i for i in DROPPED_IDS if i in text] == []
        assert "/Author" not in meta  # the owner is a private team member


# --- the allow-list itself ---------------------------------------------------------------------------


def _allow_list_names(model: type[Any], spec: Any, prefix: str = "") -> Iterator[tuple[str, bool]]:
    """Every name on the allow-list, and whether the model has that field."""
    from kaplan.plan.audience import Shared

    for name, sub in spec.items():
        path = f"{prefix}{name}"
        field = model.model_fields.get(name)
        yield path, field is not None
        sub = sub.fields if isinstance(sub, Shared) else sub
        if field is None or sub is None:
            continue
        inner = _model_of(field.annotation)
        if inner is not None:
            yield from _allow_list_names(inner, sub, path + ".")


def _model_of(annotation: Any) -> type[Any] | None:
    import typing

    from pydantic import BaseModel

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):  # list[X], X | None, Annotated[X, …]
        found = _model_of(arg)
        if found is not None:
            return found
    return None


def test_every_name_on_the_partner_allow_list_is_a_field() -> None:
    """A typo on the allow-list would silently drop a field partners should see."""
    from kaplan.plan.audience import EXTERNAL
    from kaplan.plan.model import Plan

    names = dict(_allow_list_names(Plan, EXTERNAL))
    missing = {n for n, present in names.items() if not present}
    assert missing == set()
    assert all(names[n] for n in ("people.title", "projects.criteria.weight", "actions.what"))


# --- format 1.1: what the partner edition keeps of the account as a whole --------------------------------

PLAN_V1_1 = Path(__file__).resolve().parents[1] / "documents" / "plan_v1_1.yaml"


def _plan_v1_1() -> dict[str, Any]:
    from kaplan.plan.yaml12 import read_yaml

    data = read_yaml(PLAN_V1_1.read_text(encoding="utf-8")).data
    assert isinstance(data, dict)
    return data


def test_the_partner_edition_of_format_1_1_keeps_only_the_allowed_fields(tmp_path: Path) -> None:
    """Field by field, the non-text ones included (a token test sees only text)."""
    checked = _checked(tmp_path, _plan_v1_1())
    plan = checked.loaded.plan
    external = for_audience(plan, "external").plan
    dump = external.model_dump(exclude_defaults=True)
    assert set(dump) == {"kaplan", "summary", "plan", "account", "team", "people", "projects"} | {
        "objectives",
        "meetings",
        "actions",
    }
    assert dump["summary"] == plan.partner_summary
    account = dump["account"]
    assert {k for u in account["units"] for k in u} == {"id", "name", "kind", "parent", "location"}
    assert "in_scope" not in account["units"][5]  # not on the list: the default, never `false`
    assert [set(w) for w in account["purchasing_calendar"]] == [{"what", "months"}] * 2
    assert "shareholders" not in account
    assert "terms" not in account
    assert {k for p in dump["people"] for k in p} <= {
        "id",
        "name",
        "title",
        "department",
        "unit",
        "reports_to",
    }
    assert [p.get("unit") for p in dump["people"]] == ["hm-group", "hm-purchasing", "hm-north"]
    project = dump["projects"][0]
    assert set(project) <= {
        "id",
        "name",
        "stage",
        "stage_since",
        "history",
        "outcome",
        "unit",
        "timeline",
    } | {
        "special_requirements",
        "criteria",
        "decision_process",
        "buying_team",
    }
    assert project["unit"] == "hm-south"
    # owner is not on the list; a status left at its default (planned) is not written
    assert [set(s) for s in project["decision_process"]] == [
        {"step", "by", "status"},
        {"step", "by"},
        {"step", "by", "status"},
    ]
    assert [s.status for s in external.projects[0].decision_process] == ["done", "planned", "slipped"]
    for dropped in ("probability", "compelling_event", "metrics", "lead_time_weeks", "loss_reason", "value"):
        assert all(dropped not in p for p in dump["projects"]), dropped
    # only shared objectives and meetings, with their allowed fields
    assert [(o["statement"], set(o)) for o in dump["objectives"]] == [
        (plan.objectives[0].statement, {"id", "statement", "kind", "measure", "due", "status"})
    ]
    assert [set(m) for m in dump["meetings"]] == [{"id", "on", "title", "attendees", "ours", "objective"}]
    assert external.meetings[0].commitment is None
    assert external.meetings[0].questions == []
    assert external.meetings[0].outcome is None
    # no objective, no meeting (and a status left at its default, open, is not written)
    assert [set(a) for a in dump["actions"]] == [{"id", "what", "owner", "due"}]
    assert external.partnership is None
    assert (external.whitespace, external.contracts, external.log, external.risks) == ([], [], [], [])
    assert external.waive == {}
    assert all(p.source is None and p.phone is None and p.email is None for p in external.people)
    assert all(p.sees_us_at is None and p.account_role is None and p.owner is None for p in external.people)


def test_the_internal_edition_keeps_work_contacts_and_drops_private_1_1_items(tmp_path: Path) -> None:
    data = _plan_v1_1()
    data["meetings"].append({"id": "m-secret", "on": "2026-12-06", "title": "Secret dinner", "private": True})
    data["objectives"].append(
        {"id": "o-secret", "statement": "Secret goal", "share": True, "private": True}  # private wins
    )
    data["account"]["units"].append({"id": "hm-secret", "name": "Secret unit", "private": True})
    data["whitespace"].append({"unit": "hm-secret", "offering": "Ladle lining", "state": "open"})
    data["log"].append(
        {"on": "2026-11-25", "kind": "call", "summary": "Secret call", "people": ["zhou-gm"], "private": True}
    )
    plan = _checked(tmp_path, data).loaded.plan
    internal = for_audience(plan, "internal").plan
    assert internal.people[0].phone == "+86 411 5550 1000"
    assert internal.people[0].email == "zhou.gang@harbour.example"
    assert "m-secret" not in [m.id for m in internal.meetings]
    assert "o-secret" not in [o.id for o in internal.objectives]
    assert "hm-secret" not in [u.id for u in internal.account.units]
    assert [w.unit for w in internal.whitespace if w.unit == "hm-secret"] == []  # the cell goes with its unit
    assert "Secret call" not in [e.summary for e in internal.log]
    external = for_audience(plan, "external").plan
    assert [o.statement for o in external.objectives] == [plan.objectives[0].statement]


def test_external_dossier_has_no_heading_of_what_partners_do_not_see(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_repo(tmp_path, _plan_v1_1(), name="harbour")
    project = load_workspace(tmp_path)
    html = render_html(path, project, "external", monkeypatch, tmp_path / "out").dossier
    body = html[html.index("<body") :]
    for key in ("partnership", "whitespace", "contracts", "log", "risks", "shareholders", "terms"):
        assert f'id="{key}"' not in body, key
    for key in (
        "share_of_wallet",
        "probability",
        "forecast",
        "compelling_event",
        "metrics",
        "lead_time",
        "loss_reason",
        "source",
        "relationship_owner",
        "sees_us_at",
        "commitment_best",
        "commitment_minimum",
        "questions",
        "meeting_outcome",
        "out_of_scope",
        "phone",
    ):
        assert word(key, "en") not in body, key
    for shown in ("units", "purchasing_calendar", "objectives", "meetings", "decision_process"):
        assert word(shown, "en") in body, shown
    assert "Trial review with the north plant" in body
    assert "Agree that the trial result goes to the board paper." in body
    assert "South plant kick-off" not in body  # not shared
    assert "Slipped" in body  # a decision step's status is on the list


def test_a_finding_that_quotes_a_private_decision_step_is_dropped(
    tmp_path: Path, make_plan: Callable[..., dict[str, Any]]
) -> None:
    """unmet-approver lists every step a person owns: a private step's text must not reach internal."""
    people = copy.deepcopy(make_plan()["people"])
    people.append({"id": "sun-cfo", "name": "Sun Li", "title": "CFO", "coverage": "none"})
    project = copy.deepcopy(make_plan()["projects"][0])
    project["decision_process"] = [
        {"step": "Budget review", "owner": "sun-cfo"},
        {"step": "Secret side deal", "owner": "sun-cfo", "private": True},
    ]
    checked = _checked(tmp_path, make_plan(people=people, projects=[project]))
    private = for_audience(checked.loaded.plan, "private").findings(checked.findings)
    assert any("Secret side deal" in f.message for f in private if f.code == "unmet-approver")
    internal = for_audience(checked.loaded.plan, "internal").findings(checked.findings)
    assert [f.text() for f in internal if "Secret side deal" in f.message] == []
