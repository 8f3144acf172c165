"""Tests for the pure schedule engine (events/schedules.py) and its Japanese wording
(events/schedule_text.py). No database access."""

import datetime
import time

import pytest
import recurrence
from recurrence import Recurrence, Rule

from events.schedule_text import describe, format_date_ja, format_range_ja
from events.schedules import (
    TOKYO,
    OccurrenceTime,
    Schedule,
    expand,
    is_public_holiday,
    is_year_end_closure,
)

UTC = datetime.UTC
D = datetime.date
T = datetime.time


def at(y, m, d, h=0, mi=0):
    """An aware Tokyo datetime."""
    return datetime.datetime(y, m, d, h, mi, tzinfo=TOKYO)


def weekly(*days, **kwargs):
    return Recurrence(rrules=[Rule(recurrence.WEEKLY, byday=list(days), **kwargs)])


def daily(**kwargs):
    return Recurrence(rrules=[Rule(recurrence.DAILY, **kwargs)])


def dates(occurrences):
    return [o.original_date for o in occurrences]


def every(first, last, step=1):
    """Dates from first to last inclusive, every ``step`` days."""
    out = []
    while first <= last:
        out.append(first)
        first += datetime.timedelta(days=step)
    return out


# --- 1. Expansion in local Tokyo time ------------------------------------------------------

TUESDAY_RULES = {
    "rule-object": lambda: weekly(recurrence.TU),
    "aware-utc-dtstart": lambda: Recurrence(
        # Tuesday 08:00 JST is Monday 23:00 UTC: expanding in UTC would give Mondays/Wednesdays.
        dtstart=datetime.datetime(2026, 1, 5, 23, 0, tzinfo=UTC),
        rrules=[Rule(recurrence.WEEKLY, byday=[recurrence.TU])],
    ),
    "deserialized": lambda: recurrence.deserialize("RRULE:FREQ=WEEKLY;BYDAY=TU"),
    "deserialized-with-utc-dtstart": lambda: recurrence.deserialize(
        "DTSTART:20260105T230000Z\nRRULE:FREQ=WEEKLY;BYDAY=TU"
    ),
    "serialize-round-trip": lambda: recurrence.deserialize(
        recurrence.serialize(
            Recurrence(
                dtstart=datetime.datetime(2026, 1, 6, 8, 0),
                rrules=[Rule(recurrence.WEEKLY, byday=[recurrence.TU])],
            )
        )
    ),
}


@pytest.mark.parametrize("make_rec", TUESDAY_RULES.values(), ids=TUESDAY_RULES.keys())
def test_weekly_tuesday_0800_gives_only_tuesdays_0800_jst_for_two_years(make_rec):
    schedule = Schedule(D(2026, 1, 6), T(8, 0), T(10, 0), recurrence=make_rec())
    occurrences = expand(schedule, at(2026, 1, 1), at(2028, 1, 1))

    assert dates(occurrences) == every(D(2026, 1, 6), D(2027, 12, 31), 7)
    assert len(occurrences) == 104
    for occ in occurrences:
        assert occ.start.tzinfo is TOKYO
        assert occ.start.utcoffset() == datetime.timedelta(hours=9)
        assert occ.start.weekday() == 1
        assert (occ.start.hour, occ.start.minute) == (8, 0)
        assert occ.end - occ.start == datetime.timedelta(hours=2)
        assert occ.original_date == occ.start.date()
        assert not occ.all_day


def test_just_after_midnight_rule_stays_on_its_local_day():
    # Monday 00:30 JST is Sunday 15:30 UTC.
    schedule = Schedule(D(2026, 3, 2), T(0, 30), T(1, 30), recurrence=weekly(recurrence.MO))
    occurrences = expand(schedule, at(2026, 3, 1), at(2026, 6, 1))
    assert {o.start.weekday() for o in occurrences} == {0}
    assert {o.start.time() for o in occurrences} == {T(0, 30)}


def test_window_bounds_may_be_in_any_time_zone():
    schedule = Schedule(D(2026, 5, 5), T(8, 0), T(9, 0), recurrence=weekly(recurrence.TU))
    # 2026-05-12 08:00 JST == 2026-05-11 23:00 UTC
    start = datetime.datetime(2026, 5, 11, 23, 0, tzinfo=UTC)
    occurrences = expand(schedule, start, start + datetime.timedelta(seconds=1))
    assert [o.start for o in occurrences] == [at(2026, 5, 12, 8)]
    assert expand(schedule, start - datetime.timedelta(seconds=1), start) == []


