"""`python -m bot report` end to end, as a process on stores of its own."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Dict, List

import pytest

from bot.database.engine import Database
from bot.settings import PROJECT_ROOT
from tests.reporting import scenario

KEYS = {"period", "has_data", "conversations", "handoffs", "handed_off_conversations",
        "handoff_rate", "containment_rate", "handoffs_by_reason", "median_wait_minutes",
        "median_handle_minutes", "csat", "csat_by_task", "csat_by_handler", "orders",
        "contact_rate_per_order", "top_intents", "top_fallbacks", "daily", "by_agent",
        "definitions"}


@pytest.fixture(scope="module")
def environment(tmp_path_factory) -> Dict[str, str]:
    """The scenario in SQLite stores under a runtime folder the command is pointed at."""
    runtime = tmp_path_factory.mktemp("report-cli")
    shop = Database(f"sqlite:///{runtime / 'store.db'}")
    scenario.seed_shop(shop)
    store = scenario.sqlite_tracker_store(runtime / "tracker.db", shop)
    scenario.write_conversations(store)
    store.engine.dispose()
    shop.dispose()
    return {**os.environ, "ASISTAN_RUNTIME_DIR": str(runtime), "DATABASE_URL": shop.url,
            "TRACKER_DATABASE_URL": f"sqlite:///{runtime / 'tracker.db'}"}


def _report(environment: Dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot", "report", *args], env=environment,
                          cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)


def _written(result: subprocess.CompletedProcess) -> List[Path]:
    assert result.returncode == 0, result.stderr
    return [Path(line) for line in result.stdout.splitlines()]


def test_report_of_the_scenario(environment, tmp_path: Path) -> None:
    out = tmp_path / "out"
    html_path, json_path = _written(_report(environment, "--from", "2024-03-18",
                                            "--to", "2024-03-20", "--out", str(out)))
    assert html_path == out / "report-2024-03-18-2024-03-20.html"
    assert json_path == out / "report-2024-03-18-2024-03-20.json"
    page = html_path.read_text("utf-8")
    assert page.count('src="data:image/png;base64,') == 3
    assert re.search(r'id="kpi-conversations"><span class="value">6<', page)
    assert re.search(r'id="kpi-contact_rate_per_order"><span class="value">0,5<', page)
    assert "a***@example.com adresime fatura gelmedi" in page
    figures = json.loads(json_path.read_text("utf-8"))
    assert set(figures) == KEYS
    assert (figures["conversations"], figures["handoffs"], figures["orders"]) == (6, 6, 12)
    assert figures["containment_rate"] == 0.333
    assert figures["csat_by_handler"]["human"] == {"average": 3.0, "count": 2}


def test_an_empty_range(environment, tmp_path: Path) -> None:
    html_path, json_path = _written(_report(environment, "--from", "2024-04-01",
                                            "--to", "2024-04-07", "--out", str(tmp_path)))
    page = html_path.read_text("utf-8")
    assert 'id="no-data"' in page and "data:image/png" not in page
    figures = json.loads(json_path.read_text("utf-8"))
    assert set(figures) == KEYS
    assert figures["has_data"] is False and figures["conversations"] == 0
    assert figures["handoff_rate"] is None and figures["contact_rate_per_order"] is None
    assert len(figures["daily"]) == 7


def test_defaults_are_the_last_30_days_into_the_runtime_folder(environment) -> None:
    html_path, json_path = _written(_report(environment))
    assert html_path.parent == Path(environment["ASISTAN_RUNTIME_DIR"]) / "reports"
    first, last = re.fullmatch(r"report-(\d{4}-\d\d-\d\d)-(\d{4}-\d\d-\d\d)\.html",
                               html_path.name).groups()
    assert (date.fromisoformat(last) - date.fromisoformat(first)).days == 29
    assert json_path.exists()


@pytest.mark.parametrize("args", [["--from", "2024-03-32"], ["--to", "18.03.2024"],
                                  ["--from", "2024-03-20", "--to", "2024-03-18"]])
def test_bad_dates_are_refused(environment, tmp_path: Path, args: List[str]) -> None:
    result = _report(environment, *args, "--out", str(tmp_path))
    assert result.returncode == 2 and result.stdout.startswith("report: ")
    assert not list(tmp_path.iterdir())
