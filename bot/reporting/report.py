"""The report's figures, computed from what the two stores hold for one period.

Every definition lives here once, in code and in :data:`DEFINITIONS` (which the JSON carries
so a machine reader knows what each number means); docs/report.md explains them at length.
"""

from __future__ import annotations

import asyncio
import statistics
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from typing import Dict, Iterable, List, Sequence, Set, Tuple

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from bot.database.engine import database_for
from bot.reporting import conversations as shoppers
from bot.reporting import desk
from bot.reporting.period import Period
from bot.settings import Settings
from bot.shop import get_shop
from bot.text.masking import mask_text

TOP = 10

DEFINITIONS: Dict[str, str] = {
    "conversations": "distinct conversations (Rasa sender ids) with at least one shopper "
                     "message in the period",
    "handoffs": "handoff tickets opened in the period",
    "handed_off_conversations": "conversations of the period with a handoff ticket opened "
                                "in the period",
    "handoff_rate": "handed_off_conversations / conversations",
    "containment_rate": "conversations without a handoff ticket / conversations",
    "handoffs_by_reason": "handoff tickets opened in the period, by reason",
    "median_wait_minutes": "median minutes from ticket opened to taken by an agent, over the "
                           "period's tickets that were taken",
    "median_handle_minutes": "median minutes from ticket taken to resolved or returned to "
                             "the bot, over the period's tickets that were finished",
    "csat": "average 1-5 rating given in the period, and the number of ratings",
    "csat_by_task": "the same, by the task that was rated",
    "csat_by_handler": "the same, 'human' when an agent had taken a ticket of the "
                       "conversation before the rating, else 'bot'",
    "orders": "orders placed in the period",
    "contact_rate_per_order": "conversations / orders placed in the period (CCR)",
    "top_intents": f"the {TOP} most frequent intents of shopper messages in the period",
    "top_fallbacks": f"the {TOP} most frequent shopper messages the assistant did not "
                     "understand (nlu_fallback, or action_fallback ran after them), personal "
                     "data masked",
    "daily": "per shop-local day: conversations with a shopper message that day, handoff "
             "tickets opened that day",
    "by_agent": "per agent, over the period's tickets: taken, finished (resolved or returned "
                "to the bot), median minutes from taken to finished, and the average of the "
                "ratings given after their help",
}


@dataclass(frozen=True)
class Count:
    name: str
    count: int


@dataclass(frozen=True)
class Score:
    """An average rating and how many ratings it averages (None when there are none)."""

    average: float | None
    count: int


@dataclass(frozen=True)
class Csat:
    overall: Score
    by_task: Dict[str, Score]     # sorted by task
    by_handler: Dict[str, Score]  # "human", then "bot"


@dataclass(frozen=True)
class Day:
    day: date
    conversations: int
    handoffs: int


@dataclass(frozen=True)
class AgentFigures:
    name: str
    taken: int
    finished: int
    median_handle_minutes: float | None
    csat: Score


@dataclass(frozen=True)
class Report:
    period: Period
    conversations: int
    handoffs: int
    handed_off_conversations: int
    handoff_rate: float | None
    containment_rate: float | None
    handoffs_by_reason: Tuple[Count, ...]
    median_wait_minutes: float | None
    median_handle_minutes: float | None
    csat: Csat
    orders: int
    contact_rate_per_order: float | None
    top_intents: Tuple[Count, ...]
    top_fallbacks: Tuple[Count, ...]
    daily: Tuple[Day, ...]
    by_agent: Tuple[AgentFigures, ...] = ()

    @property
    def has_data(self) -> bool:
        """Whether anything happened in the chat; orders alone are not a report."""
        return bool(self.conversations or self.handoffs or self.csat.overall.count)

    @property
    def active_days(self) -> Tuple[Day, ...]:
        """The days from the first to the last with a conversation or a handoff: a chart of
        30 days with one busy day would be one bar among empty ones."""
        busy = [n for n, day in enumerate(self.daily) if day.conversations or day.handoffs]
        return self.daily[busy[0]:busy[-1] + 1] if busy else ()


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


