"""The command line, through Click's test runner: output formats, exit codes, new, rules, schema."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import TODAY, run

from kaplan.coach.rules import RULES
from kaplan.plan.findings import STRUCTURAL_CODES
from kaplan.plan.load import load_plan
from kaplan.plan.schema import plan_schema

REPO = Path(__file__).resolve().parents[1]
FINDING_LINE = re.compile(
    r"^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+): (?P<sev>error|warning|info) (?P<code>[a-z-]+): .+$"
)
SUMMARY_LINE = re.compile(r"^\d+ plans? checked(, \d+ invalid)?: \d+ errors?, \d+ warnings?, \d+ info$")
HEALTHY_WITH_A_WARNING: dict[str, Any] = {
    "competitors": [{"id": "rival", "name": "Rival Co", "status": "incumbent"}]
}
BROKEN = "kaplan: 1\naccount:\n  name: Acme\npeople:\n  - id: a\n    name: A\n    support: suporter\n"


def dump(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def line_of(path: Path, needle: str) -> int:
    """The 1-based line of the first line of ``path`` that contains ``needle``."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line)


# --- check: text ----------------------------------------------------------------------------------


def test_healthy_plan_passes(
    repo: Path, write_plan: Callable[..., Path], make_plan: Callable[..., Any]
) -> None:
    write_plan(make_plan())
    result = run("check", "--today", TODAY.isoformat())
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith("plans/acme.yaml: health 100/100 (green)")
    assert lines[-1] == "1 plan checked: 0 errors, 0 warnings, 0 info"


def test_text_format_line_by_line(repo: Path, write_plan: Callable[..., Path]) -> None:
    write_plan(BROKEN)
    result = run("check", "--today", TODAY.isoformat())
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "plans/acme.yaml:7:14: error schema: people[0].support: 'suporter' is not one of champion, supporter,"
        " neutral, skeptic, opponent, unknown — did you mean 'supporter'?",
        "1 plan checked, 1 invalid: 1 error, 0 warnings, 0 info",
    ]


def test_every_finding_line_has_the_format(
    repo: Path, write_plan: Callable[..., Path], make_plan: Callable[..., Any]
) -> None:
    write_plan(BROKEN, name="broken")
    write_plan(make_plan(plan={"reviewed": None}, **HEALTHY_WITH_A_WARNING), name="warned")
    result = run("check", "--today", TODAY.isoformat())
    lines = result.stdout.splitlines()
    findings = [m for m in map(FINDING_LINE.match, lines) if m]
    assert {m["code"] for m in findings} >= {"schema", "no-threat", "stale-review"}
    for m in findings:
        assert m["file"] in ("plans/broken.yaml", "plans/warned.yaml")
        assert int(m["line"]) >= 1
        assert int(m["col"]) >= 1
    others = [line for line in lines if not FINDING_LINE.match(line)]
    assert all(re.match(r"^plans/warned\.yaml: health \d+/100 ", line) for line in others[:-1])
    assert SUMMARY_LINE.match(lines[-1]), lines[-1]
    assert lines[-1] == "2 plans checked, 1 invalid: 1 error, 2 warnings, 0 info"


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        (["plans/acme.yaml"], "plans/acme.yaml"),
        (["./plans/acme.yaml"], "./plans/acme.yaml"),
        (["plans"], "plans/acme.yaml"),
        (["plans/"], "plans/acme.yaml"),
        ([], "plans/acme.yaml"),
    ],
)
def test_file_is_shown_as_the_user_gave_it(
    repo: Path, write_plan: Callable[..., Path], given: list[str], shown: str
) -> None:
    write_plan(BROKEN)
    result = run("check", *given)
    assert result.stdout.startswith(f"{shown}:7:14: error schema: ")


def test_absolute_path_is_shown_absolute(repo: Path, write_plan: Callable[..., Path]) -> None:
    path = write_plan(BROKEN)
    result = run("check", str(path))
    assert result.stdout.startswith(f"{path}:7:14: ")


def test_every_file_is_checked_even_when_some_fail(
    repo: Path, write_plan: Callable[..., Path], make_plan: Callable[..., Any]
) -> None:
    write_plan("kaplan: 1\naccount: [\n", name="a-syntax")
    write_plan(make_plan(), name="b-good")
    write_plan(BROKEN, name="c-schema")
    write_plan(make_plan(**HEALTHY_WITH_A_WARNING), name="d-warned")
    result = run("check", "--today", TODAY.isoformat())
    assert result.exit_code == 1
    out = result.stdout
    assert "plans/a-syntax.yaml:" in out
    assert "plans/b-good.yaml: health" in out
    assert "plans/c-schema.yaml:7:14: error schema" in out
    assert re.search(r"^plans/d-warned\.yaml:\d+:\d+: warning no-threat: ", out, re.M)
    assert out.splitlines()[-1] == "4 plans checked, 2 invalid: 2 errors, 1 warning, 0 info"


