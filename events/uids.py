"""The iCalendar UIDs this site gives its own events, and how to recognise them when they
come back through a partner's feed (pure: only the site's address from settings)."""

import functools
import re
from urllib.parse import urlsplit

from django.conf import settings


def host_name(base_url=None):
    """The host part of ``BASE_URL`` (or of ``base_url``): the domain of our UIDs."""
    return _host_of(base_url or settings.BASE_URL)


@functools.lru_cache(maxsize=16)
def _host_of(url):
    return urlsplit(url).hostname or url


@functools.lru_cache(maxsize=16)
def _own_uid_pattern(host):
    return re.compile(rf"event-\d+@{re.escape(host)}(-\d{{4}}-\d{{2}}-\d{{2}})?")


def event_uid(event, base_url=None):
    return f"event-{event.pk}@{host_name(base_url)}"


def is_own_uid(uid):
    """True for a UID this site gives its own events (``event_uid``, also with the date
    suffix of a date written out alone): how a partner's copy of our event is recognised."""
    return _own_uid_pattern(host_name()).fullmatch(uid or "") is not None
