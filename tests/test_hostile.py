"""Hostile input: every one gets a clear message at file:line:col, or a correct build; never a traceback.

Huge numbers, reporting chains and cycles of 20,000 people, file names and arguments that are not
UTF-8, and Markdown that would make Python-Markdown quadratic.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import Result
from conftest import TODAY, build, run

from kaplan.documents.markdown import MD_LIMIT, SHOWN_LIMIT, render_markdown
from kaplan.plan.load import load_plan_text
from kaplan.plan.yaml12 import LargeNumber, resolve_plain

KAPLAN = Path(sys.executable).with_name("kaplan")
MINIMAL = "kaplan: 1\naccount:\n  name: X\n"
HEX = "0x" + "f" * 4000  # about 4,800 decimal digits: past Python's int → str limit of 4,300
DECIMAL = "9" * 5000
HEX_SHOWN, DECIMAL_SHOWN = f"{HEX[:23]}…", f"{DECIMAL[:23]}…"  # as messages shorten them


@pytest.fixture
def repo(repo: Path) -> Path:
    """The shared repository, with a valid plan `ok` beside the hostile one."""
    (repo / "plans" / "ok.yaml").write_text(MINIMAL, encoding="utf-8")
    return repo


def run_process(*args: str | bytes, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    """Run the installed kaplan with a strict UTF-8 terminal: printing a bad name would raise."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8:strict", "LC_ALL": "C.UTF-8"}
    env.pop("KAPLAN_TODAY", None)
    done = subprocess.run([os.fsencode(KAPLAN), *args], cwd=cwd, env=env, capture_output=True, timeout=120)
    for stream in (done.stdout, done.stderr):
        assert b"Traceback" not in stream, stream.decode("utf-8", "replace")
    return done


def build_html(*args: str) -> Result:
    """Build HTML only: hostile input is about parsing and escaping, not about PDFs."""
    return build("--no-pdf", "--no-brief", *args)


# --- 1. numbers too long to print -------------------------------------------------------------------------


def test_the_reader_keeps_numbers_past_18_digits_as_marked_text() -> None:
    assert resolve_plain("9" * 18) == int("9" * 18)
    assert resolve_plain("-" + "9" * 18) == -int("9" * 18)
    assert resolve_plain("0xDE0B6B3A763FFFF") == 10**18 - 1
    for text in ("9" * 19, "0xDE0B6B3A7640000", HEX, DECIMAL, "0o" + "7" * 40, "1" * 400 + ".5", "1e400"):
        value = resolve_plain(text)
        assert isinstance(value, LargeNumber)
        assert value == text


def test_a_5_mb_hex_literal_is_not_converted() -> None:
    # Checked by its length: converting it first would cost memory and time for nothing.
    assert isinstance(resolve_plain("0x" + "f" * 5_000_000), LargeNumber)


SCALE = "kaplan: 1\naccount:\n  name: X\n  scale:\n"
REVIEW = "kaplan: 1\nplan:\n  review_every_days: {}\naccount:\n  name: X\n"


@pytest.mark.parametrize(
    ("text", "where", "number"),
    [
        (
            f"{SCALE}    employees: {HEX}\n",
            "5:16: error schema: account.scale.employees",
            f"{HEX_SHOWN} (4,000 hex",
        ),
        (
            f"{SCALE}    employees: {DECIMAL}\n",
            "5:16: error schema: account.scale.employees",
            f"{DECIMAL_SHOWN} (5,000",
        ),
        (
            f"{SCALE}    revenue: {DECIMAL}\n",
            "5:14: error schema: account.scale.revenue",
            f"{DECIMAL_SHOWN} (5,000",
        ),
        (
            f"{SCALE}    revenue: {{amount: {HEX}}}\n",
            "5:23: error schema: account.scale.revenue.amount",
            f"{HEX_SHOWN} (4,000 hex",
        ),
        (
            REVIEW.format(DECIMAL),
            "3:22: error schema: plan.review_every_days",
            f"{DECIMAL_SHOWN} (5,000",
        ),
        (
            REVIEW.format(HEX),
            "3:22: error schema: plan.review_every_days",
            f"{HEX_SHOWN} (4,000 hex",
        ),
    ],
)
def test_a_huge_number_is_a_schema_finding_at_its_value(
    repo: Path, text: str, where: str, number: str
) -> None:
    (repo / "plans" / "acme.yaml").write_text(text, encoding="utf-8")
    expected = f"plans/acme.yaml:{where}: the number {number} digits) is too large: write at most 18 digits"
    checked = run("check", "--today", TODAY.isoformat())
    assert checked.exit_code == 1
    assert expected in checked.stdout.splitlines()
    built = build_html()
    assert built.exit_code == 1
    assert expected in built.stderr
    assert "1 built" in built.stderr  # the valid plan still is
    assert (repo / "build" / "accounts" / "ok.html").is_file()


