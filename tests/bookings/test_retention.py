"""Data retention: a month after a date has ended, its bookings are added to the anonymous
counters and deleted with their mails, the secret link stops working, and only counts per
fiscal year (年度), month, category and organisation stay. Times are passed as ``now=``,
never frozen."""

import datetime
import io
import threading

from django.core.management import call_command
from django.db import connection, connections
from django.utils import timezone

import pytest

from events.bookings import lottery as lottery_service
from events.bookings import registration
from events.bookings.models import Booking, BookingStatus, MailStatus, OutgoingMail
from events.bookings.retention import (
    pending_erasure_summary,
    purge_personal_data,
    retention_days,
)
from events.bookings.tasks import purge_personal_data_task
from events.factories import category
from events.models import AttendanceCounter, Occurrence, OccurrenceCounter
from events.schedules import TOKYO
from events.tally import fiscal_year

from .conftest import bookable_event

pytestmark = pytest.mark.django_db

PERSONAL = {
    "nickname": "山田花子",
    "email": "hanako.yamada@example.jp",
    "municipality": "練馬区",
    "needs": "車椅子で参加します。カメラはオフで。",
}
ENDED = datetime.datetime(2026, 5, 10, 16, 0, tzinfo=TOKYO)


def days_after(moment, days, **extra):
    return moment + datetime.timedelta(days=days, **extra)


def move(occurrence, end, hours=2):
    """Put an occurrence at a time of our choosing (registrations happen before, while
    it is still open)."""
    Occurrence.objects.filter(pk=occurrence.pk).update(
        start=end - datetime.timedelta(hours=hours), end=end
    )


def register(occurrence, **data):
    return registration.register(occurrence.pk, **{**PERSONAL, **data})


def counters():
    """The counters summed by fiscal year × category × who × residence × first time ×
    attended (the finer keys are checked in their own tests)."""
    totals = {}
    for c in AttendanceCounter.objects.all():
        key = (c.fiscal_year, c.category, c.who, c.residence, c.first_time, c.attended)
        bookings, people = totals.get(key, (0, 0))
        totals[key] = (bookings + c.bookings, people + c.people)
    return totals


def full_counters():
    return {
        tuple(getattr(c, name) for name in AttendanceCounter.KEY): (c.bookings, c.people)
        for c in AttendanceCounter.objects.all()
    }


def row(booking):
    return Booking.objects.values().get(pk=booking.pk)


def gone(booking):
    return not Booking.objects.filter(pk=booking.pk).exists()


@pytest.fixture
def event(site_tree):
    return bookable_event(site_tree.ward, capacity=10, max_party_size=4)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime.date(2026, 3, 31), 2025),
        (datetime.date(2026, 4, 1), 2026),
        (datetime.date(2026, 1, 15), 2025),
        (datetime.date(2025, 12, 31), 2025),
        (datetime.date(2027, 3, 1), 2026),
        # 00:30 on 1 April in Tokyo is still 31 March in UTC: the local date counts.
        (datetime.datetime(2026, 3, 31, 15, 30, tzinfo=datetime.UTC), 2026),
        (datetime.datetime(2026, 3, 31, 23, 59, tzinfo=TOKYO), 2025),
    ],
)
def test_fiscal_year(value, expected):
    assert fiscal_year(value) == expected


def test_deletes_the_booking_after_the_period_and_not_before(site_tree, event):
    page, occurrence = event
    booking, _ = register(occurrence, party_size=2, who="family", residence="outside")
    registration.check_in(booking.pk, now=ENDED - datetime.timedelta(hours=1))
    move(occurrence, ENDED)
    before = row(booking)

    # The date, which holds nothing personal, is counted at the first run after it ends.
    assert purge_personal_data(now=days_after(ENDED, 29)) == {
        "erased": 0,
        "counted": 0,
        "dates": 1,
    }
    assert purge_personal_data(now=days_after(ENDED, 30))["erased"] == 0
    assert row(booking) == before
    assert not AttendanceCounter.objects.exists()

    now = days_after(ENDED, 31)
    assert purge_personal_data(now=now) == {"erased": 1, "counted": 1, "dates": 0}
    # No row is left for the person: no door code, no check-in or booking time.
    assert gone(booking)
    assert not Booking.objects.filter(code=before["code"]).exists()
    assert not OutgoingMail.objects.exists()
    # What stays is one count in a combination, by fiscal year, month and organisation.
    ward = site_tree.ward.pk
    assert full_counters() == {
        (2026, 5, "family-gathering", ward, "", "family", "outside", "", True, "web"): (1, 2)
    }
    assert AttendanceCounter.objects.get().organisation_name == site_tree.ward.title
    held = OccurrenceCounter.objects.get()
    assert (held.fiscal_year, held.month, held.category, held.organisation, held.held) == (
        2026,
        5,
        "family-gathering",
        ward,
        1,
    )
    assert Occurrence.objects.get(pk=occurrence.pk).counted


