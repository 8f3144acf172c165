"""Data retention: personal data of a booking is erased a fixed number of days after its
date has ended; only anonymous counters stay, for the ward's yearly statistics.

People who are withdrawn, and their families, often hesitate to leave any trace. We promise
them that the nickname, e-mail address, municipality and needs they gave are gone a month
after the event (``BOOKING_RETENTION_DAYS``), including the copies in the outbox. What the
ward must still report (how many came, who, from where, first time or not, per fiscal
year and category) is added to ``AttendanceCounter`` in the same transaction, so the
erasure never loses a count and a count is never taken twice.
"""

import datetime
import logging

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import F, Min
from django.utils import timezone

from ..schedules import TOKYO
from .models import AttendanceCounter, Booking, BookingStatus, MailStatus, OutgoingMail

logger = logging.getLogger(__name__)

DEFAULT_RETENTION_DAYS = 30
# Rows locked and rewritten per transaction: small enough that registrations and check-ins
# waiting on a locked booking never wait long, large enough to finish a year in seconds.
BATCH_SIZE = 200

# Exactly the fields that can identify someone or reveal their circumstances. Everything
# else on the booking (code, status, party size, who, residence, first time, channel,
# check-in and the other timestamps) is kept: it is what the statistics and the door
# list's history need, and none of it names a person.
ERASED_VALUES = {
    "nickname": "",
    "email": "",
    "municipality": "",
    "needs": "",
    # Without the hash the secret link opens nothing (and the link in old mails is dead).
    "token_hash": None,
}


def retention_days():
    """Days after an occurrence ends before its bookings' personal data is erased.

    Read on every call, not at import, so a changed setting (or a test's ``settings``
    fixture) takes effect without a restart of the worker's module state.
    """
    days = getattr(settings, "BOOKING_RETENTION_DAYS", DEFAULT_RETENTION_DAYS)
    if isinstance(days, bool) or not isinstance(days, int) or days < 0:
        raise ImproperlyConfigured("BOOKING_RETENTION_DAYS must be a whole number of days ≥ 0.")
    return days


def fiscal_year(value):
    """The Japanese fiscal year (年度, April to March) of a date: 2026-03-31 → 2025,
    2026-04-01 → 2026.

    An aware datetime is first turned into the Tokyo date, because a date that starts at
    00:30 on 1 April in Tokyo is still 31 March in UTC and the ward counts by local date.
    """
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = value.astimezone(TOKYO)
        value = value.date()
    return value.year if value.month >= 4 else value.year - 1


def _first_time_key(first_time):
    return {True: "yes", False: "no"}.get(first_time, "")


def _counter_key(booking):
    occurrence = booking.occurrence
    event = occurrence.event
    category = event.category.slug if event is not None and event.category_id else ""
    return (
        fiscal_year(occurrence.start),
        category,
        booking.who or "",
        booking.residence or "",
        _first_time_key(booking.first_time),
        booking.checked_in_at is not None,
    )


def _add_to_counters(totals):
    """Add ``{key: (bookings, people)}`` to the counters.

    ``get_or_create`` makes sure the row exists (it retries the read if a concurrent run
    inserted it first) and the increment is a single ``UPDATE … SET n = n + x`` with
    ``F()``, so two runs at the same time can never overwrite each other's counts.
    """
    for key, (bookings, people) in totals.items():
        year, category, who, residence, first_time, attended = key
        counter, _created = AttendanceCounter.objects.get_or_create(
            fiscal_year=year,
            category=category,
            who=who,
            residence=residence,
            first_time=first_time,
            attended=attended,
        )
        AttendanceCounter.objects.filter(pk=counter.pk).update(
            bookings=F("bookings") + bookings, people=F("people") + people
        )


def _due(now):
    """Bookings still holding personal data whose date ended more than the retention
    period before ``now``."""
    cutoff = now - datetime.timedelta(days=retention_days())
    return Booking.objects.filter(personal_data_erased_at__isnull=True, occurrence__end__lt=cutoff)


def _purge_batch(now, batch_size):
    """Count and erase one batch in one transaction; returns ``(erased, counted)``.

    The bookings are locked (``SELECT … FOR UPDATE`` of the booking rows only, on
    PostgreSQL; SQLite's IMMEDIATE transaction already holds the write lock), so a
    concurrent purge waits and then no longer sees them as due, and a concurrent
    cancellation or check-in cannot change a booking between counting and erasing it.
    """
    with transaction.atomic():
        batch = list(
            _due(now)
            .select_for_update(of=("self",))
            .select_related("occurrence__event__category")
            .order_by("pk")[:batch_size]
        )
        if not batch:
            return 0, 0
        totals = {}
        to_count = []
        for booking in batch:
            if booking.counted_at is not None:
                continue  # already in the statistics
            if booking.status != BookingStatus.CONFIRMED:
                continue  # cancelled, waiting, lottery, not drawn: erased, never counted
            key = _counter_key(booking)
            bookings, people = totals.get(key, (0, 0))
            totals[key] = (bookings + 1, people + booking.party_size)
            to_count.append(booking.pk)
        _add_to_counters(totals)

        ids = [booking.pk for booking in batch]
        Booking.objects.filter(pk__in=to_count).update(counted_at=now)
        Booking.objects.filter(pk__in=ids).update(
            **ERASED_VALUES, personal_data_erased_at=now, updated_at=now
        )
        mails = OutgoingMail.objects.filter(booking_id__in=ids)
        # A queued mail without an address can never be delivered: close it rather than
        # let the worker retry it.
        mails.filter(status=MailStatus.QUEUED).update(status=MailStatus.SKIPPED)
        mails.update(to="", body="")
        return len(ids), len(to_count)


def purge_personal_data(now=None, batch_size=BATCH_SIZE):
    """Erase the personal data of every booking whose date ended more than
    ``retention_days()`` ago, first adding confirmed ones to the anonymous counters.

    Idempotent: erased bookings are no longer due, so a second run changes nothing. Works
    in batches, each its own transaction, so a long backlog never holds locks for long and
    an interruption keeps what was done. Returns ``{"erased": n, "counted": m}``; nothing
    personal is logged.
    """
    now = now or timezone.now()
    erased = counted = 0
    while True:
        batch_erased, batch_counted = _purge_batch(now, batch_size)
        if not batch_erased:
            break
        erased += batch_erased
        counted += batch_counted
    if erased:
        logger.info("erased personal data of %d bookings (%d counted)", erased, counted)
    return {"erased": erased, "counted": counted}


def pending_erasure_summary(event, now=None):
    """For the admin: how many of an event's bookings still hold personal data, when the
    next of them are due to be erased, and how many have been erased.

    ``next_erasure`` is the Tokyo date on which the earliest-ended occurrence with personal
    data passes the retention period (``None`` when nothing is held); if it is already
    past, the next purge run erases them. ``overdue`` says so, so the admin can show that
    the purge is not running.
    """
    now = now or timezone.now()
    bookings = Booking.objects.filter(occurrence__event=event)
    held = bookings.filter(personal_data_erased_at__isnull=True)
    earliest_end = held.aggregate(end=Min("occurrence__end"))["end"]
    next_erasure = overdue = None
    if earliest_end is not None:
        due_at = earliest_end + datetime.timedelta(days=retention_days())
        next_erasure = due_at.astimezone(TOKYO).date()
        overdue = due_at < now
    return {
        "held": held.count(),
        "erased": bookings.filter(personal_data_erased_at__isnull=False).count(),
        "next_erasure": next_erasure,
        "overdue": bool(overdue),
    }
