"""Every entity comes back from the database exactly as it was saved."""

from __future__ import annotations

import dataclasses
import gc
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from tests.conftest import T0, Seeded

from frontliner.desk import model as m
from frontliner.desk.errors import Conflict, Invalid
from frontliner.store.uow import SqlUnitOfWork

UowFactory = Callable[[], SqlUnitOfWork]


def _others(s: Seeded) -> list[Any]:
    """One of every entity not already in `seeded`, with every field set."""
    later = T0 + timedelta(hours=2)
    return [
        m.EmpowermentProfile(
            name="Agents",
            role=m.Role.AGENT,
            money_per_case=5000,
            money_per_day=20000,
            extra_days=3,
            remedy_kinds=["refund", "credit"],
        ),
        m.EmpowermentProfile(name="Sam's override", user_id=s.agent_id, money_per_case=9000),
        m.AuditEntry(
            case_id=s.case_id,
            at=T0,
            action="opened",
            actor_id=s.agent_id,
            detail={"channel": "email", "size": "small"},
        ),
        m.Interaction(
            case_id=s.case_id,
            customer_id=s.customer_id,
            at=T0,
            channel=m.Channel.EMAIL,
            direction=m.Direction.INBOUND,
            body="I was charged twice.",
            author_id=s.customer_user_id,
            analysis={"complaint": True, "frustration": 0.4},
        ),
        m.Handover(
            case_id=s.case_id,
            from_user_id=s.agent_id,
            to_user_id=s.lead_id,
            offered_at=T0,
            status=m.HandoverStatus.DECLINED,
            note="on leave",
            answered_at=later,
        ),
        m.Escalation(
            case_id=s.case_id,
            handler_id=s.lead_id,
            escalated_by_id=s.agent_id,
            at=T0,
            reason="refund above my limit",
            facts={"people": [{"name": "Bo", "contact": "bo@x.test"}]},
            resolved_at=later,
        ),
        m.FollowUp(
            case_id=s.case_id, owner_id=s.agent_id, due_at=later, note="call back", done_at=later
        ),
        m.SatisfactionRating(
            case_id=s.case_id,
            customer_id=s.customer_id,
            score=5,
            at=later,
            comment="quick and kind",
        ),
        m.PreparedReply(
            title="Double charge",
            body="Thank you for telling us...",
            author_id=s.lead_id,
            created_at=T0,
            tags=["billing", "refund"],
            status=m.ArticleStatus.PUBLISHED,
        ),
        m.SimilarityKey(case_id=s.case_id, key="charg twice", opened_at=T0, suggestible=False),
        m.ApiToken(
            user_id=s.agent_id,
            name="laptop",
            token_hash="ab" * 32,
            prefix="fl_ab",
            created_at=T0,
            last_used_at=later,
            revoked_at=later,
        ),
    ]


def _fields(obj: Any) -> dict[str, Any]:
    return {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}


def _reloaded(uow_factory: UowFactory, kind: type[Any], id: int) -> Any:
    with uow_factory() as uow:
        return uow.get(kind, id)


