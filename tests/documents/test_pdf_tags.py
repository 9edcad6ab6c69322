"""Tagged, archivable PDFs: structure tags, the language, XMP that matches the document info, the
PDF/A-3b variant from ``--pdf-variant`` or kaplan.yaml, byte-identical rebuilds, and the cache key.

Real renders cost about a second each: two module-scoped builds (a dossier and a briefing each) serve
every test that reads PDFs back.
"""

from __future__ import annotations

import contextlib
import io
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import BASE_PLAN, build, merge, run
from pypdf import PdfReader

from kaplan.config import load_workspace
from kaplan.documents.pdf import render_pdf
from kaplan.documents.theme import Theme

NS = {
    "x": "adobe:ns:meta/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
    "pdfuaid": "http://www.aiim.org/pdfua/ns/id/",
}
ZH = merge(
    BASE_PLAN,
    {
        "plan": {"locale": "zh"},
        "account": {"name": "华北重工集团", "industry": "装备制造"},
        "team": [{"id": "li-ming", "name": "周航", "role": "account_manager"}],
    },
)
KINDS = ("pdf", "brief.pdf")


def write_repo(root: Path, plan: dict[str, Any], config: str = "") -> None:
    (root / "plans").mkdir(parents=True)
    text = yaml.safe_dump(plan, allow_unicode=True, sort_keys=False)
    (root / "plans" / "huabei.yaml").write_text(text, encoding="utf-8")
    if config:
        (root / "kaplan.yaml").write_text(config, encoding="utf-8")


def built(root: Path, *args: str) -> dict[str, bytes]:
    with contextlib.chdir(root):
        result = build("plans/huabei.yaml", "--out", "out", *args)
    assert result.exit_code == 0, result.output
    accounts = root / "out" / "accounts"
    return {kind: (accounts / f"huabei.{kind}").read_bytes() for kind in KINDS}


