"""Rendering plans to HTML: escaping, Markdown sanitising, labels, money, themes, brand, golden files.

Golden files live in tests/documents/golden/; refresh them with ``KAPLAN_UPDATE_GOLDEN=1 pytest tests/documents/test_render.py``
and read the diff by eye before committing.
"""

from __future__ import annotations

import base64
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from conftest import TODAY
from markupsafe import Markup

from kaplan.cli import main
from kaplan.coach.check import check_plan
from kaplan.config import Workspace, load_workspace
from kaplan.documents.labels import enum_label, word
from kaplan.documents.markdown import for_readers, render_markdown, tighten_cjk
from kaplan.documents.page import gaps, next_dates
from kaplan.documents.render import render_brief, render_dossier
from kaplan.documents.theme import Theme, ThemeError, builtin_folder, css_string
from kaplan.documents.views import DocumentView, build_view
from kaplan.plan import Audience
from kaplan.plan.audience import for_audience
from kaplan.plan.model import MoneyValue, Plan
from kaplan.plan.yaml12 import read_yaml
from kaplan.site.tasks import BuildOptions, build_one, document_charts

REPO = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).resolve().parent / "golden"
XSS = "<script>alert(1)</script>"
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


def make_repo(
    root: Path,
    plan: dict[str, Any],
    config: dict[str, Any] | None = None,
    templates: dict[str, str] | None = None,
    name: str = "acme",
) -> tuple[Path, Workspace]:
    """A repository: plans/NAME.yaml, an optional kaplan.yaml and templates/ overrides."""
    (root / "plans").mkdir(parents=True, exist_ok=True)
    path = root / "plans" / f"{name}.yaml"
    path.write_text(yaml.safe_dump(plan, allow_unicode=True, sort_keys=False), encoding="utf-8")
    if config is not None:
        (root / "kaplan.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    for file, text in (templates or {}).items():
        target = root / "templates" / file
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return path, load_workspace(root)


def view_of(path: Path, project: Workspace, audience: Audience = "internal") -> DocumentView:
    """The view the build renders from, made the way kaplan.site.build makes it."""
    checked = check_plan(path, path.name, project, TODAY)
    assert checked.loaded.ok, [f.text() for f in checked.findings]
    assert checked.loaded.plan is not None
    filtered = for_audience(checked.loaded.plan, audience)
    locale = filtered.plan.plan.locale or project.config.locale
    return build_view(
        filtered,
        checked.loaded.id,
        project,
        TODAY,
        checked.findings,
        checked.health,
        charts=document_charts(filtered.plan, locale, project.config.brand),
    )


def render(root: Path, plan: dict[str, Any], **repo: Any) -> str:
    path, project = make_repo(root, plan, **repo)
    return render_dossier(view_of(path, project), Theme.of(project).new_env())


def body_of(html: str) -> str:
    """The page without its <head> (which holds the theme's CSS)."""
    return html[html.index("<body") :]


# --- escaping ---------------------------------------------------------------------------------------


def test_plain_strings_are_escaped(tmp_path: Path, make_plan: Callable[..., dict[str, Any]]) -> None:
    plan = make_plan(
        account={"name": XSS, "industry": 'Steel" onload="x'},
        actions=[{"id": "a-visit", "what": f"Visit {XSS}", "owner": "li-ming", "due": "2026-12-10"}],
    )
    plan["people"][0]["name"] = f"Zhao {XSS}"
    html = render(tmp_path, plan)
    assert "<script" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert html.count("&lt;script&gt;") >= 4  # title, cover, person card, action (and the org chart)
    assert 'onload="x' not in html
    assert "<title>&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_briefing_escapes_plain_strings_too(tmp_path: Path, make_plan: Callable[..., dict[str, Any]]) -> None:
    plan = make_plan(account={"name": XSS})
    plan["people"][0]["name"] = XSS
    path, project = make_repo(tmp_path, plan)
    html = render_brief(view_of(path, project), Theme.of(project).new_env())
    assert "<script" not in html
    assert "&lt;script&gt;" in html


def test_environment_autoescapes_strings_and_html_templates() -> None:
    env = Theme.builtin().new_env()
    assert env.from_string("{{ x }}").render(x=XSS) == "&lt;script&gt;alert(1)&lt;/script&gt;"


def test_css_string_cannot_break_out() -> None:
    value = css_string('Evil"; } body { display: none } </style><script>')
    assert value.startswith('"')
    assert value.endswith('"')
    inner = value[1:-1]
    assert not set(inner) & set("\"';{}<>/")


def test_brand_font_cannot_break_out_of_the_style(
    tmp_path: Path, make_plan: Callable[..., dict[str, Any]]
) -> None:
    html = render(
        tmp_path, make_plan(), config={"brand": {"font": 'X"; } </style><script>alert(1)</script>'}}
    )
    assert "<script" not in html
    assert html.count("</style>") == 1


# --- Markdown ----------------------------------------------------------------------------------------


def test_markdown_is_rendered() -> None:
    html = str(render_markdown("Some **bold** and *em*.\n\n- one\n- two\n\n1. first\n2. second\n"))
    assert "<strong>bold</strong>" in html
    assert "<em>em</em>" in html
    assert "<ul>\n<li>one</li>\n<li>two</li>\n</ul>" in html
    assert "<ol>" in html
    assert "<li>first</li>" in html


def test_markdown_table_and_link_render() -> None:
    html = str(render_markdown("[site](https://example.com)\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"))
    assert '<a href="https://example.com" rel="noopener noreferrer">site</a>' in html
    assert "<table>" in html
    assert "<td>1</td>" in html


@pytest.mark.parametrize(
    ("message", "printed"),
    [
        (
            "objective 'Grow' is behind: plan the next step (an action with `objective:`)",
            "Objective 'Grow' is behind: plan the next step",
        ),
        ("目标“增长”滞后：安排下一步行动（行动写上 `objective:`）", "目标“增长”滞后：安排下一步行动"),
        (
            "review it with your manager and set `plan.reviewed`",
            "Review it with your manager and set plan.reviewed",
        ),
        (
            "visit Wang (she decides in May)",
            "Visit Wang (she decides in May)",
        ),  # a parenthesis for readers stays
    ],
)
def test_documents_print_coaching_without_the_hints_for_the_yaml(message: str, printed: str) -> None:
    assert for_readers(message) == printed


def test_dates_and_amounts_never_break_inside(
    tmp_path: Path, make_plan: Callable[..., dict[str, Any]]
) -> None:
    path, project = make_repo(tmp_path, make_plan(plan={"locale": "zh"}))
    labels = view_of(path, project).labels
    assert labels.date("2026-12-15") == Markup('<span class="nowrap">2026年12月15日</span>')
    assert labels.date(None) == ""
    since = labels.t("since_date", date=labels.date("2026-12-15"))
    assert '<span class="nowrap">2026年12月15日</span>' in since  # markup inside a word stays markup
    assert view_of(path, project).money(MoneyValue(amount=1_200_000)) == "120\u00a0万元"
    body = body_of(render(tmp_path / "page", make_plan(plan={"locale": "zh"})))
    assert "&lt;span" not in body


def test_no_coaching_hint_for_the_yaml_reaches_the_rich_dossier() -> None:
    project = load_workspace(REPO)
    view = view_of(REPO / "plans" / "anshan-special-steel.yaml", project)
    html = body_of(render_dossier(view, Theme.of(project).env))
    assert "`" not in html
    assert "写上" not in html
    assert "objective:" not in html
    assert "双指标 是" not in html  # the page-1 crux lines too
    assert "让他 从" not in html


@pytest.mark.parametrize(
    ("source", "html"),
    [
        ("让他 **从怀疑转为中立**：给他", "<p>让他<strong>从怀疑转为中立</strong>：给他</p>"),
        ("**双指标** 是优势", "<p><strong>双指标</strong>是优势</p>"),
        ("的 *A 类* 客户", "<p>的<em>A 类</em>客户</p>"),
        ("we **win** here", "<p>we <strong>win</strong> here</p>"),  # Latin text keeps its spaces
        ("2 * 3 = 6 个", "<p>2 * 3 = 6 个</p>"),
        ("平均寿命 42 小时，\n高于合同要求。", "<p>平均寿命 42 小时，高于合同要求。</p>"),  # a YAML line end
        ("第一段。\n\n第二段", "<p>第一段。</p>\n<p>第二段</p>"),
        ("专项要求\n“吨钢成本降 10%”", "<p>专项要求“吨钢成本降 10%”</p>"),
        ("要点：\n- 价格低\n- 供货及时", "<p>要点：</p>\n<ul>\n<li>价格低</li>\n<li>供货及时</li>\n</ul>"),
        ("ends in English\nand goes on", "<p>ends in English\nand goes on</p>"),
    ],
)
def test_chinese_prints_without_the_spaces_typed_for_editors_and_yaml(source: str, html: str) -> None:
    assert str(render_markdown(source)) == html
    assert "  " not in tighten_cjk(source)


def test_empty_markdown_is_nothing() -> None:
    assert str(render_markdown(None)) == ""
    assert str(render_markdown("")) == ""


@pytest.mark.parametrize(
    ("source", "forbidden"),
    [
        ("<script>alert(1)</script>", ["<script", "alert(1)"]),
        ("Hi <script>alert(1)</script> there", ["<script", "alert(1)"]),
        ("<style>body { display: none }</style>", ["<style", "display: none"]),
        ('<iframe src="https://evil.example"></iframe>', ["<iframe", "evil.example"]),
        ('<img src="file:///etc/passwd">', ["<img", "/etc/passwd"]),
        ("![x](file:///etc/passwd)", ["<img", "/etc/passwd"]),
        ('<img src="x" onerror="alert(1)">', ["<img", "onerror", "alert(1)"]),
        ("[click](javascript:alert(1))", ["javascript:", "alert(1)"]),
        ('<a href="javascript:alert(1)">x</a>', ["javascript:", "alert(1)"]),
        ('<a href="JaVaScRiPt:alert(1)">x</a>', ["avascript", "alert(1)"]),
        ('<a href="file:///etc/passwd">x</a>', ["file:", "/etc/passwd"]),
        ('<a href="data:text/html,<script>1</script>">x</a>', ["data:", "<script"]),
        ('<p onclick="alert(1)" onmouseover="x()">hi</p>', ["onclick", "onmouseover", "alert(1)"]),
        ('<a href="https://ok.example" onclick="alert(1)">x</a>', ["onclick", "alert(1)"]),
        ('<p style="background: url(file:///etc/passwd)">x</p>', ["style=", "/etc/passwd"]),
        ('<object data="file:///etc/passwd"></object>', ["<object", "/etc/passwd"]),
        ('<svg><image href="file:///etc/passwd"/></svg>', ["<svg", "<image", "/etc/passwd"]),
        ('<link rel="attachment" href="file:///etc/passwd">', ["<link", "/etc/passwd"]),
        ('<form action="https://evil.example"><input name="a"></form>', ["<form", "<input"]),
    ],
)
def test_markdown_is_sanitised(source: str, forbidden: list[str]) -> None:
    html = str(render_markdown(source))
    assert [f for f in forbidden if f.lower() in html.lower()] == [], html


def test_attachment_rel_is_overwritten() -> None:
    html = str(render_markdown('<a rel="attachment" href="https://example.com/x.pdf">x</a>'))
    assert "attachment" not in html
    assert 'rel="noopener noreferrer"' in html
    assert 'href="https://example.com/x.pdf"' in html


def test_markdown_in_the_dossier_is_sanitised(
    tmp_path: Path, make_plan: Callable[..., dict[str, Any]]
) -> None:
    summary = (
        "**Bold** move.\n\n- a\n- b\n\n<script>alert(1)</script>\n\n"
        '<a rel="attachment" href="file:///etc/passwd">x</a> [y](javascript:alert(2))\n'
        '<img src="file:///etc/passwd" onerror="alert(3)">'
    )
    body = body_of(render(tmp_path, make_plan(summary=summary)))
    section = body[body.index('id="summary"') :]
    section = section[: section.index("</section>")]
    assert "<strong>Bold</strong>" in section
    assert "<li>a</li>" in section
    for bad in ("<script", "alert(", "attachment", "/etc/passwd", "javascript:", "<img", "onerror"):
        assert bad not in body, bad


# --- labels -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("zh", ["执行摘要", "客户概况", "评估比较", "第 5 阶段", "经济决策者", "执行中"]),
        ("en", ["Executive summary", "Account profile", "Evaluation and comparison", "Stage 5", "Active"]),
    ],
)
def test_headings_and_enum_values_use_the_plan_locale(
    tmp_path: Path, make_plan: Callable[..., dict[str, Any]], locale: str, expected: list[str]
) -> None:
    plan = make_plan(plan={"locale": locale})
    plan["projects"][0]["stage"] = 5
    body = body_of(render(tmp_path, plan))
    assert f'<html lang="{"zh-CN" if locale == "zh" else "en"}">' in render(tmp_path, plan)
    for text in expected:
        assert text in body, text
    for kind, value in [("support", "champion"), ("influence", "high"), ("role", "economic_buyer")]:
        assert enum_label(kind, value, locale) in body  # type: ignore[arg-type]
    for key in ("summary", "profile", "projects", "people", "actions", "findings"):
        assert f"<h2>{word(key, locale)}" in body  # type: ignore[arg-type]
    other = "en" if locale == "zh" else "zh"
    assert word("profile", other) not in body  # type: ignore[arg-type]
    # raw enum values are never shown as text
    assert ">economic_buyer<" not in body
    assert ">in_depth<" not in body


