"""An installation that purged under the old scheme (rows blanked, counts by fiscal year and
category only) migrates to the new one: the blanked rows and their mails are deleted, the
old counts move to the finer counters where the rows tell month and organisation, and no
total changes."""

import datetime

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

import pytest

from events.schedules import TOKYO

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("events", "0013_counters_by_month_and_organisation")]
AFTER = [("events", "0015_remove_booking_erasure_marks")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def latest():
    """Every app's latest migration (the schema the rest of the suite expects)."""
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


@pytest.fixture
def at_latest_schema():
    yield
    migrate(latest())  # whatever the test did, leave the database at the latest schema


def test_old_counts_move_to_the_new_counters_and_blanked_rows_go(at_latest_schema):
    from events.factories import publish_event
    from tests.conftest import build_site_tree

    tree = build_site_tree()
    event = publish_event(tree.ward, start_date=datetime.date(2026, 1, 1))
    event.co_hosts = [tree.family]
    event.save_revision().publish()

    apps = migrate(BEFORE)
    Booking = apps.get_model("events", "Booking")
    AttendanceCounter = apps.get_model("events", "AttendanceCounter")
    Occurrence = apps.get_model("events", "Occurrence")
    OutgoingMail = apps.get_model("events", "OutgoingMail")
    Occurrence.objects.filter(event_id=event.pk).delete()
    start = datetime.datetime(2026, 1, 10, 14, 0, tzinfo=TOKYO)
    occurrence = Occurrence.objects.create(
        event_id=event.pk,
        original_date=datetime.date(2026, 1, 10),
        start=start,
        end=start + datetime.timedelta(hours=2),
    )
    erased_at = datetime.datetime(2026, 2, 20, tzinfo=TOKYO)

    def blanked(code, size, channel, checked_in, counted=True, status="confirmed"):
        return Booking.objects.create(
            occurrence=occurrence,
            code=code,
            status=status,
            party_size=size,
            channel=channel,
            who="family",
            residence="outside",
            first_time=True,
            checked_in_at=start if checked_in else None,
            personal_data_erased_at=erased_at,
            counted_at=erased_at if counted else None,
        )

    phone = blanked("AAAA1111", 2, "phone", True)
    blanked("BBBB2222", 1, "web", True)
    blanked("CCCC3333", 3, "web", False)
    cancelled = blanked("DDDD4444", 1, "web", False, counted=False, status="cancelled")
    OutgoingMail.objects.create(
        kind="confirmation", booking=phone, subject="ご予約の受付", send_after=start, to=""
    )
    OutgoingMail.objects.create(
        kind="confirmation", booking=cancelled, subject="ご予約の受付", send_after=start
    )
    old = {
        "fiscal_year": 2025,
        "category": "family-gathering",
        "who": "family",
        "residence": "outside",
        "first_time": "yes",
    }
    # The old counters: those three bookings, plus counts from rows that no longer exist
    # (one more attended booking of 4 people in the same combination).
    AttendanceCounter.objects.create(**old, attended=True, bookings=3, people=7)
    AttendanceCounter.objects.create(**old, attended=False, bookings=1, people=3)
    # A booking still holding its data (not purged yet) is left alone.
    Booking.objects.create(
        occurrence=occurrence, code="EEEE5555", status="confirmed", party_size=1, nickname="K"
    )

    migrate(AFTER)

    from events.bookings.models import Booking as CurrentBooking
    from events.bookings.models import OutgoingMail as CurrentMail
    from events.models import AttendanceCounter as Counter

    assert list(CurrentBooking.objects.values_list("code", flat=True)) == ["EEEE5555"]
    assert not CurrentMail.objects.exists()
    rows = {
        (c.month, c.organisation, c.co_hosts, c.attended, c.channel): (c.bookings, c.people)
        for c in Counter.objects.all()
    }
    ward, family = tree.ward.pk, f",{tree.family.pk},"
    assert rows == {
        (1, ward, family, True, "phone"): (1, 2),
        (1, ward, family, True, "web"): (1, 1),
        (1, ward, family, False, "web"): (1, 3),
        # What the rows could not explain stays, under an unknown month and organisation.
        (0, 0, "", True, ""): (1, 4),
    }
    assert all(c.fiscal_year == 2025 for c in Counter.objects.all())
    assert sum(c.people for c in Counter.objects.all()) == 10  # 7 + 3, as before
    assert Counter.objects.filter(organisation=ward).first().organisation_name == tree.ward.title
