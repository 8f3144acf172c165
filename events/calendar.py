"""What the calendar pages show (the /events/ list and the month grid): context helpers
for ``EventIndexPage``'s routes. The rules live in the filters, the occurrence table and
the schedule wording; these only shape them for the templates."""

import calendar
import datetime
import hashlib
from itertools import groupby

from django.core.cache import cache
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from wagtail.models import Site

from .choices import OccurrenceStatus
from .filters import EventFilterForm
from .models.records import Occurrence
from .schedule_text import format_date_ja
from .schedules import TOKYO, WEEKDAYS_JA, is_public_holiday
from .versions import documents_version

PER_PAGE = 30
MONTH_DAY_LIMIT = 4  # entries shown in one day of the month grid; the rest behind a link
MAX_PAGE = 200
MONTH_CACHE_SECONDS = 6 * 60 * 60  # and until the next change (documents_version)


def today():
    return timezone.now().astimezone(TOKYO).date()


def _page_number(request):
    try:
        return min(max(int(request.GET.get("page", 1)), 1), MAX_PAGE)
    except ValueError:
        return 1


def upcoming_context(request, index_page):
    """The list: upcoming (or past, or one day's) dates, thirty to a page, by day."""
    form = EventFilterForm(request.GET or None)
    occurrences = form.filter(Occurrence.objects.visible())
    past = request.GET.get("when") == "past"
    now = timezone.now()
    if form.day():
        occurrences = occurrences.order_by("start")
    elif past:
        occurrences = occurrences.filter(end__lte=now).order_by("-start")
    else:
        occurrences = occurrences.upcoming(now).order_by("start")
    # One page and one extra row to know whether there is a next page: no COUNT over the
    # whole calendar.
    number = _page_number(request)
    offset = (number - 1) * PER_PAGE
    rows = list(occurrences.for_listing()[offset : offset + PER_PAGE + 1])
    has_next = len(rows) > PER_PAGE
    rows = rows[:PER_PAGE]
    this_day = today()
    return {
        "form": form,
        "days": [
            {
                "date": day,
                "label": format_date_ja(day),
                "is_today": day == this_day,
                "items": list(items),
            }
            for day, items in groupby(rows, key=lambda o: o.local_start.date())
        ],
        "page_number": number,
        "previous_page": number - 1 if number > 1 else None,
        "next_page": number + 1 if has_next else None,
        "past": past,
        "filter_query": form.query_string(),
        "active_filters": form.active_filters(),
        "this_month_url": index_page.month_url(this_day),
    }


def month_context(request, index_page, year, month):
    """The month grid: the first few entries of each day, with a link to the rest."""
    if not (1 <= month <= 12 and 2000 <= year <= 2100):
        raise Http404(_("There is no such month."))
    form = EventFilterForm(request.GET or None)
    first = datetime.date(year, month, 1)
    next_month = (first + datetime.timedelta(days=32)).replace(day=1)
    previous_month = (first - datetime.timedelta(days=1)).replace(day=1)
    start = datetime.datetime.combine(first, datetime.time(0, 0), tzinfo=TOKYO)
    end = datetime.datetime.combine(next_month, datetime.time(0, 0), tzinfo=TOKYO)
    site = Site.find_for_request(request)
    key = _month_key(form, first, site)
    by_day, counts = _month_entries(key, form, start, end, site)
    query = form.query_string()
    list_url = index_page.url
    this_day = today()

    def day_cell(day):
        shown = by_day.get(day, []) if day.month == month else []
        more = counts.get(day, 0) - len(shown) if day.month == month else 0
        more_query = form.query_string(on=day) if more else ""
        holiday = is_public_holiday(day)
        return {
            "date": day,
            "label": f"{day.month}月{day.day}日（{WEEKDAYS_JA[day.weekday()]}"
            + ("・祝）" if holiday else "）"),
            "in_month": day.month == month,
            "is_today": day == this_day,
            "is_holiday": holiday,
            "items": shown,
            "more": more,
            "more_url": f"{list_url}?{more_query}" if more else "",
            "weekday": day.weekday(),
        }

    weeks = [
        [day_cell(day) for day in week]
        for week in calendar.Calendar(firstweekday=6).monthdatescalendar(year, month)
    ]
    return {
        "form": form,
        "weeks": weeks,
        # The same days as a list, for phones: only the days that have something.
        "agenda": [cell for week in weeks for cell in week if cell["in_month"] and cell["items"]],
        "weekday_names": [WEEKDAYS_JA[(6 + i) % 7] for i in range(7)],
        "month_label": date_format(first, "YEAR_MONTH_FORMAT"),
        "occurrence_count": sum(counts.values()),
        "previous_url": index_page.month_url(previous_month, query),
        "next_url": index_page.month_url(next_month, query),
        "list_url": list_url + (f"?{query}" if query else ""),
        "programme_url": index_page.programme_url(first) + (f"?{query}" if query else ""),
        "filter_query": query,
        "active_filters": form.active_filters(),
        # The rendered grid is cached too: it also shows which day is today.
        "grid_cache_key": f"{key}:{this_day.isoformat()}" if key else None,
        "grid_cache_seconds": MONTH_CACHE_SECONDS,
    }


