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

TAGS = {"h2", "h3", "h4", "h5", "h6", "p", "ul", "ol", "li", "strong", "em", "a", "code",
        "blockquote", "br", "hr"}


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "linkify": False})


@lru_cache(maxsize=16)
def policy_html(text: str, top: int = 2) -> str:
    """The policy sits under the page's own headings, so its `#` becomes <h{top}> (and
    deeper levels follow, at most <h6>)."""
    html = _parser().render(text)
    for level in range(6, 0, -1):  # deepest first, so no heading is moved twice
        new = min(level + top - 1, 6)
        html = html.replace(f"<h{level}>", f"<h{new}>").replace(f"</h{level}>", f"</h{new}>")
    return nh3.clean(html, tags=TAGS, attributes={"a": {"href"}},
                     url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer")


def safe_policy(body: str, top: int = 2) -> Markup:
    """For templates: HTML that markdown-it escaped and nh3 cleaned, so autoescaping may
    leave it as it is (it holds nothing the lead typed as markup)."""
    return Markup(policy_html(body, top))
