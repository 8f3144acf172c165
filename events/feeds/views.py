"""The calendar feeds over HTTP: stable .ics URLs (also reachable as webcal://), cached,
with ETag / Last-Modified and 304 for polling clients."""

from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404

from wagtail.models import Site

from home.models import OrganisationPage

from ..filters import EventFilterForm
from ..models import EventCategory, EventPage, Occurrence
from . import links, purge
from .http import cached_document
from .ics import FeedInfo, build_calendar, feed_window

CONTENT_TYPE = "text/calendar; charset=utf-8"


def _site_name(request):
    site = Site.find_for_request(request)
    return site.site_name if site and site.site_name else "ibasho"


def _cached(request, path, build, **kwargs):
    """The feed at ``path`` from the cache: built again with every change and every day
    (its window moves at midnight)."""
    key = f"{path} {feed_window()[0].date().isoformat()}"
    return cached_document(request, key, build, CONTENT_TYPE, **kwargs)


def _respond(request, info, rows):
    """A feed of our own events' ``rows`` (no imported dates)."""
    return _cached(request, info.path, lambda: build_calendar(info, rows))


def all_events_feed(request):
    """Every public event, narrowed by the same filters as /events/. Unfiltered (what
    most clients poll), nothing is queried before the cache answers. A filtered address
    may be kept by a CDN only once it is noted for purging (``purge``)."""
    if not request.GET:
        return _cached(request, links.all_events_path(), lambda: _build_all(request, None))
    form = EventFilterForm(request.GET)
    query = form.query_string(on=None)
    path = links.all_events_path(query)
    s_maxage = purge.filtered_s_maxage(settings.BASE_URL + request.get_full_path())
    return _cached(request, path, lambda: _build_all(request, form), s_maxage=s_maxage)


def _build_all(request, form):
    labels = form.active_filters() if form is not None else []
    query = form.query_string(on=None) if form is not None else ""
    name = f"{_site_name(request)} イベント"
    if labels:
        name += f"（{'・'.join(str(label) for label in labels)}）"
    info = FeedInfo(
        name=name,
        description="ひきこもり支援の相談会・家族交流会・講演会などの予定です。",
        path=links.all_events_path(query),
    )
    rows, imported = Occurrence.objects.of_visible_events(), Occurrence.objects.imported()
    if form is not None:
        rows, imported = form.filter(rows), form.filter(imported)
    return build_calendar(info, rows, imported)


def category_feed(request, slug):
    category = get_object_or_404(EventCategory, slug=slug)
    info = FeedInfo(
        name=f"{_site_name(request)} {category.name}",
        description=f"{category.name}の予定です。",
        path=links.category_path(category),
        colour=category.colour,
    )
    rows = Occurrence.objects.of_visible_events().filter(event__category=category)
    return _respond(request, info, rows)


def organisation_feed(request, organisation):
    org = OrganisationPage.objects.live().public().filter(slug=organisation).first()
    if org is None:
        raise Http404
    info = FeedInfo(
        name=f"{org.title} のイベント",
        description=f"{org.title}が主催・共催するイベントの予定です。",
        path=links.organisation_path(org),
    )
    hosted = EventPage.objects.filter(host=org) | EventPage.objects.filter(co_hosts=org)
    rows = Occurrence.objects.of_visible_events().filter(event__in=hosted.values("pk"))
    return _respond(request, info, rows)


def event_feed(request, organisation, event):
    page = (
        EventPage.objects.live()
        .public()
        .filter(slug=event, host__slug=organisation, host__live=True)
        .first()
    )
    if page is None:
        raise Http404
    info = FeedInfo(
        name=page.title,
        description=page.summary,
        path=links.event_path(page),
    )
    return _respond(request, info, Occurrence.objects.of_visible_events().filter(event=page))
