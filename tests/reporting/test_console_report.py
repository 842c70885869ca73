"""The report in the agent console over real HTTP, and its link in a real browser."""

from __future__ import annotations

import re
from datetime import datetime

import requests
from playwright.sync_api import Browser, Page, expect, sync_playwright

from bot.settings import Settings
from tests.e2e.browser import CHROMIUM_FLAGS, chromium_path, screenshot
from tests.web.conftest import PASSWORD, base, login

RANGE = "from=2024-03-18&to=2024-03-20"


def test_a_supervisor_gets_the_page_and_the_json(report_console: Settings) -> None:
    supervisor = login(report_console, "yonetici")
    page = supervisor.get(f"{base(report_console)}/report?{RANGE}", timeout=60)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert "img-src 'self' data:" in page.headers["Content-Security-Policy"]
    assert page.text.count('src="data:image/png;base64,') == 3
    assert re.search(r'id="kpi-conversations"><span class="value">6<', page.text)
    assert 'action="/report"' in page.text  # the console's page lets them pick the days
    figures = supervisor.get(f"{base(report_console)}/api/report?{RANGE}", timeout=60).json()
    assert (figures["conversations"], figures["handoffs"], figures["orders"]) == (6, 6, 12)
    assert figures["period"] == {"from": "2024-03-18", "to": "2024-03-20",
                                 "timezone": report_console.timezone.key}


def test_a_supervisor_downloads_the_tables_as_csv(report_console: Settings) -> None:
    supervisor = login(report_console, "yonetici")
    daily = supervisor.get(f"{base(report_console)}/report.csv?{RANGE}&table=daily", timeout=60)
    assert daily.status_code == 200 and daily.headers["Content-Type"].startswith("text/csv")
    assert daily.headers["Content-Disposition"] == (
        'attachment; filename="report-2024-03-18-2024-03-20-daily.csv"')
    assert daily.content.decode("utf-8-sig").splitlines()[1] == "2024-03-18;2;1"
    agents = supervisor.get(f"{base(report_console)}/report.csv?{RANGE}&table=agents",
                            timeout=60)
    assert agents.content.decode("utf-8-sig").splitlines()[1].startswith("Zeynep;")
    assert supervisor.get(f"{base(report_console)}/report.csv?{RANGE}&table=x",
                          timeout=60).status_code == 400
    assert login(report_console, "temsilci").get(
        f"{base(report_console)}/report.csv?{RANGE}", timeout=60).status_code == 403


def test_the_default_range_ends_today(report_console: Settings) -> None:
    supervisor = login(report_console, "yonetici")
    before = datetime.now(report_console.timezone).date().isoformat()
    figures = supervisor.get(f"{base(report_console)}/api/report", timeout=60).json()
    after = datetime.now(report_console.timezone).date().isoformat()
    assert figures["period"]["to"] in (before, after)
    assert len(figures["daily"]) == 30


def test_agents_and_strangers_get_no_report(report_console: Settings) -> None:
    agent = login(report_console, "temsilci")
    for path in ("/report", "/api/report"):
        refused = agent.get(f"{base(report_console)}{path}?{RANGE}", timeout=10)
        assert refused.status_code == 403 and refused.json() == {"error": "supervisors only"}
    stranger = requests.get(f"{base(report_console)}/api/report", timeout=10)
    assert stranger.status_code == 401
    page = requests.get(f"{base(report_console)}/report", allow_redirects=False, timeout=10)
    assert page.status_code == 302 and page.headers["Location"] == "/login"


def test_bad_dates_are_a_bad_request(report_console: Settings) -> None:
    supervisor = login(report_console, "yonetici")
    for path in ("/api/report?from=2024-13-01", "/api/report?from=2024-03-20&to=2024-03-18",
                 "/report?to=18.03.2024"):
        refused = supervisor.get(base(report_console) + path, timeout=10)
        assert refused.status_code == 400, path
        assert refused.json()["error"]


def _logged_in(browser: Browser, settings: Settings, username: str) -> Page:
    """The console page once its script has asked who is logged in (and set the link)."""
    page = browser.new_page()
    page.goto(base(settings) + "/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("#me")).not_to_be_empty()
    return page


def test_only_supervisors_see_the_link_and_its_charts_load(report_console: Settings) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(),
                                             args=CHROMIUM_FLAGS)
        agent = _logged_in(browser, report_console, "temsilci")
        expect(agent.locator("#report-link")).to_be_hidden()
        page = _logged_in(browser, report_console, "yonetici")
        page.click("#report-link")
        page.fill("input[name=from]", "2024-03-18")
        page.fill("input[name=to]", "2024-03-20")
        page.click("form button[type=submit]")
        expect(page).to_have_url(f"{base(report_console)}/report?{RANGE}")
        images = page.locator("img")
        expect(images).to_have_count(3)
        # A policy without data: would leave every chart blank (natural width 0).
        widths = images.evaluate_all("images => images.map(image => image.naturalWidth)")
        assert len(widths) == 3 and all(width > 300 for width in widths)
        expect(page.locator("#by-agent")).to_contain_text("Zeynep")
        screenshot(page, "report.png", full_page=True)
        browser.close()