def test_a_huge_number_as_the_format_version(repo: Path) -> None:
    (repo / "plans" / "acme.yaml").write_text(f"kaplan: {HEX}\naccount:\n  name: X\n", encoding="utf-8")
    checked = run("check", "--today", TODAY.isoformat(), "--format", "json")
    assert checked.exit_code == 1
    [finding] = [f for f in json.loads(checked.stdout)["findings"] if f["severity"] == "error"]
    assert (finding["line"], finding["column"], finding["code"]) == (1, 9, "schema")
    assert "(4,000 hex digits)" in finding["message"]


def test_a_huge_number_in_a_text_field_is_the_text_written(repo: Path) -> None:
    (repo / "plans" / "acme.yaml").write_text(f"kaplan: 1\naccount:\n  name: {DECIMAL}\n", encoding="utf-8")
    assert run("check", "--today", TODAY.isoformat()).exit_code == 0
    assert build_html().exit_code == 0
    assert DECIMAL in (repo / "build" / "accounts" / "acme.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("config", "line", "column", "message"),
    [
        (
            f"locale: {HEX}\n",
            1,
            9,
            f"locale: the number {HEX_SHOWN} (4,000 hex digits) is not one of zh, en",
        ),
        (
            f"brand:\n  primary: {DECIMAL}\n",
            2,
            12,
            f"brand.primary: the number {DECIMAL_SHOWN} (5,000 digits)",
        ),
        (f"rules:\n  stale-review: {HEX}\n", 2, 17, f"rules.stale-review: the number {HEX_SHOWN}"),
        (
            f"audience: {DECIMAL}\n",
            1,
            11,
            f"audience: the number {DECIMAL_SHOWN} (5,000 digits) is not one of",
        ),
    ],
)
def test_a_huge_number_in_kaplan_yaml(repo: Path, config: str, line: int, column: int, message: str) -> None:
    (repo / "kaplan.yaml").write_text(config, encoding="utf-8")
    for result in (run("check", "--today", TODAY.isoformat()), build_html()):
        assert result.exit_code == 1
        assert f"kaplan.yaml:{line}:{column}: error schema: {message}" in result.output


def test_a_huge_number_as_kaplan_yaml_text_builds(repo: Path) -> None:
    (repo / "kaplan.yaml").write_text(f"title: {DECIMAL}\n", encoding="utf-8")
    assert run("check", "--today", TODAY.isoformat()).exit_code == 0
    assert build_html().exit_code == 0
    assert DECIMAL in (repo / "build" / "index.html").read_text(encoding="utf-8")


# --- 2. a reporting chain and a cycle of 20,000 people ------------------------------------------------------

PEOPLE = 20_000


def test_a_chain_of_20000_people_checks_and_builds(repo: Path) -> None:
    people = "".join(
        f"  - id: p{i}\n    name: P{i}\n" + (f"    reports_to: p{i - 1}\n" if i else "")
        for i in range(PEOPLE)
    )
    (repo / "plans" / "acme.yaml").write_text(MINIMAL + "people:\n" + people, encoding="utf-8")
    checked = run("check", "--today", TODAY.isoformat(), "--format", "json")
    assert checked.exit_code == 0
    assert "acme" in " ".join(json.loads(checked.stdout)["health"])
    assert build_html().exit_code == 0
    html = (repo / "build" / "accounts" / "acme.html").read_text(encoding="utf-8")
    # The org chart stops at a bounded depth and says so, on the last box and under the chart.
    assert "Reporting lines deeper than 24 levels are not drawn (19976 people)" in html
    assert "… +19976 below" in html
    assert ">P23<" in html
    assert ">P19999<" in html  # still listed among the people, outside the chart


def test_a_cycle_of_20000_people_is_one_short_finding(repo: Path) -> None:
    people = "".join(
        f"  - id: p{i}\n    name: P{i}\n    reports_to: p{(i - 1) % PEOPLE}\n" for i in range(PEOPLE)
    )
    (repo / "plans" / "acme.yaml").write_text(MINIMAL + "people:\n" + people, encoding="utf-8")
    checked = run("check", "--today", TODAY.isoformat())
    assert checked.exit_code == 1
    [line] = [x for x in checked.stdout.splitlines() if " cycle: " in x]
    assert line.startswith("plans/acme.yaml:7:17: error cycle: people[0].reports_to: reports_to goes round")
    assert "p0 → p19999 → p19998" in line
    assert "… (19,988 more) …" in line
    assert line.endswith("→ p1 → p0; someone in it must report outside it (or to nobody)")
    assert len(line) < 400
    built = build_html()
    assert built.exit_code == 1
    assert "error cycle" in built.stderr
    assert (repo / "build" / "accounts" / "ok.html").is_file()


