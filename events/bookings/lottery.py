"""Lotteries: drawn when registration closes (or from the desk), priority groups first,
then a seeded shuffle that is written down so the draw can be checked and repeated."""

import random
import secrets

from django.db import transaction
from django.utils import timezone

from ..choices import BookingMode, BookingStatus, OccurrenceStatus
from ..models.records import Occurrence
from . import locking
from .availability import capacity_of, registration_window, seats_taken
from .mail import queue_mail


def draw_lottery(occurrence_id, seed=None, now=None):
    """Draw the lottery: priority groups first (ward residents, first-timers, as the event
    says), then a seeded shuffle, filling places in that order. The seed and the order are
    written to the occurrence so the draw can be checked and repeated."""
    now = now or timezone.now()
    with transaction.atomic():
        occurrence = locking.lock_occurrence(occurrence_id)
        if occurrence.lottery_drawn_at:
            return []
        event = occurrence.event
        seed = seed if seed is not None else secrets.randbits(64)
        entries = list(
            occurrence.bookings.filter(status=BookingStatus.LOTTERY).order_by("created_at", "pk")
        )
        rng = random.Random(seed)  # noqa: S311  (fairness, not secrecy; the seed is published)
        rng.shuffle(entries)

        def priority(booking):
            rank = 0
            if event.lottery_residents_first and booking.residence != "ward":
                rank += 2
            if event.lottery_first_timers_first and booking.first_time is not True:
                rank += 1
            return rank

        entries.sort(key=priority)  # stable: the shuffle decides within a group
        capacity = capacity_of(occurrence)
        taken = seats_taken(occurrence)
        log = [f"seed={seed}", f"capacity={capacity}", f"drawn_at={now.isoformat()}"]
        winners = []
        for position, booking in enumerate(entries, start=1):
            fits = capacity is None or taken + booking.party_size <= capacity
            booking.status = BookingStatus.CONFIRMED if fits else BookingStatus.NOT_DRAWN
            if fits:
                booking.confirmed_at = now
                taken += booking.party_size
                winners.append(booking)
            booking.save(update_fields=["status", "confirmed_at", "updated_at"])
            log.append(f"{position} {booking.code} {booking.party_size} {booking.status}")
            queue_mail(booking, "lottery_result")
        occurrence.lottery_drawn_at = now
        occurrence.lottery_log = "\n".join(log)
        occurrence.registration_closed = True
        occurrence.save(
            update_fields=["lottery_drawn_at", "lottery_log", "registration_closed", "updated_at"]
        )
        return winners


def draw_due_lotteries(now=None):
    """Draw every lottery whose registration has closed and whose date is still ahead
    (run every few minutes: ``manage.py draw_lotteries`` or its task)."""
    now = now or timezone.now()
    drawn = 0
    candidates = Occurrence.objects.filter(
        event__booking_mode=BookingMode.LOTTERY,
        lottery_drawn_at__isnull=True,
        start__gt=now,
        status__in=[OccurrenceStatus.SCHEDULED, OccurrenceStatus.MOVED],
    ).select_related("event")
    for occurrence in candidates:
        _opens, closes = registration_window(occurrence)
        if closes <= now or occurrence.registration_closed:
            draw_lottery(occurrence.pk, now=now)
            drawn += 1
    return drawn
