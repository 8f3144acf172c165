"""Limits on what a partner's calendar may make us compute. Pure, no Django.

Recurrence rules come from the internet, so before a series is expanded its rules are
checked against what the expansion would cost (``check_series``): second- and
minute-level rules are refused outright, and the work ``dateutil`` would do from the
series' first date to the end of our window (it always starts counting at DTSTART, so
``FREQ=HOURLY`` from 1900 means a million steps before the first one we keep) must stay
under a budget. What no such estimate can foresee (e.g. a rule whose days never exist, for
which ``dateutil`` searches until the year 9999) is stopped by ``Deadline``: a trace
function that raises once the series' or the whole parse's time is up.
"""

import datetime
import re
import sys
import time
from dataclasses import dataclass

from icalendar.prop import vRecur

FREQUENCY_SECONDS = {
    "YEARLY": 366 * 86400,
    "MONTHLY": 28 * 86400,
    "WEEKLY": 7 * 86400,
    "DAILY": 86400,
    "HOURLY": 3600,
}
TOO_FREQUENT = {"MINUTELY", "SECONDLY"}
# The most candidate days one period can produce (the size of dateutil's "dayset").
DAYS_PER_PERIOD = {"YEARLY": 366, "MONTHLY": 31, "WEEKLY": 7, "DAILY": 1, "HOURLY": 1}
DAY_PARTS = ("BYDAY", "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO", "BYMONTH")


@dataclass(frozen=True)
class Limits:
    """How much one feed may make us do. Defaults suit a municipality's calendar."""

    max_per_series: int = 1000  # occurrences kept from one series (UID)
    max_per_feed: int = 20000  # occurrences kept from one feed
    max_rule_steps: int = 200_000  # steps dateutil may take for one rule
    max_dates_per_series: int = 2000  # RDATE and EXDATE values in one series
    max_series_seconds: float = 2.0  # expanding one series
    max_total_seconds: float = 30.0  # the whole parse


class SeriesProblem(Exception):
    """One series cannot be imported; ``code`` says why (see ``reasons``)."""

    def __init__(self, code, detail=""):
        super().__init__(code, detail)
        self.code = code
        self.detail = str(detail)[:200]


class OutOfTime(BaseException):  # noqa: N818 - not an Exception: library code must not catch it
    """Raised inside the parser when a deadline passes. ``scope`` is "series" or "total"."""

    def __init__(self, scope):
        super().__init__(scope)
        self.scope = scope


class Deadline:
    """A time budget for the whole parse, and a shorter one per series.

    ``call`` runs one function with a trace function installed that fires on every Python
    function call (not on every line) and raises ``OutOfTime`` once a budget is spent, so
    pure-Python loops inside the libraries (dateutil's search for a rule's next date) stop
    where they stand. Tracing slows what it watches, so only the rule engine runs under it;
    reading the file is bounded by its size and checked between series (``check``).
    """

    def __init__(self, total_seconds):
        self.total_end = time.monotonic() + total_seconds
        self.series_end = None

    def _trace(self, frame, event, arg):
        now = time.monotonic()
        if now > self.total_end:
            raise OutOfTime("total")
        if self.series_end is not None and now > self.series_end:
            raise OutOfTime("series")
        return None  # no line-by-line tracing

    def call(self, function, *args):
        previous = sys.gettrace()
        sys.settrace(self._trace)
        try:
            return function(*args)
        finally:
            sys.settrace(previous)

    def series(self, seconds):
        """Context manager: the budget of one series."""
        return _SeriesBudget(self, seconds)

    def check(self):
        if time.monotonic() > self.total_end:
            raise OutOfTime("total")


class _SeriesBudget:
    def __init__(self, deadline, seconds):
        self.deadline = deadline
        self.seconds = seconds

    def __enter__(self):
        self.deadline.series_end = time.monotonic() + self.seconds

    def __exit__(self, *exc):
        self.deadline.series_end = None
        return False


# ------------------------------------------------------------------------------------------
# Checking a series before it is expanded

WHITESPACE = re.compile(r"\s+")


def repaired_rule(value):
    """An RRULE as ``vRecur``. Exchange writes lists with spaces (``BYDAY=MO, TU``), which
    icalendar keeps as a broken value; those are repaired, anything else is refused."""
    if isinstance(value, vRecur):
        return value
    text = WHITESPACE.sub("", str(value))
    try:
        rule = vRecur.from_ical(text)
    except (ValueError, TypeError) as error:
        raise SeriesProblem("bad_rule", text[:80]) from error
    return rule


def _first(rule, name, default=None):
    values = rule.get(name)
    if values is None:
        return default
    if isinstance(values, list | tuple):
        return values[0] if values else default
    return values


def _count(rule, name):
    values = rule.get(name)
    if values is None:
        return 0
    return len(values) if isinstance(values, list | tuple) else 1


def check_rule(rule, start, window_end, max_steps):
    """Refuse a rule that would cost more than ``max_steps`` to expand up to
    ``window_end`` (``start`` is the series' DTSTART as a date or datetime)."""
    frequency = str(_first(rule, "FREQ", "")).upper()
    if frequency in TOO_FREQUENT:
        raise SeriesProblem("too_frequent", frequency)
    if frequency not in FREQUENCY_SECONDS:
        raise SeriesProblem("bad_rule", f"FREQ={frequency}")
    scale = str(_first(rule, "RSCALE", "GREGORIAN")).upper()
    if scale != "GREGORIAN":
        raise SeriesProblem("bad_rule", f"RSCALE={scale}")
    if rule.get("SKIP") is not None:  # RFC 7529: what to do on missing days; dateutil cannot
        raise SeriesProblem("bad_rule", "SKIP")
    rule.pop("RSCALE", None)  # Gregorian is what dateutil does anyway
    try:
        interval = int(_first(rule, "INTERVAL", 1))
    except (TypeError, ValueError):
        raise SeriesProblem("bad_rule", "INTERVAL") from None
    if interval < 1:
        raise SeriesProblem("bad_rule", "INTERVAL")
    end = window_end
    until = _first(rule, "UNTIL")
    if until is not None:
        end = min(_as_datetime(until, window_end.tzinfo), window_end)
    seconds = (end - _as_datetime(start, window_end.tzinfo)).total_seconds()
    periods = max(seconds, 0) / (FREQUENCY_SECONDS[frequency] * interval) + 1
    per_period = 1
    if any(rule.get(part) for part in DAY_PARTS):
        per_period = DAYS_PER_PERIOD[frequency]
    for part in ("BYHOUR", "BYMINUTE", "BYSECOND"):
        per_period *= max(_count(rule, part), 1)
    if periods * per_period > max_steps:
        raise SeriesProblem("too_many_steps", f"FREQ={frequency}")


def _as_datetime(value, tzinfo):
    """Dates and floating times read in ``tzinfo``, so that they can be compared."""
    if not isinstance(value, datetime.datetime):
        return datetime.datetime(value.year, value.month, value.day, tzinfo=tzinfo)
    if value.tzinfo is None:
        return value.replace(tzinfo=tzinfo)
    return value
