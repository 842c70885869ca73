"""The agent console: log in, take queued chats, read the whole context, reply, hand back.

An aiohttp application. Every page and API needs a logged-in agent (a session cookie whose
token is stored hashed, see `bot.handoff.agents`); every state-changing request needs the
session's CSRF token in the ``X-CSRF-Token`` header. The login form's token is an HMAC of a
pre-login cookie, and a login from another origin is refused; logins are braked per user
name and per address (`bot.handoff.logins`). Cookies are ``SameSite=Strict`` and, when the
console's public URL (``WEB_PUBLIC_URL``) is https, ``Secure``. Every bad input is a 4xx.
The page listens to server-sent events (``bot.web.events``), so new chats, new shopper
messages, typing and colleagues' actions appear without a reload or polling.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import math
import re
import secrets
import time as clock
from dataclasses import asdict
from datetime import date, datetime, time, timezone
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, List
from urllib.parse import urlsplit

from aiohttp import web
from sqlalchemy.exc import SQLAlchemyError

from bot.channels.body import BadBody, json_body
from bot.channels.whatsapp_messages import CHANNEL as WHATSAPP
from bot.channels.whatsapp_messages import window_open
from bot.database.engine import Database, database_for
from bot.handoff import agents, desk, logins, queue
from bot.handoff import reasons as handoff_reasons
from bot.handoff.agents import SessionView
from bot.reporting import dashboard as metrics
from bot.reporting import render
from bot.reporting.period import Period, parse_period
from bot.reporting.report import report_for
from bot.settings import Settings
from bot.shop import ShopBackend, ShopUnavailable, get_shop
from bot.text.formatting import money
from bot.text.labels import labels as text_labels
from bot.text.masking import mask_email, mask_phone
from bot.web import events, storefront, widget
from bot.web.events import Hub, session_topic, ticket_topic
from bot.web.rasa_api import RasaApi, RasaUnavailable

logger = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"
SESSION_COOKIE = "asistan_session"
LOGIN_CSRF_COOKIE = "asistan_login_csrf"
MAX_REPLY = 4000
MAX_BODY = 64 * 1024
# Ticket and agent ids are SQL integers (PostgreSQL's are 32-bit): a larger one is no id.
MAX_ID = 2**31 - 1
_LOGIN_NONCE = re.compile(r"[A-Za-z0-9_-]{32}")
# The REST channel (`bot.channels.rest`) answers only the request it was sent: an agent's
# reply stays in the tracker, and the console says so.
REPLIES_NOT_DELIVERED = frozenset({"rest"})
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

DATABASE = web.AppKey("database", Database)
RASA = web.AppKey("rasa", RasaApi)
SETTINGS = web.AppKey("settings", Settings)
HUB = web.AppKey("hub", Hub)


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def _error(kind: type, message: str) -> web.HTTPException:
    """An HTTP error with a JSON body, as the console's script expects."""
    return kind(text=json.dumps({"error": message}), content_type="application/json")


def _same_secret(given: str, expected: str) -> bool:
    """A constant-time comparison that any text can go through (``compare_digest`` raises
    on non-ASCII text, and a header's undecodable bytes arrive as surrogates)."""
    return secrets.compare_digest(given.encode("utf-8", "surrogateescape"),
                                  expected.encode("utf-8", "surrogateescape"))


def _session(request: web.Request) -> SessionView:
    return request["agent_session"]


@web.middleware
async def require_login(request: web.Request, handler: Handler) -> web.StreamResponse:
    """No page or API answers without a live session; writes also need the CSRF token.

    The exceptions: logging in, the health check, the shoppers' chat widget and the product
    pages and images its cards link to.
    """
    if (request.path in ("/login", "/health") or widget.is_public(request.path)
            or storefront.is_public(request.path)):
        return await handler(request)
    found = await request.app[DATABASE].run(agents.find_session,
                                            request.cookies.get(SESSION_COOKIE), _now())
    if found is None:
        if request.path.startswith("/api/"):
            raise _error(web.HTTPUnauthorized, "login required")
        raise web.HTTPFound("/login")
    if request.method not in ("GET", "HEAD") and not _same_secret(
            request.headers.get("X-CSRF-Token", ""), found.csrf_token):
        raise _error(web.HTTPForbidden, "bad CSRF token")
    request["agent_session"] = found
    return await handler(request)


