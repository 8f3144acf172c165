"""The calendar feeds over HTTP: stable .ics URLs (also reachable as webcal://), cached,
with ETag / Last-Modified and 304 for polling clients."""

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404

from wagtail.models import Site

from home.models import OrganisationPage, SiteIdentity

from ..filters import EventFilterForm
from ..models import EventCategory, EventPage, Occurrence
from ..versions import documents_version
from . import links, purge
from .http import TIMEOUT, cached_document
from .ics import FeedInfo, build_calendar, feed_window

CONTENT_TYPE = "text/calendar; charset=utf-8"
# A feed is a calendar to subscribe to, not one day's list: the list's date filter does
# not apply (and is not part of the feed's address).
NOT_FOR_FEEDS = ("on",)


def _calendar_name(request):
    """The feeds' name in people's calendar apps: a site setting, neutral if the ward
    chooses so (a family member may see the list of calendars). Kept with the cached
    documents, so a polling client costs no query for it (saving the setting drops it)."""
    site = Site.find_for_request(request)
    if site is None:
        return "ibasho"

    def read():
        identity = SiteIdentity.objects.filter(site=site).first() or SiteIdentity(site=site)
        return identity.calendar or "ibasho"

    return cache.get_or_set(f"calendar-name:{documents_version()}:{site.pk}", read, TIMEOUT)


def _cached(request, path, build, **kwargs):
    """The feed at ``path`` from the cache (``path`` None: built every time, never
    stored), built again with every change and every day (its window moves at midnight)."""
    key = None if path is None else f"{path} {feed_window()[0].date().isoformat()}"
    return cached_document(request, key, build, CONTENT_TYPE, **kwargs)


def _respond(request, path, make_info, rows, imported=None):
    """The feed at ``path``; its name and description (``make_info()``) are read only
    when it is built, so a polling client costs no lookup of them."""
    return _cached(request, path, lambda: build_calendar(make_info(), rows, imported))


def all_events_feed(request):
    """Every public event, narrowed by the same filters as /events/. Unfiltered (what
    most clients poll), nothing is queried before the cache answers.

    The filtering, the feed's name and its cache key all come from the filters in force
    (``EventFilterForm.applied``); an invalid value is refused with a 400 rather than
    quietly giving another calendar. A keyword search is built every time, never cached.
    A filtered address may be kept by a CDN only once it is noted for purging (``purge``).
    """
    if not request.GET:
        return _cached(request, links.all_events_path(), lambda: _build_all(request, None))
    form = EventFilterForm(request.GET)
    invalid = [name for name in form.errors if name not in NOT_FOR_FEEDS]
    if invalid:
        labels = "、".join(str(form.fields[name].label) for name in invalid)
        return HttpResponseBadRequest(
            f"カレンダーの条件を読み取れませんでした（{labels}）。"
            "イベント一覧のページから、もう一度カレンダーの登録用アドレスを取得してください。",
            content_type="text/plain; charset=utf-8",
        )
    # Keyword feeds are not kept here (every distinct text would take a place in the
    # cache); a CDN may keep any filtered address it can be told to drop (``purge``).
    keyword = form.applied(NOT_FOR_FEEDS).get("q")
    path = None if keyword else links.all_events_path(form.query_string(NOT_FOR_FEEDS))
    s_maxage = purge.filtered_s_maxage(settings.BASE_URL + request.get_full_path())
    return _cached(request, path, lambda: _build_all(request, form), s_maxage=s_maxage)


def _build_all(request, form):
    labels = form.active_filters(NOT_FOR_FEEDS) if form is not None else []
    query = form.query_string(NOT_FOR_FEEDS) if form is not None else ""
    name = _calendar_name(request)
    if labels:
        name += f"（{'・'.join(str(label) for label in labels)}）"
    info = FeedInfo(
        name=name,
        description="相談会・交流会・講演会などの予定です。",
        path=links.all_events_path(query),
    )
    rows, imported = Occurrence.objects.of_visible_events(), Occurrence.objects.imported()
    if form is not None:
        rows = form.filter(rows, exclude=NOT_FOR_FEEDS)
        imported = form.filter(imported, exclude=NOT_FOR_FEEDS)
    return build_calendar(info, rows, imported)


def category_feed(request, slug):
    category = get_object_or_404(EventCategory, slug=slug)
    path = links.category_path(category)
    rows = Occurrence.objects.of_visible_events().filter(event__category=category)
    imported = Occurrence.objects.imported().filter(feed__category=category)
    return _respond(
        request,
        path,
        lambda: FeedInfo(
            name=f"{_calendar_name(request)}（{category.name}）",
            description=f"{category.name}の予定です。",
            path=path,
            colour=category.colour,
        ),
        rows,
        imported,
    )


def organisation_feed(request, organisation):
    org = OrganisationPage.objects.live().public().filter(slug=organisation).first()
    if org is None:
        raise Http404
    path = links.organisation_path(org)
    hosted = EventPage.hosted_by(org)
    rows = Occurrence.objects.of_visible_events().filter(event__in=hosted.values("pk"))
    imported = Occurrence.objects.imported().filter(feed__organisation=org)
    return _respond(
        request,
        path,
        lambda: FeedInfo(
            name=f"{_calendar_name(request)}（{org.title}）",
            description=f"{org.title}が主催・共催するイベントの予定です。",
            path=path,
        ),
        rows,
        imported,
    )


def event_feed(request, organisation, event):
    page = (
        EventPage.objects.live()
        .public()
        .filter(slug=event, host__slug=organisation, host__live=True)
        .first()
    )
    if page is None:
        raise Http404
    # Named neutrally like the others: the title shows only on the dates themselves.
    path = links.event_path(page)
    return _respond(
        request,
        path,
        lambda: FeedInfo(
            name=_calendar_name(request), description="イベントの予定です。", path=path
        ),
        Occurrence.objects.of_visible_events().filter(event=page),
    )
