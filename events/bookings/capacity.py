"""Seats: registration, cancellation, the waiting list, lotteries and appointment slots.

Every change happens inside one transaction that first locks the occurrence row
(``SELECT … FOR UPDATE`` on PostgreSQL; on SQLite the IMMEDIATE transaction already holds
the database's write lock) and then re-counts the seats. So capacity is never exceeded,
whatever arrives at the same time.
"""

import datetime
import random
import secrets

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..schedules import TOKYO
from .models import Booking, BookingMode, BookingStatus, Channel
from .tokens import new_code, new_token

# The concurrency tests switch this off once, to prove they can see an oversell.
LOCKING = True
FEW_PLACES = 5  # below this, the public sees "残りわずか", never a number


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


def registration_window(occurrence):
    """``(opens_at, closes_at)`` of an occurrence, from its event's settings."""
    event = occurrence.event
    start_local = occurrence.start.astimezone(TOKYO)
    opens = None
    if event.booking_opens_days_before is not None:
        opens_day = start_local.date() - datetime.timedelta(days=event.booking_opens_days_before)
        opens = datetime.datetime.combine(opens_day, datetime.time(0, 0), tzinfo=TOKYO)
    close_day = start_local.date() - datetime.timedelta(days=event.booking_closes_days_before)
    closes = datetime.datetime.combine(close_day, event.booking_closes_time, tzinfo=TOKYO)
    return opens, min(closes, occurrence.start)


def registration_state(occurrence, now=None):
    """ "not_needed", "cancelled", "past", "not_open", "closed" or "open"."""
    now = now or timezone.now()
    event = occurrence.event
    if event is None or event.booking_mode == BookingMode.NONE:
        return "not_needed"
    if occurrence.is_cancelled:
        return "cancelled"
    if occurrence.start <= now:
        return "past"
    if occurrence.registration_closed:
        return "closed"
    opens, closes = registration_window(occurrence)
    if opens is not None and now < opens:
        return "not_open"
    if now >= closes:
        return "closed"
    return "open"


def capacity_of(occurrence):
    return occurrence.event.capacity if occurrence.event_id else None


def party_limit(occurrence):
    """The most people one booking may hold: the event's limit, and never more than the
    capacity (a party that can never fit would block the waiting list for good)."""
    event = occurrence.event
    capacity = capacity_of(occurrence)
    return min(event.max_party_size, capacity) if capacity else event.max_party_size


def _can_promote(occurrence, now):
    """Seats freed on a withdrawn, cancelled or past date go to nobody."""
    return (
        occurrence.event_id is not None and not occurrence.is_cancelled and occurrence.start > now
    )


def seats_taken(occurrence):
    """People with a confirmed place."""
    total = occurrence.bookings.filter(status=BookingStatus.CONFIRMED).aggregate(
        n=Sum("party_size")
    )["n"]
    return total or 0


def availability(occurrence, now=None):
    """What the public may see: a label, never a list and never an exact count below 5."""
    state = registration_state(occurrence, now)
    if state != "open":
        return state, {
            "not_needed": _("No booking needed"),
            "cancelled": _("Cancelled"),
            "past": _("Finished"),
            "not_open": _("Registration not open yet"),
            "closed": _("Registration closed"),
        }[state]
    event = occurrence.event
    if event.booking_mode == BookingMode.LOTTERY and not occurrence.lottery_drawn_at:
        return "lottery", _("Lottery: apply before the closing time")
    if event.booking_mode == BookingMode.APPOINTMENT:
        free = free_slots(occurrence)
        if not free:
            return "full", _("Full")
        if len(free) < 3:
            return "few", _("Only a few places left")
        return "open", _("Places available")
    capacity = capacity_of(occurrence)
    if capacity is None:
        return "open", _("Places available")
    remaining = capacity - seats_taken(occurrence)
    if remaining <= 0:
        return "waiting", _("Full: you can join the waiting list")
    if remaining < FEW_PLACES:
        return "few", _("Only a few places left")
    return "open", _("Places available")


def current_slots(occurrence):
    """Slots inside the date's current times (older ones are kept only for their bookings)."""
    return occurrence.slots.filter(start__gte=occurrence.start, end__lte=occurrence.end)


def free_slots(occurrence):
    taken = Booking.objects.filter(
        slot__occurrence=occurrence, status=BookingStatus.CONFIRMED
    ).values("slot_id")
    return list(current_slots(occurrence).exclude(pk__in=taken).order_by("start"))


def _lock(occurrence_id):
    from ..models import Occurrence

    queryset = Occurrence.objects.select_related("event")
    if LOCKING:
        queryset = queryset.select_for_update(of=("self",))
    return queryset.get(pk=occurrence_id)


