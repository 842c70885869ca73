"""Product pages and images (what product cards link to): public, real HTTP, a real store."""

from __future__ import annotations

import requests
from sqlalchemy import select

from bot.database.engine import Database
from bot.store.models import Product
from bot.web.storefront import is_public
from tests.web.conftest import base


def _first_product(console) -> Product:
    store = Database(f"sqlite:///{console.runtime_dir / 'store.db'}")
    with store.unit_of_work() as session:
        product = session.execute(select(Product).order_by(Product.id)).scalars().first()
        session.expunge(product)
    store.dispose()
    return product


def test_a_product_page_needs_no_login(console) -> None:
    product = _first_product(console)
    page = requests.get(f"{base(console)}/products/{product.id}", allow_redirects=False,
                        timeout=10)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert product.name in page.text and f"/products/{product.id}/image.png" in page.text


def test_a_product_image_is_a_png(console) -> None:
    product = _first_product(console)
    image = requests.get(f"{base(console)}/products/{product.id}/image.png", timeout=10)
    assert image.status_code == 200 and image.headers["Content-Type"] == "image/png"
    assert image.content.startswith(b"\x89PNG")


def test_unknown_products_are_404_and_other_paths_stay_private(console) -> None:
    assert requests.get(f"{base(console)}/products/999999", timeout=10).status_code == 404
    assert requests.get(f"{base(console)}/products/abc", timeout=10,
                        allow_redirects=False).status_code in (302, 404)
    assert is_public("/products/1") and not is_public("/console")
