"""The agent console attacked over HTTP: guessing passwords, forged logins, bad input.

One console process of its own (its brake must not slow the other console tests), with
small brake settings so a lockout passes within the test, and an https public URL, so
its cookies must be ``Secure``: the test therefore carries cookies itself, as a browser
on https would.
"""

from __future__ import annotations

import re
import time
from typing import Dict, Iterator, List, Tuple

import pytest
import requests

from bot.settings import Settings
from tests.web.conftest import PASSWORD, base, running_console

PUBLIC_URL = "https://console.shop.example"
WINDOW_SECONDS = 9.0
FIRST_DELAY = 2.0
pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def console(tmp_path_factory) -> Iterator[Settings]:
    with running_console(tmp_path_factory.mktemp("security-console"),
                         WEB_PUBLIC_URL=PUBLIC_URL, LOGIN_MAX_FAILURES="3",
                         LOGIN_WINDOW_MINUTES=str(WINDOW_SECONDS / 60),
                         LOGIN_FIRST_DELAY_SECONDS=str(FIRST_DELAY)) as settings:
        yield settings


def set_cookies(response: requests.Response) -> Dict[str, str]:
    """Name -> the whole Set-Cookie header, as the server sent it."""
    headers = response.raw.headers.getlist("Set-Cookie")
    return {header.split("=", 1)[0]: header for header in headers}


class Browser:
    """A browser on the console's https address: cookies kept and sent by hand."""

    def __init__(self, settings: Settings) -> None:
        self.url = base(settings)
        self.cookies: Dict[str, str] = {}
        self.csrf_header = ""

    def _keep(self, response: requests.Response) -> None:
        for name, header in set_cookies(response).items():
            value = header.split("=", 1)[1].split(";", 1)[0]
            if value.strip('"'):
                self.cookies[name] = value
            else:
                self.cookies.pop(name, None)

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
                   "X-CSRF-Token": self.csrf_header, **kwargs.pop("headers", {})}
        response = requests.request(method, self.url + path, headers=headers,
                                    allow_redirects=False, timeout=20, **kwargs)
        self._keep(response)
        return response

    def login_form(self) -> str:
        page = self.request("GET", "/login")
        return re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)

    def log_in(self, username: str = "temsilci", password: str = PASSWORD,
               **headers: str) -> requests.Response:
        token = self.login_form()
        answer = self.request("POST", "/login", headers=headers, data={
            "csrf": token, "username": username, "password": password})
        me = self.request("GET", "/api/me")
        if me.ok:
            self.csrf_header = me.json()["csrf"]
        return answer


def test_cookies_are_secure_and_strict_on_https(console: Settings) -> None:
    browser = Browser(console)
    browser.request("GET", "/login")
    assert browser.cookies
    answer = browser.log_in()
    assert answer.status_code == 302 and answer.headers["Location"] == "/console"
    for header in set_cookies(answer).values():
        if "Max-Age=0" not in header:
            assert "Secure" in header and "SameSite=Strict" in header and "HttpOnly" in header


@pytest.mark.parametrize(("form", "headers", "with_cookie"), [
    ({"csrf": "-"}, {}, False),  # the old bypass: any token equal to a missing cookie
    ({"csrf": ""}, {}, False),
    ({}, {}, True),
    ({"csrf": "x" * 64}, {}, True),
    ({"csrf": "ş"}, {}, True),
    ({"csrf": "GOOD"}, {"Origin": "https://evil.example"}, True),
    ({"csrf": "GOOD"}, {"Origin": "null"}, True),
    ({"csrf": "GOOD"}, {}, False),  # the token without its cookie
])
def test_forged_logins_are_refused(console: Settings, form, headers, with_cookie) -> None:
    browser = Browser(console)
    token = browser.login_form()
    if not with_cookie:
        browser.cookies.clear()
    data = {"username": "temsilci", "password": PASSWORD,
            **{k: (token if v == "GOOD" else v) for k, v in form.items()}}
    answer = browser.request("POST", "/login", data=data, headers=headers)
    assert answer.status_code == 403
    assert browser.request("GET", "/api/me").status_code == 401


