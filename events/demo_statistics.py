"""Demo statistics: a full previous fiscal year and the current one up to today, as the
retention purge would have left them, so the statistics pages show realistic figures.

For every live demo event (and ibasho) the schedule is expanded from the start of the
previous fiscal year to now, as if the series had run since then. Each date that took
place adds one to the dates held and, for events that take bookings, a believable number
of bookings: mostly families at family events and consultations (about 70% of first
consultations are families), many women from other municipalities at the women's meeting,
supporters at the lecture. Numbers come from a generator seeded by the event and the date,
so they are the same on every run.

Idempotent: the counters of the demo's combinations are *set* to these values (a second
run changes nothing), and the existing date rows they cover are marked counted, so the
statistics never count them twice. On a demo site the counters are demo data; do not run
``seed_demo`` on a site with real statistics.
"""

import dataclasses
import datetime
import random

from django.utils import timezone

from .choices import BookingMode, OccurrenceStatus
from .models import AttendanceCounter, Booking, EventPage, Occurrence, OccurrenceCounter
from .models.counters import co_host_key
from .occurrences import apply_exceptions
from .schedules import TOKYO, expand
from .tally import fiscal_year, fiscal_year_bounds

# Who comes, by the event's audience: (who, weight).
WHO = {
    "family": [("family", 70), ("self", 15), ("supporter", 10), ("", 5)],
    "self": [("self", 80), ("family", 8), ("supporter", 4), ("", 8)],
    "supporters": [("supporter", 85), ("family", 5), ("other", 5), ("", 5)],
    "anyone": [("family", 55), ("self", 30), ("supporter", 10), ("", 5)],
}
CHANNELS = [("web", 75), ("phone", 20), ("walk_in", 5)]
# Bookings per date, by the slug of the demo event (others: from capacity).
PER_DATE = {
    "family-gathering": (5, 11),
    "ux-womens-meeting": (8, 16),
    "holiday-consultation": (2, 6),
    "lecture-online": (45, 80),
}


def _pick(generator, weighted):
    values, weights = zip(*weighted, strict=True)
    return generator.choices(values, weights=weights)[0]


def _dates(event, start, now):
    """The dates that took place between ``start`` and ``now``: the schedule's own, and
    before its first date the same rule as if the series had begun at ``start`` (a
    one-off event is repeated once, a year earlier: a lecture like last year's)."""
    schedule = event.schedule
    times = expand(schedule, start, now)
    series_start = datetime.datetime.combine(schedule.start_date, datetime.time(0), tzinfo=TOKYO)
    if series_start > start:
        day = start.date() if schedule.is_recurring else schedule.start_date
        if not schedule.is_recurring:
            day -= datetime.timedelta(days=364)
        shift = day - schedule.start_date
        last = schedule.end_date + shift if schedule.end_date else None
        earlier = dataclasses.replace(schedule, start_date=day, end_date=last)
        times = list(expand(earlier, start, min(now, series_start))) + times
    planned = apply_exceptions(times, list(event.exceptions.all()))
    return [p for p in planned if p.status != OccurrenceStatus.CANCELLED and p.end <= now]


def _bookings(event, generator):
    low, high = PER_DATE.get(event.slug, (3, max(4, min(event.capacity or 10, 20))))
    count = generator.randint(low, high)
    max_party = max(1, min(event.max_party_size, 3))
    for _index in range(count):
        who = _pick(generator, WHO.get(event.audience, WHO["anyone"]))
        outside_share = 0.6 if event.women_only else 0.25
        residence = _pick(
            generator, [("outside", outside_share), ("ward", 0.93 - outside_share), ("", 0.07)]
        )
        first_time = _pick(generator, [("yes", 35), ("no", 55), ("", 10)])
        party = 1 if generator.random() < 0.7 else generator.randint(1, max_party)
        attended = generator.random() < 0.86
        channel = _pick(generator, CHANNELS)
        yield (who, residence, first_time, attended, channel), party


def demo_counts(now=None):
    """``(attendance, held, covered)``: the demo's counters as ``{key: values}`` and the
    occurrence rows they stand for."""
    now = now or timezone.now()
    start, _end = fiscal_year_bounds(fiscal_year(now) - 1)
    attendance, held, covered = {}, {}, set()
    # Dates with real (demo) bookings are counted from those bookings, not invented.
    booked = set(Booking.objects.values_list("occurrence__event_id", "occurrence__original_date"))
    events = (
        EventPage.objects.live()
        .filter(host__live=True)
        .select_related("category", "host")
        .prefetch_related("co_hosts", "exceptions")
    )
    for event in events:
        host = event.host
        co_hosts = co_host_key({o.pk for o in event.co_hosts.all()} - {host.pk})
        category = event.category.slug if event.category_id else ""
        name = host.title
        for planned in _dates(event, start, now):
            local = planned.start.astimezone(TOKYO)
            base = (fiscal_year(local), local.month, category, host.pk, co_hosts)
            entry = held.setdefault(base, [0, name])
            entry[0] += 1
            covered.add((event.pk, planned.original_date))
            if (
                event.booking_mode == BookingMode.NONE
                or (event.pk, planned.original_date) in booked
            ):
                continue
            generator = random.Random(f"{event.slug}:{planned.original_date.isoformat()}")  # noqa: S311
            for answers, party in _bookings(event, generator):
                entry = attendance.setdefault((*base, *answers), [0, 0, name])
                entry[0] += 1
                entry[1] += party
    return attendance, held, covered


def seed_statistics(now=None):
    """Set the demo counters; returns how many dates they hold."""
    now = now or timezone.now()
    attendance, held, covered = demo_counts(now)
    for key, (bookings, people, name) in attendance.items():
        AttendanceCounter.objects.update_or_create(
            **dict(zip(AttendanceCounter.KEY, key, strict=True)),
            defaults={"bookings": bookings, "people": people, "organisation_name": name},
        )
    for key, (count, name) in held.items():
        OccurrenceCounter.objects.update_or_create(
            **dict(zip(OccurrenceCounter.KEY, key, strict=True)),
            defaults={"held": count, "organisation_name": name},
        )
    # The rows of those dates are in the counters now: the statistics must not count them
    # again on the fly.
    by_event = {}
    for event_id, day in covered:
        by_event.setdefault(event_id, []).append(day)
    for event_id, days in by_event.items():
        Occurrence.objects.filter(event_id=event_id, original_date__in=days, counted=False).update(
            counted=True
        )
    return sum(count for count, _name in held.values())
