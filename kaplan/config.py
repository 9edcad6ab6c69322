"""``kaplan.yaml`` → :class:`Config`: found in the current folder or its parents."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from kaplan.errors import UsageError
from kaplan.plan import Audience, Locale
from kaplan.plan.findings import Finding
from kaplan.plan.messages import did_you_mean, validation_findings
from kaplan.plan.yaml12 import LineMap, read_yaml

CONFIG_NAME = "kaplan.yaml"
RuleLevel = Literal["off", "info", "warning", "error"]
# The archival and accessibility variants kaplan offers; without one, PDFs are tagged and claim no standard.
PdfVariant = Literal["pdf/a-3b", "pdf/ua-1"]
PDF_VARIANTS: tuple[str, ...] = get_args(PdfVariant)
Color = Annotated[str, Field(pattern=r"^#[0-9a-fA-F]{6}$")]
MAX_FONT_LENGTH = 100
# A family name: words of letters (any script), digits, '_', '.', '-', one or more spaces apart.
_FAMILY_NAME = r"[\w.-]+(?: +[\w.-]+)*"
_FAMILY = rf"(?:{_FAMILY_NAME}|\"{_FAMILY_NAME}\"|'{_FAMILY_NAME}')"
FONT_LIST = re.compile(rf"{_FAMILY}(?: *, *{_FAMILY})*")


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
    font: str | None = Field(
        None,
        description="Font families to use before the built-in fonts, a CSS list such as "
        "'\"Source Han Sans\", sans-serif' (letters, digits, spaces, - _ ., at most 100 characters).",
    )
    confidentiality: str | None = Field(
        None, description="Confidentiality marking on every page (default depends on the audience)."
    )

    @field_validator("font")
    @classmethod
    def _font_list(cls, value: str | None) -> str | None:
        # Why: the font is written into the theme's CSS; only a plain family list may get there.
        if value is None:
            return None
        value = value.strip()
        if len(value) > MAX_FONT_LENGTH:
            raise ValueError(f"the font list is over {MAX_FONT_LENGTH} characters: name one or two families")
        if not FONT_LIST.fullmatch(value):
            raise ValueError(
                "not a font family list: use family names of letters, digits, spaces, '-', '_' and '.', "
                "optionally in quotes, separated by commas, e.g. '\"Source Han Sans\", sans-serif'"
            )
        return value

    @property
    def font_families(self) -> list[str]:
        """The family names of ``font``, in order, without their quotes."""
        return font_families(self.font)


def font_families(font: str | None) -> list[str]:
    """The family names of a font list (``'"Source Han Sans", sans-serif'``), without quotes or blanks."""
    names = (part.strip().strip("\"'").strip() for part in (font or "").split(","))
    return [name for name in names if name]


# Where a CRM stage puts a project: a stage of the buying process, or how the project ended.
StageTarget = Annotated[int, Field(ge=1, le=8)] | Literal["won", "lost", "no_decision"]


class ImportSettings(_Strict):
    """How ``kaplan import --from salesforce|hubspot`` reads a CRM's report."""

    stages: dict[str, StageTarget] = Field(
        default_factory=dict,
        description="CRM stage name → a stage 1–8, or won / lost / no_decision; added to (and over) "
        "kaplan's table for the CRM's standard stage names.",
    )


class Config(_Strict):
    """The settings in ``kaplan.yaml``; every key is optional."""

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
    import_: ImportSettings = Field(
        default_factory=ImportSettings, alias="import", description="How CRM reports are imported."
    )
    pdf_variant: PdfVariant | None = Field(
        None,
        description="PDF standard every PDF follows: pdf/a-3b (archival) or pdf/ua-1 (accessible); "
        "without it PDFs are tagged and claim no standard.",
    )


@dataclass
class Workspace:
    """The loaded config and the folder it was found in (the repository root)."""

    config: Config
    root: Path
    file: Path | None = None
    findings: list[Finding] = field(default_factory=list)

    def resolve(self, relative: str) -> Path:
        """A path from kaplan.yaml, relative to the folder holding it."""
        return (self.root / relative).resolve()

    @property
    def config_file(self) -> Path:
        """Where kaplan.yaml is, or would be."""
        return (self.file or self.root / CONFIG_NAME).resolve()

    def repository_folder(self, key: Literal["plans", "templates"]) -> Path:
        """The ``plans`` or ``templates`` folder; a :class:`UsageError` when it resolves outside the repository."""
        given: str = getattr(self.config, key)
        folder = self.resolve(given)
        if not folder.is_relative_to(self.root.resolve()):
            raise UsageError(
                f"{CONFIG_NAME}: {key}: '{given}' is outside the repository ({_shown(self.root)}); "
                f"name a folder inside it, such as {key}"
            )
        return folder


def check_out_folder(project: Workspace, out: Path) -> None:
    """Refuse an output folder that is or contains the plans, the templates or kaplan.yaml.

    Why: a build writes and deletes files under its output folder, and a site built into the
    templates folder would be served back as theme files. Raises :class:`UsageError`.
    """
    target = out.resolve()
    root = project.root.resolve()
    templates = project.resolve(project.config.templates)
    guarded = (
        ("the plans folder", project.resolve(project.config.plans)),
        ("the templates folder", templates),
        (CONFIG_NAME, project.config_file),
    )
    for what, path in guarded:
        if path == target or path.is_relative_to(target):
            verb = "is" if path == target else "contains"
            raise UsageError(
                f"the output folder {_shown(target)} {verb} {what} ({_shown(path)}): a build writes and "
                "deletes files there; set `out:` in kaplan.yaml or --out to a folder of its own, such as build"
            )
    # A templates folder outside the repository, or the repository itself, is Theme.of's to refuse.
    if target.is_relative_to(templates) and templates.is_relative_to(root) and templates != root:
        raise UsageError(
            f"the output folder {_shown(target)} is inside the templates folder ({_shown(templates)}): "
            "documents would be built from earlier outputs; set `out:` in kaplan.yaml or --out elsewhere"
        )


def find_config(start: Path) -> Path | None:
    """The nearest ``kaplan.yaml`` in ``start`` or its parents."""
    for folder in (start, *start.parents):
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
    return None


def load_workspace(start: Path | None = None, rule_codes: tuple[str, ...] = ()) -> Workspace:
    """Find and load kaplan.yaml; problems come back as findings, defaults are used then."""
    start = (start or Path.cwd()).resolve()
    path = find_config(start)
    if path is None:
        return Workspace(Config(), start)
    shown = _shown(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        return Workspace(
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
        return Workspace(Config(), path.parent, path, findings)
    config = Config()
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        findings.extend(validation_findings(exc, Config, doc.lines, shown))
    if rule_codes and isinstance(data.get("rules"), dict):
        findings.extend(_unknown_rules(data["rules"], rule_codes, doc.lines, shown))
    return Workspace(config, path.parent, path, findings)


def _unknown_rules(
    rules: dict[Any, Any], codes: tuple[str, ...], lines: LineMap, shown: str
) -> list[Finding]:
    """A finding for each name under ``rules:`` that is no rule's code."""
    findings = []
    for name in rules:
        if name not in codes:
            line, column = lines.key(("rules", name))
            message = f"unknown rule '{name}'{did_you_mean(str(name), codes)}; `kaplan rules` lists them"
            findings.append(Finding(shown, line, column, f"rules.{name}", "schema", "error", message))
    return findings


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
