"""iCalendar feeds, built from the model with ``icalendar`` (never from django-recurrence's
own text).

A recurring event is one VEVENT with an RRULE whose DTSTART is the first date of the rule in
the feed's window and whose UNTIL is half a day after the last one we have materialised;
every date of the rule that does not take place (a holiday, the year-end closure, a
cancellation) is an EXDATE of exactly the same type and time; a moved or annotated date is
an EXDATE too, plus a VEVENT of its own. Anything a single rule cannot say exactly is
written out date by date. So a client expanding the feed gets exactly our ``Occurrence``
rows; tests/interop checks that with real clients.

Only public facts go in: no bookings, names, e-mail addresses of people, or meeting links.
"""

import datetime
import uuid
from dataclasses import dataclass, replace

from django.conf import settings
from django.utils import timezone

import icalendar
import recurrence
from icalendar import Calendar, Event, vDuration, vRecur, vText

from home.text import multi_line, single_line

from ..choices import BookingStatus, OccurrenceStatus
from ..models import EventFeedState, EventPage, PartnerFeed
from ..occurrences import horizon_days
from ..public_urls import page_path, site_root_path
from ..schedules import TOKYO, expand
from ..uids import event_uid, host_name, is_own_uid  # noqa: F401  (is_own_uid: public here too)

PRODID = "-//ibasho//ibasho event calendar 1.0//JA"
TZID = "Asia/Tokyo"
REFRESH = datetime.timedelta(hours=6)
HISTORY = datetime.timedelta(days=365)
FREQUENCIES = ("YEARLY", "MONTHLY", "WEEKLY", "DAILY", "HOURLY", "MINUTELY", "SECONDLY")
WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
UTC = datetime.UTC
# At most this many values in one EXDATE property (calcurse refuses lines over about 8 KB).
EXDATES_PER_LINE = 50
# UNTIL is the last start plus this (see _series).
UNTIL_MARGIN = datetime.timedelta(hours=12)
_OTHER_BYPARTS = ("bysetpos", "bymonth", "bymonthday", "byyearday", "byweekno")


@dataclass(frozen=True)
class FeedInfo:
    """What the calendar says about itself."""

    name: str
    description: str
    path: str  # the feed's path and canonical query, which also fixes its UID
    colour: str = ""


def feed_window(now=None):
    now = now or timezone.now()
    return now - HISTORY, now + datetime.timedelta(days=horizon_days())


def feed_occurrences(occurrences, now=None):
    """The rows a feed shows: in the window, ordered so the output is stable."""
    start, end = feed_window(now)
    # No select_related: the events are loaded once each by build_calendar, not once per
    # row (a weekly series has dozens of rows).
    return occurrences.filter(start__gte=start, start__lt=end).order_by("event_id", "start", "pk")


def build_calendar(info: FeedInfo, occurrences, now=None) -> tuple[bytes, datetime.datetime]:
    """The feed's bytes and the time of its latest change.

    ``occurrences`` is a queryset of visible ``Occurrence`` rows (already filtered); the
    window is applied here. Identical data gives identical bytes: nothing depends on the
    clock except the window.
    """
    rows = list(feed_occurrences(occurrences, now))
    root_path = site_root_path()
    calendar = _calendar(info)
    calendar.add_component(_tokyo_timezone())
    last_modified = datetime.datetime(2000, 1, 1, tzinfo=UTC)
    by_event = {}
    imported = []
    for row in rows:
        if row.event_id:
            by_event.setdefault(row.event_id, []).append(row)
        else:
            imported.append(row)
        last_modified = max(last_modified, row.updated_at)
    events = EventPage.objects.select_related("category", "host", "feed_state").in_bulk(
        list(by_event)
    )
    for event_id, event_rows in by_event.items():
        event = events.get(event_id)
        if event is None:  # deleted between the two queries
            continue
        if event.last_published_at:
            last_modified = max(last_modified, event.last_published_at)
        for row in event_rows:
            row.event = event  # the rows read their event's venue: no query per row
        for component in event_components(event, event_rows, root_path):
            calendar.add_component(component)
    # Partner events only from calendars whose owner chose to re-publish them.
    feeds = PartnerFeed.objects.filter(include_in_our_feeds=True).select_related(
        "organisation", "category"
    )
    feeds = feeds.in_bulk({row.feed_id for row in imported if row.feed_id})
    for row in imported:
        if row.feed_id in feeds:
            row.feed = feeds[row.feed_id]
            calendar.add_component(_imported_component(row, root_path))
    return calendar.to_ical(), last_modified


