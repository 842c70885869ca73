"""The website widget's channel: Rasa's socket.io protocol and message formats, plus two rules.

* Every ``bot_uttered`` event has one of the shapes Rasa's own socket.io channel sends
  (``widget_messages.py``), so any client made for it, ``rasa-webchat`` among them, shows
  every reply.
* With several Rasa processes (the production profile), an agent's reply is emitted by
  whichever process the console reached, while the shopper's socket is held by another:
  a Redis message queue (``message_queue``) carries emits between processes.
* Session ids are issued by the server (:mod:`bot.channels.identity`): a socket asking
  for an id the server did not issue (a WhatsApp number, another channel's id, one it
  made up) gets a new conversation. A shopper may only speak in the session their socket
  was confirmed, and client-sent metadata is ignored: the channel, not the browser, says
  who a shopper is.
"""

from __future__ import annotations

import inspect
import logging
from typing import Any, Awaitable, Callable, Dict, List

import engineio
from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.socketio import SocketBlueprint
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncRedisManager, AsyncServer

from bot.channels.identity import WIDGET, issue_widget_session, widget_session_issued
from bot.channels.ratelimit import RateLimiter
from bot.channels.text import UNSUPPORTED, incoming_text
from bot.channels.widget_messages import widget_messages
from bot.settings import get_settings

logger = logging.getLogger(__name__)


class _EngineServer(engineio.AsyncServer):
    """Engine.IO's server, with its request handler marked as Sanic's websocket handlers are.

    When a browser tab closes, the websocket request ends without an HTTP response; Sanic
    logs that as a server error ("Invalid response type None") unless the handler is a
    websocket handler.
    """

    async def handle_request(self, *args: Any, **kwargs: Any) -> Any:
        return await super().handle_request(*args, **kwargs)

    handle_request.is_websocket = True  # type: ignore[attr-defined]


class _SocketServer(AsyncServer):
    def _engineio_server_class(self) -> type:
        return _EngineServer


class WidgetOutput(OutputChannel):
    """Emits bot messages to the room of the shopper's session."""

    def __init__(self, sio: AsyncServer, bot_message_evt: str) -> None:
        self.sio = sio
        self.bot_message_evt = bot_message_evt

    @classmethod
    def name(cls) -> str:
        return WidgetInput.name()

    async def send_response(self, recipient_id: str, message: Dict[str, Any]) -> None:
        for event in widget_messages(message):
            await self.sio.emit(self.bot_message_evt, event, room=recipient_id)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"text": text})


class WidgetInput(InputChannel):
    """socket.io for the website widget (configured under this class in credentials.yml)."""

    @classmethod
    def name(cls) -> str:
        return WIDGET

    @classmethod
    def from_credentials(cls, credentials: Dict[str, Any] | None) -> InputChannel:
        credentials = credentials or {}
        return cls(
            user_message_evt=credentials.get("user_message_evt", "user_uttered"),
            bot_message_evt=credentials.get("bot_message_evt", "bot_uttered"),
            socketio_path=credentials.get("socketio_path", "/socket.io"),
            message_queue=credentials.get("message_queue") or None,
        )

    def __init__(self, user_message_evt: str, bot_message_evt: str, socketio_path: str,
                 message_queue: str | None) -> None:
        self.user_message_evt = user_message_evt
        self.bot_message_evt = bot_message_evt
        self.socketio_path = socketio_path
        self.message_queue = message_queue
        self.sio: AsyncServer | None = None
        self.limiter = RateLimiter()
        self.session_secret = get_settings().rasa_token

    def get_output_channel(self) -> OutputChannel | None:
        """Where console replies go (``output_channel=latest``)."""
        return WidgetOutput(self.sio, self.bot_message_evt) if self.sio else None

    def _server(self) -> AsyncServer:
        manager = AsyncRedisManager(self.message_queue) if self.message_queue else None
        # Cross-origin requests are answered by Rasa's own CORS settings (`--cors`); a
        # second set of headers from socket.io would make browsers refuse both.
        return _SocketServer(async_mode="sanic", cors_allowed_origins=[],
                           client_manager=manager)

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Blueprint:
        sio = self._server()
        self.sio = sio
        handle = self.limiter.guard(on_new_message)
        blueprint = SocketBlueprint(sio, self.socketio_path, "widget_webhook", __name__)

        @blueprint.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @sio.on("session_request")
        async def session_request(sid: str, data: Any) -> None:
            asked = data.get("session_id") if isinstance(data, dict) else None
            session_id = asked if widget_session_issued(asked, self.session_secret) \
                else issue_widget_session(self.session_secret)
            joined = sio.enter_room(sid, session_id)
            if inspect.isawaitable(joined):  # a coroutine from python-socketio 5.9 on
                await joined
            await sio.emit("session_confirm", session_id, room=sid)

        @sio.on(self.user_message_evt)
        async def user_message(sid: str, data: Any) -> None:
            if not isinstance(data, dict):
                return
            session_id = data.get("session_id")
            # A socket is also in a room named after its own sid: not a conversation.
            if not widget_session_issued(session_id, self.session_secret) \
                    or session_id not in self._rooms(sid):
                logger.warning("widget message outside its session ignored")
                return
            text = incoming_text(data.get("message")) or UNSUPPORTED
            await handle(UserMessage(
                text, WidgetOutput(sio, self.bot_message_evt), session_id,
                input_channel=self.name(),
            ))

        return blueprint

    def _rooms(self, sid: str) -> List[str]:
        return self.sio.rooms(sid) if self.sio else []
