"""A lead's policy text (Markdown-ish plain text) as safe HTML for pages and the API.

markdown-it-py with raw HTML switched off turns headings, lists, emphasis and links into
HTML and escapes everything else; nh3 then keeps only the tags below and safe link
schemes, so whatever a lead pastes in, no script, style or attribute reaches a browser.
"""

from __future__ import annotations

from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

TAGS = {"h1", "h2", "h3", "h4", "p", "ul", "ol", "li", "strong", "em", "a", "code",
        "blockquote", "br", "hr"}
_HEADING_DOWN = {f"<h{n}>": f"<h{n + 1}>" for n in range(1, 4)} | {
    f"</h{n}>": f"</h{n + 1}>" for n in range(1, 4)}


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "linkify": False})


@lru_cache(maxsize=16)
def policy_html(text: str, demote: bool = True) -> str:
    """`demote`: the policy sits under the page's own heading, so # becomes <h2>."""
    html = _parser().render(text)
    if demote:
        for old in sorted(_HEADING_DOWN, key=lambda tag: -int(tag.strip("</>h"))):
            html = html.replace(old, _HEADING_DOWN[old])
    return nh3.clean(html, tags=TAGS, attributes={"a": {"href"}},
                     url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer")


def safe_policy(body: str) -> Markup:
    """For templates: HTML that markdown-it escaped and nh3 cleaned, so autoescaping may
    leave it as it is (it holds nothing the lead typed as markup)."""
    return Markup(policy_html(body))
