"""A Redis cache that fails open: Redis down is not the site down.

Every operation that cannot reach Redis behaves like a miss (reads give the default,
writes do nothing, ``incr`` counts from zero), so pages are served uncached and rate
limits count nothing. The failure is logged once per ``LOG_INTERVAL`` per process, and for
``RETRY_AFTER`` seconds after a failure Redis is not asked at all, so a dead or
black-holed server costs each request nothing rather than a timeout per call. Set short
socket timeouts in ``OPTIONS`` (the settings do) so that a server that stops answering
is noticed quickly.
"""

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache

from redis.exceptions import RedisError

logger = logging.getLogger("cms.cache")

LOG_INTERVAL = 60
RETRY_AFTER = 5


class _Health:
    """Per-process state shared by every thread's cache object for one location."""

    def __init__(self):
        self.lock = threading.Lock()
        self.down_until = 0.0
        self.logged_at = 0.0
        self.failures = 0


_health = {}


class FailOpenRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._health = _health.setdefault(str(server), _Health())

    # --- the guard -------------------------------------------------------------------

    def _attempt(self, operation, fallback, *args, **kwargs):
        health = self._health
        if health.down_until > time.monotonic():
            return fallback
        try:
            return operation(*args, **kwargs)
        except RedisError as error:
            self._failed(error)
            return fallback

    def _failed(self, error):
        health = self._health
        now = time.monotonic()
        with health.lock:
            health.down_until = now + RETRY_AFTER
            health.failures += 1
            if now - health.logged_at < LOG_INTERVAL and health.logged_at:
                return
            health.logged_at = now
            failures, health.failures = health.failures, 0
        # The class name only: a message may carry the server's address.
        logger.error(
            "Cache unavailable (%s, %d failure(s) since the last report); serving uncached.",
            type(error).__name__,
            failures,
        )

    def is_available(self):
        """Ask Redis now, whatever the recent failures (for the health check)."""
        try:
            self._cache.get_client(None).ping()
        except RedisError as error:
            self._failed(error)
            return False
        self._health.down_until = 0.0
        return True

    # --- Django's cache API ------------------------------------------------------------

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._attempt(super().add, False, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._attempt(super().get, default, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._attempt(super().set, None, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._attempt(super().touch, False, key, timeout, version)

    def delete(self, key, version=None):
        return self._attempt(super().delete, False, key, version)

    def get_many(self, keys, version=None):
        return self._attempt(super().get_many, {}, keys, version)

    def has_key(self, key, version=None):
        return self._attempt(super().has_key, False, key, version)

    def incr(self, key, delta=1, version=None):
        # A missing key still raises ValueError while Redis is up (Django's contract);
        # while it is down every counter starts from nothing, so no limit is reached.
        return self._attempt(super().incr, delta, key, delta, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._attempt(super().set_many, list(data), data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._attempt(super().delete_many, None, keys, version)

    def clear(self):
        return self._attempt(super().clear, False)

    # --- counters --------------------------------------------------------------------

    def count_many(self, windows, version=None):
        """Count one more under each key of ``{key: window in seconds}``, all in one round
        trip to Redis; ``{key: count so far}``. A counter that did not exist starts its
        window now (``INCR``, then ``EXPIRE … NX``: an expiry once set is never moved, and
        no counter is ever left without one). While Redis is down every count is 1 (rate
        limits count nothing, as ``incr`` does)."""

        def count():
            client = self._cache.get_client(None, write=True)
            pipe = client.pipeline(transaction=False)
            for key, window in windows.items():
                name = self.make_and_validate_key(key, version=version)
                pipe.incr(name)
                pipe.expire(name, int(window), nx=True)
            results = pipe.execute()
            return {key: int(results[2 * n]) for n, key in enumerate(windows)}

        return self._attempt(count, dict.fromkeys(windows, 1))
