"""iCalendar feeds, built from the model with ``icalendar`` (never from django-recurrence's
own text).

A recurring event is one VEVENT with an RRULE whose DTSTART is the first date of the rule in
the feed's window and whose UNTIL is the last one we have materialised; every date of the
rule that does not take place (a holiday, the year-end closure, a cancellation) is an EXDATE
of exactly the same type and time; moved or annotated dates are VEVENTs with the same UID
and a RECURRENCE-ID. Anything a single rule cannot say exactly is written out date by date.
So a client expanding the feed gets exactly our ``Occurrence`` rows.

Only public facts go in: no bookings, names, e-mail addresses of people, or meeting links.
"""

import datetime
import hashlib
import json
import re
import uuid
from dataclasses import dataclass, replace

from django.conf import settings
from django.utils import timezone

import icalendar
import recurrence
from icalendar import Calendar, Event, vDuration, vRecur

from .models import AttendanceMode, EventPage, OccurrenceStatus, PartnerFeed
from .occurrences import horizon_days
from .schedules import TOKYO, expand

PRODID = "-//ibasho//ibasho event calendar 1.0//JA"
TZID = "Asia/Tokyo"
REFRESH = datetime.timedelta(hours=6)
HISTORY = datetime.timedelta(days=365)
FREQUENCIES = ("YEARLY", "MONTHLY", "WEEKLY", "DAILY", "HOURLY", "MINUTELY", "SECONDLY")
WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
UTC = datetime.UTC


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
            calendar.add_component(_imported_component(row))
    return calendar.to_ical(), last_modified


def _calendar(info):
    calendar = Calendar()
    calendar.add("VERSION", "2.0")
    calendar.add("PRODID", PRODID)
    calendar.add("CALSCALE", "GREGORIAN")
    calendar.add("METHOD", "PUBLISH")
    calendar.add("UID", str(uuid.uuid5(uuid.NAMESPACE_URL, settings.BASE_URL + info.path)))
    calendar.add("NAME", info.name)
    calendar.add("X-WR-CALNAME", info.name)
    calendar.add("DESCRIPTION", info.description)
    calendar.add("X-WR-CALDESC", info.description)
    calendar.add("X-WR-TIMEZONE", TZID)
    calendar.add("URL", settings.BASE_URL + info.path)
    # icalendar 7.3 drops VALUE=DURATION unless asked and writes a plain timedelta for an
    # X- property as "6:00:00": both are given explicitly.
    calendar.add("REFRESH-INTERVAL", vDuration(REFRESH), parameters={"VALUE": "DURATION"})
    calendar.add("X-PUBLISHED-TTL", vDuration(REFRESH))
    if info.colour:
        calendar.add("COLOR", info.colour)  # a CSS colour name (RFC 7986)
    return calendar


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


def event_uid(event):
    return f"event-{event.pk}@{_host_name()}"


def is_own_uid(uid):
    """True for a UID this site gives its own events (``event_uid``, also with the date
    suffix of a date written out alone): how a partner's copy of our event is recognised."""
    pattern = rf"event-\d+@{re.escape(_host_name())}(-\d{{4}}-\d{{2}}-\d{{2}})?"
    return re.fullmatch(pattern, uid or "") is not None