@web.middleware
async def store_unavailable(request: web.Request, handler: Handler) -> web.StreamResponse:
    """The store database down: a clear page (or JSON error) that says so, not a 500."""
    try:
        return await handler(request)
    except SQLAlchemyError as error:
        logger.error("store unavailable: %s", type(error).__name__)
        if request.path.startswith("/api/"):
            raise _error(web.HTTPServiceUnavailable, "store unavailable") from error
        return web.Response(text=(STATIC / "unavailable.html").read_text("utf-8"),
                            content_type="text/html", status=503)


@web.middleware
async def security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    response = await handler(request)
    response.headers.setdefault("Content-Security-Policy",
                                "default-src 'self'; style-src 'self' 'unsafe-inline'")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response


def _cookie_options(settings: Settings) -> Dict[str, Any]:
    return {"httponly": True, "samesite": "Strict",
            "secure": settings.web_public_url.startswith("https://")}


def _login_token(settings: Settings, nonce: str) -> str:
    """The login form's CSRF token: bound to the pre-login cookie ``nonce`` by an HMAC."""
    return hmac.new(settings.rasa_token.encode(), f"console-login:{nonce}".encode(),
                    hashlib.sha256).hexdigest()


def _login_page(request: web.Request, state: str, status: int = 200) -> web.Response:
    # Keep a cookie already given: a second request (a favicon, another tab) must not
    # invalidate the form that is on screen.
    settings = request.app[SETTINGS]
    nonce = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not _LOGIN_NONCE.fullmatch(nonce):
        nonce = secrets.token_urlsafe(24)
    html = (STATIC / "login.html").read_text("utf-8").replace(
        "{{csrf}}", _login_token(settings, nonce)).replace("{{state}}", state)
    response = web.Response(text=html, content_type="text/html", status=status)
    response.set_cookie(LOGIN_CSRF_COOKIE, nonce, **_cookie_options(settings))
    return response


async def login_page(request: web.Request) -> web.Response:
    return _login_page(request, "login-failed" if request.query.get("failed") else "")


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _login_request_trusted(request: web.Request, form: Any) -> bool:
    """The form came from the console's own login page: its token matches the pre-login
    cookie, and a browser that names the origin names the console's."""
    settings = request.app[SETTINGS]
    origin = request.headers.get("Origin")
    if origin is not None and origin not in (_origin(settings.web_public_url),
                                             f"{request.scheme}://{request.host}"):
        return False
    nonce = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    given = form.get("csrf")
    return bool(_LOGIN_NONCE.fullmatch(nonce)) and isinstance(given, str) and \
        _same_secret(given, _login_token(settings, nonce))


def _form_text(form: Any, name: str, limit: int) -> str:
    value = form.get(name)
    return value[:limit] if isinstance(value, str) else ""


async def login(request: web.Request) -> web.Response:
    settings = request.app[SETTINGS]
    try:
        form = await request.post()
    except ValueError as error:  # a body that is no form
        raise web.HTTPBadRequest(text="malformed form") from error
    if not _login_request_trusted(request, form):
        raise web.HTTPForbidden(text="bad CSRF token")
    username = _form_text(form, "username", logins.USERNAME_LIMIT)
    password = _form_text(form, "password", logins.PASSWORD_LIMIT)
    address, now = request.remote or "unknown", _now()
    brake = logins.LoginBrake(settings.login_max_failures, settings.login_window,
                              settings.login_first_delay)

    def log_in(session: Any) -> tuple[float, str | None]:
        """The wait still owed, or the new session's token (None for a wrong password)."""
        wait = logins.wait_seconds(session, username, address, now, brake)
        agent = None if wait else agents.authenticate(session, username, password)
        if agent is None and not wait:
            logins.record_failure(session, username, address, now, brake)
        return wait, agents.start_session(session, agent.id, now)[0] if agent else None

    wait, token = await request.app[DATABASE].run(log_in)
    if wait:  # refused before the password was looked at
        logger.warning("console login braked: too many failures")
        response = _login_page(request, "login-throttled", status=429)
        response.headers["Retry-After"] = str(math.ceil(wait))
        return response
    if token is None:
        logger.info("failed console login")
        raise web.HTTPFound("/login?failed=1")
    response = web.HTTPFound("/console")
    response.set_cookie(SESSION_COOKIE, token, max_age=int(
        agents.SESSION_LIFETIME.total_seconds()), **_cookie_options(settings))
    response.del_cookie(LOGIN_CSRF_COOKIE)
    raise response