def test_plans_are_checked_in_sorted_order(repo: Path, write_plan: Callable[..., Path]) -> None:
    for name in ("zeta", "alpha", "mid"):
        write_plan("kaplan: 1\n", name=name)
    files = [line.split(":")[0] for line in run("check").stdout.splitlines()[:-1]]
    assert files == ["plans/alpha.yaml", "plans/mid.yaml", "plans/zeta.yaml"]


def test_bad_file_name_in_the_plans_folder(repo: Path, write_plan: Callable[..., Path]) -> None:
    write_plan("kaplan: 1\naccount:\n  name: A\n", name="Acme Steel")
    result = run("check")
    assert result.exit_code == 1
    assert result.stdout.startswith("plans/Acme Steel.yaml:1:1: error file-name: ")


# A plan saved as `.yml` must not be skipped silently: its name is reported (the format wants <id>.yaml).
def test_a_yml_plan_in_the_folder_is_not_silently_skipped(repo: Path) -> None:
    (repo / "plans" / "acme.yml").write_text("kaplan: 1\naccount:\n  name: A\n", encoding="utf-8")
    result = run("check")
    assert result.exit_code == 1
    assert "plans/acme.yml:1:1: error file-name" in result.stdout


# --- exit codes -------------------------------------------------------------------------------------


def test_warnings_exit_0_and_strict_makes_them_exit_1(
    repo: Path, write_plan: Callable[..., Path], make_plan: Callable[..., Any]
) -> None:
    write_plan(make_plan(**HEALTHY_WITH_A_WARNING))
    assert run("check", "--today", TODAY.isoformat()).exit_code == 0
    assert run("check", "--today", TODAY.isoformat(), "--strict").exit_code == 1


def test_strict_without_warnings_exits_0(
    repo: Path, write_plan: Callable[..., Path], make_plan: Callable[..., Any]
) -> None:
    write_plan(make_plan())
    assert run("check", "--today", TODAY.isoformat(), "--strict").exit_code == 0


def test_info_does_not_fail_strict(
    repo: Path, write_plan: Callable[..., Path], make_plan: Callable[..., Any]
) -> None:
    write_plan(make_plan(needs=[{"id": "n-x", "statement": "S", "visibility": "hidden"}]))
    result = run("check", "--today", TODAY.isoformat(), "--strict")
    assert " info hidden-need-no-evidence: " in result.stdout
    assert result.exit_code == 0


def test_coaching_error_exits_1(
    repo: Path, write_plan: Callable[..., Path], make_plan: Callable[..., Any]
) -> None:
    data = make_plan()
    data["people"][1]["status"] = "left"  # in the buying team of an open project: left-in-team (error)
    write_plan(data)
    result = run("check", "--today", TODAY.isoformat())
    assert " error left-in-team: " in result.stdout
    assert result.exit_code == 1


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["check", "missing.yaml"], "no such file or folder: missing.yaml"),
        (["check", "--bogus"], "No such option"),
        (["check", "--today", "2026-13-01"], "'2026-13-01' is not a date"),
        (["check", "--today", "tomorrow"], "is not a date"),
        (["check", "--format", "xml"], "xml"),
    ],
)
def test_usage_errors_exit_2(repo: Path, args: list[str], words: str) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert words in result.stderr
    assert result.stdout == ""


def test_no_plans_folder_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("check")
    assert result.exit_code == 2
    assert "no plans folder" in result.stderr


def test_bad_kaplan_today_exits_2(
    repo: Path, write_plan: Callable[..., Path], make_plan: Callable[..., Any]
) -> None:
    write_plan(make_plan())
    assert run("check", env={"KAPLAN_TODAY": "soon"}).exit_code == 2


def test_kaplan_today_pins_the_date_and_the_flag_wins(
    repo: Path, write_plan: Callable[..., Path], make_plan: Callable[..., Any]
) -> None:
    write_plan(make_plan())
    late = run("check", env={"KAPLAN_TODAY": "2027-12-01"})
    assert " warning stale-review: " in late.stdout
    pinned = run("check", "--today", TODAY.isoformat(), env={"KAPLAN_TODAY": "2027-12-01"})
    assert "warning" not in pinned.stdout.splitlines()[0]
    assert pinned.stdout.splitlines()[-1].endswith(": 0 errors, 0 warnings, 0 info")


