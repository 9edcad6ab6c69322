"""Plan text → safe HTML: Markdown in blocks whose cost is bounded, sanitised by an allow-list."""

from __future__ import annotations

import re

import markdown
import nh3
from markupsafe import Markup

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "b",
    "i",
    "u",
    "s",
    "del",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}


_md = markdown.Markdown(extensions=["sane_lists", "tables"], output_format="html")


_LIST_ITEM = re.compile(r"^\s{0,3}(?:[-*+]|\d{1,3}[.)])\s")


def _loosen_lists(text: str) -> str:
    """Let a list start right after a paragraph line, as CommonMark and chat apps do.

    Python-Markdown needs a blank line before a list; people writing YAML block text rarely add one.
    """
    out: list[str] = []
    for line in text.splitlines():
        after_paragraph = out and out[-1].strip() and not out[-1].startswith((" ", "\t"))
        if after_paragraph and _LIST_ITEM.match(line) and not _LIST_ITEM.match(out[-1]):
            out.append("")
        out.append(line)
    return "\n".join(out)


# Python-Markdown is quadratic on some inputs (20,000 unmatched `[` take minutes), so a field reaches
# it only in blocks whose cost is bounded; any other block is shown as escaped plain text.
MD_LIMIT = 20_000  # characters of one field rendered as Markdown; later blocks are plain text
# Characters of one field shown at all; a visible "…" counts the rest. Also bounds the PDF: a
# person's notes of 50,000 characters take WeasyPrint ~15 s, of 100,000 ~50 s.
SHOWN_LIMIT = 50_000
NEST_LIMIT = 16  # quote or list markers stacked at the start of a line (each one re-parses the rest)
BRACKET_BUDGET = 300_000  # characters the link parser may rescan per field (a Python loop)
TAG_BUDGET = 2_000_000  # characters the HTML block parser may rescan per field for unclosed tags

_BLANK_LINE = re.compile(r"(\n[ \t]*\n)")
_BRACKET = re.compile(r"\]\(|[\[\]()]")
_TAG_START = re.compile(r"<[A-Za-z]")
_LINE_MARKERS = re.compile(r"^(?:[ \t]*(?:>|(?:[-*+]|\d{1,9}[.)])[ \t]))+", re.MULTILINE)
_MARKER = re.compile(r">|[-*+]|\d{1,9}[.)]")


def _bracket_cost(block: str) -> int:
    """How far the link parser scans in ``block``: from each `[` to its `]` (or the block's end),
    and from each link's `(` to its `)`."""
    cost = 0
    brackets: list[int] = []
    parens: list[int] = []  # inside a link destination only: elsewhere `(` is plain text
    for match in _BRACKET.finditer(block):
        at, found = match.start(), match.group()
        if found == "[":
            brackets.append(at)
        elif found in ("]", "]("):
            if brackets:
                cost += at - brackets.pop()
            if found == "](":
                parens.append(at + 1)
        elif parens:
            if found == "(":
                parens.append(at)
            else:
                cost += at - parens.pop()
    end = len(block)
    return cost + sum(end - at for at in brackets) + sum(end - at for at in parens)


def _tag_cost(block: str, rest: int) -> int:
    """How far the HTML block parser scans for tags in ``block`` that no `>` closes: each is read
    to the end of the text (``rest`` characters from the block's start, at most MD_LIMIT)."""
    last = block.rfind(">")
    return sum(min(MD_LIMIT, rest - m.start()) for m in _TAG_START.finditer(block, last + 1))


def _nesting(block: str) -> int:
    """The most quote and list markers any line of ``block`` starts with."""
    return max((len(_MARKER.findall(m.group())) for m in _LINE_MARKERS.finditer(block)), default=0)


