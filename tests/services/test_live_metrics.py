"""On the real Redis: the metric counters' generation, and the channel layer's pool under a burst."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.test import override_settings

from disputes.services import counters
from realtime.layers import RedisChannelLayer

pytestmark = pytest.mark.services


@pytest.fixture
def redis_generation() -> Iterator[None]:
    """The generation kept in the Redis cache (the test settings' cache is in-process)."""
    cache = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": settings.REDIS_URL}}
    with override_settings(CACHES=cache):
        yield
    counters._stores.clear()


def test_the_generation_grows_on_redis_and_restarts_above_itself_when_lost(redis_generation: None) -> None:
    first = counters.generation()
    counters.advance_generation()
    assert first is not None and counters.generation() == first + 1
    client, _advance = counters._redis() or (None, None)
    assert client is not None
    client.delete(counters._GENERATION_KEY)  # Redis restarted, or evicted the key
    counters.advance_generation()
    restarted = counters.generation()
    assert restarted is not None and restarted > first + 1 and restarted >= time.time_ns() - 60 * 10**9


async def test_a_burst_beyond_the_pool_waits_for_connections_instead_of_failing() -> None:
    layer = RedisChannelLayer(hosts=[{"address": settings.REDIS_URL, "max_connections": 5, "timeout": 30}])
    group = f"test.burst.{uuid.uuid4().hex}"
    channels = [await layer.new_channel() for _ in range(200)]
    await asyncio.gather(*(layer.group_add(group, channel) for channel in channels))  # like 200 sockets at once
    assert await layer.group_size(group) == 200
    await asyncio.gather(*(layer.group_discard(group, channel) for channel in channels))
    assert await layer.group_size(group) == 0
    await layer.flush()
