"""「今月の予定」: every event of one month on A4, for the ward's special issue and notice
boards, as a page with a print stylesheet and as a PDF. The filters of /events/ narrow
it (one category, one organisation, …).

Context helpers for ``EventIndexPage``'s programme routes. Each event is one entry with
its dates in the month (cancelled dates left out), place, who it is for, host and a QR
code to its page. Imported partner events are not listed: they belong to their own
municipality's programme.
"""

import datetime

from django.http import Http404
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from home.models import SiteIdentity

from . import pdf
from .choices import OccurrenceStatus
from .filters import EventFilterForm
from .flyers import desk_of, pdf_response, qr_svg
from .models.records import Occurrence
from .public_urls import absolute_page_url, site_root_path
from .schedule_text import format_range_ja
from .schedules import TOKYO, WEEKDAYS_JA


def month_bounds(year, month):
    if not (1 <= month <= 12 and 2000 <= year <= 2100):
        raise Http404(_("There is no such month."))
    first = datetime.date(year, month, 1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    start = datetime.datetime.combine(first, datetime.time(0, 0), tzinfo=TOKYO)
    return first, start, datetime.datetime.combine(following, datetime.time(0, 0), tzinfo=TOKYO)


def _time_of(occurrence):
    text = format_range_ja(occurrence.start, occurrence.end, occurrence.all_day)
    day = occurrence.local_start.date()
    prefix = f"{day.year}年{day.month}月{day.day}日（{WEEKDAYS_JA[day.weekday()]}）"
    return text.removeprefix(prefix).strip()


def dates_text(occurrences):
    """「12月5日（土）・12日（土）・19日（土） 13:00–16:00」, or each date with its time
    when the times differ."""
    days = [o.local_start.date() for o in occurrences]
    times = [_time_of(o) for o in occurrences]

    def day_label(index, day):
        label = f"{day.day}日（{WEEKDAYS_JA[day.weekday()]}）"
        return f"{day.month}月{label}" if index == 0 else label

    if len(set(times)) == 1:
        return "・".join(day_label(i, d) for i, d in enumerate(days)) + f" {times[0]}"
    return "、".join(
        f"{day_label(i, d)}{t}" for i, (d, t) in enumerate(zip(days, times, strict=True))
    )


def entries_for(form, start, end):
    """``[(event, [occurrence, …])]`` in the order of each event's first date."""
    rows = (
        form.filter(Occurrence.objects.visible())
        .filter(event__isnull=False, start__gte=start, start__lt=end)
        .exclude(status=OccurrenceStatus.CANCELLED)
        .select_related("event", "event__host", "event__category")
        .order_by("start", "pk")
    )
    grouped = {}
    for occurrence in rows:
        grouped.setdefault(occurrence.event_id, (occurrence.event, []))[1].append(occurrence)
    return list(grouped.values())


def programme_for(request, index_page, year, month):
    """``(Programme, form)`` for the month and the filters in the query string."""
    first, start, end = month_bounds(year, month)
    form = EventFilterForm(request.GET or None)
    root = site_root_path()
    entries = []
    for event, occurrences in entries_for(form, start, end):
        entries.append(
            pdf.ProgrammeEntry(
                title=event.title,
                url=absolute_page_url(event, root),
                dates=dates_text(occurrences),
                venue=event.location_text,
                audience=event.audience_label,
                booking=_("Booking needed") if event.takes_bookings else _("No booking needed"),
                host=event.host.title if event.host_id else "",
                category=event.category.display_name if event.category_id else "",
            )
        )
    filters = "・".join(form.active_filters())
    heading = _("Programme of the month")
    programme = pdf.Programme(
        title=f"{heading}　{date_format(first, 'YEAR_MONTH_FORMAT')}",
        subtitle=filters,
        intro=_(
            "Every event listed can be joined without giving your name. Scan a code for the "
            "details and to book."
        ),
        entries=entries,
        desk=desk_of(request),
        site_name=SiteIdentity.name_for_request(request),
        site_url=absolute_page_url(index_page, root),
    )
    return programme, form


def programme_context(request, index_page, year, month):
    programme, form = programme_for(request, index_page, year, month)
    first, _start, _end = month_bounds(year, month)
    previous = (first - datetime.timedelta(days=1)).replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    query = form.query_string()
    suffix = f"?{query}" if query else ""
    for entry in programme.entries:
        entry.qr_svg = qr_svg(entry.url, _("QR code: %(url)s") % {"url": entry.url}, scale=2)
    return {
        "programme": programme,
        "form": form,
        "month_label": date_format(first, "YEAR_MONTH_FORMAT"),
        "pdf_url": index_page.programme_url(first, pdf=True) + suffix,
        "previous_url": index_page.programme_url(previous) + suffix,
        "next_url": index_page.programme_url(following) + suffix,
        "calendar_url": index_page.month_url(first, query),
    }


def programme_pdf_response(request, index_page, year, month):
    programme, _form = programme_for(request, index_page, year, month)
    return pdf_response(pdf.programme_pdf(programme), f"programme-{year}-{month:02d}.pdf")
