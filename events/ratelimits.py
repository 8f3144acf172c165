"""Counting attempts in the shared cache, for every limit on the site (bookings, link
recovery, password-reset mails): one counter per (scope, kind, value) and time window.

Keys are hashed with the secret key, so no address or e-mail appears in the cache. When
the cache is down, its fail-open backend counts nothing and nobody is refused.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache


def _key(scope, kind, value):
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{scope}:{kind}:{value}".encode()).hexdigest()
    return f"{scope}-rate:{kind}:{digest}"


def count_attempt(scope, kind, value, window):
    """One more attempt under (scope, kind, value) in ``window`` seconds: the count so far."""
    key = _key(scope, kind, value)
    cache.add(key, 0, window)
    try:
        return cache.incr(key)
    except ValueError:
        cache.set(key, 1, window)
        return 1


def exceeded(scope, values, limits):
    """Count one attempt for each ``{kind: value}`` against ``{kind: (attempts, seconds)}``;
    the kinds whose limit is now exceeded (every kind is counted, so none lags behind).

    With the Redis cache (``cms.cache.FailOpenRedisCache.count_many``) all the counters
    are counted in one round trip; other caches count them one by one."""
    count_many = getattr(cache, "count_many", None)
    if count_many is not None:
        keys = {kind: _key(scope, kind, value) for kind, value in values.items()}
        counted = count_many({keys[kind]: limits[kind][1] for kind in values})
        counts = {kind: counted[keys[kind]] for kind in values}
    else:
        counts = {
            kind: count_attempt(scope, kind, value, limits[kind][1])
            for kind, value in values.items()
        }
    return [kind for kind in values if counts[kind] > limits[kind][0]]