# --- check: json and github ---------------------------------------------------------------------------


def test_json_is_valid_and_alone_on_stdout(
    repo: Path, write_plan: Callable[..., Path], make_plan: Callable[..., Any]
) -> None:
    write_plan(BROKEN, name="broken")
    warned = write_plan(make_plan(**HEALTHY_WITH_A_WARNING), name="warned")
    result = run("check", "--today", TODAY.isoformat(), "--format", "json")
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert set(doc) == {"files", "findings", "health"}
    assert doc["files"] == 2
    keys = {"file", "line", "column", "path", "code", "severity", "message", "project", "waived"}
    assert all(set(f) == keys for f in doc["findings"])
    assert {(f["file"], f["line"], f["column"], f["code"]) for f in doc["findings"]} == {
        ("plans/broken.yaml", 7, 14, "schema"),
        ("plans/warned.yaml", line_of(warned, "status: incumbent"), 3, "no-threat"),
    }
    assert set(doc["health"]) == {"plans/warned.yaml"}
    assert 0 <= doc["health"]["plans/warned.yaml"]["score"] <= 100


def test_json_keeps_chinese_readable(repo: Path, write_plan: Callable[..., Path]) -> None:
    write_plan("kaplan: 1\naccount:\n  name: 鞍钢\n  规模: 大\n")
    result = run("check", "--format", "json")
    assert "规模" in result.stdout
    assert json.loads(result.stdout)["findings"][0]["path"] == "account.规模"


def test_json_with_a_bad_config_keeps_stdout_pure(repo: Path, write_plan: Callable[..., Path]) -> None:
    (repo / "kaplan.yaml").write_text("locale: fr\n", encoding="utf-8")
    write_plan("kaplan: 1\naccount:\n  name: A\n")
    result = run("check", "--format", "json")
    doc = json.loads(result.stdout)
    assert any(f["file"] == "kaplan.yaml" for f in doc["findings"])
    assert "kaplan.yaml:1:9: error schema: locale: " in result.stderr
    assert result.exit_code == 1


def test_github_format(repo: Path, write_plan: Callable[..., Path], make_plan: Callable[..., Any]) -> None:
    write_plan(BROKEN, name="broken")
    warned = write_plan(make_plan(**HEALTHY_WITH_A_WARNING), name="warned")
    result = run("check", "--today", TODAY.isoformat(), "--format", "github")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines == [
        "::error file=plans/broken.yaml,line=7,col=14,title=schema::people[0].support: 'suporter' is not one"
        " of champion, supporter, neutral, skeptic, opponent, unknown — did you mean 'supporter'?",
        lines[1],
    ]
    line = line_of(warned, "status: incumbent")
    assert lines[1].startswith(f"::warning file=plans/warned.yaml,line={line},col=3,title=no-threat::")


def test_github_lines_all_start_with_a_command(repo: Path, write_plan: Callable[..., Path]) -> None:
    write_plan("kaplan: 1\nsummary: a\nsummary: b\naccount:\n  nmae: x\n")
    lines = run("check", "--format", "github").stdout.splitlines()
    assert len(lines) == 3
    assert all(line.startswith(("::error file=", "::warning file=", "::notice file=")) for line in lines)


# --- kaplan.yaml ---------------------------------------------------------------------------------------


def test_bad_config_gets_file_line_col_errors(repo: Path, write_plan: Callable[..., Path]) -> None:
    (repo / "kaplan.yaml").write_text("title: Plans\nlocale: fr\nbrand:\n  primary: red\n", encoding="utf-8")
    write_plan("kaplan: 1\naccount:\n  name: A\n")
    result = run("check")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert "kaplan.yaml:2:9: error schema: locale: 'fr' is not one of zh, en" in lines
    assert any(line.startswith("kaplan.yaml:4:12: error schema: brand.primary: ") for line in lines)


# A run that exits 1 for an error in kaplan.yaml must not end with a summary of "0 errors".
def test_summary_counts_config_errors(
    repo: Path, write_plan: Callable[..., Path], make_plan: Callable[..., Any]
) -> None:
    (repo / "kaplan.yaml").write_text("locale: fr\n", encoding="utf-8")
    write_plan(make_plan())
    result = run("check", "--today", TODAY.isoformat())
    assert result.exit_code == 1
    assert not result.stdout.splitlines()[-1].endswith(": 0 errors, 0 warnings, 0 info")