def _host_name():
    return settings.BASE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]


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
    """One VEVENT with RRULE/EXDATE plus RECURRENCE-ID overrides, or None when the schedule
    cannot be said that way exactly (several rules, exclusion rules)."""
    rule_object = event.recurrence
    if not rule_object or len(rule_object.rrules) != 1 or rule_object.exrules:
        return None
    rule = rule_object.rrules[0]
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
    if not instances:
        return None
    by_date = {row.original_date: row for row in rows}
    instance_dates = {i.original_date for i in instances}
    master = _vevent(event, None, event_uid(event), root_path, start=instances[0])
    recur = _recur(rule)
    last = instances[-1]
    recur["UNTIL"] = last.original_date if last.all_day else last.start.astimezone(UTC)
    master.add("RRULE", recur)
    exdates, overrides = [], []
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
            override = _vevent(event, row, event_uid(event), root_path)
            override.add("RECURRENCE-ID", _value(instance.start, instance.all_day))
            overrides.append(override)
    if exdates:
        master.add("EXDATE", exdates)
    extras = [
        _vevent(event, row, f"{event_uid(event)}-{row.original_date.isoformat()}", root_path)
        for row in rows
        if row.original_date not in instance_dates
    ]
    return [master, *overrides, *extras]


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
    component.add("SUMMARY", title)
    component.add("DESCRIPTION", _description(event, row, root_path))
    location = _location(event, row)
    if location:
        component.add("LOCATION", location)
    url = settings.BASE_URL + event_path(event, root_path)
    if row is not None and row.event_id:
        url += f"{row.original_date.isoformat()}/"
    component.add("URL", url)
    if event.category_id:
        component.add("CATEGORIES", [event.category.name])
    host = event.host
    if host is not None:
        address = (
            f"mailto:{host.email}"
            if host.email
            else settings.BASE_URL + event_path(host, root_path)
        )
        component.add("ORGANIZER", address, parameters={"CN": host.title})
    component.add("STATUS", "CANCELLED" if cancelled else "CONFIRMED")
    component.add("CLASS", "PUBLIC")
    return component


def _sequence(event):
    from .models import EventFeedState

    try:
        return event.feed_state.sequence
    except EventFeedState.DoesNotExist:
        return 0


def _location(event, row):
    if event.attendance_mode == AttendanceMode.ONLINE:
        return "オンライン"
    name = (row.venue_name if row is not None and row.venue_name else "") or event.venue_name
    address = (
        row.venue_address if row is not None and row.venue_name else ""
    ) or event.venue_address
    text = "、".join(part for part in (name, address) if part)
    if event.attendance_mode == AttendanceMode.HYBRID:
        text = f"{text}（オンライン参加も可）" if text else "オンライン"
    return text


def _description(event, row, root_path):
    """Plain text: what it is, who for, how to join, where to read more."""
    lines = []
    if row is not None and row.note:
        prefix = "【中止】" if row.status == OccurrenceStatus.CANCELLED else ""
        lines += [f"{prefix}{row.note}", ""]
    lines.append(event.summary)
    lines.append("")
    lines.append(f"対象：{event.get_audience_display()}")
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
    lines.append(f"詳細・申し込み：{settings.BASE_URL}{event_path(event, root_path)}")
    return "\n".join(lines)


def site_root_path():
    """The default site's root ``url_path``: page paths are made relative to it."""
    from wagtail.models import Site

    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    return site.root_page.url_path if site else "/"


def event_path(event, root_path):
    """The event's path on the site (its ``url_path`` less the site root's)."""
    return "/" + event.url_path[len(root_path) :].lstrip("/")


def _imported_component(row):
    """A partner's date as the partner published it: its own UID (and RECURRENCE-ID for a
    date of a series), so a calendar that also subscribes to the partner, or the partner
    itself, recognises it instead of showing it twice."""
    component = Event()
    component.add("UID", row.external_uid or f"occurrence-{row.pk}@{_host_name()}")
    if row.external_recurrence_id:
        component.add("RECURRENCE-ID", _recurrence_id(row.external_recurrence_id))
    stamp = row.updated_at.astimezone(UTC).replace(microsecond=0)
    component.add("DTSTAMP", stamp)
    component.add("LAST-MODIFIED", stamp)
    component.add("DTSTART", _value(row.start, row.all_day))
    component.add("DTEND", _value(row.end, row.all_day))
    component.add("SUMMARY", row.title)
    if row.description:
        component.add("DESCRIPTION", row.description)
    if row.venue_name:
        component.add("LOCATION", row.venue_name)
    url = row.get_url()
    if url:
        component.add("URL", url)
    if row.feed.category_id:
        component.add("CATEGORIES", [row.feed.category.name])
    component.add("STATUS", "CANCELLED" if row.is_cancelled else "CONFIRMED")
    component.add("CLASS", "PUBLIC")
    return component


