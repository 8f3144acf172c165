"""What a date offers: its registration window and state, the seats taken and what the
public may see of them. Read-only; the booking services call these under their lock.

``availability_for`` answers for many dates with a constant number of queries (the event
page and the desk list ask for a dozen or a hundred at once); it is the one place where
what the public sees of seats is decided.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from ..choices import BOOKING_MODE_SHORT, BookingMode, BookingStatus
from ..schedule_text import format_moment_ja
from ..schedules import TOKYO
from .models import AppointmentSlot, Booking

FEW_PLACES = 5  # below this, the public sees "残りわずか", never a number
FEW_SLOTS = 3


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
    if event is None or not event.takes_bookings:
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


def seats_taken(occurrence):
    """People with a confirmed place on one date."""
    return seats_taken_for([occurrence])[occurrence.pk]


def seats_taken_for(occurrences):
    """``{occurrence_id: people confirmed}`` for many dates, in one query."""
    ids = [o.pk for o in occurrences]
    totals = dict.fromkeys(ids, 0)
    rows = (
        Booking.objects.filter(occurrence_id__in=ids, status=BookingStatus.CONFIRMED)
        .values("occurrence_id")
        .annotate(people=Sum("party_size"))
    )
    for row in rows:
        totals[row["occurrence_id"]] = row["people"] or 0
    return totals


def seats_and_waiting(occurrence):
    """``(people confirmed, whether anyone is waiting)`` for one date, in one query (what
    a registration or a change of party size asks under the lock)."""
    counts = desk_counts_for([occurrence])[occurrence.pk]
    return counts["confirmed"], counts["waiting"] > 0


def current_slots(occurrence):
    """Slots inside the date's current times (older ones are kept only for their bookings)."""
    return occurrence.slots.filter(start__gte=occurrence.start, end__lte=occurrence.end)


def free_slots(occurrence):
    taken = Booking.objects.filter(
        slot__occurrence=occurrence, status=BookingStatus.CONFIRMED
    ).values("slot_id")
    return list(current_slots(occurrence).exclude(pk__in=taken).order_by("start"))


def _free_slot_counts(occurrences):
    ids = [o.pk for o in occurrences]
    counts = dict.fromkeys(ids, 0)
    if not ids:
        return counts
    rows = (
        AppointmentSlot.objects.filter(occurrence_id__in=ids)
        .exclude(bookings__status=BookingStatus.CONFIRMED)
        .values("occurrence_id", "start", "end")
    )
    bounds = {o.pk: (o.start, o.end) for o in occurrences}
    for row in rows:
        start, end = bounds[row["occurrence_id"]]
        if row["start"] >= start and row["end"] <= end:
            counts[row["occurrence_id"]] += 1
    return counts


# The states in which the public form takes registrations.
OPEN_STATES = frozenset({"open", "few", "waiting", "lottery"})

STATE_LABELS = {
    "not_needed": lambda: _("No booking needed"),
    "cancelled": lambda: _("Cancelled"),
    "past": lambda: _("Finished"),
    "not_open": lambda: _("Registration not open yet"),
    "closed": lambda: _("Registration closed"),
    "lottery": lambda: _("Taking lottery entries"),
    "full": lambda: _("Full"),
    "few": lambda: _("Only a few places left"),
    "open": lambda: _("Places available"),
    "waiting": lambda: _("Full: taking waiting-list entries"),
}


@dataclass(frozen=True)
class Availability:
    """What the public may see of one date's registration, in the words Japanese event
    sites use: the mode, the capacity, the window, the draw and the seats (「残り8席」 from
    ``FEW_PLACES`` up, 「残りわずか」 below, never a participant list)."""

    state: str
    label: str
    mode: str
    capacity: int | None = None
    opens_at: datetime.datetime | None = None
    closes_at: datetime.datetime | None = None
    drawn_at: datetime.datetime | None = None

    @property
    def is_open(self):
        return self.state in OPEN_STATES

    @property
    def mode_label(self):
        return str(BOOKING_MODE_SHORT[self.mode])

    def window_text(self, today=None):
        """「11月1日（日）〜12月8日（火）17:00」 or 「12月8日（火）17:00まで」."""
        if self.closes_at is None:
            return ""
        today = today or timezone.now().astimezone(TOKYO).date()
        closes = format_moment_ja(self.closes_at, today)
        if self.opens_at is None:
            return _("until %(closes)s") % {"closes": closes}
        return f"{format_moment_ja(self.opens_at, today)}〜{closes}"


