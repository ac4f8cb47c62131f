"""core/redis_cache.py: Django's Redis cache without a new client per call."""

from __future__ import annotations

from core.redis_cache import RedisCache


def test_every_call_to_one_server_shares_one_client():
    # No server is needed: clients connect on their first command.
    backend = RedisCache("redis://127.0.0.1:6379/0", {})._cache

    assert backend.get_client("a") is backend.get_client("b", write=True)


def test_each_server_keeps_its_own_client():
    backend = RedisCache("redis://127.0.0.1:6379/0,redis://127.0.0.1:6380/0", {})._cache

    writer, reader = backend.get_client(write=True), backend.get_client()

    assert writer is not reader
    assert writer.connection_pool is not reader.connection_pool
