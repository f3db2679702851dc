"""The Redis cache keeps one redis-py client per connection pool (csp/cache.py)."""

from django.core.cache import caches

from csp.cache import RedisCache, ReusedClientRedisCacheClient


def test_one_client_per_pool_and_the_write_pool_apart_from_replicas():
    client = ReusedClientRedisCacheClient(["redis://primary:6379/0", "redis://replica:6379/0"])
    writer = client.get_client(write=True)
    reader = client.get_client()
    assert client.get_client(write=True) is writer
    assert client.get_client() is reader
    assert writer is not reader
    assert writer.connection_pool.connection_kwargs["host"] == "primary"
    assert reader.connection_pool.connection_kwargs["host"] == "replica"


def test_the_configured_cache_reads_and_writes_through_its_kept_client(redis_url):
    cache = caches["default"]
    assert isinstance(cache, RedisCache)
    cache.set("csp-cache-test", {"kept": 1}, 30)
    cache.set_many({"csp-cache-test-2": 2}, 30)
    assert cache.get("csp-cache-test") == {"kept": 1}
    assert cache.get_many(["csp-cache-test", "csp-cache-test-2"]) == {
        "csp-cache-test": {"kept": 1},
        "csp-cache-test-2": 2,
    }
    assert cache._cache.get_client() is cache._cache.get_client(write=True)  # one server: one pool, one client
    cache.delete_many(["csp-cache-test", "csp-cache-test-2"])
    assert cache.get("csp-cache-test") is None
