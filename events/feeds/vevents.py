"""The VEVENTs of one event, as iCalendar text: what a feed says about its dates.

A recurring event is one VEVENT with an RRULE whose DTSTART is the first date of the rule in
the feed's window and whose UNTIL is half a day after the last one we have materialised;
every date of the rule that does not take place (a holiday, the year-end closure, a
cancellation) is an EXDATE of exactly the same type and time; a moved or annotated date is
an EXDATE too, plus a VEVENT of its own. Anything a single rule cannot say exactly is
written out date by date. So a client expanding the feed gets exactly our ``Occurrence``
rows; tests/interop checks that with real clients.

Only public facts go in: no bookings, names, e-mail addresses of people, or meeting links.
The text is written by ``icstext`` in icalendar's own forms.
"""

import datetime
from dataclasses import dataclass

import recurrence
from icalendar import vRecur

from .. import uids
from ..choices import OccurrenceStatus
from ..public_urls import page_path, path_on_site
from ..schedules import TOKYO, rule_dates
from ..uids import host_name
from .facts import ROW_FIELDS, FeedRow
from .icstext import (
    DATE_PARAMS,
    TOKYO_PARAMS,
    cn_parameter,
    date_value,
    escape,
    escape_line,
    fold,
    local_value,
    utc_value,
)

FREQUENCIES = ("YEARLY", "MONTHLY", "WEEKLY", "DAILY", "HOURLY", "MINUTELY", "SECONDLY")
WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
UTC = datetime.UTC
# At most this many values in one EXDATE property (calcurse refuses lines over about 8 KB).
EXDATES_PER_LINE = 50
# UNTIL is the last start plus this (see _series).
UNTIL_MARGIN = datetime.timedelta(hours=12)
_OTHER_BYPARTS = ("bysetpos", "bymonth", "bymonthday", "byyearday", "byweekno")
ZERO = datetime.timedelta(0)
# Positions in a row's values (``facts.ROW_FIELDS``).
DATE, START, END, STATUS, NOTE = (
    ROW_FIELDS.index(name) for name in ("original_date", "start", "end", "status", "note")
)
CANCELLED = OccurrenceStatus.CANCELLED
MOVED = OccurrenceStatus.MOVED


@dataclass(frozen=True)
class FeedSite:
    """What every VEVENT of a feed shares: the public address and the page tree's root."""

    base_url: str
    root_path: str

    @property
    def host_name(self):
        return host_name(self.base_url)


def event_uid(event, site):
    return uids.event_uid(event, site.base_url)


def event_text(event, values, site) -> bytes:
    """The VEVENTs for one event's rows (all statuses, in the window, ordered by start).

    ``event`` is an ``EventFacts``; ``values`` are its rows as tuples of ``ROW_FIELDS``."""
    series = _series(event, values, site)
    if series is not None:
        return series
    rows = [FeedRow(event, row) for row in values]
    if len(rows) == 1 and not event.schedule.is_recurring:
        return _vevent(event, rows[0], event_uid(event, site), site)
    return b"".join(
        _vevent(event, row, f"{event_uid(event, site)}-{row.original_date.isoformat()}", site)
        for row in rows
    )


