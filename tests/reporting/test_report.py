"""The report's figures on real stores (SQLite and PostgreSQL), its JSON and its page."""

from __future__ import annotations

import asyncio
import base64
import json
import re
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import create_engine, event

from bot.database.engine import Database
from bot.reporting import dashboard as metrics
from bot.reporting import render
from bot.reporting.period import MAX_DAYS, Period, parse_period
from bot.reporting.report import DEFINITIONS, Report, build_report
from bot.schema import create_schema
from bot.store.backend import SqlShopBackend
from tests.reporting import scenario

EXPECTED = {
    "period": {"from": "2024-03-18", "to": "2024-03-20", "timezone": "Europe/Istanbul"},
    "has_data": True,
    "conversations": 6,
    "handoffs": 6,
    "handed_off_conversations": 4,
    "handoff_rate": 0.667,
    "containment_rate": 0.333,
    "handoffs_by_reason": [{"reason": "angry", "count": 2},
                           {"reason": "frustration", "count": 2},
                           {"reason": "asked_for_human", "count": 1},
                           {"reason": "sensitive", "count": 1}],
    "median_wait_minutes": 5.0,     # 1, 3, 5, 9, 12
    "median_handle_minutes": 15.0,  # 2, 10, 20, 30
    "csat": {"average": 3.5, "count": 4},
    "csat_by_task": [{"task": "cancel_order", "average": 3.0, "count": 1},
                     {"task": "human", "average": 4.0, "count": 1},
                     {"task": "order_status", "average": 3.5, "count": 2}],
    "csat_by_handler": {"human": {"average": 3.0, "count": 2},
                        "bot": {"average": 4.0, "count": 2}},
    "orders": 12,
    "contact_rate_per_order": 0.5,
    "top_intents": [{"intent": "nlu_fallback", "count": 3},
                    {"intent": "order_status", "count": 2}]
                   + [{"intent": name, "count": 1} for name in (
                       "affirm", "cancel_order", "complaint", "deny", "faq", "greet",
                       "human_handoff", "inform")],  # return_request is the eleventh
    "top_fallbacks": [{"text": "asdfgh qwe", "count": 2},
                      {"text": "*** *** ** 33 beni arayın", "count": 1},
                      {"text": "a***@example.com adresime fatura gelmedi", "count": 1}],
    "daily": [{"date": "2024-03-18", "conversations": 2, "handoffs": 1},
              {"date": "2024-03-19", "conversations": 3, "handoffs": 3},
              {"date": "2024-03-20", "conversations": 2, "handoffs": 2}],
    "by_agent": [{"agent": "Zeynep", "taken": 5, "finished": 4, "median_handle_minutes": 15.0,
                  "csat": {"average": 3.0, "count": 2}}],
}
DATA_URI = re.compile(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"')


def _report(stores, first: date = scenario.FIRST, last: date = scenario.LAST) -> Report:
    tracker_engine, database = stores
    period = Period(first, last, scenario.TZ)
    orders = asyncio.run(SqlShopBackend(database).orders_placed(period.start, period.end))
    with database.unit_of_work() as session:
        return build_report(period, tracker_engine, session, orders)


def test_every_figure_of_the_scenario(stores) -> None:
    figures = json.loads(json.dumps(render.as_json(_report(stores))))
    assert figures.pop("definitions") == DEFINITIONS
    assert figures == EXPECTED
    assert set(DEFINITIONS) == set(EXPECTED) - {"period", "has_data"}


def test_an_empty_range_has_no_rates(stores) -> None:
    report = _report(stores, date(2024, 4, 1), date(2024, 4, 2))
    figures = render.as_json(report)
    assert not report.has_data and figures["has_data"] is False
    assert figures["conversations"] == figures["handoffs"] == figures["orders"] == 0
    for key in ("handoff_rate", "containment_rate", "median_wait_minutes",
                "median_handle_minutes", "contact_rate_per_order"):
        assert figures[key] is None, key
    assert figures["csat"] == {"average": None, "count": 0}
    assert figures["csat_by_handler"]["human"] == {"average": None, "count": 0}
    assert figures["top_intents"] == figures["top_fallbacks"] == []
    assert figures["daily"] == [{"date": "2024-04-01", "conversations": 0, "handoffs": 0},
                                {"date": "2024-04-02", "conversations": 0, "handoffs": 0}]
    page = render.as_html(report)
    assert 'id="no-data"' in page and "data:image/png" not in page


def test_the_page_shows_the_figures_and_charts(stores) -> None:
    report = _report(stores)
    page = render.as_html(report)
    charts = DATA_URI.findall(page)
    assert len(charts) == 3
    assert all(base64.b64decode(chart).startswith(b"\x89PNG\r\n\x1a\n") for chart in charts)
    kpi = dict(re.findall(r'id="kpi-([a-z_]+)"><span class="value">([^<]+)<', page))
    assert kpi == {"conversations": "6", "containment_rate": "%33,3", "handoff_rate": "%66,7",
                   "handoffs": "6", "median_wait_minutes": "5", "median_handle_minutes": "15",
                   "csat": "3,5 (4)", "orders": "12", "contact_rate_per_order": "0,5"}
    assert 'id="no-data"' not in page
    assert "ayse.yilmaz@example.com" not in page and "a***@example.com" in page
    assert render.labels().reasons["frustration"] in page
    assert render.labels().tasks["cancel_order"] in page
    assert "<td>Sipariş takibi</td>" in page and "<td>order_status</td>" not in page  # intents
    assert "<form" not in page and "<form" in render.as_html(report, interactive=True)


def test_tables_as_csv_and_the_daily_chart_over_the_busy_days(stores) -> None:
    report = _report(stores, date(2024, 3, 10), date(2024, 3, 20))
    assert [d.day for d in report.active_days] == [date(2024, 3, n) for n in (17, 18, 19, 20)]
    daily = render.as_csv(report, "daily").splitlines()
    assert daily[0] == "Tarih;Konuşma;Temsilciye aktarım"
    assert len(daily) == 12 and "2024-03-19;3;3" in daily
    agents = render.as_csv(report, "agents").splitlines()
    assert agents[0] == ("Temsilci;Üstlendiği;Bitirdiği;Medyan görüşme süresi (dk);"
                         "Ortalama;Değerlendirme")
    assert agents[1:] == ["Zeynep;5;4;15;3;2"]
    with pytest.raises(ValueError):
        render.as_csv(report, "orders")
    assert 'id="by-agent"' in render.as_html(report) and "Zeynep" in render.as_html(report)
    assert _report(stores, date(2024, 4, 1), date(2024, 4, 2)).active_days == ()


def test_files_are_named_after_the_range(stores, tmp_path: Path) -> None:
    html_path, json_path = render.write_files(_report(stores), tmp_path / "reports")
    assert html_path.name == "report-2024-03-18-2024-03-20.html"
    assert json_path.name == "report-2024-03-18-2024-03-20.json"
    assert json.loads(json_path.read_text("utf-8"))["conversations"] == 6
    assert len(DATA_URI.findall(html_path.read_text("utf-8"))) == 3


def test_dashboard_counts_conversations_as_the_report_does(stores) -> None:
    engine, _ = stores
    since = datetime(2024, 3, 19, tzinfo=scenario.TZ)
    # c1, c3, c4, c5, c8 and c7 (no end); not c9, whose only event came from the console.
    assert metrics.conversations_since(engine, since) == 6


def test_dashboard_without_a_readable_store(tmp_path: Path) -> None:
    since = datetime(2024, 3, 19, tzinfo=scenario.TZ)
    empty = Database(f"sqlite:///{tmp_path / 'store.db'}")
    create_schema(empty)
    assert metrics.conversations_since(empty.engine, since) == 0
    empty.dispose()
    unreadable = create_engine(f"sqlite:///{tmp_path / 'missing' / 'store.db'}")
    assert metrics.conversations_since(unreadable, since) is None


def test_the_dashboard_s_count_reads_the_index_not_rasa_s_events(stores) -> None:
    """The console polls this every few seconds per agent: it must stay a range scan on
    Asistan's own indexed table, however long the shop's history grows."""
    engine, _ = stores
    statements: list[tuple] = []

    def seen(_connection, _cursor, statement: str, parameters, *_) -> None:
        statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", seen)
    metrics.conversations_since(engine, datetime(2024, 3, 19, tzinfo=scenario.TZ))
    event.remove(engine, "before_cursor_execute", seen)
    assert statements and all("events" not in s and "shopper_messages" in s
                              for s, _ in statements)
    statement, parameters = statements[0]
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":  # a tiny table: make the index win anyway
            connection.exec_driver_sql("SET enable_seqscan = off")
        explain = "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN "
        plan = " ".join(str(row[-1]) for row in connection.exec_driver_sql(
            explain + statement, parameters))
    assert "ix_shopper_messages_time_sender" in plan


ISTANBUL = ZoneInfo("Europe/Istanbul")


def test_a_period_is_whole_local_days() -> None:
    period = Period(date(2024, 3, 18), date(2024, 3, 20), ISTANBUL)
    assert period.start == datetime(2024, 3, 17, 21, 0)
    assert period.end == datetime(2024, 3, 20, 21, 0)
    assert period.local_day(datetime(2024, 3, 17, 21, 0)) == date(2024, 3, 18)
    assert period.local_day(datetime(2024, 3, 17, 20, 59)) == date(2024, 3, 17)
    summer_time = Period(date(2024, 3, 31), date(2024, 3, 31), ZoneInfo("Europe/Berlin"))
    assert summer_time.end - summer_time.start == timedelta(hours=23)


def test_default_and_invalid_periods() -> None:
    today = date(2024, 3, 20)
    default = parse_period(None, None, today, ISTANBUL)
    assert (default.first, default.last) == (date(2024, 2, 20), today)
    assert len(default.days) == 30
    assert parse_period(None, "2024-01-30", today, ISTANBUL).first == date(2024, 1, 1)
    assert parse_period("2024-03-20", "2024-03-20", today, ISTANBUL).days == [today]
    for first, last in (("2024-3-1", None), ("2024-02-30", None), ("dün", None),
                        ("2024-03-21", "2024-03-20"), ("2020-01-01", "2024-01-01")):
        with pytest.raises(ValueError):
            parse_period(first, last, today, ISTANBUL)
    longest = today - timedelta(days=MAX_DAYS - 1)
    assert len(parse_period(longest.isoformat(), None, today, ISTANBUL).days) == MAX_DAYS
