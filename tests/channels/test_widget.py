"""The widget's socket.io server as Sanic serves it."""

from __future__ import annotations

from bot.channels.widget import _EngineServer


def test_the_engine_io_handler_is_a_websocket_handler_for_sanic() -> None:
    # Sanic reads this mark on the bound method it routes to; without it a closed tab's
    # websocket request ends in "Invalid response type None".
    assert getattr(_EngineServer().handle_request, "is_websocket", False) is True
