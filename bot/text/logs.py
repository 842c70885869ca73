"""No personal data in any log line of the product: a logging filter applied to every
record every logger of the process makes.

Personal data reaches logs by many roads: our own messages, Rasa's and Sanic's (a
conversation id that is a WhatsApp number in a URL), a library's exception text with a
query's parameters. Masking at each call would miss some, so :func:`mask_every_log` makes
the process's loggers run :class:`MaskingFilter` on each record as it is made, before any
handler or formatter sees it: its message with its arguments, the text of its exception
and stack, and any extra string fields, through :func:`bot.text.masking.mask_text`.
Every process calls it first: the Rasa server (``bot/server/__main__.py``), the action
server (``actions/__init__.py``) and every ``python -m bot`` command (``bot/cli.py``).
"""

from __future__ import annotations

import logging
from typing import Any

from bot.text.masking import mask_text

# What every LogRecord has; anything else is an ``extra`` field of the call.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message",
                                                                               "asctime"}
_make_record = logging.Logger.makeRecord


class MaskingFilter(logging.Filter):
    """Rewrites a record with its personal data masked; never drops one."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a call whose arguments do not fit its format: keep both
            message = f"{record.msg} {record.args}"
        record.msg, record.args = mask_text(str(message)), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_text(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_text(record.stack_info)
        for name, value in list(vars(record).items()):
            if name not in _STANDARD and isinstance(value, str):
                setattr(record, name, mask_text(value))
        return True


_FILTER = MaskingFilter()


def _masked_record(self: logging.Logger, *args: Any, **kwargs: Any) -> logging.LogRecord:
    record = _make_record(self, *args, **kwargs)
    _FILTER.filter(record)
    return record


def mask_every_log() -> None:
    """Run :class:`MaskingFilter` on every record any logger of this process makes, and
    send Python's warnings (Rasa's, which can print slot values) through logging too."""
    logging.Logger.makeRecord = _masked_record  # type: ignore[method-assign]
    logging.captureWarnings(True)
