"""The booking service: take, cancel, resize and promote bookings, check people in, and
close or reopen a date's registration.

Every change runs in one transaction that first locks the occurrence (``locking``) and
then re-counts the seats, so capacity is never exceeded whatever arrives at the same time.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from ..choices import BookingMode, BookingStatus, Channel
from . import locking
from .availability import (
    capacity_of,
    current_slots,
    party_limit,
    registration_state,
    seats_and_waiting,
    seats_taken,
)
from .mail import queue_mail
from .models import Booking
from .tokens import new_code, new_token


class BookingRefused(Exception):
    """A registration that cannot be taken, with the reason in the visitor's language."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message


REASONS = {
    "not_needed": gettext_lazy("This event needs no booking: just come along."),
    "cancelled": gettext_lazy("This date has been cancelled."),
    "not_open": gettext_lazy("Registration has not opened yet."),
    "closed": gettext_lazy("Registration for this date has closed."),
    "past": gettext_lazy("This date has already taken place."),
    "too_many": gettext_lazy("Too many people for one booking: at most %(max)d."),
    "full": gettext_lazy("Sorry, this date is full."),
    "slot_taken": gettext_lazy("Sorry, that time has just been taken. Please choose another."),
    "no_slot": gettext_lazy("Please choose a time."),
}


def refuse(code, **params):
    message = str(REASONS[code])
    raise BookingRefused(code, message % params if params else message)


def _pause():
    """A hook between counting seats and writing the booking (tests widen the race)."""


def _can_promote(occurrence, now):
    """Seats freed on a withdrawn, cancelled or past date go to nobody."""
    return (
        occurrence.event_id is not None and not occurrence.is_cancelled and occurrence.start > now
    )


def register(occurrence_id, *, party_size=1, slot_id=None, channel=Channel.WEB, now=None, **data):
    """Take a booking. Returns ``(booking, token)``; raises ``BookingRefused``.

    Web registrations must respect the registration window; staff (phone, walk-in) may
    add people outside it but never beyond capacity.
    """
    now = now or timezone.now()
    with transaction.atomic():
        occurrence = locking.lock_occurrence(occurrence_id)
        event = occurrence.event
        state = registration_state(occurrence, now)
        if state in {"not_needed", "cancelled"}:
            refuse(state)
        if channel == Channel.WEB:
            if state != "open":
                refuse(state)
            if event.booking_mode == BookingMode.LOTTERY and occurrence.lottery_drawn_at:
                refuse("closed")  # after the draw, places go to those who entered
        elif occurrence.end <= now:
            refuse("past")  # the desk may add people until the meeting ends
        limit = party_limit(occurrence)
        if party_size < 1 or party_size > limit:
            refuse("too_many", max=limit)
        slot = None
        if event.booking_mode == BookingMode.APPOINTMENT:
            if slot_id is None:
                refuse("no_slot")
            slot = current_slots(occurrence).filter(pk=slot_id).first()
            if slot is None:
                refuse("no_slot")
            _pause()
            if slot.bookings.filter(status=BookingStatus.CONFIRMED).exists():
                refuse("slot_taken")
            status = BookingStatus.CONFIRMED
        elif event.booking_mode == BookingMode.LOTTERY and not occurrence.lottery_drawn_at:
            status = BookingStatus.LOTTERY
        else:
            capacity = capacity_of(occurrence)
            taken, waiting = seats_and_waiting(occurrence)
            _pause()
            if capacity is None or (taken + party_size <= capacity and not waiting):
                status = BookingStatus.CONFIRMED
            elif channel != Channel.WEB:
                refuse("full")
            else:
                status = BookingStatus.WAITING
        token, token_hash = new_token()
        booking = _create(
            occurrence=occurrence,
            slot=slot,
            status=status,
            party_size=party_size,
            channel=channel,
            token_hash=token_hash,
            confirmed_at=now if status == BookingStatus.CONFIRMED else None,
            **data,
        )
        queue_mail(booking, "confirmation", token=token)
    return booking, token


def _create(**fields):
    for _attempt in range(10):
        try:
            with transaction.atomic():
                return Booking.objects.create(code=new_code(), **fields)
        except IntegrityError:
            continue  # a code collision: draw again
    raise RuntimeError("could not allocate a booking code")


def cancel(booking_id, now=None, by_staff=False):
    """Cancel a booking and give its seats to the waiting list, in order, in the same
    transaction. Returns the bookings promoted."""
    now = now or timezone.now()
    with transaction.atomic():
        booking = Booking.objects.get(pk=booking_id)
        occurrence = locking.lock_occurrence(booking.occurrence_id)
        if locking.LOCKING:
            booking = Booking.objects.select_for_update().get(pk=booking_id)
        if booking.status == BookingStatus.CANCELLED:
            return []
        booking.status = BookingStatus.CANCELLED
        booking.cancelled_at = now
        booking.save(update_fields=["status", "cancelled_at", "updated_at"])
        if by_staff:
            queue_mail(booking, "cancelled_by_staff")
        if not _can_promote(occurrence, now):
            return []
        return promote_waiting_list(occurrence, now)


def change_party_size(booking_id, party_size, now=None):
    """Change the number of people; a larger party must still fit."""
    now = now or timezone.now()
    with transaction.atomic():
        booking = Booking.objects.get(pk=booking_id)
        occurrence = locking.lock_occurrence(booking.occurrence_id)
        booking.refresh_from_db()
        if not _can_promote(occurrence, now) or not booking.is_active:
            refuse("closed")
        limit = party_limit(occurrence)
        if party_size < 1 or party_size > limit:
            refuse("too_many", max=limit)
        if booking.status == BookingStatus.CONFIRMED and party_size > booking.party_size:
            if registration_state(occurrence, now) != "open":
                refuse("closed")
            capacity = capacity_of(occurrence)
            if capacity is not None:
                taken, waiting = seats_and_waiting(occurrence)
                if waiting or taken - booking.party_size + party_size > capacity:
                    refuse("full")  # growing must not jump the waiting list
        booking.party_size = party_size
        booking.save(update_fields=["party_size", "updated_at"])
        return promote_waiting_list(occurrence, now)


def promote_waiting_list(occurrence, now=None):
    """Confirm waiting bookings, oldest first, while they fit (call under the lock)."""
    capacity = capacity_of(occurrence)
    promoted = []
    taken = seats_taken(occurrence)
    for waiting in occurrence.bookings.filter(status=BookingStatus.WAITING).order_by(
        "created_at", "pk"
    ):
        if capacity is not None and taken + waiting.party_size > capacity:
            break  # strict order: nobody jumps the queue
        waiting.status = BookingStatus.CONFIRMED
        waiting.confirmed_at = now or timezone.now()
        waiting.save(update_fields=["status", "confirmed_at", "updated_at"])
        taken += waiting.party_size
        promoted.append(waiting)
        queue_mail(waiting, "promoted")
    return promoted


def check_in(booking_id, now=None):
    """Mark a booking as arrived. Checking in twice changes nothing."""
    now = now or timezone.now()
    updated = Booking.objects.filter(
        pk=booking_id, checked_in_at__isnull=True, status=BookingStatus.CONFIRMED
    ).update(checked_in_at=now)
    return bool(updated)


def set_registration_closed(occurrence_id, closed):
    """Staff close or reopen a date's registration, under the same lock as bookings, so
    a registration in flight either lands before the close or is refused by it."""
    with transaction.atomic():
        occurrence = locking.lock_occurrence(occurrence_id)
        if occurrence.registration_closed != closed:
            occurrence.registration_closed = closed
            occurrence.save(update_fields=["registration_closed", "updated_at"])
        return occurrence
