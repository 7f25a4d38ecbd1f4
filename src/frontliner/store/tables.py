"""The tables behind every entity of `desk/model.py`.

Lists the API offers are keyset-paginated by (sort column, id), so each list has an
index that ends with those two columns after its filters. Enums are strings limited by a
CHECK; lists and dicts are JSON; every timestamp is an aware UTC datetime.
"""

from __future__ import annotations

import sqlalchemy as sa

from frontliner.desk import model as m
from frontliner.store.types import UtcDateTime, enum_of, json_dict, json_list

# Stable constraint names, so migrations can name what they alter on both databases.
metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer, primary_key=True, autoincrement=True)


def _fk(name: str, target: str, nullable: bool = True, cascade: bool = False) -> sa.Column[int]:
    ondelete = "CASCADE" if cascade else None
    return sa.Column(name, sa.Integer, sa.ForeignKey(target, ondelete=ondelete), nullable=nullable)


def _at(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, UtcDateTime(), nullable=nullable)


teams = sa.Table(
    "teams",
    metadata,
    _id(),
    sa.Column("name", sa.String(200), nullable=False, unique=True),
)

customers = sa.Table(
    "customers",
    metadata,
    _id(),
    sa.Column("name", sa.String(200), nullable=False),
    _at("created_at", nullable=True),
    _fk("merged_into_id", "customers.id"),
    # customers list and search, sorted by name
    sa.Index(None, "name", "id"),
)

users = sa.Table(
    "users",
    metadata,
    _id(),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("email", sa.String(320), nullable=False, unique=True),
    sa.Column("role", enum_of(m.Role, "role"), nullable=False),
    _fk("team_id", "teams.id"),
    sa.Column("skills", json_list(), nullable=False),
    sa.Column("password_hash", sa.String(255), nullable=True),
    sa.Column("active", sa.Boolean, nullable=False),
    _fk("customer_id", "customers.id"),
    _at("created_at", nullable=True),
    sa.Column("presence", enum_of(m.Presence, "presence"), nullable=False,
              server_default=m.Presence.OFFLINE.value),
    _at("last_seen_at", nullable=True),
    sa.Column("capacity", sa.Integer, nullable=True),
    _at("signed_out_at", nullable=True),
    sa.CheckConstraint("capacity IS NULL OR capacity >= 0", name="capacity_not_negative"),
    # users list by role; least_loaded picks among active users of some roles
    sa.Index(None, "role", "active", "id"),
    sa.Index(None, "customer_id"),
    # automatic assignment: the agents present now
    sa.Index(None, "role", "presence", "last_seen_at"),
    sa.Index(None, "team_id", "id"),  # a team's members (admin pages)
)

contacts = sa.Table(
    "contacts",
    metadata,
    _id(),
    _fk("customer_id", "customers.id", nullable=False, cascade=True),
    sa.Column("kind", enum_of(m.ContactKind, "contact_kind"), nullable=False),
    sa.Column("value", sa.String(320), nullable=False),
    sa.Column("is_primary", sa.Boolean, nullable=False),
    # one contact belongs to one customer: this is what finds duplicates to merge
    sa.UniqueConstraint("kind", "value"),
    sa.Index(None, "customer_id", "id"),
)

empowerment_profiles = sa.Table(
    "empowerment_profiles",
    metadata,
    _id(),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("role", enum_of(m.Role, "role"), nullable=True, unique=True),
    _fk("user_id", "users.id", cascade=True),
    sa.Column("money_per_case", sa.Integer, nullable=False),
    sa.Column("money_per_day", sa.Integer, nullable=False),
    sa.Column("extra_days", sa.Integer, nullable=False),
    sa.Column("remedy_kinds", json_list(), nullable=False),
    sa.UniqueConstraint("user_id"),
    # a role's profile or one agent's override, never both or neither
    sa.CheckConstraint("(role IS NULL) <> (user_id IS NULL)", name="role_xor_user"),
    sa.CheckConstraint(
        "money_per_case >= 0 AND money_per_day >= 0 AND extra_days >= 0", name="limits"
    ),
)

