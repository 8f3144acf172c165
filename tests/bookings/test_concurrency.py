"""Capacity under concurrent requests: real threads, each with its own database
connection. The control test turns the lock off and must see the oversell, so these
tests are known to be able to fail."""

import threading
import time

from django.db import connection, connections

import pytest

from events.bookings import locking, registration
from events.bookings.models import Booking, BookingStatus

from .conftest import bookable_event

pytestmark = pytest.mark.django_db(transaction=True)

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks race only on PostgreSQL; SQLite serialises whole transactions",
)


def run_at_once(functions):
    """Start every function at the same moment in its own thread; return their results."""
    barrier = threading.Barrier(len(functions))
    results = [None] * len(functions)

    def worker(index, function):
        try:
            barrier.wait(timeout=30)
            results[index] = function()
        except Exception as exc:  # collected and asserted on by the test
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, f)) for i, f in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a registration hung"
    return results


@pytest.fixture
def widened_race(monkeypatch):
    """Sleep between counting the seats and writing the booking, so that without the lock
    the requests really do overlap."""
    monkeypatch.setattr(registration, "_pause", lambda: time.sleep(0.03))


def register_one(occurrence_id, index):
    return lambda: registration.register(occurrence_id, party_size=1, nickname=f"匿名{index}")


def confirmed_people(occurrence):
    return sum(
        Booking.objects.filter(occurrence=occurrence, status=BookingStatus.CONFIRMED).values_list(
            "party_size", flat=True
        )
    )


def test_fifty_at_once_for_ten_seats(site_tree, widened_race):
    _, occurrence = bookable_event(site_tree.ward, capacity=10)
    results = run_at_once([register_one(occurrence.pk, i) for i in range(50)])
    errors = [r for r in results if isinstance(r, Exception)]
    assert not errors, errors[:3]
    assert confirmed_people(occurrence) == 10
    assert Booking.objects.filter(status=BookingStatus.WAITING).count() == 40
    assert Booking.objects.count() == 50


@on_postgresql
def test_control_without_the_lock_oversells(site_tree, widened_race, monkeypatch):
    monkeypatch.setattr(locking, "LOCKING", False)
    _, occurrence = bookable_event(site_tree.ward, capacity=10)
    run_at_once([register_one(occurrence.pk, i) for i in range(50)])
    assert confirmed_people(occurrence) > 10, "the race was not reproduced"


def test_cancellations_racing_registrations_promote_once_per_seat(site_tree, widened_race):
    _, occurrence = bookable_event(site_tree.ward, capacity=10)
    confirmed = [registration.register(occurrence.pk, nickname=f"c{i}")[0] for i in range(10)]
    waiting = [registration.register(occurrence.pk, nickname=f"w{i}")[0] for i in range(8)]
    assert all(b.status == BookingStatus.WAITING for b in waiting)
    cancellations = [lambda b=b: registration.cancel(b.pk) for b in confirmed[:5]]
    registrations = [register_one(occurrence.pk, 100 + i) for i in range(10)]
    results = run_at_once(cancellations + registrations)
    errors = [r for r in results if isinstance(r, Exception)]
    assert not errors, errors[:3]
    promoted = [b for result in results[:5] for b in result]
    assert len(promoted) == 5, "one promotion per freed seat"
    assert len({b.pk for b in promoted}) == 5
    # The five who waited longest, in order; nobody who registered during the race.
    assert {b.pk for b in promoted} == {b.pk for b in waiting[:5]}
    assert confirmed_people(occurrence) == 10
    statuses = dict(Booking.objects.values_list("pk", "status"))
    assert [statuses[b.pk] for b in waiting[5:]] == [BookingStatus.WAITING] * 3


def test_one_appointment_slot_goes_to_one_party(site_tree, widened_race):
    from events.bookings.registration import BookingRefused

    _, occurrence = bookable_event(
        site_tree.ward, booking_mode="appointment", slot_minutes=50, slot_break_minutes=10
    )
    slot = occurrence.slots.first()
    results = run_at_once(
        [
            lambda i=i: registration.register(occurrence.pk, slot_id=slot.pk, nickname=f"s{i}")
            for i in range(10)
        ]
    )
    winners = [r for r in results if isinstance(r, tuple)]
    refused = [r for r in results if isinstance(r, BookingRefused)]
    assert len(winners) == 1 and len(refused) == 9, results
    assert all(r.code == "slot_taken" for r in refused)
