"""Outgoing mail over SMTP with the standard library's smtplib.

`compose` turns an outbox row into a message; `deliver` hands it to the configured
relay. The password is read from a SecretStr only at login and never appears in a log
line or an error we keep (smtplib's own errors carry the server's reply, not ours).
"""

from __future__ import annotations

import smtplib
from collections.abc import Mapping
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any

from frontliner.channels.email.addresses import LOOP_HEADER, desk_address
from frontliner.config import Settings

# Errors worth another try later: the relay is down, busy or said "try again" (4xx).
TRANSIENT = (OSError, smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError)


class MailNotSent(Exception):
    """The relay did not take the message; `permanent` when retrying cannot help."""

    def __init__(self, reason: str, permanent: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


def sender(settings: Settings) -> str:
    return settings.mail_from or desk_address(settings)


def compose(row: Mapping[str, Any], settings: Settings) -> EmailMessage:
    """The message for one outbox row: same row, same Message-ID, on every attempt."""
    message = EmailMessage()
    message["From"] = sender(settings)
    message["To"] = row["to_address"]
    message["Subject"] = row["subject"]
    message["Message-ID"] = row["message_id"]
    message["Date"] = format_datetime(row["created_at"])
    # Marks our own mail, so the inbound side recognises it if it ever comes back.
    message[LOOP_HEADER] = settings.mail_domain
    for name, value in (row["headers"] or {}).items():
        message[name] = value
    message.set_content(row["body"])
    return message


def deliver(message: EmailMessage, settings: Settings) -> None:
    """Send `message` through the relay; raises MailNotSent, never leaks the password."""
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port,
                          timeout=settings.smtp_timeout) as client:
            if settings.smtp_starttls:
                client.starttls()
            if settings.smtp_user:
                client.login(settings.smtp_user, settings.smtp_password.get_secret_value())
            client.send_message(message)
    except smtplib.SMTPAuthenticationError as error:
        raise MailNotSent(f"the relay refused the login ({error.smtp_code})") from None
    except smtplib.SMTPRecipientsRefused as error:
        codes = sorted({code for code, _ in error.recipients.values()})
        raise MailNotSent(f"the relay refused the recipient ({codes})",
                          permanent=all(code >= 500 for code in codes)) from None
    except smtplib.SMTPResponseException as error:
        reply = error.smtp_error.decode(errors="replace") if isinstance(
            error.smtp_error, bytes) else str(error.smtp_error)
        raise MailNotSent(f"the relay answered {error.smtp_code} {reply[:200]}",
                          permanent=500 <= error.smtp_code < 600) from None
    except (smtplib.SMTPException, *TRANSIENT) as error:
        raise MailNotSent(f"the relay could not be used: {type(error).__name__}") from None
