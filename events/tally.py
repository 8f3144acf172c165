"""The shape of the yearly statistics, in one place: what a date and a booking are
counted under, which bookings count, and adding them to the anonymous counters.

Both the retention purge (which adds bookings and dates to ``AttendanceCounter`` and
``OccurrenceCounter`` before deleting the bookings) and the statistics (which count the
bookings and dates not purged yet on the fly) use these functions, so a figure is the
same before and after a purge.
"""

import datetime
from dataclasses import dataclass

from django.db.models import F
from django.utils import timezone

from .choices import BookingStatus
from .models.counters import AttendanceCounter, OccurrenceCounter, co_host_key
from .models.records import Occurrence
from .schedules import TOKYO


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


def fiscal_year_bounds(year):
    """``[1 April year, 1 April year+1)`` in Tokyo, as aware datetimes."""
    start = datetime.datetime(year, 4, 1, tzinfo=TOKYO)
    return start, start.replace(year=year + 1)


@dataclass(frozen=True)
class Attribution:
    """What one date is counted under."""

    fiscal_year: int
    month: int
    category: str
    organisation: int
    organisation_name: str
    co_hosts: str

    @property
    def key(self):
        """In ``OccurrenceCounter.KEY`` order."""
        return (self.fiscal_year, self.month, self.category, self.organisation, self.co_hosts)


def attributions(occurrences):
    """``{occurrence_id: Attribution}`` for occurrences loaded with
    ``select_related("event__category", "event__host")``; the co-hosts in one query."""
    occurrences = list(occurrences)
    co_hosts = {}
    with_events = [o.pk for o in occurrences if o.event_id]
    if with_events:
        pairs = Occurrence.objects.filter(pk__in=with_events, event__co_hosts__isnull=False)
        for occurrence_id, organisation_id in pairs.values_list("pk", "event__co_hosts"):
            co_hosts.setdefault(occurrence_id, set()).add(organisation_id)
    result = {}
    for occurrence in occurrences:
        local = occurrence.start.astimezone(TOKYO)
        event = occurrence.event if occurrence.event_id else None
        host = event.host if event is not None and event.host_id else None
        result[occurrence.pk] = Attribution(
            fiscal_year=fiscal_year(local),
            month=local.month,
            category=event.category.slug if event is not None and event.category_id else "",
            organisation=host.pk if host is not None else 0,
            organisation_name=host.title if host is not None else "",
            co_hosts=co_host_key(co_hosts.get(occurrence.pk, set()) - {host.pk if host else 0}),
        )
    return result


def booking_counts(booking, occurrence):
    """Whether a booking is in the statistics: confirmed, for a date that was not
    cancelled, or checked in (the person was there, even if the date was marked cancelled
    afterwards by a change of schedule). Waiting, lottery entries not drawn and cancelled
    bookings are not."""
    if booking.status != BookingStatus.CONFIRMED:
        return False
    return not occurrence.is_cancelled or booking.checked_in_at is not None


def occurrence_counts(occurrence):
    """Whether a date is counted as held: one of our own events, not cancelled."""
    return occurrence.event_id is not None and not occurrence.is_cancelled


def attendance_key(attribution, booking):
    """In ``AttendanceCounter.KEY`` order."""
    first_time = {True: "yes", False: "no"}.get(booking.first_time, "")
    return (
        *attribution.key,
        booking.who or "",
        booking.residence or "",
        first_time,
        booking.checked_in_at is not None,
        booking.channel or "",
    )


def count_bookings(bookings, found=None):
    """Add counted ``bookings`` (loaded with their occurrence, event, category and host)
    to ``found``: ``{key: [bookings, people, organisation_name]}``."""
    found = {} if found is None else found
    bookings = list(bookings)
    by_occurrence = attributions({b.occurrence_id: b.occurrence for b in bookings}.values())
    for booking in bookings:
        if not booking_counts(booking, booking.occurrence):
            continue
        attribution = by_occurrence[booking.occurrence_id]
        entry = found.setdefault(
            attendance_key(attribution, booking), [0, 0, attribution.organisation_name]
        )
        entry[0] += 1
        entry[1] += booking.party_size
    return found


def count_occurrences(occurrences, found=None):
    """Add held ``occurrences`` to ``found``: ``{key: [held, organisation_name]}``."""
    found = {} if found is None else found
    occurrences = [o for o in occurrences if occurrence_counts(o)]
    for attribution in attributions(occurrences).values():
        entry = found.setdefault(attribution.key, [0, attribution.organisation_name])
        entry[0] += 1
    return found


def add_to_attendance_counters(found):
    """Add ``count_bookings``' result to the stored counters.

    ``get_or_create`` makes sure the row exists (it retries the read if a concurrent run
    inserted it first) and the increment is a single ``UPDATE … SET n = n + x``, so two
    runs at the same time never overwrite each other's counts."""
    for key, (bookings, people, name) in found.items():
        counter, _created = AttendanceCounter.objects.get_or_create(
            **dict(zip(AttendanceCounter.KEY, key, strict=True))
        )
        AttendanceCounter.objects.filter(pk=counter.pk).update(
            bookings=F("bookings") + bookings, people=F("people") + people, organisation_name=name
        )


def add_to_occurrence_counters(found):
    for key, (held, name) in found.items():
        counter, _created = OccurrenceCounter.objects.get_or_create(
            **dict(zip(OccurrenceCounter.KEY, key, strict=True))
        )
        OccurrenceCounter.objects.filter(pk=counter.pk).update(
            held=F("held") + held, organisation_name=name
        )
