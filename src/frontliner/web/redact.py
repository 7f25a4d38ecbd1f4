"""Keep the secrets of e-mailed links out of the access log.

A sign-in or reset link carries its secret in the path (`/portal/sign-in/<token>`,
`/reset/<token>`); uvicorn's access log would print it. This filter replaces the token
with `[redacted]` in every access-log record before any handler sees it.
"""

from __future__ import annotations

import logging
import re

SECRET_PATHS = re.compile(r"(/portal/sign-in/|/reset/)[^\s?#\"]+")
ACCESS_LOGGER = "uvicorn.access"


def redact(text: str) -> str:
    return SECRET_PATHS.sub(r"\1[redacted]", text)


class RedactLinkSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.msg, str):
            record.msg = redact(record.msg)
        return True


def install_redaction() -> None:
    """Add the filter to uvicorn's access logger once per process."""
    logger = logging.getLogger(ACCESS_LOGGER)
    if not any(isinstance(f, RedactLinkSecrets) for f in logger.filters):
        logger.addFilter(RedactLinkSecrets())
