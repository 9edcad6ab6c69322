"""PDFs: real WeasyPrint renders read back with pypdf (text, outline, metadata, fonts, attachments),
and the URL fetcher that lets a document read only its theme's files and ``data:`` URIs.

Real renders cost about a second each: they are few, marked ``pdf``, and use small plans.
"""

from __future__ import annotations

import base64
import io
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import TODAY
from pypdf import PdfReader

from kaplan.config import Workspace, load_workspace
from kaplan.documents.labels import word
from kaplan.documents.pdf import BlockedURL, _fetcher_class, render_pdf
from kaplan.documents.theme import Theme, builtin_folder
from kaplan.site.tasks import BuildOptions, build_one

REPO = Path(__file__).resolve().parents[2]
NEEDS_PDFFONTS = pytest.mark.skipif(
    shutil.which("pdffonts") is None, reason="pdffonts is missing: make test installs poppler-utils"
)
OUTSIDE = "SENTINEL-OUTSIDE-THEME"

ZH_PLAN: dict[str, Any] = {
    "kaplan": 1,
    "summary": "三号高炉改造是今年的**重点项目**。",
    "plan": {
        "owner": "zhou-hang",
        "status": "active",
        "reviewed": "2026-11-01",
        "locale": "zh",
        "currency": "CNY",
    },
    "account": {"name": "华北重工集团", "industry": "装备制造", "hq": "河北唐山"},
    "team": [{"id": "zhou-hang", "name": "周航", "role": "account_manager"}],
    "people": [
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
    "projects": [
        {
            "id": "p-furnace",
            "name": "三号高炉改造",
            "stage": 4,
            "stage_since": "2026-11-01",
            "value": 12_000_000,
            "buying_team": [
                {"person": "wang-fang", "roles": ["economic_buyer", "champion"], "win": {"personal": "晋升"}}
            ],
            "criteria": [{"criterion": "耐火寿命", "weight": 0.6, "shaped_by_us": True}],
        }
    ],
    "cruxes": [{"id": "c-wang", "kind": "person", "statement": "王总拍板", "refs": ["wang-fang"]}],
    "actions": [{"id": "a-visit", "what": "拜访王总", "owner": "zhou-hang", "due": "2026-12-10"}],
}


PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


def image_count(reader: PdfReader) -> int:
    return sum(len(page.images) for page in reader.pages)


def make_repo(
    root: Path, plan: dict[str, Any], templates: dict[str, str] | None = None
) -> tuple[Path, Workspace]:
    (root / "plans").mkdir(parents=True, exist_ok=True)
    path = root / "plans" / "huabei.yaml"
    path.write_text(yaml.safe_dump(plan, allow_unicode=True, sort_keys=False), encoding="utf-8")
    for name, text in (templates or {}).items():
        (root / "templates").mkdir(exist_ok=True)
        (root / "templates" / name).write_text(text, encoding="utf-8")
    return path, load_workspace(root)


def build(path: Path, project: Workspace, out: Path, **options: Any) -> list[Path]:
    result = build_one(path, path.name, project, BuildOptions(out=out, today=TODAY, **options))
    assert result.ok, (result.error, [f.text() for f in result.findings if f.structural])
    return result.written


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def text_of(reader: PdfReader) -> str:
    return "".join(page.extract_text() for page in reader.pages)


def outline_titles(outline: list[Any]) -> list[str]:
    titles: list[str] = []
    for item in outline:
        if isinstance(item, list):
            titles += outline_titles(item)
        else:
            titles.append(item.title)
    return titles


def embedded_fonts(reader: PdfReader) -> dict[str, bool]:
    """Font name → whether the font program is embedded, over every page."""
    fonts: dict[str, bool] = {}
    for page in reader.pages:
        resources = page.get("/Resources")
        if resources is None:
            continue
        for ref in (resources.get_object().get("/Font") or {}).values():
            font = ref.get_object()
            descendants = font.get("/DescendantFonts")
            descriptor_of = descendants[0].get_object() if descendants else font
            descriptor = descriptor_of.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            embedded = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            fonts[str(font["/BaseFont"]).split("+")[-1]] = embedded
    return fonts


@pytest.fixture(scope="module")
def zh_build(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One real build of a small Chinese plan: HTML, dossier PDF, briefing PDF."""
    root = tmp_path_factory.mktemp("zh")
    path, project = make_repo(root, ZH_PLAN)
    out = root / "out"
    build(path, project, out)
    accounts = out / "accounts"
    return {
        "project": project,
        "html": (accounts / "huabei.html").read_text(encoding="utf-8"),
        "pdf": (accounts / "huabei.pdf").read_bytes(),
        "brief": (accounts / "huabei.brief.pdf").read_bytes(),
    }


# --- the dossier PDF read back ------------------------------------------------------------------------


@pytest.mark.pdf
def test_chinese_text_is_extracted(zh_build: dict[str, Any]) -> None:
    reader = PdfReader(io.BytesIO(zh_build["pdf"]))
    assert len(reader.pages) >= 1
    text = squash(text_of(reader))
    for words in ("华北重工集团", "三号高炉改造", "王芳", "王总拍板", "拜访王总", "执行摘要", "1,200万元"):
        assert squash(words) in text, words


@pytest.mark.pdf
def test_outline_comes_from_headings(zh_build: dict[str, Any]) -> None:
    reader = PdfReader(io.BytesIO(zh_build["pdf"]))
    titles = outline_titles(reader.outline)
    for key in ("summary", "profile", "projects", "people", "cruxes", "actions"):
        assert any(t.startswith(word(key, "zh")) for t in titles), (key, titles)
    assert any("三号高炉改造" in t for t in titles)  # a project, at level 2
    assert all(t.strip() for t in titles)


@pytest.mark.pdf
def test_metadata(zh_build: dict[str, Any]) -> None:
    meta = PdfReader(io.BytesIO(zh_build["pdf"])).metadata
    assert meta is not None
    assert meta["/Title"] == f"华北重工集团 · {word('dossier', 'zh')}"
    assert meta["/Author"] == "周航"
    assert meta["/Subject"] == f"{word('dossier', 'zh')}: 华北重工集团"
    assert "华北重工集团" in meta["/Keywords"]
    assert "huabei" in meta["/Keywords"]
    assert str(meta["/Creator"]).startswith("kaplan ")
    # no timestamps: rebuilds are byte-identical
    assert "/CreationDate" not in meta
    assert "/ModDate" not in meta


@pytest.mark.pdf
def test_briefing_metadata(zh_build: dict[str, Any]) -> None:
    reader = PdfReader(io.BytesIO(zh_build["brief"]))
    assert reader.metadata is not None
    assert reader.metadata["/Title"] == f"华北重工集团 · {word('briefing', 'zh')}"
    assert reader.metadata["/Author"] == "周航"
    assert 1 <= len(reader.pages) <= 2
    assert "王总拍板" in squash(text_of(reader))


@pytest.mark.pdf
def test_no_attachments_by_default(zh_build: dict[str, Any]) -> None:
    for key in ("pdf", "brief"):
        reader = PdfReader(io.BytesIO(zh_build[key]))
        assert dict(reader.attachments) == {}
        assert b"/EmbeddedFile" not in zh_build[key]


@pytest.mark.pdf
def test_cjk_font_is_embedded(zh_build: dict[str, Any]) -> None:
    fonts = embedded_fonts(PdfReader(io.BytesIO(zh_build["pdf"])))
    cjk = [name for name in fonts if re.search(r"WenQuanYi|CJK|SourceHan|Noto.*(SC|CJK)", name, re.I)]
    assert cjk, fonts
    assert all(fonts[name] for name in cjk)
    assert all(fonts.values()), fonts  # every font is embedded, not only referenced


@pytest.mark.pdf
@NEEDS_PDFFONTS
def test_cjk_font_is_embedded_says_pdffonts(zh_build: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "doc.pdf"
    path.write_bytes(zh_build["pdf"])
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = [line for line in out.splitlines()[2:] if line.strip()]
    assert any("WenQuanYi" in row for row in rows), out
    for row in rows:  # columns: name type encoding emb sub uni object ID
        assert re.search(r"\s(yes)\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+\s*$", row), row


@pytest.mark.pdf
def test_same_input_gives_identical_pdf_bytes(zh_build: dict[str, Any]) -> None:
    again = render_pdf(zh_build["html"], Theme.of(zh_build["project"]))
    assert again == zh_build["pdf"]


@pytest.mark.pdf
def test_briefing_of_the_rich_plan_is_one_or_two_pages(tmp_path: Path) -> None:
    path = REPO / "plans" / "anshan-special-steel.yaml"
    written = build(path, load_workspace(REPO), tmp_path, html=False, pdf=False, brief=True)
    # The general briefing first, then one per meeting from today on.
    assert written[0].name == "anshan-special-steel.brief.pdf"
    assert all(p.name.endswith(".brief.pdf") for p in written)
    reader = PdfReader(written[0])
    assert 1 <= len(reader.pages) <= 2
    assert "鞍山特殊钢" in text_of(reader)


# --- the fetcher ------------------------------------------------------------------------------------------


@pytest.fixture
def theme(tmp_path: Path) -> Path:
    """An override theme folder with a file, and a secret file next to it (outside the theme)."""
    folder = tmp_path / "repo" / "templates"
    folder.mkdir(parents=True)
    (folder / "extra.css").write_text("p { color: teal; }\n", encoding="utf-8")
    (tmp_path / "repo" / "secret.css").write_text(
        f'body::before {{ content: "{OUTSIDE}" }}\n', encoding="utf-8"
    )
    (folder / "link.css").symlink_to(tmp_path / "repo" / "secret.css")
    return folder


def fetcher(*roots: Path) -> Any:
    return _fetcher_class()(Theme(roots))


def test_fetcher_serves_theme_files(theme: Path) -> None:
    f = fetcher(theme, builtin_folder())
    response = f.fetch((theme / "extra.css").as_uri())
    assert response.read() == b"p { color: teal; }\n"
    assert response.content_type == "text/css"
    builtin = f.fetch((builtin_folder() / "theme.css").resolve().as_uri())
    assert builtin.read() == (builtin_folder() / "theme.css").read_bytes()
    assert f.blocked == []


def test_fetcher_serves_data_uris(theme: Path) -> None:
    response = fetcher(theme).fetch("data:text/plain;base64,aGVsbG8=")
    assert response.read() == b"hello"


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "file://localhost/etc/passwd",
        "file:///dev/zero",
        "http://127.0.0.1:9/x.css",
        "https://127.0.0.1:9/x.css",
        "ftp://127.0.0.1:9/x.css",
        "THEME/../secret.css",
        "THEME/%2e%2e/secret.css",
        "THEME/sub/../../secret.css",
        "THEME/link.css",  # a symlink out of the theme
        "THEME",  # a folder, not a file
        "THEME/nope.css",
        "/etc/passwd",
        "gopher://127.0.0.1:9/",
    ],
)
def test_fetcher_refuses_everything_else(theme: Path, url: str) -> None:
    url = url.replace("THEME", theme.as_uri())
    f = fetcher(theme, builtin_folder())
    with pytest.raises(BlockedURL):
        f.fetch(url)
    assert f.blocked == [url]


# --- a hostile theme and hostile Markdown, rendered for real --------------------------------------------


def hostile_base(theme_uri: str, outside: Path) -> str:
    """The built-in base.html with a head full of things that try to read what they must not."""
    base = (builtin_folder() / "base.html").read_text(encoding="utf-8")
    attacks = "\n".join(
        [
            '<link rel="attachment" href="file:///etc/passwd">',
            f'<link rel="attachment" href="{outside.as_uri()}">',
            f'<link rel="stylesheet" href="{outside.as_uri()}">',
            f'<link rel="stylesheet" href="{theme_uri}/../secret.css">',
            f'<link rel="stylesheet" href="{theme_uri}/link.css">',
            '<link rel="stylesheet" href="http://127.0.0.1:9/x.css">',
            '<link rel="stylesheet" href="file:///dev/zero">',
            f'<link rel="stylesheet" href="{theme_uri}/extra.css">',
            '<link rel="stylesheet" href="data:text/css,body::after%7Bcontent:\'DATA-URI-SERVED\'%7D">',
            "<style>",
            f'@import url("{outside.as_uri()}");',
            f'@import url("{theme_uri}/../secret.css");',
            '@import url("file:///dev/zero");',
            "</style>",
        ]
    )
    return base.replace("</head>", attacks + "\n</head>")


def hostile_dossier(outside: Path, image: Path) -> str:
    return (
        '{% extends "kaplan/dossier.html" %}\n{% block content %}\n'
        f'<a rel="attachment" href="{outside.as_uri()}">a</a>\n'
        '<a rel="attachment" href="file:///etc/passwd">b</a>\n'
        f'<img src="{image.as_uri()}"><img src="file:///dev/zero"><img src="http://127.0.0.1:9/x.png">\n'
        f'<div style="background: url({image.as_uri()}); width: 1cm; height: 1cm">c</div>\n'
        f'<svg width="10" height="10"><image href="{image.as_uri()}" width="10" height="10"/></svg>\n'
        "{{ super() }}\n{% endblock %}\n"
    )


@pytest.mark.pdf
def test_hostile_theme_and_markdown_read_nothing_outside_the_theme(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    outside = tmp_path / "secret.css"  # outside the repository and the theme
    outside.write_text(f'body::before {{ content: "{OUTSIDE}" }}\n', encoding="utf-8")
    (root / "templates").mkdir(parents=True)
    (root / "secret.css").write_text(f'body::before {{ content: "{OUTSIDE}" }}\n', encoding="utf-8")
    (root / "templates" / "link.css").symlink_to(outside)
    (root / "templates" / "extra.css").write_text(
        "main::before { content: 'THEME-FILE-SERVED' }\n", encoding="utf-8"
    )
    image = tmp_path / "secret.png"
    image.write_bytes(PNG)
    (root / "logo.svg").write_text(  # a brand logo that reaches out
        '<svg xmlns="http://www.w3.org/2000/svg" width="20" height="20">'
        f'<image href="{image.as_uri()}" width="20" height="20"/>'
        f'<style>@import url("{outside.as_uri()}");</style></svg>',
        encoding="utf-8",
    )
    (root / "kaplan.yaml").write_text("brand: {logo: logo.svg}\n", encoding="utf-8")
    theme_uri = (root / "templates").resolve().as_uri()
    plan = dict(ZH_PLAN)
    plan["summary"] = (
        f'<a rel="attachment" href="{outside.as_uri()}">x</a> <a rel="attachment" href="file:///etc/passwd">y</a>\n\n'
        f"![z]({outside.as_uri()}) [w](file:///etc/passwd)"
    )
    path, project = make_repo(
        root,
        plan,
        {"base.html": hostile_base(theme_uri, outside), "dossier.html": hostile_dossier(outside, image)},
    )
    written = build(path, project, tmp_path / "out", brief=False)
    pdf = (tmp_path / "out" / "accounts" / "huabei.pdf").read_bytes()
    assert written[-1].name == "huabei.pdf"
    reader = PdfReader(io.BytesIO(pdf))
    assert dict(reader.attachments) == {}
    assert b"/EmbeddedFile" not in pdf
    text = squash(text_of(reader))
    assert OUTSIDE not in text
    assert "root:" not in text
    assert image_count(reader) == 0  # no <img>, CSS url(), SVG <image> or logo read the outside PNG
    # the controls: the theme's own files and data: URIs are served
    assert "THEME-FILE-SERVED" in text
    assert "DATA-URI-SERVED" in text


@pytest.mark.pdf
@pytest.mark.parametrize("where", ["data", "override"])
def test_theme_files_are_served_by_relative_url(tmp_path: Path, where: str) -> None:
    """A repository's templates/theme.css names its own images and fonts by relative URL, as the
    built-in theme would: the override folder is a theme folder too."""
    theme_css = (builtin_folder() / "theme.css").read_text(encoding="utf-8")
    if where == "data":  # the control: the same rule with the image inline
        url = "data:image/png;base64," + base64.b64encode(PNG).decode()
    else:
        (tmp_path / "templates").mkdir()
        (tmp_path / "templates" / "mark.png").write_bytes(PNG)
        url = "mark.png"
    templates = {"theme.css": theme_css + f'\nmain::before {{ content: url("{url}") }}\n'}
    path, project = make_repo(tmp_path, ZH_PLAN, templates)
    build(path, project, tmp_path / "out", brief=False, html=False)
    assert image_count(PdfReader(tmp_path / "out" / "accounts" / "huabei.pdf")) >= 1


@pytest.mark.pdf
@NEEDS_PDFFONTS
def test_a_rich_chinese_dossier_embeds_a_subset_font_not_the_whole_font(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """HarfBuzz 6.0 cannot subset this many spread-out hanzi; kaplan falls back to fontTools."""
    root = Path(__file__).resolve().parents[2]
    monkeypatch.chdir(root)
    project = load_workspace(root)
    # The private edition: with the personal profiles it uses enough characters to trip HarfBuzz.
    options = BuildOptions(out=tmp_path, html=False, brief=False, audience="private", today=TODAY)
    result = build_one(root / "plans" / "anshan-special-steel.yaml", "anshan", project, options)
    assert result.ok, result.error
    pdf = tmp_path / "accounts" / "anshan-special-steel.pdf"
    assert pdf.stat().st_size < 1_000_000  # the whole WenQuanYi font alone is 5 MB
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    embedded = [line for line in fonts.splitlines() if "WenQuanYi" in line]
    assert embedded
    assert all(line.split()[-4:-2] == ["yes", "yes"] for line in embedded), fonts  # emb, sub
    assert "鞍山特殊钢有限公司" in PdfReader(pdf).pages[0].extract_text()
