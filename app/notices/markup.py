"""Notice text: Markdown rendered to HTML, then sanitised to a small set of tags."""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

# Raw HTML in the source is shown as text, never passed through; nh3 then keeps only these.
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")
TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "ul",
    "ol",
    "li",
    "h2",
    "h3",
    "h4",
    "blockquote",
    "code",
    "pre",
    "hr",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}


# An agenda or a meeting's notes are typed line by line: each line break is kept.
_lines = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False, "breaks": True}).enable("table")


def _clean(html: str) -> str:
    return nh3.clean(html, tags=TAGS, attributes={"a": {"href"}}, url_schemes={"http", "https", "mailto"}, link_rel="nofollow noopener")


def render(source: str) -> str:
    return _clean(_markdown.render(source))


def render_lines(source: str) -> str:
    """``render``, keeping every line break as written."""
    return _clean(_lines.render(source))


def escape_markdown(text: str) -> str:
    """Someone's own words, shown as written: no Markdown markup of theirs takes effect."""
    return "".join("\\" + c if c in "\\`*_{}[]()#+-.!|<>" else c for c in text)
