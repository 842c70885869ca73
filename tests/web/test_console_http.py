"""The console over real HTTP: login, CSRF, queue, claims, permissions, Rasa being down."""

from __future__ import annotations

import threading

import pytest
import requests

from tests.web.conftest import base, login, open_ticket


@pytest.mark.parametrize("path", ["/console", "/static/console.js"])
def test_pages_need_a_login(console, path: str) -> None:
    response = requests.get(base(console) + path, allow_redirects=False, timeout=10)
    assert response.status_code == 302 and response.headers["Location"] == "/login"


@pytest.mark.parametrize("path", ["/api/queue", "/api/me", "/api/dashboard", "/api/tickets/1"])
def test_api_needs_a_login(console, path: str) -> None:
    assert requests.get(base(console) + path, timeout=10).status_code == 401


def test_wrong_password_and_forged_login(console) -> None:
    browser = login(console, password="yanlış")
    assert browser.get(base(console) + "/api/me", timeout=10).status_code == 401
    forged = requests.post(base(console) + "/login",
                           data={"csrf": "x", "username": "temsilci", "password": "asistan-demo"},
                           allow_redirects=False, timeout=10)
    assert forged.status_code == 403


def test_writes_need_the_csrf_token(console) -> None:
    browser = login(console)
    ticket = open_ticket(console, "csrf-check")
    del browser.headers["X-CSRF-Token"]
    assert browser.post(f"{base(console)}/api/tickets/{ticket}/claim",
                        timeout=10).status_code == 403
    assert browser.post(f"{base(console)}/api/tickets/{ticket}/claim",
                        headers={"X-CSRF-Token": "forged"}, timeout=10).status_code == 403


def test_queue_claim_race_and_permissions(console) -> None:
    ticket = open_ticket(console, "race", reason="angry")
    zeynep, emre = login(console, "temsilci"), login(console, "temsilci2")
    waiting = zeynep.get(base(console) + "/api/queue", timeout=10).json()["waiting"]
    assert waiting[0]["id"] == ticket and waiting[0]["position"] == 1
    results = []
    barrier = threading.Barrier(2)

    def take(browser):
        barrier.wait()
        results.append(browser.post(f"{base(console)}/api/tickets/{ticket}/claim",
                                    timeout=10).status_code)

    threads = [threading.Thread(target=take, args=(b,)) for b in (zeynep, emre)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [200, 409]
    owners = [b for b in (zeynep, emre) if b.get(f"{base(console)}/api/tickets/{ticket}",
                                                 timeout=10).status_code == 200]
    assert len(owners) == 1
    detail = owners[0].get(f"{base(console)}/api/tickets/{ticket}", timeout=10).json()
    assert detail["customer"]["name"] == "Ayşe Yılmaz"
    assert detail["customer"]["email"] == "a***@example.com"
    assert detail["ticket"]["summary"]["last_message"] == "<script>x</script>"  # JS escapes
    assert detail["transcript"] is None  # Rasa is down: the console still works
    supervisor = login(console, "yonetici")
    assert supervisor.get(f"{base(console)}/api/tickets/{ticket}", timeout=10).status_code == 200


def test_reply_while_the_assistant_is_down_is_refused_and_nothing_is_lost(console) -> None:
    ticket = open_ticket(console, "down")
    browser = login(console, "temsilci")
    assert browser.post(f"{base(console)}/api/tickets/{ticket}/claim", timeout=10).ok
    sent = browser.post(f"{base(console)}/api/tickets/{ticket}/reply",
                        json={"text": "Merhaba, ben Zeynep."}, timeout=20)
    assert sent.status_code == 502
    assert browser.post(f"{base(console)}/api/tickets/{ticket}/reply", json={"text": " "},
                        timeout=10).status_code == 400
    assert browser.post(f"{base(console)}/api/tickets/{ticket}/reply", data="{nope",
                        headers={"Content-Type": "application/json"},
                        timeout=10).status_code == 400
    mine = browser.get(base(console) + "/api/queue", timeout=10).json()["mine"]
    assert ticket in [t["id"] for t in mine]


def test_dashboard_and_logout(console) -> None:
    browser = login(console)
    numbers = browser.get(base(console) + "/api/dashboard", timeout=10).json()
    assert numbers["waiting"] >= 0 and "csat_today" in numbers
    assert browser.post(base(console) + "/logout", timeout=10).ok
    assert browser.get(base(console) + "/api/me", timeout=10).status_code == 401


def test_security_headers(console) -> None:
    page = requests.get(base(console) + "/login", timeout=10)
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Frame-Options"] == "DENY"


def test_transfer_to_another_agent(console) -> None:
    ticket = open_ticket(console, "transfer")
    zeynep, emre = login(console, "temsilci"), login(console, "temsilci2")
    assert zeynep.post(f"{base(console)}/api/tickets/{ticket}/claim", timeout=10).ok
    team = zeynep.get(base(console) + "/api/queue", timeout=10).json()["agents"]
    emre_id = next(a["id"] for a in team if a["name"] == "Emre")
    assert zeynep.post(f"{base(console)}/api/tickets/{ticket}/transfer", json={"to": "Emre"},
                       timeout=10).status_code == 400
    assert emre.post(f"{base(console)}/api/tickets/{ticket}/transfer", json={"to": emre_id},
                     timeout=10).status_code == 409  # not his ticket yet
    assert zeynep.post(f"{base(console)}/api/tickets/{ticket}/transfer", json={"to": emre_id},
                       timeout=10).ok
    assert ticket in [t["id"] for t in emre.get(base(console) + "/api/queue",
                                                timeout=10).json()["mine"]]
    assert zeynep.get(f"{base(console)}/api/tickets/{ticket}", timeout=10).status_code == 403
