"""The audit trail of accounts: users added, roles, teams, skills, deactivation, API
tokens, password resets and customer logins created by a sign-in link.

Case changes have their own trail (`audit.py`, one per case); these changes belong to no
case, so they are kept apart, newest readable per user (`account_audit`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from frontliner.desk.audit import actor_id
from frontliner.desk.clock import resolve_now
from frontliner.desk.model import AccountAuditEntry, User
from frontliner.desk.ports import UnitOfWork


def record_account(
    uow: UnitOfWork,
    action: str,
    actor: User | None,
    *,
    user_id: int | None = None,
    team_id: int | None = None,
    now: datetime | None = None,
    **detail: Any,
) -> AccountAuditEntry:
    """Append one entry: `action` by `actor` (None: the system) on a user and/or team."""
    entry = AccountAuditEntry(at=resolve_now(now), action=action, actor_id=actor_id(actor),
                              user_id=user_id, team_id=team_id, detail=detail)
    uow.add(entry)
    return entry