def test_locale_defaults_to_kaplan_yaml(tmp_path: Path, make_plan: Callable[..., dict[str, Any]]) -> None:
    plan = make_plan(plan={"locale": None})
    body = body_of(render(tmp_path, plan, config={"locale": "zh"}))
    assert word("summary", "zh") in body


def test_dates_follow_the_locale(tmp_path: Path, make_plan: Callable[..., dict[str, Any]]) -> None:
    assert "2026年11月1日" in render(tmp_path / "zh", make_plan(plan={"locale": "zh"}))
    assert "2026-11-01" in render(tmp_path / "en", make_plan(plan={"locale": "en"}))


# --- money ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("locale", "amount", "currency", "expected"),
    [
        ("zh", 1_200_000, None, "120\u00a0万元"),
        ("zh", 10_000, None, "1\u00a0万元"),
        ("zh", 1_234_567, None, "123.5\u00a0万元"),
        ("zh", 150_000_000, None, "1.5\u00a0亿元"),
        ("zh", 123_456_789, None, "1.23\u00a0亿元"),
        ("zh", 2_000_000, "USD", "200\u00a0万\u00a0USD"),
        ("en", 1_200_000, None, "CNY\u00a01,200,000"),
        ("en", 1234.5, "USD", "USD\u00a01,234.50"),
        ("en", 150_000_000, "EUR", "EUR\u00a0150,000,000"),
    ],
)
def test_money_is_written_for_the_locale(
    tmp_path: Path,
    make_plan: Callable[..., dict[str, Any]],
    locale: str,
    amount: float,
    currency: str | None,
    expected: str,
) -> None:
    path, project = make_repo(tmp_path, make_plan(plan={"locale": locale}))
    view = view_of(path, project)
    assert view.money(MoneyValue(amount=amount, currency=currency)) == expected  # no-break spaces
    assert view.money(None) == ""


