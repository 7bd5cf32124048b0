"""`manage.py serve` with PostgreSQL and Redis: gunicorn for pages, daphne for websockets, a worker and beat."""

from __future__ import annotations

import asyncio
import json
import os
import uuid
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
import websockets
from celery import Celery
from django.conf import settings

from tests.serving import Browser, free_port, manage, run_async, serving, wait_for_http

pytestmark = pytest.mark.services


@pytest.fixture(scope="module")
def database_url() -> Iterator[str]:
    """A database of its own: the server processes must see committed rows, not a test transaction."""
    base = settings.DATABASES["default"]
    name = f"leye_serve_{uuid.uuid4().hex[:8]}"
    admin_dsn = f"host={base['HOST']} port={base['PORT'] or 5432} user={base['USER']} dbname=postgres"
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield f"postgres://{base['USER']}@{base['HOST']}:{base['PORT'] or 5432}/{name}"
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def redis_server(database_url: str) -> Iterator[dict[str, Any]]:
    redis_url = settings.REDIS_URL.rsplit("/", 1)[0] + "/9"  # a database of its own on the same server
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "WEBSOCKET_BASE_URL": "",
    }
    manage(env, "migrate", "--noinput")
    manage(env, "seed_demo", "--cases", "3")
    http_port, ws_port = free_port(), free_port()
    with serving(env, "--port", str(http_port), "--ws-port", str(ws_port)):
        wait_for_http(f"http://127.0.0.1:{http_port}/admin/login/")
        yield {
            "http": f"http://127.0.0.1:{http_port}",
            "ws": f"ws://127.0.0.1:{ws_port}",
            "redis_url": redis_url,
            "database_url": database_url,
        }


def test_gunicorn_serves_pages_and_tells_them_the_websocket_port(redis_server: dict[str, Any]) -> None:
    status, page = Browser(redis_server["http"]).get("/admin/login/")
    assert status == 200 and "登录" in page


def test_daphne_serves_websockets_with_the_gunicorn_session(redis_server: dict[str, Any]) -> None:
    browser = Browser(redis_server["http"])
    browser.sign_in("leader", "leye-demo-2026")
    with psycopg.connect(redis_server["database_url"]) as conn:
        (case_id,) = conn.execute("SELECT min(id) FROM disputes_case").fetchone() or (None,)

    async def first_message() -> dict[str, Any]:
        headers = {"Cookie": f"sessionid={browser.cookie('sessionid')}", "Origin": redis_server["http"]}
        async with websockets.connect(f"{redis_server['ws']}/ws/cases/{case_id}/", additional_headers=headers) as ws:
            return dict(json.loads(await asyncio.wait_for(ws.recv(), 10)))

    assert run_async(first_message)["kind"] == "case_opened"


def test_celery_worker_runs_tasks_and_beat_registers_the_schedule(redis_server: dict[str, Any]) -> None:
    client = Celery(broker=redis_server["redis_url"], backend=redis_server["redis_url"])
    result = client.send_task("disputes.tasks.purge_idempotency_keys")
    assert result.get(timeout=60) == 0
    import time

    deadline = time.monotonic() + 60
    names: set[str] = set()
    while time.monotonic() < deadline and not {"purge-idempotency-keys", "fire-workflow-timers"} <= names:
        with psycopg.connect(redis_server["database_url"]) as conn:
            names = {row[0] for row in conn.execute("SELECT name FROM django_celery_beat_periodictask")}
        time.sleep(1)
    assert {"purge-idempotency-keys", "fire-workflow-timers"} <= names
