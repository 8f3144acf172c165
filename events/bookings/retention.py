"""Data retention: a fixed number of days after its date has ended, a booking is added to
the anonymous counters and deleted, with the mails about it; dates that have ended are
added to the count of dates held.

People who are withdrawn, and their families, often hesitate to leave any trace. We promise
them that what they gave (nickname, e-mail address, municipality, needs) is gone a month
after the event (``BOOKING_RETENTION_DAYS``), and that what stays is only counts. So the
whole row goes, not only its personal fields: a row with a door code, a check-in time and
"family, from outside the ward, first time" for a small meeting can still point at one
person. What the ward must report (how many came, who, from where, first time or not, per
fiscal year, month, category and organisation, and how they booked) is added to
``AttendanceCounter`` in the same transaction (``events.tally``), so the purge never loses
a count and never takes one twice, and the statistics read the same before and after it.

Foreign keys: a booking's mails are deleted with it (their address and body are personal,
their send times per person); a booking only points at its date and slot (both PROTECT the
booking, not the other way round), so deleting it is always allowed. A date without
bookings may later be deleted by a schedule change (``occurrences.is_referenced``); its
count is already in ``OccurrenceCounter``, which points at no row.
"""

import datetime
import logging

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from ..choices import OccurrenceStatus
from ..models.records import Occurrence
from ..schedules import TOKYO
from ..tally import (
    add_to_attendance_counters,
    add_to_occurrence_counters,
    count_bookings,
    count_occurrences,
)
from .models import Booking, OutgoingMail

logger = logging.getLogger(__name__)

DEFAULT_RETENTION_DAYS = 30
# Rows locked and rewritten per transaction: small enough that registrations and check-ins
# waiting on a locked booking never wait long, large enough to finish a year in seconds.
BATCH_SIZE = 200


def retention_days():
    """Days after an occurrence ends before its bookings' personal data is erased.

    Read on every call, not at import, so a changed setting (or a test's ``settings``
    fixture) takes effect without a restart of the worker's module state.
    """
    days = getattr(settings, "BOOKING_RETENTION_DAYS", DEFAULT_RETENTION_DAYS)
    if isinstance(days, bool) or not isinstance(days, int) or days < 0:
        raise ImproperlyConfigured("BOOKING_RETENTION_DAYS must be a whole number of days ≥ 0.")
    return days


def _cutoff(now):
    return now - datetime.timedelta(days=retention_days())


def _due(now):
    """Bookings whose date ended more than the retention period before ``now``."""
    return Booking.objects.filter(occurrence__end__lt=_cutoff(now))


def _purge_batch(now, batch_size):
    """Count and delete one batch in one transaction; returns ``(deleted, counted)``.

    The bookings are locked (``SELECT … FOR UPDATE`` of the booking rows only, on
    PostgreSQL; SQLite's IMMEDIATE transaction already holds the write lock), so a
    concurrent purge waits and then no longer finds them, and a concurrent cancellation
    or check-in cannot change a booking between counting and deleting it.
    """
    with transaction.atomic():
        batch = list(
            _due(now)
            .select_for_update(of=("self",))
            .select_related("occurrence__event__category", "occurrence__event__host")
            .order_by("pk")[:batch_size]
        )
        if not batch:
            return 0, 0
        # Cancelled, waiting, lottery entries not drawn, or on a cancelled date: deleted,
        # never counted (events.tally.booking_counts).
        found = count_bookings(batch)
        add_to_attendance_counters(found)
        ids = [booking.pk for booking in batch]
        OutgoingMail.objects.filter(booking_id__in=ids).delete()
        Booking.objects.filter(pk__in=ids).delete()
        return len(ids), sum(bookings for bookings, _people, _name in found.values())


def _count_dates_batch(now, batch_size):
    """Add one batch of dates that have ended to ``OccurrenceCounter`` and mark them
    counted; returns how many were counted. Dates hold nothing personal, so they are
    counted at the first run after they end, not after the retention period: a later
    change of schedule can no longer take a date that took place out of the figures."""
    with transaction.atomic():
        batch = list(
            Occurrence.objects.filter(counted=False, event__isnull=False, end__lte=now)
            .exclude(status=OccurrenceStatus.CANCELLED)
            .select_for_update(of=("self",))
            .select_related("event__category", "event__host")
            .order_by("pk")[:batch_size]
        )
        if not batch:
            return 0
        add_to_occurrence_counters(count_occurrences(batch))
        # update(): the row's updated_at (the feeds' Last-Modified) is left alone.
        Occurrence.objects.filter(pk__in=[o.pk for o in batch]).update(counted=True)
        return len(batch)


def purge_personal_data(now=None, batch_size=BATCH_SIZE):
    """Delete every booking whose date ended more than ``retention_days()`` ago, first
    adding the confirmed ones to the anonymous counters; then count the dates that have
    ended.

    Idempotent: deleted bookings and counted dates are not found again, so a second run
    changes nothing. Works in batches, each its own transaction, so a long backlog never
    holds locks for long and an interruption keeps what was done. Returns
    ``{"erased": bookings deleted, "counted": of which counted, "dates": dates counted}``;
    nothing personal is logged.
    """
    now = now or timezone.now()
    erased = counted = dates = 0
    while True:
        batch_erased, batch_counted = _purge_batch(now, batch_size)
        if not batch_erased:
            break
        erased += batch_erased
        counted += batch_counted
    while batch_dates := _count_dates_batch(now, batch_size):
        dates += batch_dates
    if erased or dates:
        logger.info(
            "deleted %d bookings (%d counted), counted %d dates held", erased, counted, dates
        )
    return {"erased": erased, "counted": counted, "dates": dates}


def pending_erasure_summary(event, now=None):
    """For the admin: how many of an event's bookings are held (every booking holds
    personal data until it is deleted) and when the next of them are due to be deleted.

    ``next_erasure`` is the Tokyo date on which the earliest-ended occurrence with bookings
    passes the retention period (``None`` when nothing is held); if it is already past,
    the next purge run deletes them. ``overdue`` says so, so the admin can show that the
    purge is not running.
    """
    now = now or timezone.now()
    held = Booking.objects.filter(occurrence__event=event)
    earliest_end = held.aggregate(end=Min("occurrence__end"))["end"]
    next_erasure = overdue = None
    if earliest_end is not None:
        due_at = earliest_end + datetime.timedelta(days=retention_days())
        next_erasure = due_at.astimezone(TOKYO).date()
        overdue = due_at < now
    return {"held": held.count(), "next_erasure": next_erasure, "overdue": bool(overdue)}