def test_money_in_the_dossier(tmp_path: Path, make_plan: Callable[..., dict[str, Any]]) -> None:
    plan = make_plan(plan={"locale": "zh"})
    plan["projects"][0]["value"] = 1_200_000
    plan["projects"][0]["budget"] = {
        "amount": {"amount": 300_000_000, "currency": "CNY"},
        "status": "approved",
    }
    body = text_of(body_of(render(tmp_path, plan)))
    assert "120 万元" in body
    assert "3 亿元" in body


# --- themes: a repository's templates/ overrides the built-in theme file by file -----------------------


def test_theme_css_is_overridden_file_by_file(
    tmp_path: Path, make_plan: Callable[..., dict[str, Any]]
) -> None:
    html = render(
        tmp_path, make_plan(), templates={"theme.css": "/* OUR-OWN-THEME */ body { color: red; }\n"}
    )
    assert "OUR-OWN-THEME" in html
    assert "kaplan built-in theme" not in html  # the built-in theme.css is replaced, not added to
    assert 'id="profile"' in html  # dossier.html still comes from the built-in theme


def test_built_in_theme_without_overrides(tmp_path: Path, make_plan: Callable[..., dict[str, Any]]) -> None:
    html = render(tmp_path, make_plan())
    assert "kaplan built-in theme" in html


def test_override_folder_comes_from_kaplan_yaml(
    tmp_path: Path, make_plan: Callable[..., dict[str, Any]]
) -> None:
    (tmp_path / "look").mkdir()
    (tmp_path / "look" / "theme.css").write_text("/* LOOK-THEME */\n", encoding="utf-8")
    path, project = make_repo(tmp_path, make_plan(), config={"templates": "look"})
    assert list(Theme.of(project).folders) == [(tmp_path / "look").resolve(), builtin_folder().resolve()]
    assert "LOOK-THEME" in render_dossier(view_of(path, project), Theme.of(project).new_env())


def test_a_template_can_extend_the_built_in_one(
    tmp_path: Path, make_plan: Callable[..., dict[str, Any]]
) -> None:
    dossier = (
        '{% extends "kaplan/dossier.html" %}\n'
        "{% block style %}.our-rule { color: teal; }{% endblock %}\n"
        '{% block content %}<div class="our-banner">OUR-BANNER {{ v.plan.account.name }}</div>'
        "{{ super() }}{% endblock %}\n"
    )
    html = render(tmp_path, make_plan(account={"name": "Acme <Steel>"}), templates={"dossier.html": dossier})
    assert '<div class="our-banner">OUR-BANNER Acme &lt;Steel&gt;</div>' in html
    assert ".our-rule { color: teal; }" in html
    assert 'id="profile"' in html  # super() kept the built-in content
    assert html.index("OUR-BANNER") < html.index('id="profile"')


def test_a_partial_override_is_used_by_the_built_in_templates(
    tmp_path: Path, make_plan: Callable[..., dict[str, Any]]
) -> None:
    macros = (builtin_folder() / "macros.html").read_text(encoding="utf-8")
    macros = macros.replace('<span class="pill ', '<span class="pill our-pill ')
    html = render(tmp_path, make_plan(), templates={"macros.html": macros})
    assert '<span class="pill our-pill pill-support-champion">' in html


