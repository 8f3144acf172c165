"""Reading partner calendars defensively: times, dates, texts and links come out right;
a bad series is left out with a reason, a bad file is refused with one; hostile rules
finish quickly."""

import datetime
import time
import tracemalloc

import pytest

from events.importers.parse import Rejected, parse_calendar, recurrence_key
from events.importers.rules import Limits
from events.schedules import TOKYO

D = datetime.date
WINDOW = (
    datetime.datetime(2026, 1, 1, tzinfo=TOKYO),
    datetime.datetime(2027, 1, 1, tzinfo=TOKYO),
)


def T(*args):  # noqa: N802 - reads like a literal
    return datetime.datetime(*args, tzinfo=TOKYO)


def calendar(*events, head=""):
    body = "".join(f"BEGIN:VEVENT\r\n{event.strip()}\r\nEND:VEVENT\r\n" for event in events)
    text = f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n{head}{body}END:VCALENDAR\r\n"
    return text.replace("\r\n\r\n", "\r\n").replace("\n", "\r\n").replace("\r\r", "\r").encode()


def parse(*events, head="", limits=None, window=WINDOW):
    return parse_calendar(calendar(*events, head=head), *window, limits)


def starts(result):
    return [o.start for o in result.occurrences]


def test_time_zones_are_resolved_to_tokyo():
    result = parse(
        "UID:utc\nSUMMARY:UTC\nDTSTART:20260110T010000Z\nDTEND:20260110T020000Z",
        "UID:olson\nSUMMARY:Berlin\nDTSTART;TZID=Europe/Berlin:20260710T100000",
        # A Windows time zone name (Outlook) without a VTIMEZONE.
        "UID:windows\nSUMMARY:Windows\nDTSTART;TZID=W. Europe Standard Time:20260110T100000",
        "UID:floating\nSUMMARY:Floating\nDTSTART:20260110T100000",
    )
    by_uid = {o.uid: o for o in result.occurrences}
    assert by_uid["utc"].start == T(2026, 1, 10, 10, 0)
    assert by_uid["utc"].end == T(2026, 1, 10, 11, 0)
    assert by_uid["olson"].start == T(2026, 7, 10, 17, 0)  # summer: UTC+2
    assert by_uid["windows"].start == T(2026, 1, 10, 18, 0)  # winter: UTC+1
    assert by_uid["floating"].start == T(2026, 1, 10, 10, 0)  # read as Japan time
    assert all(o.start.tzinfo == TOKYO for o in result.occurrences)


def test_google_x_wr_timezone_applies_to_floating_times():
    result = parse(
        "UID:a\nSUMMARY:a\nDTSTART:20260110T100000\nRRULE:FREQ=WEEKLY;COUNT=2",
        head="X-WR-TIMEZONE:Europe/London\r\nX-WR-CALNAME:Partner\r\n",
    )
    assert starts(result) == [T(2026, 1, 10, 19, 0), T(2026, 1, 17, 19, 0)]
    assert result.calendar_name == "Partner"


def test_an_unknown_x_wr_timezone_is_reported_and_times_read_as_japan_time():
    result = parse("UID:a\nSUMMARY:a\nDTSTART:20260110T100000", head="X-WR-TIMEZONE:Mars/Base\r\n")
    assert starts(result) == [T(2026, 1, 10, 10, 0)]
    assert [p.code for p in result.problems] == ["unknown_calendar_timezone"]


def test_all_day_events_stay_dates():
    result = parse(
        "UID:a\nSUMMARY:a\nDTSTART;VALUE=DATE:20260211\nDTEND;VALUE=DATE:20260213",
        "UID:b\nSUMMARY:b\nDTSTART;VALUE=DATE:20260301",
    )
    first, second = result.occurrences
    assert (first.start, first.end, first.all_day) == (D(2026, 2, 11), D(2026, 2, 13), True)
    assert (second.start, second.end) == (D(2026, 3, 1), D(2026, 3, 2))
    assert first.recurrence_id == "" and first.original_date == D(2026, 2, 11)


