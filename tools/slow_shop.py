"""The demo store with one slow look-up, for the tests that show a slow query keeps only
its own shopper waiting (``SHOP_BACKEND=tools.slow_shop:SlowSqlShop``).

A slow query, seen from the event loop, is a worker thread that does not come back for a
while: here the thread sleeps before its unit of work whenever the call is about
``SLOW_ORDER`` or ``SLOW_CUSTOMER``. Were the store's queries run on the event loop, every
other shopper of the process would wait as long.
"""

from __future__ import annotations

import time
from typing import Any, Callable, TypeVar

from bot.database.engine import Database
from bot.settings import get_settings
from bot.store.backend import SqlShopBackend

T = TypeVar("T")
SLOW_ORDER = "10045821"
SLOW_CUSTOMER = "424242"  # nobody: only the time the look-up takes matters
SLOW_SECONDS = 2.0


class SlowDatabase(Database):
    def _run(self, work: Callable[..., T], *args: Any) -> T:
        if {str(arg) for arg in args} & {SLOW_ORDER, SLOW_CUSTOMER}:
            time.sleep(SLOW_SECONDS)
        return super()._run(work, *args)


class SlowSqlShop(SqlShopBackend):
    def __init__(self) -> None:
        super().__init__(SlowDatabase(get_settings().database_url))
