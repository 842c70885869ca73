"""The agent console: log in, take queued chats, read the whole context, reply, hand back.

An aiohttp application. Every page and API needs a logged-in agent (a session cookie whose
token is stored hashed, see `bot.handoff.agents`); every state-changing request needs the
session's CSRF token in the ``X-CSRF-Token`` header (the login form uses a double-submit
cookie). The page polls the API, so new shopper messages appear without a reload. Every
query runs on a worker thread (``Database.run``, the shop backend), so one slow look-up
keeps only its own agent waiting.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import time as clock
from datetime import date, datetime, time, timezone
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, List

from aiohttp import web
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.channels.whatsapp_messages import CHANNEL as WHATSAPP
from bot.channels.whatsapp_messages import window_open
from bot.database.engine import Database, database_for
from bot.handoff import agents, queue
from bot.handoff.agents import SessionView
from bot.reporting import dashboard as metrics
from bot.reporting import render
from bot.reporting.period import Period, parse_period
from bot.reporting.report import report_for
from bot.settings import Settings
from bot.shop import ShopBackend, ShopUnavailable, get_shop
from bot.text.masking import mask_email, mask_phone
from bot.web import storefront, widget
from bot.web.rasa_api import RasaApi, RasaUnavailable

logger = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"
SESSION_COOKIE = "asistan_session"
LOGIN_CSRF_COOKIE = "asistan_login_csrf"
MAX_REPLY = 4000
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

DATABASE = web.AppKey("database", Database)
RASA = web.AppKey("rasa", RasaApi)
SETTINGS = web.AppKey("settings", Settings)


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def _error(kind: type, message: str) -> web.HTTPException:
    """An HTTP error with a JSON body, as the console's script expects."""
    return kind(text=json.dumps({"error": message}), content_type="application/json")


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
    if request.method not in ("GET", "HEAD") and not secrets.compare_digest(
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


async def login_page(request: web.Request) -> web.Response:
    # Keep a token already given: a second request (a favicon, another tab) must not
    # invalidate the form that is on screen.
    token = request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(24)
    html = (STATIC / "login.html").read_text("utf-8").replace("{{csrf}}", token)
    failed = "login-failed" if request.query.get("failed") else ""
    response = web.Response(text=html.replace("{{state}}", failed), content_type="text/html")
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="Strict")
    return response


def _log_in(session: Session, username: str, password: str) -> str | None:
    """A new session's token for the agent, or None for a wrong name or password."""
    agent = agents.authenticate(session, username, password)
    return None if agent is None else agents.start_session(session, agent.id, _now())[0]


async def login(request: web.Request) -> web.Response:
    form = await request.post()
    if not secrets.compare_digest(str(form.get("csrf", "")),
                                  request.cookies.get(LOGIN_CSRF_COOKIE, "-")):
        raise web.HTTPForbidden(text="bad CSRF token")
    token = await request.app[DATABASE].run(_log_in, str(form.get("username", "")),
                                            str(form.get("password", "")))
    if token is None:
        logger.info("failed console login")
        raise web.HTTPFound("/login?failed=1")
    response = web.HTTPFound("/console")
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="Strict",
                        max_age=int(agents.SESSION_LIFETIME.total_seconds()))
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


def _ticket_json(ticket: queue.TicketView, place: int = 0) -> Dict[str, Any]:
    return {
        "id": ticket.id, "conversation_id": ticket.conversation_id, "channel": ticket.channel,
        "reason": ticket.reason, "priority": ticket.priority, "status": ticket.status,
        "summary": json.loads(ticket.summary), "sentiment": list(ticket.sentiment_trail),
        "created_at": ticket.created_at.isoformat() + "Z", "position": place,
        "agent_name": ticket.agent_name, "callback_contact": ticket.callback_contact,
        "customer_id": ticket.customer_id, "order_id": ticket.order_id,
    }


async def me(request: web.Request) -> web.Response:
    found = _session(request)
    return web.json_response({"agent": found.agent.display_name, "id": found.agent.id,
                              "supervisor": found.agent.is_supervisor,
                              "csrf": found.csrf_token})


def _queue(session: Session, agent_id: int) -> Dict[str, Any]:
    waiting = [_ticket_json(t, place) for place, t in enumerate(queue.waiting(session), start=1)]
    mine = [_ticket_json(t) for t in queue.assigned_to(session, agent_id)]
    team = [{"id": a.id, "name": a.display_name} for a in agents.active_agents(session)
            if a.id != agent_id]
    return {"waiting": waiting, "mine": mine, "agents": team}


async def queue_view(request: web.Request) -> web.Response:
    agent = _session(request).agent
    return web.json_response(await request.app[DATABASE].run(_queue, agent.id))


