"""iCalendar feeds: the calendar around the VEVENTs, and the booking's private copy.

A feed is built from the ``Occurrence`` table and the event pages (``facts``), each event's
VEVENTs written by ``vevents`` and kept in the cache under a key that changes whenever
anything they are made of changes; so a feed rebuilt after one event changed writes only
that event again. The calendar's own properties and its VTIMEZONE are written by
``icalendar`` 7; the VEVENTs are written in icalendar's own forms (``icstext``), so the
whole feed is byte for byte what icalendar writes for the same calendar.

Only public facts go in: no bookings, names, e-mail addresses of people, or meeting links.
"""

import datetime
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone, translation

import icalendar
from icalendar import Calendar, Event, vDuration, vText

from home.text import multi_line, single_line

from ..bookings.outcome import outcome_of
from ..choices import BookingStatus
from ..models.records import EventFeedState
from ..occurrences import horizon_days
from ..public_urls import site_root_path
from ..schedules import TOKYO
from ..uids import host_name
from . import facts
from .vevents import FeedSite, event_text, imported_text

PRODID = "-//ibasho//ibasho event calendar 1.0//JA"
TZID = "Asia/Tokyo"
REFRESH = datetime.timedelta(hours=6)
HISTORY = datetime.timedelta(days=365)
UTC = datetime.UTC
EPOCH = datetime.datetime(2000, 1, 1, tzinfo=UTC)  # Last-Modified of an empty feed
TEXT_TIMEOUT = 6 * 60 * 60  # an event's VEVENT text stays in the cache this long
END = b"END:VCALENDAR\r\n"


@dataclass(frozen=True)
class FeedInfo:
    """What the calendar says about itself."""

    name: str
    description: str
    path: str  # the feed's path and canonical query, which also fixes its UID
    colour: str = ""


def feed_window(now=None):
    """From a year before today to the materialised horizon, in whole days (Asia/Tokyo):
    a feed's dates change at midnight, not with every request."""
    today = (now or timezone.now()).astimezone(TOKYO).date()
    midnight = datetime.datetime.combine(today, datetime.time(0, 0), tzinfo=TOKYO)
    return midnight - HISTORY, midnight + datetime.timedelta(days=horizon_days())


def build_calendar(
    info: FeedInfo, rows, imported=None, now=None
) -> tuple[bytes, datetime.datetime]:
    """The feed's bytes and the time of its latest change.

    ``rows`` are the ``Occurrence`` rows of our own events that the feed shows (from
    ``Occurrence.objects.of_visible_events()``, filtered), ``imported`` those imported
    from partners' feeds (``Occurrence.objects.imported()``) or None; the window is applied
    here. Identical data gives identical bytes: nothing depends on the clock except the
    window. Events come in the order of their ids, then imported dates. Built in the
    site's language (the feeds have one address for everybody).
    """
    start, end = feed_window(now)
    rows = rows.filter(start__gte=start, start__lt=end)
    site = FeedSite(settings.BASE_URL, site_root_path())
    with translation.override(settings.LANGUAGE_CODE):
        groups = facts.row_groups(rows)
        if imported is not None:
            # Partner events only from calendars whose owner chose to re-publish them.
            imported = facts.imported_rows(
                imported.filter(feed__include_in_our_feeds=True, start__gte=start, start__lt=end)
            )
        imported = imported or []
        own = sorted(groups)
        values = facts.event_values(own)
        own = [event_id for event_id in own if event_id in values]  # deleted meanwhile
        scope = facts.KeyScope(site, (start, end))
        texts = _event_texts(rows, scope, own, values, groups)
        body = [_calendar(info).to_ical()[: -len(END)]]
        body += [texts[event_id] for event_id in own]
        body += [imported_text(row, site) for row in imported]
        body.append(END)
    changes = [row.updated_at for row in imported]
    changes += [facts.last_changed(values[event_id]) for event_id in own]
    last_modified = max(filter(None, changes), default=EPOCH)
    return b"".join(body), last_modified


def _event_texts(rows, scope, event_ids, values, groups):
    """``{event id: VEVENT text}``: from the cache, the others written (and cached)."""
    site = scope.site
    keys = {
        event_id: facts.text_key(scope, values[event_id], groups[event_id])
        for event_id in event_ids
    }
    found = cache.get_many(list(keys.values()))
    texts = {event_id: found[key] for event_id, key in keys.items() if key in found}
    missing = [event_id for event_id in event_ids if event_id not in texts]
    if not missing:
        return texts
    # Most missing (a cold cache): read every row rather than name a thousand events.
    row_values = facts.rows_of(rows, missing, all_events=len(missing) * 2 > len(event_ids))
    written = {}
    for event_id in missing:
        event_rows = row_values.get(event_id)
        if not event_rows:  # its rows went between the two queries
            texts[event_id] = b""
            continue
        event = facts.EventFacts(values[event_id])
        texts[event_id] = written[keys[event_id]] = event_text(event, event_rows, site)
    cache.set_many(written, TEXT_TIMEOUT)
    return texts


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
    calendar.add_component(_tokyo_timezone())
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


def _line(value):
    """A one-line TEXT value: no line breaks or control characters, escaped as TEXT."""
    return vText(single_line(str(value)))


def _text(value):
    """A multi-line TEXT value (DESCRIPTION): control characters removed, escaped."""
    return vText(multi_line(str(value)))


def _sequence(event):
    try:
        return event.feed_state.sequence
    except EventFeedState.DoesNotExist:
        return 0


def _value(moment, all_day):
    if all_day:
        return moment.astimezone(TOKYO).date()
    return moment.astimezone(TOKYO)


# ------------------------------------------------------------------------------------------
# One booking (private: reached only through the booking's secret link)


def booking_calendar(booking, manage_url):
    """A one-event calendar for a booking. Unlike public feeds it may carry the venue
    details and the meeting link; its title is neutral (it may show on a shared screen).

    It follows the booking's state (``outcome``): a lottery entry or a waiting-list place
    is TENTATIVE and says so, a confirmed place is CONFIRMED, and a cancelled booking, a
    lottery not won or a called-off date is CANCELLED. SEQUENCE counts the booking's
    changes of state on top of the event's own, so a calendar that imported an earlier
    copy takes the new one."""
    occurrence = booking.occurrence
    event = occurrence.event
    outcome = outcome_of(booking)
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
    summary = f"ご予約（予約番号 {booking.code}）"
    if outcome.is_pending or outcome.is_void:
        summary = f"ご予約・{outcome.label}（予約番号 {booking.code}）"
    component.add("SUMMARY", summary)
    lines = [f"状況：{outcome.label}", *outcome.next_steps, ""]
    lines += [f"予約番号：{booking.code}", f"人数：{booking.party_size}名"]
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
    if outcome.is_void:
        status = "CANCELLED"
    else:
        status = "CONFIRMED" if booking.status == BookingStatus.CONFIRMED else "TENTATIVE"
    component.add("STATUS", status)
    component.add("SEQUENCE", _booking_sequence(booking) + (_sequence(event) if event else 0))
    component.add("CLASS", "PRIVATE")
    calendar.add_component(component)
    return calendar.to_ical()


def _booking_sequence(booking):
    """How many times the booking changed state: lottery or waiting list → decided (+1),
    → cancelled (+1). It only ever grows along any path a booking can take."""
    decided_later = booking.status == BookingStatus.NOT_DRAWN or (
        booking.confirmed_at is not None
        and booking.confirmed_at - booking.created_at > datetime.timedelta(seconds=1)
    )
    return int(decided_later) + int(booking.status == BookingStatus.CANCELLED)