def test_naive_window_is_rejected():
    schedule = Schedule(D(2026, 5, 9), T(14), T(16))
    with pytest.raises(ValueError, match="aware"):
        expand(schedule, datetime.datetime(2026, 5, 1), at(2026, 6, 1))


# --- 2. Exclusion dates by local date; extra dates take the start time --------------------

EXDATES_FOR_12_MAY = {
    "naive-midnight": datetime.datetime(2026, 5, 12, 0, 0),
    "aware-tokyo-midnight": at(2026, 5, 12),
    "aware-utc-as-serialized": datetime.datetime(2026, 5, 11, 15, 0, tzinfo=UTC),
    "date-object": D(2026, 5, 12),
}


@pytest.mark.parametrize("exdate", EXDATES_FOR_12_MAY.values(), ids=EXDATES_FOR_12_MAY.keys())
def test_exdate_cancels_the_whole_local_date(exdate):
    rec = weekly(recurrence.TU)
    rec.exdates = [exdate]
    schedule = Schedule(D(2026, 5, 5), T(10, 0), T(12, 0), recurrence=rec)
    assert dates(expand(schedule, at(2026, 5, 1), at(2026, 6, 1))) == [
        D(2026, 5, 5),
        D(2026, 5, 19),
        D(2026, 5, 26),
    ]


def test_exdate_from_serialized_text_cancels_the_date():
    rec = recurrence.deserialize("RRULE:FREQ=WEEKLY;BYDAY=TU\nEXDATE:20260511T150000Z")
    schedule = Schedule(D(2026, 5, 5), T(10, 0), T(12, 0), recurrence=rec)
    assert D(2026, 5, 12) not in dates(expand(schedule, at(2026, 5, 1), at(2026, 6, 1)))


@pytest.mark.parametrize(
    "rdate",
    [datetime.datetime(2026, 5, 14), datetime.datetime(2026, 5, 13, 15, 0, tzinfo=UTC)],
    ids=["naive-midnight", "aware-utc"],
)
def test_rdate_gets_the_schedule_start_time_and_duration(rdate):
    rec = weekly(recurrence.TU)
    rec.rdates = [rdate]
    schedule = Schedule(D(2026, 5, 5), T(10, 0), T(12, 0), recurrence=rec)
    occurrences = expand(schedule, at(2026, 5, 13), at(2026, 5, 20))
    assert occurrences == [
        OccurrenceTime(D(2026, 5, 14), at(2026, 5, 14, 10), at(2026, 5, 14, 12), False),
        OccurrenceTime(D(2026, 5, 19), at(2026, 5, 19, 10), at(2026, 5, 19, 12), False),
    ]


def test_rdate_on_a_holiday_is_kept_even_when_skipping_holidays():
    rec = weekly(recurrence.TU)
    rec.rdates = [datetime.datetime(2026, 5, 6)]  # 振替休日, added on purpose
    schedule = Schedule(D(2026, 4, 28), T(10), T(12), recurrence=rec, skip_public_holidays=True)
    # 5/5 is a rule date on こどもの日 and is skipped; the explicit 5/6 stays.
    assert dates(expand(schedule, at(2026, 4, 28), at(2026, 5, 13))) == [
        D(2026, 4, 28),
        D(2026, 5, 6),
        D(2026, 5, 12),
    ]


def test_exrule_removes_matching_dates():
    rec = recurrence.deserialize("RRULE:FREQ=WEEKLY;BYDAY=TU\nEXRULE:FREQ=MONTHLY;BYDAY=1TU")
    schedule = Schedule(D(2026, 6, 2), T(10), T(12), recurrence=rec)
    assert dates(expand(schedule, at(2026, 6, 1), at(2026, 7, 15))) == [
        D(2026, 6, 9),
        D(2026, 6, 16),
        D(2026, 6, 23),
        D(2026, 6, 30),
        D(2026, 7, 14),
    ]


def test_empty_recurrence_is_a_one_off():
    schedule = Schedule(D(2026, 5, 9), T(14), T(16), recurrence=recurrence.deserialize(""))
    assert dates(expand(schedule, at(2026, 1, 1), at(2027, 1, 1))) == [D(2026, 5, 9)]


# --- 3. Ends come from the schedule, not from the Recurrence's dtend ----------------------


