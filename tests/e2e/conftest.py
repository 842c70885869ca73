"""The e2e suite's product: its fixtures live in tests/e2e/product.py, registered once for
the whole session by tests/conftest.py; the names stay importable from here. The browser
tests share one Chromium per module."""

from typing import Iterator

import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.e2e.browser import CHROMIUM_FLAGS, chromium_path
from tests.e2e.product import WHATSAPP, Product

__all__ = ["WHATSAPP", "Product"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_path(),
                                              args=CHROMIUM_FLAGS)
        yield launched
        launched.close()
