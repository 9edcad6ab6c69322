"""``kaplan export`` then ``kaplan import``: the workbook's layout, the byte round trip, edits in place."""

from __future__ import annotations

import difflib
import hashlib
import io
import shutil
import zipfile
from pathlib import Path

import pytest
from conftest import TODAY, run
from openpyxl import load_workbook

ROOT = Path(__file__).resolve().parents[2]
SHEETS = [
    "accounts",
    "people",
    "projects",
    "buying team",
    "competitors",
    "actions",
    "objectives",
    "meetings",
    "log",
]


@pytest.fixture
def examples(repo: Path) -> Path:
    """The repository's example plans, copied into a fresh repository that is the current folder."""
    for path in (ROOT / "plans").glob("*.yaml"):
        shutil.copy(path, repo / "plans" / path.name)
    return repo


def digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob("*.yaml"))}


def import_(*args: str) -> tuple[int, str]:
    result = run("import", *args, "--today", TODAY.isoformat())
    return result.exit_code, result.output


def test_the_workbook_has_a_sheet_per_list_and_is_byte_identical_when_made_twice(examples: Path) -> None:
    first = run("export", "--out", "a.xlsx")
    assert first.exit_code == 0, first.output
    assert "a.xlsx: " in first.output
    assert "internal audience" in first.output
    assert run("export", "--out", "b.xlsx").exit_code == 0
    assert (examples / "a.xlsx").read_bytes() == (examples / "b.xlsx").read_bytes()
    book = load_workbook(examples / "a.xlsx")
    assert book.sheetnames == SHEETS
    people = book["people"]
    header = [c.value for c in people[1]]
    assert header[:3] == ["account", "id", "name"]
    assert "personal.family" not in header  # personal data is for private workbooks only
    names = {r[header.index("name")] for r in people.iter_rows(min_row=2, values_only=True)}
    assert {"孙伟民", "Marcus Heller"} <= names
    # Money is a number Excel can sum; dates are dates.
    projects = book["projects"]
    head = [c.value for c in projects[1]]
    row = next(projects.iter_rows(min_row=2, values_only=True))
    assert isinstance(row[head.index("value")], (int, float))
    assert row[head.index("stage_since")].year >= 2026
    buying = [c.value for c in book["buying team"][1]]
    assert buying[:3] == ["account", "project", "person"]


def test_csv_export_is_one_file_per_sheet_in_utf8_with_a_bom(examples: Path) -> None:
    result = run("export", "--format", "csv", "--out", "csv")
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (examples / "csv").iterdir())
    assert names == sorted(f"{s.replace(' ', '-')}.csv" for s in SHEETS)
    raw = (examples / "csv" / "people.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfaccount,id,name,")
    assert "赵国梁".encode() in raw


@pytest.mark.parametrize(("fmt", "out"), [("xlsx", "p.xlsx"), ("csv", "csv")])
@pytest.mark.parametrize("audience", ["internal", "private"])
def test_importing_an_unchanged_export_changes_no_byte(
    examples: Path, fmt: str, out: str, audience: str
) -> None:
    before = digests(examples / "plans")
    assert run("export", "--format", fmt, "--out", out, "--audience", audience).exit_code == 0
    code, output = import_(out)
    assert code == 0, output
    assert "no plan changes" in output
    assert digests(examples / "plans") == before


def edit_workbook(path: Path) -> None:
    book = load_workbook(path)
    people = book["people"]
    header = [c.value for c in people[1]]
    for row in people.iter_rows(min_row=2):
        if row[header.index("id")].value == "zhao-guoliang":
            row[header.index("title")].value = "总经理（兼党委副书记）"
            row[header.index("support")].value = "supporter"
    new = [None] * len(header)
    new[0], new[header.index("id")], new[header.index("name")] = "anshan-special-steel", "wang-xin", "王新"
    new[header.index("reports_to")] = "zhao-guoliang"
    people.append(new)
    projects = book["projects"]
    head = [c.value for c in projects[1]]
    for row in projects.iter_rows(min_row=2):
        if row[head.index("id")].value == "ladle-package-2027":
            row[head.index("stage")].value = 6
    book.save(path)


