"""The package's shape: rooms named after the pipeline, small modules, imports that run one way.

Every module under kaplan/ is parsed with ``ast`` (imports inside functions count too). Each test
gathers every violation of its rule and reports them all at once.
"""

from __future__ import annotations

import ast
import functools
from dataclasses import dataclass
from pathlib import Path

from radon.complexity import cc_visit
from radon.visitors import Class, Function

PACKAGE = Path(__file__).resolve().parents[1] / "kaplan"
MAX_MODULES_IN_A_FOLDER = 12
MAX_LINES = 450
MAX_COMPLEXITY = 15
MIN_SUBPACKAGES = 4

# Higher layers may import lower ones, never the reverse: cli → site, history → documents, coach →
# config → plan. The shared leaves (layer 0) are importable from anywhere.
LAYERS: dict[str, int] = {
    "kaplan.cli": 5,
    "kaplan.__main__": 5,
    "kaplan.site": 4,
    "kaplan.history": 4,
    "kaplan.interop": 4,
    "kaplan.documents": 3,
    "kaplan.coach": 3,
    "kaplan.config": 2,
    "kaplan.plan": 1,
    "kaplan.errors": 0,
    "kaplan.files": 0,
    "kaplan": 0,
}
LAYER_NAMES = {5: "cli", 4: "site/history", 3: "documents/coach", 2: "config", 1: "plan", 0: "shared leaves"}
# The format knows no command line, templates, PDFs or Markdown.
NOT_IN_PLAN = {"click", "jinja2", "weasyprint", "markdown", "nh3"}


@dataclass(frozen=True)
class Import:
    """One import statement: what it names (a kaplan module, or a top-level third-party name)."""

    target: str
    line: int
    internal: bool


@dataclass(frozen=True)
class Module:
    name: str
    path: Path
    source: str
    imports: tuple[Import, ...]

    @property
    def rel(self) -> str:
        return self.path.relative_to(PACKAGE.parent).as_posix()


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def resolve(name: str, known: set[str]) -> str | None:
    """The kaplan module ``name`` lands in: itself, or its longest prefix that is a module."""
    parts = name.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in known:
            return candidate
        parts.pop()
    return None


def imports_of(tree: ast.Module, name: str, is_package: bool, known: set[str]) -> tuple[Import, ...]:
    found: list[Import] = []
    package = name if is_package else name.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.module == "__future__":
                continue
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                stem = ".".join([*base, node.module] if node.module else base)
            else:
                stem = node.module or ""
            # `from kaplan.plan import model` names the module kaplan.plan.model when there is one.
            targets = [
                f"{stem}.{alias.name}" if f"{stem}.{alias.name}" in known else stem for alias in node.names
            ]
        else:
            continue
        for target in targets:
            if target == "kaplan" or target.startswith("kaplan."):
                resolved = resolve(target, known)
                if resolved is not None:
                    found.append(Import(resolved, node.lineno, internal=True))
            else:
                found.append(Import(target.split(".")[0], node.lineno, internal=False))
    return tuple(found)


@functools.cache
def modules() -> tuple[Module, ...]:
    paths = sorted(PACKAGE.rglob("*.py"))
    known = {module_name(p) for p in paths}
    out = []
    for path in paths:
        source = path.read_text(encoding="utf-8")
        name = module_name(path)
        tree = ast.parse(source, filename=str(path))
        out.append(Module(name, path, source, imports_of(tree, name, path.name == "__init__.py", known)))
    return tuple(out)


def layer_of(name: str) -> int | None:
    owner = resolve(name, set(LAYERS))
    if owner == "kaplan" and name != "kaplan":
        return None  # a new top-level module or subpackage nobody has placed yet
    return LAYERS.get(owner) if owner else None


def report(title: str, problems: list[str]) -> str:
    return f"{len(problems)} {title}:\n  " + "\n  ".join(problems)


def test_modules_are_found() -> None:
    names = {m.name for m in modules()}
    assert {"kaplan", "kaplan.cli", "kaplan.config", "kaplan.plan.model"} <= names


