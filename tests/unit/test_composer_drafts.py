"""The composer's handling of coach findings: the words a suggestion offers, the draft
underlined without ever emitting the agent's text unescaped, and one-click fixes."""

from __future__ import annotations

from frontliner.coach import Finding, Severity
from frontliner.web.pages.drafts import apply_suggestion, shown_findings, underline, wording

CANT = ('Say what you can do: "That can\'t be done, but what I can do is offer you a credit '
        'or walk you through "Returns"."')


def test_wording_is_the_quoted_example_including_what_follows_it() -> None:
    assert wording(CANT) == ("That can't be done, but what I can do is offer you a credit or "
                             'walk you through "Returns".')
    assert wording('Own it: "I\'ll pass this on." What I can do now is offer a refund.') == (
        "I'll pass this on. What I can do now is offer a refund.")
    assert wording('End with a question ("Shall I go ahead?").') == "Shall I go ahead?"
    assert wording("Take it on: say what you will do.") is None  # advice, no words
    assert wording('Name it ("a week late") and act.') is None  # not a sentence


def test_one_click_replaces_the_flagged_sentence_in_the_flow_of_the_draft() -> None:
    draft = "Hi Ann, I can't refund that. Regards, Sam"
    fixed = apply_suggestion(draft, Finding("cant", 8, 22, Severity.ERROR, "refusal", CANT))
    assert fixed == ("Hi Ann, that can't be done, but what I can do is offer you a credit or "
                     'walk you through "Returns". Regards, Sam')


def test_one_click_adds_a_missing_apology_first_and_a_missing_next_step_last() -> None:
    draft = "The parcel left today."
    apology = Finding("no-apology", 0, len(draft), Severity.WARNING, "no apology",
                      'Start with a plain apology: "I\'m sorry this happened."')
    step = Finding("no-next-step", 0, len(draft), Severity.WARNING, "no step",
                   'End with a question ("Shall I go ahead?").')
    assert apply_suggestion(draft, apology) == "I'm sorry this happened. The parcel left today."
    assert apply_suggestion(draft, step) == "The parcel left today. Shall I go ahead?"


def test_underlined_draft_escapes_everything_and_marks_each_phrase_once() -> None:
    draft = "<b>No</b> we can't & won't"
    findings = [Finding("cant", 10, 19, Severity.ERROR, "m", None),
                Finding("bare-no", 12, 19, Severity.WARNING, "m", None),  # overlaps
                Finding("no-thanks", 0, len(draft), Severity.INFO, "m", None)]
    html = str(underline(draft, shown_findings(findings, draft)))
    assert html.startswith("&lt;b&gt;No&lt;/b&gt; ")
    assert html.count("<mark") == 1 and "we can&#39;t" in html and "&amp; won&#39;t" in html