async def logout(request: web.Request) -> web.Response:
    await request.app[DATABASE].run(agents.end_session, request.cookies.get(SESSION_COOKIE))
    response = web.json_response({"ok": True})
    response.del_cookie(SESSION_COOKIE)
    return response


async def console_page(request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC / "console.html")


async def static_file(request: web.Request) -> web.FileResponse:
    name = request.match_info["name"]
    if name not in ("console.js", "console.css"):
        raise web.HTTPNotFound()
    return web.FileResponse(STATIC / name)


def _moment(value: datetime | None) -> str | None:
    return value.isoformat() + "Z" if value else None


def _ticket_json(ticket: queue.TicketView, place: int = 0,
                 tags: List[str] | None = None) -> Dict[str, Any]:
    return {
        "id": ticket.id, "conversation_id": ticket.conversation_id, "channel": ticket.channel,
        "reason": ticket.reason, "priority": ticket.priority, "status": ticket.status,
        "summary": json.loads(ticket.summary), "sentiment": list(ticket.sentiment_trail),
        "created_at": _moment(ticket.created_at), "assigned_at": _moment(ticket.assigned_at),
        "resolved_at": _moment(ticket.resolved_at), "position": place,
        "agent_id": ticket.agent_id,
        "agent_name": ticket.agent_name, "callback_contact": ticket.callback_contact,
        "customer_id": ticket.customer_id, "order_id": ticket.order_id,
        "delivers_replies": ticket.channel not in REPLIES_NOT_DELIVERED,
        "tags": tags or [],
    }


def _tickets_json(session: Any, tickets: List[queue.TicketView],
                  places: bool = False) -> List[Dict[str, Any]]:
    tags = desk.tags_of(session, [t.id for t in tickets])
    return [_ticket_json(t, place if places else 0, tags[t.id])
            for place, t in enumerate(tickets, start=1)]


async def me(request: web.Request) -> web.Response:
    found = _session(request)
    return web.json_response({"agent": found.agent.display_name, "id": found.agent.id,
                              "supervisor": found.agent.is_supervisor,
                              "csrf": found.csrf_token})


async def labels_view(request: web.Request) -> web.Response:
    """The Turkish names of every code the console shows (the report reads the same)."""
    return web.json_response({**text_labels(), "reasons": handoff_reasons.labels()},
                             headers={"Cache-Control": "private, max-age=3600"})


async def queue_view(request: web.Request) -> web.Response:
    agent = _session(request).agent

    def folders(session: Any) -> Dict[str, Any]:
        return {"waiting": _tickets_json(session, queue.waiting(session), places=True),
                "mine": _tickets_json(session, queue.assigned_to(session, agent.id)),
                "resolved": _tickets_json(session, desk.finished(session)),
                "agents": [{"id": a.id, "name": a.display_name}
                           for a in agents.active_agents(session) if a.id != agent.id]}

    return web.json_response(await request.app[DATABASE].run(folders))


async def search(request: web.Request) -> web.Response:
    """Past and open tickets by order, customer, words of the summary, tags or notes."""
    text = request.query.get("q", "").strip()
    if not 2 <= len(text) <= 100:
        raise _error(web.HTTPBadRequest, "2 to 100 characters")
    found = await request.app[DATABASE].run(
        lambda session: _tickets_json(session, desk.search(session, text)))
    return web.json_response({"tickets": found})


def _owned_ticket(request: web.Request, session: Any, read_only: bool = False,
                  ticket_id: int | None = None) -> queue.TicketView:
    """The ticket, if this agent holds it (supervisors may read every ticket). Reading,
    noting and tagging (``read_only``) are open to every agent for a ticket nobody holds
    or that is finished, so colleagues can look back."""
    if ticket_id is None:
        ticket_id = _ticket_id(request)
    ticket = queue.get_ticket(session, ticket_id)
    agent = _session(request).agent
    if ticket is None:
        raise _error(web.HTTPNotFound, "no such ticket")
    unheld = ticket.status != queue.TicketStatus.ASSIGNED.value
    reading = request.method == "GET" or read_only
    if ticket.agent_id != agent.id and not (reading and (agent.is_supervisor or unheld)):
        raise _error(web.HTTPForbidden, "not your ticket")
    return ticket