def _theme_error(tmp_path: Path, plan: dict[str, Any], templates: dict[str, str]) -> ThemeError:
    with pytest.raises(ThemeError) as caught:
        render(tmp_path, plan, templates=templates)
    return caught.value


def test_broken_template_names_file_and_line(
    tmp_path: Path, make_plan: Callable[..., dict[str, Any]]
) -> None:
    broken = '{% extends "kaplan/dossier.html" %}\n{% block content %}\n{% if v.plan %}\nno endif\n{% endblock %}\n'
    message = str(_theme_error(tmp_path, make_plan(), {"dossier.html": broken}))
    assert re.search(r"dossier\.html:\d+: template syntax error", message), message
    assert str(tmp_path / "templates" / "dossier.html") in message
    line = int(re.search(r"dossier\.html:(\d+)", message).group(1))  # type: ignore[union-attr]
    assert line in (3, 5)  # the unclosed `if`, or where jinja noticed it


def test_syntax_error_in_an_included_file_names_that_file(
    tmp_path: Path, make_plan: Callable[..., dict[str, Any]]
) -> None:
    message = str(_theme_error(tmp_path, make_plan(), {"macros.html": "{% macro pill( %}\n"}))
    assert "macros.html:1" in message


def test_missing_template_is_named(tmp_path: Path, make_plan: Callable[..., dict[str, Any]]) -> None:
    dossier = (
        '{% extends "kaplan/dossier.html" %}{% block content %}{% include "nowhere.html" %}{% endblock %}'
    )
    message = str(_theme_error(tmp_path, make_plan(), {"dossier.html": dossier}))
    assert "nowhere.html" in message
    assert "not found" in message


def test_missing_included_template_names_where_it_is_included(
    tmp_path: Path, make_plan: Callable[..., dict[str, Any]]
) -> None:
    dossier = '{% extends "kaplan/dossier.html" %}\n{% block content %}\n\n{% include "nowhere.html" %}\n{% endblock %}\n'
    message = str(_theme_error(tmp_path, make_plan(), {"dossier.html": dossier}))
    assert "nowhere.html" in message
    assert "dossier.html:4" in message, message


def test_missing_parent_template_is_named(tmp_path: Path, make_plan: Callable[..., dict[str, Any]]) -> None:
    message = str(_theme_error(tmp_path, make_plan(), {"dossier.html": '{% extends "kaplan/gone.html" %}\n'}))
    assert "gone.html" in message


def test_runtime_error_in_a_template_is_a_theme_error(
    tmp_path: Path, make_plan: Callable[..., dict[str, Any]]
) -> None:
    """A theme is the user's code: its mistakes are reported at file:line, never as a traceback."""
    dossier = '{% extends "kaplan/dossier.html" %}\n{% block content %}\n{{ v.plan.account.name + 1 }}\n{% endblock %}\n'
    message = str(_theme_error(tmp_path, make_plan(), {"dossier.html": dossier}))
    assert "dossier.html:3" in message


def test_undefined_name_in_a_template_names_file_and_line(
    tmp_path: Path, make_plan: Callable[..., dict[str, Any]]
) -> None:
    dossier = (
        '{% extends "kaplan/dossier.html" %}\n{% block content %}\n{{ v.no_such_thing }}\n{% endblock %}\n'
    )
    message = str(_theme_error(tmp_path, make_plan(), {"dossier.html": dossier}))
    assert "no_such_thing" in message
    assert "dossier.html:3" in message


def test_build_reports_a_broken_template_without_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make_plan: Callable[..., dict[str, Any]]
) -> None:
    make_repo(tmp_path, make_plan(), templates={"dossier.html": "line one\n{% for %}\n"})
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(
        main,
        [
            "build",
            "plans/acme.yaml",
            "--out",
            "out",
            "--no-pdf",
            "--no-brief",
            "--jobs",
            "1",
            "--today",
            "2026-11-27",
        ],
    )
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert re.search(r"^plans/acme\.yaml: .*dossier\.html:2: template syntax error", result.output, re.M), (
        result.output
    )
    assert not (tmp_path / "out" / "accounts" / "acme.html").exists()


def test_build_reports_a_runtime_template_error_without_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make_plan: Callable[..., dict[str, Any]]
) -> None:
    dossier = '{% extends "kaplan/dossier.html" %}\n{% block content %}\n{{ v.plan.account.name + 1 }}\n{% endblock %}\n'
    make_repo(tmp_path, make_plan(), templates={"dossier.html": dossier})
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(
        main, ["build", "--out", "out", "--no-pdf", "--no-brief", "--jobs", "1", "--today", "2026-11-27"]
    )
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "dossier.html:3" in result.output


# --- brand ----------------------------------------------------------------------------------------------


def test_brand_name_colours_and_confidentiality(
    tmp_path: Path, make_plan: Callable[..., dict[str, Any]]
) -> None:
    brand = {
        "name": "Acme & <Sons>",
        "primary": "#123456",
        "accent": "#ABCDEF",
        "confidentiality": "STRICTLY <CONFIDENTIAL>",
    }
    html = render(tmp_path, make_plan(), config={"brand": brand})
    assert "--primary: #123456;" in html
    assert "--accent: #ABCDEF;" in html
    body = body_of(html)
    assert "Acme &amp; &lt;Sons&gt;" in body
    assert body.count("STRICTLY &lt;CONFIDENTIAL&gt;") >= 2  # running footer and cover


def test_default_confidentiality_names_the_audience(
    tmp_path: Path, make_plan: Callable[..., dict[str, Any]]
) -> None:
    path, project = make_repo(tmp_path, make_plan())
    env = Theme.of(project).new_env()
    for audience in ("private", "internal", "external"):
        body = body_of(render_dossier(view_of(path, project, audience), env))  # type: ignore[arg-type]
        assert f'<span class="confidential">{enum_label("audience", audience, "en")}</span>' in body


