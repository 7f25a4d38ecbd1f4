"""A login ended somewhere (signed out, signed out everywhere): every app process's open
agent sockets of that user check their login again at once.

The database stays the judge (a socket re-reads its session or token); this only says
when to look, over the same broker as the chat (in-process, or Redis pub/sub across app
processes), so a live view signed out through process A closes on process B within a
moment instead of at its next periodic check.
"""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger("frontliner.live")

LOGINS_TOPIC = "logins"


def announce_login_ended(app_state: Any, user_id: int) -> None:
    """Tell every process's sockets of `user_id` to check their login; never raises."""
    broker = getattr(app_state, "broker", None)
    if broker is None:
        return
    try:
        broker.publish(LOGINS_TOPIC, {"type": "login_ended", "user_id": user_id})
    except Exception:  # the sign-out itself is committed; the periodic check still runs
        log.warning("could not announce a sign-out to the live views", exc_info=True)