def test_the_cycle_check_is_linear() -> None:
    # A chain of 20,000 people leading into a small cycle: quadratic walks took seconds here.
    people = "".join(f"  - id: p{i}\n    name: P{i}\n    reports_to: p{i + 1}\n" for i in range(PEOPLE))
    text = (
        MINIMAL + "people:\n" + people + f"  - id: p{PEOPLE}\n    name: Last\n    reports_to: p{PEOPLE - 1}\n"
    )
    loaded = load_plan_text(text, "plans/acme.yaml", "acme")
    [cycle] = [f for f in loaded.findings if f.code == "cycle"]
    assert cycle.path == f"people[{PEOPLE - 1}].reports_to"
    assert f"p{PEOPLE - 1} → p{PEOPLE} → p{PEOPLE - 1}" in cycle.message


# --- 3. a plan file name that is not UTF-8 ------------------------------------------------------------------

BAD_NAME = b"\xff\xfe.yaml"


def test_a_file_name_that_is_not_utf8_is_a_file_name_finding(repo: Path) -> None:
    with open(os.fsencode(repo / "plans") + b"/" + BAD_NAME, "wb") as handle:
        handle.write(MINIMAL.encode())
    shown = "plans/\\xff\\xfe.yaml:1:1: error file-name: '\\xff\\xfe.yaml' is not a valid plan file name"
    checked = run_process("check", "--today", TODAY.isoformat(), cwd=repo)
    assert checked.returncode == 1
    assert shown in checked.stdout.decode("utf-8")
    as_json = run_process("check", "--today", TODAY.isoformat(), "--format", "json", cwd=repo)
    [finding] = [f for f in json.loads(as_json.stdout)["findings"] if f["code"] == "file-name"]
    assert finding["file"] == "plans/\\xff\\xfe.yaml"
    github = run_process("check", "--today", TODAY.isoformat(), "--format", "github", cwd=repo)
    assert b"::error file=plans/\\xff\\xfe.yaml,line=1,col=1,title=file-name::" in github.stdout
    built = run_process("build", "--no-pdf", "--no-brief", "--today", TODAY.isoformat(), cwd=repo)
    assert built.returncode == 1
    assert shown in built.stderr.decode("utf-8")
    assert (repo / "build" / "accounts" / "ok.html").is_file()
    assert (repo / "build" / "index.html").read_bytes().decode("utf-8")  # valid UTF-8
    # In-process too (CliRunner encodes its output strictly).
    assert shown in run("check", "--today", TODAY.isoformat()).stdout


# --- 4. kaplan new with arguments that are not UTF-8 ----------------------------------------------------------


def test_new_with_an_id_that_is_not_utf8_is_a_usage_error(repo: Path) -> None:
    done = run_process("new", b"\xff\xfe", cwd=repo)
    assert done.returncode == 2
    assert "Invalid value for ID: '\\xff\\xfe' is not a valid account id" in done.stderr.decode("utf-8")
    assert sorted(os.listdir(repo / "plans")) == ["ok.yaml"]


def test_new_with_a_name_that_is_not_utf8_is_a_usage_error(repo: Path) -> None:
    done = run_process("new", "acme", "--name", b"caf\xe9", cwd=repo)
    assert done.returncode == 2
    assert "Invalid value for '--name': 'caf\\xe9' is not valid UTF-8 text" in done.stderr.decode("utf-8")
    assert sorted(os.listdir(repo / "plans")) == ["ok.yaml"]


def test_new_keeps_a_name_with_control_characters_exactly(repo: Path) -> None:
    name = 'two\nlines\u2028\x85\x01\t"\\ \u00a0😀'
    assert run("new", "acme", "--name", name).exit_code == 0
    loaded = load_plan_text((repo / "plans" / "acme.yaml").read_text(encoding="utf-8"), "acme.yaml", "acme")
    assert loaded.plan is not None
    assert loaded.plan.account.name == name


# --- 5. Markdown that would make Python-Markdown quadratic --------------------------------------------------

