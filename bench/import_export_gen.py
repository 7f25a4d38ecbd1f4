"""Write a generated helpdesk export in the real formats, for the import bench and tests.

    python bench/import_export_gen.py zendesk OUT_DIR --tickets 100000
    python bench/import_export_gen.py freshdesk OUT_DIR --tickets 100000
    python bench/import_export_gen.py csv OUT_DIR --tickets 100000

Zendesk: `users.json`, `organizations.json` and `tickets.json` as JSON lines, each
ticket with its `comments` (public replies, internal notes, attachments as links).
Freshdesk: `contacts.json`, `agents.json` and `tickets.json` (JSON lines of API ticket
objects with their `conversations`). CSV: `messages.csv`, one row per message, in the
default column names. Deterministic (a seed), streamed (constant memory).
"""

from __future__ import annotations

import argparse
import csv
import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

AGENTS = 40
CUSTOMERS_PER_TICKET = 0.6  # customers come back: fewer customers than tickets
START = datetime(2024, 1, 1, tzinfo=UTC)
ASKS = [
    "My order {n} arrived damaged and the box was crushed.",
    "I was charged twice for invoice {n}, please refund one.",
    "The app logs me out every few minutes since the update.",
    "Where is my parcel {n}? Tracking has not moved for a week.",
    "Can you change the delivery address on order {n}?",
    "Thanks, that fixed it.",
    "This is the third time I write and nobody answers. Unacceptable.",
]
REPLIES = [
    "Sorry about that, and thank you for telling us. I have sent a replacement today.",
    "Thank you for your patience. I refunded the second charge; it shows in 3-5 days.",
    "I have reset your session; please try again and tell me if it happens again.",
    "I asked the courier for an update and will write to you tomorrow with news.",
]
NOTES = ["Checked the warehouse log.", "Refund done in the payment system.", "Escalated to QA."]
Z_STATUS = ["new", "open", "pending", "hold", "solved", "closed", "solved", "closed"]
F_STATUS = [2, 3, 4, 5, 4, 5]


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _thread(rng: random.Random, n: int, opened: datetime) -> list[tuple[str, str, datetime]]:
    """(kind, text, at) of one ticket's messages: about 4 on average."""
    kinds = ["ask"] + [rng.choice(["reply", "ask", "note", "reply"])
                       for _ in range(rng.randint(1, 5))]
    at, out = opened, []
    for kind in kinds:
        at += timedelta(minutes=rng.randint(5, 600))
        text = {"ask": rng.choice(ASKS), "reply": rng.choice(REPLIES),
                "note": rng.choice(NOTES)}[kind].format(n=n * 7 + 1000)
        out.append((kind, f"{text} (#{n}-{len(out)})", at))
    return out


def zendesk(out: Path, tickets: int, rng: random.Random) -> None:
    customers = max(int(tickets * CUSTOMERS_PER_TICKET), 1)
    with (out / "users.json").open("w") as f:
        for a in range(AGENTS):
            f.write(json.dumps({"id": 1000 + a, "name": f"Agent {a}", "role": "agent",
                                "email": f"agent{a}@acme.test", "active": True}) + "\n")
        for c in range(customers):
            f.write(json.dumps({"id": 100000 + c, "name": f"Customer {c}", "role": "end-user",
                                "email": f"Customer{c}@Example.com", "active": True,
                                "organization_id": 50 + c % 20}) + "\n")
    with (out / "organizations.json").open("w") as f:
        for o in range(20):
            f.write(json.dumps({"id": 50 + o, "name": f"Org {o}"}) + "\n")
    comment_id = 10_000_000
    with (out / "tickets.json").open("w") as f:
        for n in range(1, tickets + 1):
            opened = START + timedelta(minutes=n * 3)
            requester, agent = 100000 + rng.randrange(customers), 1000 + rng.randrange(AGENTS)
            comments: list[dict[str, Any]] = []
            for kind, text, at in _thread(rng, n, opened):
                comment_id += 1
                author = requester if kind == "ask" else agent
                attachments = ([{"id": comment_id, "file_name": "photo.jpg",
                                 "content_url": f"https://acme.zendesk.com/a/{comment_id}",
                                 "content_type": "image/jpeg", "size": 1234}]
                               if kind == "ask" and n % 25 == 0 else [])
                comments.append({"id": comment_id, "type": "Comment", "author_id": author,
                                 "body": text, "public": kind != "note",
                                 "attachments": attachments, "created_at": _iso(at)})
            f.write(json.dumps({
                "id": n, "subject": f"Ticket {n}", "status": rng.choice(Z_STATUS),
                "via": {"channel": rng.choice(["email", "web", "chat", "voice"])},
                "created_at": _iso(opened), "updated_at": comments[-1]["created_at"],
                "requester_id": requester, "assignee_id": agent if n % 10 else None,
                "organization_id": None, "tags": rng.sample(["billing", "shipping", "login",
                                                             "refund", "bug"], 2),
                "comments": comments}) + "\n")


