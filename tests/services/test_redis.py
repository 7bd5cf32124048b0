"""On the real Redis: the channel layer and cache that production settings configure work end to end."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
import time_machine
from channels_redis.core import RedisChannelLayer
from django.conf import settings
from django.core.cache.backends.redis import RedisCache

pytestmark = pytest.mark.services


async def test_group_message_crosses_the_redis_channel_layer() -> None:
    sender = RedisChannelLayer(hosts=[settings.REDIS_URL])
    receiver = RedisChannelLayer(hosts=[settings.REDIS_URL])  # another process's layer, as on a second daphne
    group, channel = f"test.{uuid.uuid4().hex}", await receiver.new_channel()
    await receiver.group_add(group, channel)
    await sender.group_send(group, {"type": "case.event", "event_id": 7})
    assert await receiver.receive(channel) == {"type": "case.event", "event_id": 7}
    await receiver.group_discard(group, channel)
    await sender.flush()


def test_redis_cache_round_trip() -> None:
    cache = RedisCache(settings.REDIS_URL, {})
    key = f"leye-test-{uuid.uuid4().hex}"
    cache.set(key, {"案件": 1}, timeout=30)
    assert cache.get(key) == {"案件": 1}
    cache.delete(key)


@pytest.fixture
def redis_cache() -> Any:
    """The production cache backend on the real Redis, under a key prefix of this test's own."""
    from django.core.cache import caches
    from django.test import override_settings

    backend = {"BACKEND": "config.redis_cache.PooledClientRedisCache", "LOCATION": settings.REDIS_URL}
    with override_settings(CACHES={"default": {**backend, "KEY_PREFIX": f"t-{uuid.uuid4().hex}"}}):
        yield caches["default"]


def test_the_cache_keeps_one_client_per_pool(redis_cache: Any) -> None:
    redis_cache.set("k", [1, "二"], timeout=30)
    assert redis_cache.get("k") == [1, "二"] and redis_cache.add("k", 0) is False
    assert redis_cache._cache.get_client(write=True) is redis_cache._cache.get_client(write=True)


class _View:
    throttle_scope = "filing"


def _throttle_allows(user: Any, at: datetime) -> tuple[bool, float | None]:
    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory

    from disputes.api.throttling import ScopedRateThrottle

    request = Request(APIRequestFactory().post("/api/v1/cases/"))
    request.user = user  # as DRF's authentication leaves it
    throttle = ScopedRateThrottle()
    with time_machine.travel(at, tick=False):
        allowed = throttle.allow_request(request, _View())
    return allowed, None if allowed else throttle.wait()


def test_the_throttle_counts_a_sliding_window_in_one_script(redis_cache: Any, monkeypatch: Any) -> None:
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "filing", "2/minute")
    user, start = SimpleNamespace(pk=7, is_authenticated=True), datetime(2026, 11, 28, 8, 0, tzinfo=UTC)
    assert _throttle_allows(user, start) == (True, None)
    assert _throttle_allows(user, start + timedelta(seconds=20)) == (True, None)
    allowed, wait = _throttle_allows(user, start + timedelta(seconds=30))  # refused: not counted
    assert not allowed and wait == pytest.approx(30)
    assert _throttle_allows(SimpleNamespace(pk=8, is_authenticated=True), start + timedelta(seconds=30))[0]
    assert _throttle_allows(user, start + timedelta(seconds=61)) == (True, None)  # the first slid out
    allowed, wait = _throttle_allows(user, start + timedelta(seconds=62))
    assert not allowed and wait == pytest.approx(18)  # until the one at 20 s slides out