async def _customer_json(shop: ShopBackend, customer_id: str | None,
                         today: date) -> Dict[str, Any] | None:
    """The customer's card, orders and returns; None when unknown or the shop is down (the
    console then shows the conversation without them)."""
    if customer_id is None:
        return None
    try:
        customer = await shop.customer(customer_id)
        if customer is None:
            return None
        recent = await shop.recent_orders(customer_id, limit=10)
        returns = await shop.returns(customer_id)
    except ShopUnavailable as error:
        logger.warning("customer panel unavailable: %s", error)
        return None
    return {
        "name": customer.full_name,
        "email": mask_email(customer.email),
        "phone": mask_phone(customer.phone),
        "city": customer.city,
        "orders": [{"id": o.order_id, "status": o.status, "placed_at": o.placed_at.isoformat(),
                    "total": money(o.total), "items": o.item_count} for o in recent],
        "returns": [{"code": r.code, "order_id": r.order_id, "status": r.status,
                     "refund": money(r.refund_amount) if r.refund_amount is not None else None,
                     "overdue": r.refund_overdue(today)} for r in returns],
    }


def _whatsapp_window(ticket: queue.TicketView, transcript: List[Dict[str, Any]] | None,
                     ) -> bool | None:
    """None off WhatsApp; else whether a free-form reply may go out: WhatsApp allows one
    only within 24 hours of the shopper's last message."""
    if ticket.channel != WHATSAPP:
        return None
    last = max((m["at"] for m in transcript or [] if m["from"] == "user" and m["at"]),
               default=None)
    return window_open(last, clock.time())


async def ticket_detail(request: web.Request) -> web.Response:
    today = datetime.now(request.app[SETTINGS].timezone).date()

    def read(session: Any) -> tuple[queue.TicketView, List[str], List[Dict[str, Any]],
                                    List[Dict[str, Any]]]:
        ticket = _owned_ticket(request, session)
        notes = [{"agent_name": n.agent_name, "text": n.text, "at": _moment(n.created_at)}
                 for n in desk.notes(session, ticket.id)]
        return (ticket, desk.tags_of(session, [ticket.id])[ticket.id], notes,
                _tickets_json(session, desk.history(session, ticket)))

    ticket, tags, notes, history = await request.app[DATABASE].run(read)
    customer = await _customer_json(get_shop(), ticket.customer_id, today)
    try:
        transcript = await request.app[RASA].transcript(ticket.conversation_id)
    except RasaUnavailable as error:
        logger.warning("transcript unavailable: %s", error)
        transcript = None
    return web.json_response({"ticket": _ticket_json(ticket, tags=tags), "customer": customer,
                              "transcript": transcript, "notes": notes, "history": history,
                              "viewers": request.app[HUB].viewers(ticket.id),
                              "whatsapp_window_open": _whatsapp_window(ticket, transcript)})


async def add_note(request: web.Request) -> web.Response:
    """An internal note: colleagues read it in the console, the shopper never does."""
    body = await _json_body(request)
    text = str(body.get("text", "")).strip()
    if not text or len(text) > desk.MAX_NOTE:
        raise _error(web.HTTPBadRequest, "empty or too long")

    def write(session: Any) -> tuple[queue.TicketView, Any]:
        ticket = _owned_ticket(request, session, read_only=True)
        return ticket, desk.add_note(session, ticket.id, _session(request).agent.id, text,
                                     _now())

    ticket, note = await request.app[DATABASE].run(write)
    event = {"agent_name": note.agent_name, "text": note.text, "at": _moment(note.created_at)}
    request.app[HUB].publish(ticket_topic(ticket.id), {"type": "note", **event})
    return web.json_response(event)


async def set_tags(request: web.Request) -> web.Response:
    body = await _json_body(request)
    raw = body.get("tags")
    if not isinstance(raw, list):
        raise _error(web.HTTPBadRequest, "tags must be a list")

    def write(session: Any) -> tuple[queue.TicketView, List[str]]:
        ticket = _owned_ticket(request, session, read_only=True)
        return ticket, desk.set_tags(session, ticket.id, [str(tag) for tag in raw])

    ticket, tags = await request.app[DATABASE].run(write)
    request.app[HUB].publish(ticket_topic(ticket.id), {"type": "tags", "tags": tags})
    return web.json_response({"tags": tags})


