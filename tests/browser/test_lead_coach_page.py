"""The lead's coach settings in the browser: each rule says what it flags in plain words
(no template placeholders) and every severity menu shows its whole choice."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.browser.conftest import LiveServer, screenshot

# Each <select> whose chosen text is wider than the box it is drawn in (cut off).
CUT_MENUS = """() => [...document.querySelectorAll('select')].filter(s => {
  const probe = document.createElement('span');
  probe.textContent = s.options[s.selectedIndex].text;
  probe.style.font = getComputedStyle(s).font;
  probe.style.position = 'absolute';
  document.body.appendChild(probe);
  const cut = probe.getBoundingClientRect().width + 24 > s.clientWidth;
  probe.remove();
  return cut;
}).map(s => s.name)"""


def test_coach_settings_read_plainly_and_show_whole_severity_menus(
    lead_page: Any, live_server: LiveServer, tmp_path: Path
) -> None:
    lead_page.goto("/lead/coach")
    text = lead_page.locator("main").inner_text()
    assert "{match}" not in text and "{" not in text
    assert "refuses without offering another way" in text
    screenshot(lead_page, live_server, "lead-coach", tmp_path)
    assert lead_page.evaluate(CUT_MENUS) == []