def test_every_entity_round_trips_with_every_field(uow_factory: UowFactory, seeded: Seeded) -> None:
    with uow_factory() as uow:
        fire = m.Fire(
            title="Double charges",
            key="double-charge",
            created_at=T0,
            fixed_for_good=True,
            fixed_by_id=seeded.lead_id,
            fixed_at=T0,
            fix="payment retry made idempotent",
        )
        uow.add(fire)
        uow.flush()
        remedy = m.Remedy(
            case_id=seeded.case_id,
            kind=m.RemedyKind.REFUND,
            requested_by_id=seeded.agent_id,
            requested_at=T0,
            amount=12000,
            days=0,
            note="second charge",
            status=m.RemedyStatus.APPLIED,
            applied_at=T0,
        )
        article = m.KnowledgeArticle(
            title="Double charges",
            body="Check the retry log.",
            author_id=seeded.agent_id,
            created_at=T0,
            status=m.ArticleStatus.PUBLISHED,
            source_case_id=seeded.case_id,
            updated_at=T0,
        )
        abusive = m.Interaction(case_id=seeded.case_id, customer_id=seeded.customer_id, at=T0,
                                channel=m.Channel.CHAT, direction=m.Direction.INBOUND,
                                body="you idiot", analysis={"abuse": True})
        uow.add(remedy)
        uow.add(article)
        uow.add(abusive)
        reply = m.Interaction(case_id=seeded.case_id, customer_id=seeded.customer_id, at=T0,
                              channel=m.Channel.CHAT, direction=m.Direction.OUTBOUND,
                              body="Sorry: fixed now.", author_id=seeded.agent_id)
        uow.add(reply)
        uow.flush()
        sent = m.SentReply(interaction_id=reply.id or 0, case_id=seeded.case_id,
                           author_id=seeded.agent_id, sent_at=T0, channel=m.Channel.CHAT,
                           score=70, team_id=seeded.team_id, answered_id=abusive.id,
                           override_reason="the customer asked for it",
                           suggestions_used=["no-thanks"])
        uow.add(sent)
        uow.flush()
        saved = [
            sent,
            m.SentFinding(sent_reply_id=sent.id or 0, sent_at=T0, rule="no-thanks", start=0,
                          end=17, severity=m.FindingSeverity.WARNING, message="thank them"),
            m.ReplyReview(sent_reply_id=sent.id or 0, reviewer_id=seeded.lead_id,
                          reviewed_at=T0, verdicts=[{"finding_id": 1, "agree": True}],
                          missed=[{"rule": "guess", "start": 0, "end": 5}], note="fair"),
            m.HeldMessage(case_id=seeded.case_id, customer_id=seeded.customer_id,
                          channel=m.Channel.EMAIL, sender="ann@example.com",
                          sender_name="Ann Lee", subject="Re: her case", body="forged?",
                          why="no proof of origin", received_at=T0,
                          status=m.HeldStatus.ACCEPTED, decided_by_id=seeded.lead_id,
                          decided_at=T0, decision_reason="she confirmed by phone",
                          interaction_id=abusive.id),
            *_others(seeded),
            remedy,
            article,
            fire,
            m.ApprovalRequest(
                case_id=seeded.case_id,
                remedy_id=remedy.id or 0,
                requested_by_id=seeded.agent_id,
                created_at=T0,
                reason="above 50.00 per case",
                status=m.ApprovalStatus.APPROVED,
                decided_by_id=seeded.lead_id,
                decided_at=T0,
                note="fine",
            ),
            m.FireNote(
                fire_id=fire.id or 0,
                author_id=seeded.agent_id,
                at=T0,
                problem="charged twice",
                solution="refunded",
                case_id=seeded.case_id,
            ),
            m.Kudos(
                to_user_id=seeded.agent_id,
                at=T0,
                message="fixed it for good",
                kind=m.KudosKind.FIX_CREDIT,
                from_user_id=seeded.lead_id,
                from_customer_id=seeded.customer_id,
                case_id=seeded.case_id,
                fire_id=fire.id,
            ),
            m.AbusePolicy(body="# Ours\n\nNo threats.", written_at=T0,
                          written_by_id=seeded.lead_id, note="first version"),
            m.AbuseReport(case_id=seeded.case_id, interaction_id=abusive.id or 0,
                          action=m.AbuseAction.ENDED, kinds=["insult", "threat"],
                          reason="went on after the boundary", by_id=seeded.agent_id, at=T0,
                          by_analyser=True),
            m.AccessLink(purpose=m.AccessPurpose.SIGN_IN, email="ann@example.com",
                         created_at=T0, expires_at=T0 + timedelta(days=1),
                         user_id=seeded.customer_user_id, customer_id=seeded.customer_id,
                         token_hash="cd" * 32, used_at=T0),
            m.ContactClaim(case_id=seeded.case_id, customer_id=seeded.customer_id,
                           email="ann@example.com", created_at=T0, confirmed_at=T0),
            m.AccountAuditEntry(at=T0, action="user_created", actor_id=seeded.lead_id,
                                user_id=seeded.agent_id, team_id=seeded.team_id,
                                detail={"role": "agent"}),
        ]
        for obj in saved:
            uow.add(obj)
        uow.commit()
    expected = [(type(obj), _fields(obj)) for obj in saved]
    assert {kind for kind, _ in expected} | {m.Team, m.User, m.Customer, m.Contact, m.Case} == set(
        vars(m).get(name) for name in _entity_names()
    )
    for kind, fields in expected:
        assert _fields(_reloaded(uow_factory, kind, fields["id"])) == fields, kind.__name__


