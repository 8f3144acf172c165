"""Feeds under hostile or careless input: a bad filter never changes what another URL's
subscribers get (cache poisoning), free-text searches do not fill the cache, and control
characters never break a feed."""

import datetime

from django.core.cache import cache
from django.utils import timezone

import icalendar
import pytest

from events.factories import category, publish_event

pytestmark = pytest.mark.django_db


def titles(response):
    calendar = icalendar.Calendar.from_ical(response.content)
    return {str(c["SUMMARY"]) for c in calendar.walk("VEVENT")}


@pytest.fixture
def two_events(site_tree):
    day = timezone.localdate() + datetime.timedelta(days=5)
    publish_event(
        site_tree.ward, title="講演会", slug="lecture", category=category("lecture"), start_date=day
    )
    publish_event(site_tree.family, title="交流会", slug="family", start_date=day)


@pytest.mark.parametrize(
    "query",
    [
        "category=lecture&organisation=no-such-org",
        "organisation=no-such-org",
        "category=lecture&audience=nobody",
        "category=nothing",
    ],
)
def test_an_invalid_filter_is_refused_and_never_poisons_the_main_feed(client, two_events, query):
    response = client.get(f"/events/calendar.ics?{query}")
    assert response.status_code == 400
    assert "カレンダーの条件を読み取れませんでした" in response.content.decode()
    main = client.get("/events/calendar.ics")
    assert titles(main) == {"講演会", "交流会"}


def test_the_date_filter_of_the_list_does_not_apply_to_feeds(client, two_events):
    """?on= narrows the list to one day; a feed ignores it, in its content AND its key."""
    past_day = (timezone.localdate() - datetime.timedelta(days=100)).isoformat()
    ignored = client.get(f"/events/calendar.ics?category=lecture&on={past_day}")
    assert titles(ignored) == {"講演会"}
    assert titles(client.get("/events/calendar.ics?category=lecture")) == {"講演会"}
    assert titles(client.get("/events/calendar.ics")) == {"講演会", "交流会"}


def test_unknown_parameters_share_the_canonical_feed(client, two_events):
    first = client.get("/events/calendar.ics?category=lecture&utm_source=mail")
    second = client.get("/events/calendar.ics?category=lecture")
    assert first["ETag"] == second["ETag"] and titles(first) == {"講演会"}


def test_keyword_feeds_are_built_but_never_cached(client, two_events):
    def cached_documents():
        return len([k for k in cache._cache if "document:" in str(k)])

    client.get("/events/calendar.ics?category=lecture")
    before = cached_documents()
    for word in ("講演", "交流", "あ", "い", "う"):
        response = client.get(f"/events/calendar.ics?q={word}")
        assert response.status_code == 200 and response["ETag"]
    assert cached_documents() == before
    assert titles(client.get("/events/calendar.ics?q=講演")) == {"講演会"}


def test_control_characters_never_break_a_feed(client, site_tree):
    """Validation refuses them at the edge; data that got in some other way (an older
    version, a direct database edit) is still written as valid calendar text."""
    from events.models import EventPage

    day = timezone.localdate() + datetime.timedelta(days=5)
    event = publish_event(site_tree.ward, start_date=day)
    EventPage.objects.filter(pk=event.pk).update(
        title="改行\r\nのある\x07題名", summary="説明\x1b文\u2028です", venue_name="会場\n二行目"
    )
    cache.clear()
    for url in (
        "/events/calendar.ics?q=a%0Ab",
        "/events/calendar.ics",
        "/events/calendar.ics?q=%07",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content
        assert b"\x07" not in body and b"\x1b" not in body
        calendar = icalendar.Calendar.from_ical(body)
        assert "\n" not in str(calendar["X-WR-CALNAME"])
    (vevent,) = icalendar.Calendar.from_ical(client.get("/events/calendar.ics").content).walk(
        "VEVENT"
    )
    assert str(vevent["SUMMARY"]) == "改行 のある題名"
    assert str(vevent["LOCATION"]).startswith("会場 二行目")


def test_line_breaks_in_single_line_fields_are_refused_by_validation(site_tree):
    from django.core.exceptions import ValidationError

    from events.factories import EventPageFactory

    with pytest.raises(ValidationError) as refused:
        EventPageFactory(parent=site_tree.ward, title="件名\r\nBcc: x@example.jp").full_clean()
    assert "title" in refused.value.message_dict
    site_tree.ward.title = "区\n窓口"
    with pytest.raises(ValidationError):
        site_tree.ward.full_clean()


def test_feeds_of_pages_with_japanese_slugs(client, site_tree):
    """Wagtail allows slugs in any script; their feeds must be reachable and linked."""
    day = timezone.localdate() + datetime.timedelta(days=5)
    event = publish_event(
        site_tree.ward, title="家族のつどい", slug="家族のつどい-みらい", start_date=day
    )
    page = client.get(event.url)
    assert page.status_code == 200
    feed = client.get(f"{event.url}calendar.ics")
    assert feed.status_code == 200 and titles(feed) == {"家族のつどい"}
