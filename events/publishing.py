"""The publishing pipeline: what follows when an event page is published, unpublished,
deleted or moved, when an organisation or a category changes, and the daily roll of the
occurrence horizon. Signal handlers (``signals.py``) hand each change to one function here.

Publishing an event: bump its feed SEQUENCE if its time or place changed, materialise its
dates, tell people booked on a changed date, cut appointment dates into slots, give
co-hosts' editors the right to edit it, and make every feed showing it stale (and purge
them at the CDN when one is configured).
"""

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from wagtail.models import Page

from home.models import OrganisationPage

from .bookings.mail import queue_mail
from .bookings.models import Booking
from .bookings.slots import ensure_slots
from .choices import ACTIVE_BOOKING_STATUSES, BookingMode
from .feeds import links as feed_links
from .feeds.purge import cdn_configured, purge_feed_urls
from .feeds.sequence import record_sequence
from .models import EventPage, Occurrence
from .occurrences import materialise, withdraw
from .versions import invalidate_documents

CO_HOST_PERMISSIONS = ("change_page", "lock_page")


def event_published(event):
    record_sequence(event)
    with transaction.atomic():
        changes = materialise(event)
        tell_registrants(changes.changed)
        refresh_slots(event)
    grant_co_host_permissions(event)
    feeds_changed([event])
    return changes


def event_unpublished(event):
    with transaction.atomic():
        changes = withdraw(event)
        tell_registrants(changes.changed)
    feeds_changed([event])
    return changes


def event_deleted(event):
    """Before the page goes: its dates that people booked stay, cancelled, with the title."""
    with transaction.atomic():
        changes = withdraw(event, keep_title=True)
        tell_registrants(changes.changed)
    feeds_changed([event])
    return changes


def event_moved(event, new_parent):
    """The host is the parent organisation; moving an event to another one changes it
    (and the event's feed address: the old one is purged too)."""
    event = event.specific  # Wagtail sends the moved page as a plain ``Page``
    old_urls = feed_links.feed_urls_for_event(event)
    EventPage.objects.filter(pk=event.pk).update(host_id=new_parent.pk)
    event.host_id = new_parent.pk
    event.__dict__.pop("host_organisation", None)
    feeds_changed([event], urls=old_urls)


def organisation_changed(organisation):
    """An organisation was published (its name, address or slug may have changed),
    unpublished or moved: the feeds of everything it hosts or co-hosts show it."""
    feeds_changed(
        EventPage.hosted_by(organisation),
        urls=[settings.BASE_URL + feed_links.organisation_path(organisation)],
    )


def category_changed(category):
    """A category was renamed, recoloured or deleted: its feed and its events' feeds."""
    feeds_changed(
        EventPage.objects.filter(category=category),
        urls=[settings.BASE_URL + feed_links.category_path(category)],
    )


def restriction_changed(restriction):
    """A page was made private or public again: the feeds of the events under it."""
    page = Page.objects.filter(pk=restriction.page_id).first()
    if page is None:  # deleted with its page: its events went first (``event_deleted``)
        invalidate_documents()
    elif isinstance(page.specific_deferred, OrganisationPage):
        organisation_changed(page.specific_deferred)
    else:
        feeds_changed(EventPage.objects.descendant_of(page, inclusive=True))


def page_changed(page):
    """Any other page published, unpublished or moved: the feeds of the events under it
    (their addresses or their visibility may have changed). A site's root page is left
    out: its slug is in no address, and editing the home page must not purge every feed."""
    events = EventPage.objects.descendant_of(page)
    page = page.specific_deferred
    if isinstance(page, OrganisationPage):
        organisation_changed(page)
    elif not page.is_site_root() and events.exists():
        feeds_changed(events)
    else:
        invalidate_documents()


def extend_horizon(now=None):
    """Materialise every live event up to the rolling horizon (run daily). Feeds built
    before the roll end earlier than they should: they are made stale, and the CDN drops
    the feeds of the events whose dates changed."""
    count, changed = 0, []
    events = EventPage.objects.live().select_related("host", "category")
    for event in events.prefetch_related("exceptions").iterator(chunk_size=200):
        with transaction.atomic():
            changes = materialise(event, now=now)
            tell_registrants(changes.changed)
            if any(changes):  # new or moved dates; slot settings change only on publish
                refresh_slots(event, now=now)
        count += 1
        if any(changes):
            changed.append(event)
    feeds_changed(changed)
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


def feeds_changed(events=None, urls=()):
    """Every cached feed is stale: now, and again when the transaction commits, so that a
    feed built meanwhile from the data before the change is not kept. With a CDN
    configured, it drops (after the commit) the feeds that show ``events`` (every feed
    when None), ``urls``, and every filtered feed address it may hold. The event pages
    themselves are purged by Wagtail through ``get_cached_paths``."""
    invalidate_documents()
    transaction.on_commit(invalidate_documents)
    if not cdn_configured():
        return
    if events is None:
        urls = [*urls, *feed_links.every_feed_url()]
    else:
        urls = [settings.BASE_URL + feed_links.all_events_path(), *urls]
        if isinstance(events, QuerySet):  # each event's addresses name its host and category
            events = events.select_related("host", "category").prefetch_related("co_hosts")
        for event in events:
            urls += feed_links.feed_urls_for_event(event)
    purge_feed_urls(urls)
