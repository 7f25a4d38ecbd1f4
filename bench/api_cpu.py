"""Server CPU per API request with the app driven in this process: no sockets, no threads.

    python bench/api_cpu.py --database-url URL --as agent|admin --what create|list [--requests 150]

On a desk `api_bench.py` built (reuse it: this script never seeds), the app runs in this
process's event loop and FastAPI's thread-pool hand-offs run inline, so
`time.process_time` around each request is the request's own CPU (framework, token
check, desk operation, JSON), free of the server's background threads and of the other
processes of a shared machine. 30 requests warm up; the mean and median of the rest are
printed. Run it with two checkouts' interpreters to compare code on the same database.
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import statistics
import time
from collections.abc import Callable
from typing import Any

import anyio.to_thread
import httpx
from pydantic import SecretStr


async def _inline(func: Callable[..., Any], *args: Any, **_: Any) -> Any:
    return func(*args)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--as", dest="as_", choices=("agent", "admin"), default="agent")
    parser.add_argument("--what", choices=("create", "list"), default="create")
    parser.add_argument("--requests", type=int, default=150)
    args = parser.parse_args()
    anyio.to_thread.run_sync = _inline  # type: ignore[assignment]

    from frontliner.config import Settings
    from frontliner.desk.model import Role, User
    from frontliner.store.engine import make_engine
    from frontliner.store.uow import uow_factory
    from frontliner.web.app import create_app
    from frontliner.web.tokens import issue_token

    engine = make_engine(args.database_url)
    with uow_factory(engine)() as uow:
        found = (uow.find(User, limit=1, email="alex@demo.frontliner.test") if args.as_ == "agent"
                 else uow.find(User, limit=1, role=Role.ADMIN))
        secret = issue_token(uow, None, found[0].id or 0, "api_cpu").secret
        uow.commit()
    app = create_app(Settings(database_url=args.database_url, environment="production",
                              secret_key=SecretStr(secrets.token_urlsafe(32)),
                              upgrade_on_start=False))
    headers = {"Authorization": f"Bearer {secret}"}
    run = secrets.token_hex(4)

    async def measure() -> list[float]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            async def one(n: int) -> None:
                if args.what == "create":
                    response = await client.post("/api/v1/cases", headers=headers, json={
                        "nature": "Parcel arrived damaged", "customer_name": f"Cpu {n}",
                        "contact": f"cpu-{run}-{n}@example.com", "channel": "email",
                        "message": f"The box of order {n} was crushed and the lamp is broken."})
                else:
                    response = await client.get("/api/v1/cases", headers=headers,
                                                params={"limit": 50, "status": "open"})
                response.raise_for_status()

            for n in range(30):
                await one(n)
            cpu = []
            for n in range(30, 30 + args.requests):
                started = time.process_time()
                await one(n)
                cpu.append(time.process_time() - started)
            return cpu

    cpu = asyncio.run(measure())
    print(f"{engine.dialect.name} {args.as_} {args.what}: {statistics.mean(cpu) * 1000:.2f} ms "
          f"CPU per request (median {statistics.median(cpu) * 1000:.2f}), {len(cpu)} requests")


if __name__ == "__main__":
    main()
