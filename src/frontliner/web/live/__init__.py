"""The agents' live view: every change an agent needs, without reloading the page.

- `feed`: one poller per app process reads new audit entries (whichever process wrote
  them: the app, `frontliner smtp`, `imap`, `worker`) and fans them out to that
  process's sockets.
- `events`: what each change says, and to whom (pure functions).
- `agent_socket`: `/ws/agent`, which merges the feed with the chat's instant
  announcements (in-process, or Redis across processes), checks each case against the
  agent's access, sends each frame once, and replays what a reconnecting page missed.

`install(app)` puts the feed on `app.state.live_feed`; `close(app)` stops its poller.
"""

from __future__ import annotations

from fastapi import FastAPI

from frontliner.web.live.feed import LiveFeed

__all__ = ["LiveFeed", "close", "install"]


def install(app: FastAPI) -> None:
    """After the units of work are final (`public.install` wraps them)."""
    app.state.live_feed = LiveFeed(app.state.uow_factory)


async def close(app: FastAPI) -> None:
    feed = getattr(app.state, "live_feed", None)
    if isinstance(feed, LiveFeed):
        await feed.close()
