"""A small world for the statistics: the site tree, two partners with editors, ward staff,
and events whose single date is put where a test needs it once people have booked."""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.utils import timezone

import pytest

from events.bookings import registration
from events.factories import category, publish_event
from events.models import Occurrence
from events.schedules import TOKYO
from home.partners import add_partner, ensure_ward_staff
from tests.conftest import build_site_tree


@dataclass
class World:
    tree: object
    a: object  # 家族会A (partner)
    b: object  # 当事者会B (partner)
    editor_a: object
    editor_b: object
    staff: object


def tokyo(*args):
    return datetime.datetime(*args, tzinfo=TOKYO)


def event_on(parent, start, hours=2, slug=None, **fields):
    """An event taking bookings, with one date; call ``held(occurrence, start)`` after
    booking to put the date at ``start``."""
    defaults = {
        "booking_mode": "first_come",
        "capacity": 60,
        "max_party_size": 4,
        "start_date": timezone.now().astimezone(TOKYO).date() + datetime.timedelta(days=10),
    }
    if slug:
        defaults["slug"] = slug
    if "category" in fields and isinstance(fields["category"], str):
        fields["category"] = category(fields["category"])
    event = publish_event(parent, **{**defaults, **fields})
    occurrence = Occurrence.objects.get(event=event)
    occurrence.planned_start = start
    occurrence.planned_hours = hours
    return event, occurrence


def held(occurrence):
    """Move the date to where the test planned it (after the bookings were taken)."""
    start = occurrence.planned_start
    Occurrence.objects.filter(pk=occurrence.pk).update(
        start=start,
        end=start + datetime.timedelta(hours=occurrence.planned_hours),
        original_date=start.date(),
    )


def book(occurrence, times=1, attended=0, **answers):
    """``times`` bookings with the same answers; the first ``attended`` are checked in."""
    bookings = []
    answers = {"nickname": "匿名", **answers}
    for index in range(times):
        booking, _token = registration.register(occurrence.pk, **answers)
        if index < attended:
            registration.check_in(booking.pk)
        bookings.append(booking)
    return bookings


@pytest.fixture
def world(db):
    tree = build_site_tree()
    a = add_partner("家族会A", "family_association", slug="org-a", editors=["a@example.jp"])
    b = add_partner("当事者会B", "peer_group", slug="org-b", editors=["b@example.jp"])
    for result in (a, b):
        result.organisation.save_revision().publish()
    staff = get_user_model().objects.create_user("staff", "staff@example.jp", "pw")
    staff.groups.add(ensure_ward_staff())
    return World(tree, a.organisation, b.organisation, a.editors[0], b.editors[0], staff)
