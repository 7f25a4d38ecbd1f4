"""Page-render benchmark: the agent's queue page and a case page, at 100k cases.

    python bench/pages_bench.py [--database-url URL] [--cases 100000] [--seconds 10]
                                [--workers 1] [--reuse] [--clients 1,8]

The desk is seeded and grown exactly as for the API benchmark (`api_bench.py`: the demo
desk through real operations, then bulk copies to --cases), and the server runs as in
production (`frontliner serve` in its own process). The agent logs in through the real
login form (CSRF token and all); every request then carries that session cookie, so
each one pays for the session check, the reads and the template, like a person's.

Scenarios: "queue page" is /work (My cases: five capped counts and one keyset page of
25 rows); "case page" is /work/cases/{ref} for random cases (case detail, customer
timeline, empowerment left, knowledge suggestions, colleagues to hand over to); "search
page" is /work/search for the query mix of `search_bench.py`.

With --reuse on a desk seeded by `seed_million.py`, its first agent signs in (everyone
there has the demo password).
"""

from __future__ import annotations

import random
import re
import sys
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from api_bench import (
    agent_email,
    console,
    desk_of,
    load_parser,
    report,
    sample_refs,
    serving,
)
from frontliner.demo_data import DEMO_PASSWORD
from loadgen import LoadResult, run_load
from search_bench import queries

_TOKEN = re.compile(r'name="csrf-token" content="([^"]+)"')
COOKIE = "frontliner_session"


def _session_cookie(response: httpx.Response) -> str:
    # Set by hand: in production the cookie is Secure, and this client speaks plain HTTP.
    for header in response.headers.get_list("set-cookie"):
        name, _, rest = header.partition("=")
        if name == COOKIE:
            return rest.split(";", 1)[0]
    raise SystemExit("the login did not set a session cookie")


def log_in(base: str, email: str) -> dict[str, str]:
    """Log an agent in through the login form; the headers of their session."""
    with httpx.Client(base_url=base, timeout=30) as client:
        form = client.get("/login")
        found = _TOKEN.search(form.text)
        if found is None:
            raise SystemExit("no CSRF token on the login page")
        cookie = {"Cookie": f"{COOKIE}={_session_cookie(form)}"}
        answer = client.post("/login", headers=cookie, data={
            "email": email, "password": DEMO_PASSWORD, "csrf_token": found.group(1),
            "next": "/work"})
        if answer.status_code != 303:
            raise SystemExit(f"login failed with {answer.status_code}")
        return {"Cookie": f"{COOKIE}={_session_cookie(answer)}"}


def measure(base: str, headers: dict[str, str], refs: list[str], seconds: float,
            server_pid: int, client_counts: list[int], mix: list[str]) -> list[LoadResult]:
    def queue(client: httpx.Client, n: int) -> httpx.Response:
        return client.get("/work")

    def case(client: httpx.Client, n: int) -> httpx.Response:
        return client.get(f"/work/cases/{refs[n % len(refs)]}")

    def search(client: httpx.Client, n: int) -> httpx.Response:
        return client.get("/work/search", params={"q": mix[n % len(mix)]})

    results = []
    for label, request in (("queue page", queue), ("case page", case), ("search page", search)):
        for clients in client_counts:
            results.append(run_load(label, base, headers, request, clients, seconds,
                                    server_pid=server_pid))
            console.print(results[-1].row())
    return results


def main() -> None:
    args = load_parser(__doc__).parse_args()
    rng = random.Random(1)
    url, engine = desk_of(args, rng)
    refs = sample_refs(engine, rng)
    dialect, email, mix = engine.dialect.name, agent_email(engine), queries(engine, rng)
    engine.dispose()
    with serving(url, args.workers) as (base, pid):
        results = measure(base, log_in(base, email), refs, args.seconds, pid,
                          [int(c) for c in args.clients.split(",")], mix)
    report(results, f"Pages at {args.cases:,} cases on {dialect}, {args.workers} worker(s)")


if __name__ == "__main__":
    main()
