"""Feeds at a CDN (issue 14, item 7): when what a feed shows changes, the CDN is told to
drop every address it may hold, filtered ones included. Wagtail's Cloudflare backend runs
for real; only its HTTP call to Cloudflare's API is replaced, and records what was sent."""

import datetime

from django.utils import timezone

from wagtail.contrib.frontend_cache.backends import cloudflare

import pytest
import recurrence

from events.factories import category, publish_event
from events.feeds import purge
from events.publishing import extend_horizon

pytestmark = pytest.mark.django_db

BASE = "http://testserver"
IKEBUKURO = "%E6%B1%A0%E8%A2%8B"  # 池袋, as a browser or calendar app sends it


@pytest.fixture
def cdn(settings, monkeypatch):
    """Cloudflare in front of the site; the list of every address purged through its API."""
    settings.WAGTAILFRONTENDCACHE = {
        "cloudflare": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudflareBackend",
            "BEARER_TOKEN": "test-token",
            "ZONEID": "test-zone",
        }
    }
    purged = []

    class Answer:
        status_code = 200

        def json(self):
            return {"success": True, "errors": []}

    def post(url, json, headers, timeout):
        assert url == "https://api.cloudflare.com/client/v4/zones/test-zone/purge_cache"
        assert headers["Authorization"] == "Bearer test-token"
        assert len(json["files"]) <= cloudflare.CloudflareBackend.CHUNK_SIZE
        purged.extend(json["files"])
        return Answer()

    monkeypatch.setattr(cloudflare.requests, "post", post)
    return purged


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what waits for the transaction's commit (the purge does)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def soon(days=3):
    return timezone.localdate() + datetime.timedelta(days=days)


def serve(client, url):
    """Request ``url`` as the CDN would; the address it keeps the copy under."""
    response = client.get(url)
    assert response.status_code == 200
    return BASE + response.wsgi_request.get_full_path(), response["Cache-Control"]


def test_publishing_purges_the_event_feeds_and_every_filtered_address_served(
    client, site_tree, cdn, committed
):
    event = publish_event(
        site_tree.ward, title="講演会", slug="talk", category=category("lecture"), start_date=soon()
    )
    filtered = [
        serve(client, "/events/calendar.ics?category=lecture"),
        serve(client, f"/events/calendar.ics?area={IKEBUKURO}&category=lecture"),
        serve(client, "/events/calendar.ics?online=1&q=講演"),
    ]
    for _url, cache_control in filtered:
        assert cache_control == f"public, max-age=900, s-maxage={purge.FILTERED_S_MAXAGE}"
    assert "s-maxage=3600" in client.get("/events/calendar.ics")["Cache-Control"]
    cdn.clear()

    with committed():
        event.title = "講演会（会場変更）"
        event.save_revision().publish()

    assert {
        f"{BASE}/events/calendar.ics",
        f"{BASE}/events/category/lecture.ics",
        f"{BASE}/partners/toshima-ward/calendar.ics",
        f"{BASE}/partners/toshima-ward/talk/calendar.ics",
        *(url for url, _ in filtered),
    } <= set(cdn)
    assert filtered[1][0] == f"{BASE}/events/calendar.ics?area={IKEBUKURO}&category=lecture"


def test_renaming_a_category_purges_its_feeds(client, site_tree, cdn, committed):
    lecture = category("lecture")
    publish_event(
        site_tree.family, title="講演会", slug="talk", category=lecture, start_date=soon()
    )
    filtered, _ = serve(client, "/events/calendar.ics?category=lecture")
    cdn.clear()

    with committed():
        lecture.name = "講演会・学習会"
        lecture.save()

    assert {
        f"{BASE}/events/calendar.ics",
        f"{BASE}/events/category/lecture.ics",
        f"{BASE}/partners/hidamari/calendar.ics",
        f"{BASE}/partners/hidamari/talk/calendar.ics",
        filtered,
    } <= set(cdn)


def test_renaming_or_moving_an_organisation_purges_its_feeds(client, site_tree, cdn, committed):
    joint = publish_event(site_tree.ward, title="合同相談会", slug="joint", start_date=soon())
    joint.co_hosts = [site_tree.family]
    joint.save_revision().publish()
    publish_event(site_tree.family, title="交流会", slug="talk", start_date=soon())
    filtered, _ = serve(client, "/events/calendar.ics?organisation=hidamari")
    expected = {
        f"{BASE}/events/calendar.ics",
        f"{BASE}/partners/hidamari/calendar.ics",
        f"{BASE}/partners/hidamari/talk/calendar.ics",
        f"{BASE}/partners/toshima-ward/joint/calendar.ics",  # co-hosted: shows its name
        filtered,
    }
    cdn.clear()
    with committed():
        site_tree.family.title = "家族会 こもれび"
        site_tree.family.save_revision().publish()
    assert expected <= set(cdn)

    cdn.clear()
    with committed():
        site_tree.family.move(site_tree.partners, pos="first-child")
    assert expected <= set(cdn)


