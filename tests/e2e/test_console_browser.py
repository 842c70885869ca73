"""The agent console in a real headless Chromium (Debian's), driven by Playwright."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from bot.settings import Settings
from tests.e2e.browser import ARTIFACTS, CHROMIUM_FLAGS, chromium_path
from tests.e2e.test_rest_conversation import Shopper
from tests.web.conftest import PASSWORD, base

pytestmark = pytest.mark.e2e

def test_agent_logs_in_claims_replies_and_resolves(product: Settings) -> None:
    shopper = Shopper(product)
    assert "müşteri temsilcimize" in shopper.says("temsilciyle görüşmek istiyorum lütfen")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(),
                                             args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(base(product) + "/console")
        expect(page).to_have_url(base(product) + "/login")
        page.fill("#username", "temsilci")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        expect(page.locator("#me")).to_have_text("Zeynep")
        waiting = page.locator("#waiting li", has_text="görüşmek istiyorum lütfen")
        expect(waiting).to_contain_text("Temsilci istedi")
        waiting.locator("button").click()
        expect(page.locator("#transcript")).to_contain_text("temsilciyle görüşmek istiyorum")
        page.fill("#reply", "Merhaba, ben Zeynep; size nasıl yardımcı olabilirim?")
        page.click("#send")
        expect(page.locator("#transcript li.agent")).to_contain_text("ben Zeynep")
        # The agent has the chat, so the bot stays silent; the console shows the message
        # without a reload.
        assert shopper.sends("siparişim 10045823 gecikti <b>ACİL</b><img src=x>") == []
        expect(page.locator("#transcript")).to_contain_text(
            "siparişim 10045823 gecikti <b>ACİL</b><img src=x>")  # text, never markup
        expect(page.locator("#transcript b, #transcript img")).to_have_count(0)
        page.screenshot(path=str(ARTIFACTS / "console.png"), full_page=True)
        page.click("#resolve")
        expect(page.locator("#chat")).to_be_hidden()
        browser.close()
    assert Path(ARTIFACTS / "console.png").stat().st_size > 10_000
