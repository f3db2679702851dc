"""Django's Redis cache, with one redis-py client per connection pool instead of one per operation.

Django's `RedisCacheClient.get_client` builds a new `redis.Redis` for every cache call (Django 5.2). Building one
copies redis-py's table of about 170 response callbacks: 0.1 ms, nearly as long as the GET it serves on loopback,
and a kept page makes two or three cache calls (the content versions, the kept parts). A client holds no
connection of its own (it takes one from the pool per command, and the pool reopens its connections in a forked
process), so one per pool is safe to share, as redis-py documents.
"""

from __future__ import annotations

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class ReusedClientRedisCacheClient(RedisCacheClient):
    """`RedisCacheClient` that keeps the client it builds for each connection pool (primary, replicas)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}  # by id() of the pool: pools are kept for the life of the process

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    """Settings' `CACHES` backend when `REDIS_URL` is set: Django's, with `ReusedClientRedisCacheClient`."""

    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient

    # Counters in one Redis hash (the fragment statistics of csp/content_version.py): one command each,
    # atomic across processes, and read back whole.

    def hash_increment(self, key: str, field: str, amount: int = 1) -> int:
        return self._cache.get_client(key, write=True).hincrby(self.make_and_validate_key(key), field, amount)

    def hash_read(self, key: str) -> dict[str, int]:
        found = self._cache.get_client(key).hgetall(self.make_and_validate_key(key))
        return {field.decode(): int(value) for field, value in found.items()}
