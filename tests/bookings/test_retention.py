"""Data retention: a month after a date has ended, exactly the personal fields of its
bookings are erased (also in the outbox), the secret link stops working, and only
anonymous counts per fiscal year (年度) stay. Times are passed as ``now=``, never frozen."""

import datetime
import io
import threading

from django.core.management import call_command
from django.db import connection, connections
from django.utils import timezone

import pytest

from events.bookings import lottery as lottery_service
from events.bookings import registration
from events.bookings.models import (
    AttendanceCounter,
    Booking,
    BookingStatus,
    MailStatus,
    OutgoingMail,
)
from events.bookings.retention import (
    fiscal_year,
    pending_erasure_summary,
    purge_personal_data,
    retention_days,
)
from events.bookings.tasks import purge_personal_data_task
from events.factories import category
from events.models import Occurrence
from events.schedules import TOKYO

from .conftest import bookable_event

pytestmark = pytest.mark.django_db

PERSONAL = {
    "nickname": "山田花子",
    "email": "hanako.yamada@example.jp",
    "municipality": "練馬区",
    "needs": "車椅子で参加します。カメラはオフで。",
}
ERASED_FIELDS = {"nickname", "email", "municipality", "needs", "token_hash"}
# The fields the purge may change: the personal ones, its own marks, and updated_at.
CHANGED_BY_PURGE = ERASED_FIELDS | {"personal_data_erased_at", "counted_at", "updated_at"}
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
    """Every counter as a comparable tuple."""
    return {
        (c.fiscal_year, c.category, c.who, c.residence, c.first_time, c.attended): (
            c.bookings,
            c.people,
        )
        for c in AttendanceCounter.objects.all()
    }


def row(booking):
    return Booking.objects.values().get(pk=booking.pk)


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


def test_erases_exactly_the_personal_fields_after_the_period_and_not_before(event):
    _, occurrence = event
    booking, _ = register(occurrence, party_size=2, who="family", residence="outside")
    registration.check_in(booking.pk, now=ENDED - datetime.timedelta(hours=1))
    move(occurrence, ENDED)
    before = row(booking)
    assert all(before[name] for name in ERASED_FIELDS)

    assert purge_personal_data(now=days_after(ENDED, 29)) == {"erased": 0, "counted": 0}
    assert purge_personal_data(now=days_after(ENDED, 30)) == {"erased": 0, "counted": 0}
    assert row(booking) == before
    assert not AttendanceCounter.objects.exists()

    now = days_after(ENDED, 31)
    assert purge_personal_data(now=now) == {"erased": 1, "counted": 1}
    after = row(booking)
    changed = {name for name in before if before[name] != after[name]}
    assert changed == CHANGED_BY_PURGE
    assert after["nickname"] == after["email"] == after["municipality"] == after["needs"] == ""
    assert after["token_hash"] is None
    assert after["personal_data_erased_at"] == after["counted_at"] == now
    # What is kept: the door code, status, size, anonymous facts, channel and history.
    for name in ("code", "status", "party_size", "who", "residence", "first_time", "channel"):
        assert after[name] == before[name]
    assert after["checked_in_at"] is not None and after["created_at"] == before["created_at"]


def test_only_dates_past_the_period_are_purged(site_tree):
    _, old = bookable_event(site_tree.ward)
    _, recent = bookable_event(site_tree.ward)
    old_booking, _ = register(old)
    recent_booking, _ = register(recent)
    move(old, ENDED)
    move(recent, days_after(ENDED, 10))

    assert purge_personal_data(now=days_after(ENDED, 31)) == {"erased": 1, "counted": 1}
    assert row(old_booking)["nickname"] == ""
    assert row(recent_booking)["nickname"] == PERSONAL["nickname"]
    assert row(recent_booking)["personal_data_erased_at"] is None


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
    assert purge_personal_data(now=days_after(ENDED, 31)) == {"erased": 9, "counted": 6}

    fy, family = 2026, "family-gathering"
    assert counters() == {
        (fy, family, "self", "ward", "yes", True): (1, 1),
        (fy, family, "family", "ward", "no", True): (2, 5),  # b and d: party sizes summed
        (fy, family, "family", "ward", "no", False): (1, 2),
        (fy, family, "", "", "", False): (1, 1),
        (fy, "lecture", winner.who, "outside", "", False): (1, 1),
    }
    assert not Booking.objects.filter(personal_data_erased_at__isnull=True).exists()
    not_counted = [cancelled.pk, waiting.pk, (second if winner == first else first).pk]
    assert not Booking.objects.filter(pk__in=not_counted, counted_at__isnull=False).exists()
    assert not Booking.objects.filter(pk__in=not_counted).exclude(nickname="").exists()


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
    booking, _ = register(occurrence, party_size=3, who="self", residence="ward")
    register(occurrence, party_size=2, first_time=False)
    move(occurrence, ENDED)
    now = days_after(ENDED, 31)
    assert purge_personal_data(now=now) == {"erased": 2, "counted": 2}
    bookings = list(Booking.objects.order_by("pk").values())
    mails = list(OutgoingMail.objects.order_by("pk").values())
    totals = counters()

    assert purge_personal_data(now=now) == {"erased": 0, "counted": 0}
    assert purge_personal_data(now=days_after(now, 400)) == {"erased": 0, "counted": 0}
    assert list(Booking.objects.order_by("pk").values()) == bookings
    assert list(OutgoingMail.objects.order_by("pk").values()) == mails
    assert counters() == totals
    assert sum(people for _, people in totals.values()) == 5


