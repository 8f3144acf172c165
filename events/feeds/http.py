"""HTTP caching of generated documents (calendar feeds): a shared version number that
any change bumps, strong ETags, and conditional GET without rebuilding the document."""

import hashlib

from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, quote_etag

from ..versions import CHANGED_KEY, documents_version

TIMEOUT = 6 * 60 * 60


def cached_document(request, key, build, content_type, max_age=900, s_maxage=3600):
    """Serve ``build()`` → ``(bytes, last_modified)`` from the cache, with ETag and
    Last-Modified, answering conditional requests with 304 before anything is built.

    ``key`` names the document (its canonical path and query); ``None`` builds it every
    time and stores nothing (e.g. a free-text search: each distinct text would otherwise
    take a place in the cache)."""
    cache_key = None
    meta = body = None
    if key is not None:
        digest = hashlib.sha256(key.encode()).hexdigest()
        cache_key = f"document:{documents_version()}:{digest}"
        # The validators live under their own small key, so a 304 never fetches the body.
        meta = cache.get(f"{cache_key}:meta")
    if meta is None:
        body, last_modified = build()
        modified = max(int(last_modified.timestamp()), cache.get(CHANGED_KEY) or 0)
        meta = (quote_etag(hashlib.sha256(body).hexdigest()[:40]), modified)
        if cache_key is not None:
            cache.set_many({cache_key: body, f"{cache_key}:meta": meta}, TIMEOUT)
    etag, modified = meta
    headers = {
        "ETag": etag,
        "Last-Modified": http_date(modified),
        "Cache-Control": f"public, max-age={max_age}, s-maxage={s_maxage}",
    }
    # RFC 9110 preconditions as Django implements them: If-None-Match compares weakly
    # (W/"x" matches "x"; clients and proxies may weaken our strong tags), takes a list
    # and "*", and wins over If-Modified-Since; a 304 needs no body.
    response = get_conditional_response(request, etag=etag, last_modified=modified)
    if response is None:
        if body is None:
            body = cache.get(cache_key)
        if body is None:  # evicted between the two reads: build again
            body, _modified = build()
        response = HttpResponse(body, content_type=content_type)
    for name, value in headers.items():
        response[name] = value
    return response
