"""The plan site: dashboard, pipeline board, search index, links, audiences, HTML shape, a real browser.

Most builds here swap WeasyPrint for a fake that writes ``%PDF-fake``: the site only needs the PDF
files to exist. One test loads the site in headless Chromium (marked ``pdf``, the slow marker).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
import yaml
from conftest import BASE_PLAN, TODAY, build, merge, run

import kaplan.site.build
import kaplan.site.tasks

CHROMIUM = "/usr/bin/chromium"
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
STRUCTURAL = {
    "html", "head", "body", "header", "main", "footer", "nav", "section", "article", "aside", "div",
    "table", "thead", "tbody", "tr", "th", "td", "ul", "ol", "li", "dl", "dt", "dd", "figure", "form",
    "label", "select", "option", "button", "a", "h1", "h2", "h3", "h4", "p", "span", "svg", "script",
    "style", "title",
}  # fmt: skip

# Strings that live only in content an audience must not see.
PERSONAL = "SENTINEL-PERSONAL-FAMILY"
PRIVATE = (
    "SENTINEL-PRIVATE-PERSON",
    "SENTINEL-PRIVATE-PROJECT",
    "SENTINEL-PRIVATE-COMPETITOR",
    "SENTINEL-PRIVATE-NEED",
    "SENTINEL-PRIVATE-ACTION",
    "SENTINEL-PERSONAL-NEED",
    "SENTINEL-PERSONAL-CRUX",
)
EXTERNAL_DROPS = ("SENTINEL-COMPETITOR", "SENTINEL-CRUX", "SENTINEL-HIDDEN-NEED")


# --- a tiny DOM -------------------------------------------------------------------------------------------


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    line: int
    children: list[Node | str] = field(default_factory=list)
    parent: Node | None = None

    def iter(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter()

    def find_all(self, tag: str | None = None, **attrs: str) -> list[Node]:
        return [
            n
            for n in self.iter()
            if (tag is None or n.tag == tag)
            and all(
                (k == "class_" and v in n.attrs.get("class", "").split()) or n.attrs.get(k) == v
                for k, v in attrs.items()
            )
        ]

    def kids(self, tag: str) -> list[Node]:
        return [c for c in self.children if isinstance(c, Node) and c.tag == tag]

    def find(self, tag: str | None = None, **attrs: str) -> Node:
        found = self.find_all(tag, **attrs)
        assert found, f"no <{tag} {attrs}>"
        return found[0]

    def text(self) -> str:
        parts = [c if isinstance(c, str) else c.text() for c in self.children]
        return re.sub(r"\s+", " ", "".join(parts)).strip()

    def ancestors(self) -> Iterator[Node]:
        node = self.parent
        while node is not None:
            yield node
            node = node.parent


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {}, 0)
        self.stack = [self.root]
        self.problems: list[str] = []
        self.doctype: str | None = None

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs}, self.getpos()[0], parent=self.stack[-1])
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs}, self.getpos()[0], parent=self.stack[-1])
        self.stack[-1].children.append(node)

    def handle_endtag(self, tag: str) -> None:
        line = self.getpos()[0]
        if tag in VOID:
            return
        if self.stack[-1].tag == tag:
            self.stack.pop()
            return
        open_tags = [n.tag for n in self.stack[1:]]
        self.problems.append(f"line {line}: </{tag}> closes <{open_tags[-1] if open_tags else '-'}>")
        if tag in open_tags:  # recover: close up to the matching element
            while self.stack[-1].tag != tag:
                self.stack.pop()
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


@dataclass
class Page:
    path: Path
    root: Node
    doctype: str | None
    problems: list[str]
    source: str

    def ids(self) -> set[str]:
        return {n.attrs["id"] for n in self.root.iter() if "id" in n.attrs}


def parse(path: Path) -> Page:
    source = path.read_text(encoding="utf-8")
    builder = _TreeBuilder()
    builder.feed(source)
    builder.close()
    unclosed = [f"<{n.tag}> (line {n.line}) never closed" for n in builder.stack[1:]]
    return Page(path, builder.root, builder.doctype, builder.problems + unclosed, source)


def html_files(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


def search_index(out: Path) -> list[dict[str, str]]:
    entries: list[dict[str, str]] = _search_script(out)[1]
    return entries


def search_kinds(out: Path) -> dict[str, str]:
    kinds: dict[str, str] = _search_script(out)[0]
    return kinds


def _search_script(out: Path) -> tuple[Any, Any]:
    text = (out / "assets" / "search-index.js").read_text(encoding="utf-8")
    match = re.fullmatch(r"window\.KAPLAN_SEARCH_KINDS = (.*?);\nwindow\.KAPLAN_SEARCH = (.*);\n", text, re.S)
    assert match, text[:200]
    return json.loads(match[1]), json.loads(match[2])


def test_search_results_name_their_kind_in_the_sites_language(
    repo: Path, write_plan: Any, make_plan: Any
) -> None:
    (repo / "kaplan.yaml").write_text("locale: zh\n", encoding="utf-8")
    write_plan(make_plan(), "acme")
    assert build("--no-pdf", "--no-brief").exit_code == 0
    kinds = search_kinds(repo / "build")
    assert kinds["person"] == "人员"
    assert kinds["crux"] == "要害"
    assert {e["k"] for e in search_index(repo / "build")} <= set(kinds)
    assert "kinds[e.k]" in (repo / "build" / "assets" / "site.js").read_text(encoding="utf-8")


# --- building ---------------------------------------------------------------------------------------------


@pytest.fixture
def repo(repo: Path, fake_pdf: list[str]) -> Path:
    """The shared empty repository, with PDFs faked: the site only needs the files to exist."""
    return repo


def site_plans(make_plan: Callable[..., dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Three accounts: English with every kind of sentinel, Chinese and stale, and one without projects."""
    base = make_plan()
    people = [dict(p) for p in base["people"]]
    people[0]["personal"] = {"basis": "consent", "family": PERSONAL}
    people.append({"id": "ghost", "name": PRIVATE[0], "title": "Spy", "private": True})
    acme = make_plan(
        plan={"tier": "A", "reviewed": "2026-11-01"},
        people=people,
        competitors=[
            {"id": "rival", "name": EXTERNAL_DROPS[0], "status": "incumbent", "threat": "medium"},
            {"id": "secret-rival", "name": PRIVATE[2], "status": "potential", "private": True},
        ],
        needs=[
            {"id": "n-uptime", "statement": "Less downtime on line 3", "evidence": "Said so"},
            {"id": "n-hidden", "statement": EXTERNAL_DROPS[2], "visibility": "hidden", "evidence": "Seen"},
            {"id": "n-private", "statement": PRIVATE[3], "private": True},
            {"id": "n-personal", "statement": PRIVATE[5], "kind": "personal", "holder": "zhao-gm"},
        ],
        projects=[
            *base["projects"],  # Line upgrade: stage 4, CNY 1,200,000, open
            {
                "id": "p-usd",
                "name": "Pump retrofit",
                "stage": 6,
                "value": {"amount": 50000, "currency": "USD"},
            },
            {"id": "p-won", "name": "Old win", "stage": 8, "value": 999000, "outcome": "won"},
            {
                "id": "p-secret",
                "name": PRIVATE[1],
                "stage": 2,
                "value": {"amount": 7654321, "currency": "EUR"},
                "private": True,
            },
        ],
        cruxes=[
            {"id": "c-zhao", "kind": "person", "statement": EXTERNAL_DROPS[1], "refs": ["zhao-gm"]},
            {"id": "c-personal", "kind": "personal", "statement": PRIVATE[6], "refs": ["zhao-gm"]},
        ],
        actions=[
            {"id": "a-visit", "what": "Site visit", "owner": "li-ming", "due": "2026-12-10"},
            {"id": "a-secret", "what": PRIVATE[4], "owner": "li-ming", "private": True},
        ],
    )
    ansteel = make_plan(
        summary="三号高炉改造是今年的重点项目。",
        plan={"tier": "B", "reviewed": "2026-05-01", "locale": "zh", "owner": "zhou-hang"},
        account={"name": "鞍山特钢", "industry": "钢铁"},
        team=[{"id": "zhou-hang", "name": "周航", "role": "account_manager"}],
        people=[
            {
                "id": "wang-fang",
                "name": "王芳",
                "title": "总经理",
                "influence": "high",
                "support": "champion",
                "coverage": "in_depth",
                "political": "inner_circle",
                "last_contact": "2026-11-20",
            }
        ],
        competitors=[{"id": "ruituo", "name": "瑞拓传动", "status": "incumbent", "threat": "high"}],
        installed_base=[],
        needs=[{"id": "n-stop", "statement": "减少非计划停机", "evidence": "厂长两次提到"}],
        projects=[
            {
                "id": "p-furnace",
                "name": "三号高炉改造",
                "stage": 4,
                "value": 300000,
                "buying_team": [{"person": "wang-fang", "roles": ["economic_buyer", "champion"]}],
            }
        ],
        cruxes=[{"id": "c-wang", "kind": "person", "statement": "王总拍板", "refs": ["wang-fang"]}],
        actions=[{"id": "a-visit", "what": "拜访王总", "owner": "zhou-hang", "due": "2026-12-10"}],
    )
    quiet = make_plan(
        plan={"tier": "C", "reviewed": None},
        account={"name": "Quiet Paper"},
        projects=[],
        cruxes=[],
        needs=[],
    )
    return {"acme": acme, "ansteel": ansteel, "quiet": quiet}


