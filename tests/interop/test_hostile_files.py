"""Workbooks and CSVs are untrusted: formulas stay text, exports cannot become formulas, size is bounded."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import TODAY, run
from openpyxl import Workbook, load_workbook

from kaplan.interop.tables import MAX_BYTES, read_tables

HOSTILE = ['=HYPERLINK("http://evil.example","x")', "+1+2", "-2+3", "@SUM(A1:A2)", "\tTAB", "'quoted"]


@pytest.fixture
def hostile_plan(repo: Path, make_plan: Any) -> Path:
    people = [
        {"id": f"p-{i}", "name": f"Person {i}", "title": text, "notes": text}
        for i, text in enumerate(HOSTILE)
    ]
    data = make_plan(people=people, projects=[], cruxes=[], needs=[])
    path = repo / "plans" / "acme.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_text_that_looks_like_a_formula_is_escaped_in_csv_and_typed_as_text_in_xlsx(
    hostile_plan: Path, repo: Path
) -> None:
    assert run("export", "--format", "csv", "--out", "csv").exit_code == 0
    people = (repo / "csv" / "people.csv").read_text(encoding="utf-8-sig")
    for text in HOSTILE:
        # Every cell a spreadsheet could evaluate starts with a ' (OWASP's advice for CSV injection).
        assert not re.search(r"(^|,)[=+\-@\t]", people.replace('"', "")), people
        assert f"'{text}" in people.replace('""', '"')
    assert run("export", "--out", "p.xlsx").exit_code == 0
    archive = zipfile.ZipFile(repo / "p.xlsx")
    sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
    xml = b"".join(archive.read(n) for n in sheets)
    assert b"<f>" not in xml  # not one formula in the workbook
    book = load_workbook(repo / "p.xlsx")
    cells = [c for row in book["people"].iter_rows(min_row=2) for c in row if c.value in HOSTILE]
    assert len(cells) == 2 * len(HOSTILE)
    assert all(c.data_type == "s" for c in cells)
    assert all(c.quotePrefix for c in cells if str(c.value)[:1] in "=+-@\t'")
    # Both come back as the same text: the round trip changes nothing.
    before = hostile_plan.read_bytes()
    for given in ("p.xlsx", "csv"):
        result = run("import", given, "--today", TODAY.isoformat())
        assert result.exit_code == 0, result.output
        assert "no plan changes" in result.output
    assert hostile_plan.read_bytes() == before


def test_formulas_in_an_imported_workbook_are_read_as_text_never_evaluated(
    hostile_plan: Path, repo: Path
) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "people"
    sheet.append(["account", "id", "title", "notes"])
    sheet.append(["acme", "p-1", "=1+1", '=HYPERLINK("http://evil.example","click")'])
    book.save(repo / "in.xlsx")  # openpyxl writes these as real formulas (<f> elements)
    assert b"<f>" in zipfile.ZipFile(repo / "in.xlsx").read("xl/worksheets/sheet1.xml")
    result = run("import", "in.xlsx", "--today", TODAY.isoformat())
    assert result.exit_code == 0, result.output
    data = yaml.safe_load(hostile_plan.read_text(encoding="utf-8"))
    person = next(p for p in data["people"] if p["id"] == "p-1")
    assert person["title"] == "=1+1"  # the formula's text, not 2
    assert person["notes"] == '=HYPERLINK("http://evil.example","click")'


@pytest.mark.parametrize("name", ["big.xlsx", "big.csv"])
def test_a_file_over_50_mb_is_refused_before_it_is_read(repo: Path, name: str) -> None:
    path = repo / name
    with path.open("wb") as handle:
        handle.truncate(MAX_BYTES + 1)  # sparse: no 50 MB written to disk
    result = run("import", name)
    assert result.exit_code == 1
    assert f"{name}: the file is over 50 MB: split it, or export fewer rows" in result.output


def test_a_zip_bomb_is_refused_by_its_inflated_size(repo: Path) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (201 * 1024 * 1024))
    (repo / "bomb.xlsx").write_bytes(out.getvalue())
    assert len(out.getvalue()) < MAX_BYTES
    result = run("import", "bomb.xlsx")
    assert result.exit_code == 1
    assert "bomb.xlsx: the workbook unpacks to 201 MB, over kaplan's 200 MB" in result.output


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("old.xls", b"\xd0\xcf\x11\xe0", "kaplan reads .xlsx and .csv files"),
        ("broken.xlsx", b"PK\x03\x04not really", "not an xlsx workbook"),
        (
            "latin.csv",
            "account,id,name\nacme,x,Ren\xe9\xff\xfe\n".encode("latin-1"),
            "neither UTF-8 nor GB18030",
        ),
    ],
)
def test_unreadable_files_get_a_message_not_a_traceback(
    repo: Path, name: str, content: bytes, message: str
) -> None:
    (repo / name).write_bytes(content)
    result = run("import", name)
    assert result.exit_code == 1
    assert message in result.output


def test_a_folder_or_a_device_is_not_read(repo: Path) -> None:
    result = run("import", "/dev/zero")
    assert result.exit_code == 1
    assert "not a regular file" in result.output
    assert run("import", "missing.xlsx").exit_code == 2


def test_csv_from_chinese_excel_in_gb18030_is_read(hostile_plan: Path, repo: Path) -> None:
    (repo / "people.csv").write_bytes("account,id,title\r\nacme,p-1,采购部部长\r\n".encode("gb18030"))
    result = run("import", "people.csv", "--today", TODAY.isoformat())
    assert result.exit_code == 0, result.output
    assert "采购部部长" in hostile_plan.read_text(encoding="utf-8")


def test_a_semicolon_csv_from_a_european_excel_is_read(hostile_plan: Path, repo: Path) -> None:
    (repo / "people.csv").write_text(
        "account;id;title\r\nacme;p-1;Head of works, Botlek\r\n", encoding="utf-8"
    )
    tables = read_tables(repo / "people.csv", "people.csv")
    assert tables[0].rows[1] == ["acme", "p-1", "Head of works, Botlek"]
