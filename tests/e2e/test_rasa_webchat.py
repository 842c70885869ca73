"""rasa-webchat, the web client many Rasa shops embed, against the real product.

It knows only Rasa's socket.io message shapes; everything Asistan sends must still show:
text, buttons, a product card (a generic template) and an agent's reply. The page comes
from a small web server of the test's own, another origin than Rasa's, as a shop's site
would be (on loopback: Chromium keeps other pages from calling loopback addresses).
"""

from __future__ import annotations

import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from bot.settings import Settings
from tests.e2e.browser import screenshot
from tests.web.conftest import base, login
from tools.npm_assets import RASA_WEBCHAT, ensure

pytestmark = pytest.mark.e2e
SLOW = 30_000
PAGE = """<!doctype html><html lang="tr"><head><meta charset="utf-8"><title>Mağaza</title>
</head><body><div id="webchat"></div><script src="/webchat.js"></script><script>
WebChat.default({selector: "#webchat", socketUrl: "%s", socketPath: "/socket.io/",
  embedded: true, initPayload: "merhaba", title: "Asistan", customData: {language: "tr"},
  params: {storage: "session"}}, null);
</script></body></html>"""


@pytest.fixture(scope="module")
def shop_site(product: Settings) -> Iterator[str]:
    """A shop's page embedding rasa-webchat, pointed at the product's socket.io."""
    files = {"/": (PAGE % product.chat_public_url).encode(), "/webchat.js":
             ensure(RASA_WEBCHAT).read_bytes()}

    class Site(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802  (http.server's name)
            body = files.get(self.path)
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/javascript" if self.path.endswith(".js")
                             else "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Site)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture()
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="tr-TR")
    yield context.new_page()
    context.close()


def test_text_buttons_a_product_card_and_an_agents_reply_all_show(
        product: Settings, shop_site: str, page: Page) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{shop_site}/")
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