@pytest.fixture
def plans(repo: Path, write_plan: Callable[..., Path], make_plan: Callable[..., dict[str, Any]]) -> list[str]:
    data = site_plans(make_plan)
    for ident, plan in data.items():
        write_plan(plan, ident)
    return sorted(data)


@pytest.fixture(scope="module")
def site_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The three plans and a full default build (fake PDFs), made once for the tests that only read it."""
    root = tmp_path_factory.mktemp("site-once")
    (root / "plans").mkdir()
    for ident, plan in site_plans(lambda **overrides: merge(BASE_PLAN, overrides)).items():
        text = yaml.safe_dump(plan, allow_unicode=True, sort_keys=False)
        (root / "plans" / f"{ident}.yaml").write_text(text, encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(root)
        mp.delenv("KAPLAN_TODAY", raising=False)
        mp.setattr(kaplan.site.tasks, "render_pdf", lambda html, dirs: b"%PDF-fake")
        assert build().exit_code == 0
    return root


@pytest.fixture
def site(site_once: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """OUT of :func:`site_once` (read only), with its repository as the current folder."""
    monkeypatch.chdir(site_once)
    monkeypatch.delenv("KAPLAN_TODAY", raising=False)
    return site_once / "build"


# --- links ------------------------------------------------------------------------------------------------

LINKING = {"a": "href", "link": "href", "script": "src", "img": "src", "source": "src", "iframe": "src"}


def local_links(page: Page) -> list[tuple[str, str]]:
    """(tag, url) of every link and asset of a page, SVG ``href``/``xlink:href`` included."""
    found = []
    for node in page.root.iter():
        for attr in ("href", "src", "xlink:href", "poster", "action"):
            if attr in node.attrs:
                found.append((node.tag, node.attrs[attr]))
    return found


def css_urls(css: str) -> list[str]:
    return [u.strip("'\" ") for u in re.findall(r"url\(([^)]*)\)", css)] + re.findall(
        r"@import\s+['\"]([^'\"]+)", css
    )


def assert_links_resolve(out: Path) -> None:
    """Every href/src of every page, and every url() of the CSS, is relative and names a file in OUT."""
    problems = []
    for path in html_files(out):
        page = parse(path)
        ids = page.ids()
        urls = local_links(page)
        urls += [("style", u) for n in page.root.find_all("style") for u in css_urls(n.text())]
        urls += [("style-attr", u) for n in page.root.iter() for u in css_urls(n.attrs.get("style", ""))]
        for tag, url in urls:
            where = f"{path.relative_to(out)}: <{tag}> {url!r}"
            if url.startswith("data:") and tag in ("img", "style", "style-attr"):
                continue
            parts = urlsplit(url)
            if parts.scheme or parts.netloc or url.startswith(("/", "\\")):
                problems.append(f"{where}: not a relative link")
                continue
            if not parts.path:  # a fragment of this page
                if parts.fragment and parts.fragment not in ids:
                    problems.append(f"{where}: no element with that id in the page")
                continue
            target = (path.parent / unquote(parts.path)).resolve()
            if not target.is_relative_to(out.resolve()) or not target.is_file():
                problems.append(f"{where}: no such file in OUT")
    for css in out.rglob("*.css"):
        for url in css_urls(css.read_text(encoding="utf-8")):
            if url.startswith("data:"):
                continue
            parts = urlsplit(url)
            target = (css.parent / unquote(parts.path)).resolve()
            if parts.scheme or parts.netloc or url.startswith("/") or not target.is_file():
                problems.append(f"{css.relative_to(out)}: url({url!r}) does not resolve in OUT")
    assert problems == []


def assert_search_targets_exist(out: Path) -> None:
    """Every search result link (relative to index.html) names a page, and its #fragment, that exist."""
    problems = []
    pages: dict[Path, Page] = {}
    for entry in search_index(out):
        parts = urlsplit(entry["u"])
        target = (out / unquote(parts.path)).resolve()
        if parts.scheme or entry["u"].startswith("/") or not target.is_file():
            problems.append(f"{entry['u']}: no such file")
            continue
        page = pages.setdefault(target, parse(target))
        if parts.fragment and parts.fragment not in page.ids():
            problems.append(f"{entry['u']}: no #{parts.fragment} in {target.name}")
    assert problems == []


