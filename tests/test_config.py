"""kaplan.yaml → Workspace: defaults, found in a parent folder, and errors at their line."""

from __future__ import annotations

from pathlib import Path

from kaplan.config import Config, Workspace, load_workspace
from kaplan.plan import AUDIENCES


def test_without_kaplan_yaml_the_defaults_apply(tmp_path: Path) -> None:
    workspace = load_workspace(tmp_path)
    assert isinstance(workspace, Workspace)
    assert workspace.file is None
    assert workspace.root == tmp_path.resolve()
    assert workspace.config == Config()
    assert (workspace.config.locale, workspace.config.audience, workspace.config.out) == (
        "en",
        "internal",
        "build",
    )
    assert workspace.findings == []


def test_kaplan_yaml_is_found_in_a_parent_folder(tmp_path: Path) -> None:
    (tmp_path / "kaplan.yaml").write_text("title: Key accounts\nlocale: zh\n", encoding="utf-8")
    deep = tmp_path / "plans" / "archive"
    deep.mkdir(parents=True)
    workspace = load_workspace(deep)
    assert workspace.root == tmp_path.resolve()
    assert (workspace.config.title, workspace.config.locale) == ("Key accounts", "zh")
    assert workspace.resolve("plans") == (tmp_path / "plans").resolve()


def test_an_empty_kaplan_yaml_means_defaults(tmp_path: Path) -> None:
    (tmp_path / "kaplan.yaml").write_text("", encoding="utf-8")
    workspace = load_workspace(tmp_path)
    assert workspace.findings == []
    assert workspace.config == Config()


def test_bad_values_are_findings_at_their_line_and_column(tmp_path: Path) -> None:
    (tmp_path / "kaplan.yaml").write_text(
        "title: X\naudience: partners\nbrand:\n  primary: red\n", encoding="utf-8"
    )
    found = {(f.line, f.column, f.path, f.code) for f in load_workspace(tmp_path).findings}
    assert (2, 11, "audience", "schema") in found
    assert (4, 12, "brand.primary", "schema") in found


def test_unknown_rule_names_get_a_did_you_mean(tmp_path: Path) -> None:
    (tmp_path / "kaplan.yaml").write_text("rules:\n  stale-contcat: off\n", encoding="utf-8")
    (finding,) = load_workspace(tmp_path, rule_codes=("stale-contact", "stale-review")).findings
    assert (finding.line, finding.column, finding.code) == (2, 3, "schema")
    assert "stale-contact" in finding.message


def test_audiences_are_the_plans_audiences() -> None:
    assert set(AUDIENCES) == {"private", "internal", "external"}
    assert Config(audience="external").audience == "external"


def test_pdf_variant_is_optional_and_takes_the_offered_standards(tmp_path: Path) -> None:
    assert Config().pdf_variant is None
    (tmp_path / "kaplan.yaml").write_text("pdf_variant: pdf/a-3b\n", encoding="utf-8")
    workspace = load_workspace(tmp_path)
    assert workspace.findings == []
    assert workspace.config.pdf_variant == "pdf/a-3b"
    assert Config(pdf_variant="pdf/ua-1").pdf_variant == "pdf/ua-1"


def test_a_bad_pdf_variant_is_a_finding_at_its_line_and_column(tmp_path: Path) -> None:
    (tmp_path / "kaplan.yaml").write_text("title: X\npdf_variant: pdf/a-1b\n", encoding="utf-8")
    workspace = load_workspace(tmp_path)
    (finding,) = workspace.findings
    assert (finding.line, finding.column, finding.path, finding.code) == (2, 14, "pdf_variant", "schema")
    assert "pdf/a-3b" in finding.message
    assert workspace.config.pdf_variant is None
