"""The iCalendar UIDs this site gives its own events, and how to recognise them when they
come back through a partner's feed (pure: only the site's address from settings)."""

import re

from django.conf import settings


def host_name(base_url=None):
    """The host part of ``BASE_URL`` (or of ``base_url``): the domain of our UIDs."""
    base_url = base_url or settings.BASE_URL
    return base_url.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]


def event_uid(event, base_url=None):
    return f"event-{event.pk}@{host_name(base_url)}"


def is_own_uid(uid):
    """True for a UID this site gives its own events (``event_uid``, also with the date
    suffix of a date written out alone): how a partner's copy of our event is recognised."""
    pattern = rf"event-\d+@{re.escape(host_name())}(-\d{{4}}-\d{{2}}-\d{{2}})?"
    return re.fullmatch(pattern, uid or "") is not None
