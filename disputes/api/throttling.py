"""Scoped rate limits (filing, sign-in, sign-up): a sliding window kept in Redis and checked in one round trip.

DRF's ScopedRateThrottle reads the whole history list from the cache and writes it back: two round trips and
a pickle per request. With Redis, one Lua script trims the window, counts it, and records the request only if
it is allowed, atomically; without Redis (the embedded default), DRF's own throttle over Django's cache.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from rest_framework import throttling

# KEYS[1] the window; ARGV: now (s), duration (s), limit, a member for this request. Returns {allowed, oldest}.
_SLIDING_WINDOW = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[1]) - tonumber(ARGV[2]))
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then
  return {0, redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')[2]}
end
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])
redis.call('EXPIRE', KEYS[1], math.ceil(tonumber(ARGV[2])) + 1)
return {1, false}
"""
_scripts: dict[int, Any] = {}


class ScopedRateThrottle(throttling.ScopedRateThrottle):
    """DRF's ScopedRateThrottle (same scopes, rates and keys), counted in one round trip on Redis."""

    oldest: float | None = None

    def allow_request(self, request: Any, view: Any) -> bool:
        client = _redis_client()
        if client is None:
            return super().allow_request(request, view)
        self.scope = getattr(view, self.scope_attr, None)
        if not self.scope:
            return True
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        self.key = self.get_cache_key(request, view)
        if self.rate is None or self.key is None:
            return True
        self.now = self.timer()
        script = _scripts.get(id(client)) or _scripts.setdefault(id(client), client.register_script(_SLIDING_WINDOW))
        arguments = [repr(self.now), self.duration, self.num_requests, uuid.uuid4().hex]
        allowed, oldest = script(keys=[caches["default"].make_key(self.key)], args=arguments)
        if allowed:
            return True
        self.oldest = float(oldest)
        return False

    def wait(self) -> float | None:
        if self.oldest is None or self.duration is None:
            return super().wait()
        return max(self.duration - (self.now - self.oldest), 0.0)


def _redis_client() -> Any:
    backend = caches["default"]
    return backend._cache.get_client(write=True) if isinstance(backend, RedisCache) else None  # type: ignore[attr-defined]
