"""Tells pages where to open websockets (same origin when embedded, daphne's port behind gunicorn)."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def websocket(request: HttpRequest) -> dict[str, Any]:
    return {"WEBSOCKET_BASE_URL": settings.WEBSOCKET_BASE_URL}
