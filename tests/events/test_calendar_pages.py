"""What a visitor sees on /events/, the month grid, an event page and one date's page."""

import datetime
import json
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import pytest
import recurrence

from events.factories import EventPageFactory, category, publish_event
from events.models import EventException, Occurrence
from events.schedule_text import format_date_ja
from events.schedules import TOKYO
from events.versions import invalidate_documents
from home.factories import OrganisationPageFactory

pytestmark = pytest.mark.django_db

T = datetime.time


def today():
    return timezone.now().astimezone(TOKYO).date()


def soon(days):
    return today() + datetime.timedelta(days=days)


@pytest.fixture
def calendar(site_tree):
    """A few events across two organisations, all in the coming weeks."""
    family = publish_event(
        site_tree.family,
        title="家族交流会 ひだまり",
        slug="family-meeting",
        category=category("family-gathering"),
        audience="family",
        start_date=soon(3),
        area="大塚",
    )
    lecture = publish_event(
        site_tree.ward,
        title="オンライン講演会",
        slug="lecture",
        category=category("lecture"),
        audience="anyone",
        attendance_mode="online",
        meeting_link="https://meet.example.jp/secret-room-123",
        start_date=soon(5),
        start_time=T(18, 30),
        end_time=T(20, 0),
        area="",
    )
    weekly = publish_event(
        site_tree.ward,
        title="毎週の相談会",
        slug="weekly",
        category=category("joint-consultation-fair"),
        audience="self",
        start_date=soon(1),
        recurrence=recurrence.deserialize("RRULE:FREQ=WEEKLY;COUNT=6"),
        area="池袋",
    )
    weekly.co_hosts = [site_tree.family]
    weekly.save_revision().publish()
    return {"family": family, "lecture": lecture, "weekly": weekly}


def titles(html):
    return set(re.findall(r'class="occurrence__title">.*?<a href="[^"]+">([^<]+)</a>', html, re.S))


def test_upcoming_list_is_grouped_by_japanese_dates(client, calendar):
    html = client.get("/events/").content.decode()
    assert titles(html) == {"家族交流会 ひだまり", "オンライン講演会", "毎週の相談会"}
    assert format_date_ja(soon(3)) in html
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日（[月火水木金土日]）", html)
    assert "14:00–16:00" in html
    assert "主催" in html and "豊島区 ひきこもり相談窓口" in html


def test_today_is_marked_with_aria_current(client, site_tree):
    # All day, so it is still "upcoming" whatever the time of day the test runs.
    publish_event(
        site_tree.ward,
        start_date=today(),
        all_day=True,
        start_time=None,
        end_time=None,
        title="今日の会",
        slug="today",
    )
    html = client.get("/events/").content.decode()
    assert 'aria-current="date"' in html
    assert "今日" in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("category=lecture", {"オンライン講演会"}),
        ("audience=family", {"家族交流会 ひだまり", "オンライン講演会"}),  # + "どなたでも"
        ("organisation=hidamari", {"家族交流会 ひだまり", "毎週の相談会"}),  # host or co-host
        ("area=池袋", {"毎週の相談会"}),
        ("online=on", {"オンライン講演会"}),
        ("q=講演", {"オンライン講演会"}),
        ("q=存在しない言葉", set()),
        ("category=no-such-category", {"家族交流会 ひだまり", "オンライン講演会", "毎週の相談会"}),
    ],
)
def test_filters_narrow_the_list_and_live_in_the_url(client, calendar, query, expected):
    response = client.get(f"/events/?{query}")
    assert response.status_code == 200
    assert titles(response.content.decode()) == expected


def test_bad_filter_values_never_break_the_page(client, calendar):
    for query in ("page=abc", "page=9999", "q=" + "あ" * 500, "online=maybe", "when=sometime"):
        assert client.get(f"/events/?{query}").status_code == 200, query


def test_the_list_works_without_javascript(client, calendar):
    html = client.get("/events/").content.decode()
    assert '<form class="filters" method="get"' in html
    assert '<button class="button" type="submit">' in html