def test_the_link_checker_catches_dangling_and_absolute_links(repo: Path, plans: list[str]) -> None:
    """The checker the tests above rely on does fail on a missing file, a missing anchor, a `/` link."""
    assert build().exit_code == 0
    out = repo / "build"
    assert_links_resolve(out)
    (out / "accounts" / "acme.pdf").unlink()
    with pytest.raises(AssertionError, match=r"acme\.pdf"):
        assert_links_resolve(out)
    assert build().exit_code == 0  # the cache sees the missing file and writes it again
    assert_links_resolve(out)
    index = out / "index.html"
    original = index.read_text(encoding="utf-8")
    for bad in (
        '<a href="/accounts/acme.html">',
        '<a href="#nowhere">',
        '<img src="https://cdn.example/x.png" alt="">',
    ):
        index.write_text(original.replace('<main id="main">', '<main id="main">' + bad), encoding="utf-8")
        with pytest.raises(AssertionError):
            assert_links_resolve(out)
    index.write_text(original, encoding="utf-8")
    (out / "accounts" / "ansteel.html").write_text("<!DOCTYPE html><p id=x></p>", encoding="utf-8")
    with pytest.raises(AssertionError, match="person-wang-fang"):
        assert_search_targets_exist(out)


def test_a_plan_that_fails_is_named_on_the_index_and_not_linked(
    repo: Path, plans: list[str], write_plan: Callable[..., Path]
) -> None:
    write_plan("kaplan: 1\naccount:\n  name: Broken\npeople:\n  - id: a\n    support: suporter\n", "broken")
    result = build("--no-pdf", "--no-brief")
    assert result.exit_code == 1
    index = parse(repo / "build" / "index.html")
    assert "broken" in index.root.find("p", class_="failed").text()
    assert "accounts/broken.html" not in index.source
    assert len(dashboard_rows(index)) == 3
    assert_links_resolve(repo / "build")