def _entity_names() -> list[str]:
    return [
        name
        for name, value in vars(m).items()
        if dataclasses.is_dataclass(value) and isinstance(value, type)
    ]


def test_seeded_case_round_trips_with_enums_lists_and_aware_times(
    uow_factory: UowFactory, seeded: Seeded
) -> None:
    with uow_factory() as uow:
        case = uow.get(m.Case, seeded.case_id)
        assert case is not None
        case.size = m.Size.BIG
        case.size_reasons = ["remedy above the agent's limit"]
        case.people_involved = [{"name": "Bo", "contact": "bo@x.test"}]
        case.status = m.CaseStatus.ESCALATED
        uow.commit()
    case = _reloaded(uow_factory, m.Case, seeded.case_id)
    assert case.status is m.CaseStatus.ESCALATED
    assert case.size is m.Size.BIG
    assert case.size_reasons == ["remedy above the agent's limit"]
    assert case.people_involved == [{"name": "Bo", "contact": "bo@x.test"}]
    assert case.opened_at == T0 and case.opened_at.tzinfo is not None
    assert case.version == 2


def test_appending_to_a_json_list_in_place_is_saved(
    uow_factory: UowFactory, seeded: Seeded
) -> None:
    with uow_factory() as uow:
        agent = uow.get(m.User, seeded.agent_id)
        case = uow.get(m.Case, seeded.case_id)
        assert agent is not None and case is not None
        agent.skills.append("refunds")
        case.size_reasons.append("repeat contact")
        uow.commit()
    assert _reloaded(uow_factory, m.User, seeded.agent_id).skills == ["billing", "refunds"]
    assert _reloaded(uow_factory, m.Case, seeded.case_id).size_reasons == ["repeat contact"]


def test_changing_a_json_dict_in_place_is_saved(uow_factory: UowFactory, seeded: Seeded) -> None:
    with uow_factory() as uow:
        entry = m.AuditEntry(case_id=seeded.case_id, at=T0, action="noted", detail={})
        uow.add(entry)
        uow.commit()
    with uow_factory() as uow:
        loaded = uow.get(m.AuditEntry, entry.id or 0)
        assert loaded is not None
        loaded.detail["why"] = "customer called"
        uow.commit()
    assert _reloaded(uow_factory, m.AuditEntry, entry.id or 0).detail == {"why": "customer called"}


def test_times_in_other_zones_come_back_as_the_same_instant_in_utc(
    uow_factory: UowFactory, seeded: Seeded
) -> None:
    paris = timezone(timedelta(hours=1))
    with uow_factory() as uow:
        follow_up = m.FollowUp(
            case_id=seeded.case_id,
            owner_id=seeded.agent_id,
            due_at=datetime(2026, 3, 2, 11, 0, tzinfo=paris),
        )
        uow.add(follow_up)
        uow.commit()
    due = _reloaded(uow_factory, m.FollowUp, follow_up.id or 0).due_at
    assert due == datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    assert due.utcoffset() == timedelta(0)


