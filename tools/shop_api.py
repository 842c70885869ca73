"""The shop JSON API of docs/shop-api.md, served from any :class:`bot.shop.ShopBackend`.

The reference a shop's developers can read next to the document, and the local server the
tests run :class:`bot.shop.http.HttpShopBackend` against (serving the demo store). It
lives in ``tools/`` because a real shop serves this API from its own platform.
"""

from __future__ import annotations

import asyncio
import threading
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any, Awaitable, Callable, ContextManager, Iterator, List, Tuple

from aiohttp import web

from bot.shop import ShopBackend, ShopUnavailable
from bot.shop.types import ProductQuery
from bot.shop.wire import dump, load
from bot.text.contacts import Contact
from tools.loopback import free_port

Handler = Callable[[web.Request], Awaitable[Any]]


class Unprocessable(Exception):
    """Well-formed, but the shop refuses it (items that cannot be returned): 422."""


def _json(handler: Handler) -> Callable[[web.Request], Awaitable[web.Response]]:
    """The handler's answer as JSON; None is 404, bad input 400, a shop that is down 503."""
    async def respond(request: web.Request) -> web.Response:
        try:
            answer = await handler(request)
        except ShopUnavailable as error:
            return web.json_response({"error": str(error)}, status=503)
        except Unprocessable as error:
            return web.json_response({"error": str(error)}, status=422)
        except (KeyError, TypeError, ValueError, ArithmeticError) as error:
            return web.json_response({"error": f"bad request: {error}"}, status=400)
        if answer is None:
            return web.json_response({"error": "not found"}, status=404)
        return web.json_response(dump(answer))
    return respond


def shop_api(shop: ShopBackend) -> web.Application:
    async def body(request: web.Request) -> Any:
        try:
            return await request.json()
        except ValueError as error:
            raise ValueError("the body is not JSON") from error

    def ids(request: web.Request) -> Tuple[str, str]:
        return request.match_info.get("order_id", ""), request.match_info["customer_id"]

    async def lookup(request: web.Request) -> Any:
        data = await body(request)
        kind = "email" if "email" in data else "phone"
        order_id, contact = str(data["order_id"]), Contact(kind, str(data[kind]))
        return await shop.order_for_contact(order_id, contact)

    async def recent(request: web.Request) -> Any:
        limit = int(request.query.get("limit", "5"))
        return await shop.recent_orders(request.match_info["customer_id"], limit)

    async def cancel(request: web.Request) -> Any:
        now = load(datetime, (await body(request))["now"])
        return {"outcome": await shop.cancel_order(*ids(request), now)}

    async def return_options(request: web.Request) -> Any:
        today = load(date, request.query["today"])
        return await shop.return_options(*ids(request), today)

    async def open_return(request: web.Request) -> Any:
        data = await body(request)
        line_ids, reason = load(List[str], data["line_ids"]), str(data["reason"])
        now, today = load(datetime, data["now"]), load(date, data["today"])
        try:
            return await shop.open_return(*ids(request), line_ids, reason, now, today)
        except ValueError as error:
            raise Unprocessable(str(error)) from error

    async def customer_returns(request: web.Request) -> Any:
        return await shop.returns(request.match_info["customer_id"],
                                  request.query.get("order_id"))

    async def count(request: web.Request) -> Any:
        start, end = (load(datetime, request.query[name]) for name in ("start", "end"))
        return {"count": await shop.orders_placed(start, end)}

    async def suggest(request: web.Request) -> Any:
        query = load(ProductQuery, await body(request))
        return await shop.suggest_products(query)

    app = web.Application()
    customer = "/customers/{customer_id}"
    order = customer + "/orders/{order_id}"
    app.add_routes([
        web.get("/policies", _json(lambda _request: shop.policies())),
        web.post("/orders/lookup", _json(lookup)),
        web.get("/orders/count", _json(count)),
        web.get(customer, _json(lambda r: shop.customer(r.match_info["customer_id"]))),
        web.get(customer + "/orders", _json(recent)),
        web.get(order, _json(lambda r: shop.order_for_customer(*ids(r)))),
        web.post(order + "/cancel", _json(cancel)),
        web.get(order + "/return-options", _json(return_options)),
        web.post(order + "/returns", _json(open_return)),
        web.get(customer + "/returns", _json(customer_returns)),
        web.post("/products/suggest", _json(suggest)),
        web.get("/products/{product_id}",
                _json(lambda r: shop.product(r.match_info["product_id"]))),
    ])
    return app


def serving(shop: ShopBackend) -> ContextManager[str]:
    """The API of ``shop`` on a free loopback port, on a thread of its own; yields its URL."""
    return serving_app(shop_api(shop))


@contextmanager
def serving_app(app: web.Application) -> Iterator[str]:
    """``app`` on a free loopback port, on a thread of its own; yields its URL."""
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(app)
    port = free_port()
    loop.run_until_complete(runner.setup())
    loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", port).start())
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()
