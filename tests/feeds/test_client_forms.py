"""The feed forms that real calendar clients read correctly (issue 14, items 1–3 and 5;
tests/interop runs the clients themselves): short EXDATE lines, UNTIL half a day after the
last start, changed dates without RECURRENCE-ID, and a booking .ics that libical accepts."""

import datetime

from django.utils import timezone

import icalendar
import pytest
import recurrence
import recurring_ical_events

from events.bookings import registration
from events.factories import publish_event
from events.feeds.ics import feed_window
from events.models import EventException, Occurrence
from events.schedules import TOKYO, is_public_holiday

pytestmark = pytest.mark.django_db

T = datetime.time
RULE = recurrence.deserialize
MAX_EXDATES = 50


def next_weekday(day, weekday):
    """The first date on or after ``day`` that falls on ``weekday`` (0 = Monday)."""
    return day + datetime.timedelta((weekday - day.weekday()) % 7)


def feed(client, url="/events/calendar.ics"):
    response = client.get(url)
    assert response.status_code == 200
    return response.content


def unfolded_lines(body):
    return body.decode().replace("\r\n ", "").split("\r\n")


def components(body, event):
    calendar = icalendar.Calendar.from_ical(body)
    prefix = f"event-{event.pk}@"
    return [c for c in calendar.walk("VEVENT") if str(c["UID"]).startswith(prefix)]


def series(body, event):
    (master,) = [c for c in components(body, event) if "RRULE" in c]
    return master


def exdate_properties(component):
    value = component.get("EXDATE")
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def shown_starts(body, event):
    """Starts a client shows for ``event`` (expanded with recurring-ical-events)."""
    start, end = feed_window()
    calendar = icalendar.Calendar.from_ical(body)
    prefix = f"event-{event.pk}@"
    return sorted(
        c.decoded("DTSTART")
        for c in recurring_ical_events.of(calendar).between(start, end)
        if str(c["UID"]).startswith(prefix) and c.get("STATUS") != "CANCELLED"
    )


def row_starts(event):
    start, end = feed_window()
    rows = Occurrence.objects.filter(event=event, start__gte=start, start__lt=end)
    return sorted(
        row.start.astimezone(TOKYO).date() if row.all_day else row.start
        for row in rows.exclude(status="cancelled")
    )


def test_weekends_and_holidays_is_a_weekend_rule_plus_dated_weekday_holidays(client, site_tree):
    """Item 1: written as FREQ=DAILY with every weekday excluded, the EXDATE line of a
    two-year 休日相談 ran to 8 KB and calcurse dropped the whole series."""
    today = timezone.localdate()
    event = publish_event(
        site_tree.ward,
        title="休日相談",
        start_date=today - datetime.timedelta(300),
        start_time=T(10, 0),
        end_time=T(16, 0),
        recurrence=RULE("RRULE:FREQ=DAILY"),
        only_weekends_and_holidays=True,
    )
    body = feed(client)
    assert max(len(line) for line in unfolded_lines(body)) < 1024
    master = series(body, event)
    rule = master["RRULE"]
    assert rule["FREQ"] == ["WEEKLY"] and rule["BYDAY"] == ["SA", "SU"]
    assert exdate_properties(master) == []  # no weekend day of this schedule is skipped
    dated = [c.decoded("DTSTART") for c in components(body, event) if "RRULE" not in c]
    assert len(dated) >= 10  # a year and a half of weekday holidays
    assert all(d.weekday() < 5 and is_public_holiday(d.date()) for d in dated)
    assert shown_starts(body, event) == row_starts(event)


def test_long_exclusion_lists_are_split_into_short_exdate_properties(client, site_tree):
    """Item 1: never more than about 50 values in one EXDATE property."""
    event = publish_event(
        site_tree.ward,
        start_date=timezone.localdate() - datetime.timedelta(200),
        start_time=T(10, 0),
        end_time=T(12, 0),
        # Every other week, every day: a rule the weekend form cannot shorten.
        recurrence=RULE("RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TU,WE,TH,FR,SA,SU"),
        only_weekends_and_holidays=True,
    )
    body = feed(client)
    properties = exdate_properties(series(body, event))
    counts = [len(prop.dts) for prop in properties]
    assert len(counts) >= 3 and max(counts) <= MAX_EXDATES, counts
    lines = [line for line in unfolded_lines(body) if line.startswith("EXDATE")]
    assert len(lines) == len(counts)
    assert all(line.count(",") < MAX_EXDATES for line in lines)
    assert shown_starts(body, event) == row_starts(event)