def freshdesk(out: Path, tickets: int, rng: random.Random) -> None:
    customers = max(int(tickets * CUSTOMERS_PER_TICKET), 1)
    with (out / "agents.json").open("w") as f:
        for a in range(AGENTS):
            f.write(json.dumps({"id": 1000 + a, "contact": {"name": f"Agent {a}",
                                                            "email": f"agent{a}@acme.test"}})
                    + "\n")
    with (out / "contacts.json").open("w") as f:
        for c in range(customers):
            f.write(json.dumps({"id": 100000 + c, "name": f"Customer {c}",
                                "email": f"customer{c}@example.com"}) + "\n")
    conv_id = 20_000_000
    with (out / "tickets.json").open("w") as f:
        for n in range(1, tickets + 1):
            opened = START + timedelta(minutes=n * 3)
            requester, agent = 100000 + rng.randrange(customers), 1000 + rng.randrange(AGENTS)
            thread = _thread(rng, n, opened)
            convs = []
            for kind, text, at in thread[1:]:
                conv_id += 1
                convs.append({"id": conv_id, "body_text": text, "incoming": kind == "ask",
                              "private": kind == "note",
                              "user_id": requester if kind == "ask" else agent,
                              "attachments": [], "created_at": _iso(at)})
            f.write(json.dumps({
                "id": n, "subject": f"Ticket {n}", "description_text": thread[0][1],
                "status": rng.choice(F_STATUS), "source": rng.choice([1, 2, 3, 7]),
                "requester_id": requester, "responder_id": agent, "tags": ["imported"],
                "created_at": _iso(opened), "updated_at": _iso(thread[-1][2]),
                "attachments": [], "conversations": convs}) + "\n")


def csv_rows(out: Path, tickets: int, rng: random.Random) -> None:
    customers = max(int(tickets * CUSTOMERS_PER_TICKET), 1)
    fields = ["ticket_id", "message_id", "created_at", "subject", "status", "channel",
              "direction", "body", "customer_email", "customer_name", "agent_email"]
    with (out / "messages.csv").open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields)
        writer.writeheader()
        message = 0
        for n in range(1, tickets + 1):
            customer, agent = rng.randrange(customers), rng.randrange(AGENTS)
            status = rng.choice(Z_STATUS)
            for kind, text, at in _thread(rng, n, START + timedelta(minutes=n * 3)):
                message += 1
                writer.writerow({
                    "ticket_id": f"T{n}", "message_id": f"M{message}", "created_at": _iso(at),
                    "subject": f"Ticket {n}", "status": status, "channel": "email",
                    "direction": {"ask": "inbound", "reply": "outbound"}.get(kind, "note"),
                    "body": text, "customer_email": f"customer{customer}@example.com",
                    "customer_name": f"Customer {customer}",
                    "agent_email": "" if kind == "ask" else f"agent{agent}@acme.test"})


WRITERS = {"zendesk": zendesk, "freshdesk": freshdesk, "csv": csv_rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", choices=sorted(WRITERS))
    parser.add_argument("out", type=Path)
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    WRITERS[args.source](args.out, args.tickets, random.Random(args.seed))
    print(f"wrote {args.tickets:,} {args.source} tickets to {args.out}")


if __name__ == "__main__":
    main()
