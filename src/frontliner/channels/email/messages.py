"""The words of the mail the desk writes by itself: acknowledgements, reminders and the
"is it solved?" question.

They follow the service practice the coach checks agents against: thank the customer,
apologise for the trouble, name who owns the case and what happens next, and never tell
anyone how to feel. Automatic mail carries `Auto-Submitted: auto-generated` (RFC 3834),
so well-behaved auto-responders do not answer it; an agent's own reply never does.
"""

from __future__ import annotations

from frontliner.desk.model import Case, FollowUp, User

AUTOMATIC = {"Auto-Submitted": "auto-generated"}


def _topic(case: Case) -> str:
    nature = " ".join(case.nature.split())
    return nature if len(nature) <= 80 else nature[:77] + "..."


def reply_subject(case: Case) -> str:
    return f"Re: {_topic(case)} [{case.ref}]"


# Automatic mail goes to whatever address the From line names, which anyone can write:
# so it repeats none of the sender's words (no subject, no display name). A forger gets
# no way to put their text in front of the person whose address they used.
UNREADABLE_SUBJECT = "We could not read your message"


def ack_subject(case: Case) -> str:
    return f"We have your message [{case.ref}]"


def ack_body(case: Case, owner: User | None) -> str:
    greeting = "Hello,"
    who = f"{owner.name} owns" if owner is not None else "A member of our team owns"
    return (
        f"{greeting}\n\n"
        "Thank you for bringing this to our attention, and I am sorry for the trouble.\n\n"
        f"Your case reference is {case.ref}. {who} your case and will write to you by e-mail with "
        "a plan. To add anything, reply to this message: it goes straight to your case.\n\n"
        "Kind regards,\nThe support team\n"
    )


def unreadable_body() -> str:
    return (
        "Hello,\n\n"
        "Thank you for writing to us, and I am sorry: your message reached us, but our "
        "system could not read it (its format or character set was not one we could "
        "make out). It is kept safely and a member of our team will look at it.\n\n"
        "To be sure we can help quickly, please send your message again as plain text, "
        "without unusual formatting.\n\n"
        "Kind regards,\nThe support team\n"
    )


def confirmation_subject(case: Case) -> str:
    return f"Is it solved? {_topic(case)} [{case.ref}]"


def confirmation_body(case: Case, owner: User | None, yes_url: str, not_yet_url: str,
                      days: int) -> str:
    """The question with its two one-click links (each opens a page; nothing changes
    until the customer presses the button there)."""
    greeting = f"Dear {case.contact_name}," if case.contact_name else "Hello,"
    who = owner.name if owner is not None else "The member of our team who owns your case"
    return (
        f"{greeting}\n\n"
        f"Thank you for your patience with case {case.ref} ({_topic(case)}). We believe the "
        "problem is now solved, and only you can tell us whether it is.\n\n"
        f"Yes, it's solved:\n{yes_url}\n\n"
        f"Not yet:\n{not_yet_url}\n\n"
        f"If it is not solved yet, {who} keeps your case and goes on working on it; the "
        "second link lets you tell us what is still wrong. You can also simply reply to "
        "this message.\n\n"
        f"The links are for this case only and work for {days} days.\n\n"
        "Kind regards,\nThe support team\n"
    )


def reminder_subject(case: Case) -> str:
    return f"Follow-up due: {case.ref} ({_topic(case)})"


def reminder_body(case: Case, follow_up: FollowUp, owner: User) -> str:
    note = f"\nYour note: {follow_up.note}\n" if follow_up.note else ""
    return (
        f"Hello {owner.name},\n\n"
        f"A follow-up on case {case.ref} ({_topic(case)}) fell due on "
        f"{follow_up.due_at:%Y-%m-%d %H:%M} UTC. You own this case until the customer "
        "confirms the problem is solved: please check in with them and record what you "
        f"agreed.\n{note}\nThis reminder is sent once for this follow-up.\n"
    )
