"""The report's range: whole days in the shop's timezone, read from the owner's dates.

The owner thinks in local days ("1 to 31 March"), while both stores keep UTC moments; this
module is the one place that turns one into the other, so every figure of a report covers
exactly the same moments.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import List
from zoneinfo import ZoneInfo

DEFAULT_DAYS = 30
# A longer range is one request's worth of every event in the tracker store: a report of a
# year is the most the console will compute on the spot.
MAX_DAYS = 366


@dataclass(frozen=True)
class Period:
    """The local days ``first`` to ``last``, both included."""

    first: date
    last: date
    timezone: ZoneInfo

    def _utc(self, day: date) -> datetime:
        local_midnight = datetime.combine(day, time(0), self.timezone)
        return local_midnight.astimezone(timezone.utc).replace(tzinfo=None)

    @property
    def start(self) -> datetime:
        """The first moment of the range, naive UTC as the stores keep moments."""
        return self._utc(self.first)

    @property
    def end(self) -> datetime:
        """The first moment after the range (excluded), naive UTC."""
        return self._utc(self.last + timedelta(days=1))

    @property
    def days(self) -> List[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]

    def local_day(self, moment: datetime) -> date:
        """The shop-local day of a naive UTC moment."""
        return moment.replace(tzinfo=timezone.utc).astimezone(self.timezone).date()


def _day(value: str, name: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise ValueError(f"{name} must be a date written YYYY-MM-DD, not {value!r}") from error


def parse_period(first: str | None, last: str | None, today: date, tz: ZoneInfo) -> Period:
    """The range the owner asked for; by default the last 30 days up to ``today``.

    Raises ``ValueError`` with a message fit to show the owner when the dates are not
    ``YYYY-MM-DD``, are in the wrong order, or span more than :data:`MAX_DAYS`.
    """
    last_day = _day(last, "to") if last else today
    first_day = _day(first, "from") if first else last_day - timedelta(days=DEFAULT_DAYS - 1)
    if first_day > last_day:
        raise ValueError("from must not be after to")
    if (last_day - first_day).days + 1 > MAX_DAYS:
        raise ValueError(f"a report covers at most {MAX_DAYS} days")
    return Period(first_day, last_day, tz)