def _calendar(info):
    calendar = Calendar()
    calendar.add("VERSION", "2.0")
    calendar.add("PRODID", PRODID)
    calendar.add("CALSCALE", "GREGORIAN")
    calendar.add("METHOD", "PUBLISH")
    calendar.add("UID", str(uuid.uuid5(uuid.NAMESPACE_URL, settings.BASE_URL + info.path)))
    calendar.add("NAME", _line(info.name))
    calendar.add("X-WR-CALNAME", _line(info.name))
    calendar.add("DESCRIPTION", _text(info.description))
    calendar.add("X-WR-CALDESC", _text(info.description))
    calendar.add("X-WR-TIMEZONE", TZID)
    calendar.add("URL", settings.BASE_URL + info.path)
    # icalendar 7.3 drops VALUE=DURATION unless asked and writes a plain timedelta for an
    # X- property as "6:00:00": both are given explicitly.
    calendar.add("REFRESH-INTERVAL", vDuration(REFRESH), parameters={"VALUE": "DURATION"})
    calendar.add("X-PUBLISHED-TTL", vDuration(REFRESH))
    if info.colour:
        calendar.add("COLOR", info.colour)  # a CSS colour name (RFC 7986)
    return calendar


def _line(value):
    """A one-line TEXT value: no line breaks or control characters, escaped as TEXT."""
    return vText(single_line(str(value)))


def _text(value):
    """A multi-line TEXT value (DESCRIPTION): control characters removed, escaped."""
    return vText(multi_line(str(value)))


def _tokyo_timezone():
    """VTIMEZONE for Asia/Tokyo: JST all year (no daylight saving since 1951), and no
    COMMENT, which some clients show as the calendar's text."""
    timezone_component = icalendar.Timezone()
    timezone_component.add("TZID", TZID)
    standard = icalendar.TimezoneStandard()
    standard.add("DTSTART", datetime.datetime(1970, 1, 1))
    standard.add("TZOFFSETFROM", datetime.timedelta(hours=9))
    standard.add("TZOFFSETTO", datetime.timedelta(hours=9))
    standard.add("TZNAME", "JST")
    timezone_component.add_component(standard)
    return timezone_component


# ------------------------------------------------------------------------------------------
# One event


def event_components(event, rows, root_path):
    """VEVENTs for one event's rows (all statuses, in the window, ordered by start)."""
    series = _series(event, rows, root_path)
    if series is not None:
        return series
    if len(rows) == 1 and not event.schedule.is_recurring:
        return [_vevent(event, rows[0], event_uid(event), root_path)]
    return [
        _vevent(event, row, f"{event_uid(event)}-{row.original_date.isoformat()}", root_path)
        for row in rows
    ]