def test_only_dates_past_the_period_are_purged(site_tree):
    _, old = bookable_event(site_tree.ward)
    _, recent = bookable_event(site_tree.ward)
    old_booking, _ = register(old)
    recent_booking, _ = register(recent)
    move(old, ENDED)
    move(recent, days_after(ENDED, 10))

    assert purge_personal_data(now=days_after(ENDED, 31)) == {
        "erased": 1,
        "counted": 1,
        "dates": 2,  # both dates have ended
    }
    assert gone(old_booking)
    assert row(recent_booking)["nickname"] == PERSONAL["nickname"]
    assert Occurrence.objects.get(pk=recent.pk).counted


def test_counters_count_confirmed_bookings_by_who_residence_first_time_and_attendance(
    site_tree,
):
    _, occurrence = bookable_event(site_tree.ward, capacity=10, max_party_size=4)
    check_in_at = ENDED - datetime.timedelta(hours=1)
    a, _ = register(occurrence, party_size=1, who="self", residence="ward", first_time=True)
    b, _ = register(occurrence, party_size=3, who="family", residence="ward", first_time=False)
    c, _ = register(occurrence, party_size=2, who="family", residence="ward", first_time=False)
    d, _ = register(occurrence, party_size=2, who="family", residence="ward", first_time=False)
    cancelled, _ = register(occurrence, party_size=2, who="self", residence="ward")
    registration.cancel(cancelled.pk)
    anonymous, _ = register(occurrence, party_size=1)  # no optional answers at all
    waiting, _ = register(occurrence, party_size=3, who="supporter", residence="outside")
    for booking in (a, b, d):
        assert registration.check_in(booking.pk, now=check_in_at)
    assert row(waiting)["status"] == BookingStatus.WAITING
    assert row(cancelled)["status"] == BookingStatus.CANCELLED

    # A lottery in another category: the winner is counted, the one not drawn is not.
    _, lottery = bookable_event(
        site_tree.ward, booking_mode="lottery", capacity=1, category=category("lecture")
    )
    first, _ = register(lottery, who="supporter", residence="outside")
    second, _ = register(lottery, who="other", residence="outside")
    lottery_service.draw_lottery(lottery.pk, seed=7)
    statuses = {row(first)["status"], row(second)["status"]}
    assert statuses == {BookingStatus.CONFIRMED, BookingStatus.NOT_DRAWN}
    winner = first if row(first)["status"] == BookingStatus.CONFIRMED else second

    move(occurrence, ENDED)
    move(lottery, ENDED)
    assert purge_personal_data(now=days_after(ENDED, 31)) == {
        "erased": 9,
        "counted": 6,
        "dates": 2,
    }

    fy, family = 2026, "family-gathering"
    assert counters() == {
        (fy, family, "self", "ward", "yes", True): (1, 1),
        (fy, family, "family", "ward", "no", True): (2, 5),  # b and d: party sizes summed
        (fy, family, "family", "ward", "no", False): (1, 2),
        (fy, family, "", "", "", False): (1, 1),
        (fy, "lecture", winner.who, "outside", "", False): (1, 1),
    }
    # Counted or not, every booking of those dates is gone.
    assert not Booking.objects.exists()


def test_fiscal_year_boundary_uses_the_tokyo_start_date(site_tree):
    _, march = bookable_event(site_tree.ward)
    _, april = bookable_event(site_tree.ward)
    register(march, who="family", residence="ward", first_time=True)
    register(april, who="family", residence="ward", first_time=True)
    # 31 March 19:00–21:00 and 1 April 00:30–02:00 (still 31 March in UTC).
    move(march, datetime.datetime(2026, 3, 31, 21, 0, tzinfo=TOKYO))
    move(april, datetime.datetime(2026, 4, 1, 2, 0, tzinfo=TOKYO), hours=1.5)
    assert Occurrence.objects.get(pk=april.pk).start.astimezone(datetime.UTC).day == 31

    purge_personal_data(now=datetime.datetime(2026, 6, 1, tzinfo=TOKYO))
    key = ("family-gathering", "family", "ward", "yes", False)
    assert counters() == {(2025, *key): (1, 1), (2026, *key): (1, 1)}


def test_purging_twice_changes_nothing_more(event):
    _, occurrence = event
    register(occurrence, party_size=3, who="self", residence="ward")
    register(occurrence, party_size=2, first_time=False)
    move(occurrence, ENDED)
    now = days_after(ENDED, 31)
    assert purge_personal_data(now=now) == {"erased": 2, "counted": 2, "dates": 1}
    totals = full_counters()
    held = list(OccurrenceCounter.objects.values())

    nothing = {"erased": 0, "counted": 0, "dates": 0}
    assert purge_personal_data(now=now) == nothing
    assert purge_personal_data(now=days_after(now, 400)) == nothing
    assert full_counters() == totals
    assert list(OccurrenceCounter.objects.values()) == held
    assert sum(people for _, people in totals.values()) == 5


