"""The leaders' dashboard in a real browser: charts drawn, and a rate that moves live when a case settles."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import api, screenshot, sign_in

FILING = {
    "tier": "mediation",
    "knew_of_infringement_on": "2026-09-01",
    "employment_ended_on": "2026-08-31",
    "claimants": [{"name": "王小明", "id_number": "", "mobile": ""}],
    "respondents": [{"name": "上海闵达网络科技有限公司", "credit_code": "91350100M000100Y43"}],
    "claim_items": [{"category": "unpaid_wages", "amount": "9000.00"}],
}


def _file_and_accept(base: str) -> int:
    me = api(base, "worker", "GET", "/api/v1/me/")
    assert me["roles"] == ["worker"]
    streets = api(base, "worker", "GET", "/api/v1/streets/")
    xinzhuang = next(s["id"] for s in streets if s["code"] == "xinzhuang")
    worker = {
        "name": "王小明",
        "id_number": _demo_worker_id(base),
        "mobile": "13800000000",
        "is_gig_worker": True,
        "platform": "美团",
    }
    case = api(
        base,
        "worker",
        "POST",
        "/api/v1/cases/",
        {**FILING, "workplace_street": xinzhuang, "claimants": [worker]},
        key="browser-1",
    )
    api(base, "mediator", "POST", f"/api/v1/cases/{case['id']}/accept_mediation/", {})
    return int(case["id"])


def _demo_worker_id(base: str) -> str:
    cases = api(base, "leader", "GET", "/api/v1/cases/")
    assert cases["count"] == 0
    import random

    from disputes import demo

    return demo.id_number(random.Random("worker"))  # the id seed_demo gives the demo user `worker`


def _efficacy(page: Any) -> str:
    return str(page.locator('article[data-key="efficacy"] .detail').inner_text())


def test_dashboard_draws_its_charts_and_a_rate_changes_live(browser: Any, product: str) -> None:
    case_id = _file_and_accept(product)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    sign_in(page, product, "leader", "/dashboard/")
    page.wait_for_selector('article[data-key="efficacy"]')
    page.wait_for_function("document.getElementById('live').classList.contains('on')")
    assert page.evaluate("Object.keys(Chart.instances).length") == 2
    assert page.locator("#trend").bounding_box()["height"] > 50
    before = _efficacy(page)
    assert before.startswith("0 / 1")
    screenshot(page, "dashboard-before")
    agreement = {"signed_on": _today(), "items": [{"description": "支付工资", "amount": "9000.00"}]}
    api(
        product,
        "mediator",
        "POST",
        f"/api/v1/cases/{case_id}/record_mediation_outcome/",
        {"outcome": "agreement", "agreement": agreement},
    )
    page.wait_for_function(
        "document.querySelector('article[data-key=\"efficacy\"] .detail').textContent.startsWith('1 / 1')",
        timeout=5000,
    )
    assert page.locator('article[data-key="efficacy"] .value').inner_text() == "100.0%"
    screenshot(page, "dashboard-after")


def _today() -> str:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    return datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()