def _series(event, rows, root_path):
    """One VEVENT with RRULE/EXDATE plus a dated VEVENT for each moved or annotated date,
    or None when the schedule cannot be said that way exactly (several rules, exclusion
    rules, more than one start a day). Forms every client in tests/interop reads: short
    EXDATE lines (calcurse drops a series with a line over about 8 KB), UNTIL half a day
    after the last start (rrule.js compares it with wall-clock time and would drop the last
    date; the next start is a day later), and no RECURRENCE-ID (calcurse ignores it and
    would show a changed date twice)."""
    rule_object = event.recurrence
    if not rule_object or len(rule_object.rrules) != 1 or rule_object.exrules:
        return None
    rule = rule_object.rrules[0]
    if rule.freq > recurrence.DAILY or any(
        getattr(rule, name, None) for name in ("byhour", "byminute", "bysecond")
    ):
        return None  # the schedule keeps one start a day; such a rule would give more
    # The bare rule: no holiday options, no exclusion or extra dates.
    bare = replace(
        event.schedule,
        recurrence=recurrence.Recurrence(rrules=[rule]),
        skip_public_holidays=False,
        skip_year_end=False,
        only_weekends_and_holidays=False,
    )
    first_row, last_row = rows[0], max(rows, key=lambda r: r.original_date)
    window_start = min(
        datetime.datetime.combine(first_row.original_date, datetime.time(0, 0), tzinfo=TOKYO),
        first_row.start,
    )
    window_end = datetime.datetime.combine(
        last_row.original_date + datetime.timedelta(days=1), datetime.time(0, 0), tzinfo=TOKYO
    )
    instances = expand(bare, window_start, window_end)
    recur = _recur(rule)
    weekend_days = _weekend_days(event, rule)
    if weekend_days is not None:
        # "Only weekends and holidays" on an every-day rule: the rule's Saturdays and
        # Sundays as a weekly rule; the weekday holidays become dated VEVENTs (extras).
        instances = [i for i in instances if i.original_date.weekday() in weekend_days]
        recur = vRecur(FREQ="WEEKLY", BYDAY=[WEEKDAY_CODES[day] for day in weekend_days])
    if not instances:
        return None
    by_date = {row.original_date: row for row in rows}
    instance_dates = {i.original_date for i in instances}
    master = _vevent(event, None, event_uid(event), root_path, start=instances[0])
    last = instances[-1]
    recur["UNTIL"] = (
        last.original_date if last.all_day else (last.start + UNTIL_MARGIN).astimezone(UTC)
    )
    master.add("RRULE", recur)
    exdates, changed = [], set()
    for instance in instances:
        row = by_date.get(instance.original_date)
        if row is None or row.status == OccurrenceStatus.CANCELLED:
            exdates.append(_value(instance.start, instance.all_day))
        elif (
            row.status == OccurrenceStatus.MOVED
            or row.note
            or row.start != instance.start
            or row.end != instance.end
        ):
            exdates.append(_value(instance.start, instance.all_day))
            changed.add(row.original_date)
    for offset in range(0, len(exdates), EXDATES_PER_LINE):
        master.add("EXDATE", exdates[offset : offset + EXDATES_PER_LINE])
    extras = [
        _vevent(event, row, f"{event_uid(event)}-{row.original_date.isoformat()}", root_path)
        for row in rows
        if row.original_date not in instance_dates or row.original_date in changed
    ]
    return [master, *extras]


def _weekend_days(event, rule):
    """For "only weekends and holidays" on a rule giving every day (or every one of some
    weekdays), the weekdays (5, 6) it keeps on Saturdays and Sundays; else None."""
    if (
        not event.only_weekends_and_holidays
        or (rule.interval or 1) != 1
        or rule.freq not in (recurrence.DAILY, recurrence.WEEKLY)
        or any(getattr(rule, name, None) for name in _OTHER_BYPARTS)
    ):
        return None
    weekdays = [recurrence.to_weekday(day) for day in rule.byday or []]
    if any(day.index for day in weekdays) or (rule.freq == recurrence.WEEKLY and not weekdays):
        return None  # positions in the month, or only DTSTART's weekday
    days = {5, 6} & {day.number for day in weekdays} if weekdays else {5, 6}
    return sorted(days) or None