@pytest.mark.parametrize(
    ("flags", "pdf", "brief"),
    [((), True, True), (("--no-pdf",), False, True), (("--no-pdf", "--no-brief"), False, False)],
    ids=["pdf", "no-pdf", "no-pdf-no-brief"],
)
def test_every_link_and_asset_resolves_to_a_file_in_out(
    repo: Path, plans: list[str], flags: tuple[str, ...], pdf: bool, brief: bool
) -> None:
    result = build(*flags)
    assert result.exit_code == 0, result.output
    out = repo / "build"
    assert (out / "index.html").is_file()
    for name in ("search-index.js", "site.css", "site.js"):
        assert (out / "assets" / name).is_file(), name
    assert_links_resolve(out)
    assert_search_targets_exist(out)
    index = parse(out / "index.html")
    hrefs = [u for _, u in local_links(index)]
    for ident in plans:
        page = parse(out / "accounts" / f"{ident}.html")
        links = [u for _, u in local_links(page)]
        assert "../index.html" in links, ident
        assert f"accounts/{ident}.html" in hrefs, ident
        assert (f"{ident}.pdf" in links) is pdf, ident
        assert (f"accounts/{ident}.pdf" in hrefs) is pdf, ident
        assert (f"{ident}.brief.pdf" in links) is brief, ident
        assert (f"accounts/{ident}.brief.pdf" in hrefs) is brief, ident
    every = [u for path in html_files(out) for _, u in local_links(parse(path))]
    if not pdf and not brief:
        assert [u for u in every if ".pdf" in u.lower()] == []
        assert list(out.rglob("*.pdf")) == []


def test_a_site_without_html_pages_links_only_the_pdfs(repo: Path, plans: list[str]) -> None:
    assert build("--no-html").exit_code == 0
    out = repo / "build"
    assert list((out / "accounts").glob("*.html")) == []
    assert_links_resolve(out)
    assert_search_targets_exist(out)
    hrefs = [u for _, u in local_links(parse(out / "index.html"))]
    assert "accounts/acme.pdf" in hrefs
    assert [h for h in hrefs if h.endswith(".html")] == ["index.html", "portfolio.html"]  # the site's own


def test_site_flag_builds_the_site_for_named_plans_too(repo: Path, plans: list[str]) -> None:
    assert build("plans/acme.yaml", "--no-pdf", "--no-brief").exit_code == 0
    assert not (repo / "build" / "index.html").exists()
    assert "../index.html" not in (repo / "build" / "accounts" / "acme.html").read_text(encoding="utf-8")
    assert build("plans/acme.yaml", "--site", "--no-pdf", "--no-brief").exit_code == 0
    assert (repo / "build" / "index.html").is_file()
    assert_links_resolve(repo / "build")
    assert build("--no-site", "--out", "bare", "--no-pdf", "--no-brief").exit_code == 0
    assert not (repo / "bare" / "index.html").exists()
    assert not (repo / "bare" / "assets").exists()


def test_a_partial_site_build_keeps_the_other_accounts_on_the_index(repo: Path, plans: list[str]) -> None:
    assert build("--no-pdf", "--no-brief").exit_code == 0
    assert build("plans/quiet.yaml", "--site", "--no-pdf", "--no-brief").exit_code == 0
    index = parse(repo / "build" / "index.html")
    assert sorted(dashboard_rows(index)) == ["Quiet Paper", "Test Steel", "鞍山特钢"]
    assert_links_resolve(repo / "build")
    assert_search_targets_exist(repo / "build")


def test_a_partial_site_build_for_another_audience_shows_nothing_of_the_first(
    repo: Path, plans: list[str]
) -> None:
    """The index and search of an external build never carry summaries cached by an internal build."""
    assert build("--no-pdf", "--no-brief", "--audience", "internal").exit_code == 0
    result = build("plans/quiet.yaml", "--site", "--no-pdf", "--no-brief", "--audience", "external")
    assert result.exit_code == 0, result.output
    files = site_text(repo / "build")
    leaks = [
        (name, s)
        for name in ("index.html", "assets/search-index.js")
        for s in EXTERNAL_DROPS
        if s in files[name]
    ]
    assert leaks == []
    assert "rag-" not in files["index.html"]


def test_a_partial_site_build_on_a_later_day_shows_no_outdated_staleness(
    repo: Path, plans: list[str]
) -> None:
    """Test Steel, reviewed 2026-11-01, is fresh on --today 2026-11-27 and stale by 2027-06-01."""
    assert build("--no-pdf", "--no-brief").exit_code == 0
    later = run(
        "build",
        "plans/quiet.yaml",
        "--site",
        "--no-pdf",
        "--no-brief",
        "--jobs",
        "1",
        "--today",
        "2027-06-01",
    )
    assert later.exit_code == 0, later.output
    rows = dashboard_rows(parse(repo / "build" / "index.html"))
    if "Test Steel" in rows:  # shown only as it stands on the day the index is built for
        assert "stale" in rows["Test Steel"]["Last review"]