@pytest.mark.parametrize("colour", ["red", "#12345", "#1234567", "#12345G", "#123456; } body {"])
def test_bad_brand_colour_is_a_config_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make_plan: Callable[..., dict[str, Any]], colour: str
) -> None:
    make_repo(tmp_path, make_plan(), config={"brand": {"primary": colour}})
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["build", "--out", "out", "--no-pdf", "--no-brief", "--jobs", "1"])
    assert result.exit_code == 1
    assert re.search(r"^kaplan\.yaml:\d+:\d+: error schema: brand\.primary", result.output, re.M), (
        result.output
    )
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("name", "data", "kind"), [("logo.png", PNG, "image/png"), ("logo.svg", b"<svg/>", "image/svg+xml")]
)
def test_logo_inside_the_repository_is_a_data_uri(
    tmp_path: Path, make_plan: Callable[..., dict[str, Any]], name: str, data: bytes, kind: str
) -> None:
    (tmp_path / "brand").mkdir()
    (tmp_path / "brand" / name).write_bytes(data)
    html = render(tmp_path, make_plan(), config={"brand": {"logo": f"brand/{name}"}})
    uri = f"data:{kind};base64,{base64.b64encode(data).decode()}"
    assert f'<img class="cover-logo" src="{uri}"' in html
    assert f'<img class="running-logo" src="{uri}"' in html
    assert "brand/" + name not in html


@pytest.mark.parametrize(
    ("logo", "words"),
    [
        ("../outside.png", "inside the repository"),
        ("link.png", "inside the repository"),  # a symlink out of the repository
        ("logo.gif", ".png, .jpg or .svg"),
        ("logo.html", ".png, .jpg or .svg"),
        ("missing.png", "brand.logo missing.png"),
        ("big.png", "over 1 MB"),
    ],
)
def test_bad_logo_is_a_clear_error(
    tmp_path: Path, make_plan: Callable[..., dict[str, Any]], logo: str, words: str
) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    (tmp_path / "outside.png").write_bytes(PNG)
    (repo / "link.png").symlink_to(tmp_path / "outside.png")
    (repo / "logo.gif").write_bytes(b"GIF89a")
    (repo / "logo.html").write_text("<script>", encoding="utf-8")
    (repo / "big.png").write_bytes(PNG + b"\0" * (1024 * 1024))
    with pytest.raises(ThemeError) as caught:
        render(repo, make_plan(), config={"brand": {"logo": logo}})
    assert words in str(caught.value)
    assert logo in str(caught.value)


def test_bad_logo_fails_the_build_with_a_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make_plan: Callable[..., dict[str, Any]]
) -> None:
    make_repo(tmp_path, make_plan(), config={"brand": {"logo": "/etc/passwd.png"}})
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(
        main, ["build", "--out", "out", "--no-pdf", "--no-brief", "--jobs", "1", "--today", "2026-11-27"]
    )
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "brand.logo /etc/passwd.png" in result.output


# --- golden files and determinism -------------------------------------------------------------------------


def build_html(ident: str, out: Path, audience: Audience = "internal") -> str:
    """The dossier HTML of an example plan, built with the repository's own kaplan.yaml."""
    project = load_workspace(REPO)
    path = REPO / "plans" / f"{ident}.yaml"
    options = BuildOptions(out=out, pdf=False, brief=False, audience=audience, today=TODAY)
    result = build_one(path, f"plans/{ident}.yaml", project, options)
    assert result.ok, (result.error, [f.text() for f in result.findings if f.structural])
    return (out / "accounts" / f"{ident}.html").read_bytes().decode("utf-8")


@pytest.mark.parametrize(("ident", "locale"), [("anshan-special-steel", "zh"), ("northwind-chemicals", "en")])
def test_golden_html(tmp_path: Path, ident: str, locale: str) -> None:
    html = build_html(ident, tmp_path)
    assert f'<html lang="{"zh-CN" if locale == "zh" else "en"}">' in html
    golden = GOLDEN / f"{ident}.internal.html"
    if os.environ.get("KAPLAN_UPDATE_GOLDEN") == "1":
        golden.parent.mkdir(exist_ok=True)
        golden.write_bytes(html.encode("utf-8"))
    assert golden.is_file(), f"no golden file: run KAPLAN_UPDATE_GOLDEN=1 pytest {__file__}"
    assert html.encode("utf-8") == golden.read_bytes(), (
        f"{golden.name} differs: run KAPLAN_UPDATE_GOLDEN=1 pytest and read the diff"
    )


def test_example_plan_shows_the_personal_tier_only_to_private(tmp_path: Path) -> None:
    private = build_html("anshan-special-steel", tmp_path / "private", "private")
    internal = build_html("anshan-special-steel", tmp_path / "internal", "internal")
    assert '<div class="personal">' in private
    assert '<div class="personal">' not in internal


def test_building_twice_gives_identical_html(tmp_path: Path) -> None:
    for ident in ("anshan-special-steel", "northwind-chemicals"):
        assert build_html(ident, tmp_path / "a") == build_html(ident, tmp_path / "b")


# --- format 1.1: the account as a whole -------------------------------------------------------------------

PLAN_V1_1 = Path(__file__).resolve().parent / "plan_v1_1.yaml"
NEW_SECTIONS = ("partnership", "objectives", "whitespace", "contracts", "risks", "meetings", "log")


def plan_v1_1(**changes: Any) -> dict[str, Any]:
    """The plan that uses every key of format 1.1, with top-level keys changed."""
    data = read_yaml(PLAN_V1_1.read_text(encoding="utf-8")).data  # YAML 1.2: `on:` is a key, not True
    assert isinstance(data, dict)
    return {**data, **changes}


def section(html: str, ident: str) -> str:
    """One <section> of a dossier by its id."""
    start = html.index(f'<section class="section" id="{ident}">')
    return html[start : html.index("</section>", start)]


def text_of(html: str) -> str:
    """The words of some HTML, tags removed and spaces squeezed (a date kept whole is one word)."""
    html = re.sub(r'<span class="nowrap">([^<]*)</span>', r"\1", html)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


@pytest.fixture(scope="module")
def v1_1_html(tmp_path_factory: pytest.TempPathFactory) -> str:
    return render(tmp_path_factory.mktemp("v1_1"), plan_v1_1())


def test_every_section_of_format_1_1_is_shown(v1_1_html: str) -> None:
    for ident in NEW_SECTIONS:
        assert f'id="{ident}"' in v1_1_html, ident
        assert word(ident, "en") in section(v1_1_html, ident)


