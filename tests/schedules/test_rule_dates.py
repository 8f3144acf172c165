"""``rule_dates``: the dates one rule gives, as the feeds compare a series with its rows.
Weekly and daily rules are counted out without dateutil; every answer must be exactly
what ``expand`` (dateutil) gives for a schedule with only that rule. No database."""

import datetime
import random

import pytest
import recurrence
from recurrence import Recurrence, Rule

from events.schedules import TOKYO, Schedule, expand, rule_dates

D = datetime.date
T = datetime.time


def at(day, hour=0):
    return datetime.datetime.combine(day, T(hour, 0), tzinfo=TOKYO)


def oracle(schedule, rule, start, end):
    only_rule = Schedule(
        start_date=schedule.start_date,
        start_time=schedule.start_time,
        end_time=schedule.end_time,
        end_date=schedule.end_date,
        recurrence=Recurrence(rrules=[rule]),
    )
    return [o.original_date for o in expand(only_rule, start, end)]


def random_rule(rng):
    freq = rng.choice([recurrence.WEEKLY, recurrence.WEEKLY, recurrence.DAILY, recurrence.MONTHLY])
    kwargs = {"interval": rng.choice([1, 1, 1, 2, 3])}
    if rng.random() < 0.7:
        kwargs["byday"] = rng.sample(range(7), rng.randint(1, 4))
    if freq == recurrence.MONTHLY and rng.random() < 0.5:
        kwargs["byday"] = [recurrence.Weekday(rng.randrange(7), rng.choice([1, 2, -1]))]
    if rng.random() < 0.3:
        kwargs["wkst"] = rng.randrange(7)
    ending = rng.random()
    if ending < 0.3:
        kwargs["count"] = rng.randint(1, 60)
    elif ending < 0.6:
        kwargs["until"] = datetime.datetime.combine(
            D(2026, 1, 1) + datetime.timedelta(days=rng.randint(0, 700)), T(0, 0)
        )
    return Rule(freq, **kwargs)


def test_weekly_and_daily_rules_give_exactly_the_dates_dateutil_gives():
    rng = random.Random(14)
    checked = 0
    for _ in range(400):
        rule = random_rule(rng)
        first = D(2025, 12, 1) + datetime.timedelta(days=rng.randint(0, 400))
        hour = rng.choice([None, 0, 8, 9, 10, 23])
        schedule = Schedule(
            start_date=first,
            start_time=None if hour is None else T(hour, 30 if hour == 23 else 0),
            end_time=None if hour is None else T(hour, 45),
        )
        start = at(first + datetime.timedelta(days=rng.randint(-30, 300)), rng.choice([0, 9]))
        end = start + datetime.timedelta(days=rng.randint(1, 500))
        got = rule_dates(schedule, rule, start, end)
        assert got == oracle(schedule, rule, start, end), (rule.to_text(), first, start, end)
        checked += bool(got)
    assert checked > 250  # most cases give dates: the comparison is not vacuous


@pytest.mark.parametrize(
    ("rule", "first", "expected"),
    [
        # Every other week on Tuesday and Thursday, weeks starting on Sunday.
        (
            Rule(recurrence.WEEKLY, interval=2, byday=[1, 3], wkst=6),
            D(2026, 5, 7),
            [D(2026, 5, 7), D(2026, 5, 19), D(2026, 5, 21), D(2026, 6, 2)],
        ),
        # COUNT counts from the first date, also when the window starts later.
        (Rule(recurrence.DAILY, count=3), D(2026, 5, 30), [D(2026, 6, 1)]),
        # UNTIL keeps its whole last day.
        (
            Rule(recurrence.WEEKLY, until=datetime.datetime(2026, 6, 9)),
            D(2026, 5, 26),
            [D(2026, 6, 2), D(2026, 6, 9)],
        ),
    ],
    ids=["biweekly-wkst", "count", "until"],
)
def test_examples(rule, first, expected):
    schedule = Schedule(start_date=first, start_time=T(10, 0), end_time=T(12, 0))
    window = (at(D(2026, 6, 1)) if rule.count else at(first), at(D(2026, 6, 3)))
    if rule.wkst is not None:
        window = (at(first), at(D(2026, 6, 3)))
    if rule.until is not None:
        window = (at(D(2026, 6, 1)), at(D(2026, 7, 1)))
    assert rule_dates(schedule, rule, *window) == expected
    assert expected == oracle(schedule, rule, *window)
