"""rasa-webchat, the web client many Rasa shops embed, against the real product.

It knows only Rasa's socket.io message shapes; everything Asistan sends must still show:
text, buttons, a product card (a generic template) and an agent's reply. The page is served
by Playwright itself, from another origin than Rasa's, as a shop's own site would be.
"""

from __future__ import annotations

import re
from typing import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from bot.settings import Settings
from tests.e2e.browser import CHROMIUM_FLAGS, chromium_path, screenshot
from tests.web.conftest import base, login
from tools.npm_assets import RASA_WEBCHAT, ensure

pytestmark = pytest.mark.e2e
SLOW = 30_000
SHOP = "http://shop.example"
PAGE = """<!doctype html><html lang="tr"><head><meta charset="utf-8"><title>Mağaza</title>
</head><body><div id="webchat"></div><script src="/webchat.js"></script><script>
WebChat.default({selector: "#webchat", socketUrl: "%s", socketPath: "/socket.io/",
  embedded: true, initPayload: "merhaba", title: "Asistan", customData: {language: "tr"},
  params: {storage: "session"}}, null);
</script></body></html>"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_path(),
                                              args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


@pytest.fixture()
def page(browser: Browser, product: Settings) -> Iterator[Page]:
    script = ensure(RASA_WEBCHAT).read_bytes()
    context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="tr-TR")
    shop_page = context.new_page()
    shop_page.route(f"{SHOP}/webchat.js", lambda route: route.fulfill(
        body=script, content_type="text/javascript"))
    shop_page.route(f"{SHOP}/", lambda route: route.fulfill(
        body=PAGE % product.chat_public_url, content_type="text/html; charset=utf-8"))
    yield shop_page
    context.close()


def test_text_buttons_a_product_card_and_an_agents_reply_all_show(
        product: Settings, page: Page) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{SHOP}/")
    messages = page.locator(".rw-messages-container")
    expect(messages).to_contain_text(re.compile("[Bb]en Asistan"), timeout=SLOW)
    say = page.locator("textarea.rw-new-message, input.rw-new-message")

    say.fill("1000 TL altı mutfak ürünleri öner")
    say.press("Enter")
    card = page.locator(".rw-carousel-card").first
    expect(card).to_be_visible(timeout=SLOW)
    expect(card.locator(".rw-carousel-card-subtitle")).to_have_text(re.compile(r"^[\d.,]+ TL$"))
    expect(card).to_contain_text("Benzerlerini göster")
    expect(page.locator(".rw-reply", has_text="Daha fazla göster")).to_be_visible(timeout=SLOW)

    say.fill("temsilciyle görüşmek istiyorum")
    say.press("Enter")
    expect(messages).to_contain_text("müşteri temsilcimize", timeout=SLOW)
    session_id = page.evaluate(
        "JSON.parse(sessionStorage.getItem('chat_session')).session_id")
    agent = login(product, "temsilci")
    waiting = agent.get(base(product) + "/api/queue", timeout=10).json()["waiting"]
    ticket = next(t for t in waiting if t["conversation_id"] == session_id)
    tickets = f"{base(product)}/api/tickets/{ticket['id']}"
    assert agent.post(f"{tickets}/claim", timeout=10).ok
    assert agent.post(f"{tickets}/reply", timeout=20,
                      json={"text": "Merhaba, ben Zeynep; hemen bakıyorum."}).ok
    expect(messages).to_contain_text("ben Zeynep; hemen bakıyorum", timeout=SLOW)
    screenshot(page, "rasa-webchat.png")
    assert agent.post(f"{tickets}/resolve", timeout=20).ok
    assert errors == []
