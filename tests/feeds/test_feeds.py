"""Calendar feeds, parsed back with icalendar and expanded with recurring-ical-events: what
a calendar app would show must be exactly our Occurrence rows."""

import datetime
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import icalendar
import pytest
import recurrence
import recurring_ical_events

from events.factories import category, publish_event
from events.feeds.ics import feed_window
from events.models import EventException, EventPage, Occurrence, OccurrenceStatus
from events.schedules import TOKYO, is_public_holiday
from home.factories import OrganisationPageFactory

pytestmark = pytest.mark.django_db

T = datetime.time
D = datetime.date
RULE = recurrence.deserialize


def get_feed(client, url="/events/calendar.ics", **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return response


def parse(response):
    return icalendar.Calendar.from_ical(response.content)


def expanded(calendar):
    start, end = feed_window()
    return recurring_ical_events.of(calendar).between(start, end)


def shown(calendar, event):
    """(start, end) of what a client shows for ``event``, as aware datetimes or dates."""
    prefix = f"event-{event.pk}@"
    result = set()
    for component in expanded(calendar):
        if str(component["UID"]).startswith(prefix) and component.get("STATUS") != "CANCELLED":
            result.add((component.decoded("DTSTART"), component.decoded("DTEND")))
    return result


def expected(event):
    start, end = feed_window()
    rows = Occurrence.objects.filter(event=event, start__gte=start, start__lt=end).exclude(
        status=OccurrenceStatus.CANCELLED
    )
    result = set()
    for row in rows:
        if row.all_day:
            result.add((row.start.astimezone(TOKYO).date(), row.end.astimezone(TOKYO).date()))
        else:
            result.add((row.start, row.end))
    return result


def assert_feed_matches(client, event):
    calendar = parse(get_feed(client))
    want = expected(event)
    got = shown(calendar, event)
    assert want, "the event has no occurrences in the window"
    assert got == want, (sorted(got - want)[:5], sorted(want - got)[:5])
    return calendar


def event_component(calendar, event):
    uid = f"event-{event.pk}@"
    return [
        c
        for c in calendar.walk("VEVENT")
        if str(c["UID"]).startswith(uid) and "RECURRENCE-ID" not in c
    ]


@pytest.mark.parametrize(
    ("fields", "rrule"),
    [
        ({"start_date": D(2026, 12, 1), "start_time": T(8, 0)}, "FREQ=WEEKLY;BYDAY=TU"),
        ({"start_date": D(2026, 12, 12)}, "FREQ=MONTHLY;BYDAY=2SA,4SA"),
        ({"start_date": D(2026, 12, 3)}, "FREQ=MONTHLY;BYDAY=1TH;COUNT=5"),
        ({"start_date": D(2026, 12, 6)}, "FREQ=MONTHLY;BYDAY=1SU;UNTIL=20270307T000000"),
        (
            {"start_date": D(2026, 12, 1), "skip_public_holidays": True, "skip_year_end": True},
            "FREQ=DAILY",
        ),
        ({"start_date": D(2026, 12, 1), "only_weekends_and_holidays": True}, "FREQ=DAILY"),
        ({"start_date": D(2026, 12, 2)}, "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE"),
        (
            {"start_date": D(2026, 12, 5), "all_day": True, "end_date": D(2026, 12, 6)},
            "FREQ=MONTHLY;BYDAY=1SA",
        ),
    ],
    ids=[
        "weekly",
        "monthly-2nd-4th",
        "count",
        "until",
        "skip-holidays",
        "weekends-holidays",
        "biweekly",
        "all-day-multi-day",
    ],
)
def test_recurring_feeds_expand_to_exactly_our_occurrences(client, site_tree, fields, rrule):
    event = publish_event(site_tree.ward, recurrence=RULE(f"RRULE:{rrule}"), **fields)
    calendar = assert_feed_matches(client, event)
    components = event_component(calendar, event)
    # One rule; a weekends-and-holidays schedule adds its weekday holidays date by date.
    assert len([c for c in components if "RRULE" in c]) == 1
    dated = [c.decoded("DTSTART") for c in components if "RRULE" not in c]
    if event.only_weekends_and_holidays:
        assert dated and all(d.weekday() < 5 and is_public_holiday(d.date()) for d in dated)
    else:
        assert dated == []


def test_a_single_event_is_one_vevent(client, site_tree):
    event = publish_event(site_tree.ward, start_date=timezone.localdate() + datetime.timedelta(5))
    calendar = assert_feed_matches(client, event)
    (component,) = event_component(calendar, event)
    assert "RRULE" not in component
    assert component["UID"] == f"event-{event.pk}@testserver"


def test_moved_cancelled_and_annotated_dates(client, site_tree):
    event = publish_event(
        site_tree.ward,
        start_date=D(2026, 12, 5),
        start_time=T(14, 0),
        end_time=T(16, 0),
        recurrence=RULE("RRULE:FREQ=WEEKLY;BYDAY=SA;COUNT=5"),
    )
    event.exceptions = [
        EventException(original_date=D(2026, 12, 12), kind="cancelled", reason="台風のため"),
        EventException(
            original_date=D(2026, 12, 19),
            kind="moved",
            reason="会場変更",
            new_date=D(2026, 12, 20),
            new_start_time=T(10, 0),
            new_venue_name="別の会場",
        ),
        EventException(original_date=D(2026, 12, 26), kind="note", reason="今年最後の回"),
    ]
    event.save_revision().publish()
    calendar = assert_feed_matches(client, event)
    text = get_feed(client).content.decode()
    (master,) = [c for c in event_component(calendar, event) if "RRULE" in c]
    exdates = [d.dt for exdate in _list(master.get("EXDATE")) for d in exdate.dts]
    # A changed date leaves the rule and becomes a VEVENT of its own: calcurse ignores
    # RECURRENCE-ID and showed such dates twice (tests/interop).
    assert exdates == [
        datetime.datetime(2026, 12, day, 14, 0, tzinfo=TOKYO) for day in (12, 19, 26)
    ]
    assert "EXDATE;TZID=Asia/Tokyo:20261212T140000,20261219T140000,20261226T140000" in text
    assert "RECURRENCE-ID" not in text
    dated = {str(c["UID"]): c for c in event_component(calendar, event) if "RRULE" not in c}
    assert set(dated) == {f"event-{event.pk}@testserver-2026-12-{day}" for day in (19, 26)}
    moved = dated[f"event-{event.pk}@testserver-2026-12-19"]
    assert moved.decoded("DTSTART") == datetime.datetime(2026, 12, 20, 10, 0, tzinfo=TOKYO)
    assert "別の会場" in str(moved["LOCATION"])
    assert str(moved["SUMMARY"]).startswith("【変更】")
    noted = dated[f"event-{event.pk}@testserver-2026-12-26"]
    assert noted.decoded("DTSTART") == datetime.datetime(2026, 12, 26, 14, 0, tzinfo=TOKYO)
    assert "今年最後の回" in str(noted["DESCRIPTION"])


def _list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def test_a_cancelled_single_event_stays_with_status_cancelled(client, site_tree):
    day = timezone.localdate() + datetime.timedelta(6)
    event = publish_event(site_tree.ward, title="中止になる会", start_date=day)
    event.exceptions = [EventException(original_date=day, kind="cancelled", reason="講師急病")]
    event.save_revision().publish()
    calendar = parse(get_feed(client))
    (component,) = event_component(calendar, event)
    assert component["STATUS"] == "CANCELLED"
    assert str(component["SUMMARY"]).startswith("【中止】")


def test_until_is_utc_and_exdates_match_the_occurrence_type(client, site_tree):
    publish_event(
        site_tree.ward,
        start_date=D(2026, 12, 1),
        start_time=T(8, 0),
        end_time=T(9, 0),
        recurrence=RULE("RRULE:FREQ=WEEKLY;BYDAY=TU"),
        skip_public_holidays=True,
    )
    publish_event(
        site_tree.ward,
        slug="allday",
        start_date=D(2027, 1, 8),
        all_day=True,
        recurrence=RULE("RRULE:FREQ=DAILY;COUNT=6"),
        skip_public_holidays=True,
    )
    text = get_feed(client).content.decode()
    for until in re.findall(r"UNTIL=([0-9TZ]+)", text):
        assert until.endswith("Z") or len(until) == 8, until
    for line in re.findall(r"^EXDATE[^\r\n]*", text, re.M):
        assert line.startswith(("EXDATE;TZID=Asia/Tokyo:", "EXDATE;VALUE=DATE:")), line
        if "TZID" in line:
            assert all(v.endswith("T080000") for v in line.split(":", 1)[1].split(",")), line
    assert "RRULE:FREQ=DAILY;UNTIL=" in text and "EXDATE;VALUE=DATE:20270111" in text


def test_format_exact_bytes_and_structure(client, site_tree):
    long_title = "ひきこもり支援についての長い名前の講演会" * 4
    publish_event(
        site_tree.ward,
        title=long_title,
        summary="とても長い説明文です。" * 30,
        start_date=timezone.localdate() + datetime.timedelta(3),
        venue_name="としま区民センター",
        category=category("lecture"),
    )
    body = get_feed(client).content
    assert not body.startswith(b"\xef\xbb\xbf")
    assert body.endswith(b"\r\n")
    assert b"\n" not in body.replace(b"\r\n", b"")
    for line in body.split(b"\r\n"):
        assert len(line) <= 75, line
        line.decode("utf-8")  # every physical line is valid UTF-8 on its own
    text = body.decode()
    assert "\r\nREFRESH-INTERVAL;VALUE=DURATION:PT6H\r\n" in text
    assert "\r\nX-PUBLISHED-TTL:PT6H\r\n" in text
    assert "\r\nX-WR-TIMEZONE:Asia/Tokyo\r\n" in text
    assert "\r\nVERSION:2.0\r\n" in text and "\r\nPRODID:" in text
    calendar = icalendar.Calendar.from_ical(body)
    assert str(calendar["X-WR-CALNAME"]) and str(calendar["UID"])
    (vtimezone,) = calendar.walk("VTIMEZONE")
    assert str(vtimezone["TZID"]) == "Asia/Tokyo"
    assert "COMMENT" not in body.decode().split("BEGIN:VTIMEZONE")[1].split("END:VTIMEZONE")[0]
    tzids = set(re.findall(r";TZID=([^:;]+)", text))
    assert tzids == {"Asia/Tokyo"}
    for prop in ("RDATE", "EXRULE"):
        assert f"\r\n{prop}" not in text
    (component,) = calendar.walk("VEVENT")
    for prop in (
        "UID",
        "DTSTAMP",
        "SEQUENCE",
        "LAST-MODIFIED",
        "URL",
        "SUMMARY",
        "DESCRIPTION",
        "LOCATION",
        "CATEGORIES",
        "ORGANIZER",
        "STATUS",
    ):
        assert prop in component, prop
    assert str(component["SUMMARY"]) == long_title
    assert "DTSTART;TZID=Asia/Tokyo:" in text  # never floating


def test_identical_data_gives_identical_bytes_and_304(client, site_tree):
    publish_event(site_tree.ward, start_date=timezone.localdate() + datetime.timedelta(2))
    first = get_feed(client)
    second = get_feed(client)
    assert first.content == second.content
    etag = first["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    assert "Last-Modified" in first and "max-age" in first["Cache-Control"]
    assert "public" in first["Cache-Control"]
    not_modified = client.get("/events/calendar.ics", HTTP_IF_NONE_MATCH=etag)
    assert not_modified.status_code == 304 and not_modified["ETag"] == etag
    since = client.get("/events/calendar.ics", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert since.status_code == 304
    # A rebuilt feed (cache emptied) is byte-identical too.
    from django.core.cache import cache

    cache.clear()
    assert get_feed(client).content == first.content


def test_a_change_gives_a_new_etag_at_once(client, site_tree):
    event = publish_event(site_tree.ward, start_date=timezone.localdate() + datetime.timedelta(2))
    etag = get_feed(client)["ETag"]
    event.title = "名前を変えた会"
    event.save_revision().publish()
    response = client.get("/events/calendar.ics", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert "名前を変えた会" in response.content.decode()


def test_sequence_increases_when_time_or_place_changes(client, site_tree):
    event = publish_event(site_tree.ward, start_date=timezone.localdate() + datetime.timedelta(2))

    def sequence():
        (component,) = event_component(parse(get_feed(client)), event)
        return int(component["SEQUENCE"])

    assert sequence() == 0
    event.summary = "説明だけ変えました。"
    event.save_revision().publish()
    assert sequence() == 0
    event.start_time = T(15, 0)
    event.end_time = T(17, 0)
    event.save_revision().publish()
    assert sequence() == 1
    event.venue_name = "新しい会場"
    event.save_revision().publish()
    assert sequence() == 2


def test_drafts_private_pages_and_hidden_organisations_never_appear(client, site_tree):
    from wagtail.models import PageViewRestriction

    day = timezone.localdate() + datetime.timedelta(2)
    publish_event(site_tree.ward, title="公開の会", slug="public", start_date=day)
    draft = publish_event(site_tree.ward, title="下書きに戻した会", slug="draft", start_date=day)
    draft.unpublish()
    private = publish_event(site_tree.ward, title="限定公開の会", slug="private", start_date=day)
    PageViewRestriction.objects.create(page=private, restriction_type="password", password="x")
    hidden = OrganisationPageFactory(parent=site_tree.partners, slug="hidden")
    publish_event(hidden, title="非公開団体の会", slug="hidden-event", start_date=day)
    hidden.unpublish()
    text = get_feed(client).content.decode()
    assert "公開の会" in text
    for title in ("下書きに戻した会", "限定公開の会", "非公開団体の会"):
        assert title not in text
    assert client.get("/partners/hidden/calendar.ics").status_code == 404
    assert client.get("/partners/toshima-ward/private/calendar.ics").status_code == 404
    assert client.get("/partners/toshima-ward/draft/calendar.ics").status_code == 404


def test_no_private_details_in_public_feeds(client, site_tree):
    publish_event(
        site_tree.ward,
        attendance_mode="online",
        meeting_link="https://meet.example.jp/very-secret-room",
        start_date=timezone.localdate() + datetime.timedelta(2),
    )
    for url in (
        "/events/calendar.ics",
        "/partners/toshima-ward/calendar.ics",
        "/events/category/family-gathering.ics",
    ):
        text = get_feed(client, url).content.decode()
        assert "very-secret-room" not in text
        assert "オンライン" in text


def test_feeds_by_category_organisation_and_event(client, site_tree):
    day = timezone.localdate() + datetime.timedelta(2)
    lecture = publish_event(
        site_tree.ward, title="講演会A", slug="a", category=category("lecture"), start_date=day
    )
    family = publish_event(site_tree.family, title="交流会B", slug="b", start_date=day)
    joint = publish_event(site_tree.ward, title="合同C", slug="c", start_date=day)
    joint.co_hosts = [site_tree.family]
    joint.save_revision().publish()

    def titles(url):
        calendar = parse(get_feed(client, url))
        return {str(c["SUMMARY"]) for c in calendar.walk("VEVENT")}

    assert titles("/events/category/lecture.ics") == {"講演会A"}
    assert titles("/partners/hidamari/calendar.ics") == {"交流会B", "合同C"}
    assert titles(f"{lecture.url}calendar.ics") == {"講演会A"}
    assert titles("/events/calendar.ics?category=family-gathering") == {"交流会B", "合同C"}
    assert titles("/events/calendar.ics") == {"講演会A", "交流会B", "合同C"}
    assert "COLOR:steelblue" in get_feed(client, "/events/category/lecture.ics").content.decode()
    assert titles(f"{family.url}calendar.ics") == {"交流会B"}
    assert client.get("/events/category/nothing.ics").status_code == 404


def test_pages_declare_and_offer_their_feeds(client, site_tree):
    event = publish_event(site_tree.ward, start_date=timezone.localdate() + datetime.timedelta(2))
    pages = {
        "/events/?category=lecture": "/events/calendar.ics?category=lecture",
        event.url: f"{event.url}calendar.ics",
        "/partners/toshima-ward/": "/partners/toshima-ward/calendar.ics",
        "/": "/events/calendar.ics",
    }
    for url, feed in pages.items():
        html = client.get(url).content.decode()
        link = re.search(r'<link rel="alternate" type="text/calendar"[^>]*href="([^"]+)"', html)
        assert link and link.group(1).endswith(feed), (url, link and link.group(1))
        if url != "/":
            assert "webcal://testserver" + feed.replace("&", "&amp;") in html, url
            assert "calendar.google.com/calendar/render?cid=webcal" in html, url
            assert "カレンダーに登録" in html, url
    assert "カレンダーに追加" in client.get(event.url).content.decode()


def test_english_pages_link_to_the_same_feeds(client, site_tree):
    html = client.get("/en/partners/toshima-ward/").content.decode()
    assert 'href="http://testserver/partners/toshima-ward/calendar.ics"' in html


def test_feed_queries_do_not_grow_with_the_number_of_events(client, site_tree):
    from django.core.cache import cache

    day = timezone.localdate() + datetime.timedelta(3)

    def add(start, n):
        for i in range(start, start + n):
            event = publish_event(
                [site_tree.ward, site_tree.family][i % 2],
                slug=f"f{i}",
                start_date=day,
                recurrence=RULE("RRULE:FREQ=WEEKLY;COUNT=4") if i % 2 else None,
            )
            if i % 7 == 0:
                event.exceptions = [
                    EventException(original_date=day, kind="note", reason="お知らせ")
                ]
                event.save_revision().publish()

    def count(url):
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            get_feed(client, url)
        return len(queries)

    urls = ["/events/calendar.ics", "/partners/toshima-ward/calendar.ics"]
    add(0, 10)
    small = [count(url) for url in urls]
    add(10, 20)
    assert EventPage.objects.count() == 30
    assert [count(url) for url in urls] == small
    assert max(small) <= 10, small  # partner dates are read in their own query


def test_the_demo_share_your_calendar_page_lists_the_feeds_at_this_address(client, site_tree):
    from io import StringIO

    from django.core.management import call_command

    from events.models import CalendarSharePage

    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())  # idempotent: still one page
    (page,) = CalendarSharePage.objects.all()
    assert page.url == "/calendar-share/"
    html = client.get("/calendar-share/", HTTP_HOST="ibasho.example.jp").content.decode()
    assert "カレンダーを共有する" in html and "連携自治体・団体の皆さまへ" in html
    for path in (
        "/events/calendar.ics",
        "/events/category/lecture.ics",
        "/partners/toshima-ward/calendar.ics",
    ):
        assert f'value="http://ibasho.example.jp{path}"' in html, path
        assert f'href="webcal://ibasho.example.jp{path}"' in html, path
    assert "testserver" not in html.split("<main", 1)[1]  # nothing frozen at seed time
    assert "Outlook" in html and "Thunderbird" in html and "Google カレンダー" in html
    assert "約6時間ごとに更新" not in html


def test_withdrawing_an_event_moves_last_modified_forward(client, site_tree):
    import time

    from django.utils.http import parse_http_date

    keep = publish_event(
        site_tree.ward, slug="keep", start_date=timezone.localdate() + datetime.timedelta(3)
    )
    gone = publish_event(
        site_tree.ward, slug="gone", start_date=timezone.localdate() + datetime.timedelta(4)
    )
    first = get_feed(client)
    time.sleep(1.1)
    gone.unpublish()
    second = client.get("/events/calendar.ics", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert second.status_code == 200, "a client polling by date must see the withdrawal"
    assert parse_http_date(second["Last-Modified"]) > parse_http_date(first["Last-Modified"])
    assert f"event-{gone.pk}@" not in second.content.decode()
    assert f"event-{keep.pk}@" in second.content.decode()
