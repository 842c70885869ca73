"""The REST channel, as Rasa's own but strict about what a caller may claim.

Rasa's stock REST channel passes on a caller's ``metadata`` and ``input_channel`` and puts a
message without ``sender`` into one shared "default" conversation. Here nobody can claim a
WhatsApp number (which proves ownership of orders) or another channel, a sender is
required and names a conversation in the REST namespace only (``rest:<sender>``, see
:mod:`bot.channels.identity`), and the text is cleaned and braked like on every other
channel. A product card is one reply with its text and its payload (``custom``), as the
widget and WhatsApp get it. A message the server could not take into its conversation (its
database is down) is answered with the apology and 503, so the client knows to send it
again.
"""

from __future__ import annotations

from typing import Any, Awaitable, Callable, Dict

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.body import BadBody, json_body
from bot.channels.identity import REST, REST_SENDER, rest_conversation
from bot.channels.ratelimit import RateLimiter
from bot.channels.text import incoming_text
from bot.server.turns import MessageNotHandled

# A message is cut to 2,000 characters; a body of this size carries it with room to spare.
MAX_BODY = 256 * 1024


def _bad_request(message: str, status: int = 400) -> HTTPResponse:
    return response.json({"error": message}, status=status)


class RestOutput(CollectingOutputChannel):
    """Rasa's collecting output, except that a message with a custom payload (a product
    card) stays one message with its text and buttons: Rasa's own sends the payload as a
    second message without text."""

    async def send_response(self, recipient_id: str, message: Dict[str, Any]) -> None:
        if not message.get("custom"):
            await super().send_response(recipient_id, message)
            return
        await self._persist_message(self._message(
            recipient_id, text=message.get("text") or None, image=message.get("image"),
            buttons=message.get("buttons") or None, custom=message["custom"]))


class RestInput(InputChannel):
    """``POST /webhooks/rest/webhook {"sender", "message"}`` → the bot's replies."""

    @classmethod
    def name(cls) -> str:
        return REST

    @classmethod
    def from_credentials(cls, credentials: Dict[str, Any] | None) -> InputChannel:
        return cls()

    def __init__(self) -> None:
        self.limiter = RateLimiter()

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Blueprint:
        webhook = Blueprint("rest_webhook", __name__)
        handle = self.limiter.guard(on_new_message)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                body = json_body(request.body, MAX_BODY)
            except BadBody as error:
                return _bad_request(str(error), error.status)
            if not isinstance(body, dict):
                return _bad_request("expected a JSON object")
            sender = body.get("sender")
            if not isinstance(sender, str) or not REST_SENDER.fullmatch(sender):
                return _bad_request("sender: 1-128 letters, digits or ._:@+-")
            text = incoming_text(body.get("message"))
            if not text:
                return _bad_request("message: non-empty text")
            collector = RestOutput()
            try:
                await handle(UserMessage(text, collector, rest_conversation(sender),
                                         input_channel=self.name()))
            except MessageNotHandled:
                # The apology, and a status that tells the client to send it again.
                return response.json(collector.messages, status=503,
                                     headers={"Retry-After": "5"})
            return response.json(collector.messages)

        return webhook
