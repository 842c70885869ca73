"""WhatsApp Cloud API as a Rasa channel: Meta's webhook in, the Graph API out.

The webhook answers only what Meta signed with the app secret; everything else is refused
before it reaches a conversation. Each shopper is a conversation named after their
WhatsApp number, which the channel passes on as ``whatsapp_phone`` metadata: the number
Meta vouches for proves ownership of orders placed with it (actions/verification.py).
Message shapes and limits are in :mod:`bot.channels.whatsapp_messages`.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from datetime import datetime, timezone
from typing import Any, Awaitable, Callable, Dict

import aiohttp
from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from sqlalchemy.exc import SQLAlchemyError

from bot.channels.body import BadBody, json_body
from bot.channels.ratelimit import RateLimiter
from bot.channels.text import UNSUPPORTED, incoming_text
from bot.channels.whatsapp_messages import (
    CHANNEL,
    Inbound,
    inbound_messages,
    outbound_messages,
    signature_valid,
)
from bot.database.engine import get_database
from bot.records import inbound as deliveries
from bot.records.inbound import Claim
from bot.server.turns import MessageNotHandled
from bot.text.masking import mask_phone

logger = logging.getLogger(__name__)
GRAPH_TIMEOUT = aiohttp.ClientTimeout(total=10)
# Meta's deliveries are a few kilobytes; a batch stays far below this.
MAX_BODY = 1024 * 1024


def _retry_later(reason: str) -> HTTPResponse:
    """Meta redelivers a webhook that was not answered with 200."""
    return response.json({"error": reason}, status=503, headers={"Retry-After": "5"})


class WhatsAppOutput(OutputChannel):
    """Sends bot and agent messages through the Graph API."""

    def __init__(self, config: Dict[str, str]) -> None:
        self.config = config

    @classmethod
    def name(cls) -> str:
        return CHANNEL

    async def send_response(self, recipient_id: str, message: Dict[str, Any]) -> None:
        for body in outbound_messages(message, self.config["list_button"],
                                      self.config["template"],
                                      self.config["template_language"]):
            await self._post(recipient_id, body)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"text": text})

    async def _post(self, recipient_id: str, body: Dict[str, Any]) -> None:
        """One Graph API call, retried once; a failure is logged, the turn goes on."""
        url = f"{self.config['graph_url'].rstrip('/')}/{self.config['phone_number_id']}/messages"
        payload = {"messaging_product": "whatsapp", "recipient_type": "individual",
                   "to": recipient_id, **body}
        headers = {"Authorization": f"Bearer {self.config['access_token']}"}
        for attempt in (1, 2):
            try:
                async with aiohttp.ClientSession(timeout=GRAPH_TIMEOUT) as client, \
                        client.post(url, json=payload, headers=headers) as answer:
                    if answer.status < 400:
                        return
                    detail = (await answer.text())[:300]
                    if answer.status < 500:  # refused (e.g. outside the window): no retry
                        break
            except (aiohttp.ClientError, asyncio.TimeoutError) as error:
                detail = str(error)
            if attempt == 1:
                await asyncio.sleep(0.5)
        logger.error("WhatsApp message to %s not sent: %s", mask_phone(recipient_id), detail)


class WhatsAppInput(InputChannel):
    """The webhook Meta calls: ``/webhooks/whatsapp/webhook``."""

    @classmethod
    def name(cls) -> str:
        return CHANNEL

    @classmethod
    def from_credentials(cls, credentials: Dict[str, Any] | None) -> InputChannel:
        values = {key: str(value or "") for key, value in (credentials or {}).items()}
        values.setdefault("list_button", "Menu")
        return cls(values)

    def __init__(self, config: Dict[str, str]) -> None:
        self.config = config
        self.limiter = RateLimiter()

    def get_output_channel(self) -> OutputChannel | None:
        return WhatsAppOutput(self.config)

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Blueprint:
        webhook = Blueprint("whatsapp_webhook", __name__)
        handle = self.limiter.guard(on_new_message)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["GET"])
        async def verify(request: Request) -> HTTPResponse:
            """Meta's subscription check: echo the challenge to the right token only."""
            token = self.config.get("verify_token", "")
            given = request.args.get("hub.verify_token", "")
            if (request.args.get("hub.mode") == "subscribe" and token
                    and secrets.compare_digest(given, token)):
                return response.text(request.args.get("hub.challenge", "")[:200])
            return response.json({"error": "verification failed"}, status=403)

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            header = request.headers.get("X-Hub-Signature-256")
            if not header:
                return response.json({"error": "signature missing"}, status=401)
            if not signature_valid(self.config.get("app_secret", ""), request.body, header):
                logger.warning("WhatsApp webhook with a wrong signature refused")
                return response.json({"error": "bad signature"}, status=403)
            try:
                payload = json_body(request.body, MAX_BODY)
            except BadBody as error:
                return response.json({"error": str(error)}, status=error.status)
            try:
                messages = inbound_messages(payload)
            except ValueError:
                # Signed by Meta, so sending it again would not change it: acknowledged,
                # logged, dropped (a 4xx or 5xx would have Meta retry it for days).
                logger.warning("WhatsApp delivery that is not a webhook body ignored")
                return response.json({"status": "ignored"})
            for message in messages:
                claim = await self._delivery(deliveries.claim, message, Claim.NEW)
                if claim is Claim.HANDLED:
                    continue
                if claim is Claim.BUSY:  # Meta delivers it again later
                    return _retry_later("message being handled")
                try:
                    await handle(self._user_message(message))
                except MessageNotHandled:  # the shopper heard an apology; Meta retries
                    await self._delivery(deliveries.release, message)
                    return _retry_later("temporarily unavailable")
                await self._delivery(deliveries.handled, message)
            return response.json({"status": "ok"})

        return webhook

    @staticmethod
    async def _delivery(step: Callable[..., Any], message: Inbound,
                        unknown: Any = None) -> Any:
        """A step of the replay guard (``bot.records.inbound``), off the event loop. If the
        database cannot tell, the message is handled: answering twice is better than
        never."""
        try:
            return await asyncio.to_thread(step, get_database(), CHANNEL, message.message_id,
                                           datetime.now(timezone.utc).replace(tzinfo=None))
        except SQLAlchemyError as error:
            logger.error("replay guard unavailable: %s", error)
            return unknown

    def _user_message(self, message: Inbound) -> UserMessage:
        text = incoming_text(message.text) if message.readable else UNSUPPORTED
        return UserMessage(
            text or UNSUPPORTED, WhatsAppOutput(self.config), message.wa_id,
            input_channel=CHANNEL, message_id=message.message_id,
            metadata={"whatsapp_phone": message.wa_id},
        )
