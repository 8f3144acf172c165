"""Fuzzing the public queries over HTTP: the filters of /events/ (list, month, monthly
programme), of the calendar feeds, of /ibasho/ and of the widget, and the addresses of
dates and feeds. Whatever the query string (control characters, invalid UTF-8, repeated
or unknown names, dates that are not dates), the answer is a page, a feed, a 304, or a
4xx that says in Japanese what is wrong: never a 500 (the test client re-raises any
exception a view lets out)."""

import datetime
from decimal import Decimal
from urllib.parse import quote

from django.utils import timezone

import pytest
import recurrence
from hypothesis import given
from hypothesis import strategies as st

from events.choices import Audience
from events.factories import category
from ibasho.models import IbashoPage
from tests.bookings.conftest import bookable_event

from .strategies import KANA, encode_query, query, text

pytestmark = pytest.mark.django_db

EVENT_FILTERS = ["q", "category", "audience", "organisation", "area", "online", "on"]
LIST_ONLY = ["page", "when"]
IBASHO_FILTERS = ["day", "who", "area", "free", "step_free", "today"]
WIDGET_FILTERS = ["category", "organisation", "ibasho", "count"]
KNOWN_VALUES = st.sampled_from(
    ["family-gathering", "ibasho", "toshima-ward", "hidamari", "池袋", "women", "1", "past"]
    + list(Audience.values)
)


@pytest.fixture
def content(site_tree):
    """An event, an online event for women and a place: something for each filter."""
    event, occurrence = bookable_event(site_tree.ward, area="池袋")
    bookable_event(
        site_tree.family, attendance_mode="online", women_only=True, area="目白", capacity=None
    )
    place = site_tree.ward.add_child(
        instance=IbashoPage(
            title="居場所 ひなた",
            slug="hinata",
            category=category("ibasho"),
            summary="安心して過ごせる場所です。",
            start_date=timezone.localdate(),
            start_time=datetime.time(13, 0),
            end_time=datetime.time(17, 0),
            recurrence=recurrence.deserialize("RRULE:FREQ=WEEKLY;BYDAY=TU"),
            area="池袋",
            latitude=Decimal("35.729500"),
            longitude=Decimal("139.710900"),
        )
    )
    place.save_revision().publish()
    return event, occurrence


def get_ok(client, url, allowed=(200,), **headers):
    response = client.get(url, **headers)
    status = response.status_code
    assert status in allowed or status in (400, 404), (url, status)
    if status in (400, 404):
        body = response.content.decode()
        assert KANA.search(body), (url, status, body[:300])
    return response


def mixed(known):
    """A query built from the known names with known and arbitrary values."""
    return st.one_of(
        query(known),
        st.lists(st.tuples(st.sampled_from(known), KNOWN_VALUES), max_size=4).map(
            lambda pairs: (pairs, [])
        ),
    )


def test_event_list_and_month_filters(client, content):
    @given(
        drawn=mixed(EVENT_FILTERS + LIST_ONLY), year=st.integers(0, 10**5), month=st.integers(0, 13)
    )
    def check(drawn, year, month):
        qs = encode_query(drawn)
        response = get_ok(client, f"/events/?{qs}")
        assert response.status_code == 200  # the list ignores a filter it cannot read
        get_ok(client, f"/events/month/{year}-{month}/?{qs}")

    check()


def test_monthly_programme_filters(client, content):
    @given(drawn=mixed(EVENT_FILTERS), month=st.integers(0, 13))
    def check(drawn, month):
        get_ok(client, f"/events/programme/2026-{month}/?{encode_query(drawn)}")

    check()


def test_feed_filters(client, content):
    """A filter the feed cannot read is a 400 in Japanese (never another calendar)."""

    @given(
        drawn=mixed(EVENT_FILTERS),
        etag=st.one_of(st.just(""), text.map(quote)),
        since=st.one_of(st.just(""), st.sampled_from(["Sun, 06 Nov 1994 08:49:37 GMT"]), text),
    )
    def check(drawn, etag, since):
        headers = {"HTTP_IF_NONE_MATCH": etag} if etag else {}
        if since:
            headers["HTTP_IF_MODIFIED_SINCE"] = quote(since, safe=" ,:")
        url = f"/events/calendar.ics?{encode_query(drawn)}"
        response = get_ok(client, url, allowed=(200, 304), **headers)
        if response.status_code == 200:
            assert response.content.startswith(b"BEGIN:VCALENDAR")
        elif response.status_code == 400:
            assert response["Content-Type"].startswith("text/plain")

    check()


def test_feed_addresses(client, content):
    event, _ = content

    @given(slug=text, organisation=st.one_of(st.just("toshima-ward"), text))
    def check(slug, organisation):
        slug, organisation = quote(slug, safe=""), quote(organisation, safe="")
        for url in (
            f"/events/category/{slug}.ics",
            f"/partners/{organisation}/calendar.ics",
            f"/partners/{organisation}/{slug}/calendar.ics",
            f"/partners/toshima-ward/{event.slug}/{slug}/",
            f"/partners/toshima-ward/{event.slug}/{slug}/book/",
        ):
            get_ok(client, url, allowed=(200, 301, 302))

    check()


def test_ibasho_filters(client, content):
    @given(drawn=mixed(IBASHO_FILTERS))
    def check(drawn):
        qs = encode_query(drawn)
        response = get_ok(client, f"/ibasho/?{qs}")
        assert response.status_code == 200
        get_ok(client, f"/ibasho/places.geojson?{qs}")

    check()


def test_widget_filters(client, content):
    """A widget setting it cannot read is a 400 in Japanese, shown in the partner's frame."""

    @given(drawn=mixed(WIDGET_FILTERS))
    def check(drawn):
        get_ok(client, f"/events/widget/?{encode_query(drawn)}")

    check()