fires = sa.Table(
    "fires",
    metadata,
    _id(),
    sa.Column("title", sa.String(300), nullable=False),
    sa.Column("key", sa.String(300), nullable=False, unique=True),
    _at("created_at"),
    sa.Column("fixed_for_good", sa.Boolean, nullable=False),
    _fk("fixed_by_id", "users.id"),
    _at("fixed_at", nullable=True),
    sa.Column("fix", sa.Text, nullable=False),
    sa.Index(None, "created_at", "id"),
)

cases = sa.Table(
    "cases",
    metadata,
    _id(),
    sa.Column("ref", sa.String(64), nullable=False, unique=True),
    _fk("customer_id", "customers.id", nullable=False),
    sa.Column("nature", sa.Text, nullable=False),
    sa.Column("channel", enum_of(m.Channel, "channel"), nullable=False),
    _at("opened_at"),
    sa.Column("status", enum_of(m.CaseStatus, "case_status"), nullable=False),
    _fk("owner_id", "users.id"),
    _fk("handler_id", "users.id"),
    sa.Column("category", sa.String(100), nullable=True),
    sa.Column("size", enum_of(m.Size, "size"), nullable=False),
    sa.Column("size_reasons", json_list(), nullable=False),
    sa.Column("required_skill", sa.String(100), nullable=True),
    sa.Column("people_involved", json_list(), nullable=False),
    sa.Column("contact_name", sa.String(200), nullable=False),
    sa.Column("contact_value", sa.String(320), nullable=False),
    sa.Column("plan_shared", sa.Boolean, nullable=False),
    sa.Column("permission_asked", sa.Boolean, nullable=False),
    sa.Column("satisfaction_asked", sa.Boolean, nullable=False),
    sa.Column("confirmed_by_customer", sa.Boolean, nullable=False),
    _fk("exception_by_id", "users.id"),
    sa.Column("exception_reason", sa.Text, nullable=True),
    sa.Column("lesson", sa.Text, nullable=True),
    _fk("fire_id", "fires.id"),
    _at("resolved_at", nullable=True),
    _at("closed_at", nullable=True),
    _at("updated_at", nullable=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("confirmed_via", sa.String(20), nullable=True),
    # who recorded the confirmation and the cited message: no foreign keys, as adding one
    # to this table on SQLite would copy it whole (migration 0007)
    sa.Column("confirmation_recorded_by_id", sa.Integer, nullable=True),
    sa.Column("confirmation_interaction_id", sa.Integer, nullable=True),
    _at("reopened_at", nullable=True),
    _at("problem_at", nullable=True),
    _at("waiting_since", nullable=True),
    _fk("returned_from_id", "users.id"),
    # the lists of cases the API offers, each sorted by (updated_at, id)
    sa.Index(None, "owner_id", "status", "updated_at", "id"),
    sa.Index(None, "handler_id", "status", "updated_at", "id"),
    sa.Index(None, "status", "updated_at", "id"),
    sa.Index(None, "customer_id", "updated_at", "id"),
    sa.Index(None, "updated_at", "id"),
    sa.Index(None, "fire_id"),
    # the agent's queues, the customer who has waited longest first (NULLs, "nobody is
    # waiting for us", last): one walk of the owner's or handler's cases in that order
    sa.Index(None, "owner_id", "waiting_since", "id"),
    sa.Index(None, "handler_id", "waiting_since", "id"),
    # cases a lead keeps for a deactivated colleague until they are given to someone
    sa.Index("ix_cases_to_reassign", "opened_at", "id",
             sqlite_where=sa.text("returned_from_id IS NOT NULL"),
             postgresql_where=sa.text("returned_from_id IS NOT NULL")),
)

# Open (unresolved) cases per member of staff: each case counts once for its owner and
# once for its handler. Kept by database triggers on `cases` in the transaction of every
# write (store/staff_loads.py), so choosing an owner reads one row per candidate instead
# of counting their cases. No foreign key: the row is bookkeeping, never a reference.
staff_loads = sa.Table(
    "staff_loads",
    metadata,
    sa.Column("user_id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("open_cases", sa.Integer, nullable=False),
)

audit_entries = sa.Table(
    "audit_entries",
    metadata,
    _id(),
    _fk("case_id", "cases.id", nullable=False),
    _at("at"),
    sa.Column("action", sa.String(100), nullable=False),
    _fk("actor_id", "users.id"),
    sa.Column("detail", json_dict(), nullable=False),
    sa.Index(None, "case_id", "at", "id"),
)

interactions = sa.Table(
    "interactions",
    metadata,
    _id(),
    _fk("case_id", "cases.id", nullable=False),
    _fk("customer_id", "customers.id", nullable=False),
    _at("at"),
    sa.Column("channel", enum_of(m.Channel, "channel"), nullable=False),
    sa.Column("direction", enum_of(m.Direction, "direction"), nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    _fk("author_id", "users.id"),
    sa.Column("analysis", json_dict(nullable=True), nullable=True),
    sa.Index(None, "case_id", "at", "id"),
    # the customer's timeline across every case and channel
    sa.Index(None, "customer_id", "at", "id"),
)

handovers = sa.Table(
    "handovers",
    metadata,
    _id(),
    _fk("case_id", "cases.id", nullable=False),
    _fk("from_user_id", "users.id", nullable=False),
    _fk("to_user_id", "users.id", nullable=False),
    _at("offered_at"),
    sa.Column("status", enum_of(m.HandoverStatus, "handover_status"), nullable=False),
    sa.Column("note", sa.Text, nullable=False),
    _at("answered_at", nullable=True),
    sa.Index(None, "case_id", "status"),
    # handovers offered to me, waiting for my answer
    sa.Index(None, "to_user_id", "status", "offered_at", "id"),
)

remedies = sa.Table(
    "remedies",
    metadata,
    _id(),
    _fk("case_id", "cases.id", nullable=False),
    sa.Column("kind", enum_of(m.RemedyKind, "remedy_kind"), nullable=False),
    _fk("requested_by_id", "users.id", nullable=False),
    _at("requested_at"),
    sa.Column("amount", sa.Integer, nullable=False),
    sa.Column("days", sa.Integer, nullable=False),
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("status", enum_of(m.RemedyStatus, "remedy_status"), nullable=False),
    _at("applied_at", nullable=True),
    sa.CheckConstraint("amount >= 0 AND days >= 0", name="not_negative"),
    sa.Index(None, "case_id", "status"),
    # money given by one agent today (daily empowerment limit)
    sa.Index(None, "requested_by_id", "status", "applied_at"),
)

approval_requests = sa.Table(
    "approval_requests",
    metadata,
    _id(),
    _fk("case_id", "cases.id", nullable=False),
    _fk("remedy_id", "remedies.id", nullable=False),
    _fk("requested_by_id", "users.id", nullable=False),
    _at("created_at"),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("status", enum_of(m.ApprovalStatus, "approval_status"), nullable=False),
    _fk("decided_by_id", "users.id"),
    _at("decided_at", nullable=True),
    sa.Column("note", sa.Text, nullable=False),
    sa.Index(None, "status", "created_at", "id"),
    sa.Index(None, "case_id"),
    sa.Index(None, "remedy_id"),
)

escalations = sa.Table(
    "escalations",
    metadata,
    _id(),
    _fk("case_id", "cases.id", nullable=False),
    _fk("handler_id", "users.id", nullable=False),
    _fk("escalated_by_id", "users.id", nullable=False),
    _at("at"),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("facts", json_dict(), nullable=False),
    _at("resolved_at", nullable=True),
    sa.Index(None, "handler_id", "at", "id"),
    sa.Index(None, "at", "id"),
    sa.Index(None, "case_id"),
    # the open ones (the lead console counts them on every page; all open, or a handler's)
    sa.Index("ix_escalations_open", "handler_id", "at", "id",
             sqlite_where=sa.text("resolved_at IS NULL"),
             postgresql_where=sa.text("resolved_at IS NULL")),
)

follow_ups = sa.Table(
    "follow_ups",
    metadata,
    _id(),
    _fk("case_id", "cases.id", nullable=False),
    _fk("owner_id", "users.id", nullable=False),
    _at("due_at"),
    sa.Column("note", sa.Text, nullable=False),
    _at("done_at", nullable=True),
    # follow-ups due for an owner, soonest first
    sa.Index(None, "owner_id", "due_at", "id"),
    sa.Index(None, "case_id"),
)

satisfaction_ratings = sa.Table(
    "satisfaction_ratings",
    metadata,
    _id(),
    _fk("case_id", "cases.id", nullable=False),
    _fk("customer_id", "customers.id", nullable=False),
    sa.Column("score", sa.Integer, nullable=False),
    _at("at"),
    sa.Column("comment", sa.Text, nullable=False),
    sa.CheckConstraint("score BETWEEN 1 AND 5", name="score_1_to_5"),
    sa.Index(None, "case_id"),
    sa.Index(None, "customer_id"),
    sa.Index(None, "at", "id"),  # the insights' latest comments
)

fire_notes = sa.Table(
    "fire_notes",
    metadata,
    _id(),
    _fk("fire_id", "fires.id", nullable=False),
    _fk("author_id", "users.id", nullable=False),
    _at("at"),
    sa.Column("problem", sa.Text, nullable=False),
    sa.Column("solution", sa.Text, nullable=False),
    _fk("case_id", "cases.id"),
    sa.Index(None, "fire_id", "at", "id"),
    sa.Index(None, "case_id"),
)

knowledge_articles = sa.Table(
    "knowledge_articles",
    metadata,
    _id(),
    sa.Column("title", sa.String(300), nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    _fk("author_id", "users.id", nullable=False),
    _at("created_at"),
    sa.Column("status", enum_of(m.ArticleStatus, "article_status"), nullable=False),
    _fk("source_case_id", "cases.id"),
    _at("updated_at", nullable=True),
    sa.Index(None, "status", "created_at", "id"),
    sa.Index(None, "created_at", "id"),
    sa.Index(None, "source_case_id"),
)

prepared_replies = sa.Table(
    "prepared_replies",
    metadata,
    _id(),
    sa.Column("title", sa.String(300), nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    _fk("author_id", "users.id", nullable=False),
    _at("created_at"),
    sa.Column("tags", json_list(), nullable=False),
    sa.Column("status", enum_of(m.ArticleStatus, "reply_status"), nullable=False,
              server_default=m.ArticleStatus.PUBLISHED.value),  # replies before drafts
    sa.Index(None, "created_at", "id"),
    sa.Index(None, "status", "created_at", "id"),
)

kudos = sa.Table(
    "kudos",
    metadata,
    _id(),
    _fk("to_user_id", "users.id", nullable=False),
    _at("at"),
    sa.Column("message", sa.Text, nullable=False),
    sa.Column("kind", enum_of(m.KudosKind, "kudos_kind"), nullable=False),
    _fk("from_user_id", "users.id"),
    _fk("from_customer_id", "customers.id"),
    _fk("case_id", "cases.id"),
    _fk("fire_id", "fires.id"),
    sa.Index(None, "to_user_id", "at", "id"),
)

api_tokens = sa.Table(
    "api_tokens",
    metadata,
    _id(),
    _fk("user_id", "users.id", nullable=False, cascade=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("token_hash", sa.String(128), nullable=False, unique=True),
    sa.Column("prefix", sa.String(32), nullable=False),
    _at("created_at"),
    _at("last_used_at", nullable=True),
    _at("revoked_at", nullable=True),
    sa.Index(None, "user_id"),
)

abuse_policies = sa.Table(
    "abuse_policies",
    metadata,
    _id(),
    sa.Column("body", sa.Text, nullable=False),
    _at("written_at"),
    _fk("written_by_id", "users.id"),
    sa.Column("note", sa.String(500), nullable=False),
    # the policy in force is the newest version; the history pages back from it
    sa.Index(None, "written_at", "id"),
)

abuse_reports = sa.Table(
    "abuse_reports",
    metadata,
    _id(),
    _fk("case_id", "cases.id", nullable=False),
    _fk("interaction_id", "interactions.id", nullable=False),
    sa.Column("action", enum_of(m.AbuseAction, "abuse_action"), nullable=False),
    sa.Column("kinds", json_list(), nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    _fk("by_id", "users.id"),
    _at("at"),
    sa.Column("by_analyser", sa.Boolean, nullable=False),
    # the leads' list, newest first; a case's reports (has its conversation ended?)
    sa.Index(None, "at", "id"),
    sa.Index(None, "case_id", "action"),
    sa.Index(None, "interaction_id", "action"),
)

# Pairs of each case's problem words: recurring problems are the pairs many recent,
# still suggestible cases share (one indexed range, grouped), never a scan of `cases`.
similarity_keys = sa.Table(
    "similarity_keys",
    metadata,
    _id(),
    _fk("case_id", "cases.id", nullable=False, cascade=True),
    sa.Column("key", sa.String(100), nullable=False),
    _at("opened_at"),
    sa.Column("suggestible", sa.Boolean, nullable=False),
    sa.Index(None, "suggestible", "opened_at", "key"),
    sa.Index(None, "key", "opened_at"),
    sa.Index(None, "case_id"),
)

access_links = sa.Table(
    "access_links",
    metadata,
    _id(),
    sa.Column("purpose", enum_of(m.AccessPurpose, "access_purpose"), nullable=False),
    sa.Column("email", sa.String(320), nullable=False),
    _at("created_at"),
    _at("expires_at"),
    _fk("user_id", "users.id", cascade=True),
    _fk("customer_id", "customers.id", cascade=True),
    sa.Column("token_hash", sa.String(128), nullable=True, unique=True),
    _at("used_at", nullable=True),
    sa.Column("version", sa.Integer, nullable=False),
    # the links of one address still open (superseded when one is used); the outbox
    # looks for recent links to mail
    sa.Index(None, "email", "purpose", "used_at"),
    sa.Index(None, "created_at", "id"),
)

contact_claims = sa.Table(
    "contact_claims",
    metadata,
    _id(),
    _fk("case_id", "cases.id", nullable=False, cascade=True),
    _fk("customer_id", "customers.id", nullable=False, cascade=True),
    sa.Column("email", sa.String(320), nullable=False),
    _at("created_at"),
    _at("confirmed_at", nullable=True),
    sa.UniqueConstraint("case_id"),  # one claim per case
    sa.Index(None, "created_at", "id"),  # the outbox looks for recent claims to mail
)

account_audit = sa.Table(
    "account_audit",
    metadata,
    _id(),
    _at("at"),
    sa.Column("action", sa.String(100), nullable=False),
    _fk("actor_id", "users.id"),
    _fk("user_id", "users.id"),
    _fk("team_id", "teams.id"),
    sa.Column("detail", json_dict(), nullable=False),
    sa.Index(None, "user_id", "at", "id"),
    sa.Index(None, "at", "id"),
)

# The coach's reading of each reply at the moment it was sent, for reply review and
# insights (desk/reply_review.py). One row per sent reply; its findings beside it.
sent_replies = sa.Table(
    "sent_replies",
    metadata,
    _id(),
    _fk("interaction_id", "interactions.id", nullable=False),
    _fk("case_id", "cases.id", nullable=False),
    _fk("author_id", "users.id", nullable=False),
    _fk("team_id", "teams.id"),
    _at("sent_at"),
    sa.Column("channel", enum_of(m.Channel, "channel"), nullable=False),
    sa.Column("score", sa.Integer, nullable=False),
    _fk("answered_id", "interactions.id"),
    sa.Column("override_reason", sa.Text, nullable=True),
    sa.Column("suggestions_used", json_list(), nullable=False),
    sa.UniqueConstraint("interaction_id"),
    sa.CheckConstraint("score >= 0 AND score <= 100", name="score_in_range"),
    # the review queue (lowest scores in a period, a team's), an agent's own trend
    sa.Index(None, "sent_at", "id"),
    sa.Index(None, "team_id", "sent_at"),
    sa.Index(None, "author_id", "sent_at"),
    sa.Index(None, "score", "sent_at"),
)

sent_findings = sa.Table(
    "sent_findings",
    metadata,
    _id(),
    _fk("sent_reply_id", "sent_replies.id", nullable=False, cascade=True),
    _at("sent_at"),
    sa.Column("rule", sa.String(64), nullable=False),
    sa.Column("start", sa.Integer, nullable=False),
    sa.Column("end", sa.Integer, nullable=False),
    sa.Column("severity", enum_of(m.FindingSeverity, "finding_severity"), nullable=False),
    sa.Column("message", sa.Text, nullable=False),
    sa.Index(None, "sent_reply_id"),
    # findings per rule over time
    sa.Index(None, "sent_at", "rule"),
)

reply_reviews = sa.Table(
    "reply_reviews",
    metadata,
    _id(),
    _fk("sent_reply_id", "sent_replies.id", nullable=False, cascade=True),
    _fk("reviewer_id", "users.id", nullable=False),
    _at("reviewed_at"),
    sa.Column("verdicts", json_list(), nullable=False),
    sa.Column("missed", json_list(), nullable=False),
    sa.Column("note", sa.Text, nullable=False),
    sa.UniqueConstraint("sent_reply_id"),
    # the export and the reviews list, newest first
    sa.Index(None, "reviewed_at", "id"),
)

# Entity class -> its table; the mapping and the tests walk this.
# Messages that claim to continue a case from an origin nobody checked (desk/held_mail.py):
# shown to staff on the case (its held ones, oldest first), never to the customer.
held_messages = sa.Table(
    "held_messages",
    metadata,
    _id(),
    _fk("case_id", "cases.id", nullable=False),
    _fk("customer_id", "customers.id", nullable=False),
    sa.Column("channel", enum_of(m.Channel, "channel"), nullable=False),
    sa.Column("sender", sa.String(320), nullable=False),
    sa.Column("sender_name", sa.String(200), nullable=False),
    sa.Column("subject", sa.String(998), nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("why", sa.String(500), nullable=False),
    _at("received_at"),
    sa.Column("status", enum_of(m.HeldStatus, "held_status"), nullable=False),
    sa.Column("mail_id", sa.Integer, nullable=True),  # inbound_mail.id (a channel record)
    _fk("decided_by_id", "users.id"),
    _at("decided_at", nullable=True),
    sa.Column("decision_reason", sa.String(1000), nullable=False),
    _fk("interaction_id", "interactions.id"),
    sa.Index(None, "case_id", "status", "id"),
    sa.Index(None, "mail_id"),
)

TABLES: dict[type, sa.Table] = {
    m.Team: teams,
    m.Customer: customers,
    m.User: users,
    m.Contact: contacts,
    m.EmpowermentProfile: empowerment_profiles,
    m.Fire: fires,
    m.Case: cases,
    m.AuditEntry: audit_entries,
    m.Interaction: interactions,
    m.Handover: handovers,
    m.Remedy: remedies,
    m.ApprovalRequest: approval_requests,
    m.Escalation: escalations,
    m.FollowUp: follow_ups,
    m.SatisfactionRating: satisfaction_ratings,
    m.FireNote: fire_notes,
    m.KnowledgeArticle: knowledge_articles,
    m.PreparedReply: prepared_replies,
    m.Kudos: kudos,
    m.ApiToken: api_tokens,
    m.AbusePolicy: abuse_policies,
    m.AbuseReport: abuse_reports,
    m.SimilarityKey: similarity_keys,
    m.AccessLink: access_links,
    m.ContactClaim: contact_claims,
    m.AccountAuditEntry: account_audit,
    m.SentReply: sent_replies,
    m.SentFinding: sent_findings,
    m.ReplyReview: reply_reviews,
    m.HeldMessage: held_messages,
}