async def agent_typing(request: web.Request) -> web.Response:
    """The agent is writing: the shopper's widget shows it."""
    ticket = await request.app[DATABASE].run(lambda session: _owned_ticket(request, session))
    request.app[HUB].publish(session_topic(ticket.conversation_id), {
        "type": "typing", "agent_name": _session(request).agent.display_name})
    return web.json_response({"ok": True})


async def canned_list(request: web.Request) -> web.Response:
    replies = await request.app[DATABASE].run(
        lambda session: [asdict(c) for c in desk.canned_replies(session)])
    return web.json_response({"replies": replies})


def _supervisor(request: web.Request) -> None:
    if not _session(request).agent.is_supervisor:
        raise _error(web.HTTPForbidden, "supervisors only")


async def canned_save(request: web.Request) -> web.Response:
    """Create (POST /api/canned) or change (POST /api/canned/{id}) a prepared answer."""
    _supervisor(request)
    body = await _json_body(request)
    title, text = str(body.get("title", "")).strip(), str(body.get("text", "")).strip()
    if not title or not text or len(title) > desk.MAX_TITLE or len(text) > desk.MAX_NOTE:
        raise _error(web.HTTPBadRequest, "title and text required")
    canned_id = int(request.match_info["canned_id"]) if "canned_id" in request.match_info \
        else None

    def save(session: Any) -> Any:
        if desk.title_taken(session, title, canned_id):
            raise _error(web.HTTPConflict, "title taken")
        return desk.save_canned(session, canned_id, title, text)

    saved = await request.app[DATABASE].run(save)
    if saved is None:
        raise _error(web.HTTPNotFound, "no such reply")
    return web.json_response(asdict(saved))


async def canned_delete(request: web.Request) -> web.Response:
    _supervisor(request)
    if not await request.app[DATABASE].run(desk.delete_canned,
                                           int(request.match_info["canned_id"])):
        raise _error(web.HTTPNotFound, "no such reply")
    return web.json_response({"ok": True})


async def console_events(request: web.Request) -> web.StreamResponse:
    """The console's event stream: the queue changed; with ``?ticket=``, that chat's new
    messages, notes, tags, typing, and which colleagues have it open too."""
    hub = request.app[HUB]
    topics = [events.QUEUE_TOPIC]
    ticket_id = request.query.get("ticket", "")
    if ticket_id:
        if not ticket_id.isdigit():
            raise _error(web.HTTPBadRequest, "bad ticket")
        ticket = await request.app[DATABASE].run(
            lambda session: _owned_ticket(request, session, True, int(ticket_id)))
        topics.append(ticket_topic(ticket.id))
    with hub.subscription(topics) as inbox:
        if not ticket_id:
            return await events.stream(request, inbox, [{"type": "hello"}])
        with hub.viewing(ticket.id, _session(request).agent.display_name):
            return await events.stream(request, inbox, [
                {"type": "hello"},
                {"type": "viewers", "agents": hub.viewers(ticket.id)}])


async def claim(request: web.Request) -> web.Response:
    agent = _session(request).agent
    won = await request.app[DATABASE].run(queue.claim, _ticket_id(request), agent.id, _now())
    if not won:
        raise _error(web.HTTPConflict, "already taken")
    await _announce(request, int(request.match_info["ticket_id"]))
    return web.json_response({"ok": True})


async def _announce(request: web.Request, ticket_id: int) -> None:
    """Tell consoles the queue changed and the shopper's widget who answers now."""
    hub = request.app[HUB]
    hub.publish(events.QUEUE_TOPIC, {"type": "queue"})
    ticket = await request.app[DATABASE].run(queue.get_ticket, ticket_id)
    if ticket is not None:
        hub.publish(ticket_topic(ticket_id), {"type": "transcript"})
        hub.publish(session_topic(ticket.conversation_id), {
            "type": "state", **await widget.conversation_state(request.app[DATABASE],
                                                               ticket.conversation_id)})