def _series(event, values, site):
    """One VEVENT with RRULE/EXDATE plus a dated VEVENT for each moved or annotated date,
    or None when the schedule cannot be said that way exactly (several rules, exclusion
    rules, more than one start a day). Forms every client in tests/interop reads: short
    EXDATE lines (calcurse drops a series with a line over about 8 KB), UNTIL half a day
    after the last start (rrule.js compares it with wall-clock time and would drop the last
    date; the next start is a day later), and no RECURRENCE-ID (calcurse ignores it and
    would show a changed date twice).

    A long series has tens of dates a year: its rows are compared as tuples, and only
    those that become VEVENTs of their own are made ``FeedRow`` objects."""
    rule_object = event.recurrence
    if not rule_object or len(rule_object.rrules) != 1 or rule_object.exrules:
        return None
    rule = rule_object.rrules[0]
    if rule.freq > recurrence.DAILY or any(
        getattr(rule, name, None) for name in ("byhour", "byminute", "bysecond")
    ):
        return None  # the schedule keeps one start a day; such a rule would give more
    schedule = event.schedule
    first_row = FeedRow(event, values[0])
    last_date = max(row[DATE] for row in values)
    window_start = min(
        datetime.datetime.combine(first_row.original_date, datetime.time(0, 0), tzinfo=TOKYO),
        first_row.start,
    )
    window_end = datetime.datetime.combine(
        last_date + datetime.timedelta(days=1), datetime.time(0, 0), tzinfo=TOKYO
    )
    # The dates of the bare rule: no holiday options, no exclusion or extra dates.
    dates = rule_dates(schedule, rule, window_start, window_end)
    recur = _recur(rule)
    weekend_days = _weekend_days(event, rule)
    if weekend_days is not None:
        # "Only weekends and holidays" on an every-day rule: the rule's Saturdays and
        # Sundays as a weekly rule; the weekday holidays become dated VEVENTs (extras).
        dates = [day for day in dates if day.weekday() in weekend_days]
        recur = vRecur(FREQ="WEEKLY", BYDAY=[WEEKDAY_CODES[day] for day in weekend_days])
    if not dates:
        return None
    first, last = schedule.on(dates[0]), schedule.on(dates[-1])
    start_time, shift, duration = _planned_start(first, values[0][START])
    by_date = {row[DATE]: row for row in values}
    exdates, changed = [], set()
    parse, combine = datetime.datetime.fromisoformat, datetime.datetime.combine
    for day in dates:  # forty thousand in a large feed: kept lean
        row = by_date.get(day)
        if row is None or row[STATUS] == CANCELLED:
            exdates.append(day)
            continue
        start = parse(row[START])
        if (
            row[STATUS] == MOVED
            or row[NOTE]
            or start != combine(day, start_time) - shift
            or parse(row[END]) - start != duration
        ):
            exdates.append(day)
            changed.add(day)
    recur["UNTIL"] = (
        last.original_date if last.all_day else (last.start + UNTIL_MARGIN).astimezone(UTC)
    )
    uid = event_uid(event, site)
    lines = [f"RRULE:{recur.to_ical().decode()}"]
    params, value = _time_form(first.all_day)
    for offset in range(0, len(exdates), EXDATES_PER_LINE):
        days = exdates[offset : offset + EXDATES_PER_LINE]
        values_text = ",".join(value(schedule.on(day).start) for day in days)
        lines.append(f"EXDATE{params}:{values_text}")
    master = _vevent(event, None, uid, site, start=first, recurrence_lines=lines)
    rule_days = set(dates)
    extras = [
        _vevent(event, FeedRow(event, row), f"{uid}-{row[DATE].isoformat()}", site)
        for row in values
        if row[DATE] not in rule_days or row[DATE] in changed
    ]
    return master + b"".join(extras)


def _planned_start(first, sample):
    """``(time, shift, duration)`` such that ``combine(day, time) - shift`` is the rule's
    start on ``day`` in the form the rows' start text reads in (``sample``): aware where
    the database gives an offset (PostgreSQL), naive UTC where it does not (SQLite), so
    that no row needs converting."""
    duration = first.end - first.start
    if datetime.datetime.fromisoformat(sample).tzinfo is not None:
        return first.start.timetz(), ZERO, duration
    utc = first.start.astimezone(UTC).replace(tzinfo=None)
    return utc.time(), datetime.timedelta(days=(first.start.date() - utc.date()).days), duration


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
    for name in _OTHER_BYPARTS:
        values = getattr(rule, name, None)
        if values:
            recur[name.upper()] = list(values)
    return recur


def _date_in_tokyo(moment):
    return date_value(moment.astimezone(TOKYO))


def _time_in_tokyo(moment):
    return local_value(moment.astimezone(TOKYO))


def _time_form(all_day):
    """The parameters and the value writer of a DTSTART, DTEND or EXDATE: a date for
    all-day events, else Tokyo wall-clock time with its TZID."""
    return (DATE_PARAMS, _date_in_tokyo) if all_day else (TOKYO_PARAMS, _time_in_tokyo)


