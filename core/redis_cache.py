"""Django's Redis cache, with one redis.Redis client per connection pool.

Django's RedisCacheClient builds a new redis.Redis for every cache call, and
each one fills a table of response callbacks, which costs as much CPU as the
round trip itself (BENCHMARKS.md, "Figures from code comments"). The anonymous page
cache makes one call per request (campaigns/page_cache.py). A redis.Redis over
a ConnectionPool keeps no connection of its own, is safe to share between
threads, and its pool reconnects after a fork, so one per pool is enough.
"""

from __future__ import annotations

from typing import Any

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class _ClientPerPool(RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        # Django's private client API, which this subclass extends; the stubs leave it out.
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]  # see above
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)  # type: ignore[attr-defined]  # see above
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = _ClientPerPool
