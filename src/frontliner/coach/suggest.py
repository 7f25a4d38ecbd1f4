"""Wording suggestions. A refusal's suggestion turns into "that can't be done, but what I
can do is ..." filled with what this agent may actually offer: remedies within their
empowerment and knowledge-base articles. With nothing passed, a generic prompt."""

from __future__ import annotations

from frontliner.coach.model import Options

GENERIC_OFFER = "[the closest thing you can do: another way, a remedy, or who will take it on]"
MAX_OFFERS = 3


def _either(items: list[str]) -> str:
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " or " + items[-1]


def offer(options: Options) -> str:
    """What the agent can do, as the end of "what I can do is ..."."""
    parts: list[str] = []
    remedies = list(options.remedies[:MAX_OFFERS])
    if remedies:
        parts.append("offer you " + _either(remedies))
    articles = [f'"{title}"' for title in options.articles[:MAX_OFFERS]]
    if articles:
        parts.append("walk you through " + _either(articles))
    if not parts:
        return GENERIC_OFFER
    return " or ".join(parts)


def fill(template: str | None, options: Options, match: str, replacement: str | None) -> str | None:
    """A rule's suggestion with its placeholders filled."""
    if template is None:
        return None
    text = template.replace("{match}", match.strip())
    if "{offer}" in text:
        text = text.replace("{offer}", offer(options))
    if replacement is not None:
        text = text.replace("{replacement}", replacement)
    return text