def _recurrence_id(key):
    if len(key) == 8:
        return datetime.datetime.strptime(key, "%Y%m%d").date()  # noqa: DTZ007
    moment = datetime.datetime.strptime(key, "%Y%m%dT%H%M%SZ")  # noqa: DTZ007
    return moment.replace(tzinfo=UTC)


# ------------------------------------------------------------------------------------------
# SEQUENCE: increases when an event's time or place changes


def schedule_fingerprint(event):
    """A digest of everything that decides when and where the event happens."""
    facts = {
        "dates": [str(event.start_date), str(event.end_date)],
        "times": [str(event.start_time), str(event.end_time), event.all_day],
        "rule": recurrence.serialize(event.recurrence) if event.recurrence else "",
        "options": [
            event.skip_public_holidays,
            event.skip_year_end,
            event.only_weekends_and_holidays,
        ],
        "place": [event.attendance_mode, event.venue_name, event.venue_address],
        "changes": sorted(
            json.dumps(
                [
                    str(e.original_date),
                    e.kind,
                    str(e.new_date),
                    str(e.new_start_time),
                    str(e.new_end_time),
                    e.new_venue_name,
                    e.new_venue_address,
                ]
            )
            for e in event.exceptions.all()
        ),
    }
    return hashlib.sha256(json.dumps(facts, sort_keys=True).encode()).hexdigest()


def record_sequence(event):
    """Bump the event's SEQUENCE when its time or place changed since the last publish."""
    from .models import EventFeedState

    fingerprint = schedule_fingerprint(event)
    state, created = EventFeedState.objects.get_or_create(
        event=event, defaults={"fingerprint": fingerprint}
    )
    if not created and state.fingerprint != fingerprint:
        state.fingerprint = fingerprint
        state.sequence += 1
        state.save(update_fields=["fingerprint", "sequence"])
    return state.sequence


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
    calendar.add("METHOD", "PUBLISH")
    calendar.add_component(_tokyo_timezone())
    component = Event()
    component.add("UID", f"booking-{booking.code}@{_host_name()}")
    stamp = booking.updated_at.astimezone(UTC).replace(microsecond=0)
    component.add("DTSTAMP", stamp)
    timing = booking.slot or occurrence
    all_day = getattr(timing, "all_day", False)
    component.add("DTSTART", _value(timing.start, all_day))
    component.add("DTEND", _value(timing.end, all_day))
    component.add("SUMMARY", f"ご予約（予約番号 {booking.code}）")
    lines = [f"予約番号：{booking.code}", f"人数：{booking.party_size}名"]
    confirmed = booking.status == "confirmed"
    if event is not None:
        lines.insert(0, event.title)
        if confirmed and event.meeting_link and event.attendance_mode != AttendanceMode.IN_PERSON:
            lines.append(f"オンライン参加：{event.meeting_link}")
        if event.venue_access and event.attendance_mode != AttendanceMode.ONLINE:
            lines.append(f"行き方：{event.venue_access}")
        location = _location(event, occurrence)
        if location:
            component.add("LOCATION", location)
    lines += ["", f"予約の確認・変更・キャンセル：{manage_url}"]
    component.add("DESCRIPTION", "\n".join(lines))
    component.add("URL", manage_url)
    if booking.status == "cancelled" or occurrence.is_cancelled:
        status = "CANCELLED"
    else:
        status = "CONFIRMED" if confirmed else "TENTATIVE"
    component.add("STATUS", status)
    component.add("CLASS", "PRIVATE")
    calendar.add_component(component)
    return calendar.to_ical()
