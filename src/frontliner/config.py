"""One settings object, read once from the environment (`FRONTLINER_*`).

Defaults work on a laptop: SQLite under ./var, a development secret that is refused
outside development.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SECRET = "dev-only-secret-change-me"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FRONTLINER_", env_file=".env", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    database_url: str = Field(default="sqlite:///var/frontliner.db")
    secret_key: SecretStr = SecretStr(DEV_SECRET)
    host: str = "127.0.0.1"
    port: int = 8000
    currency: str = "EUR"
    upgrade_on_start: bool = True
    data_dir: Path = Path("var")
    # Redis is optional (docs/deploy.md). Without it a single `frontliner serve` keeps chat
    # fan-out and rate limits in its own memory and the queue in a SQLite file. With it,
    # several app processes share the chat's fan-out, the rate limits and the job queue
    # (unless rate_limit_url / queue_url name other storage). Every key and channel the
    # desk uses starts with redis_prefix, so two desks (or test runs) can share a Redis.
    redis_url: str | None = None
    redis_prefix: str = Field(default="frontliner", pattern=r"^[A-Za-z0-9_.-]{1,64}$")
    rate_limit_url: str | None = None  # `limits` storage; empty: redis_url, else memory
    contact_rate_limit: str = "5/minute"  # web form posts per client IP
    chat_rate_limit: str = "30/minute"  # chats started / messages sent per client IP
    chat_origins: list[str] = Field(default_factory=list)  # sites that embed the chat widget
    # E-mail: the desk's own address is <mail_local_part>@<mail_domain>; replies come back
    # to <mail_local_part>+<reply token>@<mail_domain>.
    mail_domain: str = "frontliner.localhost"
    mail_local_part: str = "support"
    smtp_listen_host: str = "127.0.0.1"
    smtp_listen_port: int = 2525
    mail_max_bytes: int = 25 * 1024 * 1024  # larger messages are refused with 552
    # Receiving hosts (authserv-ids, e.g. "mx.example.com") whose Authentication-Results
    # (DKIM/SPF/DMARC) the desk believes. Empty: no origin is taken as checked, so mail to
    # an existing case joins it only with our signed reply token; otherwise it is held.
    mail_trusted_authserv_ids: list[str] = Field(default_factory=list)
    # Automatic mail (acknowledgements, "we could not read it") per sender address per
    # window; past it the desk stays silent to that address (RFC 3834's spirit).
    mail_auto_reply_limit: int = Field(default=3, ge=0, le=1000)
    mail_auto_reply_window_hours: float = Field(default=24.0, gt=0, le=24 * 30)
    # Outbound e-mail (SMTP client) and the job queue that sends it. The password is a
    # SecretStr so it never shows in a repr or a log line.
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    smtp_user: str = ""
    smtp_password: SecretStr = SecretStr("")
    smtp_starttls: bool = False
    smtp_timeout: float = 30.0
    mail_from: str = ""  # empty: the desk's own address (mail_local_part@mail_domain)
    # Empty: redis_url when set, else the SQLite file <data_dir>/queue.db; or redis://...,
    # postgresql://..., sqlite:///..., memory://
    queue_url: str = ""
    outbound_max_attempts: int = 8  # then the message is marked failed
    outbound_retry_delay: float = 5.0  # seconds before the first retry; doubles each time
    # How often the worker looks for mail and webhooks owed. On PostgreSQL it is woken on
    # commit (store/wake.py) and looks every outbox_safety_poll_seconds besides (follow-up
    # reminders falling due, a wake lost while reconnecting); on SQLite it polls.
    outbox_poll_seconds: float = Field(default=2.0, gt=0)
    outbox_safety_poll_seconds: float = Field(default=30.0, gt=0)
    # A worker says it is alive this often; 4 beats missed and its claims are taken over.
    worker_heartbeat_seconds: float = Field(default=5.0, gt=0, le=3600)
    outbox_window_days: int = 2  # replies and new cases older than this are not mailed
    insights_poll_seconds: float = 10.0  # how often the worker brings the insights up to date
    # Inbound e-mail by IMAP polling (`frontliner imap`).
    imap_host: str = "127.0.0.1"
    imap_port: int = 993
    imap_ssl: bool = True
    imap_user: str = ""
    imap_password: SecretStr = SecretStr("")
    imap_mailbox: str = "INBOX"
    imap_poll_seconds: float = 60.0
    # Where people open the desk, e.g. https://help.example.com: links in e-mail start
    # with it. Empty: http://<host>:<port>. Never taken from a request's Host header.
    public_url: str = ""
    # E-mailed sign-in and password-reset links: how long one works, and how many may be
    # asked for per address and per client (IP); over the limit nothing more is sent.
    access_link_minutes: int = 30
    access_link_rate_per_address: str = "5/hour"
    access_link_rate_per_client: str = "30/hour"
    confirm_link_days: int = Field(default=30, ge=1, le=365)  # "is it solved?" links work
    # How long the link that adds a form or chat message to the account of its address
    # works (docs/security.md, "Messages through the open doors").
    contact_claim_link_hours: int = Field(default=72, ge=1, le=24 * 30)
    # Webhooks (docs/webhooks.md). Targets on private, loopback, link-local or multicast
    # addresses are refused unless this is on (a receiver on the same network, tests).
    webhook_allow_private_targets: bool = False
    webhook_timeout: float = Field(default=10.0, gt=0)  # seconds per delivery attempt
    webhook_retry_delay: float = Field(default=60.0, gt=0)  # first retry; doubles each time
    webhook_retry_window: float = Field(default=86400.0, gt=0)  # then give up and disable
    # Sessions live in the database (docs/security.md): a sign-in lasts at most
    # session_hours, and ends sooner when unused for session_idle_minutes.
    session_hours: int = Field(default=12, ge=1, le=24 * 90)
    session_idle_minutes: int = Field(default=240, ge=5, le=60 * 24 * 90)
    # The sign-in throttle (counts in the database, shared by every app process). Per
    # address and client: a few free failures, then a wait that doubles with each one.
    # Per client: how many different addresses may fail from it (password spraying).
    # Per address from everywhere: past this many failures only the owner's usual places
    # (where they signed in within sign_in_usual_place_days) may still try.
    sign_in_window_minutes: int = Field(default=60, ge=1, le=24 * 60)
    sign_in_free_failures: int = Field(default=5, ge=1, le=100)
    sign_in_first_delay_seconds: int = Field(default=30, ge=1, le=3600)
    sign_in_max_delay_seconds: int = Field(default=900, ge=1, le=24 * 3600)
    sign_in_accounts_per_client: int = Field(default=10, ge=2, le=10_000)
    sign_in_failures_per_account: int = Field(default=30, ge=2, le=100_000)
    sign_in_usual_place_days: int = Field(default=90, ge=1, le=365)
    # Open chat sockets one client address may hold at once (per app process).
    chat_sockets_per_client: int = Field(default=20, ge=1, le=10_000)

    @model_validator(mode="after")
    def _refuse_placeholder_secret(self) -> Settings:
        if self.environment == "production" and self.secret_key.get_secret_value() == DEV_SECRET:
            raise ValueError("FRONTLINER_SECRET_KEY must be set to a real secret in production")
        return self


@lru_cache
def get_settings() -> Settings:
    return Settings()