def register(occurrence_id, *, party_size=1, slot_id=None, channel=Channel.WEB, now=None, **data):
    """Take a booking. Returns ``(booking, token)``; raises ``BookingRefused``.

    Web registrations must respect the registration window; staff (phone, walk-in) may
    add people outside it but never beyond capacity.
    """
    now = now or timezone.now()
    with transaction.atomic():
        occurrence = _lock(occurrence_id)
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
            taken = seats_taken(occurrence)
            waiting = occurrence.bookings.filter(status=BookingStatus.WAITING).exists()
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
        _notify(booking, "confirmation")
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
        occurrence = _lock(booking.occurrence_id)
        booking = Booking.objects.select_for_update().get(pk=booking_id) if LOCKING else booking
        if booking.status == BookingStatus.CANCELLED:
            return []
        booking.status = BookingStatus.CANCELLED
        booking.cancelled_at = now
        booking.save(update_fields=["status", "cancelled_at", "updated_at"])
        if by_staff:
            _notify(booking, "cancelled_by_staff")
        if not _can_promote(occurrence, now):
            return []
        return promote_waiting_list(occurrence, now)


def change_party_size(booking_id, party_size, now=None):
    """Change the number of people; a larger party must still fit."""
    now = now or timezone.now()
    with transaction.atomic():
        booking = Booking.objects.get(pk=booking_id)
        occurrence = _lock(booking.occurrence_id)
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
            waiting = occurrence.bookings.filter(status=BookingStatus.WAITING).exists()
            if capacity is not None:
                others = seats_taken(occurrence) - booking.party_size
                if waiting or others + party_size > capacity:
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
        _notify(waiting, "promoted")
    return promoted


def draw_lottery(occurrence_id, seed=None, now=None):
    """Draw the lottery: priority groups first (ward residents, first-timers, as the event
    says), then a seeded shuffle, filling places in that order. The seed and the order are
    written to the occurrence so the draw can be checked and repeated."""
    now = now or timezone.now()
    with transaction.atomic():
        occurrence = _lock(occurrence_id)
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
            _notify(booking, "lottery_result")
        occurrence.lottery_drawn_at = now
        occurrence.lottery_log = "\n".join(log)
        occurrence.registration_closed = True
        occurrence.save(
            update_fields=["lottery_drawn_at", "lottery_log", "registration_closed", "updated_at"]
        )
        return winners


def check_in(booking_id, now=None):
    """Mark a booking as arrived. Checking in twice changes nothing."""
    now = now or timezone.now()
    updated = Booking.objects.filter(
        pk=booking_id, checked_in_at__isnull=True, status=BookingStatus.CONFIRMED
    ).update(checked_in_at=now)
    return bool(updated)


def _notify(booking, kind):
    from .mail import queue_mail

    queue_mail(booking, kind)


def ensure_slots(occurrence):
    """Divide an appointment occurrence into slots (length and break from the event).
    Slots that have a booking are kept even when the times change."""
    from .models import AppointmentSlot

    event = occurrence.event
    if event is None or event.booking_mode != BookingMode.APPOINTMENT or occurrence.all_day:
        return []
    length = datetime.timedelta(minutes=max(event.slot_minutes, 5))
    step = length + datetime.timedelta(minutes=event.slot_break_minutes)
    wanted = []
    start = occurrence.start
    while start + length <= occurrence.end:
        wanted.append(start)
        start += step
    existing = {slot.start: slot for slot in occurrence.slots.all()}
    booked = set(
        Booking.objects.filter(slot__occurrence=occurrence).values_list("slot__start", flat=True)
    )
    stale = [s.pk for when, s in existing.items() if when not in wanted and when not in booked]
    AppointmentSlot.objects.filter(pk__in=stale).delete()
    AppointmentSlot.objects.bulk_create(
        [
            AppointmentSlot(occurrence=occurrence, start=when, end=when + length)
            for when in wanted
            if when not in existing
        ]
    )
    return list(occurrence.slots.order_by("start"))


def draw_due_lotteries(now=None):
    """Draw every lottery whose registration has closed and whose date is still ahead
    (run every few minutes: ``manage.py draw_lotteries`` or its task)."""
    from ..models import Occurrence

    now = now or timezone.now()
    drawn = 0
    candidates = Occurrence.objects.filter(
        event__booking_mode=BookingMode.LOTTERY,
        lottery_drawn_at__isnull=True,
        start__gt=now,
        status__in=["scheduled", "moved"],
    ).select_related("event")
    for occurrence in candidates:
        _opens, closes = registration_window(occurrence)
        if closes <= now or occurrence.registration_closed:
            draw_lottery(occurrence.pk, now=now)
            drawn += 1
    return drawn