def _recur(rule):
    recur = vRecur()
    recur["FREQ"] = FREQUENCIES[rule.freq]
    if rule.interval and rule.interval != 1:
        recur["INTERVAL"] = rule.interval
    if rule.wkst is not None:
        recur["WKST"] = WEEKDAY_CODES[getattr(rule.wkst, "number", rule.wkst)]
    if rule.byday:
        days = []
        for day in rule.byday:
            weekday = recurrence.to_weekday(day)
            days.append(f"{weekday.index or ''}{WEEKDAY_CODES[weekday.number]}")
        recur["BYDAY"] = days
    for name in ("bysetpos", "bymonth", "bymonthday", "byyearday", "byweekno"):
        values = getattr(rule, name, None)
        if values:
            recur[name.upper()] = list(values)
    return recur


def _value(moment, all_day):
    if all_day:
        return moment.astimezone(TOKYO).date()
    return moment.astimezone(TOKYO)


def _vevent(event, row, uid, root_path, start=None):
    """A VEVENT with the event's public facts; times from ``row`` or ``start``."""
    component = Event()
    component.add("UID", uid)
    stamp = event.last_published_at or event.latest_revision_created_at or timezone.now()
    stamp = stamp.astimezone(UTC).replace(microsecond=0)
    component.add("DTSTAMP", stamp)
    component.add("LAST-MODIFIED", stamp)
    component.add("SEQUENCE", _sequence(event))
    timing = row or start
    all_day = timing.all_day
    component.add("DTSTART", _value(timing.start, all_day))
    component.add("DTEND", _value(timing.end, all_day))
    if all_day:
        component.add("TRANSP", "TRANSPARENT")
    cancelled = row is not None and row.status == OccurrenceStatus.CANCELLED
    title = event.title
    if cancelled:
        title = f"【中止】{title}"
    elif row is not None and row.status == OccurrenceStatus.MOVED:
        title = f"【変更】{title}"
    component.add("SUMMARY", _line(title))
    component.add("DESCRIPTION", _text(_description(event, row, root_path)))
    location = _location(event, row)
    if location:
        component.add("LOCATION", _line(location))
    url = settings.BASE_URL + page_path(event, root_path)
    if row is not None and row.event_id:
        url += f"{row.original_date.isoformat()}/"
    component.add("URL", url)
    if event.category_id:
        component.add("CATEGORIES", [_line(event.category.name)])
    host = event.host
    if host is not None:
        address = (
            f"mailto:{host.email}" if host.email else settings.BASE_URL + page_path(host, root_path)
        )
        component.add("ORGANIZER", address, parameters={"CN": _line(host.title)})
    component.add("STATUS", "CANCELLED" if cancelled else "CONFIRMED")
    component.add("CLASS", "PUBLIC")
    return component


def _sequence(event):
    try:
        return event.feed_state.sequence
    except EventFeedState.DoesNotExist:
        return 0


def _location(event, row):
    """The feed's LOCATION: a date's own venue when it moved, else the event's."""
    if row is not None:
        return row.location_text
    return event.location_text


def _description(event, row, root_path):
    """Plain text: what it is, who for, how to join, where to read more."""
    lines = []
    if row is not None and row.note:
        prefix = "【中止】" if row.status == OccurrenceStatus.CANCELLED else ""
        lines += [f"{prefix}{row.note}", ""]
    lines.append(event.summary)
    lines.append("")
    lines.append(f"対象：{event.audience_label}")
    rules = [str(rule) for rule in event.audience_rules]
    if rules:
        lines.append("・".join(rules))
    badges = [str(label) for label in event.reassurances]
    if badges:
        lines.append("・".join(badges))
    lines.append("参加費：無料" if event.is_free else f"参加費：{event.fee}円")
    if event.host is not None:
        lines.append(f"主催：{event.host.title}")
    lines.append("")
    lines.append(f"詳細・申し込み：{settings.BASE_URL}{page_path(event, root_path)}")
    return "\n".join(lines)


