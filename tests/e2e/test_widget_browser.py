"""The website widget on the demo storefront, in headless Chromium, against the real product.

The shopper only does what a shopper can: open the page, click, type, press Enter, lose the
network. Every check is on text the page shows.
"""

from __future__ import annotations

import re
import time
from typing import Iterator

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from bot.settings import Settings
from tests.e2e.browser import (
    accessibility_problems,
    screenshot,
)
from tests.e2e.conftest import Product
from tests.web.conftest import base, login

pytestmark = pytest.mark.e2e
SLOW = 30_000  # ms: the bot's first answers and socket.io's reconnection back-off
GREETING = re.compile("[Bb]en Asistan")


@pytest.fixture()
def page(browser: Browser) -> Iterator[Page]:
    """A new visitor: a context of its own, so no session is left from another test."""
    context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="tr-TR",
                                  bypass_csp=True)  # for axe-core's script
    yield context.new_page()
    context.close()


class Widget:
    """The widget as a shopper sees it on the page."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.launcher = page.get_by_role("button", name=re.compile("Asistan ile sohbet"))
        self.log = page.get_by_role("log", name="Sohbet mesajları")
        self.input = page.get_by_role("textbox", name="Mesajınız")

    def visit(self, settings: Settings) -> Widget:
        self.page.goto(base(settings) + "/")
        expect(self.page.get_by_text("Asistan Demo Mağaza").first).to_be_visible()
        return self

    def open(self) -> None:
        self.launcher.click()
        expect(self.input).to_be_focused()

    def say(self, text: str) -> None:
        self.input.fill(text)
        self.input.press("Enter")
        expect(self.shopper_messages.last).to_contain_text(text)

    def bot_says(self, fragment: str | re.Pattern) -> Locator:
        message = self.bot_messages.filter(has_text=fragment).last
        expect(message).to_be_visible(timeout=SLOW)
        return message

    @property
    def bot_messages(self) -> Locator:
        return self.log.locator("li.msg.bot")

    @property
    def shopper_messages(self) -> Locator:
        return self.log.locator("li.msg.user")

    def session_id(self) -> str:
        return self.page.evaluate("JSON.parse(localStorage.getItem('asistan.session'))")


def test_shopper_chats_gets_cards_tracks_an_order_and_keeps_it_after_reload(
        product: Settings, page: Page) -> None:
    widget = Widget(page).visit(product)
    expect(widget.log).to_be_hidden()
    widget.open()
    expect(page.get_by_role("dialog", name="Asistan")).to_be_visible()
    expect(page.get_by_text("Çevrimiçi")).to_be_visible(timeout=SLOW)
    starts = widget.log.get_by_role("group", name="Hızlı başlangıç")
    expect(starts.get_by_role("button")).to_have_count(4)
    assert accessibility_problems(page) == []

    widget.say("merhaba")
    widget.bot_says(GREETING)

    widget.say("1000 TL altı mutfak ürünleri öner")
    cards = widget.log.locator(".card")
    expect(cards.first).to_be_visible(timeout=SLOW)
    expect(cards.first.locator(".card-price")).to_have_text(re.compile(r"^[\d.]+(,\d\d)? TL$"))
    expect(cards.first).to_contain_text(re.compile(r"\d,\d / 5 · [\d.]+ değerlendirme"))
    expect(cards.first.get_by_role("link", name="İncele")).to_have_attribute(
        "href", re.compile("/products/"))
    shown = cards.count()
    more = widget.log.get_by_role("button", name="Daha fazla göster")
    more.focus()
    page.keyboard.press("Enter")  # buttons work from the keyboard
    expect(more).to_be_disabled()
    expect(widget.shopper_messages.last).to_have_text(re.compile("Daha fazla göster"))
    expect(cards).not_to_have_count(shown, timeout=SLOW)
    cards.last.scroll_into_view_if_needed()
    cards_shown = cards.count()
    screenshot(page, "widget-desktop.png")

    widget.say("siparişim nerede")
    widget.bot_says("Sipariş numaranızı")
    widget.say("10045821")
    widget.bot_says("e-posta")
    widget.say("ayse.yilmaz@example.com")
    answer = widget.bot_says("10045821 numaralı siparişiniz")
    expect(answer).to_contain_text("Takip numarası")

    page.reload()
    widget.open()
    expect(widget.bot_messages.filter(has_text="10045821 numaralı siparişiniz")).to_be_visible(
        timeout=SLOW)
    expect(cards).to_have_count(cards_shown)  # cards come back as cards, not text
    assert accessibility_problems(page) == []
    expect(widget.shopper_messages.filter(has_text="merhaba")).to_be_visible()
    expect(widget.shopper_messages.filter(has_text="Daha fazla göster")).to_be_visible()
    expect(widget.log).not_to_contain_text("/more_products")

    page.set_viewport_size({"width": 375, "height": 667})
    panel = page.get_by_role("dialog", name="Asistan")
    viewport_width = page.evaluate("document.documentElement.clientWidth")
    expect(panel).to_have_css("width", f"{viewport_width}px")  # full screen on a phone
    expect(widget.launcher).to_be_hidden()
    screenshot(page, "widget-phone.png")
    page.keyboard.press("Escape")
    expect(panel).to_be_hidden()
    expect(widget.launcher).to_be_focused()


def test_a_message_written_offline_survives_a_reload_and_goes_out_on_reconnect(
        product: Settings, page: Page) -> None:
    widget = Widget(page).visit(product)
    widget.open()
    widget.say("merhaba")
    widget.bot_says(GREETING)

    # The browser goes offline: socket.io closes its connection at once ("offline" event).
    page.context.set_offline(True)
    expect(page.get_by_text("Bağlantı yeniden kuruluyor…")).to_be_visible()
    widget.say("siparişim nerede")
    notice = widget.log.get_by_text("Bağlantı koptu; mesajınız bağlantı gelince gönderilecek.")
    expect(notice).to_be_visible()

    # Back online, but Rasa's socket.io still unreachable: the page reloads, the message stays.
    page.route("**/socket.io/**", lambda route: route.abort())
    page.context.set_offline(False)
    page.reload()
    widget.open()
    expect(widget.shopper_messages.last).to_contain_text("siparişim nerede")
    expect(notice).to_be_visible()
    expect(widget.bot_messages.filter(has_text=GREETING)).to_be_visible()

    page.unroute("**/socket.io/**")
    expect(notice).to_have_count(0, timeout=SLOW)
    widget.bot_says("Sipariş numaranızı")
    expect(page.get_by_text("Çevrimiçi")).to_be_visible()


def test_an_agent_reply_reaches_the_widget_with_the_agents_name(
        product: Settings, page: Page) -> None:
    widget = Widget(page).visit(product)
    widget.open()
    widget.say("temsilciyle görüşmek istiyorum")
    widget.bot_says("müşteri temsilcimize")
    status = page.locator("#asistan-widget .status")
    expect(status).to_have_text(re.compile(r"Temsilci sırasında: \d+\. sıradasınız"))
    widget.say("<b>acil</b> <img src=x onerror=alert(1)>")  # shown as typed, never as HTML
    page.keyboard.press("Escape")  # the shopper closes the chat and keeps browsing

    agent = login(product, "temsilci")
    waiting = agent.get(base(product) + "/api/queue", timeout=10).json()["waiting"]
    ticket = next(t for t in waiting if t["conversation_id"] == widget.session_id())
    tickets = f"{base(product)}/api/tickets/{ticket['id']}"
    assert agent.post(f"{tickets}/claim", timeout=10).ok
    expect(status).to_have_text("Zeynep · Müşteri temsilcisi", timeout=SLOW)  # pushed
    assert agent.post(f"{tickets}/typing", timeout=10).ok
    expect(page.locator("#asistan-widget .typing")).to_have_text("Zeynep yazıyor…")
    assert agent.post(f"{tickets}/reply", timeout=20,
                      json={"text": "Merhaba, ben Zeynep. <i>Size</i> hemen yardımcı olayım."}).ok

    expect(widget.launcher).to_have_accessible_name(re.compile("yeni mesaj"), timeout=SLOW)
    widget.open()
    reply = widget.log.locator("li.msg.agent").filter(has_text="ben Zeynep")
    expect(reply).to_be_visible()
    expect(reply).to_contain_text("Zeynep · Müşteri temsilcisi")
    expect(reply).to_contain_text("<i>Size</i>")
    expect(widget.shopper_messages.last).to_contain_text("<b>acil</b> <img src=x")
    expect(widget.log.locator("b, i, img")).to_have_count(0)
    screenshot(page, "widget-agent.png")

    page.reload()  # the agent's message comes back from the history, still labelled
    widget.open()
    expect(reply).to_contain_text("Zeynep · Müşteri temsilcisi", timeout=SLOW)
    assert agent.post(f"{tickets}/resolve", timeout=20).ok

    # The rating: five stars and a skip button that sends nothing.
    stars = widget.log.get_by_role("group", name="Puanınız (1-5 yıldız)")
    expect(stars.get_by_role("button", name=re.compile("yıldız"))).to_have_count(5, timeout=SLOW)
    expect(status).to_have_text("Çevrimiçi", timeout=SLOW)
    sent = widget.shopper_messages.count()
    stars.get_by_role("button", name="Geç").click()
    expect(widget.log.get_by_text("Değerlendirmeyi geçtiniz.")).to_be_visible()
    expect(stars.get_by_role("button", name="5 yıldız")).to_be_disabled()
    assert widget.shopper_messages.count() == sent


def test_a_closed_tab_leaves_no_server_error(running_product: Product,
                                             browser: Browser) -> None:
    context = browser.new_context(locale="tr-TR")
    widget = Widget(context.new_page()).visit(running_product.settings)
    widget.open()
    expect(widget.page.get_by_text("Çevrimiçi")).to_be_visible(timeout=SLOW)
    widget.page.wait_for_timeout(1500)  # socket.io moves from polling to its websocket
    context.close()
    time.sleep(2)  # the server notices the closed websocket
    logs = "".join(log.read_text("utf-8", "replace")
                   for log in (running_product.runtime / "logs").glob("*.out"))
    assert "Invalid response type" not in logs