def test_recurrence_dtend_does_not_change_occurrences():
    rec = Recurrence(
        dtend=datetime.datetime(2026, 2, 1, 9, 0),  # django-recurrence: limit + extra date
        rrules=[Rule(recurrence.WEEKLY, byday=[recurrence.TU])],
    )
    schedule = Schedule(D(2026, 1, 6), T(10, 0), T(12, 0), recurrence=rec)
    occurrences = expand(schedule, at(2026, 1, 1), at(2026, 4, 1))
    assert dates(occurrences) == every(D(2026, 1, 6), D(2026, 3, 31), 7)
    assert {(o.start.time(), o.end.time()) for o in occurrences} == {(T(10), T(12))}
    assert all(o.end.date() == o.start.date() for o in occurrences)


def test_multi_day_timed_duration_is_applied_to_every_occurrence():
    schedule = Schedule(
        D(2026, 5, 9), T(14), T(12), end_date=D(2026, 5, 10), recurrence=weekly(recurrence.SA)
    )
    occurrences = expand(schedule, at(2026, 5, 1), at(2026, 6, 1))
    assert [(o.start, o.end) for o in occurrences[:2]] == [
        (at(2026, 5, 9, 14), at(2026, 5, 10, 12)),
        (at(2026, 5, 16, 14), at(2026, 5, 17, 12)),
    ]
    assert len(occurrences) == 4


def test_overnight_event_without_end_date_ends_next_day():
    occ = expand(Schedule(D(2026, 5, 9), T(22), T(2)), at(2026, 5, 9), at(2026, 5, 10))
    assert [(o.start, o.end) for o in occ] == [(at(2026, 5, 9, 22), at(2026, 5, 10, 2))]


def test_missing_end_time_means_zero_length():
    occ = expand(Schedule(D(2026, 5, 9), T(14), None), at(2026, 5, 9), at(2026, 5, 10))
    assert occ[0].end == occ[0].start == at(2026, 5, 9, 14)


def test_end_date_before_start_date_is_rejected():
    with pytest.raises(ValueError):
        Schedule(D(2026, 5, 9), T(14), T(16), end_date=D(2026, 5, 8))


# --- 4. COUNT before holiday filtering; UNTIL covers its whole local day -------------------


def test_count_counts_rule_occurrences_before_holiday_filtering():
    rec = weekly(recurrence.TU, count=5)  # 4/21, 4/28, 5/5 (こどもの日), 5/12, 5/19
    plain = Schedule(D(2026, 4, 21), T(10), T(12), recurrence=rec)
    skipping = Schedule(D(2026, 4, 21), T(10), T(12), recurrence=rec, skip_public_holidays=True)
    window = (at(2026, 1, 1), at(2027, 1, 1))
    assert dates(expand(plain, *window)) == every(D(2026, 4, 21), D(2026, 5, 19), 7)
    assert dates(expand(skipping, *window)) == [
        D(2026, 4, 21),
        D(2026, 4, 28),
        D(2026, 5, 12),
        D(2026, 5, 19),
    ]


def test_count_is_not_shifted_by_the_window_start():
    rec = weekly(recurrence.TU, count=5)
    schedule = Schedule(D(2026, 4, 21), T(10), T(12), recurrence=rec)
    assert dates(expand(schedule, at(2026, 5, 10), at(2027, 1, 1))) == [
        D(2026, 5, 12),
        D(2026, 5, 19),
    ]


def test_exdate_uses_up_a_count_slot():
    rec = weekly(recurrence.TU, count=3)
    rec.exdates = [datetime.datetime(2026, 4, 28)]
    schedule = Schedule(D(2026, 4, 21), T(10), T(12), recurrence=rec)
    assert dates(expand(schedule, at(2026, 1, 1), at(2027, 1, 1))) == [
        D(2026, 4, 21),
        D(2026, 5, 5),
    ]


UNTIL_31_MARCH = {
    "naive-midnight": lambda: weekly(recurrence.WE, until=datetime.datetime(2027, 3, 31)),
    "aware-utc-midnight-tokyo": lambda: weekly(
        recurrence.WE, until=datetime.datetime(2027, 3, 30, 15, 0, tzinfo=UTC)
    ),
    "deserialized-widget-value": lambda: recurrence.deserialize(
        "RRULE:FREQ=WEEKLY;BYDAY=WE;UNTIL=20270330T150000Z"
    ),
    "deserialized-date-only": lambda: recurrence.deserialize(
        "RRULE:FREQ=WEEKLY;BYDAY=WE;UNTIL=20270331"
    ),
}