def test_references_show_names_never_ids(v1_1_html: str) -> None:
    body = body_of(v1_1_html)
    for ident in ("hm-north", "hm-south", "hm-group", "c-ladle", "o-share", "m-review", "r-price", "li-ming"):
        assert ident not in body, ident
    assert "Ladle contract renewal" in section(body, "contracts")  # contracts[].renewal
    assert "North plant" in section(body, "contracts")  # contracts[].unit
    assert "Rival Refractories" in section(body, "whitespace")  # whitespace[].competitor


def test_units_form_an_indented_tree_with_kind_location_and_scope(v1_1_html: str) -> None:
    units = re.findall(r'<li class="unit([^"]*)" style="margin-left: ([\d.]+)em"><b>([^<]+)</b>', v1_1_html)
    assert [(name, float(depth)) for _, depth, name in units] == [
        ("Harbour Metals Group", 0),
        ("Group purchasing centre", 1.5),
        ("North plant", 1.5),
        ("North plant BOF shop", 3),
        ("South plant", 1.5),
        ("Harbour Trading", 1.5),
    ]
    assert [name for scope, _, name in units if "out-of-scope" in scope] == ["Harbour Trading"]
    profile = text_of(section(v1_1_html, "profile"))
    assert "Buying centre Dalian" in profile
    assert "Out of scope" in profile
    assert "Dalian State Assets 51%" in profile
    assert "Payment 60 days after acceptance" in profile
    calendar = v1_1_html[v1_1_html.index('<table class="data calendar">') :]
    tender = calendar[
        calendar.index("Annual refractory tender") : calendar.index("</tr>", calendar.index("Annual"))
    ]
    assert re.findall(r'<td class="month( on)?">', tender) == [""] * 9 + [" on", " on", ""]


def test_partnership_shows_rungs_and_share_of_wallet(v1_1_html: str) -> None:
    part = section(v1_1_html, "partnership")
    now = re.search(r'<li class="rung now"><span class="n">2</span> ([^<]+?) <span', part)
    target = re.search(r'<li class="rung target"><span class="n">4</span> ([^<]+?) <span', part)
    assert now is not None
    assert target is not None
    assert now.group(1) == "Supplier of a quality product"
    assert target.group(1) == "Contributor to business issues"
    assert "by 2027-12-31" in text_of(part)
    assert "<b>30%</b>" in part  # meaning.share_of_wallet: 3,000,000 of 10,000,000
    assert "ours CNY 3,000,000 of CNY 10,000,000" in text_of(part)
    assert "Ten-year ladle record" in part
    assert "<strong>expensive</strong>" in part  # Markdown, through the sanitising filter


def test_objectives_show_measure_owner_status_and_projects(v1_1_html: str) -> None:
    rows = text_of(section(v1_1_html, "objectives"))
    assert "Projects: South plant ladle lining · Tundish boards" in rows
    assert "Baseline 25 → Current 30 → Target 40 %" in rows
    assert "At risk" in rows
    assert "Relationship" in rows
    assert "Chen Jie" in rows


def test_whitespace_is_a_grid_of_units_and_offerings(v1_1_html: str) -> None:
    grid = section(v1_1_html, "whitespace")
    assert re.findall(r"<thead><tr><th>Unit</th>(.*?)</tr>", grid) == [
        "<th>Ladle lining</th><th>Tundish boards</th>"
    ]
    rows = re.findall(r"<tr><th>([^<]+)</th>(<td.*?)</tr>", grid)
    assert [name for name, _ in rows] == ["North plant", "South plant", "Harbour Trading"]
    states = {name: re.findall(r'class="ws ws-([a-z_]+)"', cells) for name, cells in rows}
    assert states == {
        "North plant": ["ours", "open"],
        "South plant": ["project", "competitor"],
        "Harbour Trading": ["not_applicable", "none"],
    }


def test_meetings_come_upcoming_first_then_past(v1_1_html: str) -> None:
    meetings = section(v1_1_html, "meetings")
    titles = re.findall(r'<span class="meeting-date">.*?</span></span> ([^<]+)</h3>', meetings)
    assert titles == [
        "Trial review with the north plant",
        "South plant kick-off",
        "Quarterly business review",
    ]
    assert meetings.index("Past meetings") > meetings.index("South plant kick-off")
    first = text_of(meetings[: meetings.index("South plant kick-off")])
    for words in (
        "Attendees Ma Tao, Zhou Gang",
        "Our people Li Ming, Chen Jie",
        "Best commitment Zhou signs the trial report",
        "Minimum commitment Ma presents it to Zhou",
        "Who writes the board paper?",
    ):
        assert words in first, words
    assert "Zhou asked for a south plant offer." in meetings  # the outcome of the past one


def test_log_comes_newest_first_with_the_status_of_complaints_and_claims(v1_1_html: str) -> None:
    log = section(v1_1_html, "log")
    rows = re.findall(r'<tr class="log-([a-z]+)">(.*?)</tr>', log, re.S)
    assert [kind for kind, _ in rows] == ["visit", "complaint", "claim"]
    statuses = [re.findall(r"pill-log_status-(\w+)", cells) for _, cells in rows]
    assert statuses == [[], ["open"], ["closed"]]  # meaning.log_status: complaints default to open
    assert "Ma Tao · Chen Jie · South plant ladle lining" in text_of(rows[0][1])


def test_risks_show_likelihood_impact_mitigation_and_owner(v1_1_html: str) -> None:
    risks = text_of(section(v1_1_html, "risks"))
    assert "Rival undercuts the south plant offer South plant ladle lining High Medium" in risks
    assert "Offer a cost-per-heat price. Li Ming" in risks


def test_projects_show_probability_forecast_and_the_new_facts(v1_1_html: str) -> None:
    projects = section(v1_1_html, "projects")
    pipeline = text_of(projects[: projects.index('<article class="project"')])
    # open projects only: 2,000,000 × 60 % + 500,000 × 30 % (stage 3 default); USD apart
    assert (
        pipeline
        == "Projects CNY 2,500,000 Pipeline CNY 1,350,000 Forecast USD 100,000 Pipeline USD 20,000 Forecast"
    )
    south = text_of(projects[: projects.index('id="project-p-boards"')])
    for words in (
        "since 2026-10-01 · South plant",
        "Compelling event The old contract of Rival ends on 31 March 2027.",
        "Probability 60%",
        "Forecast CNY 1,200,000",
        "Lead time 6 weeks",
        "Heats per lining 90 120",
        "Technical trial · Ma Tao (2026-11-15) Done",
        "Board approval (2027-01-10) Slipped",
    ):
        assert words in south, words
    boards = text_of(
        projects[projects.index('id="project-p-boards"') : projects.index('id="project-p-renewal"')]
    )
    assert "Probability 30% stage default" in boards
    lost = text_of(projects[projects.index('id="project-p-lost"') :])
    assert "Loss reason Lost on price to a local supplier." in lost
    assert "Probability" not in lost  # only open projects have a chance to win