def test_no_remote_urls_or_cdn_anywhere(site: Path) -> None:
    out = site
    for path in [*html_files(out), *out.rglob("*.css"), *out.rglob("*.js")]:
        text = re.sub(r'\sxmlns(:\w+)?="[^"]*"', "", path.read_text(encoding="utf-8"))  # names, not URLs
        assert not re.search(r"(https?:|file:)//|(?<![\w:])//[a-z0-9.-]+\.[a-z]{2,}/", text, re.I), path
        assert not re.search(r"\b(src|href)\s*=\s*[\"']?/", text), path


# --- dashboard and pipeline board ------------------------------------------------------------------------


def dashboard_rows(index: Page) -> dict[str, dict[str, Any]]:
    table = index.root.find("table", id="accounts")
    heads = [th.text() for th in table.find("thead").find_all("th")]
    rows = {}
    for tr in table.find("tbody").find_all("tr"):
        cells = tr.find_all("td")
        row: dict[str, Any] = {h: c.text() for h, c in zip(heads, cells, strict=True)}
        row["_attrs"] = tr.attrs
        row["_cells"] = cells
        rows[cells[0].find("b").text()] = row
    return rows


def test_dashboard_shows_every_account(site: Path) -> None:
    out = site
    index = parse(out / "index.html")
    rows = dashboard_rows(index)
    assert sorted(rows) == ["Quiet Paper", "Test Steel", "鞍山特钢"]
    acme, ansteel, quiet = rows["Test Steel"], rows["鞍山特钢"], rows["Quiet Paper"]
    assert acme["Account manager"] == "Li Ming"
    assert ansteel["Account manager"] == "周航"
    assert (acme["Tier"], ansteel["Tier"], quiet["Tier"]) == ("A", "B", "C")
    assert (acme["Open projects"], ansteel["Open projects"], quiet["Open projects"]) == ("2", "1", "0")
    assert acme["Furthest stage"] == "6 · Preferred supplier chosen"
    assert ansteel["Furthest stage"] == "4 · Purchase criteria set"
    assert len(acme["_cells"][4].find_all("i", class_="on")) == 6
    assert quiet["Furthest stage"] == ""
    assert acme["Pipeline"] == "CNY 1.2MUSD 50,000"  # one line per currency; won projects do not count
    assert ansteel["Pipeline"] == "CNY 300,000"
    assert quiet["Pipeline"] == ""
    # Forecast = value × probability, a project without one at its stage's default (meaning.forecast).
    assert acme["Forecast"] == "CNY 480,000USD 35,000"  # stage 4: 40 %, stage 6: 70 %
    assert ansteel["Forecast"] == "CNY 120,000"
    assert quiet["Forecast"] == ""
    assert acme["Last review"] == "2026-11-01"
    assert ansteel["Last review"] == "2026-05-01 stale"  # more than 90 days before --today
    assert quiet["Last review"] == "stale"  # never reviewed
    assert [n.text() for t in rows.values() for n in t["_cells"][8].find_all("span", class_="stale")] == [
        "stale",
        "stale",
    ]
    # Health: the same score and colour as `kaplan check --format json`.
    checked = json.loads(run("check", "--format", "json", "--today", TODAY.isoformat()).output)["health"]
    for ident, name in (("acme", "Test Steel"), ("ansteel", "鞍山特钢"), ("quiet", "Quiet Paper")):
        health = checked[f"plans/{ident}.yaml"]
        assert health["rag"] in ("red", "amber", "green")
        row = rows[name]
        assert row["_attrs"]["data-rag"] == health["rag"], name
        assert row["Plan health"].startswith(str(health["score"])), (name, row["Plan health"])
        assert row["_cells"][7].find("span", class_=f"rag-{health['rag']}")
    # Links from each row to the page and both PDFs.
    assert rows["Test Steel"]["_cells"][0].find("a").attrs["href"] == "accounts/acme.html"
    assert [a.attrs["href"] for a in rows["鞍山特钢"]["_cells"][-1].find_all("a")] == [
        "accounts/ansteel.pdf",
        "accounts/ansteel.brief.pdf",
    ]
    # The header sums every account's open pipeline per currency.
    meta = index.root.find("p", class_="site-meta").text()
    for part in ("3 accounts", "CNY 1.5M", "USD 50,000", "Forecast CNY 600,000 + USD 35,000"):
        assert part in meta, meta


def test_pipeline_board_has_the_eight_stages_with_totals_per_currency(site: Path) -> None:
    index = parse(site / "index.html")
    board = index.root.find("div", class_="board")
    columns = board.find_all("section", class_="column")
    assert [c.find("span", class_="n").text() for c in columns] == [str(n) for n in range(1, 9)]
    by_stage = {int(c.find("span", class_="n").text()): c for c in columns}
    labels = [c.find("h3").text() for c in columns]
    assert len(set(labels)) == 8, labels
    assert all(len(label) > 2 for label in labels), labels

    def projects(n: int) -> list[tuple[str, str | None]]:
        items = by_stage[n].find("ul").find_all("li")
        return [
            (li.find_all("a")[0].text() if li.find_all("a") else li.text(), li.find("a").attrs.get("href"))
            for li in items
        ]

    def totals(n: int) -> list[str]:
        return [d.text() for d in by_stage[n].find("div", class_="totals").kids("div")]

    assert sorted(projects(4)) == [
        ("Line upgrade", "accounts/acme.html"),
        ("三号高炉改造", "accounts/ansteel.html"),
    ]
    assert totals(4) == ["CNY 1.5M"]
    assert projects(6) == [("Pump retrofit", "accounts/acme.html")]
    assert totals(6) == ["USD 50,000"]
    for n in (1, 2, 3, 5, 7, 8):  # the won project and the private one are not on the board
        assert by_stage[n].find("ul").find_all("li") == [], n
        assert totals(n) == ["—"], n