@pytest.mark.parametrize("make_rec", UNTIL_31_MARCH.values(), ids=UNTIL_31_MARCH.keys())
def test_until_includes_the_whole_local_until_day(make_rec):
    schedule = Schedule(D(2027, 3, 3), T(10), T(12), recurrence=make_rec())
    occurrences = expand(schedule, at(2027, 1, 1), at(2028, 1, 1))
    assert dates(occurrences) == [
        D(2027, 3, 3),
        D(2027, 3, 10),
        D(2027, 3, 17),
        D(2027, 3, 24),
        D(2027, 3, 31),
    ]
    assert occurrences[-1].start == at(2027, 3, 31, 10)


# --- 5. Holidays and the year-end closure ---------------------------------------------------

HOLIDAYS = [
    D(2025, 1, 13),  # 成人の日
    D(2025, 2, 24),  # 振替休日
    D(2025, 5, 6),  # 振替休日
    D(2025, 11, 24),  # 振替休日
    D(2026, 5, 6),  # 振替休日
    D(2026, 9, 21),  # 敬老の日
    D(2026, 9, 22),  # 国民の休日
    D(2026, 9, 23),  # 秋分の日
    D(2027, 1, 11),  # 成人の日
    D(2027, 3, 22),  # 振替休日
]
NOT_HOLIDAYS = [D(2025, 5, 7), D(2025, 12, 29), D(2026, 1, 2), D(2026, 9, 24), D(2027, 1, 12)]


@pytest.mark.parametrize("day", HOLIDAYS, ids=str)
def test_is_public_holiday(day):
    assert is_public_holiday(day)


@pytest.mark.parametrize("day", NOT_HOLIDAYS, ids=str)
def test_is_not_public_holiday(day):
    assert not is_public_holiday(day)


@pytest.mark.parametrize(
    ("day", "closed"),
    [
        (D(2025, 12, 28), False),
        (D(2025, 12, 29), True),
        (D(2025, 12, 31), True),
        (D(2026, 1, 1), True),
        (D(2026, 1, 3), True),
        (D(2026, 1, 4), False),
        (D(2027, 12, 29), True),
        (D(2028, 1, 4), False),
    ],
    ids=str,
)
def test_is_year_end_closure(day, closed):
    assert is_year_end_closure(day) is closed


@pytest.mark.parametrize("holiday", HOLIDAYS, ids=str)
def test_skip_public_holidays_drops_the_holiday_only(holiday):
    schedule = Schedule(D(2025, 1, 1), T(13), T(17), recurrence=daily(), skip_public_holidays=True)
    window_start = at(holiday.year, holiday.month, holiday.day) - datetime.timedelta(days=3)
    got = dates(expand(schedule, window_start, window_start + datetime.timedelta(days=7)))
    assert holiday not in got
    expected = [
        d
        for d in every(window_start.date(), window_start.date() + datetime.timedelta(6))
        if d not in HOLIDAYS and not is_public_holiday(d)
    ]
    assert got == expected


# Monday holidays 2025–2027 from the Cabinet Office list (not from the holidays package).
MONDAY_HOLIDAYS = {
    D(2025, 1, 13),
    D(2025, 2, 24),
    D(2025, 5, 5),
    D(2025, 7, 21),
    D(2025, 8, 11),
    D(2025, 9, 15),
    D(2025, 10, 13),
    D(2025, 11, 3),
    D(2025, 11, 24),
    D(2026, 1, 12),
    D(2026, 2, 23),
    D(2026, 5, 4),
    D(2026, 7, 20),
    D(2026, 9, 21),
    D(2026, 10, 12),
    D(2026, 11, 23),
    D(2027, 1, 11),
    D(2027, 3, 22),
    D(2027, 5, 3),
    D(2027, 7, 19),
    D(2027, 9, 20),
    D(2027, 10, 11),
}


def test_weekly_monday_skipping_holidays_over_three_years():
    schedule = Schedule(
        D(2025, 1, 6), T(13), T(17), recurrence=weekly(recurrence.MO), skip_public_holidays=True
    )
    got = dates(expand(schedule, at(2025, 1, 1), at(2028, 1, 1)))
    all_mondays = every(D(2025, 1, 6), D(2027, 12, 27), 7)
    assert got == [d for d in all_mondays if d not in MONDAY_HOLIDAYS]
    assert len(all_mondays) - len(got) == len(MONDAY_HOLIDAYS)