def test_people_competitors_needs_and_installed_base_show_their_new_keys(v1_1_html: str) -> None:
    people = text_of(section(v1_1_html, "people"))
    for words in (
        "General manager · Harbour Metals Group",
        "Sponsor",
        "Relationship owner Li Ming",
        "Sees us as 3 · Provider of a quality service",
        "Phone +86 411 5550 1000",
        "E-mail zhou.gang@harbour.example",
        "Source The customer · Li Ming · 2026-09-15 · Confirmed",
        "Anti-sponsor",
        "Source A coach · Likely",
    ):
        assert words in people, words
    competitors = text_of(section(v1_1_html, "competitors"))
    assert "Pricing About 8 % below our list price; 90 days' payment." in competitors
    assert "Source Public sources · 2026-08-01 · Assumed" in competitors
    assert "Ladle lining North plant · North ladle supply 2025–2026" in competitors  # installed base
    assert "Source Internal · Chen Jie · 2026-10-20 · Likely" in text_of(section(v1_1_html, "needs"))
    actions = text_of(section(v1_1_html, "actions"))
    assert "Reach 40 % share of refractory spend · Trial review with the north plant" in actions


def test_last_contact_counts_the_log(v1_1_html: str) -> None:
    """meaning.last_contacts: Wu Lan has no `last_contact`, only a logged complaint."""
    people = section(v1_1_html, "people")
    wu = people[people.index('id="person-wu-buyer"') :]
    assert "Last contact: 2026-11-02" in text_of(wu[: wu.index('<div class="card person')])
    zhou = people[people.index('id="person-zhou-gm"') :]
    assert "Last contact: 2026-10-01" in text_of(zhou[: zhou.index('<div class="card person')])


def test_a_plan_without_the_new_sections_renders_no_empty_heading(
    tmp_path: Path, make_plan: Callable[..., dict[str, Any]]
) -> None:
    html = body_of(render(tmp_path, make_plan()))
    for ident in NEW_SECTIONS:
        assert f'id="{ident}"' not in html, ident
    for key in ("units", "shareholders", "purchasing_calendar", "terms", "metrics", "compelling_event"):
        assert f">{word(key, 'en')}<" not in html, key
    for key in ("lead_time", "loss_reason", "source", "relationship_owner", "sees_us_at"):
        assert word(key, "en") not in html, key
    # empty blocks of the new sections render nothing either
    empty = make_plan(partnership={"strengths": []}, account={"terms": {}, "name": "Test Steel"})
    assert 'id="partnership"' not in render(tmp_path / "empty", empty)


def test_the_new_sections_speak_chinese(tmp_path: Path) -> None:
    html = render(tmp_path, plan_v1_1(plan={**plan_v1_1()["plan"], "locale": "zh"}))
    for kind, value in (
        ("unit_kind", "buying_center"),
        ("objective_status", "on_track"),
        ("objective_status", "at_risk"),
        ("whitespace_state", "open"),
        ("whitespace_state", "project"),
        ("contract_kind", "supply"),
        ("log_kind", "complaint"),
        ("step_status", "slipped"),
        ("source_kind", "customer"),
        ("confidence", "likely"),
        ("account_role", "sponsor"),
    ):
        label = enum_label(kind, value, "zh")
        assert re.search(r"[\u4e00-\u9fff]", label), (kind, value)
        assert label in html, (kind, value)
    assert "优质产品供应商" in html  # rung 2
    assert "10月" in html  # the purchasing calendar's months
    assert "钱包份额" in html


def test_with_several_open_projects_the_briefing_says_in_which_each_key_person_decides(
    tmp_path: Path,
) -> None:
    path, project = make_repo(tmp_path, plan_v1_1())
    html = render_brief(view_of(path, project), Theme.of(project).new_env())
    people = text_of(html[html.index('<ul class="brief-people">') :].split("</ul>", 1)[0])
    assert "Zhou" in people
    assert "Economic buyer" in people
    assert "South plant ladle lining" in people  # the project Zhou is the economic buyer of


def test_the_briefing_shows_the_next_meeting_and_its_objective(tmp_path: Path) -> None:
    path, project = make_repo(tmp_path, plan_v1_1())
    html = render_brief(view_of(path, project), Theme.of(project).new_env())
    meeting = html[html.index('<section class="brief-meeting">') :]
    meeting = text_of(meeting[: meeting.index("</section>")])
    assert meeting == (
        "Next meeting · 2026-12-05 · Trial review with the north plant Attendees Ma Tao, Zhou Gang "
        "Objective Agree that the trial result goes to the board paper."
    )
    past_only = plan_v1_1(meetings=[plan_v1_1()["meetings"][2]], actions=[])
    path, project = make_repo(tmp_path / "past", past_only)
    assert '<section class="brief-meeting">' not in render_brief(
        view_of(path, project), Theme.of(project).new_env()
    )


def test_the_new_fields_are_escaped_or_sanitised(tmp_path: Path) -> None:
    data = plan_v1_1()
    data["account"]["units"][0]["name"] = f"Unit {XSS}"
    data["account"]["terms"]["payment"] = XSS
    data["whitespace"][0]["offering"] = f"Offer {XSS}"
    data["meetings"][0]["questions"] = [XSS]
    data["meetings"][0]["outcome"] = f"Done {XSS} [x](javascript:alert(1))"
    data["log"][0]["summary"] = f"<img src=x onerror=alert(1)> {XSS}"
    data["partnership"]["strengths"] = [f"**Strong** {XSS}"]
    data["projects"][0]["metrics"][0]["kpi"] = XSS
    html = render(tmp_path, data)
    assert "<script" not in html
    assert "javascript:" not in html
    assert "onerror" not in html
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 5  # the plain strings, escaped
    assert "<strong>Strong</strong>" in html  # Markdown still renders