def test_adds_to_existing_counters(site_tree, event):
    _, occurrence = event
    register(occurrence, party_size=2, who="self", residence="ward", first_time=True)
    ward = site_tree.ward.pk
    key = {
        "fiscal_year": 2026,
        "month": 5,
        "category": "family-gathering",
        "organisation": ward,
        "co_hosts": "",
        "who": "self",
        "residence": "ward",
        "first_time": "yes",
        "attended": False,
        "channel": "web",
    }
    AttendanceCounter.objects.create(**key, bookings=5, people=9)
    OccurrenceCounter.objects.create(
        fiscal_year=2026, month=5, category="family-gathering", organisation=ward, held=3
    )
    move(occurrence, ENDED)

    assert purge_personal_data(now=days_after(ENDED, 31)) == {
        "erased": 1,
        "counted": 1,
        "dates": 1,
    }
    assert full_counters() == {tuple(key.values()): (6, 11)}
    assert OccurrenceCounter.objects.get().held == 4


def test_co_hosts_and_channel_are_kept_in_the_counters(site_tree):
    from home.factories import OrganisationPageFactory

    other = OrganisationPageFactory(parent=site_tree.partners, title="NPO あおば", slug="aoba")
    event, occurrence = bookable_event(site_tree.ward, capacity=20)
    event.co_hosts = [site_tree.family, other]
    event.save_revision().publish()
    register(occurrence, party_size=1, channel="phone", who="family")
    register(occurrence, party_size=2, channel="walk_in", who="family")
    move(occurrence, datetime.datetime(2027, 2, 14, 16, 0, tzinfo=TOKYO))

    purge_personal_data(now=datetime.datetime(2027, 4, 1, tzinfo=TOKYO))
    co_hosts = ",".join(str(pk) for pk in sorted([site_tree.family.pk, other.pk]))
    common = (2026, 2, "family-gathering", site_tree.ward.pk, f",{co_hosts},", "family", "", "")
    assert full_counters() == {
        (*common, False, "phone"): (1, 1),
        (*common, False, "walk_in"): (1, 2),
    }
    assert OccurrenceCounter.objects.get().co_hosts == f",{co_hosts},"


def test_small_batches_give_the_same_result(event):
    _, occurrence = event
    for size in (1, 2, 3, 4):
        register(occurrence, party_size=size, who="family", residence="ward")
    move(occurrence, ENDED)
    result = purge_personal_data(now=days_after(ENDED, 31), batch_size=3)
    assert result == {"erased": 4, "counted": 4, "dates": 1}
    assert counters() == {(2026, "family-gathering", "family", "ward", "", False): (4, 10)}


def test_deletes_the_mails_of_purged_bookings_only(site_tree):
    _, occurrence = bookable_event(site_tree.ward)
    _, later = bookable_event(site_tree.ward)
    booking, _ = register(occurrence, wants_reminder=True)
    other, _ = register(later, email="other@example.jp")
    OutgoingMail.objects.create(
        kind="confirmation",
        booking=booking,
        to="",
        subject="ご予約の受付",
        status=MailStatus.SENT,
        send_after=ENDED,
        sent_at=ENDED,
    )
    mails = OutgoingMail.objects.filter(booking=booking)
    assert {m.kind for m in mails} == {"confirmation", "reminder"}
    assert mails.filter(to=PERSONAL["email"]).count() == 2
    move(occurrence, ENDED)
    move(later, days_after(ENDED, 20))

    purge_personal_data(now=days_after(ENDED, 31))
    # Sent or queued: no trace of when a message went to whom.
    assert not OutgoingMail.objects.filter(booking_id=booking.pk).exists()
    assert not OutgoingMail.objects.filter(booking__isnull=True).exists()
    kept = OutgoingMail.objects.get(booking=other)
    assert kept.to == "other@example.jp" and kept.body and kept.status == MailStatus.QUEUED