@pytest.mark.parametrize("year", [2025, 2026, 2027])
def test_skip_year_end_drops_29_december_to_3_january(year):
    schedule = Schedule(D(2025, 1, 1), T(10), T(12), recurrence=daily(), skip_year_end=True)
    got = dates(expand(schedule, at(year, 12, 27), at(year + 1, 1, 6)))
    assert got == [D(year, 12, 27), D(year, 12, 28), D(year + 1, 1, 4), D(year + 1, 1, 5)]


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        # Golden Week 2025: 5/3–5/6 (5/6 振替休日), then the weekend.
        ((2025, 5, 1), (2025, 5, 11), [(5, 3), (5, 4), (5, 5), (5, 6), (5, 10), (5, 11)]),
        # Silver Week 2026: 9/19–9/23 (9/22 国民の休日).
        (
            (2026, 9, 14),
            (2026, 9, 27),
            [(9, 19), (9, 20), (9, 21), (9, 22), (9, 23), (9, 26), (9, 27)],
        ),
        # 成人の日 2027 gives a three-day weekend.
        ((2027, 1, 4), (2027, 1, 17), [(1, 9), (1, 10), (1, 11), (1, 16), (1, 17)]),
    ],
    ids=["2025-golden-week", "2026-silver-week", "2027-seijin-no-hi"],
)
def test_only_weekends_and_holidays(first, last, expected):
    schedule = Schedule(
        D(2025, 1, 1), T(10), T(16), recurrence=daily(), only_weekends_and_holidays=True
    )
    end = D(*last) + datetime.timedelta(days=1)
    got = dates(expand(schedule, at(*first), at(end.year, end.month, end.day)))
    assert got == [D(first[0], m, d) for m, d in expected]


def test_only_weekends_and_holidays_with_year_end_closure():
    schedule = Schedule(
        D(2025, 1, 1),
        T(10),
        T(16),
        recurrence=daily(),
        only_weekends_and_holidays=True,
        skip_year_end=True,
    )
    got = dates(expand(schedule, at(2026, 12, 26), at(2027, 1, 12)))
    assert got == [D(2026, 12, 26), D(2026, 12, 27), D(2027, 1, 9), D(2027, 1, 10), D(2027, 1, 11)]


def test_one_off_on_a_holiday_is_not_filtered():
    schedule = Schedule(D(2026, 5, 5), T(10), T(12), skip_public_holidays=True)
    assert dates(expand(schedule, at(2026, 5, 1), at(2026, 6, 1))) == [D(2026, 5, 5)]


# --- 6. One-offs and all-day events ----------------------------------------------------------


def test_single_occurrence_window_is_half_open():
    schedule = Schedule(D(2026, 5, 9), T(14), T(16))
    expected = [OccurrenceTime(D(2026, 5, 9), at(2026, 5, 9, 14), at(2026, 5, 9, 16), False)]
    assert expand(schedule, at(2026, 5, 9, 14), at(2026, 5, 9, 15)) == expected
    assert expand(schedule, at(2026, 5, 1), at(2026, 5, 9, 14)) == []
    assert expand(schedule, at(2026, 5, 9, 14, 1), at(2026, 6, 1)) == []


def test_all_day_single_and_multi_day():
    one = expand(Schedule(D(2026, 5, 9), None, None), at(2026, 5, 1), at(2026, 6, 1))
    assert one == [OccurrenceTime(D(2026, 5, 9), at(2026, 5, 9), at(2026, 5, 10), True)]
    multi = Schedule(D(2026, 5, 9), None, None, end_date=D(2026, 5, 11))
    assert expand(multi, at(2026, 5, 1), at(2026, 6, 1)) == [
        OccurrenceTime(D(2026, 5, 9), at(2026, 5, 9), at(2026, 5, 12), True)
    ]


def test_recurring_all_day_weekend_keeps_its_span():
    schedule = Schedule(
        D(2026, 5, 9), None, None, end_date=D(2026, 5, 10), recurrence=weekly(recurrence.SA)
    )
    occurrences = expand(schedule, at(2026, 5, 1), at(2026, 5, 24))
    assert [(o.start, o.end, o.all_day) for o in occurrences] == [
        (at(2026, 5, 9), at(2026, 5, 11), True),
        (at(2026, 5, 16), at(2026, 5, 18), True),
        (at(2026, 5, 23), at(2026, 5, 25), True),
    ]


