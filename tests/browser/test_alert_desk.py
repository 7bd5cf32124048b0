"""The alert desk in a real browser: an alert raised by the server's own sweep appears live, and a court clerk
acknowledges and resolves it."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.browser.conftest import api, screenshot, sign_in
from tests.serving import embedded_product, free_port, serving, wait_for_http


@pytest.fixture(scope="module")
def product(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The embedded product sweeping clocks every 2 seconds: the in-memory channel layer is per process,
    so only the server's own ticker can raise an alert its sockets hear about."""
    env = embedded_product(tmp_path_factory.mktemp("desk") / "leye.sqlite3", cases=0)
    env["ALERT_SWEEP_SECONDS"] = "2"
    port = free_port()
    with serving(env, "--port", str(port)):
        wait_for_http(f"http://127.0.0.1:{port}/admin/login/")
        yield f"http://127.0.0.1:{port}"


def _file_a_late_arbitration(base: str) -> dict[str, Any]:
    """The clerk registers an application received 20 days ago: its 5-working-day acceptance clock is overdue."""
    from disputes import demo

    streets = api(base, "clerk", "GET", "/api/v1/streets/")
    xinzhuang = next(s["id"] for s in streets if s["code"] == "xinzhuang")
    received = datetime.now(ZoneInfo("Asia/Shanghai")) - timedelta(days=20)
    filing = {
        "tier": "arbitration",
        "workplace_street": xinzhuang,
        "knew_of_infringement_on": (received - timedelta(days=30)).date().isoformat(),
        "employment_ended_on": (received - timedelta(days=31)).date().isoformat(),
        "received_at": received.isoformat(),
        "claimants": [{"name": "赵六", "id_number": demo.id_number(random.Random("desk")), "mobile": "13900000001"}],
        "respondents": [{"name": "上海闵达网络科技有限公司", "credit_code": "91350100M000100Y43"}],
        "claim_items": [{"category": "unpaid_wages", "amount": "8000.00"}],
    }
    return dict(api(base, "clerk", "POST", "/api/v1/cases/", filing, key="desk-browser-1"))


def _count(page: Any, level: str) -> str:
    return str(page.locator(f'[data-level-count="{level}"]').inner_text())


def test_a_clerk_acknowledges_and_resolves_an_alert_that_arrived_live(browser: Any, product: str) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    sign_in(page, product, "clerk", "/alerts/")
    page.wait_for_function("document.getElementById('live').classList.contains('on')")
    assert page.locator("tr[data-alert]").count() == 0
    assert (_count(page, "overdue"), page.locator("#total-count").inner_text()) == ("0", "0")
    page.evaluate("window.deskNotReloaded = true")
    inbox = browser.new_page(viewport={"width": 420, "height": 900})  # the clerk's notifications, live too
    sign_in(inbox, product, "clerk", "/notifications/")
    inbox.wait_for_function("document.getElementById('live').classList.contains('on')")
    before = inbox.locator("li[data-notification]").count()

    case = _file_a_late_arbitration(product)
    row = page.locator(f'tr[data-case="{case["number"]}"]')
    row.wait_for(timeout=20000)  # the next sweep (every 2 s) raises it; the socket brings it in
    assert page.evaluate("window.deskNotReloaded") is True
    assert row.get_attribute("data-level") == "overdue"
    assert "仲裁受理审查期限" in row.inner_text()
    page.wait_for_function("document.querySelector('[data-level-count=\"overdue\"]').textContent === '1'")
    assert page.locator("#total-count").inner_text() == "1"
    screenshot(page, "alert-desk-arrived")
    inbox.wait_for_function(  # the overdue escalation reaches the clerk's open notifications page without a reload
        f"document.querySelectorAll('li[data-notification]').length > {before}", timeout=10000
    )
    assert inbox.locator("li[data-notification]", has_text=case["number"]).count() >= 1
    screenshot(inbox, "notifications-arrived")
    inbox.close()

    row.locator("button[data-action=acknowledge]").click()
    page.locator(f'tr[data-case="{case["number"]}"][data-status="acknowledged"]').wait_for(timeout=5000)
    assert "郑书记员" in page.locator(f'tr[data-case="{case["number"]}"] td.status').inner_text()
    screenshot(page, "alert-desk-acknowledged")

    page.locator(f'tr[data-case="{case["number"]}"] button[data-action=resolve]').click()
    page.locator(f'tr[data-case="{case["number"]}"]').wait_for(state="detached", timeout=5000)
    page.wait_for_function("document.getElementById('total-count').textContent === '0'", timeout=5000)
    assert page.locator("#desk-error").is_hidden()
    assert page.evaluate("window.deskNotReloaded") is True
    screenshot(page, "alert-desk-resolved")

    alerts = api(product, "clerk", "GET", "/api/v1/alerts/")
    assert alerts["count"] == 0  # resolved, and the sweeps that ran since raised it no second time
    page.goto(f"{product}/en/alerts/")
    assert page.locator("h1").inner_text() == "Arbitration court: deadline alerts"
    page.close()
