"""``kaplan import --from salesforce|hubspot``: CRM report exports matched to plans, people and stages."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from conftest import run

ROOT = Path(__file__).resolve().parents[2]
SALESFORCE = Path(__file__).parent / "salesforce"
DAY = "2026-12-01"


@pytest.fixture
def examples(repo: Path) -> Path:
    for path in (ROOT / "plans").glob("*.yaml"):
        shutil.copy(path, repo / "plans" / path.name)
    return repo


def plan(root: Path, ident: str) -> dict:
    return yaml.safe_load((root / "plans" / f"{ident}.yaml").read_text(encoding="utf-8"))


def salesforce(*args: str) -> tuple[int, str]:
    files = [str(SALESFORCE / "contacts.csv"), str(SALESFORCE / "opportunities.csv")]
    result = run("import", *files, "--from", "salesforce", "--today", DAY, *args)
    return result.exit_code, result.output


def test_the_salesforce_example_is_told_then_written(examples: Path) -> None:
    before = (examples / "plans" / "northwind-chemicals.yaml").read_text(encoding="utf-8")
    code, output = salesforce("--dry-run")
    assert code == 0, output
    for line in (
        "  person_added    新增人员：王新（采购员）",
        "  stage_advanced  Botlek Unit 3 reactor feed pump replacement: stage 4 → 5 (evaluation)",
        "  project_added   New project: Antwerp cooling-water pumps at stage 2 (screening)",
        "  title_changed   Priya Raman: title Maintenance & Reliability Manager → Reliability Engineering Lead",
        "  person_added    New person: Willem Kok, Turnaround Planner",
    ):
        assert line in output.splitlines(), (line, output)
    assert output.endswith("dry run: nothing written\n")
    assert (examples / "plans" / "northwind-chemicals.yaml").read_text(encoding="utf-8") == before

    code, output = salesforce()
    assert code == 0, output
    north = plan(examples, "northwind-chemicals")
    people = {p["id"]: p for p in north["people"]}
    assert people["willem-kok"]["reports_to"] == "priya-raman"  # Reports To → reports_to
    assert people["willem-kok"]["email"] == "willem.kok@northwind-chemicals.example.com"
    assert people["priya-raman"]["name"] == "Priya Raman"
    assert people["annelies-vermeulen"]["name"] == "Dr. Annelies Vermeulen"  # not renamed by the CRM
    projects = {p["id"]: p for p in north["projects"]}
    botlek = projects["botlek-feed-pumps"]
    assert (botlek["stage"], str(botlek["stage_since"]), botlek["probability"]) == (5, DAY, 60)
    assert str(botlek["timeline"]["sign_by"]) == "2027-03-26"  # 3/26/2027: the column is month first
    assert botlek["value"] == 1850000  # EUR is the plan's own currency: still a bare number
    antwerp = projects["antwerp-cooling-water-pumps"]
    assert antwerp["value"] == 640000
    assert (antwerp["stage"], antwerp["name"]) == (2, "Antwerp cooling-water pumps")
    anshan = {p["id"]: p for p in plan(examples, "anshan-special-steel")["people"]}
    assert anshan["wang-xin"]["name"] == "王新"
    # The plans are still valid, and a second import of the same reports changes nothing.
    check = run("check", "plans/northwind-chemicals.yaml", "plans/anshan-special-steel.yaml")
    assert "checked: 0 errors" in check.output, check.output
    code, output = salesforce()
    assert code == 0
    assert "no plan changes" in output


def test_an_unknown_stage_says_which_line_to_add_and_kaplan_yaml_adds_it(
    examples: Path, tmp_path: Path
) -> None:
    report = tmp_path / "opps.csv"
    report.write_text(
        "Account Name,Opportunity Name,Stage,Amount,Close Date\n"
        "Northwind Chemicals,Botlek Unit 3 reactor feed pump replacement,Technical Evaluation,,2027-03-26\n",
        encoding="utf-8",
    )
    result = run("import", str(report), "--from", "salesforce", "--today", DAY)
    assert result.exit_code == 1
    assert (
        f"{report}: sheet opps, row 2, column C (Stage): error: stage 'Technical Evaluation' is not in kaplan's "
        "table: add `Technical Evaluation: N` (1–8, won or lost) under import.stages in kaplan.yaml"
    ) in result.output
    (examples / "kaplan.yaml").write_text(
        'import:\n  stages: {"Technical Evaluation": 6}\n', encoding="utf-8"
    )
    result = run("import", str(report), "--from", "salesforce", "--today", DAY)
    assert result.exit_code == 0, result.output
    assert "stage 4 → 6" in result.output


def test_closed_won_wins_the_project_and_closed_lost_keeps_its_stage(examples: Path, tmp_path: Path) -> None:
    report = tmp_path / "opps.csv"
    report.write_text(
        "Account Name,Opportunity Name,Stage\n"
        "Northwind Chemicals,Botlek Unit 3 reactor feed pump replacement,Closed Won\n"
        "Northwind Chemicals,Group control valve standardisation (three sites),Closed Lost\n",
        encoding="utf-8",
    )
    result = run("import", str(report), "--from", "salesforce", "--today", DAY)
    assert result.exit_code == 0, result.output
    projects = {p["id"]: p for p in plan(examples, "northwind-chemicals")["projects"]}
    assert (projects["botlek-feed-pumps"]["stage"], projects["botlek-feed-pumps"]["outcome"]) == (8, "won")
    assert (projects["valve-standardisation"]["stage"], projects["valve-standardisation"]["outcome"]) == (
        3,
        "lost",
    )


def test_rows_without_a_plan_and_ambiguous_dates_are_errors(examples: Path, tmp_path: Path) -> None:
    report = tmp_path / "opps.csv"
    report.write_text(
        "Account Name,Opportunity Name,Stage,Close Date\n"
        "Nobody Inc,Some deal,Prospecting,2027-01-01\n"
        "Northwind Chemicals,Botlek Unit 3 reactor feed pump replacement,Prospecting,03/04/2027\n",
        encoding="utf-8",
    )
    before = plan(examples, "northwind-chemicals")
    result = run("import", str(report), "--from", "salesforce", "--today", DAY)
    assert result.exit_code == 1
    assert (
        "row 2, column A (Account Name): error: no plan has the account name 'Nobody Inc': pass --account ID"
        in result.output
    )
    assert "row 3, column D (Close Date): error: '03/04/2027' could be March 4 or April 3" in result.output
    assert plan(examples, "northwind-chemicals") == before
    # --account puts every row into one plan.
    result = run(
        "import",
        str(report),
        "--from",
        "salesforce",
        "--account",
        "hebei-cement",
        "--dry-run",
        "--today",
        DAY,
    )
    assert "Nobody Inc" not in result.output


def test_a_formatted_salesforce_report_with_a_title_above_its_header(examples: Path, tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Contacts"
    sheet.append(["Northwind contacts report"])
    sheet.append(["Filtered by: Account Name equals Northwind Chemicals"])
    sheet.append([])
    sheet.append(["First Name", "Last Name", "Title", "Account Name", "Email", "Reports To"])
    sheet.append(
        ["Jan", "de Vries", "Head of Procurement", "Northwind Chemicals N.V.", "jan@nw.example.com", None]
    )
    book.save(tmp_path / "report.xlsx")
    result = run("import", str(tmp_path / "report.xlsx"), "--from", "salesforce", "--today", DAY)
    assert result.exit_code == 0, result.output
    people = {p["id"]: p for p in plan(examples, "northwind-chemicals")["people"]}
    assert people["jan-de-vries"]["title"] == "Head of Procurement"  # matched by name, legal name
    assert people["jan-de-vries"]["email"] == "jan@nw.example.com"


def test_hubspot_contacts_and_deals(examples: Path, tmp_path: Path) -> None:
    (tmp_path / "contacts.csv").write_text(
        "Record ID,First Name,Last Name,Email,Phone Number,Job Title,Company Name,Contact owner\n"
        "101,Erik,Jansen,erik.jansen@nw.example.com,,Site Manager Antwerp,Northwind Chemicals,Anna\n"
        "102,Lotte,Smit,lotte.smit@nw.example.com,,Buyer,Northwind Chemicals,Anna\n",
        encoding="utf-8",
    )
    (tmp_path / "deals.csv").write_text(
        "Record ID,Deal Name,Deal Stage,Amount,Close Date,Associated Company,Pipeline\n"
        "9,Group control valve standardisation (three sites),Decision Maker Bought-In,2400000,2027-03-31 00:00,Northwind Chemicals,Sales Pipeline\n",
        encoding="utf-8",
    )
    result = run(
        "import",
        str(tmp_path / "contacts.csv"),
        str(tmp_path / "deals.csv"),
        "--from",
        "hubspot",
        "--today",
        DAY,
    )
    assert result.exit_code == 0, result.output
    north = plan(examples, "northwind-chemicals")
    people = {p["id"]: p for p in north["people"]}
    assert people["erik-jansen"]["title"] == "Site Manager Antwerp"
    assert people["lotte-smit"]["name"] == "Lotte Smit"
    valves = next(p for p in north["projects"] if p["id"] == "valve-standardisation")
    assert (valves["stage"], str(valves["timeline"]["sign_by"])) == (6, "2027-03-31")


def test_a_file_that_is_no_crm_report_is_an_error(examples: Path, tmp_path: Path) -> None:
    (tmp_path / "x.csv").write_text("foo,bar\n1,2\n", encoding="utf-8")
    result = run("import", str(tmp_path / "x.csv"), "--from", "salesforce")
    assert result.exit_code == 1
    assert "not a salesforce contacts or opportunities report" in result.output
