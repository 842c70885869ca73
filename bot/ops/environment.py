"""The environment every process of the product is started with.

``endpoints.yml`` and ``credentials.yml`` read ``${...}`` values from the environment; they
are filled here from :class:`Settings`, so the settings stay the one place configuration
lives, and every child (Rasa, the action servers, the console, the event feed) sees the
same runtime folder, token and URLs.
"""

from __future__ import annotations

from typing import Dict, Mapping

from bot.settings import Settings

LOCK_STORES = {True: "bot.server.lock_store.AtomicRedisLockStore",
               False: "bot.server.lock_store.PromptInMemoryLockStore"}
EVENT_BROKERS = {True: "bot.server.broker.RabbitEventBroker",
                 False: "bot.server.broker.StoreEventBroker"}


def rasa_environment(settings: Settings, base: Mapping[str, str]) -> Dict[str, str]:
    """``base`` plus what ``endpoints.yml``, ``credentials.yml`` and the children read."""
    env = dict(base)
    env["ACTION_ENDPOINT_URL"] = settings.action_endpoint_url
    env["TRACKER_DATABASE_URL"] = settings.tracker_database_url
    env["LOCK_STORE_TYPE"] = LOCK_STORES[settings.lock_store_url is not None]
    env["LOCK_STORE_URL"] = settings.lock_store_url or ""
    env["EVENT_BROKER_TYPE"] = EVENT_BROKERS[settings.event_broker_url is not None]
    env["EVENT_BROKER_URL"] = settings.event_broker_url or settings.database_url
    env["EVENT_QUEUE"] = settings.event_queue
    # Children (action server, console, feed) must see the same runtime folder and token.
    env["ASISTAN_RUNTIME_DIR"] = str(settings.runtime_dir)
    env["RASA_TOKEN"] = settings.rasa_token
    env["DATABASE_URL"] = settings.database_url
    # The action server has no authentication: it listens only where the settings say.
    env["SANIC_HOST"] = settings.host
    # credentials.yml: the widget's message queue between Rasa processes, and WhatsApp.
    env["WIDGET_MESSAGE_QUEUE"] = settings.lock_store_url or ""
    env.update(settings.whatsapp.as_env())
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    # No telemetry or crash reports: the machine may have no internet, and shops' chats
    # are their own.
    env["RASA_TELEMETRY_ENABLED"] = "false"
    return env