def test_the_secret_link_of_a_purged_booking_is_gone(client, event):
    _, occurrence = event
    _, token = register(occurrence)
    move(occurrence, ENDED)
    assert client.get(f"/booking/{token}/").status_code == 200

    purge_personal_data(now=days_after(ENDED, 31))
    for url in (
        f"/booking/{token}/",
        f"/booking/{token}/cancel/",
        f"/booking/{token}/calendar.ics",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert PERSONAL["nickname"].encode() not in response.content


def test_retention_days_setting_is_honoured(settings, event):
    _, occurrence = event
    booking, _ = register(occurrence)
    move(occurrence, ENDED)
    assert retention_days() == 30

    settings.BOOKING_RETENTION_DAYS = 7
    assert retention_days() == 7
    assert purge_personal_data(now=days_after(ENDED, 6))["erased"] == 0
    assert purge_personal_data(now=days_after(ENDED, 8))["erased"] == 1
    assert gone(booking)


def test_retention_days_must_be_a_sensible_number(settings):
    from django.core.exceptions import ImproperlyConfigured

    for wrong in (-1, "30", 1.5, None):
        settings.BOOKING_RETENTION_DAYS = wrong
        with pytest.raises(ImproperlyConfigured):
            retention_days()


def test_pending_erasure_summary(event):
    page, occurrence = event
    register(occurrence)
    register(occurrence, party_size=2)
    move(occurrence, ENDED)
    now = days_after(ENDED, 5)
    assert pending_erasure_summary(page, now=now) == {
        "held": 2,
        "next_erasure": datetime.date(2026, 6, 9),
        "overdue": False,
    }
    assert pending_erasure_summary(page, now=days_after(ENDED, 31))["overdue"] is True

    purge_personal_data(now=days_after(ENDED, 31))
    assert pending_erasure_summary(page, now=now) == {
        "held": 0,
        "next_erasure": None,
        "overdue": False,
    }


def test_the_command_erases_and_prints_only_counts(event):
    _, occurrence = event
    booking, _ = register(occurrence, party_size=2)
    move(occurrence, timezone.now() - datetime.timedelta(days=40))
    out, err = io.StringIO(), io.StringIO()

    call_command("purge_personal_data", stdout=out, stderr=err)
    output = out.getvalue() + err.getvalue()
    assert "予約 1 件を個人情報ごと削除しました" in output
    assert "1 件を匿名の集計に加えました" in output
    for value in (*PERSONAL.values(), booking.code):
        assert value not in output
    assert gone(booking)

    out = io.StringIO()
    call_command("purge_personal_data", stdout=out)
    assert "予約 0 件を個人情報ごと削除しました" in out.getvalue()


def test_the_command_can_hand_the_work_to_the_task_worker(event):
    _, occurrence = event
    booking, _ = register(occurrence)
    move(occurrence, timezone.now() - datetime.timedelta(days=40))
    out = io.StringIO()
    call_command("purge_personal_data", "--enqueue", stdout=out)  # immediate backend in tests
    assert "キューに追加しました" in out.getvalue()
    assert PERSONAL["nickname"] not in out.getvalue()
    assert gone(booking)


def test_the_task_returns_only_counts(event):
    _, occurrence = event
    register(occurrence)
    move(occurrence, timezone.now() - datetime.timedelta(days=40))
    result = purge_personal_data_task.enqueue()
    assert result.return_value == {"erased": 1, "counted": 1, "dates": 1}


@pytest.mark.django_db(transaction=True)
def test_concurrent_purges_neither_lose_nor_double_counts(site_tree):
    """Two purges at once, in their own connections and in batches of one, so they really
    interleave: every booking is counted exactly once."""
    _, occurrence = bookable_event(site_tree.ward, capacity=40)
    for index in range(12):
        register(occurrence, party_size=1 + index % 3, who="family", residence="ward")
    move(occurrence, ENDED)
    now = days_after(ENDED, 31)
    barrier = threading.Barrier(2)
    results = [None, None]

    def worker(index):
        try:
            barrier.wait(timeout=30)
            results[index] = purge_personal_data(now=now, batch_size=1)
        except Exception as exc:  # asserted on below
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads)
    assert all(isinstance(r, dict) for r in results), results
    assert sum(r["erased"] for r in results) == 12, (connection.vendor, results)
    assert sum(r["counted"] for r in results) == 12
    assert counters() == {(2026, "family-gathering", "family", "ward", "", False): (12, 24)}


def test_an_appointment_booking_is_counted_and_deleted_and_its_slot_stays(site_tree):
    """A booking points at its slot (the slot is PROTECTed from deletion while booked),
    never the other way round: deleting the booking is always allowed."""
    from events.bookings.models import AppointmentSlot

    _, occurrence = bookable_event(
        site_tree.ward,
        booking_mode="appointment",
        capacity=None,
        start_time=datetime.time(10, 0),
        end_time=datetime.time(12, 0),
        category=category("holiday-consultation"),
    )
    slot = AppointmentSlot.objects.filter(occurrence=occurrence).order_by("start").first()
    assert slot is not None
    booking, _ = register(occurrence, slot_id=slot.pk, party_size=2, who="family")
    move(occurrence, ENDED)

    assert purge_personal_data(now=days_after(ENDED, 31))["counted"] == 1
    assert gone(booking)
    assert AppointmentSlot.objects.filter(pk=slot.pk).exists()
    assert counters() == {(2026, "holiday-consultation", "family", "", "", False): (1, 2)}