def test_board_two_currencies_in_one_stage_and_chinese_money(
    repo: Path, write_plan: Callable[..., Path], make_plan: Callable[..., dict[str, Any]]
) -> None:
    (repo / "kaplan.yaml").write_text("locale: zh\ntitle: 大客户计划\n", encoding="utf-8")
    for ident, value in (("a", 300_000), ("b", {"amount": 20_000, "currency": "USD"}), ("c", 250_000_000)):
        project = {**make_plan()["projects"][0], "value": value}
        write_plan(make_plan(account={"name": f"Account {ident}"}, projects=[project]), ident)
    assert build("--no-pdf", "--no-brief").exit_code == 0
    index = parse(repo / "build" / "index.html")
    assert index.root.find("html").attrs["lang"] == "zh-CN"
    column = next(c for c in index.root.find_all("section", class_="column") if c.find("span").text() == "4")
    totals = [d.text() for d in column.find("div", class_="totals").kids("div")]
    assert totals == ["2.5 亿 CNY", "2 万 USD"]  # 250,300,000 CNY; 20,000 USD


# --- search -----------------------------------------------------------------------------------------------


def test_search_index_has_accounts_people_competitors_needs_and_cruxes(site: Path) -> None:
    out = site
    raw = (out / "assets" / "search-index.js").read_text(encoding="utf-8")
    assert "鞍山特钢" in raw
    assert "王芳" in raw
    entries = search_index(out)
    found = {(e["k"], e["t"], e["u"]) for e in entries}
    assert {
        ("account", "Test Steel", "accounts/acme.html"),
        ("account", "鞍山特钢", "accounts/ansteel.html"),
        ("person", "Zhao Gang", "accounts/acme.html#person-zhao-gm"),
        ("person", "王芳", "accounts/ansteel.html#person-wang-fang"),
        ("competitor", "瑞拓传动", "accounts/ansteel.html#competitors"),
        ("competitor", EXTERNAL_DROPS[0], "accounts/acme.html#competitors"),
        ("need", "减少非计划停机", "accounts/ansteel.html#needs"),
        ("need", EXTERNAL_DROPS[2], "accounts/acme.html#needs"),
        ("crux", "王总拍板", "accounts/ansteel.html#cruxes"),
        ("crux", EXTERNAL_DROPS[1], "accounts/acme.html#cruxes"),
        ("project", "三号高炉改造", "accounts/ansteel.html#project-p-furnace"),
    } <= found
    assert {e["a"] for e in entries if e["u"].startswith("accounts/ansteel.html")} == {"鞍山特钢"}
    assert_search_targets_exist(out)


@pytest.mark.parametrize("audience", ["internal", "external"])
def test_search_finds_objectives_and_meetings_and_the_dashboard_sums_the_forecast(
    repo: Path, audience: str
) -> None:
    """Format 1.1: objective statements and meeting titles are searchable; a partner finds shared ones."""
    plan = Path(__file__).resolve().parents[1] / "documents" / "plan_v1_1.yaml"
    shutil.copyfile(plan, repo / "plans" / "harbour.yaml")
    assert build("--no-pdf", "--no-brief", "--audience", audience).exit_code == 0
    out = repo / "build"
    found = {(e["k"], e["t"], e["u"]) for e in search_index(out) if e["k"] in ("objective", "meeting")}
    shared = {
        ("objective", "Reach 40 % share of refractory spend", "accounts/harbour.html#objectives"),
        ("meeting", "Trial review with the north plant", "accounts/harbour.html#meetings"),
    }
    if audience == "external":
        assert found == shared
    else:
        assert found == shared | {
            ("objective", "Be seen as a service provider by purchasing", "accounts/harbour.html#objectives"),
            ("meeting", "South plant kick-off", "accounts/harbour.html#meetings"),
            ("meeting", "Quarterly business review", "accounts/harbour.html#meetings"),
        }
    assert_search_targets_exist(out)
    row = dashboard_rows(parse(out / "index.html"))["Harbour Metals"]
    meta = parse(out / "index.html").root.find("p", class_="site-meta").text()
    if audience == "external":  # values are not on the partner allow-list: nothing to sum
        assert (row["Pipeline"], row["Forecast"]) == ("", "")
        assert "Forecast" not in meta
    else:
        assert (row["Pipeline"], row["Forecast"]) == ("CNY 2.5MUSD 100,000", "CNY 1.35MUSD 20,000")
        assert "Forecast CNY 1.35M + USD 20,000" in meta


