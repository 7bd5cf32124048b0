"""`manage.py serve` on the embedded default: one daphne process for pages, API and websockets, plus the ticker."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
import websockets

from tests.serving import Browser, embedded_product, free_port, run_async, serving, wait_for_http


@pytest.fixture(scope="module")
def embedded_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    database = tmp_path_factory.mktemp("serve") / "leye.sqlite3"
    env = embedded_product(database, cases=5)
    with sqlite3.connect(database) as db:  # a stale stored response the ticker's hourly purge must remove
        db.execute(
            "INSERT INTO disputes_idempotencykey (user_id, key, method, path, request_hash, created_at) "
            "SELECT id, 'stale', 'POST', '/api/v1/cases/', 'h', '2020-01-01 00:00:00' FROM auth_user LIMIT 1"
        )
    port = free_port()
    with serving(env, "--port", str(port), "--tick-seconds", "1"):
        wait_for_http(f"http://127.0.0.1:{port}/admin/login/")
        yield f"http://127.0.0.1:{port}", database


def test_serves_the_chinese_admin_login(embedded_server: tuple[str, Path]) -> None:
    status, page = Browser(embedded_server[0]).get("/admin/login/")
    assert status == 200 and "乐业" in page and "登录" in page


def test_serves_api_docs_with_their_own_static_files(embedded_server: tuple[str, Path]) -> None:
    browser = Browser(embedded_server[0])
    status, page = browser.get("/api/docs/")
    assert status == 200 and "swagger-ui" in page
    asset = next(part.split('"')[0] for part in page.split('src="')[1:] if "swagger-ui" in part)
    assert browser.get(asset)[0] == 200
    assert "/api/v1/cases/" in browser.get("/api/schema/")[1]


def test_demo_user_gets_a_token_over_http(embedded_server: tuple[str, Path]) -> None:
    import urllib.request

    request = urllib.request.Request(
        f"{embedded_server[0]}/api/v1/auth/token/",
        method="POST",
        data=json.dumps({"username": "worker", "password": "leye-demo-2026"}).encode(),
        headers={"Content-Type": "application/json"},
    )
    assert len(json.loads(urllib.request.urlopen(request, timeout=10).read())["token"]) == 40


def test_websocket_on_the_same_process_sends_the_case_log(embedded_server: tuple[str, Path]) -> None:
    base, database = embedded_server
    with sqlite3.connect(database) as db:
        (case_id,) = db.execute("SELECT id FROM disputes_case ORDER BY id LIMIT 1").fetchone()
    browser = Browser(base)
    browser.sign_in("leader", "leye-demo-2026")

    async def first_message() -> dict[str, object]:
        url = base.replace("http", "ws") + f"/ws/cases/{case_id}/"
        headers = {"Cookie": f"sessionid={browser.cookie('sessionid')}", "Origin": base}
        async with websockets.connect(url, additional_headers=headers) as socket:
            return json.loads(await asyncio.wait_for(socket.recv(), 5))

    assert run_async(first_message)["kind"] == "case_opened"


def test_ticker_runs_the_periodic_jobs(embedded_server: tuple[str, Path]) -> None:
    import time

    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        with sqlite3.connect(embedded_server[1]) as db:
            if not db.execute("SELECT 1 FROM disputes_idempotencykey WHERE key = 'stale'").fetchone():
                return
        time.sleep(0.5)
    pytest.fail("the ticker did not purge the stale idempotency key")
