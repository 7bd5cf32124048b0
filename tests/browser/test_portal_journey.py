"""A rider's dispute from a phone, in a real browser: sign-up with a texted code, an online request with an upload
and its countdown; the mediator sees it arrive live; the employer answers through its texted link; the worker and
the mediator talk in the room; the mediation window runs out and the worker escalates with one tap.

The embedded product runs in its own process, so the texts its logging SMS gateway "sends" are read from its log.
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import api, screenshot, sign_in
from tests.disputes.test_portal import png_bytes
from tests.serving import embedded_product, free_port, manage, serving, wait_for_http

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
RIDER_MOBILE, EMPLOYER_MOBILE = "13700001234", "13911112222"
PASSWORD = "Leye-rider-2026!"
EMPLOYER = {"name": "上海闵达网络科技有限公司", "credit_code": "91350100M000100Y43"}


@pytest.fixture(scope="module")
def product(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The embedded product; flow timers fire every 2 s; its log (with the texted codes and links) is kept."""
    folder = tmp_path_factory.mktemp("journey")
    env = embedded_product(folder / "leye.sqlite3", cases=0)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env.update(
        SERVE_LOG=str(folder / "serve.log"),
        WORKFLOW_TIMER_SECONDS="2",
        NOTIFICATION_BASE_URL=base,
        PRIVATE_MEDIA_ROOT=str(folder / "private"),
        LOG_LEVEL="INFO",
    )
    with serving(env, "--port", str(port)):
        wait_for_http(f"{base}/admin/login/")
        yield {"base": base, "env": env, "log": Path(env["SERVE_LOG"])}


def texted(log: Path, mobile: str, pattern: str, timeout: float = 15) -> str:
    """The last match of `pattern` in a text the product sent to `mobile` (its logging gateway's lines)."""
    deadline = time.monotonic() + timeout
    while True:
        lines = [line for line in log.read_text(errors="replace").splitlines() if f"SMS to {mobile}:" in line]
        texts = [line.split(f"SMS to {mobile}:", 1)[1] for line in lines]
        found = [m.group(1) for text in texts if (m := re.search(pattern, text))]
        if found:
            return found[-1]
        assert time.monotonic() < deadline, f"no text to {mobile} matching {pattern}"
        time.sleep(0.3)


def sign_up(page: Any, base: str, log: Path) -> None:
    page.goto(f"{base}/portal/signup/")
    page.fill("#id_mobile", RIDER_MOBILE)
    screenshot(page, "journey-01-sign-up")
    page.click("#send-code")
    page.wait_for_url("**/portal/signup/verify/")
    page.fill("#id_code", texted(log, RIDER_MOBILE, r"验证码是 (\d{6})"))
    page.fill("#id_name", "李骑手")
    page.fill("#id_id_number", _id_number())
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    screenshot(page, "journey-02-verify")
    page.click("#register")
    page.wait_for_load_state()
    assert page.url == f"{base}/portal/", page.locator("main").inner_text()
    screenshot(page, "journey-03-home")


def _id_number() -> str:
    from disputes import demo

    return demo.id_number(random.Random("rider-journey"))


def file_request(page: Any) -> str:
    """Fill the online request (one claim, one upload); returns the case page's URL."""
    page.click("#new-case")
    page.fill("#id_employer_name", EMPLOYER["name"])
    page.fill("#id_employer_credit_code", EMPLOYER["credit_code"])
    page.fill("#id_employer_mobile", EMPLOYER_MOBILE)
    page.check("#id_is_gig_worker")
    page.fill("#id_platform", "美团")
    page.select_option("#id_workplace_street", label="莘庄镇")
    page.fill("#id_knew_of_infringement_on", "2026-10-08")
    page.fill("#id_employment_ended_on", "2026-10-07")
    page.select_option("#id_items-0-category", "unpaid_wages")
    page.fill("#id_items-0-amount", "8600")
    page.fill("#id_facts", "2026年9月配送费未结算，平台和站点互相推诿。")
    page.set_input_files("#id_evidence", files=[{"name": "工资条.png", "mimeType": "image/png", "buffer": png_bytes()}])
    screenshot(page, "journey-04-request")
    page.click("#submit-filing")
    page.wait_for_url(re.compile(r".*/portal/cases/\d+/$"))
    return str(page.url)


