"""``HttpShopBackend`` when the shop's API misbehaves: slow, failing, answering another
shape or not listening all become ``ShopUnavailable`` (the shopper hears so politely), and
a refusal is told apart from an outage."""

from __future__ import annotations

import asyncio
import time
from datetime import date, datetime
from typing import Any

import pytest
import requests
from aiohttp import web

from bot.shop import ShopUnavailable
from bot.shop.http import HttpShopBackend
from bot.text.contacts import Contact
from tools.loopback import free_port
from tools.shop_api import serving, serving_app

SECRET = "s3cret"


async def _slow(_request: web.Request) -> web.Response:
    await asyncio.sleep(3)
    return web.json_response({})


async def _broken(_request: web.Request) -> web.Response:
    return web.json_response({"error": "boom"}, status=500)


async def _other_shape(_request: web.Request) -> web.Response:
    return web.json_response({"order_id": "10045821", "total": "not money"})


async def _not_json(_request: web.Request) -> web.Response:
    return web.Response(text="{not json", content_type="application/json")


async def _refused(_request: web.Request) -> web.Response:
    return web.json_response({"error": "not eligible"}, status=422)


async def _whoami(request: web.Request) -> web.Response:
    if request.headers.get("Authorization") != f"Bearer {SECRET}":
        return web.json_response({"error": "who are you"}, status=401)
    return web.json_response({"customer_id": "7", "full_name": "Deniz", "email": "d@x.com",
                              "phone": "5321234567", "city": "İzmir"})


@pytest.fixture(scope="module")
def api() -> Any:
    app = web.Application()
    app.add_routes([
        web.get("/policies", _slow),
        web.get("/customers/1/orders/10045821", _broken),
        web.get("/customers/2/orders/10045821", _other_shape),
        web.get("/customers/3/orders/10045821", _not_json),
        web.post("/customers/4/orders/10045824/returns", _refused),
        web.get("/customers/7", _whoami),
    ])
    with serving_app(app) as url:
        yield url


def test_a_slow_shop_is_unavailable_within_the_timeout(api: str) -> None:
    shop = HttpShopBackend(api, token="", timeout=0.3)
    started = time.monotonic()
    with pytest.raises(ShopUnavailable):
        asyncio.run(shop.policies())
    assert time.monotonic() - started < 1.5


@pytest.mark.parametrize("customer_id", ["1", "2", "3"])
def test_errors_and_other_shapes_are_outages(api: str, customer_id: str) -> None:
    shop = HttpShopBackend(api, token="", timeout=5)
    with pytest.raises(ShopUnavailable):
        asyncio.run(shop.order_for_customer("10045821", customer_id))


def test_a_shop_that_is_not_listening_is_unavailable() -> None:
    shop = HttpShopBackend(f"http://127.0.0.1:{free_port()}", token="", timeout=5)
    with pytest.raises(ShopUnavailable):
        asyncio.run(shop.order_for_contact("10045821", Contact("email", "a@b.co")))


def test_a_refused_return_is_not_an_outage(api: str) -> None:
    shop = HttpShopBackend(api, token="", timeout=5)
    with pytest.raises(ValueError) as raised:
        asyncio.run(shop.open_return("10045824", "4", ["1"], "size", datetime(2026, 11, 22),
                                     date(2026, 11, 22)))
    assert not isinstance(raised.value, ShopUnavailable)


def test_the_token_is_sent(api: str) -> None:
    assert asyncio.run(HttpShopBackend(api, token=SECRET).customer("7")).full_name == "Deniz"
    with pytest.raises(ShopUnavailable):
        asyncio.run(HttpShopBackend(api, token="wrong").customer("7"))


class _Unused:
    """A backend the reference server never gets to call: the requests are malformed."""


@pytest.mark.parametrize("path, body", [
    ("/products/suggest", "{not json"),
    ("/products/suggest", '{"mode": "psychic"}'),
    ("/orders/lookup", '{"email": "a@b.co"}'),
    ("/customers/1/orders/2/returns", '{"line_ids": "1", "reason": "size"}'),
])
def test_the_reference_server_answers_bad_requests_with_400(path: str, body: str) -> None:
    with serving(_Unused()) as url:  # type: ignore[arg-type]
        answer = requests.post(url + path, data=body, timeout=5)
    assert answer.status_code == 400 and "error" in answer.json()
