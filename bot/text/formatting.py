"""Turkish formatting of money and dates for replies.

Month and weekday names come from Babel's CLDR data for the ``tr`` locale, so no Turkish word
lives in Python and every reply writes "1.299,90 TL" and "14 Kasım Cumartesi" the same way.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Union
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal

LOCALE = "tr_TR"


def money(amount: Union[Decimal, float, int]) -> str:
    """``1299.9`` -> ``1.299,90``; whole amounts drop the kuruş: ``500`` -> ``500``."""
    value = Decimal(str(amount))
    pattern = "#,##0" if value == value.to_integral_value() else "#,##0.00"
    return format_decimal(value, format=pattern, locale=LOCALE)


def day(value: date) -> str:
    """``2026-11-14`` -> ``14 Kasım 2026 Cumartesi``."""
    return format_date(value, format="d MMMM y EEEE", locale=LOCALE)


def short_day(value: date) -> str:
    """``2026-11-14`` -> ``14 Kasım``."""
    return format_date(value, format="d MMMM", locale=LOCALE)


def moment(value: datetime, tz: ZoneInfo) -> str:
    """A stored UTC moment in the shop's time: ``14 Kasım 2026 15:42``."""
    aware = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    return format_datetime(aware.astimezone(tz), format="d MMMM y HH:mm", locale=LOCALE)


def weekday_time(value: datetime) -> str:
    """A local moment as weekday and time: ``Pazartesi 09:00``."""
    return format_datetime(value, format="EEEE HH:mm", locale=LOCALE)


def local_day(value: datetime, tz: ZoneInfo) -> date:
    """The shop's calendar day of a stored UTC moment (23:30 UTC is already tomorrow in
    Istanbul)."""
    aware = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    return aware.astimezone(tz).date()
