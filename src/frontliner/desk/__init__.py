"""The desk: the domain of Frontliner, plain Python over the `ports.UnitOfWork` seam.

Write side: named operations `op(uow, actor, ..., now=None) -> entity`. Each checks who
may do it (`access`), enforces the service rules, writes audit entries, and does NOT
commit: the caller wraps it (`with uow_factory() as uow: op(uow, actor, ...);
uow.commit()`). `actor` is the acting `User`, or None for the trusted system (a channel,
the operator's CLI); the web never passes None. Errors: `errors.DeskError` and its
NotFound (404), Forbidden (403), Invalid (422, details["fields"]), Conflict (409).
Case operations accept `expected_version` (409 when stale) where a client edits what it
read earlier.

Operations (module.function):

- customers: create_customer, add_contact, merge_customers, customer_by_contact,
  parse_contact / normalise_email / normalise_phone
- users: create_team, create_user, set_team, set_skills, set_role, deactivate_user,
  set_password; passwords: hash_password, verify_password
- intake: open_case, amend_case
- ownership: acknowledge, offer_handover, accept_handover, decline_handover,
  withdraw_handover
- triage: triage(TriageFacts) -> TriageResult (pure)
- empowerment: limits_for, set_profile, apply_remedy, decide_approval
- escalation: escalate, hand_back, complete_follow_up
- interactions: record_inbound, record_outbound, add_note
- closing: mark_closing_step, request_confirmation, confirm_fixed, report_not_fixed,
  sign_exception, record_lesson, close_case, rate_satisfaction (confirmation_evidence:
  what staff need before they record a customer's confirmation for them)
- firelog: start_fire, add_fire_note, link_case, mark_fixed_for_good, fire_key, fire_for
- fire_suggestions: suggested_fires, open_suggested_fire, dismiss_suggestion,
  thresholds, set_thresholds (similarity: grouping cases about the same problem, pure)
- knowledge: write_article, edit_article, publish_article, unpublish_article,
  add_prepared_reply, edit_prepared_reply, publish_prepared_reply,
  unpublish_prepared_reply
- recognition: give_kudos

Who may see/do what lives only in `access` (load_case, can_see_case, require_role...).
"""
