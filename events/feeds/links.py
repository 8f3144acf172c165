"""Feed addresses, reversed by the names ``events.feeds.urls`` gives them."""

from django.conf import settings
from django.urls import reverse


def all_events_path(query=""):
    path = reverse("events_feed")
    return f"{path}?{query}" if query else path


def category_path(category):
    return reverse("events_category_feed", kwargs={"slug": category.slug})


def organisation_path(organisation):
    return reverse("events_organisation_feed", kwargs={"organisation": organisation.slug})


def event_path(event):
    host = event.host_organisation
    return reverse("events_event_feed", kwargs={"organisation": host.slug, "event": event.slug})


def feed_path(kind, obj=None, query=""):
    """The path of a feed: ``kind`` is "all", "category", "organisation" or "event"."""
    if kind == "all":
        return all_events_path(query)
    return {"category": category_path, "organisation": organisation_path, "event": event_path}[
        kind
    ](obj)


def feed_urls_for_event(event):
    """Every public feed that shows ``event``, as absolute URLs (for a CDN purge)."""
    paths = [all_events_path(), event_path(event)]
    if event.category_id:
        paths.append(category_path(event.category))
    for organisation in event.organisers:
        if organisation is not None:
            paths.append(organisation_path(organisation))
    return [settings.BASE_URL + path for path in paths]


def every_feed_url():
    """Every public feed's address (for a change that any feed may show)."""
    from home.models import OrganisationPage

    from ..models import EventCategory, EventPage

    paths = [all_events_path()]
    paths += [category_path(category) for category in EventCategory.objects.all()]
    paths += [organisation_path(org) for org in OrganisationPage.objects.live()]
    paths += [event_path(event) for event in EventPage.objects.live().select_related("host")]
    return [settings.BASE_URL + path for path in paths]
