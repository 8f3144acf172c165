"""The schedule engine: turns an event's schedule into concrete occurrences.

Pure functions only (no database, no models), so the same code serves page previews, the
occurrence materialiser, the iCalendar export and the tests.

Everything here works in Asia/Tokyo wall-clock time. django-recurrence, left to itself,
normalises datetimes to UTC or to Django's *current* time zone before expanding a rule, which
turns "every Tuesday 08:00 JST" into "every Monday 23:00 UTC" and then, depending on who reads
it, into Mondays or Wednesdays. So instead of calling ``Recurrence.to_dateutil_rruleset()`` we
build the dateutil rules ourselves from a *naive* local ``dtstart`` and only attach the time
zone to the results. Japan has had no daylight saving time since 1951, so attaching the zone
to a naive local time is exact.
"""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import holidays
import recurrence
from dateutil import rrule as du_rrule
from recurrence.base import to_weekday

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")

# Monday first, matching ``date.weekday()`` and dateutil/django-recurrence weekday numbers.
WEEKDAYS_JA = ("月", "火", "水", "木", "金", "土", "日")

_MIDNIGHT = datetime.time(0, 0)
_ONE_DAY = datetime.timedelta(days=1)
_WEEKDAYS_MON_FRI = (0, 1, 2, 3, 4)
_ALL_WEEKDAYS = (0, 1, 2, 3, 4, 5, 6)
# By-parameters of a django-recurrence ``Rule`` passed straight through to dateutil
# (``byday`` is handled separately because dateutil calls it ``byweekday``).
_PLAIN_BYPARAMS = (
    "bysetpos",
    "bymonth",
    "bymonthday",
    "byyearday",
    "byweekno",
    "byhour",
    "byminute",
    "bysecond",
)


@dataclass(frozen=True)
class Schedule:
    """When an event happens, as entered by an editor.

    ``start_time`` None means an all-day event. ``end_time`` None (with a start time) means the
    end is unknown: occurrences then end when they start. ``end_date`` is the last day of the
    *first* occurrence, for events spanning several days; the same span is applied to every
    occurrence. When ``end_date`` is None and ``end_time`` is earlier than ``start_time`` the
    event runs overnight (e.g. 22:00–02:00) and ends on the next day.
    """

    start_date: datetime.date
    start_time: datetime.time | None
    end_time: datetime.time | None
    end_date: datetime.date | None = None
    recurrence: recurrence.Recurrence | None = None
    skip_public_holidays: bool = False
    skip_year_end: bool = False
    only_weekends_and_holidays: bool = False

    def __post_init__(self) -> None:
        if self.end_date is not None and self.end_date < self.start_date:
            raise ValueError("end_date must not be before start_date")
        if self._duration() < datetime.timedelta(0):
            raise ValueError("the event must not end before it starts")

    def _duration(self) -> datetime.timedelta:
        """Length of each occurrence (for all-day events: whole days, end exclusive)."""
        last_day = self.end_date or self.start_date
        if self.start_time is None:
            return (last_day - self.start_date) + _ONE_DAY
        if self.end_time is None:
            return datetime.timedelta(0)
        start = datetime.datetime.combine(self.start_date, self.start_time)
        end = datetime.datetime.combine(last_day, self.end_time)
        if self.end_date is None and end < start:
            end += _ONE_DAY  # overnight event without an explicit end date
        return end - start

    @property
    def all_day(self) -> bool:
        return self.start_time is None

    @property
    def is_recurring(self) -> bool:
        """True when the recurrence produces anything beyond the first date.

        A blank RecurrenceField deserialises to an empty ``Recurrence``; that, or one holding
        only exclusions, is treated as a one-off event.
        """
        rec = self.recurrence
        return rec is not None and bool(rec.rrules or rec.rdates)

    def on(self, day: datetime.date) -> OccurrenceTime:
        """The occurrence that starts on ``day`` at the schedule's time."""
        start = datetime.datetime.combine(day, self.start_time or _MIDNIGHT, tzinfo=TOKYO)
        return OccurrenceTime(day, start, start + self._duration(), self.all_day)


@dataclass(frozen=True)
class OccurrenceTime:
    """One concrete occurrence of a schedule."""

    original_date: datetime.date  # the local date the rule produced (key for per-date exceptions)
    start: datetime.datetime  # aware, tzinfo=TOKYO
    end: datetime.datetime  # aware, tzinfo=TOKYO; all-day: local midnight after the last day
    all_day: bool


