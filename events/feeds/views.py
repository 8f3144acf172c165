"""The calendar feeds over HTTP: stable .ics URLs (also reachable as webcal://), cached,
with ETag / Last-Modified and 304 for polling clients."""

from django.db.models import Q
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404

from wagtail.models import Site

from home.models import OrganisationPage

from ..filters import EventFilterForm
from ..models import EventCategory, EventPage, Occurrence
from . import links
from .http import cached_document
from .ics import FeedInfo, build_calendar

CONTENT_TYPE = "text/calendar; charset=utf-8"


def _site_name(request):
    site = Site.find_for_request(request)
    return site.site_name if site and site.site_name else "ibasho"


def _respond(request, info, occurrences):
    return cached_document(
        request,
        info.path,
        lambda: build_calendar(info, occurrences),
        CONTENT_TYPE,
    )


# A feed is a calendar to subscribe to, not one day's list: the list's date filter does
# not apply (and is not part of the feed's address).
NOT_FOR_FEEDS = ("on",)


def all_events_feed(request):
    """Every public event, narrowed by the same filters as /events/. Unfiltered (what
    most clients poll), nothing is queried before the cache answers.

    The filtering, the feed's name and its cache key all come from the filters in force
    (``EventFilterForm.applied``); an invalid value is refused with a 400 rather than
    quietly giving another calendar. A keyword search is built every time, never cached.
    """
    if not request.GET:
        return cached_document(
            request, links.all_events_path(), lambda: _build_all(request, None), CONTENT_TYPE
        )
    form = EventFilterForm(request.GET)
    invalid = [name for name in form.errors if name not in NOT_FOR_FEEDS]
    if invalid:
        labels = "、".join(str(form.fields[name].label) for name in invalid)
        return HttpResponseBadRequest(
            f"カレンダーの条件を読み取れませんでした（{labels}）。"
            "イベント一覧のページから、もう一度カレンダーの登録用アドレスを取得してください。",
            content_type="text/plain; charset=utf-8",
        )
    applied = form.applied(NOT_FOR_FEEDS)
    key = None if applied.get("q") else links.all_events_path(form.query_string(NOT_FOR_FEEDS))
    return cached_document(request, key, lambda: _build_all(request, form), CONTENT_TYPE)


def _build_all(request, form):
    labels = form.active_filters(NOT_FOR_FEEDS) if form is not None else []
    query = form.query_string(NOT_FOR_FEEDS) if form is not None else ""
    name = f"{_site_name(request)} イベント"
    if labels:
        name += f"（{'・'.join(str(label) for label in labels)}）"
    info = FeedInfo(
        name=name,
        description="ひきこもり支援の相談会・家族交流会・講演会などの予定です。",
        path=links.all_events_path(query),
    )
    occurrences = Occurrence.objects.visible()
    if form is not None:
        occurrences = form.filter(occurrences, exclude=NOT_FOR_FEEDS)
    return build_calendar(info, occurrences)


def category_feed(request, slug):
    category = get_object_or_404(EventCategory, slug=slug)
    info = FeedInfo(
        name=f"{_site_name(request)} {category.name}",
        description=f"{category.name}の予定です。",
        path=links.category_path(category),
        colour=category.colour,
    )
    occurrences = Occurrence.objects.visible().filter(
        Q(event__category=category) | Q(event__isnull=True, feed__category=category)
    )
    return _respond(request, info, occurrences)


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
    occurrences = Occurrence.objects.visible().filter(
        Q(event__in=hosted.values("pk")) | Q(feed__organisation=org)
    )
    return _respond(request, info, occurrences)


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
    return _respond(request, info, Occurrence.objects.visible().filter(event=page))