def _imported_component(row, root_path):
    """A partner's date as the partner published it: its own UID (and RECURRENCE-ID for a
    date of a series), so a calendar that also subscribes to the partner, or the partner
    itself, recognises it instead of showing it twice."""
    component = Event()
    component.add("UID", row.external_uid or f"occurrence-{row.pk}@{host_name()}")
    if row.external_recurrence_id:
        component.add("RECURRENCE-ID", _recurrence_id(row.external_recurrence_id))
    stamp = row.updated_at.astimezone(UTC).replace(microsecond=0)
    component.add("DTSTAMP", stamp)
    component.add("LAST-MODIFIED", stamp)
    component.add("DTSTART", _value(row.start, row.all_day))
    component.add("DTEND", _value(row.end, row.all_day))
    component.add("SUMMARY", _line(row.title))
    if row.description:
        component.add("DESCRIPTION", _text(row.description))
    if row.venue_name:
        component.add("LOCATION", _line(row.venue_name))
    url = row.get_url()
    if url:
        component.add("URL", url)
    if row.feed.category_id:
        component.add("CATEGORIES", [_line(row.feed.category.name)])
    organisation = row.feed.organisation
    # An ORGANIZER for every VEVENT of a METHOD:PUBLISH calendar (libical insists).
    component.add(
        "ORGANIZER",
        settings.BASE_URL + page_path(organisation, root_path),
        parameters={"CN": _line(organisation.title)},
    )
    component.add("STATUS", "CANCELLED" if row.is_cancelled else "CONFIRMED")
    component.add("CLASS", "PUBLIC")
    return component


def _recurrence_id(key):
    if len(key) == 8:
        return datetime.datetime.strptime(key, "%Y%m%d").date()  # noqa: DTZ007
    moment = datetime.datetime.strptime(key, "%Y%m%dT%H%M%SZ")  # noqa: DTZ007
    return moment.replace(tzinfo=UTC)


# ------------------------------------------------------------------------------------------
# One booking (private: reached only through the booking's secret link)


def booking_calendar(booking, manage_url):
    """A one-event calendar for a booking. Unlike public feeds it may carry the venue
    details and the meeting link; its title is neutral (it may show on a shared screen)."""
    occurrence = booking.occurrence
    event = occurrence.event
    calendar = Calendar()
    calendar.add("VERSION", "2.0")
    calendar.add("PRODID", PRODID)
    # No METHOD: this is the person's own copy, not a scheduling message. METHOD:PUBLISH
    # would make it one, which needs an ORGANIZER (libical's validator refuses it without);
    # an organiser's name would also show the host on a shared screen.
    calendar.add_component(_tokyo_timezone())
    component = Event()
    component.add("UID", f"booking-{booking.code}@{host_name()}")
    stamp = booking.updated_at.astimezone(UTC).replace(microsecond=0)
    component.add("DTSTAMP", stamp)
    timing = booking.slot or occurrence
    all_day = getattr(timing, "all_day", False)
    component.add("DTSTART", _value(timing.start, all_day))
    component.add("DTEND", _value(timing.end, all_day))
    component.add("SUMMARY", f"ご予約（予約番号 {booking.code}）")
    lines = [f"予約番号：{booking.code}", f"人数：{booking.party_size}名"]
    confirmed = booking.status == BookingStatus.CONFIRMED
    if event is not None:
        lines.insert(0, event.title)
        if booking.meeting_link:
            lines.append(f"オンライン参加：{booking.meeting_link}")
        if event.venue_access and event.has_venue:
            lines.append(f"行き方：{event.venue_access}")
        location = occurrence.location_text
        if location:
            component.add("LOCATION", _line(location))
    lines += ["", f"予約の確認・変更・キャンセル：{manage_url}"]
    component.add("DESCRIPTION", _text("\n".join(lines)))
    component.add("URL", manage_url)
    if booking.status == BookingStatus.CANCELLED or occurrence.is_cancelled:
        status = "CANCELLED"
    else:
        status = "CONFIRMED" if confirmed else "TENTATIVE"
    component.add("STATUS", status)
    component.add("CLASS", "PRIVATE")
    calendar.add_component(component)
    return calendar.to_ical()
