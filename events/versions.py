"""One version number for everything the calendar shows: any change that a generated
document (feed) or a calendar page may show bumps it (``invalidate_documents``, called by
the publishing pipeline and the signal handlers), and whatever is cached from that data is
kept under the version it was built from, so it never outlives the data."""

import time

from django.core.cache import cache

VERSION_KEY = "generated-documents:version"
CHANGED_KEY = "generated-documents:changed-at"


def documents_version():
    version = cache.get(VERSION_KEY)
    if version is None:
        version = 1
        cache.add(VERSION_KEY, version, None)
    return version


def invalidate_documents():
    """Call on any change that a generated document may show (publish, unpublish, …).

    The time of the change is kept too: a withdrawal removes rows, so the data alone would
    give an older Last-Modified and clients asking If-Modified-Since would keep the
    withdrawn event."""
    cache.set(CHANGED_KEY, int(time.time()), None)
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 2, None)
