"""Publishing an event materialises its dates into the Occurrence table, in local time,
with holidays, exceptions and schedule changes applied. Runs on SQLite and PostgreSQL."""

import datetime

from django.utils import timezone

import pytest
import recurrence

from events import occurrences as occurrence_rules
from events.factories import publish_event
from events.models import EventException, Occurrence, OccurrenceStatus
from events.occurrences import materialise
from events.publishing import extend_horizon
from events.schedules import TOKYO

pytestmark = pytest.mark.django_db

T = datetime.time


def local(occurrence):
    return occurrence.start.astimezone(TOKYO)


def test_weekly_tuesday_0800_is_always_tuesday_0800_in_tokyo(site_tree):
    event = publish_event(
        site_tree.ward,
        start_date=datetime.date(2026, 12, 1),  # a Tuesday
        start_time=T(8, 0),
        end_time=T(9, 0),
        recurrence=recurrence.deserialize("RRULE:FREQ=WEEKLY;BYDAY=TU"),
    )
    rows = list(Occurrence.objects.filter(event=event))  # read back from the database
    assert len(rows) > 70  # at least 18 months of Tuesdays
    for row in rows:
        start = local(row)
        assert (start.weekday(), start.hour, start.minute) == (1, 8, 0), start
        assert row.original_date == start.date()
        assert row.end - row.start == datetime.timedelta(hours=1)
    last = max(local(r) for r in rows)
    assert last >= timezone.now() + datetime.timedelta(days=540)


def test_count_is_honoured_exactly(site_tree):
    event = publish_event(
        site_tree.ward,
        start_date=datetime.date(2027, 1, 7),
        recurrence=recurrence.deserialize("RRULE:FREQ=MONTHLY;BYDAY=1TH;COUNT=5"),
    )
    dates = [r.original_date for r in Occurrence.objects.filter(event=event)]
    assert dates == [
        datetime.date(2027, 1, 7),
        datetime.date(2027, 2, 4),
        datetime.date(2027, 3, 4),
        datetime.date(2027, 4, 1),
        datetime.date(2027, 5, 6),
    ]


def test_until_includes_the_whole_last_day(site_tree):
    # "first Sunday, until March 2027": UNTIL is stored as midnight but the 7 March 10:00
    # meeting is the last one.
    event = publish_event(
        site_tree.ward,
        start_date=datetime.date(2026, 12, 6),
        start_time=T(10, 0),
        end_time=T(12, 0),
        recurrence=recurrence.deserialize("RRULE:FREQ=MONTHLY;BYDAY=1SU;UNTIL=20270307T000000"),
    )
    dates = [r.original_date for r in Occurrence.objects.filter(event=event)]
    assert dates == [
        datetime.date(2026, 12, 6),
        datetime.date(2027, 1, 3),
        datetime.date(2027, 2, 7),
        datetime.date(2027, 3, 7),
    ]


def test_an_exclusion_entered_as_a_date_removes_that_dates_10am_occurrence(site_tree):
    rule = recurrence.deserialize("RRULE:FREQ=WEEKLY;BYDAY=SA")
    rule.exdates = [datetime.datetime(2026, 12, 12, 0, 0)]  # a date, saved as midnight
    event = publish_event(
        site_tree.ward,
        start_date=datetime.date(2026, 12, 5),
        start_time=T(10, 0),
        end_time=T(11, 0),
        recurrence=rule,
    )
    event.refresh_from_db()  # the rule went through the database and back
    dates = {r.original_date for r in Occurrence.objects.filter(event=event)}
    assert datetime.date(2026, 12, 5) in dates
    assert datetime.date(2026, 12, 12) not in dates
    assert datetime.date(2026, 12, 19) in dates


def test_holidays_and_year_end_are_skipped_when_asked(site_tree):
    event = publish_event(
        site_tree.ward,
        start_date=datetime.date(2026, 12, 1),
        recurrence=recurrence.deserialize("RRULE:FREQ=DAILY"),
        skip_public_holidays=True,
        skip_year_end=True,
    )
    dates = {r.original_date for r in Occurrence.objects.filter(event=event)}
    for closed in ("2026-12-29", "2026-12-31", "2027-01-01", "2027-01-03", "2027-01-11"):
        assert datetime.date.fromisoformat(closed) not in dates, closed
    assert datetime.date(2026, 12, 28) in dates
    assert datetime.date(2027, 1, 4) in dates


def test_holiday_consultation_falls_only_on_weekends_and_holidays(site_tree):
    event = publish_event(
        site_tree.ward,
        start_date=datetime.date(2026, 12, 1),
        start_time=T(10, 0),
        end_time=T(16, 0),
        recurrence=recurrence.deserialize("RRULE:FREQ=DAILY"),
        only_weekends_and_holidays=True,
    )
    from events.schedules import is_public_holiday

    dates = [r.original_date for r in Occurrence.objects.filter(event=event)]
    assert dates
    assert all(d.weekday() >= 5 or is_public_holiday(d) for d in dates)
    assert datetime.date(2027, 1, 11) in dates  # 成人の日, a Monday
    assert datetime.date(2026, 12, 2) not in dates  # an ordinary Wednesday