# --- the account on a page ------------------------------------------------------------------------


def account_page_of(html: str) -> str:
    start = html.index('<section class="account-page">')
    return html[start : html.index("</section>", start)]


PAGE_PLAN: dict[str, Any] = {
    "partnership": {
        "level": {"now": 2, "target": 4, "by": "2027-12-31"},
        "wallet": {"ours": 300000, "total": 1200000},
    },
    "objectives": [
        {
            "id": "o-share",
            "statement": "Reach a third of their spend",
            "kind": "share",
            "measure": {"baseline": 10, "current": 25, "target": 33, "unit": "%"},
            "due": "2027-12-31",
        }
    ],
    "contracts": [{"id": "k-supply", "name": "Supply agreement", "end": "2027-03-31"}],
    "meetings": [
        {"id": "m-old", "title": "Old review", "on": "2026-10-01"},
        {"id": "m-next", "title": "Tech review", "on": "2026-12-05"},
    ],
    "risks": [
        {"id": "r-low", "statement": "Minor slip", "likelihood": "low", "impact": "low"},
        {"id": "r-big", "statement": "Price war", "likelihood": "high", "impact": "high"},
    ],
}


def test_account_page_shows_the_account_at_a_glance(
    tmp_path: Path, make_plan: Callable[..., dict[str, Any]]
) -> None:
    page = account_page_of(render(tmp_path, make_plan(**PAGE_PLAN)))
    expected = [
        "Test Steel",
        "Line upgrade",  # the open project
        "CNY 1,200,000",  # its value
        "CNY 480,000",  # its forecast: 1,200,000 × 40% (the stage-4 default)
        "25%",  # share of wallet now: 300,000 / 1,200,000
        "33%",  # the target, from the objective of kind share
        "Reach a third of their spend",
        "Tech review",  # a meeting ahead
        "Supply agreement",  # a contract's end
        "Zhao decides",  # the crux, one line
        'class="rag',  # health
    ]
    page = page.replace("\u00a0", " ")  # money keeps its currency on its line with a no-break space
    assert [text for text in expected if text not in page] == []
    assert "Old review" not in page  # dates from today on only
    assert "2026-12-10" not in page  # an action's due date is not one of the dates
    assert page.index("Price war") < page.index("Minor slip")  # risks by likelihood × impact


def test_the_next_dates_hold_the_decision_steps_still_to_come(
    make_plan: Callable[..., dict[str, Any]],
) -> None:
    data = make_plan(**PAGE_PLAN)
    data["projects"][0]["decision_process"] = [
        {"step": "Bid submission", "by": "2026-12-03"},
        {"step": "Site audit", "by": "2026-12-02", "status": "done"},
        {"step": "Kick-off", "by": "2026-11-01"},
    ]
    dates = next_dates(Plan.model_validate(data), TODAY)
    steps = [(d.day.isoformat(), d.what) for d in dates if d.kind == "decision_step"]
    assert steps == [("2026-12-03", f"{data['projects'][0]['name']} · Bid submission")]  # not done, not past
    assert [d.day for d in dates] == sorted(d.day for d in dates)
    # The award on the decision's own day is listed once, as the step.
    timeline = data["projects"][0].setdefault("timeline", {})
    timeline["decide_by"] = "2026-12-18"
    data["projects"][0]["decision_process"].append({"step": "Award", "by": "2026-12-18"})
    on_the_day = [
        d for d in next_dates(Plan.model_validate(data), TODAY) if d.day.isoformat() == "2026-12-18"
    ]
    assert [d.kind for d in on_the_day] == ["decision_step"]


def test_a_thin_plan_says_on_its_first_page_what_it_does_not_say_yet(tmp_path: Path) -> None:
    thin = {
        "kaplan": 1,
        "account": {"name": "Thin Cement"},
        "people": [{"id": "wang", "name": "Wang"}],
        "projects": [{"id": "p1", "name": "Kiln lining", "stage": 2}],
    }
    page = text_of(account_page_of(render(tmp_path / "thin", thin)))
    said = page[page.index(word("ap_gaps", "en")) :]
    for key, n in (("gap_no_value", 1), ("gap_no_economic_buyer", 1), ("gap_unknown_stance", 1)):
        assert word(key, "en", n=n) in said, key
    assert word("gap_no_owner", "en") not in said  # only six, the most telling first
    assert [g.key for g in gaps(Plan.model_validate(thin), TODAY)][-2:] == [
        "gap_no_competitors",
        "gap_no_cruxes",
    ]
    path, project = make_repo(tmp_path / "ext", thin)
    external = account_page_of(
        render_dossier(view_of(path, project, "external"), Theme.of(project).new_env())
    )
    assert word("ap_gaps", "en") not in external  # how complete our plan is, is ours to know


def test_the_rich_plan_misses_nothing_a_director_asks_first() -> None:
    plan = Plan.model_validate(read_yaml((REPO / "plans" / "anshan-special-steel.yaml").read_text()).data)
    assert gaps(plan, TODAY) == []


def test_account_page_of_the_external_edition_holds_no_assessments(
    tmp_path: Path, make_plan: Callable[..., dict[str, Any]]
) -> None:
    path, project = make_repo(tmp_path, make_plan(**PAGE_PLAN))
    html = render_dossier(view_of(path, project, "external"), Theme.of(project).new_env())
    page = account_page_of(html)
    assert 'class="rag' not in page
    assert word("ap_top_findings", "en") not in page
    assert word("forecast", "en") not in page


def test_compiled_templates_are_kept_only_in_a_cache_folder_closed_to_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Bytecode is loaded as code: a folder another user could write to is not used."""
    from kaplan.documents import theme as theme_module

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    theme_module._bytecode_cache.cache_clear()
    try:
        cache = theme_module._bytecode_cache()
        assert cache is not None
        folder = tmp_path / "kaplan" / "templates"
        assert folder.stat().st_mode & 0o777 == 0o700
        env = Theme([builtin_folder()]).new_env()
        env.get_template("macros.html")
        assert list(folder.glob("__jinja2_*.cache"))  # compiled once, kept for the next run
        folder.chmod(0o777)
        theme_module._bytecode_cache.cache_clear()
        assert theme_module._bytecode_cache() is None
    finally:
        theme_module._bytecode_cache.cache_clear()
