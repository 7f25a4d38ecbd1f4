"""Reply review in the browser: a lead finds a reply in the review queue, agrees or
disagrees with each finding and adds one the coach missed by selecting words of the
reply; an agent's own coaching page shows their trend, best replies and the reviews of
their replies, and nothing of a colleague's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tests.browser.conftest import BrowserDesk, LiveServer, screenshot

from frontliner.desk import interactions, reply_review
from frontliner.desk.model import ReplyReview, SentFinding, SentReply

DAY = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)  # a day no other test sends on
EMPATHY = "I completely understand how you feel. We can't refund that, sorry."
GOOD = ("Sorry, and thank you for telling us! A new kettle ships today; I will send you "
        "the tracking number by Friday.")

SELECT_WORDS = """(words) => {
  const box = document.getElementById('reply-text');
  const node = box.firstChild;
  const at = node.textContent.indexOf(words);
  const range = document.createRange();
  range.setStart(node, at);
  range.setEnd(node, at + words.length);
  const chosen = window.getSelection();
  chosen.removeAllRanges();
  chosen.addRange(range);
  box.dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
}"""


def send(desk: BrowserDesk, body: str, at: datetime | None = None, by: Any = None) -> int:
    author = by or desk.agent
    case = desk.open_case("Kettle arrived broken", "My kettle is broken and nobody answers!",
                          by=author)
    reply = desk.run(interactions.record_outbound, author, case.id, body, now=at)
    with desk.uow_factory() as uow:
        [kept] = uow.find(SentReply, interaction_id=reply.id)
        return int(kept.id or 0)


def test_lead_reviews_a_reply_from_the_queue_and_adds_a_missed_finding_by_selecting_words(
    lead_page: Any, browser_desk: BrowserDesk, live_server: LiveServer, tmp_path: Path
) -> None:
    bad = send(browser_desk, EMPATHY, DAY)
    send(browser_desk, GOOD, DAY + timedelta(hours=1))
    page = lead_page

    page.goto("/lead")
    page.get_by_role("link", name="Reply review").click()
    page.get_by_label("From").fill("2026-03-02")
    page.get_by_label("To").fill("2026-03-02")
    page.get_by_role("button", name="Show").click()
    lowest = page.locator("#review-lowest tbody tr")
    assert lowest.count() == 2
    assert "Sam Agent" in lowest.first.inner_text() and "can't refund" in lowest.first.inner_text()
    screenshot(page, live_server, "lead-reviews-queue", tmp_path)

    lowest.first.get_by_role("link", name="Review").click()
    page.wait_for_url(f"**/lead/reviews/{bad}")
    for verdict in page.locator("fieldset.finding-verdict").all():
        wrong = "no-thanks" in verdict.inner_text()
        verdict.get_by_label("Disagree: this is not a problem here" if wrong
                             else "Agree: the coach is right").check()
    page.get_by_label("Rule").select_option("feelings")
    page.evaluate(SELECT_WORDS, "how you feel")
    assert page.get_by_label("Words of the reply", exact=True).input_value() == "how you feel"
    assert page.get_by_label("These words of the reply:").is_checked()
    page.get_by_label("Note for the agent").fill("Say what you can do instead.")
    screenshot(page, live_server, "lead-review-form", tmp_path)
    page.get_by_role("button", name="Save review").click()

    assert page.get_by_role("status").inner_text() == "Review saved."
    assert page.get_by_label("feelings on", exact=False).is_checked()  # kept for next time
    with browser_desk.uow_factory() as uow:
        [saved] = uow.find(ReplyReview, sent_reply_id=bad)
        start = EMPATHY.index("how you feel")
        assert saved.missed == [{"rule": "feelings", "start": start, "end": start + 12}]
        judged = {v["rule"]: v["agree"] for v in saved.verdicts}
        assert judged["hollow-empathy"] is True and judged.get("no-thanks") is not True
        assert saved.note == "Say what you can do instead."


def test_my_coaching_shows_my_trend_best_replies_and_reviews_and_no_colleagues_work(
    agent_page: Any, browser_desk: BrowserDesk, live_server: LiveServer, tmp_path: Path
) -> None:
    desk = browser_desk
    reviewed = send(desk, EMPATHY)
    send(desk, GOOD)
    send(desk, "Kim's own words: we cannot help, try elsewhere.", by=desk.agent2)
    with desk.uow_factory() as uow:
        findings = uow.find(SentFinding, sent_reply_id=reviewed)
    desk.run(reply_review.review_reply, desk.lead, reviewed,
             {f.id or 0: f.rule != "no-thanks" for f in findings},
             [reply_review.MissedFinding("feelings", EMPATHY.index("how you feel"),
                                         EMPATHY.index("how you feel") + 12)],
             "Offer a way forward.")
    page = agent_page

    page.goto("/work")
    page.get_by_role("link", name="My coaching").click()
    page.wait_for_url("**/work/coaching")

    trend = page.locator("#coaching-trend")
    assert "hollow-empathy" in trend.inner_text()
    best = page.locator("#best-replies").inner_text()
    assert GOOD in best and EMPATHY not in best  # a 56/100 reply is no example
    reviews = page.locator("#my-reviews > li").filter(has_text="Offer a way forward.").inner_text()
    assert "reviewed by Lee Lead" in reviews
    assert "The coach was wrong about no-thanks" in reviews
    assert "Also feelings on" in reviews and "how you feel" in reviews
    assert "Kim's own words" not in page.locator("main").inner_text()
    assert "Kim Agent" not in page.locator("main").inner_text()  # no colleague, no ranking
    screenshot(page, live_server, "agent-my-coaching", tmp_path)
