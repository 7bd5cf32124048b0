"""On the real Redis: the channel layer and cache that production settings configure work end to end."""

from __future__ import annotations

import uuid

import pytest
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
