"""Japanese date and time display for events: 2026年5月9日（土）14:00–16:00."""

import datetime
from urllib.parse import urlencode

from django import template

from events.feeds.links import feed_path
from events.models import CalendarSharePage
from events.schedule_text import format_date_ja, format_moment_ja, format_range_ja
from events.schedules import TOKYO

register = template.Library()


@register.filter
def ja_date(value):
    """A date or datetime as 2026年5月9日（土）, in Asia/Tokyo."""
    if value in (None, ""):
        return ""
    if isinstance(value, datetime.datetime):
        value = value.astimezone(TOKYO).date()
    return format_date_ja(value)


@register.filter
def moment(value):
    """A deadline or opening time: 12月8日（火）17:00 (the year only when it is not this
    year's)."""
    if not value:
        return ""
    return format_moment_ja(value, datetime.datetime.now(TOKYO).date())


@register.filter
def when(occurrence):
    """An occurrence's date and time range: 2026年5月9日（土）14:00–16:00."""
    return format_range_ja(occurrence.start, occurrence.end, occurrence.all_day)


@register.filter
def time_range(occurrence):
    """Only the clock times (for lists grouped by day): 14:00–16:00, or 終日."""
    text = format_range_ja(occurrence.start, occurrence.end, occurrence.all_day)
    day = format_date_ja(occurrence.start.astimezone(TOKYO).date())
    return text.removeprefix(day).strip() or text


@register.simple_tag(takes_context=True)
def calendar_links(context, kind, obj=None, query=""):
    """The ways to subscribe to a feed: https, webcal:// and Google Calendar.

    ``kind`` is "all" (with the list's ``query``), "category", "organisation" or "event"
    (with the object); the address is reversed from the feed's URL name."""
    request = context.get("request")
    path = feed_path(kind, obj, query)
    https = request.build_absolute_uri(path) if request is not None else path
    webcal = "webcal://" + https.split("://", 1)[-1]
    google = "https://calendar.google.com/calendar/render?" + urlencode({"cid": webcal})
    return {"path": path, "https": https, "webcal": webcal, "google": google}


@register.simple_tag
def calendar_share_page():
    """The page that lists every calendar and how to subscribe (None if there is none)."""
    return CalendarSharePage.objects.live().public().first()