# --- 7. Long-running schedules: correct and fast -------------------------------------------

LONG_RUNNING_RULES = [
    "RRULE:FREQ=WEEKLY;BYDAY=TU",
    "RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH",
    "RRULE:FREQ=WEEKLY;INTERVAL=3;WKST=SU;BYDAY=SU,SA",
    "RRULE:FREQ=MONTHLY;BYDAY=2SA,4SA",
    "RRULE:FREQ=MONTHLY;INTERVAL=2;BYDAY=SA;BYSETPOS=-1",
    "RRULE:FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=15",
    "RRULE:FREQ=MONTHLY",
    "RRULE:FREQ=YEARLY;INTERVAL=2",
    "RRULE:FREQ=DAILY;INTERVAL=3",
    "RRULE:FREQ=WEEKLY;BYDAY=WE;UNTIL=20270330T150000Z",
]


@pytest.mark.parametrize("text", LONG_RUNNING_RULES)
def test_late_window_matches_full_expansion(text):
    """Starting the iteration near the window must not change which dates come out."""
    schedule = Schedule(D(2019, 4, 10), T(18), T(20), recurrence=recurrence.deserialize(text))
    full = expand(schedule, at(2019, 1, 1), at(2028, 1, 1))
    for window_start in (at(2026, 1, 1), at(2026, 7, 15, 18), at(2027, 2, 28, 12)):
        late = expand(schedule, window_start, at(2028, 1, 1))
        assert late == [o for o in full if o.start >= window_start]
        assert late


def test_weekly_rule_for_1000_events_over_18_months_is_fast():
    rec = recurrence.deserialize("RRULE:FREQ=WEEKLY;BYDAY=TU")
    schedules = [
        Schedule(
            D(2020, 1, 7),
            T(13),
            T(17),
            recurrence=rec,
            skip_public_holidays=True,
            skip_year_end=True,
        )
        for _ in range(1000)
    ]
    began = time.perf_counter()
    total = sum(len(expand(s, at(2026, 1, 1), at(2027, 7, 1))) for s in schedules)
    elapsed = time.perf_counter() - began
    assert total > 70_000
    assert elapsed < 5, f"1000 expansions took {elapsed:.2f}s"


# --- describe() and formatting ------------------------------------------------------------


def _rec(text):
    return recurrence.deserialize(text)


