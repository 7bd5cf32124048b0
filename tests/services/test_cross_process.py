"""Two daphne processes on channels-redis and a real Celery worker: an event raised in the worker reaches both."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import pytest
import websockets
from celery import Celery
from django.conf import settings

from tests.services.test_serve_on_services import database_url  # noqa: F401 - module fixture
from tests.serving import ROOT, Browser, free_port, manage, run_async, wait_for_http

pytestmark = pytest.mark.services

LATE_CASE = """
from datetime import date, timedelta
from django.utils import timezone
from disputes.models import Street
from disputes.services.cases import CaseFiling, ClaimantDetails, ClaimItemDetails
from disputes.services.parties import EmployerDetails
from disputes.services import arbitration
from django.contrib.auth.models import User
from workflows.intake import file_case
clerk = User.objects.get(username="clerk")
received = timezone.now() - timedelta(days=80)
filing = CaseFiling(tier="arbitration", workplace_street_id=Street.objects.get(code="qibao").pk,
    knew_of_infringement_on=date.today() - timedelta(days=100), received_at=received,
    claimants=[ClaimantDetails(name="赵六", id_number="11010519491231002X", mobile="13812345678")],
    respondents=[EmployerDetails(name="上海闵达网络科技有限公司", credit_code="91350100M000100Y43")],
    claim_items=[ClaimItemDetails("unpaid_wages", 5000)])
case = file_case(filing, by=clerk)
arbitration.accept_arbitration(case, by=clerk, on=timezone.localdate(received))
"""


def start(command: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )


@pytest.fixture(scope="module")
def cluster(database_url: str) -> Iterator[dict[str, Any]]:  # noqa: F811 - the imported module fixture
    redis_url = settings.REDIS_URL.rsplit("/", 1)[0] + "/10"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "DB_CONN_MAX_AGE": "0",
    }
    manage(env, "migrate", "--noinput")
    manage(env, "seed_demo", "--cases", "0")
    manage(env, "shell", "-c", LATE_CASE)
    ports = [free_port(), free_port()]
    python = sys.executable
    processes = [
        start([python, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "config.asgi:application"], env)
        for port in ports
    ]
    processes.append(
        start([python, "-m", "celery", "-A", "config", "worker", "--pool", "solo", "--loglevel", "WARNING"], env)
    )
    try:
        for port in ports:
            wait_for_http(f"http://127.0.0.1:{port}/admin/login/")
        yield {"ports": ports, "redis_url": redis_url}
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, 9)


async def _listen(port: int, session: str, ready: asyncio.Event, received: list[dict[str, Any]]) -> None:
    headers = {"Cookie": f"sessionid={session}", "Origin": f"http://127.0.0.1:{port}"}
    async with websockets.connect(f"ws://127.0.0.1:{port}/ws/metrics/", additional_headers=headers) as socket:
        received.append(json.loads(await asyncio.wait_for(socket.recv(), 10)))  # the current figures
        ready.set()
        received.append(json.loads(await asyncio.wait_for(socket.recv(), 30)))  # pushed by the worker's event


def _late(message: dict[str, Any]) -> int:
    closure = next(r for r in message["rates"] if r["key"] == "closure")
    return int(closure["denominator"]) - int(closure["numerator"])


def test_an_event_raised_in_the_celery_worker_reaches_clients_on_both_daphne_processes(cluster: dict[str, Any]) -> None:
    sessions = []
    for port in cluster["ports"]:
        browser = Browser(f"http://127.0.0.1:{port}")
        browser.sign_in("leader", "leye-demo-2026")
        sessions.append(browser.cookie("sessionid"))

    async def scenario() -> list[list[dict[str, Any]]]:
        inboxes: list[list[dict[str, Any]]] = [[], []]
        readies = [asyncio.Event(), asyncio.Event()]
        listeners = [
            asyncio.create_task(_listen(port, session, ready, inbox))
            for port, session, ready, inbox in zip(cluster["ports"], sessions, readies, inboxes, strict=True)
        ]
        await asyncio.wait_for(asyncio.gather(*(r.wait() for r in readies)), 15)
        client = Celery(broker=cluster["redis_url"], backend=cluster["redis_url"])
        result = client.send_task("disputes.tasks.count_late_arbitrations")
        assert await asyncio.to_thread(result.get, timeout=60) == 1  # the worker counted the late case
        await asyncio.wait_for(asyncio.gather(*listeners), 30)
        return inboxes

    started = time.monotonic()
    inboxes = run_async(scenario)
    for inbox in inboxes:
        assert [m["type"] for m in inbox] == ["metrics", "metrics"]
        assert (_late(inbox[0]), _late(inbox[1])) == (0, 1)
    assert time.monotonic() - started < 60