def test_a_series_with_an_excluded_a_moved_and_a_cancelled_date():
    result = parse(
        """UID:series@partner
SUMMARY:家族会
DTSTART;TZID=Asia/Tokyo:20260105T140000
DTEND;TZID=Asia/Tokyo:20260105T160000
RRULE:FREQ=WEEKLY;COUNT=5
EXDATE;TZID=Asia/Tokyo:20260112T140000""",
        """UID:series@partner
SUMMARY:家族会（時間変更）
RECURRENCE-ID;TZID=Asia/Tokyo:20260119T140000
DTSTART;TZID=Asia/Tokyo:20260120T100000
DTEND;TZID=Asia/Tokyo:20260120T120000""",
        """UID:series@partner
SUMMARY:家族会
STATUS:CANCELLED
RECURRENCE-ID;TZID=Asia/Tokyo:20260126T140000
DTSTART;TZID=Asia/Tokyo:20260126T140000
DTEND;TZID=Asia/Tokyo:20260126T160000""",
    )
    items = {o.recurrence_id: o for o in result.occurrences}
    assert sorted(items) == [
        "20260105T050000Z",
        "20260119T050000Z",
        "20260126T050000Z",
        "20260202T050000Z",
    ]
    moved = items["20260119T050000Z"]
    assert (moved.start, moved.moved, moved.title) == (
        T(2026, 1, 20, 10, 0),
        True,
        "家族会（時間変更）",
    )
    assert moved.original_date == D(2026, 1, 19)
    assert items["20260126T050000Z"].cancelled
    assert not items["20260105T050000Z"].cancelled and not items["20260105T050000Z"].moved


def test_html_in_descriptions_becomes_plain_text_and_only_web_links_are_kept():
    result = parse(
        "UID:a\nSUMMARY:<b>講演会</b>\nDTSTART:20260110T010000Z\n"
        "DESCRIPTION:<p>どなたでも&amp\\;参加できます<br>申込不要</p><script>alert(1)</script>"
        "<ul><li>無料</li></ul>\nURL:https://partner.example.jp/e/1\nLOCATION:区民ひろば\\n2階",
        "UID:b\nSUMMARY:b\nDTSTART:20260110T010000Z\nURL:javascript:alert(1)",
        "UID:c\nSUMMARY:c\nDTSTART:20260110T010000Z\nURL:ftp://partner.example.jp/e",
    )
    by_uid = {o.uid: o for o in result.occurrences}
    first = by_uid["a"]
    assert first.title == "講演会"
    assert first.description == "どなたでも&参加できます\n申込不要\n\n・無料"
    assert "alert" not in first.description
    assert first.location == "区民ひろば 2階"
    assert first.url == "https://partner.example.jp/e/1"
    assert by_uid["b"].url == "" and by_uid["c"].url == ""


def test_one_bad_series_is_left_out_with_a_reason_and_the_others_kept():
    result = parse(
        "UID:good\nSUMMARY:good\nDTSTART:20260110T010000Z",
        "UID:nostart\nSUMMARY:開始のない予定",
        "UID:badrule\nSUMMARY:壊れた繰り返し\nDTSTART:20260110T010000Z\nRRULE:FREQ=SOMETIMES",
        "UID:tz\nSUMMARY:謎の時間帯\nDTSTART;TZID=Nowhere/Special:20260110T100000",
        "UID:private\nSUMMARY:個人の予定\nCLASS:PRIVATE\nDTSTART:20260110T010000Z",
    )
    assert [o.uid for o in result.occurrences] == ["good"]
    problems = {(p.uid, p.code, p.summary) for p in result.problems}
    assert problems == {
        ("nostart", "no_start", "開始のない予定"),
        ("badrule", "bad_rule", "壊れた繰り返し"),
        ("tz", "unknown_timezone", "謎の時間帯"),
        ("private", "private", "個人の予定"),
    }


def test_exchange_rules_with_spaces_are_repaired():
    result = parse(
        "UID:a\nSUMMARY:a\nDTSTART:20260105T010000Z\n"
        "RRULE:FREQ=DAILY;UNTIL=20260109T010000Z;BYDAY=MO, TU, WE, TH, FR"
    )
    assert len(result.occurrences) == 5 and not result.problems


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty"),
        (b"<!DOCTYPE html><html><body>Login</body></html>", "not_calendar"),
        (b"BEGIN:VCALENDAR\r\nX\r\nEND:VCALENDAR\r\n", "unparseable"),
        (b"BEGIN:VTODO\r\nUID:x\r\nSUMMARY:todo\r\nEND:VTODO\r\n", "no_calendar"),
        (
            b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:x\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
            "nothing_readable",
        ),
    ],
)
def test_a_file_that_cannot_be_read_is_rejected_with_a_code(data, code):
    with pytest.raises(Rejected) as caught:
        parse_calendar(data, *WINDOW)
    assert caught.value.code == code