def test_search_index_is_a_script_that_cannot_close_its_tag(
    repo: Path, write_plan: Callable[..., Path], make_plan: Callable[..., dict[str, Any]]
) -> None:
    write_plan(make_plan(account={"name": "Evil </script><script>alert(1)</script>\u2028Co"}), "evil")
    assert build("--no-pdf", "--no-brief").exit_code == 0
    raw = (repo / "build" / "assets" / "search-index.js").read_text(encoding="utf-8")
    assert "</" not in raw
    assert "\u2028" not in raw
    assert any(e["t"].startswith("Evil </script>") for e in search_index(repo / "build"))
    index = (repo / "build" / "index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in index


# --- audiences --------------------------------------------------------------------------------------------


def site_text(out: Path) -> dict[str, str]:
    """Every text file of OUT by its relative name (pages, search index, assets)."""
    return {
        str(p.relative_to(out)): p.read_text(encoding="utf-8")
        for p in sorted(out.rglob("*"))
        if p.is_file() and p.suffix in (".html", ".js", ".css")
    }


@pytest.mark.parametrize("audience", ["private", "internal", "external"])
def test_the_site_shows_only_what_the_audience_may_see(repo: Path, plans: list[str], audience: str) -> None:
    result = build("--audience", audience, "--no-pdf", "--no-brief")
    assert result.exit_code == 0, result.output
    out = repo / "build"
    files = site_text(out)
    assert {"index.html", "assets/search-index.js", "accounts/acme.html"} <= set(files)
    hidden = {
        "private": [],
        "internal": [PERSONAL, *PRIVATE, "EUR"],
        "external": [PERSONAL, *PRIVATE, "EUR", *EXTERNAL_DROPS],
    }[audience]
    leaks = [(name, s) for name, text in files.items() for s in hidden if s in text]
    assert leaks == []
    # Control: what this audience may see is there (so the sentinels above would have been found).
    shown = {
        "private": [PERSONAL, *PRIVATE, *EXTERNAL_DROPS],
        "internal": list(EXTERNAL_DROPS),
        "external": [],
    }[audience]
    index_and_search = files["index.html"] + files["assets/search-index.js"] + files["accounts/acme.html"]
    assert [s for s in shown if s not in index_and_search] == []
    kinds = {e["k"] for e in search_index(out)}
    if audience == "external":
        assert kinds == {"account", "person", "project"}  # needs are not on the partner allow-list
        assert "rag-" not in files["index.html"]  # no health for external readers
    else:
        assert {"account", "person", "competitor", "need", "crux", "project"} <= kinds
    assert_links_resolve(out)
    assert_search_targets_exist(out)


# --- HTML shape -------------------------------------------------------------------------------------------


def test_every_page_is_well_formed_html5(site: Path) -> None:
    out = site
    pages = [parse(p) for p in html_files(out)]
    assert [p.path.relative_to(out).as_posix() for p in pages] == [
        "accounts/acme.html",
        "accounts/ansteel.html",
        "accounts/quiet.html",
        "index.html",
        "portfolio.html",
    ]
    for page in pages:
        name = page.path.relative_to(out)
        assert page.source.lstrip().lower().startswith("<!doctype html>"), name
        assert (page.doctype or "").lower() == "doctype html", name
        html = page.root.find_all("html")
        assert len(html) == 1, name
        assert html[0].attrs.get("lang") in ("en", "zh-CN"), name
        for tag in ("head", "body", "main", "title"):
            assert len(page.root.find_all(tag)) == 1, (name, tag)
        assert page.root.find("title").text(), name
        assert page.root.find_all("meta", charset="utf-8"), name
        viewport = page.root.find_all("meta", name="viewport")
        assert viewport, name
        assert "width=device-width" in viewport[0].attrs.get("content", ""), name
        assert page.problems == [], name  # every element closed, in order
        for tag in STRUCTURAL:  # and the main structure is where it belongs
            for node in page.root.find_all(tag):
                parents = [p.tag for p in node.ancestors()]
                if tag in ("li",):
                    assert parents[0] in ("ul", "ol", "menu"), (name, tag, parents[:3])
                if tag in ("tr",):
                    assert parents[0] in ("thead", "tbody", "tfoot", "table"), (name, tag, parents[:3])
                if tag in ("td", "th"):
                    assert parents[0] == "tr", (name, tag, parents[:3])
                if tag in ("dt", "dd"):
                    assert parents[0] in ("dl", "div"), (name, tag, parents[:3])
                if tag in ("head", "body"):
                    assert parents[0] == "html", (name, tag)
                if tag in ("main", "header", "footer", "nav", "section", "table"):
                    assert "body" in parents, (name, tag)
        ids = [n.attrs["id"] for n in page.root.iter() if "id" in n.attrs]
        assert len(ids) == len(set(ids)), (name, sorted({i for i in ids if ids.count(i) > 1}))
        for img in page.root.find_all("img"):
            assert "alt" in img.attrs, (name, img.attrs)


def test_index_controls_have_labels_and_sortable_headers(site: Path) -> None:
    index = parse(site / "index.html")
    labelled_for = {n.attrs["for"] for n in index.root.find_all("label") if "for" in n.attrs}
    controls = index.root.find_all("input") + index.root.find_all("select") + index.root.find_all("textarea")
    assert {c.attrs.get("id") for c in controls} >= {"q", "filter", "tier", "rag"}
    for control in controls:
        wrapped = any(a.tag == "label" for a in control.ancestors())
        named = control.attrs.get("aria-label") or control.attrs.get("aria-labelledby")
        assert wrapped or named or control.attrs.get("id") in labelled_for, control.attrs
    heads = index.root.find("table", id="accounts").find("thead").find_all("th")
    sortable = [th for th in heads if th.find_all("button")]
    assert len(sortable) >= 8
    for th in sortable:
        button = th.find("button")
        assert button.attrs.get("type") == "button"
        assert button.attrs.get("data-sort") in ("text", "num")
        assert button.text()
        assert th.attrs.get("scope") == "col"
    # Every sortable cell carries the value to sort by.
    for tr in index.root.find("table", id="accounts").find("tbody").find_all("tr"):
        cells = tr.find_all("td")
        for i, th in enumerate(heads):
            if th.find_all("button"):
                assert "data-v" in cells[i].attrs, (i, tr.attrs)
    assert index.root.find("script", src="assets/search-index.js")
    assert index.root.find("script", src="assets/site.js")
    assert index.root.find("link", rel="stylesheet").attrs["href"] == "assets/site.css"


# --- a real browser ---------------------------------------------------------------------------------------

PROBE_HEAD = """<script>
window.__errors = [];
window.addEventListener("error", function (e) { window.__errors.push(String(e.message)); });
</script>"""

PROBE_BODY = """<script>
(function () {
  var out = {}, q = document.getElementById("q");
  var hrefs = function () {
    return Array.prototype.map.call(document.querySelectorAll("#results a"), function (a) {
      return a.getAttribute("href");
    });
  };
  var names = function () {
    return Array.prototype.filter.call(document.querySelectorAll("#accounts tbody tr"), function (r) {
      return !r.hidden;
    }).map(function (r) { return r.cells[0].getAttribute("data-v"); });
  };
  q.value = "王芳"; q.dispatchEvent(new Event("input")); out.wang = hrefs();
  q.value = "zhao gang"; q.dispatchEvent(new Event("input")); out.zhao = hrefs();
  q.value = "no such thing at all"; q.dispatchEvent(new Event("input"));
  out.none = document.querySelectorAll("#results li").length;
  var account = document.querySelector("#accounts thead th button");
  account.click(); out.asc = names();
  out.ariaSort = account.parentNode.getAttribute("aria-sort");
  account.click(); out.desc = names();
  var tier = document.getElementById("tier");
  tier.value = "B"; tier.dispatchEvent(new Event("input")); out.tierB = names();
  tier.value = ""; tier.dispatchEvent(new Event("input"));
  var filter = document.getElementById("filter");
  filter.value = "quiet"; filter.dispatchEvent(new Event("input")); out.filtered = names();
  out.errors = window.__errors;
  var pre = document.createElement("pre");
  pre.id = "probe"; pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();
</script>"""


@pytest.mark.pdf
@pytest.mark.skipif(not Path(CHROMIUM).is_file(), reason="Chromium is missing: make test installs chromium")
def test_site_runs_in_a_real_browser_without_errors(site: Path, tmp_path: Path) -> None:
    """Headless Chromium loads index.html from file://: site.js runs, searches, sorts and filters.

    A copy of OUT gets two scripts added to index.html (an error trap first in <head>, a probe last in
    <body>) that type into the controls through DOM events and write what they see into the page.
    """
    probe = tmp_path / "probe"
    shutil.copytree(site, probe)
    index = (probe / "index.html").read_text(encoding="utf-8")
    assert index.count("<head>") == 1
    assert index.count("</body>") == 1
    index = index.replace("<head>", "<head>\n" + PROBE_HEAD).replace("</body>", PROBE_BODY + "\n</body>")
    (probe / "index.html").write_text(index, encoding="utf-8")
    command = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
        "--enable-logging=stderr",
        "--v=0",
        "--dump-dom",
        (probe / "index.html").as_uri(),
    ]
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "LANG": "C.UTF-8"},
    )
    console = [line for line in done.stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]
    assert not [line for line in console if "Uncaught" in line or "ERROR:CONSOLE" in line], console
    dom = _TreeBuilder()
    dom.feed(done.stdout)
    pre = [n for n in dom.root.iter() if n.attrs.get("id") == "probe"]
    assert pre, (done.returncode, done.stdout[-500:], done.stderr[-2000:])
    seen = json.loads(pre[0].text())
    assert seen["errors"] == []
    assert "accounts/ansteel.html#person-wang-fang" in seen["wang"]
    assert "accounts/acme.html#person-zhao-gm" in seen["zhao"]
    assert seen["none"] == 1  # the "—" line
    assert seen["asc"] == ["Quiet Paper", "Test Steel", "鞍山特钢"]
    assert seen["desc"] == list(reversed(seen["asc"]))
    assert seen["ariaSort"] == "ascending"
    assert seen["tierB"] == ["鞍山特钢"]
    assert seen["filtered"] == ["Quiet Paper"]