def test_config_syntax_error(repo: Path, write_plan: Callable[..., Path]) -> None:
    (repo / "kaplan.yaml").write_text("title: [Plans\nlocale: en\n", encoding="utf-8")
    write_plan("kaplan: 1\naccount:\n  name: A\n")
    result = run("check")
    assert result.exit_code == 1
    assert re.search(r"^kaplan\.yaml:2:\d+: error syntax: ", result.stdout, re.M)


def test_config_duplicate_key(repo: Path, write_plan: Callable[..., Path]) -> None:
    (repo / "kaplan.yaml").write_text("title: A\ntitle: B\n", encoding="utf-8")
    write_plan("kaplan: 1\naccount:\n  name: A\n")
    assert "kaplan.yaml:2:1: error syntax: duplicate key 'title'" in run("check").stdout


def test_unknown_rule_gets_a_hint(repo: Path, write_plan: Callable[..., Path]) -> None:
    (repo / "kaplan.yaml").write_text("rules:\n  stale-contct: off\n", encoding="utf-8")
    write_plan("kaplan: 1\naccount:\n  name: A\n")
    result = run("check")
    assert result.exit_code == 1
    assert (
        "kaplan.yaml:2:3: error schema: rules.stale-contct: unknown rule 'stale-contct'"
        " — did you mean 'stale-contact'?" in result.stdout
    )


def test_config_rules_off_and_error(
    repo: Path, write_plan: Callable[..., Path], make_plan: Callable[..., Any]
) -> None:
    # `off` is text under YAML 1.2 (YAML 1.1 would have made it the boolean false).
    (repo / "kaplan.yaml").write_text("rules:\n  no-threat: off\n  stale-review: error\n", encoding="utf-8")
    write_plan(make_plan(plan={"reviewed": None}, **HEALTHY_WITH_A_WARNING))
    result = run("check", "--today", TODAY.isoformat())
    assert "no-threat" not in result.stdout
    assert " error stale-review: " in result.stdout
    assert result.exit_code == 1


def test_config_is_found_in_a_parent_folder(
    repo: Path,
    monkeypatch: pytest.MonkeyPatch,
    write_plan: Callable[..., Path],
    make_plan: Callable[..., Any],
) -> None:
    (repo / "kaplan.yaml").write_text("plans: accounts\n", encoding="utf-8")
    folder = repo / "accounts"
    folder.mkdir()
    (folder / "acme.yaml").write_text(dump(make_plan()), encoding="utf-8")
    sub = repo / "deep" / "er"
    sub.mkdir(parents=True)
    monkeypatch.chdir(sub)
    result = run("check", "--today", TODAY.isoformat())
    assert result.exit_code == 0
    assert "1 plan checked" in result.stdout


def test_empty_config_uses_defaults(
    repo: Path, write_plan: Callable[..., Path], make_plan: Callable[..., Any]
) -> None:
    (repo / "kaplan.yaml").write_text("# nothing yet\n", encoding="utf-8")
    write_plan(make_plan())
    assert run("check", "--today", TODAY.isoformat()).exit_code == 0


# --- new -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_new_writes_a_starter_that_passes_check(repo: Path, locale: str) -> None:
    result = run("new", "baosteel", "--locale", locale)
    assert result.exit_code == 0
    path = repo / "plans" / "baosteel.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=")
    assert f"locale: {locale}" in text
    checked = run("check", "plans/baosteel.yaml", "--format", "json")
    assert checked.exit_code == 0
    doc = json.loads(checked.stdout)
    assert [f for f in doc["findings"] if f["severity"] == "error"] == []


def test_new_points_the_schema_line_at_the_committed_schema(repo: Path) -> None:
    run("new", "acme")
    first = (repo / "plans" / "acme.yaml").read_text(encoding="utf-8").splitlines()[0]
    relative = first.split("$schema=", 1)[1]
    assert (REPO / "plans" / relative).resolve() == (REPO / "schema" / "plan.schema.json").resolve()


@pytest.mark.parametrize(
    "name", ['宝钢股份 "Baosteel"', "Acme: Steel # 1", "back\\slash", "  spaced  ", "yes"]
)
def test_new_keeps_the_name_exactly(repo: Path, name: str) -> None:
    assert run("new", "acme", "--name", name).exit_code == 0
    loaded = load_plan(repo / "plans" / "acme.yaml")
    assert [f for f in loaded.findings if f.severity == "error"] == []
    assert loaded.plan is not None
    assert loaded.plan.account.name == name


def test_new_default_locale_comes_from_kaplan_yaml(repo: Path) -> None:
    (repo / "kaplan.yaml").write_text("locale: zh\n", encoding="utf-8")
    run("new", "acme")
    assert "locale: zh" in (repo / "plans" / "acme.yaml").read_text(encoding="utf-8")


