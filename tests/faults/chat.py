"""A REST shopper for fault tests: raw answers, and the conversation as the tracker keeps it."""

from __future__ import annotations

import signal
import threading
import time
import uuid
from pathlib import Path
from typing import Any, Callable, Dict, List

import redis
import requests

from bot.channels.identity import rest_conversation
from bot.ops.processes import port_of
from bot.settings import Settings
from tests.e2e.test_rest_conversation import variations
from tests.profiles import Shop

UNAVAILABLE = variations("utter_service_unavailable")


class Chat:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.sender = f"fault-{uuid.uuid4().hex[:8]}"
        self.conversation_id = rest_conversation(self.sender)
        self.url = f"{settings.rasa_url}/webhooks/rest/webhook"

    def send(self, text: str, timeout: float = 60) -> requests.Response:
        return requests.post(self.url, json={"sender": self.sender, "message": text},
                             timeout=timeout)

    def says(self, text: str) -> str:
        """A turn that must go through: its answer's texts."""
        answer = self.send(text)
        assert answer.status_code == 200, (answer.status_code, answer.text)
        return "\n".join(m.get("text", "") for m in answer.json())

    def timed(self, text: str) -> tuple[requests.Response, float]:
        started = time.monotonic()
        answer = self.send(text)
        return answer, time.monotonic() - started

    def user_turns(self) -> List[str]:
        """Every shopper message the tracker store keeps for this conversation."""
        url = f"{self.settings.rasa_url}/conversations/{self.conversation_id}/tracker"
        tracker = requests.get(url, params={"token": self.settings.rasa_token}, timeout=10).json()
        return [e["text"] for e in tracker["events"] if e.get("event") == "user"]


def apology_only(answer: requests.Response) -> bool:
    texts = [m.get("text") for m in answer.json()]
    return bool(texts) and texts[-1] in UNAVAILABLE


def until(condition: Callable[[], bool], timeout: float = 60, what: str = "") -> None:
    """Wait for a condition (never a fixed sleep)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise TimeoutError(f"not within {timeout:.0f} s: {what}")


def _waiting_calls(port: int) -> int:
    """Calls waiting for a loopback server that does not read them: new connections not
    accepted yet, and kept connections with unread bytes."""
    waiting = 0
    for line in Path("/proc/net/tcp").read_text("ascii").splitlines()[1:]:
        fields = line.split()
        if int(fields[1].split(":")[1], 16) != port:
            continue
        queued = int(fields[4].split(":")[1], 16)  # LISTEN: the accept queue; else: unread
        if fields[3] == "0A" or (fields[3] == "01" and queued):  # LISTEN, ESTABLISHED
            waiting += queued
    return waiting


def _turn_started(shop: Shop, sender: str) -> Callable[[], bool]:
    """Whether a turn of ``sender`` is under way: its Redis lock is held, or (one process,
    no balancer checking them) a frozen action server has a call waiting."""
    if shop.settings.lock_store_url:
        locks = redis.Redis.from_url(shop.settings.lock_store_url)
        return lambda: bool(locks.exists(f"lock:{sender}"))
    ports = [port_of(url) for url in shop.settings.action_server_urls]
    return lambda: any(_waiting_calls(port) for port in ports)


def mid_turn(shop: Shop, sender: str, send: Callable[[], requests.Response]
             ) -> requests.Response | None:
    """``send`` a message and kill every Rasa server while its turn runs (the action
    servers frozen meanwhile, so the turn waits in its action call). Returns what the
    client got (None: the connection broke); the supervisor has started them again."""
    actions, servers = shop.services("actions-"), shop.services("rasa-")
    got: Dict[str, Any] = {}

    def client() -> None:
        try:
            got["answer"] = send()
        except requests.ConnectionError:
            got["answer"] = None

    for server in actions:
        shop.kill(server, signal.SIGSTOP)
    pids = {}
    try:
        sending = threading.Thread(target=client)
        sending.start()
        until(_turn_started(shop, sender), 30, "the turn under way")
        pids = {server.name: shop.kill(server) for server in servers}
        sending.join(60)
    finally:
        for server in actions:
            shop.kill(server, signal.SIGCONT)
        for server in servers:
            if server.name in pids:
                shop.wait_restarted(server, pids[server.name])
        # A server that answers is not yet one the balancer sends to (its health checks
        # must pass first): the shopper's next message waits for that, as a client retries.
        until(lambda: _routed(shop), 60, "a Rasa server the balancer sends to")
    return got["answer"]


def _routed(shop: Shop) -> bool:
    try:
        return requests.get(shop.settings.rasa_url, timeout=2).status_code == 200
    except requests.RequestException:
        return False