# --------------------------------------------------------------------------------------------
# Holidays and closures


@lru_cache(maxsize=32)  # a handful of years in practice; bounded anyway
def _jp_holidays(year: int) -> holidays.HolidayBase:
    # Building a holidays object computes the whole year (equinoxes included), so build each
    # year once per process; expand() asks about the same few years for every event.
    return holidays.country_holidays("JP", years=year)


def is_public_holiday(d: datetime.date) -> bool:
    """True if ``d`` is a Japanese public holiday (振替休日 and 国民の休日 included)."""
    return d in _jp_holidays(d.year)


def is_year_end_closure(d: datetime.date) -> bool:
    """True if ``d`` falls in the year-end closure 年末年始, 12/29 to 1/3 inclusive."""
    return (d.month == 12 and d.day >= 29) or (d.month == 1 and d.day <= 3)


def _keep_date(schedule: Schedule, d: datetime.date) -> bool:
    """Apply the schedule's holiday options to a rule-generated date."""
    if schedule.skip_year_end and is_year_end_closure(d):
        return False
    if schedule.skip_public_holidays and is_public_holiday(d):
        return False
    return not (
        schedule.only_weekends_and_holidays and d.weekday() < 5 and not is_public_holiday(d)
    )


# --------------------------------------------------------------------------------------------
# Expansion


def local_date(value: datetime.date) -> datetime.date:
    """The Asia/Tokyo calendar date of a date or datetime.

    Aware datetimes are converted to Tokyo first: django-recurrence serialises everything as
    UTC, so the exclusion of 12 May entered in a Japanese browser comes back as
    2026-05-11T15:00Z. Naive datetimes are taken to be Tokyo wall-clock time already.
    """
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None and value.utcoffset() is not None:
            value = value.astimezone(TOKYO)
        return value.date()
    return value


def _dateutil_weekday(token: object) -> du_rrule.weekday:
    # Rules may hold django-recurrence Weekday objects, dateutil weekdays, ints or strings.
    wd = to_weekday(token)
    return du_rrule.weekday(wd.number, wd.index or None)


def _to_dateutil_rule(rule: recurrence.Rule, dtstart: datetime.datetime) -> du_rrule.rrule:
    """Build a dateutil rule in naive local time.

    UNTIL is widened to the end of its local day: editors pick a date ("until 31 March"), which
    django-recurrence stores as midnight, and that must not drop a 10:00 occurrence on the day.
    """
    kwargs = {name: list(getattr(rule, name, None) or []) or None for name in _PLAIN_BYPARAMS}
    byday = [_dateutil_weekday(d) for d in getattr(rule, "byday", None) or []]
    until = None
    if rule.until is not None:
        until = datetime.datetime.combine(local_date(rule.until), datetime.time.max)
    return du_rrule.rrule(
        rule.freq,
        dtstart=dtstart,
        interval=rule.interval or 1,
        wkst=rule.wkst,
        count=rule.count,
        until=until,
        byweekday=byday or None,
        **kwargs,
    )


