"""The e2e suite's product: its fixtures live in tests/e2e/product.py, registered once for
the whole session by tests/conftest.py; the names stay importable from here."""

from tests.e2e.product import WHATSAPP, Product

__all__ = ["WHATSAPP", "Product"]
