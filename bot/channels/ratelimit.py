"""A polite brake for a sender who writes faster than a person can.

A burst of a hundred messages (a stuck key, a script) would otherwise take a turn each,
slowing every other shopper. Past ``MESSAGES`` in ``WINDOW_SECONDS`` a sender's next
message becomes ``/EXTERNAL_rate_limited``, answered once with ``utter_slow_down``; the
rest of the burst is dropped until the window has room again. Counts are kept per process:
with several Rasa servers a sender may get that many more, which is still a brake.
"""

from __future__ import annotations

import time
from collections import deque
from typing import Any, Awaitable, Callable, Deque, Dict

from rasa.core.channels.channel import UserMessage

MESSAGES = 15
WINDOW_SECONDS = 10.0
SLOW_DOWN = "/EXTERNAL_rate_limited"
_FORGET_AFTER = 1000  # senders kept before idle ones are forgotten

Handler = Callable[[UserMessage], Awaitable[Any]]


class RateLimiter:
    def __init__(self, messages: int = MESSAGES, window: float = WINDOW_SECONDS) -> None:
        self.messages = messages
        self.window = window
        self._seen: Dict[str, Deque[float]] = {}
        self._warned: Dict[str, float] = {}

    def verdict(self, sender: str, now: float) -> str:
        """"pass", "warn" (the first message over the limit) or "drop"."""
        if len(self._seen) > _FORGET_AFTER:
            self._forget(now)
        times = self._seen.setdefault(sender, deque())
        while times and now - times[0] >= self.window:
            times.popleft()
        if len(times) < self.messages:
            times.append(now)
            return "pass"
        if now - self._warned.get(sender, float("-inf")) >= self.window:
            self._warned[sender] = now
            return "warn"
        return "drop"

    def _forget(self, now: float) -> None:
        for sender in [s for s, t in self._seen.items() if not t or now - t[-1] >= self.window]:
            del self._seen[sender]
            self._warned.pop(sender, None)

    def guard(self, on_new_message: Handler) -> Handler:
        """``on_new_message`` behind the brake."""

        async def guarded(message: UserMessage) -> Any:
            verdict = self.verdict(str(message.sender_id), time.monotonic())
            if verdict == "drop":
                return None
            if verdict == "warn":
                message.text = SLOW_DOWN
            return await on_new_message(message)

        return guarded