DESCRIPTIONS = [
    (
        Schedule(
            D(2026, 4, 7),
            T(13),
            T(17),
            recurrence=_rec("RRULE:FREQ=WEEKLY;BYDAY=TU"),
            skip_public_holidays=True,
            skip_year_end=True,
        ),
        "毎週火曜 13:00–17:00（祝日・年末年始を除く）",
    ),
    (
        Schedule(D(2026, 4, 11), T(14), T(16), recurrence=_rec("RRULE:FREQ=MONTHLY;BYDAY=2SA,4SA")),
        "毎月第2・第4土曜 14:00–16:00",
    ),
    (
        Schedule(
            D(2026, 4, 11),
            T(14),
            T(16),
            recurrence=_rec("RRULE:FREQ=MONTHLY;BYDAY=SA;BYSETPOS=2,4"),
        ),
        "毎月第2・第4土曜 14:00–16:00",
    ),
    (
        Schedule(
            D(2026, 4, 5),
            T(10),
            T(12),
            recurrence=_rec("RRULE:FREQ=MONTHLY;BYDAY=1SU;UNTIL=20270330T150000Z"),
        ),
        "毎月第1日曜 10:00–12:00（2027年3月31日まで）",
    ),
    (
        Schedule(
            D(2026, 4, 4),
            T(10),
            T(16),
            recurrence=_rec("RRULE:FREQ=DAILY"),
            only_weekends_and_holidays=True,
        ),
        "土日・祝日 10:00–16:00",
    ),
    (
        Schedule(
            D(2026, 4, 6), T(9, 30), T(11, 30), recurrence=_rec("RRULE:FREQ=WEEKLY;BYDAY=WE,MO")
        ),
        "毎週月・水曜 9:30–11:30",
    ),
    (
        Schedule(
            D(2026, 4, 7), T(13), T(15), recurrence=_rec("RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TU")
        ),
        "隔週火曜 13:00–15:00",
    ),
    (
        Schedule(D(2026, 4, 26), T(10), T(12), recurrence=_rec("RRULE:FREQ=MONTHLY;BYDAY=-1SU")),
        "毎月最終日曜 10:00–12:00",
    ),
    (
        Schedule(D(2026, 4, 15), T(10), T(12), recurrence=_rec("RRULE:FREQ=MONTHLY;BYMONTHDAY=15")),
        "毎月15日 10:00–12:00",
    ),
    (
        Schedule(
            D(2026, 4, 7), T(13), T(17), recurrence=_rec("RRULE:FREQ=WEEKLY;BYDAY=TU;COUNT=5")
        ),
        "毎週火曜 13:00–17:00（全5回）",
    ),
    (
        Schedule(D(2026, 4, 1), T(10), T(11), recurrence=_rec("RRULE:FREQ=DAILY")),
        "毎日 10:00–11:00",
    ),
    (
        # No BYDAY: the weekday of the start date.
        Schedule(D(2026, 4, 10), T(19), T(21), recurrence=_rec("RRULE:FREQ=WEEKLY")),
        "毎週金曜 19:00–21:00",
    ),
    (
        Schedule(D(2026, 4, 11), None, None, recurrence=_rec("RRULE:FREQ=WEEKLY;BYDAY=SA")),
        "毎週土曜 終日",
    ),
    (
        Schedule(
            D(2026, 4, 7),
            T(13),
            T(17),
            recurrence=_rec("RRULE:FREQ=WEEKLY;BYDAY=TU\nRRULE:FREQ=MONTHLY;BYDAY=1SA"),
        ),
        "不定期 13:00–17:00",
    ),
    (
        Schedule(
            D(2026, 4, 30),
            T(13),
            T(17),
            recurrence=_rec("RRULE:FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1"),
        ),
        "不定期 13:00–17:00",
    ),
    (Schedule(D(2026, 5, 9), T(14), T(16)), "2026年5月9日（土）14:00–16:00"),
    (
        Schedule(D(2026, 5, 9), None, None, end_date=D(2026, 5, 10)),
        "2026年5月9日（土）〜5月10日（日）",
    ),
]


@pytest.mark.parametrize(("schedule", "text"), DESCRIPTIONS, ids=[t for _, t in DESCRIPTIONS])
def test_describe(schedule, text):
    assert describe(schedule) == text


@pytest.mark.parametrize(
    ("day", "text"),
    [(D(2026, 5, 9), "2026年5月9日（土）"), (D(2027, 1, 11), "2027年1月11日（月）")],
)
def test_format_date_ja(day, text):
    assert format_date_ja(day) == text


@pytest.mark.parametrize(
    ("start", "end", "all_day", "text"),
    [
        (at(2026, 5, 9, 14), at(2026, 5, 9, 16), False, "2026年5月9日（土）14:00–16:00"),
        (
            at(2026, 5, 9, 14),
            at(2026, 5, 10, 12),
            False,
            "2026年5月9日（土）14:00 – 5月10日（日）12:00",
        ),
        (
            at(2026, 12, 31, 22),
            at(2027, 1, 1, 2),
            False,
            "2026年12月31日（木）22:00 – 2027年1月1日（金）2:00",
        ),
        (at(2026, 5, 9, 22), at(2026, 5, 10), False, "2026年5月9日（土）22:00–24:00"),
        (at(2026, 5, 9, 14), at(2026, 5, 9, 14), False, "2026年5月9日（土）14:00"),
        (at(2026, 5, 9), at(2026, 5, 10), True, "2026年5月9日（土）終日"),
        (at(2026, 5, 9), at(2026, 5, 12), True, "2026年5月9日（土）〜5月11日（月）"),
        # Aware UTC inputs are shown in Tokyo time: 05:00Z is 14:00 JST.
        (
            datetime.datetime(2026, 5, 9, 5, tzinfo=UTC),
            datetime.datetime(2026, 5, 9, 7, tzinfo=UTC),
            False,
            "2026年5月9日（土）14:00–16:00",
        ),
        (
            datetime.datetime(2026, 5, 8, 15, tzinfo=UTC),
            datetime.datetime(2026, 5, 10, 15, tzinfo=UTC),
            True,
            "2026年5月9日（土）〜5月10日（日）",
        ),
    ],
)
def test_format_range_ja(start, end, all_day, text):
    assert format_range_ja(start, end, all_day) == text