def test_past_events_are_reachable_but_out_of_the_way(client, site_tree):
    past = EventPageFactory(
        parent=site_tree.ward,
        title="先月の会",
        slug="past",
        start_date=today() - datetime.timedelta(days=30),
    )
    past.save_revision().publish()
    assert "先月の会" not in client.get("/events/").content.decode()
    html = client.get("/events/?when=past").content.decode()
    assert "先月の会" in html
    assert "過去のイベント" in client.get("/events/").content.decode()


def test_month_grid_shows_the_months_events_and_keeps_filters(client, calendar):
    day = soon(3)
    response = client.get(f"/events/month/{day.year}-{day.month}/?category=family-gathering")
    assert response.status_code == 200
    html = response.content.decode()
    assert "家族交流会 ひだまり" in html
    assert "オンライン講演会" not in html
    assert "category=family-gathering" in re.search(r'href="([^"]+)" rel="next"', html).group(1)
    assert "<table" in html and "<caption" in html  # the grid, for wide screens
    assert 'class="agenda"' in html  # and the same days as a list, for phones


def test_impossible_months_are_404(client, site_tree):
    assert client.get("/events/month/2026-13/").status_code == 404
    assert client.get("/events/month/1900-1/").status_code == 404


def test_event_page_shows_facts_next_dates_and_structured_data(client, calendar):
    weekly = calendar["weekly"]
    html = client.get(weekly.url).content.decode()
    for fact in ("日時", "場所", "対象", "申し込み", "参加費", "主催", "無料"):
        assert fact in html, fact
    assert "家族会 ひだまり" in html  # the co-host
    first = Occurrence.objects.filter(event=weekly).first()
    assert f"{weekly.url}{first.original_date.isoformat()}/" in html
    data = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    )
    assert data[0]["@type"] == "Event"
    assert data[0]["startDate"].endswith("+09:00")
    assert data[0]["organizer"]["name"] == "豊島区 ひきこもり相談窓口"


def test_cancelled_dates_are_struck_through_with_the_reason(client, calendar):
    weekly = calendar["weekly"]
    second = Occurrence.objects.filter(event=weekly).order_by("start")[1]
    weekly.exceptions = [
        EventException(
            original_date=second.original_date, kind="cancelled", reason="講師の体調不良のため"
        )
    ]
    weekly.save_revision().publish()
    html = client.get(weekly.url).content.decode()
    assert "<s>" in html and "【中止】" in html and "講師の体調不良のため" in html
    listing = client.get("/events/").content.decode()
    assert "【中止】" in listing
    one = client.get(f"{weekly.url}{second.original_date.isoformat()}/").content.decode()
    assert "【中止】" in one and "講師の体調不良のため" in one


def test_each_date_has_its_own_page(client, calendar):
    weekly = calendar["weekly"]
    occurrence = Occurrence.objects.filter(event=weekly).first()
    response = client.get(f"{weekly.url}{occurrence.original_date.isoformat()}/")
    assert response.status_code == 200
    assert format_date_ja(occurrence.original_date) in response.content.decode()
    assert client.get(f"{weekly.url}2001-01-01/").status_code == 404
    assert client.get(f"{weekly.url}not-a-date/").status_code == 404


def test_the_private_meeting_link_is_never_on_public_pages(client, calendar):
    lecture = calendar["lecture"]
    occurrence = Occurrence.objects.get(event=lecture)
    day = occurrence.original_date
    for url in (
        "/events/",
        f"/events/month/{day.year}-{day.month}/",
        lecture.url,
        f"{lecture.url}{day.isoformat()}/",
        "/events/?online=on",
    ):
        assert "secret-room-123" not in client.get(url).content.decode(), url


