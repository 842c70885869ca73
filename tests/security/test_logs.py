"""No personal data in any log line (bot/text/logs.py, bot/text/masking.py)."""

from __future__ import annotations

import io
import logging
import subprocess
import sys

import pytest

from bot.settings import PROJECT_ROOT
from bot.text.logs import mask_every_log
from bot.text.masking import mask_text

SECRETS = ["905321112233", "5321112233", "0532 111 22 33", "+44 7911 123456",
           "ayse.yilmaz@example.com", "4111 1111 1111 1234", "12345678901",
           "TR33 0006 1005 1978 6457 8413 26"]


@pytest.mark.parametrize("secret", SECRETS)
def test_every_kind_of_personal_data_is_masked(secret: str) -> None:
    assert secret not in mask_text(f"x {secret} y")


def test_order_numbers_and_ids_stay_readable() -> None:
    text = "order 10045821, ticket 42, rest:e2e-1a2b3c4d at 2026-01-05 12:00:00,123"
    assert mask_text(text) == text


def test_every_logger_masks_messages_arguments_extras_and_exceptions() -> None:
    mask_every_log()
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(message)s %(request)s"))
    loggers = [logging.getLogger(name) for name in
               ("bot.channels.whatsapp", "rasa.core.processor", "sanic.access", "third.party")]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False
    try:
        for logger, secret in zip(loggers * 2, SECRETS, strict=True):
            logger.info("handoff for %s", secret,
                        extra={"request": f"GET /conversations/{secret}/tracker"})
        try:
            raise ValueError("no order for ayse.yilmaz@example.com / 905321112233")
        except ValueError:
            loggers[3].exception("failed", extra={"request": "-"})
    finally:
        for logger in loggers:
            logger.removeHandler(handler)
            logger.propagate = True
    written = stream.getvalue()
    assert "handoff for" in written and "ValueError" in written
    for secret in SECRETS:
        assert secret not in written


def test_warnings_go_through_the_masking_too() -> None:
    """In a process of its own: pytest keeps every warning of its tests for itself."""
    program = ("import logging, warnings; from bot.text.logs import mask_every_log; "
               "mask_every_log(); logging.basicConfig(); "
               "warnings.warn(\"slots: {'contact': 'ayse.yilmaz@example.com'}\")")
    done = subprocess.run([sys.executable, "-c", program], cwd=PROJECT_ROOT,
                          capture_output=True, text=True, timeout=60, check=True)
    assert "a***@example.com" in done.stderr
    assert "ayse.yilmaz" not in done.stderr + done.stdout
