"""Feeds at the CDN: which addresses it may hold, and dropping them when feeds change.

Wagtail's frontend cache purges URLs, and a CDN keeps a filtered feed
(``/events/calendar.ics?category=…``, in whatever order and spelling a client sent the
query) under its whole address. So every filtered address served with a shared max-age is
noted in a bounded registry in the cache: ``SLOTS`` slots, one address each, chosen by the
address's digest and claimed with ``cache.add``, so servers never overwrite each other's
notes. A purge sends the noted addresses with the fixed feeds concerned. An address whose
slot another one holds is served with ``s-maxage=0``: the CDN then asks us every time (and
gets a 304) instead of keeping a copy nobody could purge. A note lives as long as the CDN
may keep the copy it was noted for (renewed on every request that reaches us); should the
cache lose notes (eviction, a restart), filtered feeds still expire after
``FILTERED_S_MAXAGE``.

Nothing is noted or purged unless ``WAGTAILFRONTENDCACHE`` is set.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

SLOTS = 512
FILTERED_S_MAXAGE = 900  # seconds a CDN may keep a filtered feed (fixed feeds: 3600)
NOTE_TIMEOUT = 2 * FILTERED_S_MAXAGE
SLOT_KEY = "feed-cdn-address:{}"


def cdn_configured():
    return bool(getattr(settings, "WAGTAILFRONTENDCACHE", None))


def filtered_s_maxage(url):
    """The shared max-age for the filtered feed at ``url``: ``FILTERED_S_MAXAGE`` once the
    address is noted for purging, 0 when it cannot be (its slot is taken)."""
    if not cdn_configured():
        return FILTERED_S_MAXAGE
    key = _slot_key(url)
    if cache.add(key, url, NOTE_TIMEOUT):
        return FILTERED_S_MAXAGE
    if cache.get(key) == url:
        cache.touch(key, NOTE_TIMEOUT)
        return FILTERED_S_MAXAGE
    return 0


def noted_urls():
    """Every filtered feed address noted (a CDN may hold a copy of each)."""
    found = cache.get_many([SLOT_KEY.format(slot) for slot in range(SLOTS)])
    return sorted(found.values())


def purge_feed_urls(urls):
    """Once the transaction commits, purge ``urls`` and every noted filtered address."""
    if not cdn_configured():
        return
    urls = set(urls)

    def purge():
        from wagtail.contrib.frontend_cache.utils import purge_urls_from_cache

        purge_urls_from_cache(sorted(urls | set(noted_urls())))

    transaction.on_commit(purge)


def _slot_key(url):
    digest = hashlib.sha256(url.encode()).digest()
    return SLOT_KEY.format(int.from_bytes(digest[:4], "big") % SLOTS)