def _segments(text: str) -> list[tuple[str, bool]]:
    """``text`` as runs of blocks (split at blank lines): ``(run, True)`` to render as Markdown,
    ``(run, False)`` to show as plain text. Each check is linear in the text."""
    pieces = _BLANK_LINE.split(text)
    runs: list[tuple[str, bool]] = []
    md_chars = brackets = tags = start = 0
    for i in range(0, len(pieces), 2):
        block = pieces[i]
        gap = pieces[i + 1] if i + 1 < len(pieces) else ""
        size = len(block) + len(gap)
        is_md = md_chars + size <= MD_LIMIT
        if is_md:
            bracket_cost = _bracket_cost(block)
            tag_cost = _tag_cost(block, len(text) - start)
            is_md = (
                brackets + bracket_cost <= BRACKET_BUDGET
                and tags + tag_cost <= TAG_BUDGET
                and _nesting(block) <= NEST_LIMIT
            )
            if is_md:
                md_chars, brackets, tags = md_chars + size, brackets + bracket_cost, tags + tag_cost
        if runs and runs[-1][1] == is_md:
            runs[-1] = (runs[-1][0] + block + gap, is_md)
        else:
            runs.append((block + gap, is_md))
        start += size
    return runs


def _plain_html(text: str) -> str:
    """Text shown as it is written: escaped, one paragraph per blank-line block, and a line-break
    opportunity every 64 characters of an unbroken run (a 100,000-character word takes WeasyPrint
    minutes to break). The result holds no markup from ``text``, so it needs no sanitiser."""
    blocks = (b.strip("\n") for b in _BLANK_LINE.split(text)[::2])
    escaped = (_LONG_RUN.sub(r"\1<wbr>", str(Markup.escape(b))) for b in blocks if b.strip())
    return "".join(f"<p>{b}</p>\n" for b in escaped)


_LONG_RUN = re.compile(r"((?:&#?\w+;|[^\s&]){64})(?=\S)")  # an escaped entity counts as one character


def _clean(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


# Chinese and Japanese characters and punctuation (CJK symbols, ideographs, full-width forms).
_CJK = "\u3000-\u303f\u4e00-\u9fff\uff00-\uffef"
_SPACE_BEFORE_EMPHASIS = re.compile(rf"([{_CJK}])[ \t]+(\*\*|__|\*|_)(?=\S)")
_SPACE_AFTER_EMPHASIS = re.compile(rf"(?<=\S)(\*\*|__|\*|_)[ \t]+([{_CJK}])")


# Chinese text also quotes with “” and ‘’ (General Punctuation): a line may end or start with one.
_LINE_BREAK_IN_CJK = re.compile(rf"([{_CJK}”’])[ \t]*\n[ \t]*(?=[{_CJK}“‘])")


def tighten_cjk(text: str) -> str:
    """Drop the spaces Chinese text gets but never prints: beside emphasis, and at line ends.

    Why: Markdown editors on the web want ``让他 **从怀疑**`` to see the bold, and a YAML block wraps a
    long Chinese paragraph over several lines; HTML turns each of those into a space, so printed
    sentences showed gaps (“，  ……”). Printed Chinese has none. Spaces beside Latin text stay, and so
    do blank lines, list items and anything that does not join two Chinese characters.
    """
    text = _LINE_BREAK_IN_CJK.sub(r"\1", text)
    return _SPACE_AFTER_EMPHASIS.sub(r"\1\2", _SPACE_BEFORE_EMPHASIS.sub(r"\1\2", text))


def render_markdown(text: str | None) -> Markup:
    """Markdown → sanitised HTML (allow-listed tags, http/https/mailto links only).

    Blocks that would make Markdown slow (see MD_LIMIT and the budgets above) are shown as plain
    text; past SHOWN_LIMIT characters the field is cut, with a visible "…".
    """
    if not text:
        return Markup("")
    parts = []
    for run, is_md in _segments(text[:SHOWN_LIMIT]):
        if is_md:
            _md.reset()
            parts.append(_clean(_md.convert(_loosen_lists(tighten_cjk(run)))))
        else:
            parts.append(_plain_html(run))
    if len(text) > SHOWN_LIMIT:
        parts.append(f"<p>… (+{len(text) - SHOWN_LIMIT:,})</p>")
    return Markup("\n".join(parts))


# A parenthesis that tells the editor of the YAML which key to write: "(a `log` entry naming them)".
_EDITOR_HINT = re.compile(r"\s*[(（][^()（）]*`[^()（）]*[)）]")


def for_readers(message: str) -> str:
    """A coaching message as a document prints it: without the hints for whoever edits the YAML.

    ``kaplan check`` shows the whole message to the person at the keyboard; a dossier's reader has no
    key to write, so a parenthesis naming one goes, and the code marks of any key left go with it.
    """
    text = _EDITOR_HINT.sub("", message).replace("`", "")
    return text[:1].upper() + text[1:]