def test_an_empty_calendar_is_fine():
    assert parse().occurrences == []


def test_shift_jis_files_from_older_japanese_systems_are_read():
    data = calendar("UID:a\nSUMMARY:家族のつどい\nDTSTART:20260110T010000Z").decode()
    result = parse_calendar(data.encode("cp932"), *WINDOW)
    assert result.occurrences[0].title == "家族のつどい"


def test_events_without_uid_get_the_same_made_up_uid_every_time():
    event = "SUMMARY:UIDのない予定\nDTSTART:20260110T010000Z"
    first = parse(event, "SUMMARY:もう一つ\nDTSTART:20260111T010000Z")
    second = parse(event)
    assert len({o.uid for o in first.occurrences}) == 2
    assert first.occurrences[0].uid == second.occurrences[0].uid
    assert first.occurrences[0].uid.startswith("nouid-")


def test_expansion_is_bounded_per_series_and_per_feed():
    daily = "UID:{0}\nSUMMARY:{0}\nDTSTART:20260101T010000Z\nRRULE:FREQ=DAILY"
    limits = Limits(max_per_series=30, max_per_feed=50)
    result = parse(daily.format("a"), daily.format("b"), daily.format("c"), limits=limits)
    assert len(result.occurrences) == 50
    assert [p.code for p in result.problems] == [
        "series_truncated",
        "series_truncated",
        "feed_truncated",
    ]


def test_recurrence_key():
    assert recurrence_key(D(2026, 5, 9)) == "20260509"
    assert recurrence_key(T(2026, 5, 9, 14, 0)) == "20260509T050000Z"
    assert recurrence_key(datetime.datetime(2026, 5, 9, 14, 0)) == "20260509T050000Z"


HOSTILE = {
    "every second since 1900": "DTSTART:19000101T000000Z\nRRULE:FREQ=SECONDLY",
    "every minute": "DTSTART:20260101T000000Z\nRRULE:FREQ=MINUTELY;INTERVAL=1",
    "every hour since 1900": "DTSTART:19000101T000000Z\nRRULE:FREQ=HOURLY",
    "a huge count": "DTSTART:19000101T000000Z\nRRULE:FREQ=DAILY;COUNT=999999999",
    "dates that never exist": "DTSTART:20260101T000000Z\nRRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30",
    "a rule expanded by the minute": (
        "DTSTART:20200101T000000Z\nRRULE:FREQ=YEARLY;BYMONTH=1,2,3,4,5,6,7,8,9,10,11,12;"
        "BYHOUR=0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23;BYMINUTE=0,30"
    ),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_rule_finishes_within_seconds_and_spares_the_rest(name):
    tracemalloc.start()
    started = time.monotonic()
    result = parse(
        f"UID:hostile\nSUMMARY:hostile\n{HOSTILE[name]}",
        "UID:weekly\nSUMMARY:weekly\nDTSTART:20260105T010000Z\nRRULE:FREQ=WEEKLY",
    )
    elapsed = time.monotonic() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert elapsed < 5
    assert peak < 50 * 1024 * 1024
    weekly = [o for o in result.occurrences if o.uid == "weekly"]
    assert len(weekly) == 52
    hostile = [o for o in result.occurrences if o.uid == "hostile"]
    assert len(hostile) <= Limits().max_per_series
    if not hostile:
        assert [p.uid for p in result.problems] == ["hostile"]


def test_the_whole_parse_has_a_time_budget():
    never = (
        "UID:{0}\nSUMMARY:{0}\nDTSTART:20260101T000000Z\nRRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30"
    )
    limits = Limits(max_series_seconds=0.5, max_total_seconds=1.2)
    started = time.monotonic()
    with pytest.raises(Rejected) as caught:
        parse(*(never.format(n) for n in range(10)), limits=limits)
    assert caught.value.code == "too_slow"
    assert time.monotonic() - started < 3
