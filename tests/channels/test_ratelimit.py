"""The brake on senders who write faster than a person can."""

from __future__ import annotations

from bot.channels.ratelimit import RateLimiter


def test_a_burst_passes_up_to_the_limit_warns_once_then_drops() -> None:
    limiter = RateLimiter(messages=3, window=10)
    verdicts = [limiter.verdict("burst", 100 + n * 0.01) for n in range(8)]
    assert verdicts == ["pass"] * 3 + ["warn"] + ["drop"] * 4
    assert limiter.verdict("someone-else", 100.1) == "pass"  # per sender


def test_the_window_slides() -> None:
    limiter = RateLimiter(messages=2, window=10)
    assert [limiter.verdict("s", t) for t in (0, 1, 2)] == ["pass", "pass", "warn"]
    assert limiter.verdict("s", 10.5) == "pass"  # the message at 0 left the window
    assert limiter.verdict("s", 10.6) == "drop"  # warned less than a window ago
    assert limiter.verdict("s", 25) == "pass"


def test_idle_senders_are_forgotten() -> None:
    limiter = RateLimiter(messages=1, window=1)
    for n in range(1200):
        limiter.verdict(f"sender-{n}", 0)
    limiter.verdict("late", 5)
    assert len(limiter._seen) < 300
