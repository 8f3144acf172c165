"""Appointment slots: an appointment date divided into one-party slots (e.g. 50 minutes
plus a 10-minute break), kept in step with the date's times by the publishing pipeline."""

import datetime

from ..choices import BookingMode
from .models import AppointmentSlot, Booking


def ensure_slots(occurrence):
    """Divide an appointment occurrence into slots (length and break from the event).
    Slots that have a booking are kept even when the times change."""
    event = occurrence.event
    if event is None or event.booking_mode != BookingMode.APPOINTMENT or occurrence.all_day:
        return
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