def test_new_creates_the_plans_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert run("new", "acme").exit_code == 0
    assert (tmp_path / "plans" / "acme.yaml").is_file()


def test_new_refuses_to_overwrite(repo: Path, write_plan: Callable[..., Path]) -> None:
    path = write_plan("kaplan: 1\n# my precious notes\n")
    before = path.read_bytes()
    result = run("new", "acme")
    assert result.exit_code != 0
    assert "already exists" in result.output
    assert path.read_bytes() == before


@pytest.mark.parametrize("ident", ["Acme", "acme_steel", "us", "acme.yaml", "../escape", "-acme", ""])
def test_new_refuses_a_bad_id(repo: Path, ident: str) -> None:
    result = run("new", ident)
    assert result.exit_code != 0
    assert list((repo / "plans").iterdir()) == []
    assert not (repo / "escape.yaml").exists()


# mkdir raises FileExistsError here; the user must get a message, not a traceback.
def test_new_with_a_file_in_the_way_is_a_message_not_a_traceback(repo: Path) -> None:
    (repo / "plans").rmdir()
    (repo / "plans").write_text("not a folder", encoding="utf-8")
    result = run("new", "acme")
    assert result.exit_code == 1


# --- rules and schema -------------------------------------------------------------------------------------


def test_rules_lists_every_code(repo: Path) -> None:
    result = run("rules")
    assert result.exit_code == 0
    listed = {
        line.split()[0] for line in result.stdout.splitlines() if line.startswith("  ") and line.split()
    }
    assert set(RULES) <= listed
    assert set(STRUCTURAL_CODES) <= listed
    for code in RULES:
        assert re.search(rf"^  {re.escape(code)} +(error|warning|info) ", result.stdout, re.M), code


def test_rules_shows_levels_from_kaplan_yaml(repo: Path) -> None:
    (repo / "kaplan.yaml").write_text("rules:\n  single-threaded: error\n", encoding="utf-8")
    assert re.search(r"^  single-threaded +error .*\(default warning\)$", run("rules").stdout, re.M)


def test_schema_is_json_schema_2020_12_with_descriptions(repo: Path) -> None:
    result = run("schema")
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["required"] == ["kaplan", "account"]
    assert schema["additionalProperties"] is False
    models = [schema, *schema["$defs"].values()]
    for model in models:
        for name, prop in model.get("properties", {}).items():
            assert prop.get("description"), f"{model.get('title')}.{name} has no description"


def test_schema_out_writes_the_same_text(repo: Path) -> None:
    printed = run("schema").stdout
    result = run("schema", "--out", "out/plan.schema.json")
    assert result.exit_code == 0
    assert (repo / "out" / "plan.schema.json").read_text(encoding="utf-8") == printed


# A file in the way of --out's folder is the user's mistake: a message, not a FileExistsError traceback.
def test_schema_out_to_an_impossible_place_is_a_message(repo: Path) -> None:
    (repo / "afile").write_text("x", encoding="utf-8")
    result = run("schema", "--out", "afile/plan.schema.json")
    assert result.exit_code != 0


def test_committed_schema_is_fresh(repo: Path) -> None:
    committed = REPO / "schema" / "plan.schema.json"
    stale = "schema/plan.schema.json is stale: refresh it with `make schema`"
    assert committed.is_file(), stale
    text = committed.read_text(encoding="utf-8")
    assert json.loads(text) == json.loads(json.dumps(plan_schema())), stale
    assert text == run("schema").stdout, stale + " (same content, different formatting)"


# --- the example plans of the repository --------------------------------------------------------------------

EXAMPLES = sorted((REPO / "plans").glob("*.yaml"))


@pytest.mark.parametrize("path", EXAMPLES or [None], ids=[p.name for p in EXAMPLES] or ["none"])
def test_example_plans_have_no_errors(path: Path | None, monkeypatch: pytest.MonkeyPatch) -> None:
    if path is None:
        pytest.skip("no example plans in plans/ yet")
    monkeypatch.chdir(REPO)
    monkeypatch.delenv("KAPLAN_TODAY", raising=False)
    result = run("check", f"plans/{path.name}", "--today", TODAY.isoformat(), "--format", "json")
    doc = json.loads(result.stdout)
    errors = [
        f"{f['file']}:{f['line']}:{f['column']}: {f['code']}: {f['message']}"
        for f in doc["findings"]
        if f["severity"] == "error"
    ]
    assert errors == []
    assert result.exit_code == 0