def test_drafts_private_pages_and_unpublished_organisations_stay_off_the_calendar(
    client, site_tree
):
    from wagtail.models import PageViewRestriction

    publish_event(site_tree.ward, title="公開の会", slug="public", start_date=soon(2))
    draft = EventPageFactory(
        parent=site_tree.ward, title="下書きの会", slug="draft", live=False, start_date=soon(2)
    )
    draft.save_revision()
    private = publish_event(
        site_tree.ward, title="限定公開の会", slug="private", start_date=soon(2)
    )
    PageViewRestriction.objects.create(page=private, restriction_type="password", password="x")
    hidden_org = OrganisationPageFactory(parent=site_tree.partners, slug="hidden-org")
    publish_event(hidden_org, title="非公開団体の会", slug="hidden", start_date=soon(2))
    hidden_org.unpublish()
    html = client.get("/events/").content.decode()
    assert "公開の会" in html
    for title in ("下書きの会", "限定公開の会", "非公開団体の会"):
        assert title not in html, title


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_calendar_queries_do_not_grow_with_the_number_of_events(client, site_tree):
    organisations = [site_tree.ward, site_tree.family]
    day = soon(10)
    urls = [
        "/events/",
        f"/events/month/{day.year}-{day.month}/",
        "/events/?area=池袋&audience=family",
        "/events/?when=past",
    ]

    def add(n, start):
        for i in range(start, start + n):
            event = publish_event(
                organisations[i % 2],
                slug=f"e{i}",
                start_date=day,
                area="池袋",
                recurrence=recurrence.deserialize("RRULE:FREQ=WEEKLY;COUNT=3") if i % 3 else None,
            )
            if i % 5 == 0:
                event.co_hosts = [organisations[(i + 1) % 2]]
                event.save_revision().publish()

    def counts():
        """Queries of each page as the first request after a change (nothing of the
        calendar's data cached), then as the next one."""
        first = []
        for url in urls:
            invalidate_documents()
            first.append(_count_queries(client, url))
        return first, [_count_queries(client, url) for url in urls]

    add(10, 0)
    for url in urls:
        client.get(url)  # warm per-process caches equally for both measurements
    with_10 = counts()
    add(20, 10)
    with_30 = counts()
    assert with_10 == with_30
    assert max(with_30[0]) <= 23, with_30


def test_a_busy_day_in_the_month_grid_links_to_the_rest(client, site_tree):
    day = soon(12)
    for i in range(6):
        publish_event(site_tree.ward, slug=f"busy-{i}", title=f"同じ日の会{i}", start_date=day)
    html = client.get(f"/events/month/{day.year}-{day.month}/").content.decode()
    grid, agenda = html.split('<table class="month">')[1], html.split('class="agenda"')[1]
    agenda = agenda.split('<table class="month">')[0]
    for shown in (grid, agenda):  # the grid (wide screens) and the agenda (phones)
        assert sum(shown.count(f"同じ日の会{i}") for i in range(6)) == 4
    assert re.search(r'<a class="agenda__more" href="[^"]+">[^<]*2', agenda)
    more = re.search(r'<a class="month__more" href="([^"]+)">([^<]+)</a>', html)
    assert "2" in more.group(2)
    listing = client.get(more.group(1).replace("&amp;", "&")).content.decode()
    assert titles(listing) == {f"同じ日の会{i}" for i in range(6)}
    assert format_date_ja(day) in listing


def test_the_month_grid_is_cached_until_something_it_shows_changes(client, site_tree):
    """The grid's entries are kept under the calendar's version: a second request reads
    no occurrence rows, and a publish, a cancelled date, an unpublish and a withdrawn
    organisation each show at once."""
    day = soon(9)
    url = f"/events/month/{day.year}-{day.month}/"
    first = publish_event(site_tree.ward, slug="first", title="最初の会", start_date=day)
    client.get("/")  # the site's settings row is made on the first request (a change too)
    assert "最初の会" in client.get(url).content.decode()
    with CaptureQueriesContext(connection) as captured:
        assert "最初の会" in client.get(url).content.decode()
    assert not [q for q in captured.captured_queries if "events_occurrence" in q["sql"]]

    second = publish_event(site_tree.family, slug="second", title="二番目の会", start_date=day)
    html = client.get(url).content.decode()
    assert "最初の会" in html and "二番目の会" in html
    # The filters are part of the key: the filtered grid is not the cached whole one.
    only = client.get(f"{url}?organisation={site_tree.family.slug}").content.decode()
    assert "二番目の会" in only and "最初の会" not in only
    # A keyword search is never cached, and is not served the whole grid either.
    found = client.get(f"{url}?q=二番目").content.decode()
    assert "二番目の会" in found and "最初の会" not in found

    EventException.objects.create(page=first, original_date=day, kind="cancelled")
    first.save_revision().publish()
    assert 'class="is-cancelled"' in client.get(url).content.decode()

    second.unpublish()
    assert "二番目の会" not in client.get(url).content.decode()
    site_tree.ward.unpublish()
    assert "最初の会" not in client.get(url).content.decode()