def test_at_least_four_subpackages() -> None:
    subpackages = sorted(p.parent.name for p in PACKAGE.glob("*/__init__.py"))
    assert len(subpackages) >= MIN_SUBPACKAGES, f"only {len(subpackages)} subpackages: {subpackages}"


def test_no_folder_holds_more_than_12_modules() -> None:
    folders: dict[Path, list[str]] = {}
    for m in modules():
        if m.path.name != "__init__.py":
            folders.setdefault(m.path.parent, []).append(m.path.name)
    problems = [
        f"{folder.relative_to(PACKAGE.parent).as_posix()}/ has {len(names)} modules (max {MAX_MODULES_IN_A_FOLDER})"
        for folder, names in sorted(folders.items())
        if len(names) > MAX_MODULES_IN_A_FOLDER
    ]
    assert not problems, report("folders too full", problems)


def test_no_module_is_over_450_lines() -> None:
    problems = [
        f"{m.rel}: {n} lines (max {MAX_LINES})"
        for m in modules()
        if (n := len(m.source.splitlines())) > MAX_LINES
    ]
    assert not problems, report("modules too long", problems)


def blocks(items: list[Function | Class]) -> list[Function]:
    """Every function radon found: methods and closures included."""
    out: list[Function] = []
    for item in items:
        if isinstance(item, Class):
            out += blocks(list(item.methods)) + blocks(list(item.inner_classes))
        else:
            out.append(item)
            out += blocks(list(item.closures))
    return out


def test_no_function_is_over_complexity_15() -> None:
    problems = [
        f"{m.rel}:{block.lineno}: {block.fullname} has cyclomatic complexity {block.complexity} (max {MAX_COMPLEXITY})"
        for m in modules()
        for block in blocks(cc_visit(m.source))
        if block.complexity > MAX_COMPLEXITY
    ]
    assert not problems, report("functions too complex", problems)


def test_every_module_has_a_layer() -> None:
    problems = [
        f"{m.rel}: {m.name} is in no layer (place it in LAYERS)"
        for m in modules()
        if layer_of(m.name) is None
    ]
    assert not problems, report("modules without a layer", problems)


def test_imports_never_go_up_a_layer() -> None:
    problems = []
    for m in modules():
        mine = layer_of(m.name)
        for imp in m.imports:
            theirs = layer_of(imp.target)
            if imp.internal and mine is not None and theirs is not None and theirs > mine:
                problems.append(
                    f"{m.rel}:{imp.line}: {m.name} ({LAYER_NAMES[mine]}) imports {imp.target} ({LAYER_NAMES[theirs]})"
                )
    assert not problems, report("imports up a layer", problems)


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (or a module importing itself)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1 or node in graph.get(node, ()):
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_cycles_finds_a_cycle_and_ignores_a_chain() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles() -> None:
    graph: dict[str, set[str]] = {}
    for m in modules():
        # A package's __init__ is imported with every module in it; that edge is not a cycle of code.
        graph[m.name] = {i.target for i in m.imports if i.internal and i.target != m.name}
        graph[m.name] -= {p for p in graph[m.name] if m.name.startswith(p + ".")}
    problems = [" → ".join([*component, component[0]]) for component in cycles(graph)]
    assert not problems, report("import cycles", problems)


def test_the_plan_package_imports_no_click_jinja_weasyprint_markdown_or_nh3() -> None:
    problems = [
        f"{m.rel}:{imp.line}: imports {imp.target}"
        for m in modules()
        if m.name == "kaplan.plan" or m.name.startswith("kaplan.plan.")
        for imp in m.imports
        if not imp.internal and imp.target in NOT_IN_PLAN
    ]
    assert not problems, report("presentation imports in kaplan/plan/", problems)


def test_only_main_imports_the_cli() -> None:
    problems = [
        f"{m.rel}:{imp.line}: imports {imp.target}"
        for m in modules()
        if m.name != "kaplan.__main__" and not (m.name == "kaplan.cli" or m.name.startswith("kaplan.cli."))
        for imp in m.imports
        if imp.internal and (imp.target == "kaplan.cli" or imp.target.startswith("kaplan.cli."))
    ]
    assert not problems, report("imports of kaplan.cli", problems)