async def reply(request: web.Request) -> web.Response:
    body = await _json_body(request)
    text = body.get("text")
    text = text.strip() if isinstance(text, str) else ""
    if not text or len(text) > MAX_REPLY:
        raise _error(web.HTTPBadRequest, "empty or too long")
    ticket = await request.app[DATABASE].run(lambda session: _owned_ticket(request, session))
    if ticket.status != queue.TicketStatus.ASSIGNED.value:
        raise _error(web.HTTPConflict, "ticket is not open")
    rasa = request.app[RASA]
    try:
        as_template = ticket.channel == WHATSAPP and not _whatsapp_window(
            ticket, await rasa.transcript(ticket.conversation_id))
        await rasa.say(ticket.conversation_id, text, _session(request).agent.display_name,
                       as_template=as_template)
    except RasaUnavailable as error:
        logger.error("reply not delivered: %s", error)
        raise _error(web.HTTPBadGateway, "assistant unavailable, not sent") from error
    request.app[HUB].publish(ticket_topic(ticket.id), {"type": "transcript"})
    return web.json_response({"ok": True, "sent_as": "template" if as_template else "text"})


async def resolve(request: web.Request) -> web.Response:
    return await _finish(request, ask_rating=True)


async def transfer(request: web.Request) -> web.Response:
    body = await _json_body(request)
    target = body.get("to")
    if target == "bot":
        return await _finish(request, ask_rating=False)
    if isinstance(target, str) and target.isascii() and target.isdigit() and len(target) < 11:
        target = int(target)
    if isinstance(target, bool) or not isinstance(target, int) or not 0 < target <= MAX_ID:
        raise _error(web.HTTPBadRequest, 'to: an agent id or "bot"')
    agent = _session(request).agent
    moved = await request.app[DATABASE].run(queue.transfer, _ticket_id(request), agent.id,
                                            target)
    if not moved:
        raise _error(web.HTTPConflict, "cannot transfer")
    await _announce(request, int(request.match_info["ticket_id"]))
    return web.json_response({"ok": True})


async def _finish(request: web.Request, ask_rating: bool) -> web.Response:
    agent = _session(request).agent
    finish = queue.resolve if ask_rating else queue.return_to_bot

    def close(session: Any) -> queue.TicketView:
        ticket = _owned_ticket(request, session)
        if not finish(session, ticket.id, agent.id, _now()):
            raise _error(web.HTTPConflict, "ticket is not open")
        return ticket

    ticket = await request.app[DATABASE].run(close)
    await _announce(request, ticket.id)
    try:
        await request.app[RASA].hand_back(ticket.conversation_id, ask_rating)
    except RasaUnavailable as error:
        logger.error("hand-back not delivered: %s", error)
        raise _error(web.HTTPBadGateway, "assistant unavailable") from error
    return web.json_response({"ok": True})


async def dashboard(request: web.Request) -> web.Response:
    settings = request.app[SETTINGS]
    local_midnight = datetime.combine(datetime.now(settings.timezone).date(), time(0),
                                      settings.timezone)
    start = local_midnight.astimezone(timezone.utc).replace(tzinfo=None)
    conversations = await asyncio.to_thread(metrics.conversations_since,
                                            request.app[DATABASE].engine, local_midnight)
    numbers = await request.app[DATABASE].run(metrics.dashboard, start, conversations)
    return web.json_response(numbers.as_dict())


# The report's charts are data: URIs, which the console's default policy does not allow.
REPORT_CSP = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:"


def _report_period(request: web.Request) -> Period:
    """The ``?from=&to=`` days; the report shows the whole shop, so supervisors only."""
    if not _session(request).agent.is_supervisor:
        raise _error(web.HTTPForbidden, "supervisors only")
    settings = request.app[SETTINGS]
    try:
        return parse_period(request.query.get("from"), request.query.get("to"),
                            datetime.now(settings.timezone).date(), settings.timezone)
    except ValueError as error:
        raise _error(web.HTTPBadRequest, str(error)) from error


async def report_page(request: web.Request) -> web.Response:
    period, settings = _report_period(request), request.app[SETTINGS]
    # Reading the period's events and drawing charts takes a while: off the event loop.
    report = await report_for(settings, period)
    page = await asyncio.to_thread(render.as_html, report, True)
    response = web.Response(text=page, content_type="text/html")
    response.headers["Content-Security-Policy"] = REPORT_CSP
    return response