def _month_key(form, first, site):
    """The cache key of one month's grid with these filters, or None (a keyword search).

    What the grid shows changes only when something a calendar document shows changes, and
    every such change (publish, unpublish, a partner import, an organisation or category
    change, the daily horizon) bumps ``documents_version``, the version the feeds are
    cached under: kept under that version, nothing outlives the data. A keyword search is
    not cached (each text would take a place in the cache)."""
    if form.applied().get("q"):
        return None
    query = hashlib.sha256(form.query_string().encode()).hexdigest()[:32]
    return (
        f"month-grid:{documents_version()}:{site.pk if site else 0}:{get_language()}:"
        f"{first.isoformat()}:{query}"
    )


def _month_entries(key, form, start, end, site):
    """``(by_day, counts)``: the first few entries of each day of the month and the number
    of entries per day, from the cache under ``key`` when there (and when ``key`` is not
    None)."""
    if key is not None:
        cached = cache.get(key)
        if cached is not None:
            return cached
    entries = _read_month_entries(form, start, end, site)
    if key is not None:
        cache.set(key, entries, MONTH_CACHE_SECONDS)
    return entries


def _read_month_entries(form, start, end, site):
    # Only the columns a grid cell shows: a busy month has thousands of rows, and each day
    # shows its first few with a link to the rest. (Ranking per day in SQL was slower:
    # SQLite converts each start to a local date in Python.)
    rows = (
        form.filter(Occurrence.objects.visible())
        .filter(start__gte=start, start__lt=end)
        .order_by("start", "pk")
        .values_list(
            "start",
            "original_date",
            "all_day",
            "status",
            "title",
            "url",
            "event_id",
            "event__title",
            "event__url_path",
            "feed__organisation__website",
            "feed__organisation__url_path",
        )
    )
    root_path = site.root_page.url_path if site else "/"
    base = reverse("wagtail_serve", args=("",))
    by_day, counts = {}, {}
    for row in rows:
        start_at, original, all_day, status, title, url, event_id, event_title, path = row[:9]
        local = start_at.astimezone(TOKYO)
        day = local.date()
        counts[day] = counts.get(day, 0) + 1
        if counts[day] > MONTH_DAY_LIMIT:
            continue
        if event_id:
            title, url = event_title, f"{base}{path[len(root_path) :]}{original.isoformat()}/"
        elif not url:  # an imported date without its own page: the partner's site
            website, org_path = row[9:]
            url = website or (f"{base}{org_path[len(root_path) :]}" if org_path else "")
        by_day.setdefault(day, []).append(
            {
                "title": title,
                "url": url,
                "time": "" if all_day else f"{local.hour}:{local.minute:02d}",
                "cancelled": status == OccurrenceStatus.CANCELLED,
                "external": not event_id,
            }
        )
    return by_day, counts
