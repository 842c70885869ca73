"""The agent console in a real headless Chromium (Debian's), driven by Playwright."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from bot.settings import PROJECT_ROOT, Settings
from tests.e2e.test_rest_conversation import Shopper
from tests.web.conftest import PASSWORD, base

pytestmark = pytest.mark.e2e
ARTIFACTS = PROJECT_ROOT / "tests" / "artifacts"
CHROMIUM_FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]


def chromium_path() -> str:
    path = shutil.which("chromium")
    if path is None:
        pytest.fail("Debian's chromium is missing: `make browser` installs it")
    return path


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
        assert shopper.sends("siparişim 10045823 gecikti") == []
        expect(page.locator("#transcript")).to_contain_text("siparişim 10045823 gecikti")
        page.screenshot(path=str(ARTIFACTS / "console.png"), full_page=True)
        page.click("#resolve")
        expect(page.locator("#chat")).to_be_hidden()
        browser.close()
    assert Path(ARTIFACTS / "console.png").stat().st_size > 10_000