async def report_csv(request: web.Request) -> web.Response:
    """One of the report's tables (``?table=daily|agents``) as a CSV download."""
    period = _report_period(request)
    table = request.query.get("table", "daily")
    if table not in render.CSV_TABLES:
        raise _error(web.HTTPBadRequest, f"table must be one of {', '.join(render.CSV_TABLES)}")
    report = await report_for(request.app[SETTINGS], period)
    name = f"report-{period.first.isoformat()}-{period.last.isoformat()}-{table}.csv"
    # A byte-order mark: spreadsheet programs then read the Turkish letters as UTF-8.
    return web.Response(body=("\ufeff" + render.as_csv(report, table)).encode("utf-8"),
                        content_type="text/csv", charset="utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})


async def report_api(request: web.Request) -> web.Response:
    period = _report_period(request)
    report = await report_for(request.app[SETTINGS], period)
    return web.json_response(render.as_json(report))


async def health(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


def _ticket_id(request: web.Request) -> int:
    """The route's ticket id (digits); one too large to be an id is no such ticket."""
    digits = request.match_info["ticket_id"]
    if len(digits) > 10 or int(digits) > MAX_ID:
        raise _error(web.HTTPNotFound, "no such ticket")
    return int(digits)


async def _json_body(request: web.Request) -> Dict[str, Any]:
    try:
        body = json_body(await request.read(), MAX_BODY)
    except BadBody as error:
        raise _error(web.HTTPBadRequest, str(error)) from error
    if not isinstance(body, dict):
        raise _error(web.HTTPBadRequest, "expected an object")
    return body


def create_app(settings: Settings) -> web.Application:
    app = web.Application(middlewares=[security_headers, store_unavailable, require_login],
                          client_max_size=MAX_BODY)
    app[SETTINGS] = settings
    app[DATABASE] = database_for(settings.database_url)
    app[RASA] = RasaApi(settings.rasa_url, settings.rasa_token)
    app[HUB] = Hub()
    watcher = events.Watcher(app[HUB], app[DATABASE], app[RASA],
                             lambda conversation: widget.conversation_state(app[DATABASE],
                                                                            conversation))

    async def watch(_: web.Application) -> Any:
        async with events.running(watcher):
            yield

    async def end_streams(_: web.Application) -> None:
        app[HUB].close()

    app.cleanup_ctx.append(watch)
    # aiohttp 3.8's stubs type `on_shutdown` with its own signal type as the argument.
    app.on_shutdown.append(end_streams)  # type: ignore[arg-type]
    app.add_routes([
        web.get("/health", health),
        web.get("/login", login_page),
        web.post("/login", login),
        web.post("/logout", logout),
        web.get("/console", console_page),
        web.get("/static/{name}", static_file),
        web.get("/api/me", me),
        web.get("/api/queue", queue_view),
        web.get("/api/labels", labels_view),
        web.get("/api/events", console_events),
        web.get("/api/search", search),
        web.get("/api/canned", canned_list),
        web.post("/api/canned", canned_save),
        web.post("/api/canned/{canned_id:\\d+}", canned_save),
        web.delete("/api/canned/{canned_id:\\d+}", canned_delete),
        web.post("/api/tickets/{ticket_id:\\d+}/notes", add_note),
        web.post("/api/tickets/{ticket_id:\\d+}/tags", set_tags),
        web.post("/api/tickets/{ticket_id:\\d+}/typing", agent_typing),
        web.get("/api/dashboard", dashboard),
        web.get("/report", report_page),
        web.get("/api/report", report_api),
        web.get("/report.csv", report_csv),
        web.get("/api/tickets/{ticket_id:\\d+}", ticket_detail),
        web.post("/api/tickets/{ticket_id:\\d+}/claim", claim),
        web.post("/api/tickets/{ticket_id:\\d+}/reply", reply),
        web.post("/api/tickets/{ticket_id:\\d+}/resolve", resolve),
        web.post("/api/tickets/{ticket_id:\\d+}/transfer", transfer),
    ])
    widget.add_routes(app, settings, app[RASA], app[DATABASE], app[HUB])
    storefront.add_routes(app, get_shop())
    return app


def main(settings: Settings) -> None:
    logging.basicConfig(level=settings.log_level)
    web.run_app(create_app(settings), host=settings.host, port=settings.web_port,
                access_log=None)