def test_an_edited_workbook_changes_only_what_it_says_and_keeps_comments(examples: Path) -> None:
    plan = examples / "plans" / "anshan-special-steel.yaml"
    before = plan.read_text(encoding="utf-8")
    assert run("export", "--out", "p.xlsx").exit_code == 0
    edit_workbook(examples / "p.xlsx")

    code, output = import_("p.xlsx", "--dry-run")
    assert code == 0, output
    assert plan.read_text(encoding="utf-8") == before  # a dry run writes nothing
    # Worded as kaplan diff words it: kinds, then messages in the plan's language.
    assert "title_changed" in output
    assert "总经理 → 总经理（兼党委副书记）" in output
    assert "support_changed" in output
    assert "stage_advanced" in output
    assert "person_added" in output
    assert "王新" in output
    assert "dry run: nothing written" in output

    code, output = import_("p.xlsx")
    assert code == 0, output
    after = plan.read_text(encoding="utf-8")
    changed = [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    assert sorted(changed) == sorted(
        [
            "-    title: 总经理",
            "+    title: 总经理（兼党委副书记）",
            "-    support: neutral",
            "+    support: supporter",
            "-    stage: 5",
            "+    stage: 6",
            "+  - id: wang-xin",
            "+    name: 王新",
            "+    reports_to: zhao-guoliang",
        ]
    )
    # Every comment is still there, and the plan is valid.
    assert [ln for ln in before.splitlines() if ln.lstrip().startswith("#")] == [
        ln for ln in after.splitlines() if ln.lstrip().startswith("#")
    ]
    assert run("check", str(plan), "--today", TODAY.isoformat()).exit_code in (0, 1)
    assert "error schema" not in run("check", str(plan)).output
    # Importing the same workbook again changes nothing more.
    again = digests(examples / "plans")
    code, output = import_("p.xlsx")
    assert code == 0
    assert "no plan changes" in output
    assert digests(examples / "plans") == again


def test_an_import_only_of_one_account_with_account(examples: Path) -> None:
    assert run("export", "--out", "p.xlsx").exit_code == 0
    edit_workbook(examples / "p.xlsx")
    code, output = import_("p.xlsx", "--account", "northwind-chemicals", "--dry-run")
    assert code == 0, output
    assert "no plan changes" in output


def test_rows_that_cannot_be_used_are_all_reported_and_nothing_is_written(examples: Path) -> None:
    assert run("export", "--out", "p.xlsx").exit_code == 0
    book = load_workbook(examples / "p.xlsx")
    people = book["people"]
    header = [c.value for c in people[1]]
    people.cell(6, header.index("support") + 1).value = "suporter"
    people.cell(3, header.index("last_contact") + 1).value = "2026-02-30"
    people.cell(4, header.index("reports_to") + 1).value = "nobody-here"
    people.cell(5, header.index("sees_us_at") + 1).value = "often"
    actions = book["actions"]
    actions.cell(1, 3).value = "whta"  # a misspelt header
    book.save(examples / "p.xlsx")
    edit_workbook(examples / "p.xlsx")  # valid edits too: none of them may be written
    before = digests(examples / "plans")

    code, output = import_("p.xlsx")
    assert code == 1, output
    lines = output.splitlines()
    column = {h: chr(65 + i) for i, h in enumerate(header)}
    expected = [
        f"p.xlsx: sheet people, row 3, column {column['last_contact']} (last_contact): error: '2026-02-30' is not a real date",
        f"p.xlsx: sheet people, row 5, column {column['sees_us_at']} (sees_us_at): error: 'often' is not a number",
        "p.xlsx: sheet actions, row 1, column C (whta): error: unknown column 'whta' — did you mean 'what'?",
        f"p.xlsx: sheet people, row 6, column {column['support']} (support): error: people[4].support: 'suporter' is not one of",
        f"p.xlsx: sheet people, row 4, column {column['reports_to']} (reports_to): error: people[2].reports_to:",
    ]
    for start in expected:
        assert any(line.startswith(start) for line in lines), (start, output)
    assert "did you mean 'supporter'?" in output
    assert lines[-1].endswith("nothing written")
    assert digests(examples / "plans") == before


def test_an_account_that_is_no_plan_is_an_error_and_ids_cannot_leave_the_plans_folder(examples: Path) -> None:
    (examples / "secret.yaml").write_text("kaplan: 1\naccount: {name: Outside}\n", encoding="utf-8")
    assert run("export", "--format", "csv", "--out", "csv").exit_code == 0
    people = examples / "csv" / "people.csv"
    text = people.read_text(encoding="utf-8-sig")
    people.write_text(text + "../secret,x-1,Someone\nghost-co,x-2,Somebody\n", encoding="utf-8")
    code, output = import_("csv/people.csv")
    assert code == 1
    assert "no plan plans/../secret.yaml for account '../secret'" in output
    assert "no plan plans/ghost-co.yaml for account 'ghost-co'" in output
    assert (examples / "secret.yaml").read_text(encoding="utf-8").count("\n") == 2


def test_export_refuses_to_write_over_plans_or_kaplan_yaml(examples: Path) -> None:
    before = digests(examples / "plans")
    result = run("export", "--out", "plans/anshan-special-steel.yaml")
    assert result.exit_code == 2
    assert "inside the plans folder" in result.output
    assert digests(examples / "plans") == before


def test_new_items_of_every_list_are_appended(examples: Path) -> None:
    assert run("export", "--format", "csv", "--out", "csv").exit_code == 0
    csv = examples / "csv"

    def append(sheet: str, line: str) -> None:
        path = csv / f"{sheet}.csv"
        header = path.read_text(encoding="utf-8-sig").splitlines()[0]
        path.write_text(f"{header}\r\n{line}\r\n", encoding="utf-8")

    append("meetings", "northwind-chemicals,m-kickoff,2027-01-15,Kick-off,jan-de-vries")
    append("log", "northwind-chemicals,2026-11-30,call,Called Jan about the witness test")
    (csv / "buying-team.csv").write_text(
        'account,project,person,roles\nnorthwind-chemicals,botlek-feed-pumps,tom-bakker,"user_buyer\ninfluencer"\n',
        encoding="utf-8",
    )
    for name in ("accounts", "people", "projects", "competitors", "actions", "objectives"):
        (csv / f"{name}.csv").unlink()
    code, output = import_("csv")
    assert code == 0, output
    assert "New meeting: Kick-off" in output
    assert "New log entry: Called Jan" in output
    text = (examples / "plans" / "northwind-chemicals.yaml").read_text(encoding="utf-8")
    assert (
        "  - id: m-kickoff\n    on: 2027-01-15\n    title: Kick-off\n    attendees:\n      - jan-de-vries\n"
        in text
    )
    assert "summary: Called Jan about the witness test" in text
    assert (
        "      - person: tom-bakker\n        roles:\n          - user_buyer\n          - influencer\n" in text
    )
    assert run("check", "plans/northwind-chemicals.yaml").output.count("error schema") == 0


def test_a_workbook_is_a_zip_with_fixed_times(examples: Path) -> None:
    assert run("export", "--out", "p.xlsx").exit_code == 0
    archive = zipfile.ZipFile(io.BytesIO((examples / "p.xlsx").read_bytes()))
    assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    core = archive.read("docProps/core.xml").decode()
    # The latest review of the plans, never the time of the export.
    reviewed = max(
        line.split(":", 1)[1].strip()
        for p in (examples / "plans").glob("*.yaml")
        for line in p.read_text(encoding="utf-8").splitlines()
        if line.startswith("  reviewed:")
    )
    assert core.count(f">{reviewed}T00:00:00Z<") == 2, core


def test_what_an_import_tells_goes_through_the_audience_filter(examples: Path) -> None:
    """A private workbook may set personal and private values; the report tells kaplan.yaml's audience only."""
    assert run("export", "--audience", "private", "--out", "p.xlsx").exit_code == 0
    book = load_workbook(examples / "p.xlsx")
    people = book["people"]
    header = [c.value for c in people[1]]
    people.cell(2, header.index("personal.family") + 1).value = "ZQFAMILYQZ"
    people.cell(2, header.index("title") + 1).value = "ZQTITLEQZ"
    hidden = [None] * len(header)
    hidden[0], hidden[header.index("id")], hidden[header.index("name")] = (
        "anshan-special-steel",
        "zq-p",
        "ZQHIDDENQZ",
    )
    hidden[header.index("private")] = True
    people.append(hidden)
    book.save(examples / "p.xlsx")

    code, output = import_("p.xlsx", "--dry-run")
    assert code == 0, output
    assert "ZQTITLEQZ" in output  # the internal audience may see a title
    assert "ZQFAMILYQZ" not in output
    assert "ZQHIDDENQZ" not in output
    assert "2 more value(s) set that the internal audience may not see" in output
    (examples / "kaplan.yaml").write_text("audience: private\n", encoding="utf-8")
    code, output = import_("p.xlsx")
    assert code == 0, output
    assert "ZQFAMILYQZ" in output
    assert "ZQHIDDENQZ" in output
    text = (examples / "plans" / "anshan-special-steel.yaml").read_text(encoding="utf-8")
    assert "family: ZQFAMILYQZ" in text
    assert "  - id: zq-p\n    name: ZQHIDDENQZ\n" in text
