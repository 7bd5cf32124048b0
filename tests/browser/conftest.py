"""Browser tests: Playwright for Python driving Debian's chromium (no browser download), against `serve`."""

from __future__ import annotations

import json
import os
import shutil
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.serving import embedded_product, free_port, serving, wait_for_http

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
IN_CI = os.environ.get("CI", "").lower() == "true"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Per module: Playwright's sync API holds an event loop open, which later asyncio tests must not see."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if IN_CI:
            raise
        pytest.skip("playwright is not installed")
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        if IN_CI:
            pytest.fail(f"chromium not found at {CHROMIUM}; .ci/run installs Debian's chromium")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--disable-sync",
                "--disable-quic",
            ],
        )
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def product(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The product as `make run` serves it (embedded: one daphne process), on a fresh database."""
    env = embedded_product(tmp_path_factory.mktemp("browser") / "leye.sqlite3", cases=0)
    port = free_port()
    with serving(env, "--port", str(port), "--tick-seconds", "30"):
        wait_for_http(f"http://127.0.0.1:{port}/admin/login/")
        yield f"http://127.0.0.1:{port}"


def api(
    base: str, username: str, method: str, path: str, body: dict[str, Any] | None = None, key: str | None = None
) -> Any:
    """Call the running product's API as a demo user (token auth), returning the parsed JSON."""
    token = _token(base, username)
    headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
    if key:
        headers["Idempotency-Key"] = key
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method=method, headers=headers)
    with urllib.request.urlopen(request, timeout=15) as response:
        return json.loads(response.read())


def _token(base: str, username: str) -> str:
    request = urllib.request.Request(
        base + "/api/v1/auth/token/",
        method="POST",
        data=json.dumps({"username": username, "password": "leye-demo-2026"}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=15) as response:
        return str(json.loads(response.read())["token"])


def sign_in(page: Any, base: str, username: str, next_path: str) -> None:
    page.goto(f"{base}/admin/login/?next={next_path}")
    page.fill("#id_username", username)
    page.fill("#id_password", "leye-demo-2026")
    page.click("input[type=submit]")
    page.wait_for_url(f"**{next_path}")


def screenshot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