async def _owned_ticket(request: web.Request) -> queue.TicketView:
    """The ticket, if this agent holds it (supervisors may read every ticket)."""
    ticket = await request.app[DATABASE].run(queue.get_ticket,
                                             int(request.match_info["ticket_id"]))
    agent = _session(request).agent
    if ticket is None:
        raise _error(web.HTTPNotFound, "no such ticket")
    if ticket.agent_id != agent.id and not (agent.is_supervisor and request.method == "GET"):
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
                    "total": str(o.total), "items": o.item_count} for o in recent],
        "returns": [{"code": r.code, "order_id": r.order_id, "status": r.status,
                     "refund": str(r.refund_amount) if r.refund_amount is not None else None,
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
    ticket = await _owned_ticket(request)
    customer = await _customer_json(get_shop(), ticket.customer_id, today)
    try:
        transcript = await request.app[RASA].transcript(ticket.conversation_id)
    except RasaUnavailable as error:
        logger.warning("transcript unavailable: %s", error)
        transcript = None
    return web.json_response({"ticket": _ticket_json(ticket), "customer": customer,
                              "transcript": transcript,
                              "whatsapp_window_open": _whatsapp_window(ticket, transcript)})


async def claim(request: web.Request) -> web.Response:
    agent = _session(request).agent
    won = await request.app[DATABASE].run(queue.claim, int(request.match_info["ticket_id"]),
                                          agent.id, _now())
    if not won:
        raise _error(web.HTTPConflict, "already taken")
    return web.json_response({"ok": True})


async def reply(request: web.Request) -> web.Response:
    body = await _json_body(request)
    text = str(body.get("text", "")).strip()
    if not text or len(text) > MAX_REPLY:
        raise _error(web.HTTPBadRequest, "empty or too long")
    ticket = await _owned_ticket(request)
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
    return web.json_response({"ok": True, "sent_as": "template" if as_template else "text"})


async def resolve(request: web.Request) -> web.Response:
    return await _finish(request, ask_rating=True)


async def transfer(request: web.Request) -> web.Response:
    body = await _json_body(request)
    target = body.get("to")
    if target == "bot":
        return await _finish(request, ask_rating=False)
    try:
        to_agent = int(target or 0)
    except (TypeError, ValueError) as error:
        raise _error(web.HTTPBadRequest, "no such agent") from error
    agent = _session(request).agent
    moved = await request.app[DATABASE].run(queue.transfer,
                                            int(request.match_info["ticket_id"]), agent.id,
                                            to_agent)
    if not moved:
        raise _error(web.HTTPConflict, "cannot transfer")
    return web.json_response({"ok": True})


async def _finish(request: web.Request, ask_rating: bool) -> web.Response:
    agent = _session(request).agent
    ticket = await _owned_ticket(request)
    finish = queue.resolve if ask_rating else queue.return_to_bot
    if not await request.app[DATABASE].run(finish, ticket.id, agent.id, _now()):
        raise _error(web.HTTPConflict, "ticket is not open")
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
    database = request.app[DATABASE]
    conversations = await asyncio.to_thread(metrics.conversations_since, database.engine,
                                            local_midnight)
    numbers = await database.run(metrics.dashboard, start, conversations)
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


async def report_api(request: web.Request) -> web.Response:
    period = _report_period(request)
    report = await report_for(request.app[SETTINGS], period)
    return web.json_response(render.as_json(report))


async def health(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def _json_body(request: web.Request) -> Dict[str, Any]:
    try:
        body = await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise _error(web.HTTPBadRequest, "malformed JSON") from error
    if not isinstance(body, dict):
        raise _error(web.HTTPBadRequest, "expected an object")
    return body


def create_app(settings: Settings) -> web.Application:
    app = web.Application(middlewares=[security_headers, store_unavailable, require_login],
                          client_max_size=64 * 1024)
    app[SETTINGS] = settings
    app[DATABASE] = database_for(settings.database_url)
    app[RASA] = RasaApi(settings.rasa_url, settings.rasa_token)
    app.add_routes([
        web.get("/health", health),
        web.get("/login", login_page),
        web.post("/login", login),
        web.post("/logout", logout),
        web.get("/console", console_page),
        web.get("/static/{name}", static_file),
        web.get("/api/me", me),
        web.get("/api/queue", queue_view),
        web.get("/api/dashboard", dashboard),
        web.get("/report", report_page),
        web.get("/api/report", report_api),
        web.get("/api/tickets/{ticket_id:\\d+}", ticket_detail),
        web.post("/api/tickets/{ticket_id:\\d+}/claim", claim),
        web.post("/api/tickets/{ticket_id:\\d+}/reply", reply),
        web.post("/api/tickets/{ticket_id:\\d+}/resolve", resolve),
        web.post("/api/tickets/{ticket_id:\\d+}/transfer", transfer),
    ])
    widget.add_routes(app, settings, app[RASA])
    storefront.add_routes(app, get_shop())
    return app


def main(settings: Settings) -> None:
    logging.basicConfig(level=settings.log_level)
    web.run_app(create_app(settings), host=settings.host, port=settings.web_port,
                access_log=None)
