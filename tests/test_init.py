"""kaplan init: a new plans repository whose `make` and `kaplan check` pass."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from kaplan import __version__
from kaplan.cli import main
from kaplan.config import load_project
from kaplan.files import write_atomic
from kaplan.init import InitError, init_repository
from kaplan.rules import RULES

TODAY = dt.date(2026, 11, 27)
ROOT = Path(__file__).resolve().parent.parent
KAPLAN = Path(sys.executable).parent / "kaplan"
EXPECTED = [
    ".github/workflows/plans.yml",
    ".gitignore",
    ".pre-commit-config.yaml",
    "Makefile",
    "kaplan.yaml",
    "plans/example-account.yaml",
    "schema/plan.schema.json",
    "templates/README.md",
]


def make_repo(tmp_path: Path, locale: str = "en") -> Path:
    repo = tmp_path / "plans-repo"
    init_repository(repo, locale, TODAY)
    return repo


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text("utf-8"))


def test_writes_and_lists_every_file(tmp_path: Path) -> None:
    repo = tmp_path / "new" / "plans-repo"  # missing parents are made too
    written = init_repository(repo, "en", TODAY)
    assert [str(p.relative_to(repo)) for p in written] == EXPECTED
    assert sorted(snapshot(repo)) == sorted(EXPECTED)
    assert "reviewed: 2026-11-27" in (repo / "plans/example-account.yaml").read_text("utf-8")


def test_same_inputs_same_repository(tmp_path: Path) -> None:
    assert snapshot(make_repo(tmp_path / "a")) == snapshot(make_repo(tmp_path / "b"))


@pytest.mark.parametrize(
    ("locale", "title", "account"),
    [("en", "Key account plans", "Example Account"), ("zh", "大客户计划", "示例客户")],
)
def test_locales(tmp_path: Path, locale: str, title: str, account: str) -> None:
    repo = make_repo(tmp_path, locale)
    project = load_project(repo, rule_codes=tuple(RULES))
    assert project.findings == []
    assert project.config.locale == locale
    assert project.config.title == title
    plan = load_yaml(repo / "plans/example-account.yaml")
    assert plan["plan"]["locale"] == locale
    assert plan["account"]["name"] == account
    assert ("模板" in (repo / "templates/README.md").read_text("utf-8")) == (locale == "zh")


def test_unknown_locale_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InitError, match="unknown locale 'fr'"):
        init_repository(tmp_path / "r", "fr")
    assert not (tmp_path / "r").exists()


def test_config_explains_every_key_and_its_rule_examples_are_valid(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    text = (repo / "kaplan.yaml").read_text("utf-8")
    for line in text.splitlines():
        if re.match(r"\s*\w+:", line):
            assert "#" in line, f"key without a comment: {line}"
    for key in ("title", "locale", "currency", "plans", "templates", "out", "audience"):
        assert re.search(rf"^{key}: ", text, re.MULTILINE)
    assert load_yaml(repo / "kaplan.yaml")["brand"].keys() >= {"name", "primary", "accent", "confidentiality"}
    # Uncommenting the examples gives a valid config: the rule names are real.
    uncommented = re.sub(r"^# (rules:|  [a-z-]+: )", r"\1", text, flags=re.MULTILINE)
    assert "\nrules:\n" in uncommented
    (repo / "kaplan.yaml").write_text(uncommented, "utf-8")
    project = load_project(repo, rule_codes=tuple(RULES))
    assert project.findings == []
    assert project.config.rules == {"stale-contact": "off", "single-threaded": "error", "gift-risk": "error"}


def test_empty_folder_and_unrelated_files_are_fine(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    assert len(init_repository(tmp_path / "empty", today=TODAY)) == len(EXPECTED)
    other = tmp_path / "other"
    (other / ".github/workflows").mkdir(parents=True)
    (other / "README.md").write_text("mine\n")
    (other / ".github/workflows/other.yml").write_text("mine\n")
    init_repository(other, today=TODAY)
    assert (other / "README.md").read_text() == "mine\n"
    assert (other / ".github/workflows/other.yml").read_text() == "mine\n"


@pytest.mark.parametrize("existing", ["kaplan.yaml", "plans/acme.yaml"])
def test_refuses_an_existing_repository(tmp_path: Path, existing: str) -> None:
    repo = tmp_path / "repo"
    (repo / existing).parent.mkdir(parents=True, exist_ok=True)
    (repo / existing).write_text("title: Mine\n")
    before = snapshot(repo)
    with pytest.raises(InitError, match="already holds a plans repository") as caught:
        init_repository(repo, today=TODAY)
    assert "never overwrites" in str(caught.value)
    assert snapshot(repo) == before


def test_refuses_to_overwrite_any_file(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "templates").mkdir(parents=True)
    (repo / "Makefile").write_text("all:\n")
    (repo / "templates/README.md").write_text("mine\n")
    before = snapshot(repo)
    with pytest.raises(InitError, match=r"already has Makefile, templates/README.md"):
        init_repository(repo, today=TODAY)
    assert snapshot(repo) == before


def test_refuses_a_file(tmp_path: Path) -> None:
    target = tmp_path / "notes.txt"
    target.write_text("x")
    with pytest.raises(InitError, match="is a file, not a folder"):
        init_repository(target)
    assert target.read_text() == "x"


def test_write_error_leaves_nothing_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = 0

    def failing_write(path: Path, data: bytes | str) -> Path:
        nonlocal calls
        calls += 1
        if calls == 4:
            raise PermissionError(13, "Permission denied")
        return write_atomic(path, data)

    monkeypatch.setattr("kaplan.init.write_atomic", failing_write)
    (tmp_path / "repo").mkdir()
    (tmp_path / "repo/README.md").write_text("mine\n")
    with pytest.raises(InitError, match=r"cannot write .*Makefile: Permission denied"):
        init_repository(tmp_path / "repo", today=TODAY)
    assert snapshot(tmp_path / "repo") == {"README.md": b"mine\n"}
    assert [p.name for p in (tmp_path / "repo").iterdir()] == ["README.md"]  # folders made are gone too


def test_generated_repository_passes_kaplan_check(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, "zh")
    done = subprocess.run(
        [str(KAPLAN), "check"], cwd=repo, capture_output=True, text=True, check=False, timeout=60
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 plan checked: 0 errors" in done.stdout


def test_make_check_passes(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    done = subprocess.run(
        ["make", "check", f"KAPLAN={KAPLAN}"],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "plans/example-account.yaml: health" in done.stdout


@pytest.mark.pdf
def test_make_checks_and_builds_the_site(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, "zh")
    done = subprocess.run(
        ["make", f"KAPLAN={KAPLAN}"], cwd=repo, capture_output=True, text=True, check=False, timeout=300
    )
    assert done.returncode == 0, done.stdout + done.stderr
    accounts = repo / "build/accounts"
    assert {p.name for p in accounts.iterdir()} >= {
        "example-account.html",
        "example-account.pdf",
        "example-account.brief.pdf",
    }
    assert (repo / "build/index.html").is_file()
    cleaned = subprocess.run(["make", "clean"], cwd=repo, capture_output=True, check=False, timeout=60)
    assert cleaned.returncode == 0
    assert not (repo / "build").exists()


def test_makefile_targets(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    text = (repo / "Makefile").read_text("utf-8")
    assert "KAPLAN ?= kaplan" in text
    assert "pip install kaplan" in text
    dry = subprocess.run(
        ["make", "--no-print-directory", "-n", "all", "site", "clean"],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    )
    assert dry.stdout.splitlines()[:2] == ["kaplan check ", "kaplan build "]  # check first, then build
    assert "rm -rf build" in dry.stdout
    assert {"build/", ".venv/", "__pycache__/"} <= set((repo / ".gitignore").read_text().split())


def test_template_override_example_works(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = make_repo(tmp_path)
    readme = (repo / "templates/README.md").read_text("utf-8")
    example = re.search(r"```jinja\n(.*?)```", readme, re.DOTALL)
    assert example is not None
    (repo / "templates/dossier.html").write_text(example.group(1), "utf-8")
    monkeypatch.chdir(repo)
    result = CliRunner().invoke(
        main, ["build", "plans/example-account.yaml", "--no-pdf", "--no-brief", "--jobs", "1"]
    )
    assert result.exit_code == 0, result.output
    page = (repo / "build/accounts/example-account.html").read_text("utf-8")
    assert "h2 { color: #005B96;" in page
    assert 'class="topbar"' not in page


def test_workflow(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    text = (repo / ".github/workflows/plans.yml").read_text("utf-8")
    workflow = load_yaml(repo / ".github/workflows/plans.yml")
    on = workflow[True]  # YAML 1.1 reads the key `on` as true; GitHub reads it as "on"
    assert set(on) >= {"push", "pull_request"}
    jobs = workflow["jobs"]
    runs = {name: "\n".join(s.get("run", "") for s in job.get("steps", [])) for name, job in jobs.items()}
    uses = {name: [s.get("uses", "") for s in job.get("steps", [])] for name, job in jobs.items()}
    assert "kaplan check --format github" in runs["check"]
    assert jobs["build"]["needs"] == "check"
    assert "kaplan build --jobs 2" in runs["build"]
    assert "libharfbuzz-subset0 fonts-wqy-microhei" in runs["build"]
    assert any(u.startswith("actions/upload-pages-artifact@") for u in uses["build"])
    assert next(s for s in jobs["build"]["steps"] if "upload-pages" in s.get("uses", ""))["with"] == {
        "path": "build"
    }
    deploy = jobs["deploy"]
    assert deploy["needs"] == "build"
    assert "refs/heads/main" in deploy["if"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert any(u.startswith("actions/deploy-pages@") for u in uses["deploy"])
    assert f"kaplan=={__version__}" in workflow["env"]["KAPLAN_PACKAGE"]
    # The large-repository variant is commented out, and parses once uncommented.
    variant = text[text.index("#  pdf:") :]
    assert "--shard ${{ matrix.shard }}/4 --no-html --no-site" in variant
    assert "kaplan build --no-pdf --no-brief" in variant
    sharded = yaml.safe_load("jobs:\n" + re.sub(r"^#", "", variant, flags=re.MULTILINE))
    assert sharded["jobs"]["pdf"]["strategy"]["matrix"]["shard"] == [1, 2, 3, 4]
    assert sharded["jobs"]["build"]["needs"] == "pdf"


def test_pre_commit_config_uses_the_hook_this_repository_provides(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    hooks = load_yaml(ROOT / ".pre-commit-hooks.yaml")
    provided = {h["id"]: h for h in hooks}
    assert provided["kaplan-check"]["entry"] == "kaplan check"
    assert provided["kaplan-check"]["language"] == "python"
    assert re.match(provided["kaplan-check"]["files"], "plans/acme.yaml")
    assert re.match(provided["kaplan-check"]["files"], "plans/acme.yml")
    assert not re.match(provided["kaplan-check"]["files"], "kaplan.yaml")
    config = load_yaml(repo / ".pre-commit-config.yaml")
    (entry,) = config["repos"]
    assert entry["rev"] == f"v{__version__}"
    assert entry["repo"].startswith("https://")
    assert {h["id"] for h in entry["hooks"]} <= set(provided)
    assert [h["id"] for h in entry["hooks"]] == ["kaplan-check"]
