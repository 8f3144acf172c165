"""Japanese date and time display for events: 2026年5月9日（土）14:00–16:00."""

import datetime

from django import template

from events.schedules import TOKYO, format_date_ja, format_range_ja

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
def when(occurrence):
    """An occurrence's date and time range: 2026年5月9日（土）14:00–16:00."""
    return format_range_ja(occurrence.start, occurrence.end, occurrence.all_day)


@register.filter
def time_range(occurrence):
    """Only the clock times (for lists grouped by day): 14:00–16:00, or 終日."""
    text = format_range_ja(occurrence.start, occurrence.end, occurrence.all_day)
    day = format_date_ja(occurrence.start.astimezone(TOKYO).date())
    return text.removeprefix(day).strip() or text
