"""The same request mix against any helpdesk's API, for side-by-side runs.

    # Frontliner, started by the script on a seeded desk (api_bench's; --reuse keeps it):
    python bench/versus.py frontliner [--database-url URL] [--cases 100000] [--reuse]
                                      [--workers 2] [--as agent|admin] [--seconds 10]
    # any running helpdesk, reached at --base with --token:
    python bench/versus.py frontliner --base http://127.0.0.1:8000 --token SECRET

Rows: get one ticket, list the first page, search (a word of the tickets), create (a new
customer with a first message), each with 1 and 8 closed-loop clients (`--clients`,
`--only`). For each: requests/s, errors, p50 and p99 latency, and when the script started
the server itself, the server's CPU ms per request and the load average.

A product is a small class (`Helpdesk`): how to authenticate, the four requests and how
to find ids to get. `ADAPTERS` maps names to classes; adding one for another product
(django-helpdesk's `/api/tickets/` with DRF token auth, say) is one class of four
methods. Only Frontliner's adapter ships here: no other helpdesk is installed on this
machine to check an adapter against, and an unchecked one would measure nothing.
"""

from __future__ import annotations

import argparse
import random
import secrets
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import ClassVar

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from api_bench import add_desk_arguments, desk_of, report, sample_refs, serving
from frontliner.desk.model import Role, User
from frontliner.store.uow import uow_factory
from frontliner.web.tokens import issue_token
from loadgen import LoadResult, run_load

SCENARIOS = ("get", "list", "search", "create")


class Helpdesk:
    """One product's API: how each request of the mix is made."""

    name: ClassVar[str] = "?"

    def __init__(self, token: str) -> None:
        self.token = token
        self.ids: list[str] = []
        self.run = secrets.token_hex(4)  # every create is a new customer, on reruns too

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def find_ids(self, client: httpx.Client) -> None:
        """Fill `self.ids` with tickets to get (the default: none, get is skipped)."""

    def get(self, client: httpx.Client, n: int) -> httpx.Response:
        raise NotImplementedError

    def list(self, client: httpx.Client, n: int) -> httpx.Response:
        raise NotImplementedError

    def search(self, client: httpx.Client, n: int) -> httpx.Response:
        raise NotImplementedError

    def create(self, client: httpx.Client, n: int) -> httpx.Response:
        raise NotImplementedError


WORDS = ("parcel", "refund", "broken", "late", "charged", "password")


class Frontliner(Helpdesk):
    name = "frontliner"

    def find_ids(self, client: httpx.Client) -> None:
        page = client.get("/api/v1/cases", params={"limit": 50}).raise_for_status().json()
        self.ids = [case["ref"] for case in page["items"]]

    def get(self, client: httpx.Client, n: int) -> httpx.Response:
        return client.get(f"/api/v1/cases/{self.ids[n % len(self.ids)]}")

    def list(self, client: httpx.Client, n: int) -> httpx.Response:
        return client.get("/api/v1/cases", params={"limit": 50, "status": "open"})

    def search(self, client: httpx.Client, n: int) -> httpx.Response:
        return client.get("/api/v1/search", params={"q": WORDS[n % len(WORDS)]})

    def create(self, client: httpx.Client, n: int) -> httpx.Response:
        return client.post("/api/v1/cases", json={
            "nature": "Parcel arrived damaged", "customer_name": f"Versus Customer {n}",
            "contact": f"versus-{self.run}-{n}@example.com", "channel": "email",
            "message": f"The box of order {n} was crushed and the lamp inside is broken."})


ADAPTERS: dict[str, type[Helpdesk]] = {Frontliner.name: Frontliner}


def measure(
    desk: Helpdesk, base: str, seconds: float, clients: list[int], only: list[str],
    server_pid: int | None,
) -> list[LoadResult]:
    with httpx.Client(base_url=base, headers=desk.headers(), timeout=60) as client:
        for n in range(20):  # warm the server: caches, connections, the coach
            for key in only:
                if key != "get" or desk.ids:
                    getattr(desk, key)(client, 99_000_000 + n).raise_for_status()
    results = []
    for key in only:
        if key == "get" and not desk.ids:
            continue
        for count in clients:
            results.append(run_load(f"{desk.name} {key}", base, desk.headers(),
                                    getattr(desk, key), count, seconds,
                                    server_pid=server_pid))
            print(results[-1].row(), flush=True)
    return results


def frontliner_token(args: argparse.Namespace) -> tuple[str, str, list[str]]:
    """Seed (or reuse) the desk; a token for an agent or an admin, and cases to get."""
    rng = random.Random(1)
    url, engine = desk_of(args, rng)
    email = {"agent": "alex@demo.frontliner.test", "admin": None}[args.as_]
    with uow_factory(engine)() as uow:
        found = (uow.find(User, limit=1, email=email) if email
                 else uow.find(User, limit=1, role=Role.ADMIN))
        holder = found[0]
        issued = issue_token(uow, None, holder.id or 0, "versus")
        uow.commit()
    refs = sample_refs(engine, rng)
    engine.dispose()
    return url, issued.secret, refs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("product", choices=sorted(ADAPTERS))
    parser.add_argument("--base", help="a running server (else Frontliner is started)")
    parser.add_argument("--token", help="API token for --base")
    add_desk_arguments(parser)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--as", dest="as_", choices=("agent", "admin"), default="agent",
                        help="whose token (an admin's intake goes through assignment)")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", default="1,8")
    parser.add_argument("--only", default=",".join(SCENARIOS))
    args = parser.parse_args()
    adapter = ADAPTERS[args.product]
    only = [s for s in args.only.split(",") if s in SCENARIOS]
    clients = [int(c) for c in args.clients.split(",")]
    with ExitStack() as stack:
        if args.base:
            if not args.token:
                parser.error("--base needs --token")
            desk, base, pid = adapter(args.token), args.base, None
            with httpx.Client(base_url=base, headers=desk.headers(), timeout=60) as client:
                desk.find_ids(client)
        else:
            if adapter is not Frontliner:
                parser.error("only Frontliner is started by this script; give --base")
            url, token, refs = frontliner_token(args)
            desk = adapter(token)
            desk.ids = refs
            base, pid = stack.enter_context(serving(url, args.workers))
        results = measure(desk, base, args.seconds, clients, only, pid)
    report(results, f"{args.product}: the request mix, {args.seconds:.0f} s per row")


if __name__ == "__main__":
    main()