HOSTILE = {
    "brackets": "[" * 200_000,
    "anchors": "<a " * 200_000,
    "quotes": ">" * 200_000,
    "stars": "*" * 200_000,
    "underscores": "_" * 200_000,
    "emphasis": "*_" * 100_000,
    "images": "![" * 100_000,
    "links": "[a](" * 50_000,
    "lists": "1. " * 70_000,
    "autolinks": "<a@" * 70_000,
    "bracket paragraphs": "[[[[\n\n" * 35_000,
    "tag paragraphs": "<a <a\n\n" * 30_000,
    "nested quotes": "".join(">" * (i % 40) + " x\n" for i in range(20_000)),
    "20,000 brackets": "[" * MD_LIMIT,  # under the length cap: the bracket budget must catch it
    "20,000 anchors": "<a " * (MD_LIMIT // 3),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_markdown_renders_fast_and_escaped(name: str) -> None:
    # Before the guard, 20,000 `[` took 108 s and 200,000 more than 10 minutes.
    text = HOSTILE[name]
    html = str(render_markdown(text))
    assert "<a " not in html
    assert "<script" not in html
    assert re.sub(r"<[^>]*>", "", html).strip()  # the text is shown, not dropped
    if len(text) > SHOWN_LIMIT:
        assert html.endswith(f"<p>… (+{len(text) - SHOWN_LIMIT:,})</p>")


def test_hostile_text_is_shown_as_written() -> None:
    html = str(render_markdown("<a <script>alert(1)</script> [x" + "[" * 30_000))
    assert html.startswith("<p>&lt;a &lt;script&gt;alert(1)&lt;/script&gt; [x[[[")
    assert "<wbr>" in html  # a long run can break across lines


def test_a_hostile_block_does_not_spoil_the_others() -> None:
    html = str(
        render_markdown("**before**\n\n" + "[" * 30_000 + "\n\n- *after*\n- [link](https://example.com)")
    )
    assert "<strong>before</strong>" in html
    assert "<em>after</em>" in html
    assert '<a href="https://example.com" rel="noopener noreferrer">link</a>' in html
    assert "[" * 64 + "<wbr>" in html


def test_markdown_past_the_length_cap_is_plain_text() -> None:
    para = "Some **bold** text and a [link](https://example.com).\n\n"
    html = str(render_markdown(para * (2 * MD_LIMIT // len(para))))
    assert html.count("<strong>bold</strong>") == MD_LIMIT // len(para)
    assert "Some **bold** text and a [link](https://example.com).</p>" in html


def test_ordinary_markdown_is_unchanged_by_the_guard() -> None:
    import markdown
    import nh3

    from kaplan.documents.markdown import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, _loosen_lists

    text = (
        "# Title\n\nA *note* with [a link](https://example.com) and `code[0]` (see below).\n"
        "- one\n- two [x]\n\n> quoted\n> > twice\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
        "    indented code [\n\n1. first\n2. second <b>bold</b> x<y\n"
    )
    plain = markdown.Markdown(extensions=["sane_lists", "tables"], output_format="html").convert(
        _loosen_lists(text)
    )
    expected = nh3.clean(
        plain,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
    assert str(render_markdown(text)) == expected


def test_a_5_mb_plan_of_hostile_markdown_builds(repo: Path) -> None:
    notes = "<a " * 330_000
    summary = "[" * 4_000_000
    text = f"{MINIMAL}summary: |\n  {summary}\npeople:\n  - id: a\n    name: A\n    notes: |\n      {notes}\n"
    assert len(text.encode()) < 5 * 1024 * 1024
    (repo / "plans" / "acme.yaml").write_text(text, encoding="utf-8")
    assert run("check", "--today", TODAY.isoformat()).exit_code == 0
    assert build_html().exit_code == 0
    html = (repo / "build" / "accounts" / "acme.html").read_text(encoding="utf-8")
    assert "<a <a" not in html
    assert html.count("&lt;a ") >= SHOWN_LIMIT // 3 - 1
    # A block scalar keeps its final newline: one character more than written.
    assert f"<p>… (+{len(summary) + 1 - SHOWN_LIMIT:,})</p>" in html
    assert f"<p>… (+{len(notes) + 1 - SHOWN_LIMIT:,})</p>" in html


def test_a_very_long_bad_value_is_quoted_short() -> None:
    long = "X" * 1_000_000
    text = f"{MINIMAL}people:\n  - id: {long}\n    name: A\n  - id: b\n    name: B\n    reports_to: {long.lower()}\n"
    loaded = load_plan_text(text, "plans/acme.yaml", "acme")
    messages = {f.path: f.message for f in loaded.findings}
    assert messages["people[0].id"].startswith("'XXXXXXXX")
    assert "is not a valid id" in messages["people[0].id"]
    assert messages["people[1].reports_to"].startswith("'xxxxxxxx")
    assert "is not an id in people" in messages["people[1].reports_to"]
    assert all(len(m) < 300 for m in messages.values())