def _fast_forward(
    rule: recurrence.Rule, dtstart: datetime.datetime, target: datetime.datetime
) -> datetime.datetime:
    """A later DTSTART for ``rule`` that gives exactly the same occurrences from ``target`` on.

    dateutil generates a rule period by period (day, week, month, year) counted from DTSTART
    and then drops results before DTSTART. Moving DTSTART forward by whole multiples of
    INTERVAL periods keeps the same periods and the same defaults taken from DTSTART (weekday,
    month day, month), so only occurrences before the new DTSTART differ. We keep a full period
    of margin before ``target`` anyway. Not done for COUNT (it counts from the real start), for
    sub-daily rules, or when a month day above 28 could not be carried over.
    """
    if rule.count or target <= dtstart:
        return dtstart
    interval = rule.interval or 1
    if rule.freq in (recurrence.DAILY, recurrence.WEEKLY):
        period = datetime.timedelta(days=interval * (7 if rule.freq == recurrence.WEEKLY else 1))
        periods = (target - dtstart) // period - 1
        return dtstart + periods * period if periods > 0 else dtstart
    if rule.freq in (recurrence.MONTHLY, recurrence.YEARLY) and dtstart.day <= 28:
        months = interval * (12 if rule.freq == recurrence.YEARLY else 1)
        elapsed = (target.year - dtstart.year) * 12 + target.month - dtstart.month
        periods = elapsed // months - 1
        if periods > 0:
            index = dtstart.month - 1 + periods * months
            return dtstart.replace(year=dtstart.year + index // 12, month=index % 12 + 1)
    return dtstart


def _recurring_dates(
    schedule: Schedule, rec: recurrence.Recurrence, not_before: datetime.datetime
) -> Iterator[tuple[datetime.date, bool]]:
    """Yield ``(local date, explicitly added)`` for a recurring schedule, in date order.

    The set is built the way django-recurrence and RFC 5545 define it (rrules + dtstart +
    rdates - exrules - exdates) with these deliberate differences:

    * The first date is an occurrence only if a rule produces it (or there is no rule).
    * ``Recurrence.dtstart`` and ``Recurrence.dtend`` are ignored. The schedule's start date and
      time are the DTSTART; the occurrence length comes from the schedule. django-recurrence
      would treat ``dtend`` as a limit of the whole set *and* add it as an extra occurrence.
    * exdates cancel a whole local date (they are stored as midnight, the occurrence isn't).
    * rdates are dates: they take the schedule's start time whatever time they were saved with.
    * At most one occurrence per local date: per-date exceptions are keyed by date.

    Rules without COUNT start iterating shortly before ``not_before`` (naive local), so a
    weekly session running for years costs no more than a new one. Dates before
    ``not_before`` may still be yielded; the caller filters.
    """
    dtstart = datetime.datetime.combine(schedule.start_date, schedule.start_time or _MIDNIGHT)
    rset = du_rrule.rruleset()
    for rule in rec.rrules:
        rset.rrule(_to_dateutil_rule(rule, _fast_forward(rule, dtstart, not_before)))
    for rule in rec.exrules:
        rset.exrule(_to_dateutil_rule(rule, _fast_forward(rule, dtstart, not_before)))
    # The first date counts on its own only when no rule says which days: an editor who
    # starts "every Tuesday" on a Saturday means the Tuesdays from then on (RFC 5545 leaves
    # a DTSTART that the rule does not produce undefined; calendar clients disagree on it).
    if rec.include_dtstart and not rec.rrules:
        rset.rdate(dtstart)
    explicit = {local_date(d) for d in rec.rdates}
    for d in explicit:
        rset.rdate(datetime.datetime.combine(d, dtstart.time()))
    excluded = {local_date(d) for d in rec.exdates}

    previous = None
    for value in rset:
        day = value.date()
        if day == previous:
            continue
        previous = day
        if day not in excluded:
            yield day, day in explicit


def _aware_tokyo(value: datetime.datetime, name: str) -> datetime.datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime")
    return value.astimezone(TOKYO)


def expand(
    schedule: Schedule, window_start: datetime.datetime, window_end: datetime.datetime
) -> list[OccurrenceTime]:
    """Occurrences whose start is in ``[window_start, window_end)``, sorted by start.

    The window bounds must be aware datetimes (any zone). Results are in Asia/Tokyo.

    COUNT counts the occurrences the rule generates *before* the holiday options are applied:
    "weekly, 5 times, skipping holidays" over Golden Week gives 4 sessions, not a fifth one
    later. That is what any iCalendar client computes from the exported rule, so the site and
    people's calendars agree. Exdates also use up a COUNT slot (as in RFC 5545).

    The holiday options apply to the dates the rule generates (including the first date).
    Explicit extra dates (rdates) are kept even on a holiday: an editor added them on purpose.
    A schedule without recurrence is a one-off and yields its single occurrence regardless of
    the holiday options.

    Iteration stops at the end of the window and, for rules without COUNT, starts shortly
    before the window (see ``_fast_forward``); rules with COUNT are iterated from the schedule's
    start, which COUNT needs.
    """
    lo = _aware_tokyo(window_start, "window_start")
    hi = _aware_tokyo(window_end, "window_end")
    start_time = schedule.start_time or _MIDNIGHT
    occurrence = schedule.on

    if not schedule.is_recurring:
        first = occurrence(schedule.start_date)
        return [first] if lo <= first.start < hi else []

    # Compare in naive local time: cheaper than building aware datetimes for skipped dates.
    lo_local, hi_local = lo.replace(tzinfo=None), hi.replace(tzinfo=None)
    result = []
    for day, explicit in _recurring_dates(schedule, schedule.recurrence, lo_local):
        start = datetime.datetime.combine(day, start_time)
        if start >= hi_local:
            break  # dates come in order, nothing later can be in the window
        if start >= lo_local and (explicit or _keep_date(schedule, day)):
            result.append(occurrence(day))
    return result


def planned_time(schedule: Schedule, day: datetime.date) -> OccurrenceTime:
    """The time the schedule gives ``day`` (before any per-date change moved it)."""
    start = datetime.datetime.combine(day, schedule.start_time or _MIDNIGHT, tzinfo=TOKYO)
    return OccurrenceTime(day, start, start + schedule._duration(), schedule.all_day)


def rule_dates(
    schedule: Schedule,
    rule: recurrence.Rule,
    window_start: datetime.datetime,
    window_end: datetime.datetime,
) -> list[datetime.date]:
    """The local dates on which ``rule`` alone, from the schedule's first date and time,
    starts an occurrence in ``[window_start, window_end)``: no holiday options, exclusion
    or extra dates. The same dates as ``expand`` of a schedule with only that rule, at a
    fraction of the cost (no occurrence objects): the feeds compare a long series with its
    rows date by date. The rule must give at most one start a day (DAILY or coarser,
    without BYHOUR, BYMINUTE, BYSECOND)."""
    lo = _aware_tokyo(window_start, "window_start").replace(tzinfo=None)
    hi = _aware_tokyo(window_end, "window_end").replace(tzinfo=None)
    dtstart = datetime.datetime.combine(schedule.start_date, schedule.start_time or _MIDNIGHT)
    if _is_plain_weekly_or_daily(rule):
        return list(_plain_rule_dates(rule, dtstart, lo, hi))
    dates = []
    for value in _to_dateutil_rule(rule, _fast_forward(rule, dtstart, lo)):
        if value >= hi:
            break
        if value >= lo:
            dates.append(value.date())
    return dates


def _is_plain_weekly_or_daily(rule: recurrence.Rule) -> bool:
    """WEEKLY or DAILY, with weekdays at most (no positions, no other BY parts): the rules
    that give the most dates, counted out by ``_plain_rule_dates``."""
    if rule.freq not in (recurrence.WEEKLY, recurrence.DAILY):
        return False
    if any(getattr(rule, name, None) for name in _PLAIN_BYPARAMS):
        return False
    return not any(to_weekday(day).index for day in getattr(rule, "byday", None) or [])


def _plain_rule_dates(
    rule: recurrence.Rule,
    dtstart: datetime.datetime,
    lo: datetime.datetime,
    hi: datetime.datetime,
) -> Iterator[datetime.date]:
    """The dates dateutil gives for a plain WEEKLY or DAILY rule (naive local times), by
    counting days instead of building each candidate: weeks begin on WKST and the week of
    DTSTART is the first (its days before DTSTART do not count, also not for COUNT), every
    INTERVAL-th week or day; UNTIL is the end of its day (as ``_to_dateutil_rule``)."""
    weekdays = {to_weekday(day).number for day in getattr(rule, "byday", None) or []}
    interval = rule.interval or 1
    first = dtstart.date()
    if rule.freq == recurrence.DAILY:
        period, period_start, offsets = interval, first, (0,)
    else:
        wkst = 0 if rule.wkst is None else to_weekday(rule.wkst).number
        weekdays = weekdays or {first.weekday()}
        period = 7 * interval
        period_start = first - datetime.timedelta(days=(first.weekday() - wkst) % 7)
        offsets = sorted((day - wkst) % 7 for day in weekdays)
        weekdays = set()  # the offsets already say which days
    until = None
    if rule.until is not None:
        until = datetime.datetime.combine(local_date(rule.until), datetime.time.max)
    count = rule.count
    if count is None and lo > dtstart:  # skip whole periods before the window, as dateutil would
        periods = (lo.date() - period_start).days // period - 1
        if periods > 0:
            period_start += datetime.timedelta(days=periods * period)
    start_time, step = dtstart.time(), datetime.timedelta(days=period)
    while True:
        for offset in offsets:
            day = period_start + datetime.timedelta(days=offset)
            if weekdays and day.weekday() not in weekdays:
                continue
            value = datetime.datetime.combine(day, start_time)
            if (until is not None and value > until) or value >= hi:
                return
            if value < dtstart:
                continue
            if count is not None:
                count -= 1
                if count < 0:
                    return
            if value >= lo:
                yield day
        period_start += step


__all__ = [
    "TOKYO",
    "WEEKDAYS_JA",
    "OccurrenceTime",
    "Schedule",
    "expand",
    "is_public_holiday",
    "is_year_end_closure",
    "local_date",
    "planned_time",
    "rule_dates",
]
