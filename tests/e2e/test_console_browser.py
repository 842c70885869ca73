"""A support agent's shift in the console, in headless Chromium (Debian's), on the real
product: a new chat announced, claimed, answered with a prepared reply, noted, tagged, found
by a colleague's search (who is then shown as having it open), transferred, handed back.

The shopper writes over socket.io, as the widget does, so the agent's messages reach them.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from bot.settings import Settings
from tests.e2e.browser import (
    accessibility_problems,
    screenshot,
)
from tests.e2e.test_handoff import SocketShopper
from tests.web.conftest import PASSWORD, base

pytestmark = pytest.mark.e2e
SLOW = 30_000
# Desktop notifications are recorded, not shown: headless Chromium has no desktop.
RECORD_NOTIFICATIONS = """
window.shownNotifications = [];
window.Notification = class {
  constructor(title, options) { window.shownNotifications.push({ title, ...options }); }
  static get permission() { return "granted"; }
  static requestPermission() { return Promise.resolve("granted"); }
};
"""


def agent_page(browser: Browser, settings: Settings, username: str) -> Page:
    context: BrowserContext = browser.new_context(
        viewport={"width": 1366, "height": 768}, locale="tr-TR", bypass_csp=True)
    context.add_init_script(RECORD_NOTIFICATIONS)
    page = context.new_page()
    page.goto(base(settings) + "/console")
    expect(page).to_have_url(base(settings) + "/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("#me")).not_to_be_empty()
    return page


def in_viewport(page: Page, selector: str) -> bool:
    box = page.locator(selector).bounding_box()
    size = page.viewport_size
    return bool(box and size and box["y"] >= 0 and box["y"] + box["height"] <= size["height"])


def test_an_agents_shift(product: Settings, browser: Browser) -> None:
    zeynep = agent_page(browser, product, "temsilci")
    expect(zeynep.locator("#me")).to_have_text("Zeynep")
    zeynep.click("#notify")
    expect(zeynep.locator("#notify")).to_have_text("Bildirimler açık")

    shopper = SocketShopper(product)
    try:
        shopper.says("temsilciyle görüşmek istiyorum, kargom gelmedi")
        shopper.hears("müşteri temsilcimize")
        # Pushed to the open console: listed, announced with a desktop notification.
        waiting = zeynep.locator("#waiting li", has_text="kargom gelmedi")
        expect(waiting).to_contain_text("Temsilci istedi", timeout=SLOW)
        expect(waiting).to_contain_text("Web sitesi")
        expect(waiting).to_contain_text(re.compile(r"\d+\. sırada"))
        notes = zeynep.evaluate("window.shownNotifications")
        assert [n["title"] for n in notes] == ["Yeni sohbet bekliyor"]
        assert "Temsilci istedi" in notes[0]["body"]

        waiting.get_by_role("button", name=re.compile("Üstlen")).click()
        transcript = zeynep.locator("#transcript")
        expect(transcript).to_contain_text("kargom gelmedi")
        expect(transcript.locator("li.user time").first).to_have_text(re.compile(r"^\d\d:\d\d$"))
        expect(zeynep.locator("#chat-status")).to_have_text("Temsilcide")
        expect(zeynep.locator("#timers")).to_contain_text("bekleme")
        expect(zeynep.locator("#summary")).not_to_contain_text("action_")

        zeynep.select_option("#canned", label="Karşılama")
        expect(zeynep.locator("#reply")).to_have_value(re.compile("ben Zeynep"))
        zeynep.click("#send")
        heard = shopper.hears("ben Zeynep")
        assert heard["metadata"] == {"agent_name": "Zeynep"}
        expect(transcript.locator("li.agent")).to_contain_text("ben Zeynep")

        # The shopper's messages and typing arrive without a reload or polling.
        shopper.says("siparişim 10045823, <b>ACİL</b>")
        expect(transcript).to_contain_text("siparişim 10045823, <b>ACİL</b>", timeout=SLOW)
        expect(transcript.locator("b")).to_have_count(0)

        zeynep.fill("#reply", "Kargo firmasını aradım, yarın teslim edecekler.")
        zeynep.click("#add-note")
        expect(transcript.locator("li.note")).to_contain_text("Kargo firmasını aradım")
        zeynep.fill("#tag-input", "Kargo")
        zeynep.press("#tag-input", "Enter")
        expect(zeynep.locator("#tag-list")).to_contain_text("kargo")
        assert in_viewport(zeynep, "#reply") and in_viewport(zeynep, "#send")  # 1366x768
        screenshot(zeynep, "console.png")
        assert accessibility_problems(zeynep) == []

        # A supervisor finds the chat by its tag and opens it: Zeynep is warned.
        burak = agent_page(browser, product, "yonetici")
        burak.fill("#search", "kargo")
        burak.press("#search", "Enter")
        found = burak.locator("#found li").first
        expect(found).to_contain_text("#kargo")
        found.get_by_role("button", name=re.compile("Aç")).click()
        expect(burak.locator("#transcript li.note")).to_contain_text("Kargo firmasını aradım")
        expect(zeynep.locator("#presence")).to_have_text(
            re.compile("başka bir temsilcide de açık: Burak"))
        burak.click("#manage-canned")  # supervisors keep the prepared replies
        burak.fill("#canned-name", "Teşekkür")
        burak.fill("#canned-text", "Teşekkür ederiz {customer_name}, iyi günler!")
        burak.locator("#canned-form button[type=submit]").click()
        expect(burak.locator("#canned-list")).to_contain_text("Teşekkür")
        expect(burak.locator("#canned option", has_text="Teşekkür")).to_have_count(1)
        burak.click("#canned-close")
        burak.context.close()
        expect(zeynep.locator("#presence")).to_be_hidden(timeout=SLOW)

        zeynep.locator("#transfer-menu summary").click()
        zeynep.get_by_role("button", name="Emre temsilcisine aktar").click()
        expect(zeynep.locator("#chat")).to_be_hidden()

        emre = agent_page(browser, product, "temsilci2")
        emre.locator("#tab-mine").click()
        emre.locator("#mine li", has_text="kargom gelmedi").get_by_role(
            "button", name=re.compile("Aç")).click()
        expect(emre.locator("#transcript li.note")).to_contain_text("Kargo firmasını")
        emre.set_viewport_size({"width": 390, "height": 844})  # a phone: the chat alone
        expect(emre.locator("#inbox")).to_be_hidden()
        assert in_viewport(emre, "#reply")
        screenshot(emre, "console-phone.png")
        emre.click("#resolve")  # the one hand-back button: the bot asks for a rating
        shopper.hears("puanlar mısınız")
        expect(emre.locator("#inbox")).to_be_visible()
        emre.locator("#tab-resolved").click()
        expect(emre.locator("#resolved li", has_text="kargom gelmedi")).to_be_visible()
        emre.context.close()
    finally:
        shopper.close()
        zeynep.context.close()
