"""A lead's scenario form <-> a scenario's fields. The form is plain text a person can
edit: the thread as "Customer:" / "Agent:" paragraphs, facts as "Label: value" lines,
articles as blocks under a "---" line (the first line the title), and the phrases a
reply should or must not contain (matched as written, not as regular expressions)."""

from __future__ import annotations

import re
from typing import Any

from frontliner.desk.model import RemedyKind
from frontliner.web.pages.lead_team import parse_days, parse_money

_SPEAKER = re.compile(r"^\s*(customer|agent)\s*:\s?(.*)$", re.IGNORECASE)
_ARTICLE_BREAK = re.compile(r"(?m)^\s*---\s*$")
FORM_EXPECTATIONS = ("says", "avoids")


def thread_text(thread: list[dict[str, str]]) -> str:
    return "\n\n".join(f"{t['from'].capitalize()}: {t['text']}" for t in thread)


def parse_thread(text: str) -> list[dict[str, str]]:
    turns: list[dict[str, str]] = []
    for line in text.splitlines():
        marker = _SPEAKER.match(line)
        if marker:
            turns.append({"from": marker.group(1).lower(), "text": marker.group(2)})
        elif turns:
            turns[-1]["text"] += "\n" + line
        elif line.strip():
            turns.append({"from": "customer", "text": line})
    return [{"from": t["from"], "text": t["text"].strip()} for t in turns if t["text"].strip()]


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def parse_facts(text: str) -> list[dict[str, str]]:
    facts = []
    for line in _lines(text):
        label, _, value = line.partition(":")
        facts.append({"label": label.strip(), "value": value.strip()} if value.strip()
                     else {"label": "Note", "value": line})
    return facts


def parse_articles(text: str) -> list[dict[str, str]]:
    articles = []
    for block in _ARTICLE_BREAK.split(text):
        lines = block.strip().splitlines()
        if lines and lines[0].strip():
            articles.append({"title": lines[0].strip(), "body": "\n".join(lines[1:]).strip()})
    return articles


def _phrases(expectation: dict[str, Any], name: str) -> str:
    return "\n".join(re.sub(r"\\(.)", r"\1", p) for p in expectation.get(name, []))


def form_values(data: dict[str, Any], currency_cents: int | None = None) -> dict[str, Any]:
    """A scenario's fields as the form shows them."""
    power = data.get("empowerment")
    by_id = {e.get("id"): e for e in data.get("expectations", [])}
    return {
        "title": data.get("title", ""), "situation": data.get("situation", ""),
        "channel": data.get("channel", "email"),
        "thread": thread_text(data.get("thread", [])),
        "facts": "\n".join(f"{f['label']}: {f['value']}" for f in data.get("facts", [])),
        "articles": "\n---\n".join(f"{a['title']}\n{a.get('body', '')}".strip()
                                   for a in data.get("articles", [])),
        "own_empowerment": power is None,
        "money_per_case": "" if power is None else f"{power['money_per_case'] / 100:.2f}",
        "remedy_kinds": [] if power is None else list(power.get("remedy_kinds", [])),
        "extra_days": "" if power is None else str(power.get("extra_days", 0)),
        "says": _phrases(by_id.get("says", {}), "any"),
        "avoids": _phrases(by_id.get("avoids", {}), "none"),
        "model_answer": data.get("model_answer", ""),
    }


def scenario_data(values: dict[str, Any], keep: dict[str, Any] | None = None) -> dict[str, Any]:
    """The form's fields as a scenario's; expectations the form does not show (written
    through the API) are kept from `keep`."""
    kinds = values.get("remedy_kinds") or []
    kinds = [kinds] if isinstance(kinds, str) else list(kinds)
    data: dict[str, Any] = {
        "title": str(values.get("title", "")), "situation": str(values.get("situation", "")),
        "channel": str(values.get("channel", "email")),
        "thread": parse_thread(str(values.get("thread", ""))),
        "facts": parse_facts(str(values.get("facts", ""))),
        "articles": parse_articles(str(values.get("articles", ""))),
        "model_answer": str(values.get("model_answer", "")),
        "expectations": [e for e in (keep or {}).get("expectations", [])
                         if e.get("id") not in FORM_EXPECTATIONS],
        "seed": (keep or {}).get("seed", ""),
    }
    says, avoids = _lines(str(values.get("says", ""))), _lines(str(values.get("avoids", "")))
    if says:
        data["expectations"].append({"id": "says", "label": "Says: " + " or ".join(says),
                                     "why": "What a good reply to this customer contains.",
                                     "any": [re.escape(p) for p in says]})
    if avoids:
        data["expectations"].append({"id": "avoids", "label": "Avoids: " + ", ".join(avoids),
                                     "why": "Words that would hurt in this situation.",
                                     "none": [re.escape(p) for p in avoids]})
    if values.get("own_empowerment") != "yes":
        data["empowerment"] = {
            "money_per_case": parse_money(str(values.get("money_per_case") or "0"),
                                          "money_per_case"),
            "remedy_kinds": [k for k in kinds if k in {r.value for r in RemedyKind}],
            "extra_days": parse_days(str(values.get("extra_days") or "0")),
        }
    return data