def _vevent(event, row, uid, site, start=None, recurrence_lines=()):
    """A VEVENT with the event's public facts; times from ``row`` or ``start``. Lines in
    icalendar's order: SUMMARY, DTSTART, DTEND, DTSTAMP, UID, SEQUENCE, RRULE, EXDATE, then
    the others alphabetically."""
    timing = row or start
    params, value = _time_form(timing.all_day)
    cancelled = row is not None and row.status == CANCELLED
    title = event.title
    if cancelled:
        title = f"【中止】{title}"
    elif row is not None and row.status == MOVED:
        title = f"【変更】{title}"
    stamp = utc_value(event.stamp)
    url = site.base_url + page_path(event, site.root_path)
    if row is not None:
        url += f"{row.original_date.isoformat()}/"
    location = row.location_text if row is not None else event.location_text
    lines = [
        "BEGIN:VEVENT",
        f"SUMMARY:{escape_line(title)}",
        f"DTSTART{params}:{value(timing.start)}",
        f"DTEND{params}:{value(timing.end)}",
        f"DTSTAMP:{stamp}",
        f"UID:{escape_line(uid)}",
        f"SEQUENCE:{event.sequence}",
        *recurrence_lines,
    ]
    if event.category_name is not None:
        lines.append(f"CATEGORIES:{escape_line(event.category_name)}")
    lines.append("CLASS:PUBLIC")
    lines.append(f"DESCRIPTION:{escape(_description(event, row, site))}")
    lines.append(f"LAST-MODIFIED:{stamp}")
    if location:
        lines.append(f"LOCATION:{escape_line(location)}")
    host = event.host
    if host is not None:
        address = (
            f"mailto:{host.email}"
            if host.email
            else site.base_url + page_path(host, site.root_path)
        )
        lines.append(f"ORGANIZER{cn_parameter(host.title)}:{address}")
    lines.append(f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}")
    if timing.all_day:
        lines.append("TRANSP:TRANSPARENT")
    lines.append(f"URL:{url}")
    lines.append("END:VEVENT")
    return b"".join(fold(line) + b"\r\n" for line in lines)


def _description(event, row, site):
    """Plain text: what it is, who for, how to join, where to read more."""
    lines = []
    if row is not None and row.note:
        prefix = "【中止】" if row.status == CANCELLED else ""
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
    lines.append(f"詳細・申し込み：{site.base_url}{page_path(event, site.root_path)}")
    return "\n".join(lines)


def imported_text(row, site) -> bytes:
    """A VEVENT for a date imported from a partner's feed (no page of ours), as the
    partner published it: its own UID (and RECURRENCE-ID for a date of a series), so a
    calendar that also subscribes to the partner, or the partner itself, recognises it
    instead of showing it twice. ``row`` is a ``facts.ImportedRow``."""
    stamp = utc_value(row.updated_at)
    params, value = _time_form(row.all_day)
    lines = [
        "BEGIN:VEVENT",
        f"SUMMARY:{escape_line(row.title)}",
        f"DTSTART{params}:{value(row.start)}",
        f"DTEND{params}:{value(row.end)}",
        f"DTSTAMP:{stamp}",
        f"UID:{escape_line(row.external_uid or f'occurrence-{row.pk}@{site.host_name}')}",
    ]
    if row.external_recurrence_id:
        lines.append(_recurrence_id_line(row.external_recurrence_id))
    if row.category_name:
        lines.append(f"CATEGORIES:{escape_line(row.category_name)}")
    lines.append("CLASS:PUBLIC")
    if row.description:
        lines.append(f"DESCRIPTION:{escape(row.description)}")
    lines.append(f"LAST-MODIFIED:{stamp}")
    if row.venue_name:
        lines.append(f"LOCATION:{escape_line(row.venue_name)}")
    # An ORGANIZER for every VEVENT of a METHOD:PUBLISH calendar (libical insists).
    organiser = site.base_url + path_on_site(row.organisation_url_path, site.root_path)
    lines.append(f"ORGANIZER{cn_parameter(row.organisation_title)}:{organiser}")
    lines.append(f"STATUS:{'CANCELLED' if row.status == CANCELLED else 'CONFIRMED'}")
    url = row.url or row.organisation_website or organiser
    lines.append(f"URL:{url}")
    lines.append("END:VEVENT")
    return b"".join(fold(line) + b"\r\n" for line in lines)


def _recurrence_id_line(key):
    """The partner's RECURRENCE-ID as stored by the importer: YYYYMMDD (a date) or
    YYYYMMDDTHHMMSSZ (a time in UTC)."""
    if len(key) == 8:
        return f"RECURRENCE-ID{DATE_PARAMS}:{key}"
    return f"RECURRENCE-ID:{key}"
