"""The parse runs in a child process with a memory and time budget: a 5 MB calendar is
read within both, and a calendar that needs more is refused with a reason."""

import datetime
import time

import pytest

from events.importers.factories import realistic_feed
from events.importers.isolated import parse_isolated
from events.importers.parse import Rejected, parse_calendar
from events.importers.rules import Limits
from events.schedules import TOKYO

NOW = datetime.datetime.now(TOKYO)
WINDOW = (NOW - datetime.timedelta(days=30), NOW + datetime.timedelta(days=550))


@pytest.fixture(scope="module")
def five_megabytes():
    data = realistic_feed(events=8000)
    assert 4.5e6 < len(data) <= 5 * 1024 * 1024
    return data


@pytest.mark.slow
def test_a_5_mb_calendar_is_read_within_its_time_and_memory(five_megabytes):
    started = time.monotonic()
    result = parse_isolated(five_megabytes, *WINDOW, memory_mb=400, seconds=120)
    elapsed = time.monotonic() - started
    assert elapsed < 120 and result.stats["seconds"] < elapsed
    assert result.stats["max_rss_kb"] < 400 * 1024
    assert result.series > 7000
    # More dates than one calendar may bring: the first 20 000 are kept, and it is said.
    assert len(result.occurrences) == Limits().max_per_feed
    assert result.problems[-1].code == "feed_truncated"


def test_a_calendar_that_needs_more_memory_is_refused(five_megabytes):
    with pytest.raises(Rejected) as caught:
        parse_isolated(five_megabytes, *WINDOW, memory_mb=90, seconds=60)
    assert caught.value.code == "too_big"


def test_a_calendar_that_takes_too_long_is_stopped(five_megabytes):
    started = time.monotonic()
    with pytest.raises(Rejected) as caught:
        parse_isolated(five_megabytes, *WINDOW, seconds=1)
    assert caught.value.code == "too_slow"
    assert time.monotonic() - started < 5


def test_the_child_gives_what_the_parser_gives():
    data = realistic_feed(events=40)
    here = parse_calendar(data, *WINDOW)
    there = parse_isolated(data, *WINDOW)
    assert there.occurrences == here.occurrences and there.problems == here.problems
    assert there.stats["seconds"] >= 0


def test_a_hostile_rule_in_the_child_is_skipped_quickly():
    hostile = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n"
        b"BEGIN:VEVENT\r\nUID:h\r\nSUMMARY:h\r\nDTSTART:19000101T000000Z\r\n"
        b"RRULE:FREQ=SECONDLY;COUNT=999999999\r\nEND:VEVENT\r\n"
        b"BEGIN:VEVENT\r\nUID:n\r\nSUMMARY:n\r\nDTSTART:20260101T000000Z\r\n"
        b"RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30\r\nEND:VEVENT\r\n"
        b"BEGIN:VEVENT\r\nUID:ok\r\nSUMMARY:ok\r\nDTSTART:20260101T000000Z\r\nEND:VEVENT\r\n"
        b"END:VCALENDAR\r\n"
    )
    started = time.monotonic()
    result = parse_isolated(hostile, datetime.datetime(2025, 12, 1, tzinfo=TOKYO), WINDOW[1])
    assert time.monotonic() - started < 6
    assert [o.uid for o in result.occurrences] == ["ok"]
    assert {(p.uid, p.code) for p in result.problems} == {
        ("h", "too_frequent"),
        ("n", "series_too_slow"),
    }


def test_the_child_reports_its_own_memory_not_its_parents():
    """A worker that has grown large still reads a small calendar's true peak: Linux
    carries a parent's resident size into ``ru_maxrss`` across fork and exec."""
    small = parse_isolated(realistic_feed(events=40), *WINDOW).stats["max_rss_kb"]
    ballast = b"x" * (600 * 1024 * 1024)  # written, so resident in this process
    try:
        after = parse_isolated(realistic_feed(events=40), *WINDOW).stats["max_rss_kb"]
    finally:
        del ballast
    assert after < small + 100 * 1024, (small, after)
    assert after < 300 * 1024
