"""Thin views behind the event pages' routes: the calendar list, the month grid, one
event and one occurrence. The rules live in the models, filters and occurrences modules."""

import calendar
import datetime
import json
from itertools import groupby

from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from wagtail.models import Site

from .filters import EventFilterForm
from .models import AttendanceMode, Occurrence, OccurrenceStatus
from .occurrences import planned_occurrences
from .schedules import TOKYO, WEEKDAYS_JA, format_date_ja

PER_PAGE = 30
MONTH_DAY_LIMIT = 4  # entries shown in one day of the month grid; the rest behind a link
MAX_PAGE = 200


def _today():
    return timezone.now().astimezone(TOKYO).date()


def _page_number(request):
    try:
        return min(max(int(request.GET.get("page", 1)), 1), MAX_PAGE)
    except ValueError:
        return 1


def upcoming_view(request, index_page):
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
    today = _today()
    context = index_page.get_context(request)
    context.update(
        {
            "form": form,
            "days": [
                {
                    "date": day,
                    "label": format_date_ja(day),
                    "is_today": day == today,
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
            "this_month_url": index_page.url
            + index_page.reverse_subpage("month", args=(today.year, today.month)),
        }
    )
    return TemplateResponse(request, "events/event_index_page.html", context)


def month_view(request, index_page, year, month):
    if not (1 <= month <= 12 and 2000 <= year <= 2100):
        raise Http404(_("There is no such month."))
    form = EventFilterForm(request.GET or None)
    first = datetime.date(year, month, 1)
    next_month = (first + datetime.timedelta(days=32)).replace(day=1)
    previous_month = (first - datetime.timedelta(days=1)).replace(day=1)
    start = datetime.datetime.combine(first, datetime.time(0, 0), tzinfo=TOKYO)
    end = datetime.datetime.combine(next_month, datetime.time(0, 0), tzinfo=TOKYO)
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
    site = Site.find_for_request(request)
    root_path = site.root_page.url_path if site else "/"
    base = reverse("wagtail_serve", args=("",))
    query = form.query_string()
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
    list_url = index_page.url

    def day_cell(day):
        shown = by_day.get(day, []) if day.month == month else []
        more = counts.get(day, 0) - len(shown) if day.month == month else 0
        more_query = form.query_string(on=day) if more else ""
        return {
            "date": day,
            "in_month": day.month == month,
            "is_today": day == today,
            "items": shown,
            "more": more,
            "more_url": f"{list_url}?{more_query}" if more else "",
            "weekday": day.weekday(),
        }

    def month_url(d):
        url = index_page.url + index_page.reverse_subpage("month", args=(d.year, d.month))
        return f"{url}?{query}" if query else url

    today = _today()
    context = index_page.get_context(request)
    context.update(
        {
            "form": form,
            "weeks": [
                [day_cell(day) for day in week]
                for week in calendar.Calendar(firstweekday=6).monthdatescalendar(year, month)
            ],
            "weekday_names": [WEEKDAYS_JA[(6 + i) % 7] for i in range(7)],
            "month_label": date_format(first, "YEAR_MONTH_FORMAT"),
            "occurrence_count": sum(counts.values()),
            "previous_url": month_url(previous_month),
            "next_url": month_url(next_month),
            "list_url": list_url + (f"?{query}" if query else ""),
            "filter_query": query,
            "active_filters": form.active_filters(),
        }
    )
    return TemplateResponse(request, "events/event_index_month.html", context)


def event_context(request, page):
    """What an event page shows about its dates: from the table when live, computed from
    the schedule for a preview or a draft (so editors see their change before publishing)."""
    now = timezone.now()
    if getattr(request, "is_preview", False) or not page.live or not page.pk:
        upcoming = [
            p
            for p in planned_occurrences(page, now, now + datetime.timedelta(days=550))
            if p.end > now
        ][:10]
    else:
        upcoming = page.upcoming_occurrences(limit=10, now=now)
        if page.booking_mode != "none":
            from .bookings.capacity import availability

            for occurrence in upcoming:
                occurrence.availability = availability(occurrence, now)[1]
    return {
        "upcoming": upcoming,
        "json_ld": json_ld(request, page, [o for o in upcoming if hasattr(o, "pk")]),
    }


def occurrence_or_404(page, date):
    try:
        day = datetime.date.fromisoformat(date)
    except ValueError:
        raise Http404(_("There is no such date.")) from None
    occurrence = page.occurrences.select_related("event").filter(original_date=day).first()
    if occurrence is None:
        raise Http404(_("This event does not take place on that date."))
    return occurrence


def occurrence_view(request, page, date):
    from .bookings.views import booking_context

    occurrence = occurrence_or_404(page, date)
    context = page.get_context(request)
    context["occurrence"] = occurrence
    context.update(booking_context(request, page, occurrence))
    return TemplateResponse(request, "events/occurrence_page.html", context)


def json_ld(request, page, occurrences):
    """schema.org Event data for the next dates (no private details)."""
    mode = {
        AttendanceMode.IN_PERSON: "https://schema.org/OfflineEventAttendanceMode",
        AttendanceMode.ONLINE: "https://schema.org/OnlineEventAttendanceMode",
        AttendanceMode.HYBRID: "https://schema.org/MixedEventAttendanceMode",
    }[page.attendance_mode]
    status = {
        OccurrenceStatus.SCHEDULED: "https://schema.org/EventScheduled",
        OccurrenceStatus.MOVED: "https://schema.org/EventRescheduled",
        OccurrenceStatus.CANCELLED: "https://schema.org/EventCancelled",
    }
    base = request.build_absolute_uri("/").rstrip("/") if request else ""
    host = page.host_organisation
    events = []
    for occurrence in occurrences:
        location = []
        if page.attendance_mode != AttendanceMode.ONLINE:
            location.append(
                {
                    "@type": "Place",
                    "name": occurrence.venue_name or page.venue_name,
                    "address": occurrence.venue_address or page.venue_address,
                }
            )
        if page.attendance_mode != AttendanceMode.IN_PERSON:
            location.append({"@type": "VirtualLocation", "url": base + page.url})
        events.append(
            {
                "@context": "https://schema.org",
                "@type": "Event",
                "name": page.title,
                "description": page.summary,
                "startDate": occurrence.local_start.isoformat(),
                "endDate": occurrence.local_end.isoformat(),
                "eventStatus": status[occurrence.status],
                "eventAttendanceMode": mode,
                "location": location[0] if len(location) == 1 else location,
                "organizer": {"@type": "Organization", "name": host.title, "url": base + host.url},
                "isAccessibleForFree": page.is_free,
                "url": base + page.occurrence_url(occurrence),
                "inLanguage": "ja",
            }
        )
    # "<" escaped so the JSON can never close the script element.
    return json.dumps(events, ensure_ascii=False).replace("<", "\\u003c")
