"""The Redis channel layer, with a connection pool that makes a burst wait instead of failing.

redis-py 8 caps a connection pool at 100 connections and raises MaxConnectionsError past that: a thousand
sockets closing at once (each consumer's group_discard takes a connection) killed their consumers. Here the
pool is redis-py's BlockingConnectionPool: the same cap (the host's "max_connections"), but a command beyond
it waits for a free connection (up to the host's "timeout" seconds) instead.
"""

from __future__ import annotations

from typing import Any

from channels_redis import core
from redis.asyncio import BlockingConnectionPool


class RedisChannelLayer(core.RedisChannelLayer):
    def create_pool(self, index: int) -> Any:
        host = dict(self.hosts[index])
        if "address" not in host:  # sentinels: channels-redis's own pool
            return super().create_pool(index)
        return BlockingConnectionPool.from_url(host.pop("address"), **host)

    async def group_size(self, group: str) -> int:
        """How many channels `group` has (some may be past group_expiry): a publisher skips a group with none."""
        connection = self.connection(self.consistent_hash(group))
        return int(await connection.zcard(self._group_key(group)))