def median_minutes(spans: Iterable[Tuple[datetime | None, datetime | None]]) -> float | None:
    """The median length of the spans that have both ends (a ticket not yet taken has none)."""
    minutes = [(end - begin).total_seconds() / 60 for begin, end in spans
               if begin is not None and end is not None]
    return round(statistics.median(minutes), 1) if minutes else None


def _score(scores: Sequence[int]) -> Score:
    return Score(round(statistics.fmean(scores), 2) if scores else None, len(scores))


def _ranked(counts: Counter, limit: int | None = None) -> Tuple[Count, ...]:
    """Most frequent first; ties by name, so the same data always reads the same."""
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return tuple(Count(name, count) for name, count in ranked[:limit])


def _csat(ratings: Sequence[desk.Rating]) -> Csat:
    by_task: Dict[str, List[int]] = {}
    for rating in ratings:
        by_task.setdefault(rating.task, []).append(rating.score)
    return Csat(
        overall=_score([r.score for r in ratings]),
        by_task={task: _score(scores) for task, scores in sorted(by_task.items())},
        by_handler={"human": _score([r.score for r in ratings if r.by_human]),
                    "bot": _score([r.score for r in ratings if not r.by_human])},
    )


def _by_agent(tickets: Sequence[desk.HandoffTimes],
              ratings: Sequence[desk.Rating]) -> Tuple[AgentFigures, ...]:
    names = sorted({t.agent_name for t in tickets if t.agent_name and t.assigned_at}
                   | {r.agent_name for r in ratings if r.agent_name})
    figures = []
    for name in names:
        theirs = [t for t in tickets if t.agent_name == name and t.assigned_at]
        figures.append(AgentFigures(
            name=name, taken=len(theirs),
            finished=sum(1 for t in theirs if t.resolved_at),
            median_handle_minutes=median_minutes((t.assigned_at, t.resolved_at)
                                                 for t in theirs),
            csat=_score([r.score for r in ratings if r.agent_name == name])))
    return tuple(figures)


def build_report(period: Period, engine: Engine, session: Session, orders: int) -> Report:
    """Read Asistan's records for ``period`` and compute every figure of the report;
    ``orders`` is how many the shop says were placed in it."""
    messages = shoppers.shopper_messages(engine, period.start, period.end)
    tickets = desk.handoffs(session, period.start, period.end)
    ratings = desk.ratings(session, period.start, period.end)
    fallbacks = shoppers.fallback_texts(engine, period.start, period.end)

    conversations = {m.sender_id for m in messages}
    handed_off = conversations & {t.conversation_id for t in tickets}
    talking: Dict[date, Set[str]] = {}
    for message in messages:
        talking.setdefault(period.local_day(message.at), set()).add(message.sender_id)
    handoffs_per_day = Counter(period.local_day(t.created_at) for t in tickets)
    return Report(
        period=period,
        conversations=len(conversations),
        handoffs=len(tickets),
        handed_off_conversations=len(handed_off),
        handoff_rate=_ratio(len(handed_off), len(conversations)),
        containment_rate=_ratio(len(conversations - handed_off), len(conversations)),
        handoffs_by_reason=_ranked(Counter(t.reason for t in tickets)),
        median_wait_minutes=median_minutes((t.created_at, t.assigned_at) for t in tickets),
        median_handle_minutes=median_minutes((t.assigned_at, t.resolved_at) for t in tickets),
        csat=_csat(ratings),
        orders=orders,
        contact_rate_per_order=_ratio(len(conversations), orders),
        top_intents=_ranked(Counter(m.intent for m in messages if m.intent), TOP),
        top_fallbacks=_ranked(Counter(mask_text(text) for text in fallbacks), TOP),
        daily=tuple(Day(day, len(talking.get(day, ())), handoffs_per_day[day])
                    for day in period.days),
        by_agent=_by_agent(tickets, ratings),
    )


async def report_for(settings: Settings, period: Period) -> Report:
    """The report of ``period``: the shop's order count from its backend, the rest from
    Asistan's records in the store database, read on a worker thread."""
    orders = await get_shop().orders_placed(period.start, period.end)

    def build() -> Report:
        store = database_for(settings.database_url)
        with store.unit_of_work() as session:
            return build_report(period, store.engine, session, orders)

    return await asyncio.to_thread(build)