def availability(occurrence, now=None):
    """What the public may see of one date (an ``Availability``)."""
    return availability_for([occurrence], now)[occurrence.pk]


def availability_for(occurrences, now=None):
    """``{occurrence_id: Availability}`` for many dates with at most two queries (seats,
    free slots), whatever their number."""
    now = now or timezone.now()
    occurrences = list(occurrences)
    states = {o.pk: registration_state(o, now) for o in occurrences}
    open_ones = [o for o in occurrences if states[o.pk] == "open"]
    counted = [
        o
        for o in open_ones
        if o.event.booking_mode == BookingMode.FIRST_COME
        or (o.event.booking_mode == BookingMode.LOTTERY and o.lottery_drawn_at)
    ]
    taken = seats_taken_for(counted) if counted else {}
    slots = _free_slot_counts(
        [o for o in open_ones if o.event.booking_mode == BookingMode.APPOINTMENT]
    )
    result = {}
    for occurrence in occurrences:
        state = states[occurrence.pk]
        label = None
        if state == "open":
            state, label = _open_state(occurrence, taken, slots)
        result[occurrence.pk] = _availability(occurrence, state, label)
    return result


def _availability(occurrence, state, label):
    event = occurrence.event
    mode = event.booking_mode if event is not None else BookingMode.NONE
    if mode == BookingMode.NONE:
        return Availability(state, label or STATE_LABELS[state](), mode)
    opens, closes = registration_window(occurrence)
    return Availability(
        state,
        label or STATE_LABELS[state](),
        mode,
        capacity=None if mode == BookingMode.APPOINTMENT else capacity_of(occurrence),
        opens_at=opens,
        closes_at=closes,
        drawn_at=occurrence.lottery_drawn_at,
    )


def _open_state(occurrence, taken, slots):
    """``(state, label)`` of a date whose registration is open."""
    event = occurrence.event
    if event.booking_mode == BookingMode.LOTTERY and not occurrence.lottery_drawn_at:
        return "lottery", None
    if event.booking_mode == BookingMode.APPOINTMENT:
        free = slots.get(occurrence.pk, 0)
        if not free:
            return "full", None
        if free < FEW_SLOTS:
            return "few", None
        return "open", _("%(n)d time slots left") % {"n": free}
    capacity = capacity_of(occurrence)
    if capacity is None:
        return "open", None
    remaining = capacity - taken.get(occurrence.pk, 0)
    if remaining <= 0:
        return "waiting", None
    if remaining < FEW_PLACES:
        return "few", None
    return "open", _("%(n)d places left") % {"n": remaining}


def waiting_position(booking):
    """Where a waiting-list entry stands: 1 for the next person to get a place."""
    ahead = Booking.objects.filter(
        occurrence_id=booking.occurrence_id, status=BookingStatus.WAITING
    ).filter(
        Q(created_at__lt=booking.created_at) | Q(created_at=booking.created_at, pk__lt=booking.pk)
    )
    return ahead.count() + 1


def desk_counts_for(occurrences):
    """``{occurrence_id: {"confirmed": people, "waiting": bookings}}`` for the desk's list,
    in one query."""
    ids = [o.pk for o in occurrences]
    counts = {pk: {"confirmed": 0, "waiting": 0} for pk in ids}
    rows = (
        Booking.objects.filter(occurrence_id__in=ids)
        .values("occurrence_id")
        .annotate(
            confirmed=Sum("party_size", filter=Q(status=BookingStatus.CONFIRMED)),
            waiting=Count("pk", filter=Q(status=BookingStatus.WAITING)),
        )
    )
    for row in rows:
        counts[row["occurrence_id"]] = {
            "confirmed": row["confirmed"] or 0,
            "waiting": row["waiting"] or 0,
        }
    return counts