def test_exceptions_cancel_move_and_annotate_single_dates(site_tree):
    event = publish_event(
        site_tree.ward,
        start_date=datetime.date(2026, 12, 5),
        start_time=T(14, 0),
        end_time=T(16, 0),
        recurrence=recurrence.deserialize("RRULE:FREQ=WEEKLY;BYDAY=SA;COUNT=4"),
    )
    event.exceptions = [
        EventException(original_date=datetime.date(2026, 12, 12), kind="cancelled", reason="台風"),
        EventException(
            original_date=datetime.date(2026, 12, 19),
            kind="moved",
            reason="会場変更",
            new_date=datetime.date(2026, 12, 20),
            new_start_time=T(10, 0),
            new_venue_name="別会場",
        ),
        EventException(original_date=datetime.date(2026, 12, 26), kind="note", reason="今年最後"),
    ]
    event.save_revision().publish()
    rows = {r.original_date: r for r in Occurrence.objects.filter(event=event)}
    assert len(rows) == 4
    cancelled = rows[datetime.date(2026, 12, 12)]
    assert cancelled.status == OccurrenceStatus.CANCELLED and cancelled.note == "台風"
    moved = rows[datetime.date(2026, 12, 19)]
    assert moved.status == OccurrenceStatus.MOVED
    assert local(moved) == datetime.datetime(2026, 12, 20, 10, 0, tzinfo=TOKYO)
    assert moved.end - moved.start == datetime.timedelta(hours=2)
    assert moved.venue_name == "別会場"
    noted = rows[datetime.date(2026, 12, 26)]
    assert noted.status == OccurrenceStatus.SCHEDULED and noted.note == "今年最後"


def test_schedule_change_replaces_dates_and_keeps_unchanged_rows(site_tree):
    event = publish_event(
        site_tree.ward,
        start_date=datetime.date(2026, 12, 1),
        recurrence=recurrence.deserialize("RRULE:FREQ=WEEKLY;BYDAY=TU;COUNT=4"),
    )
    first = Occurrence.objects.get(event=event, original_date=datetime.date(2026, 12, 1))
    event.recurrence = recurrence.deserialize("RRULE:FREQ=WEEKLY;BYDAY=TU;COUNT=2")
    event.save_revision().publish()
    dates = [r.original_date for r in Occurrence.objects.filter(event=event)]
    assert dates == [datetime.date(2026, 12, 1), datetime.date(2026, 12, 8)]
    assert Occurrence.objects.get(pk=first.pk).original_date == datetime.date(2026, 12, 1)


def test_a_referenced_occurrence_is_cancelled_not_deleted(site_tree, monkeypatch):
    event = publish_event(
        site_tree.ward,
        start_date=datetime.date(2026, 12, 1),
        recurrence=recurrence.deserialize("RRULE:FREQ=WEEKLY;BYDAY=TU;COUNT=3"),
    )
    booked = Occurrence.objects.get(event=event, original_date=datetime.date(2026, 12, 15))
    monkeypatch.setattr(occurrence_rules, "is_referenced", lambda row: row.pk == booked.pk)
    event.recurrence = recurrence.deserialize("RRULE:FREQ=WEEKLY;BYDAY=TU;COUNT=1")
    event.save_revision().publish()
    booked.refresh_from_db()
    assert booked.status == OccurrenceStatus.CANCELLED
    assert booked.note
    assert Occurrence.objects.filter(event=event).count() == 2  # 1 Dec, and the booked one


def test_is_referenced_looks_through_every_reverse_relation(site_tree):
    event = publish_event(site_tree.ward)
    row = Occurrence.objects.get(event=event)
    assert occurrence_rules.is_referenced(row) is False
    # A booking (a model this module never names) protects the date.
    from events.bookings.models import Booking

    Booking.objects.create(occurrence=row, code="ACDEF3", status="confirmed", nickname="匿名")
    assert occurrence_rules.is_referenced(row) is True


def test_unpublish_removes_dates_and_republish_restores_them(site_tree):
    event = publish_event(
        site_tree.ward,
        recurrence=recurrence.deserialize("RRULE:FREQ=WEEKLY;BYDAY=TU;COUNT=3"),
        start_date=datetime.date(2026, 12, 1),
    )
    assert Occurrence.objects.filter(event=event).count() == 3
    event.unpublish()
    assert not Occurrence.objects.filter(event=event).exists()
    event.save_revision().publish()
    assert Occurrence.objects.filter(event=event).count() == 3


def test_deleting_an_event_removes_its_dates(site_tree):
    event = publish_event(site_tree.ward)
    event.delete()
    assert not Occurrence.objects.exists()


def test_the_horizon_rolls_forward(site_tree):
    event = publish_event(
        site_tree.ward,
        start_date=datetime.date(2026, 12, 1),
        recurrence=recurrence.deserialize("RRULE:FREQ=WEEKLY;BYDAY=TU"),
    )
    last = Occurrence.objects.filter(event=event).order_by("-start").first().start
    later = timezone.now() + datetime.timedelta(days=60)
    assert extend_horizon(now=later) == 1
    new_last = Occurrence.objects.filter(event=event).order_by("-start").first().start
    assert new_last - last >= datetime.timedelta(days=56)
    created, updated, removed, cancelled = materialise(event, now=later)
    assert (created, updated, removed, cancelled) == (0, 0, 0, 0), "idempotent"


def test_all_day_and_multi_day_events(site_tree):
    event = publish_event(
        site_tree.ward,
        all_day=True,
        start_date=datetime.date(2027, 2, 13),
        end_date=datetime.date(2027, 2, 14),
    )
    row = Occurrence.objects.get(event=event)
    assert row.all_day
    assert local(row) == datetime.datetime(2027, 2, 13, tzinfo=TOKYO)
    assert row.end.astimezone(TOKYO) == datetime.datetime(2027, 2, 15, tzinfo=TOKYO)


def test_moving_an_event_to_another_organisation_changes_its_host(site_tree):
    event = publish_event(site_tree.ward)
    assert event.host_id == site_tree.ward.pk
    event.move(site_tree.family, pos="last-child")
    event.refresh_from_db()
    assert event.host_id == site_tree.family.pk