def test_adds_to_existing_counters_and_never_counts_a_booking_twice(event):
    _, occurrence = event
    counted_before, _ = register(occurrence, who="self", residence="ward", first_time=True)
    fresh, _ = register(occurrence, party_size=2, who="self", residence="ward", first_time=True)
    Booking.objects.filter(pk=counted_before.pk).update(counted_at=ENDED)
    AttendanceCounter.objects.create(
        fiscal_year=2026,
        category="family-gathering",
        who="self",
        residence="ward",
        first_time="yes",
        attended=False,
        bookings=5,
        people=9,
    )
    move(occurrence, ENDED)

    assert purge_personal_data(now=days_after(ENDED, 31)) == {"erased": 2, "counted": 1}
    assert counters() == {(2026, "family-gathering", "self", "ward", "yes", False): (6, 11)}
    assert row(counted_before)["counted_at"] == ENDED  # its earlier count stands
    assert row(counted_before)["nickname"] == "" and row(fresh)["nickname"] == ""


def test_small_batches_give_the_same_result(event):
    _, occurrence = event
    for size in (1, 2, 3, 4):
        register(occurrence, party_size=size, who="family", residence="ward")
    move(occurrence, ENDED)
    result = purge_personal_data(now=days_after(ENDED, 31), batch_size=3)
    assert result == {"erased": 4, "counted": 4}
    assert counters() == {(2026, "family-gathering", "family", "ward", "", False): (4, 10)}


def test_erases_addresses_and_bodies_in_the_outbox(site_tree):
    _, occurrence = bookable_event(site_tree.ward)
    _, later = bookable_event(site_tree.ward)
    booking, _ = register(occurrence, wants_reminder=True)
    other, _ = register(later, email="other@example.jp")
    sent = OutgoingMail.objects.create(
        kind="confirmation",
        booking=booking,
        to="",
        subject="ご予約の受付",
        status=MailStatus.SENT,
        send_after=ENDED,
    )
    mails = OutgoingMail.objects.filter(booking=booking).exclude(pk=sent.pk)
    assert {m.kind for m in mails} == {"confirmation", "reminder"}
    assert all(m.to == PERSONAL["email"] and PERSONAL["nickname"] in m.body for m in mails)
    move(occurrence, ENDED)
    move(later, days_after(ENDED, 20))

    purge_personal_data(now=days_after(ENDED, 31))
    for mail in OutgoingMail.objects.filter(booking=booking):
        assert (mail.to, mail.body) == ("", "")
        assert mail.subject  # neutral subjects carry nothing personal and are kept
        # A queued mail without an address can never go out: it is closed, not retried.
        assert mail.status in {MailStatus.SENT, MailStatus.SKIPPED}
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
    assert purge_personal_data(now=days_after(ENDED, 6)) == {"erased": 0, "counted": 0}
    assert purge_personal_data(now=days_after(ENDED, 8)) == {"erased": 1, "counted": 1}
    assert row(booking)["email"] == ""


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
        "erased": 0,
        "next_erasure": datetime.date(2026, 6, 9),
        "overdue": False,
    }
    assert pending_erasure_summary(page, now=days_after(ENDED, 31))["overdue"] is True

    purge_personal_data(now=days_after(ENDED, 31))
    assert pending_erasure_summary(page, now=now) == {
        "held": 0,
        "erased": 2,
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
    assert "1 件の個人情報を消去しました" in output and "1 件を匿名の集計に加えました" in output
    for value in (*PERSONAL.values(), booking.code):
        assert value not in output
    assert row(booking)["nickname"] == ""

    out = io.StringIO()
    call_command("purge_personal_data", stdout=out)
    assert "0 件の個人情報を消去しました" in out.getvalue()


def test_the_command_can_hand_the_work_to_the_task_worker(event):
    _, occurrence = event
    booking, _ = register(occurrence)
    move(occurrence, timezone.now() - datetime.timedelta(days=40))
    out = io.StringIO()
    call_command("purge_personal_data", "--enqueue", stdout=out)  # immediate backend in tests
    assert "キューに追加しました" in out.getvalue()
    assert PERSONAL["nickname"] not in out.getvalue()
    assert row(booking)["personal_data_erased_at"] is not None


def test_the_task_returns_only_counts(event):
    _, occurrence = event
    register(occurrence)
    move(occurrence, timezone.now() - datetime.timedelta(days=40))
    result = purge_personal_data_task.enqueue()
    assert result.return_value == {"erased": 1, "counted": 1}


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
