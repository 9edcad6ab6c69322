"""``kaplan.yaml`` → :class:`Config`: found in the current folder or its parents."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from kaplan.errors import did_you_mean, validation_findings
from kaplan.findings import Finding
from kaplan.model import Locale
from kaplan.yaml12 import read_yaml

CONFIG_NAME = "kaplan.yaml"
RuleLevel = Literal["off", "info", "warning", "error"]
Audience = Literal["private", "internal", "external"]
Color = Annotated[str, Field(pattern=r"^#[0-9a-fA-F]{6}$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True, frozen=True)


class Brand(_Strict):
    """How every document looks: name, logo, colours, font, confidentiality marking."""

    name: str = Field("kaplan", description="Company or brand name shown on every page.")
    logo: str | None = Field(
        None, description="Path of a logo image (PNG, JPEG or SVG), relative to kaplan.yaml."
    )
    primary: Color = Field("#1F3A5F", description="Primary colour, #RRGGBB.")
    accent: Color = Field("#C8102E", description="Accent colour, #RRGGBB.")
    font: str | None = Field(None, description="Font family name to use before the built-in fonts.")
    confidentiality: str | None = Field(
        None, description="Confidentiality marking on every page (default depends on the audience)."
    )


class Config(_Strict):
    """Project settings from ``kaplan.yaml``; every key is optional."""

    title: str = Field("Account plans", description="Site title.")
    locale: Locale = Field("en", description="Default labels language.")
    currency: str = Field("CNY", description="Default currency.")
    plans: str = Field("plans", description="Folder of plan files.")
    templates: str = Field("templates", description="Folder whose files override the built-in theme.")
    out: str = Field("build", description="Output folder.")
    audience: Audience = Field("internal", description="Default audience.")
    brand: Brand = Field(default_factory=Brand, description="Branding of every document.")
    rules: dict[str, RuleLevel] = Field(
        default_factory=dict, description="Per-rule severity: off, info, warning or error."
    )


@dataclass
class Project:
    """The loaded config and the folder it was found in (the repository root)."""

    config: Config
    root: Path
    file: Path | None = None
    findings: list[Finding] = field(default_factory=list)

    def resolve(self, relative: str) -> Path:
        """A path from kaplan.yaml, relative to the folder holding it."""
        return (self.root / relative).resolve()


def find_config(start: Path) -> Path | None:
    """The nearest ``kaplan.yaml`` in ``start`` or its parents."""
    for folder in (start, *start.parents):
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
    return None


def load_project(start: Path | None = None, rule_codes: tuple[str, ...] = ()) -> Project:
    """Find and load kaplan.yaml; problems come back as findings, defaults are used then."""
    start = (start or Path.cwd()).resolve()
    path = find_config(start)
    if path is None:
        return Project(Config(), start)
    shown = _shown(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        return Project(
            Config(),
            path.parent,
            path,
            [Finding(shown, 1, 1, "", "syntax", "error", f"cannot read kaplan.yaml: {exc}")],
        )
    doc = read_yaml(text)
    findings = [Finding(shown, p.line, p.column, "", "syntax", "error", p.message) for p in doc.problems]
    data = doc.data if doc.data is not None else {}
    if not isinstance(data, dict):
        findings.append(
            Finding(shown, 1, 1, "", "schema", "error", "kaplan.yaml must be a mapping of `key: value` lines")
        )
        return Project(Config(), path.parent, path, findings)
    config = Config()
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        findings.extend(validation_findings(exc, Config, doc.lines, shown))
    if rule_codes and isinstance(data.get("rules"), dict):
        for name in data["rules"]:
            if name not in rule_codes:
                line, column = doc.lines.key(("rules", name))
                findings.append(
                    Finding(
                        shown,
                        line,
                        column,
                        f"rules.{name}",
                        "schema",
                        "error",
                        f"unknown rule '{name}'{did_you_mean(str(name), rule_codes)}; "
                        "`kaplan rules` lists them",
                    )
                )
    return Project(config, path.parent, path, findings)


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
