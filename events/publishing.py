"""The publishing pipeline: what follows when an event page is published, unpublished,
deleted or moved, and the daily roll of the occurrence horizon. Signal handlers
(``signals.py``) hand each page event to one function here.

Publishing an event: bump its feed SEQUENCE if its time or place changed, materialise its
dates, tell people booked on a changed date, cut appointment dates into slots, give
co-hosts' editors the right to edit it, and make every feed showing it stale (and purge
them at the CDN when one is configured).
"""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .bookings.mail import queue_mail
from .bookings.models import Booking
from .bookings.slots import ensure_slots
from .choices import ACTIVE_BOOKING_STATUSES, BookingMode
from .feeds import links as feed_links
from .feeds.http import invalidate_documents
from .feeds.sequence import record_sequence
from .models import EventPage, Occurrence
from .occurrences import materialise, withdraw

CO_HOST_PERMISSIONS = ("change_page", "lock_page")


def event_published(event):
    record_sequence(event)
    with transaction.atomic():
        changes = materialise(event)
        tell_registrants(changes.changed)
        refresh_slots(event)
    grant_co_host_permissions(event)
    feeds_changed(event)
    return changes


def event_unpublished(event):
    with transaction.atomic():
        changes = withdraw(event)
        tell_registrants(changes.changed)
    feeds_changed(event)
    return changes


def event_deleted(event):
    """Before the page goes: its dates that people booked stay, cancelled, with the title."""
    with transaction.atomic():
        changes = withdraw(event, keep_title=True)
        tell_registrants(changes.changed)
    invalidate_documents()
    return changes


def event_moved(event, new_parent):
    """The host is the parent organisation; moving an event to another one changes it."""
    EventPage.objects.filter(pk=event.pk).update(host_id=new_parent.pk)
    invalidate_documents()


def extend_horizon(now=None):
    """Materialise every live event up to the rolling horizon (run daily). Feeds built
    before the roll end earlier than they should, so they are made stale too."""
    count = 0
    for event in EventPage.objects.live().prefetch_related("exceptions").iterator(chunk_size=200):
        with transaction.atomic():
            changes = materialise(event, now=now)
            tell_registrants(changes.changed)
            refresh_slots(event, now=now)
        count += 1
    invalidate_documents()
    return count


def tell_registrants(rows):
    """People booked on a date whose time, place or status changed get an e-mail (where
    they gave an address)."""
    if not rows:
        return
    bookings = Booking.objects.filter(occurrence__in=rows, status__in=ACTIVE_BOOKING_STATUSES)
    for booking in bookings.exclude(email="").select_related("occurrence__event"):
        queue_mail(booking, "changed")


def refresh_slots(event, now=None):
    if event.booking_mode != BookingMode.APPOINTMENT:
        return
    now = now or timezone.now()
    for row in Occurrence.objects.filter(event=event, start__gte=now).select_related("event"):
        ensure_slots(row)


def grant_co_host_permissions(event):
    """Co-hosts' editors may edit a joint event page (not publish it): a per-page
    permission for each co-host's editors' group, removed when the co-host is removed."""
    from django.contrib.auth.models import Permission

    from wagtail.models import GroupPagePermission

    from home.models import OrganisationPage

    wanted = {o.editors_group_id for o in event.co_hosts.all() if o.editors_group_id}
    partner_groups = OrganisationPage.objects.exclude(editors_group=None).values("editors_group")
    GroupPagePermission.objects.filter(page=event, group__in=partner_groups).exclude(
        group__in=wanted
    ).delete()
    permissions = Permission.objects.filter(
        content_type__app_label="wagtailcore", codename__in=CO_HOST_PERMISSIONS
    )
    for group_id in wanted:
        for permission in permissions:
            GroupPagePermission.objects.get_or_create(
                group_id=group_id, page=event, permission=permission
            )


def feeds_changed(event=None):
    """Every cached feed is stale; the CDN (if one is configured) drops the feeds that
    show ``event``. The event page's own paths are purged by Wagtail through
    ``get_cached_paths``."""
    invalidate_documents()
    if event is None or not getattr(settings, "WAGTAILFRONTENDCACHE", None):
        return
    from wagtail.contrib.frontend_cache.utils import purge_urls_from_cache

    purge_urls_from_cache(feed_links.feed_urls_for_event(event))
