"""The report as JSON (stable keys, for machines) and as one self-contained HTML page.

The page's words live in ``templates/labels.j2``; the charts take theirs from the same file
(through the template's exported variables), so a label is never written twice.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any, Dict, List, Tuple

from babel.dates import format_date
from babel.numbers import format_decimal, format_percent
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from bot.handoff import reasons
from bot.reporting import figures
from bot.reporting.report import DEFINITIONS, Report, Score
from bot.text.formatting import LOCALE
from bot.text.labels import labels as text_labels

TEMPLATES = Path(__file__).parent / "templates"
CSAT_SCALE = 5


def _score_json(score: Score) -> Dict[str, Any]:
    return {"average": score.average, "count": score.count}


def as_json(report: Report) -> Dict[str, Any]:
    """Every figure under the keys docs/report.md lists; absent values are ``null``."""
    return {
        "period": {"from": report.period.first.isoformat(),
                   "to": report.period.last.isoformat(),
                   "timezone": report.period.timezone.key},
        "has_data": report.has_data,
        "conversations": report.conversations,
        "handoffs": report.handoffs,
        "handed_off_conversations": report.handed_off_conversations,
        "handoff_rate": report.handoff_rate,
        "containment_rate": report.containment_rate,
        "handoffs_by_reason": [{"reason": c.name, "count": c.count}
                               for c in report.handoffs_by_reason],
        "median_wait_minutes": report.median_wait_minutes,
        "median_handle_minutes": report.median_handle_minutes,
        "csat": _score_json(report.csat.overall),
        "csat_by_task": [{"task": task, **_score_json(score)}
                         for task, score in report.csat.by_task.items()],
        "csat_by_handler": {handler: _score_json(score)
                            for handler, score in report.csat.by_handler.items()},
        "orders": report.orders,
        "contact_rate_per_order": report.contact_rate_per_order,
        "top_intents": [{"intent": c.name, "count": c.count} for c in report.top_intents],
        "top_fallbacks": [{"text": c.name, "count": c.count} for c in report.top_fallbacks],
        "daily": [{"date": d.day.isoformat(), "conversations": d.conversations,
                   "handoffs": d.handoffs} for d in report.daily],
        "by_agent": [{"agent": a.name, "taken": a.taken, "finished": a.finished,
                      "median_handle_minutes": a.median_handle_minutes,
                      "csat": _score_json(a.csat)} for a in report.by_agent],
        "definitions": DEFINITIONS,
    }


def _percent(value: float) -> str:
    return format_percent(value, format="%#,##0.#", locale=LOCALE)


def _number(value: float) -> str:
    return format_decimal(value, locale=LOCALE)


def _day(value: date) -> str:
    return format_date(value, format="d MMMM y", locale=LOCALE)


@cache
def _environment() -> Environment:
    environment = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True,
                              undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    environment.filters.update(percent=_percent, number=_number, day=_day)
    environment.globals["reason_labels"] = reasons.labels()
    environment.globals["names"] = text_labels()
    return environment


def labels() -> Any:
    """The variables ``templates/labels.j2`` sets: the report's words, for the charts."""
    return _environment().get_template("labels.j2").module


def _charts(report: Report) -> Dict[str, str | None]:
    """The three charts, each None when it would be empty (the page then says so)."""
    words = labels()
    reasons = report.handoffs_by_reason
    rated = [(task, score.average, score.count) for task, score in report.csat.by_task.items()
             if score.average is not None]
    days = report.active_days
    return {
        "daily": figures.daily_chart(
            [d.day for d in days], [d.conversations for d in days], [d.handoffs for d in days],
            [words.series["conversations"], words.series["handoffs"]],
        ) if days else None,
        "reasons": figures.bar_chart(
            [words.reasons.get(c.name, c.name) for c in reasons], [c.count for c in reasons],
            [_number(c.count) for c in reasons],
        ) if reasons else None,
        "csat_by_task": figures.bar_chart(
            [words.tasks.get(task, task) for task, _, _ in rated],
            [average for _, average, _ in rated],
            [f"{_number(average)} ({_number(count)})" for _, average, count in rated],
            limit=CSAT_SCALE,
        ) if rated else None,
    }


def as_html(report: Report, interactive: bool = False) -> str:
    """The page; ``interactive`` adds the console's date form and links back."""
    template = _environment().get_template("report.html.j2")
    return template.render(report=report, charts=_charts(report), interactive=interactive)


CSV_TABLES = ("daily", "agents")


def as_csv(report: Report, table: str) -> str:
    """One of the page's tables for a spreadsheet: Turkish headers, ``;`` between fields and
    decimal commas, as Turkish spreadsheet programs read them."""
    columns = labels().columns
    rows: List[List[Any]]
    if table == "daily":
        rows = [[columns["date"], labels().series["conversations"], labels().series["handoffs"]]]
        rows += [[d.day.isoformat(), d.conversations, d.handoffs] for d in report.daily]
    elif table == "agents":
        rows = [[columns["agent"], columns["taken"], columns["finished"],
                 labels().kpi["median_handle_minutes"], columns["average"], columns["ratings"]]]
        rows += [[a.name, a.taken, a.finished, _csv_number(a.median_handle_minutes),
                  _csv_number(a.csat.average), a.csat.count] for a in report.by_agent]
    else:
        raise ValueError(f"no table {table!r}; one of {CSV_TABLES}")
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def _csv_number(value: float | None) -> str:
    return "" if value is None else format_decimal(value, locale=LOCALE, group_separator=False)


def write_files(report: Report, directory: Path) -> Tuple[Path, Path]:
    """Write ``report-<from>-<to>.html`` and ``.json`` into ``directory``; their paths."""
    directory.mkdir(parents=True, exist_ok=True)
    stem = f"report-{report.period.first.isoformat()}-{report.period.last.isoformat()}"
    html_path, json_path = directory / f"{stem}.html", directory / f"{stem}.json"
    html_path.write_text(as_html(report), encoding="utf-8")
    json_path.write_text(json.dumps(as_json(report), ensure_ascii=False, indent=2) + "\n",
                         encoding="utf-8")
    return html_path, json_path
