"""Conditional GET of the feeds as RFC 9110 says (issue 14, item 4): If-None-Match compares
ETags weakly, takes a list and "*", and wins over If-Modified-Since."""

import datetime

from django.utils import timezone

import pytest

from events.factories import publish_event

pytestmark = pytest.mark.django_db

URL = "/events/calendar.ics"


@pytest.fixture
def etag(client, site_tree):
    publish_event(site_tree.ward, start_date=timezone.localdate() + datetime.timedelta(2))
    response = client.get(URL)
    assert response.status_code == 200
    tag = response["ETag"]
    assert tag.startswith('"') and tag.endswith('"'), tag  # we send strong tags
    return tag


def status(client, **headers):
    return client.get(URL, **headers).status_code


@pytest.mark.parametrize(
    "header",
    [
        "{etag}",  # the strong tag itself
        "W/{etag}",  # weakened by a proxy or a client
        '"other", W/{etag}',  # one of a list
        '"other",{etag} , "third"',  # a list with odd spacing
        "*",  # any current representation
    ],
    ids=["strong", "weak", "weak-in-list", "strong-in-list", "star"],
)
def test_a_matching_if_none_match_gets_304_without_a_body(client, etag, header):
    response = client.get(URL, HTTP_IF_NONE_MATCH=header.format(etag=etag))
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag
    assert "Last-Modified" in response and "s-maxage" in response["Cache-Control"]


@pytest.mark.parametrize(
    "header",
    ['"other"', 'W/"other"', '"other", W/"third"', "{bare}", "W/{bare}"],
    ids=["other", "weak-other", "list-of-others", "unquoted", "weak-unquoted"],
)
def test_a_different_tag_gets_the_feed(client, etag, header):
    bare = etag.strip('"')
    response = client.get(URL, HTTP_IF_NONE_MATCH=header.format(bare=bare))
    assert response.status_code == 200
    assert response.content.startswith(b"BEGIN:VCALENDAR\r\n")


def test_if_none_match_wins_over_if_modified_since(client, etag):
    last_modified = client.get(URL)["Last-Modified"]
    # A stale tag with a current date: the tag decides, so the feed is sent.
    assert status(client, HTTP_IF_NONE_MATCH='"stale"', HTTP_IF_MODIFIED_SINCE=last_modified) == 200
    # A matching weak tag with a date long ago: still 304.
    old = "Mon, 01 Jan 2001 00:00:00 GMT"
    assert status(client, HTTP_IF_NONE_MATCH=f"W/{etag}", HTTP_IF_MODIFIED_SINCE=old) == 304


def test_a_weak_tag_of_an_old_version_gets_the_new_feed(client, site_tree, etag):
    event = publish_event(
        site_tree.ward, slug="new", start_date=timezone.localdate() + datetime.timedelta(3)
    )
    response = client.get(URL, HTTP_IF_NONE_MATCH=f"W/{etag}")
    assert response.status_code == 200
    assert f"event-{event.pk}@" in response.content.decode()


def test_polling_a_category_organisation_or_event_feed_reads_no_name(client, site_tree):
    """A 304 to a polling client looks up only what its address names (the category, the
    organisation, the event): the calendar's name and the site are read when it is built."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    event = publish_event(site_tree.ward, start_date=timezone.localdate() + datetime.timedelta(2))
    urls = [
        f"/events/category/{event.category.slug}.ics",
        f"/partners/{site_tree.ward.slug}/calendar.ics",
        f"/partners/{site_tree.ward.slug}/{event.slug}/calendar.ics",
    ]
    for url in urls:
        first = client.get(url)
        assert first.status_code == 200, url
        with CaptureQueriesContext(connection) as queries:
            again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304, url
        tables = " ".join(query["sql"] for query in queries.captured_queries)
        assert "home_siteidentity" not in tables and "wagtailcore_site" not in tables, url
        assert len(queries.captured_queries) <= 4, (
            url,
            queries.captured_queries,
        )  # page, host, restrictions
