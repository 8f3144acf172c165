"""The figures of one fiscal year, summed from the anonymous counters plus the bookings and
dates that the retention purge has not reached yet, counted into the same shape on the fly.

A scope limits them to the dates an organisation hosts or co-hosts (for partners); ``None``
is everything (ward staff).
"""

from dataclasses import dataclass, field

from django.utils import timezone

from home.models import OrganisationPage

from ..bookings.models import Booking
from ..choices import OccurrenceStatus
from ..models.counters import (
    UNKNOWN_MONTH,
    AttendanceCounter,
    OccurrenceCounter,
    co_host_ids,
)
from ..models.records import EventCategory, Occurrence
from ..tally import count_bookings, count_occurrences, fiscal_year, fiscal_year_bounds

FISCAL_MONTHS = (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)
WHO = ("self", "family", "supporter", "other", "")
RESIDENCE = ("ward", "outside", "")
FIRST_TIME = ("yes", "no", "")
CHANNELS = ("web", "phone", "walk_in", "")
# Never loaded by the statistics, although they are on the rows counted on the fly.
PERSONAL_FIELDS = ("nickname", "email", "municipality", "needs", "token_hash")


@dataclass
class Measure:
    """What is counted for one cell of a table: dates held, confirmed bookings, people
    (party sizes), people checked in, and people by who / residence / first time, and
    bookings by channel."""

    held: int = 0
    bookings: int = 0
    people: int = 0
    attended: int = 0
    who: dict = field(default_factory=lambda: dict.fromkeys(WHO, 0))
    residence: dict = field(default_factory=lambda: dict.fromkeys(RESIDENCE, 0))
    first_time: dict = field(default_factory=lambda: dict.fromkeys(FIRST_TIME, 0))
    channel: dict = field(default_factory=lambda: dict.fromkeys(CHANNELS, 0))

    def add(self, row):
        if "held" in row:
            self.held += row["held"]
            return
        people = row["people"]
        self.bookings += row["bookings"]
        self.people += people
        if row["attended"]:
            self.attended += people
        self.who[row["who"] if row["who"] in self.who else "other"] += people
        self.residence[row["residence"] if row["residence"] in self.residence else ""] += people
        self.first_time[row["first_time"] if row["first_time"] in self.first_time else ""] += people
        self.channel[row["channel"] if row["channel"] in self.channel else ""] += row["bookings"]


@dataclass
class YearFigures:
    year: int
    total: Measure = field(default_factory=Measure)
    months: dict = field(default_factory=dict)
    categories: dict = field(default_factory=dict)
    organisations: dict = field(default_factory=dict)
    category_names: dict = field(default_factory=dict)
    organisation_names: dict = field(default_factory=dict)

    def month(self, number):
        return self.months.get(number) or Measure()


ATTENDANCE_FIELDS = (*AttendanceCounter.KEY, "organisation_name", "bookings", "people")
OCCURRENCE_FIELDS = (*OccurrenceCounter.KEY, "organisation_name", "held")


def stored_rows(years):
    """The counters of ``years`` as dicts (counted bookings, then dates held)."""
    attendance = AttendanceCounter.objects.filter(fiscal_year__in=years).values(*ATTENDANCE_FIELDS)
    held = OccurrenceCounter.objects.filter(fiscal_year__in=years).values(*OCCURRENCE_FIELDS)
    return [*attendance, *held]


def live_rows(years, now):
    """The bookings and dates of ``years`` that took place before ``now`` and that the
    purge has not counted yet, counted exactly as the purge will count them."""
    start, _ = fiscal_year_bounds(min(years))
    _, end = fiscal_year_bounds(max(years))
    window = {"start__gte": start, "start__lt": end, "end__lte": now}
    bookings = (
        Booking.objects.filter(**{f"occurrence__{k}": v for k, v in window.items()})
        .defer(*PERSONAL_FIELDS)
        .select_related("occurrence__event__category", "occurrence__event__host")
    )
    occurrences = (
        Occurrence.objects.filter(counted=False, event__isnull=False, **window)
        .exclude(status=OccurrenceStatus.CANCELLED)
        .select_related("event__category", "event__host")
    )
    rows = []
    for key, (count, people, name) in count_bookings(bookings).items():
        rows.append(
            {**dict(zip(AttendanceCounter.KEY, key, strict=True)), "organisation_name": name}
            | {"bookings": count, "people": people}
        )
    for key, (held, name) in count_occurrences(occurrences).items():
        rows.append(
            {**dict(zip(OccurrenceCounter.KEY, key, strict=True)), "organisation_name": name}
            | {"held": held}
        )
    return [row for row in rows if row["fiscal_year"] in years]


def in_scope(row, organisations):
    """Whether a row belongs to the dates ``organisations`` host or co-host (``None``:
    every row)."""
    if organisations is None:
        return True
    return row["organisation"] in organisations or bool(
        organisations.intersection(co_host_ids(row["co_hosts"]))
    )


def figures(years, organisations=None, now=None):
    """``{year: YearFigures}`` for each of ``years``, limited to ``organisations`` (a set
    of organisation page ids) when given.

    The organisation breakdown credits a date to its host and to each co-host (a joint
    fair appears under every organiser), so it adds up to more than the total; a partner
    sees only its own organisations there.
    """
    now = now or timezone.now()
    years = sorted(set(years))
    result = {year: YearFigures(year) for year in years}
    names = {}
    for row in [*stored_rows(years), *live_rows(years, now)]:
        if not in_scope(row, organisations):
            continue
        year = result[row["fiscal_year"]]
        year.total.add(row)
        year.months.setdefault(row["month"], Measure()).add(row)
        year.categories.setdefault(row["category"], Measure()).add(row)
        credited = [row["organisation"], *co_host_ids(row["co_hosts"])]
        if row["organisation"] and row["organisation_name"]:
            names.setdefault(row["organisation"], row["organisation_name"])
        for organisation in dict.fromkeys(credited):
            if organisations is None or organisation in organisations:
                year.organisations.setdefault(organisation, Measure()).add(row)
    category_names = {c.slug: c.display_name for c in EventCategory.objects.all()}
    ids = {i for year in result.values() for i in year.organisations if i}
    current = dict(OrganisationPage.objects.filter(pk__in=ids).values_list("pk", "title"))
    for year in result.values():
        year.category_names = category_names
        year.organisation_names = {**names, **current}
    return result


def current_fiscal_year(now=None):
    return fiscal_year(now or timezone.now())


def available_years(now=None):
    """The fiscal years there is anything for, and the current one, newest first."""
    years = set(AttendanceCounter.objects.values_list("fiscal_year", flat=True).distinct())
    years |= set(OccurrenceCounter.objects.values_list("fiscal_year", flat=True).distinct())
    first = Occurrence.objects.filter(event__isnull=False).order_by("start").first()
    current = current_fiscal_year(now)
    if first is not None:
        years |= set(range(fiscal_year(first.start), current + 1))
    years.add(current)
    return sorted(years, reverse=True)


__all__ = ["FISCAL_MONTHS", "UNKNOWN_MONTH", "Measure", "YearFigures", "figures"]
