"""One running product for the whole conversation suite, with a template store to restore."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.conftest import Product
from tools.loopback import seed_store

# No WhatsApp traffic in these scenarios: the Graph API address is never called.
UNUSED_GRAPH_API = "http://127.0.0.1:9/graph"


class ConversationProduct(Product):
    """The e2e product plus a copy of its freshly seeded store, seeded the same day."""

    def __init__(self, runtime: Path) -> None:
        super().__init__(runtime, UNUSED_GRAPH_API)
        self.template_store = runtime / "template.db"
        seed_store(f"sqlite:///{self.template_store}")