def test_moving_an_event_purges_the_feeds_at_its_old_address(client, site_tree, cdn, committed):
    event = publish_event(site_tree.ward, title="交流会", slug="talk", start_date=soon())
    cdn.clear()
    with committed():
        event.move(site_tree.family, pos="last-child")
    assert {
        f"{BASE}/partners/toshima-ward/talk/calendar.ics",
        f"{BASE}/partners/toshima-ward/calendar.ics",
        f"{BASE}/partners/hidamari/talk/calendar.ics",
        f"{BASE}/partners/hidamari/calendar.ics",
    } <= set(cdn)


def test_rolling_the_horizon_purges_the_feeds_of_events_with_new_dates(
    client, site_tree, cdn, committed, settings
):
    settings.OCCURRENCE_HORIZON_DAYS = 30

    publish_event(
        site_tree.ward,
        slug="weekly",
        start_date=soon(1),
        recurrence=recurrence.deserialize("RRULE:FREQ=WEEKLY"),
    )
    publish_event(site_tree.family, slug="once", start_date=soon(2))
    filtered, _ = serve(client, f"/events/calendar.ics?area={IKEBUKURO}")
    cdn.clear()

    settings.OCCURRENCE_HORIZON_DAYS = 60
    with committed():
        extend_horizon()

    assert {
        f"{BASE}/events/calendar.ics",
        f"{BASE}/partners/toshima-ward/weekly/calendar.ics",
        filtered,
    } <= set(cdn)
    assert f"{BASE}/partners/hidamari/once/calendar.ics" not in cdn  # no new date


def test_an_address_that_cannot_be_noted_is_not_kept_by_the_cdn(
    client, site_tree, cdn, committed, monkeypatch
):
    monkeypatch.setattr(purge, "SLOTS", 1)
    event = publish_event(site_tree.ward, slug="talk", start_date=soon())
    noted, kept = serve(client, "/events/calendar.ics?category=family-gathering")
    other, not_kept = serve(client, f"/events/calendar.ics?area={IKEBUKURO}")
    assert kept.endswith(f"s-maxage={purge.FILTERED_S_MAXAGE}")
    assert not_kept.endswith("s-maxage=0")  # the CDN asks us every time
    assert serve(client, "/events/calendar.ics?category=family-gathering")[1] == kept
    assert purge.noted_urls() == [noted]
    cdn.clear()
    with committed():
        event.save_revision().publish()
    assert noted in cdn


def test_without_a_cdn_nothing_is_noted_or_purged(client, site_tree, committed):
    event = publish_event(site_tree.ward, slug="talk", start_date=soon())
    _url, cache_control = serve(client, "/events/calendar.ics?category=family-gathering")
    assert cache_control.endswith(f"s-maxage={purge.FILTERED_S_MAXAGE}")
    assert purge.noted_urls() == []
    with committed() as callbacks:
        event.save_revision().publish()
    assert not [c for c in callbacks if "purge" in getattr(c, "__qualname__", "")]


def test_making_an_event_private_purges_its_feeds(client, site_tree, cdn, committed):
    from wagtail.models import PageViewRestriction

    event = publish_event(site_tree.ward, slug="talk", start_date=soon())
    filtered, _ = serve(client, "/events/calendar.ics?category=family-gathering")
    cdn.clear()
    with committed():
        PageViewRestriction.objects.create(page=event, restriction_type="password", password="x")
    assert {
        f"{BASE}/events/calendar.ics",
        f"{BASE}/partners/toshima-ward/calendar.ics",
        f"{BASE}/partners/toshima-ward/talk/calendar.ics",
        filtered,
    } <= set(cdn)


def test_editing_the_home_page_purges_no_feed(client, site_tree, cdn, committed):
    publish_event(site_tree.ward, slug="talk", start_date=soon())
    serve(client, "/events/calendar.ics?category=family-gathering")
    cdn.clear()
    with committed():
        site_tree.home.intro = "ようこそ。"
        site_tree.home.save_revision().publish()
    assert not [url for url in cdn if url.endswith(".ics") or "calendar.ics?" in url]
