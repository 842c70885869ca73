"""The shop's product pages and product images, which product cards link to.

Public, like the widget's routes: shoppers open them from a chat. The demo shop has no
photographs, so each product's image is drawn here from its brand, name and category: a PNG
(WhatsApp shows JPEG and PNG only), drawn once per process and product.
"""

from __future__ import annotations

import asyncio
import html
import io
import textwrap
from functools import lru_cache
from pathlib import Path
from string import Template

import matplotlib
from aiohttp import web
from PIL import Image, ImageDraw, ImageFont

from bot.shop import ShopBackend, ShopUnavailable
from bot.shop.types import ProductView
from bot.text.formatting import money
from bot.text.vocabulary import shopping_words

PUBLIC_PREFIX = "/products/"
PAGE = Template((Path(__file__).parent / "static" / "product.html").read_text("utf-8"))
# Matplotlib (a dependency already) ships DejaVu Sans, which has every Turkish letter.
FONT = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
SIZE = 480
COLOURS = ("#7a2e0e", "#175cd3", "#027a48", "#c11574", "#6941c6", "#b54708", "#0e7090")
CACHE = {"Cache-Control": "public, max-age=3600"}


def is_public(path: str) -> bool:
    """Product pages and images need no login."""
    return path.startswith(PUBLIC_PREFIX)


def _colour(category: str) -> str:
    return COLOURS[sum(map(ord, category)) % len(COLOURS)]


@lru_cache(maxsize=1024)
def draw_image(name: str, brand: str, category: str) -> bytes:
    """A product picture: the brand above the name, the category below, on its colour."""
    image = Image.new("RGB", (SIZE, SIZE), _colour(category))
    canvas = ImageDraw.Draw(image)
    big = ImageFont.truetype(str(FONT), 34)
    small = ImageFont.truetype(str(FONT), 24)
    canvas.text((36, 40), brand, font=small, fill="#ffffffcc")
    lines = textwrap.wrap(name, width=22)[:6]
    canvas.multiline_text((36, 110), "\n".join(lines), font=big, fill="#ffffff", spacing=10)
    canvas.text((36, SIZE - 70), category, font=small, fill="#ffffffcc")
    output = io.BytesIO()
    image.save(output, format="PNG", optimize=True)
    return output.getvalue()


class StorefrontRoutes:
    def __init__(self, shop: ShopBackend) -> None:
        self._shop = shop

    async def _product(self, request: web.Request) -> ProductView:
        try:
            found = await self._shop.product(request.match_info["product_id"])
        except ShopUnavailable as error:
            raise web.HTTPServiceUnavailable(text="the shop is unavailable") from error
        if found is None:
            raise web.HTTPNotFound(text="no such product")
        return found

    async def page(self, request: web.Request) -> web.Response:
        product = await self._product(request)
        values = {"id": product.product_id, "name": product.name, "brand": product.brand,
                  "category": product.category_name, "description": product.description,
                  "price": shopping_words()["card"]["price"].format(amount=money(product.price)),
                  "rating": f"{product.rating:.1f}".replace(".", ","),
                  "rating_count": money(product.rating_count)}
        body = PAGE.substitute({k: html.escape(str(v)) for k, v in values.items()})
        return web.Response(text=body, content_type="text/html", charset="utf-8")

    async def image(self, request: web.Request) -> web.Response:
        product = await self._product(request)
        png = await asyncio.to_thread(draw_image, product.name, product.brand,
                                      product.category_name)
        return web.Response(body=png, content_type="image/png", headers=CACHE)


def add_routes(app: web.Application, shop: ShopBackend) -> None:
    """Register the public routes; `is_public` must cover every path added here."""
    routes = StorefrontRoutes(shop)
    app.add_routes([
        web.get(PUBLIC_PREFIX + "{product_id:\\d+}", routes.page),
        web.get(PUBLIC_PREFIX + "{product_id:\\d+}/image.png", routes.image),
    ])