def test_a_naive_time_is_refused_and_nothing_is_saved(
    uow_factory: UowFactory, seeded: Seeded
) -> None:
    with uow_factory() as uow:
        uow.add(
            m.FollowUp(
                case_id=seeded.case_id, owner_id=seeded.agent_id, due_at=datetime(2026, 3, 2, 11, 0)
            )
        )
        with pytest.raises(Exception, match="naive datetime"):
            uow.commit()
    with uow_factory() as uow:
        assert uow.find(m.FollowUp, case_id=seeded.case_id) == []


def test_leaving_without_commit_saves_nothing(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.add(m.Team(name="Ghosts"))
        uow.flush()
    with uow_factory() as uow:
        assert uow.find(m.Team, name="Ghosts") == []


def test_a_contact_already_taken_is_a_conflict_not_a_crash(
    uow_factory: UowFactory, seeded: Seeded
) -> None:
    with uow_factory() as uow:
        uow.add(
            m.Contact(
                customer_id=seeded.customer_id, kind=m.ContactKind.EMAIL, value="ann@example.com"
            )
        )
        with pytest.raises(Conflict) as raised:
            uow.commit()
    assert raised.value.details["constraint"] == "contacts.kind, contacts.value"
    assert "ann@example.com" not in raised.value.message  # the value is not echoed back


def test_a_second_case_with_the_same_reference_names_the_reference(
    uow_factory: UowFactory, seeded: Seeded
) -> None:
    with uow_factory() as uow:
        uow.add(
            m.Case(
                ref=seeded.case_ref,
                customer_id=seeded.customer_id,
                nature="again",
                channel=m.Channel.WEB,
                opened_at=T0,
            )
        )
        with pytest.raises(Conflict) as raised:
            uow.commit()
    assert raised.value.details["constraint"] == "cases.ref"


def test_a_reference_to_a_missing_row_is_invalid(uow_factory: UowFactory, seeded: Seeded) -> None:
    with uow_factory() as uow:
        uow.add(m.FollowUp(case_id=seeded.case_id, owner_id=999_999, due_at=T0))
        with pytest.raises(Invalid):
            uow.commit()


def test_a_rating_outside_one_to_five_is_refused(uow_factory: UowFactory, seeded: Seeded) -> None:
    with uow_factory() as uow:
        uow.add(
            m.SatisfactionRating(
                case_id=seeded.case_id, customer_id=seeded.customer_id, score=9, at=T0
            )
        )
        with pytest.raises(Invalid):
            uow.commit()


def test_appending_to_the_list_of_an_object_no_variable_holds_is_saved(
    uow_factory: UowFactory, seeded: Seeded
) -> None:
    with uow_factory() as uow:
        user = uow.get(m.User, seeded.agent_id)
        assert user is not None
        user.skills.append("refunds")
        del user
        gc.collect()  # the session alone would hold the object only weakly
        uow.commit()
    assert _reloaded(uow_factory, m.User, seeded.agent_id).skills == ["billing", "refunds"]


def test_the_same_row_is_the_same_object_within_a_unit_of_work(
    uow_factory: UowFactory, seeded: Seeded
) -> None:
    with uow_factory() as uow:
        assert uow.get(m.Case, seeded.case_id) is uow.case_by_ref(seeded.case_ref)


def test_writes_after_a_commit_are_rolled_back_when_not_committed_again(
    uow_factory: UowFactory,
) -> None:
    with uow_factory() as uow:
        uow.add(m.Team(name="Kept"))
        uow.commit()
        uow.add(m.Team(name="Dropped"))
        uow.flush()
    with uow_factory() as uow:
        assert [t.name for t in uow.find(m.Team)] == ["Kept"]


def test_objects_read_in_a_unit_of_work_stay_readable_after_it(
    uow_factory: UowFactory, seeded: Seeded
) -> None:
    with uow_factory() as uow:
        case = uow.case_by_ref(seeded.case_ref)
    assert case is not None and case.nature == "charged twice for one order"