def test_until_is_half_a_day_after_the_last_start(client, site_tree):
    """Item 2: rrule.js compares UNTIL with wall-clock time, so UNTIL exactly at the last
    start (in UTC) lost the last date there. 12 hours later is the same set: the next start
    of a daily rule would be a day later."""
    today = timezone.localdate()
    wednesday = next_weekday(today + datetime.timedelta(2), 2)
    timed = publish_event(
        site_tree.ward,
        slug="timed",
        start_date=wednesday,
        start_time=T(18, 0),
        end_time=T(20, 0),
        recurrence=RULE("RRULE:FREQ=WEEKLY;BYDAY=WE;COUNT=6"),
    )
    daily = publish_event(
        site_tree.ward,
        slug="daily",
        start_date=today + datetime.timedelta(3),
        start_time=T(23, 0),
        end_time=T(23, 30),
        recurrence=RULE("RRULE:FREQ=DAILY;COUNT=4"),
    )
    saturday = next_weekday(today + datetime.timedelta(2), 5)
    all_day = publish_event(
        site_tree.ward,
        slug="all-day",
        start_date=saturday,
        end_date=saturday + datetime.timedelta(1),
        all_day=True,
        recurrence=RULE("RRULE:FREQ=MONTHLY;BYDAY=1SA;COUNT=3"),
    )
    body = feed(client)
    text = "\n".join(unfolded_lines(body))
    # The 6th Wednesday 18:00 JST is 09:00 UTC; plus 12 hours.
    last_wednesday = wednesday + datetime.timedelta(weeks=5)
    assert f"RRULE:FREQ=WEEKLY;UNTIL={last_wednesday:%Y%m%d}T210000Z;BYDAY=WE" in text
    # The 4th night 23:00 JST (14:00 UTC) plus 12 hours: before the next night's 23:00.
    last_night = datetime.datetime.combine(today + datetime.timedelta(6), T(23, 0), tzinfo=TOKYO)
    until = series(body, daily)["RRULE"]["UNTIL"][0]
    assert until == last_night + datetime.timedelta(hours=12)
    assert until.utcoffset() == datetime.timedelta(0)  # written in UTC ("Z")
    assert until < last_night + datetime.timedelta(days=1)
    # All-day rules keep a DATE, the last date itself.
    last_date = max(row_starts(all_day))
    assert series(body, all_day)["RRULE"]["UNTIL"] == [last_date]
    for event, count in ((timed, 6), (daily, 4), (all_day, 3)):
        assert shown_starts(body, event) == row_starts(event)
        assert len(row_starts(event)) == count


def test_a_moved_date_is_excluded_from_the_rule_and_shown_once_at_its_new_time(client, site_tree):
    """Item 3: with RECURRENCE-ID, calcurse showed a moved date at both times; the moved
    date is now an EXDATE of the rule plus a VEVENT of its own."""
    saturday = next_weekday(timezone.localdate() + datetime.timedelta(2), 5)
    event = publish_event(
        site_tree.ward,
        start_date=saturday,
        recurrence=RULE("RRULE:FREQ=WEEKLY;BYDAY=SA;COUNT=4"),
    )
    second = saturday + datetime.timedelta(7)
    event.exceptions = [
        EventException(
            original_date=second,
            kind="moved",
            reason="会場の都合",
            new_date=second + datetime.timedelta(1),
            new_start_time=T(10, 0),
            new_end_time=T(12, 0),
        )
    ]
    event.save_revision().publish()
    body = feed(client)
    assert b"RECURRENCE-ID" not in body
    master = series(body, event)
    old_time = datetime.datetime.combine(second, T(14, 0), tzinfo=TOKYO)
    new_time = datetime.datetime.combine(second + datetime.timedelta(1), T(10, 0), tzinfo=TOKYO)
    excluded = [value.dt for prop in exdate_properties(master) for value in prop.dts]
    assert excluded == [old_time]
    (moved,) = [c for c in components(body, event) if "RRULE" not in c]
    assert moved["UID"] != master["UID"]
    assert moved.decoded("DTSTART") == new_time
    starts = shown_starts(body, event)
    assert old_time not in starts and starts.count(new_time) == 1
    assert starts == row_starts(event)


def test_public_feeds_publish_with_an_organizer_and_the_booking_ics_without_method(
    client, site_tree
):
    """Item 5: METHOD:PUBLISH makes a calendar an iTIP message, which needs an ORGANIZER in
    every VEVENT (libical's validator refuses it otherwise). Public feeds have one (the
    host); the booking .ics is the person's own copy and carries no METHOD."""
    event = publish_event(
        site_tree.ward,
        booking_mode="first_come",
        capacity=5,
        start_date=timezone.localdate() + datetime.timedelta(10),
        recurrence=RULE("RRULE:FREQ=WEEKLY;COUNT=3"),
    )
    public = icalendar.Calendar.from_ical(feed(client))
    assert str(public["METHOD"]) == "PUBLISH"
    vevents = public.walk("VEVENT")
    assert vevents and all("ORGANIZER" in c for c in vevents)
    occurrence = Occurrence.objects.filter(event=event).order_by("start").first()
    booking, token = registration.register(occurrence.pk, nickname="匿名")
    private = icalendar.Calendar.from_ical(feed(client, f"/booking/{token}/calendar.ics"))
    assert "METHOD" not in private
    (component,) = private.walk("VEVENT")
    assert component.decoded("DTSTART") == occurrence.start.astimezone(TOKYO)
    assert booking.code in str(component["SUMMARY"])