@pytest.fixture(scope="module")
def tagged(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A Chinese plan built with the defaults: tagged PDFs, no variant."""
    root = tmp_path_factory.mktemp("tagged")
    write_repo(root, ZH)
    pdfs = built(root)
    html = (root / "out" / "accounts" / "huabei.html").read_text(encoding="utf-8")
    return {"root": root, "html": html, **pdfs}


@pytest.fixture(scope="module")
def archival(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """An English plan built with ``--pdf-variant pdf/a-3b``, over kaplan.yaml's ``pdf/ua-1``."""
    root = tmp_path_factory.mktemp("archival")
    write_repo(root, BASE_PLAN, "pdf_variant: pdf/ua-1\n")
    return built(root, "--no-html", "--pdf-variant", "pdf/a-3b")


def catalog(pdf: bytes) -> Any:
    return PdfReader(io.BytesIO(pdf)).trailer["/Root"]


def xmp(pdf: bytes) -> ET.Element:
    """The XMP packet of a PDF, parsed (it must be well-formed XML)."""
    stream = catalog(pdf)["/Metadata"].get_object()
    assert stream["/Subtype"] == "/XML"
    return ET.fromstring(stream.get_data())


def xmp_texts(tree: ET.Element, prop: str) -> list[str]:
    return [li.text or "" for li in tree.findall(f"rdf:RDF/rdf:Description/{prop}//rdf:li", NS)]


def xmp_attribute(tree: ET.Element, name: str) -> str | None:
    prefix, local = name.split(":")
    for description in tree.findall("rdf:RDF/rdf:Description", NS):
        value = description.get(f"{{{NS[prefix]}}}{local}")
        if value is not None:
            return value
    return None


def embedded_fonts(reader: PdfReader) -> dict[str, bool]:
    """Font name → whether its program is embedded, over every page."""
    fonts: dict[str, bool] = {}
    for page in reader.pages:
        for ref in (page["/Resources"].get_object().get("/Font") or {}).values():
            font = ref.get_object()
            descendants = font.get("/DescendantFonts")
            descriptor = (descendants[0].get_object() if descendants else font)[
                "/FontDescriptor"
            ].get_object()
            fonts[str(font["/BaseFont"])] = any(
                k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")
            )
    return fonts


# --- every PDF is tagged, in its plan's language ----------------------------------------------------------


@pytest.mark.pdf
@pytest.mark.parametrize("which", ["tagged", "archival"])
@pytest.mark.parametrize("kind", KINDS)
def test_every_pdf_is_tagged(which: str, kind: str, request: pytest.FixtureRequest) -> None:
    root = catalog(request.getfixturevalue(which)[kind])
    assert root["/MarkInfo"]["/Marked"].value is True
    tree = root["/StructTreeRoot"].get_object()
    assert tree["/Type"] == "/StructTreeRoot"
    assert tree["/K"]  # the document's structure, not an empty root


@pytest.mark.pdf
@pytest.mark.parametrize(("which", "lang"), [("tagged", "zh"), ("archival", "en")])
@pytest.mark.parametrize("kind", KINDS)
def test_the_language_is_the_plans_locale(
    which: str, lang: str, kind: str, request: pytest.FixtureRequest
) -> None:
    pdf = request.getfixturevalue(which)[kind]
    assert str(catalog(pdf)["/Lang"]).split("-")[0] == lang
    assert xmp_texts(xmp(pdf), "dc:language") == [str(catalog(pdf)["/Lang"])]


@pytest.mark.pdf
@pytest.mark.parametrize("which", ["tagged", "archival"])
@pytest.mark.parametrize("kind", KINDS)
def test_xmp_matches_the_document_info(which: str, kind: str, request: pytest.FixtureRequest) -> None:
    pdf = request.getfixturevalue(which)[kind]
    info = PdfReader(io.BytesIO(pdf)).metadata
    assert info is not None
    tree = xmp(pdf)
    assert xmp_texts(tree, "dc:title") == [info["/Title"]]
    assert xmp_texts(tree, "dc:creator") == [info["/Author"]]
    assert xmp_texts(tree, "dc:description") == [info["/Subject"]]
    # no clock anywhere: neither the document info nor the XMP carries a date
    assert "/CreationDate" not in info
    assert "/ModDate" not in info
    for date in (b"CreateDate", b"ModifyDate", b"MetadataDate"):
        assert date not in pdf


@pytest.mark.pdf
def test_the_chinese_dossier_says_so_everywhere(tagged: dict[str, Any]) -> None:
    tree = xmp(tagged["pdf"])
    assert any("华北重工集团" in t for t in xmp_texts(tree, "dc:title"))
    assert xmp_texts(tree, "dc:creator") == ["周航"]


@pytest.mark.pdf
@pytest.mark.parametrize("kind", KINDS)
def test_the_default_claims_no_standard(tagged: dict[str, Any], kind: str) -> None:
    tree = xmp(tagged[kind])
    assert xmp_attribute(tree, "pdfaid:part") is None
    assert xmp_attribute(tree, "pdfuaid:part") is None
    assert "/OutputIntents" not in catalog(tagged[kind])


# --- PDF/A-3b -----------------------------------------------------------------------------------------------


@pytest.mark.pdf
@pytest.mark.parametrize("kind", KINDS)
def test_pdf_a_3b_is_identified_and_has_an_output_intent(archival: dict[str, bytes], kind: str) -> None:
    pdf = archival[kind]
    tree = xmp(pdf)
    assert xmp_attribute(tree, "pdfaid:part") == "3"
    assert xmp_attribute(tree, "pdfaid:conformance") == "B"
    assert xmp_attribute(tree, "pdfuaid:part") is None  # --pdf-variant won over kaplan.yaml's pdf/ua-1
    (intent,) = catalog(pdf)["/OutputIntents"]
    intent = intent.get_object()
    assert intent["/S"] == "/GTS_PDFA1"
    assert "/DestOutputProfile" in intent
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.trailer["/ID"]  # PDF/A wants a file identifier: a hash of the content, not of the clock
    assert dict(reader.attachments) == {}
    fonts = embedded_fonts(reader)
    assert fonts
    assert all(fonts.values()), fonts


def test_pdf_ua_1_is_identified() -> None:
    html = '<html lang="en"><head><title>T</title><meta name="author" content="A"></head><body><h1>Hi</h1></body></html>'
    tree = xmp(render_pdf(html, Theme(Theme.builtin().folders, "pdf/ua-1")))
    assert xmp_attribute(tree, "pdfuaid:part") == "1"
    assert xmp_texts(tree, "dc:language") == ["en"]


# --- determinism and the cache --------------------------------------------------------------------------------


@pytest.mark.pdf
def test_a_tagged_rebuild_is_byte_identical(tagged: dict[str, Any]) -> None:
    with contextlib.chdir(tagged["root"]):
        project = load_workspace(tagged["root"])
    assert render_pdf(tagged["html"], Theme.of(project)) == tagged["pdf"]


def test_switching_the_variant_rebuilds_the_pdfs(
    repo: Path, write_plan: Callable[..., Path], make_plan: Callable[..., dict[str, Any]], fake_pdf: list[str]
) -> None:
    write_plan(make_plan(), "acme")
    assert build("plans/acme.yaml", "--out", "out").exit_code == 0
    assert len(fake_pdf) == 2
    again = build("plans/acme.yaml", "--out", "out")
    assert "0 built, 1 up to date" in again.output
    archival = build("plans/acme.yaml", "--out", "out", "--pdf-variant", "pdf/a-3b")
    assert "1 built, 0 up to date" in archival.output, archival.output
    assert len(fake_pdf) == 4
    assert (
        "0 built, 1 up to date"
        in build("plans/acme.yaml", "--out", "out", "--pdf-variant", "pdf/a-3b").output
    )


# --- bad variants ---------------------------------------------------------------------------------------------


def test_a_bad_pdf_variant_in_kaplan_yaml_is_located(repo: Path, write_plan: Callable[..., Path]) -> None:
    (repo / "kaplan.yaml").write_text("title: X\npdf_variant: pdf/a-2b\n", encoding="utf-8")
    result = build("--out", "out")
    assert result.exit_code == 1
    assert "kaplan.yaml:2:14: error schema: pdf_variant" in result.output, result.output
    assert "pdf/a-3b" in result.output


def test_a_bad_pdf_variant_option_is_a_usage_error(repo: Path) -> None:
    result = run("build", "--pdf-variant", "pdf/x-4")
    assert result.exit_code == 2
    assert "pdf/a-3b" in result.output
    assert "pdf/ua-1" in result.output