def test_a_login_from_the_consoles_own_origin_is_accepted(console: Settings) -> None:
    for origin in (PUBLIC_URL, base(console)):
        answer = Browser(console).log_in(Origin=origin)
        assert answer.status_code == 302 and answer.headers["Location"] == "/console"


def _hostile_requests(ticket: int) -> List[Tuple[str, str, dict]]:
    t = f"/api/tickets/{ticket}"
    bodies = [b"{nope", b"\xff\xfe", b"[" * 40_000 + b"]" * 40_000, b"[]", b'"text"', b"1",
              b"null", b'{"text": ' + b"[" * 100 + b"]" * 100 + b"}", b"", b"x" * 70_000]
    cases = [("POST", f"{t}/reply", {"data": body}) for body in bodies]
    cases += [("POST", f"{t}/transfer", {"data": body}) for body in bodies]
    cases += [("POST", f"{t}/reply", {"json": {"text": value}})
              for value in ({"x": 1}, ["a"], 5, None, True, "", "   ", "x" * 4001)]
    cases += [("POST", f"{t}/transfer", {"json": {"to": value}})
              for value in ("abc", "", None, [], {}, -1, 0, 2**31, 10**22, "1" * 23, True,
                            1.5, "١٢", "bot2")]
    huge = "9" * 23
    cases += [(method, f"/api/tickets/{huge}{action}", {})
              for method, action in (("GET", ""), ("POST", "/claim"), ("POST", "/reply"),
                                     ("POST", "/resolve"), ("POST", "/transfer"))]
    cases += [("GET", f"/api/tickets/{value}", {})
              for value in ("2147483648", "0", "-1", "abc", "%00", "1.5")]
    cases += [("POST", "/api/tickets/1/claim", {"headers": {"X-CSRF-Token": "é"}}),
              ("GET", "/report?from=2026-13-01", {}), ("GET", "/report?from=x&to=y", {}),
              ("GET", "/api/report?from=2020-01-01&to=2030-01-01", {})]
    return cases


def test_bad_agent_input_is_a_4xx_and_the_console_keeps_serving(console: Settings) -> None:
    browser = Browser(console)
    assert browser.log_in().status_code == 302
    ticket_id = 1  # the seeded demo queue may be empty: any id works for bad input
    cases = _hostile_requests(ticket_id)
    assert len(cases) >= 50
    for method, path, kwargs in cases:
        answer = browser.request(method, path, **kwargs)
        assert 400 <= answer.status_code < 500, (method, path, answer.status_code)
    assert browser.request("GET", "/api/me").ok
    assert requests.get(base(console) + "/health", timeout=10).ok


def test_guessing_is_braked_then_locked_per_name_and_address(console: Settings) -> None:
    browser = Browser(console)
    assert browser.log_in(password="wrong-1").headers["Location"] == "/login?failed=1"
    too_soon = browser.log_in(password="wrong-2")
    assert too_soon.status_code == 429 and too_soon.headers["Retry-After"] == "2"
    time.sleep(FIRST_DELAY + 0.2)
    assert browser.log_in(password="wrong-2").status_code == 302
    assert browser.log_in(password="wrong-3").headers["Retry-After"] == "4"  # doubled
    time.sleep(2 * FIRST_DELAY + 0.2)
    assert browser.log_in(password="wrong-3").status_code == 302  # the third failure: locked
    started = time.monotonic()
    answers = [browser.log_in(password=f"guess-{n}").status_code for n in range(30)]
    assert answers == [429] * 30
    # The right password is refused too, and so is another agent from the same address.
    for username in ("temsilci", "temsilci2", "no-such-agent"):
        assert browser.log_in(username=username).status_code == 429
    assert browser.request("GET", "/api/me").status_code == 401
    # The lock lasts the window since the last failure, then the right password works.
    time.sleep(max(0.0, WINDOW_SECONDS + 0.5 - (time.monotonic() - started)))
    assert browser.log_in().headers["Location"] == "/console"