def test_a_rider_files_from_a_phone_and_the_dispute_moves_through_mediation_to_arbitration(
    browser: Any, product: dict[str, Any]
) -> None:
    base, log = product["base"], product["log"]
    desk = browser.new_context(viewport={"width": 1280, "height": 900})
    queue = desk.new_page()
    sign_in(queue, base, "mediator", "/workbench/cases/dispute/queue/")
    queue.wait_for_timeout(1000)  # the list's socket is open

    phone = browser.new_context(**PHONE)
    rider = phone.new_page()
    sign_up(rider, base, log)
    case_url = file_request(rider)
    assert rider.locator("#countdown-limitation strong[data-days]").inner_text().strip().isdigit()
    assert "工资条.png" in rider.locator("#evidence").inner_text()
    screenshot(rider, "journey-05-case")

    (task,) = [row for row in api(base, "mediator", "GET", "/api/v1/tasks/queue/") if row["step"] == "accept_mediation"]
    queue.locator(f'a[href$="{task["url"]}"]').wait_for(timeout=15000)  # arrived without a reload by the mediator
    screenshot(queue, "journey-06-mediator-queue")
    case_id = task["case"]
    api(base, "mediator", "POST", f"/api/v1/cases/{case_id}/accept_mediation/", {})

    employer = phone.new_page()
    employer.goto(texted(log, EMPLOYER_MOBILE, r"(https?://\S+/employer/\S+/)"))
    screenshot(employer, "journey-07-employer-invitation")
    employer.check("input[name=willing][value=yes]")
    employer.fill("#id_representative_name", "王经理")
    employer.fill("#id_representative_mobile", "13922223333")
    employer.click('form[enctype="multipart/form-data"] button[type=submit]')
    employer.wait_for_load_state()
    assert "王经理" in employer.content(), employer.locator("main").inner_text()
    screenshot(employer, "journey-08-employer-answered")

    rider.goto(f"{case_url}room/")
    rider.locator("#room-live.on").wait_for(timeout=10000)
    room = desk.new_page()
    room.goto(f"{base}/portal/cases/{case_id}/room/")
    room.locator("#room-live.on").wait_for(timeout=10000)
    rider.fill("#room-body", "您好，我9月的配送费还没结。")
    rider.click("#room-send")
    room.locator("#room-messages li.msg", has_text="9月的配送费").wait_for(timeout=10000)
    room.fill("#room-body", "收到，我们先核对站点的结算记录。")
    room.click("#room-send")
    rider.locator("#room-messages li.msg", has_text="核对站点的结算记录").wait_for(timeout=10000)
    screenshot(rider, "journey-09-room-rider")
    screenshot(room, "journey-10-room-mediator")

    # Fifteen days pass: the mediation window's timer falls due, as the calendar would make it; the product's own
    # ticker fires it and the worker is offered arbitration.
    manage(product["env"], "shell", "-c", _window_elapsed(case_id))
    rider.goto(case_url)
    for _ in range(30):
        if rider.locator("#escalation-offer").count():
            break
        rider.wait_for_timeout(500)
        rider.reload()
    screenshot(rider, "journey-11-offer")
    rider.click("#escalate")
    rider.wait_for_url(case_url)
    assert api(base, "clerk", "GET", f"/api/v1/cases/{case_id}/")["tier"] == "arbitration"
    screenshot(rider, "journey-12-escalated")
    desk.close()
    phone.close()


def _window_elapsed(case_id: int) -> str:
    return (
        "from datetime import timedelta\n"
        "from django.utils import timezone\n"
        "from viewflow.workflow.models import Task\n"
        f"assert Task.objects.filter(process__case__id={case_id}, flow_task_type='TIMER', status='SCHEDULED')"
        ".update(scheduled=timezone.now() - timedelta(minutes=1)) == 1\n"
    )
