"""Which bookings and dates a staff member may see: ward staff (``view_all_bookings``) see
all; a partner's editors see those of events their organisation hosts or co-hosts. The one
rule behind the bookings list, its exports, the desk and the statistics."""

from home.partners import organisations_of

from ..models import EventPage, Occurrence
from .models import Booking


def _events_of(user):
    return EventPage.hosted_by(organisations_of(user))


def scoped_bookings(user, queryset=None):
    """The bookings ``user`` may see: ward staff (``view_all_bookings``) see all; a
    partner's editors see those of events their organisation hosts or co-hosts."""
    queryset = Booking.objects.all() if queryset is None else queryset
    if not user.is_active or not user.has_perm("events.view_booking"):
        return queryset.none()
    if user.is_superuser or user.has_perm("events.view_all_bookings"):
        return queryset
    return queryset.filter(occurrence__event__in=_events_of(user).values("pk"))


def scoped_occurrences(user):
    occurrences = Occurrence.objects.filter(event__isnull=False)
    if user.is_superuser or user.has_perm("events.view_all_bookings"):
        return occurrences
    return occurrences.filter(event__in=_events_of(user).values("pk"))
