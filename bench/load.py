"""The load client: conversations over Rasa's REST webhook, closed and open loop.

Closed loop: N shoppers, each sending the next turn as soon as the answer arrives; it shows
latency at a given concurrency and the throughput the server reaches. Open loop: new
conversations arrive at random (Poisson) at a fixed rate whatever the server does, each
shopper reading an answer for ``think`` seconds before the next turn; a server that cannot
keep up is shown by growing latency and errors, never hidden by a client that slows down.
"""

from __future__ import annotations

import asyncio
import functools
import itertools
import random
import time
import uuid
from dataclasses import dataclass, field
from typing import FrozenSet, Iterator, List, Sequence

import aiohttp
import yaml

from bench.conversations import Script, Turn
from bot.settings import PROJECT_ROOT

REQUEST_TIMEOUT = 10.0
# Answers that mean the turn failed although HTTP said 200: the action deadline's apology,
# the store being unreachable, the per-sender rate limit.
FAILURE_RESPONSES = ("utter_service_unavailable", "utter_store_unavailable", "utter_slow_down")


@functools.cache
def failure_texts() -> FrozenSet[str]:
    responses = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text("utf-8"))["responses"]
    return frozenset(variant["text"] for name in FAILURE_RESPONSES
                     for variant in responses.get(name, []))


@dataclass(frozen=True)
class Sample:
    """One turn: when it was sent (seconds since the level started) and how it went."""

    kind: str
    sent: float
    latency: float
    ok: bool
    replies: int


@dataclass
class LevelRun:
    """Every turn of one load level, and how long the level took."""

    samples: List[Sample] = field(default_factory=list)
    elapsed: float = 0.0
    window: tuple[float, float] = (0.0, 0.0)  # the steady part, in seconds since the start
    cut: int = 0  # conversations still waiting for an answer when the level had to end

    def steady(self) -> List[Sample]:
        start, end = self.window
        return [s for s in self.samples if start <= s.sent < end]


class Shopper:
    """Sends turns of one conversation under a fresh sender id."""

    def __init__(self, http: aiohttp.ClientSession, rasa_url: str, prefix: str) -> None:
        self._http = http
        self._url = f"{rasa_url}/webhooks/rest/webhook"
        self.sender = f"{prefix}-{uuid.uuid4().hex[:12]}"

    async def say(self, turn: Turn, started: float) -> Sample:
        sent = time.perf_counter()
        ok, replies = False, 0
        try:
            async with self._http.post(self._url, json={"sender": self.sender,
                                                        "message": turn.text}) as response:
                body = await response.json(content_type=None)
            ok = response.status == 200 and isinstance(body, list) and not any(
                reply.get("text") in failure_texts() for reply in body)
            replies = len(body) if ok else 0
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError, AttributeError):
            ok = False
        return Sample(turn.kind, sent - started, time.perf_counter() - sent, ok, replies)


def _client() -> aiohttp.ClientSession:
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT)
    return aiohttp.ClientSession(timeout=timeout, connector=aiohttp.TCPConnector(limit=0))


async def closed_loop(rasa_url: str, prefix: str, scripts: Iterator[Script],
                      concurrency: int, duration: float) -> LevelRun:
    """``concurrency`` shoppers talk back-to-back for ``duration`` seconds."""
    run = LevelRun()
    started = time.perf_counter()
    deadline = started + duration

    async def shopper(http: aiohttp.ClientSession) -> None:
        while time.perf_counter() < deadline:
            talk = Shopper(http, rasa_url, prefix)
            for turn in next(scripts):
                if time.perf_counter() >= deadline:
                    return
                run.samples.append(await talk.say(turn, started))

    async with _client() as http:
        await asyncio.gather(*(shopper(http) for _ in range(concurrency)))
    run.elapsed = time.perf_counter() - started
    run.window = (0.0, duration)
    return run


async def open_loop(rasa_url: str, prefix: str, scripts: Iterator[Script], rate: float,
                    duration: float, think: float, seed: int) -> LevelRun:
    """Conversations arrive for ``duration`` seconds so that turns come at ``rate`` a second.

    Only turns sent after the first conversations have finished (the ramp) count, so the
    figures are those of a steady ``rate``. Conversations still running well after the
    arrivals stop are cut; each counts as an error.
    """
    first = next(scripts)
    turns = len(first)
    scripts = itertools.chain([first], scripts)
    rng = random.Random(seed)
    run = LevelRun()
    started = time.perf_counter()

    async def conversation(http: aiohttp.ClientSession, script: Sequence[Turn]) -> None:
        talk = Shopper(http, rasa_url, prefix)
        for index, turn in enumerate(script):
            if index:
                await asyncio.sleep(think)
            sample = await talk.say(turn, started)
            run.samples.append(sample)
            if not sample.ok:
                return

    # A Poisson process given its count: exactly the conversations the rate asks for, at
    # uniform random times. Drawing the gaps instead left the count to chance, and with one
    # seed for every level the same draw repeated: with seed 3, 78-91 % of the rate.
    arrivals = sorted(rng.uniform(0.0, duration) for _ in range(round(rate * duration / turns)))
    async with _client() as http:
        tasks = []
        for offset in arrivals:
            await asyncio.sleep(max(0.0, started + offset - time.perf_counter()))
            tasks.append(asyncio.create_task(conversation(http, next(scripts))))
        drain = turns * think + 2 * REQUEST_TIMEOUT
        _done, pending = await asyncio.wait(tasks, timeout=drain)
        for task in pending:
            task.cancel()
        run.cut = len(pending)
    run.elapsed = time.perf_counter() - started
    ramp = min(turns * think, duration / 2)
    run.window = (ramp, duration)
    return run


async def parse_times(rasa_url: str, token: str, texts: Sequence[str]) -> List[float]:
    """Seconds per /model/parse call (NLU only), one call at a time."""
    times = []
    async with _client() as http:
        for text in texts:
            sent = time.perf_counter()
            async with http.post(f"{rasa_url}/model/parse", params={"token": token},
                                 json={"text": text}) as response:
                response.raise_for_status()
                await response.read()
            times.append(time.perf_counter() - sent)
    return times
