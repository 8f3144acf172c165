"""Partner calendars in the admin: the ward sees and enables every calendar, with how
fresh its events are and its last error; a partner sees and proposes only its own."""

import datetime

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

import pytest

from events.models import PartnerFeed
from home.partners import add_partner, ensure_ward_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(site_tree):
    a = add_partner("家族会A", "family_association", slug="org-a", editors=["a@example.jp"])
    b = add_partner("当事者会B", "peer_group", slug="org-b", editors=["b@example.jp"])
    staff = get_user_model().objects.create_user("staff", "staff@example.jp", "pw")
    staff.groups.add(ensure_ward_staff())
    feeds = {
        key: PartnerFeed.objects.create(
            name=f"{result.organisation.title}の予定",
            url=f"https://{key}.example.jp/calendar.ics",
            organisation=result.organisation,
            enabled=True,
            approved_at=timezone.now(),
        )
        for key, result in (("a", a), ("b", b))
    }
    return {
        "a": a.editors[0],
        "b": b.editors[0],
        "staff": staff,
        "orgs": {"a": a.organisation, "b": b.organisation},
        "feeds": feeds,
    }


def test_ward_staff_see_every_calendar_with_its_freshness_and_last_error(client, people):
    feed = people["feeds"]["a"]
    PartnerFeed.objects.filter(pk=feed.pk).update(
        last_success_at=timezone.now() - datetime.timedelta(days=2),
        last_error="相手のサーバーに接続できませんでした。",
    )
    client.force_login(people["staff"])
    page = client.get(reverse("partner_feeds:index")).content.decode()
    assert "家族会Aの予定" in page and "当事者会Bの予定" in page
    assert "相手のサーバーに接続できませんでした。" in page
    assert "古くなっています" in page and "まだ取り込んでいません" in page


def test_a_partner_sees_and_proposes_only_its_own_calendars(client, people):
    client.force_login(people["a"])
    page = client.get(reverse("partner_feeds:index")).content.decode()
    assert "家族会Aの予定" in page and "当事者会Bの予定" not in page
    other = people["feeds"]["b"]
    for view in ("edit", "inspect", "delete"):
        assert client.get(reverse(f"partner_feeds:{view}", args=[other.pk])).status_code == 404
    form = client.get(reverse("partner_feeds:add")).content.decode()
    assert 'name="enabled"' not in form and 'name="include_in_our_feeds"' not in form
    assert "当事者会B" not in form
    response = client.post(
        reverse("partner_feeds:add"),
        {
            "name": "Aの新しい予定",
            "url": "webcal://calendar.example.jp/a.ics",
            "organisation": people["orgs"]["a"].pk,
            "refresh_minutes": 360,
            "enabled": "on",  # ignored: only the ward enables
        },
    )
    assert response.status_code == 302
    proposed = PartnerFeed.objects.get(name="Aの新しい予定")
    assert proposed.url == "https://calendar.example.jp/a.ics"
    assert not proposed.enabled and proposed.proposed_by == people["a"]
    refused = client.post(
        reverse("partner_feeds:add"),
        {
            "name": "Bのふりをした予定",
            "url": "https://calendar.example.jp/b.ics",
            "organisation": people["orgs"]["b"].pk,
            "refresh_minutes": 360,
        },
    )
    assert refused.status_code == 200
    assert not PartnerFeed.objects.filter(name="Bのふりをした予定").exists()


def test_the_ward_enables_a_proposal_and_a_new_address_needs_approval_again(client, people):
    client.force_login(people["a"])
    client.post(
        reverse("partner_feeds:add"),
        {
            "name": "提案",
            "url": "https://calendar.example.jp/a.ics",
            "organisation": people["orgs"]["a"].pk,
            "refresh_minutes": 360,
        },
    )
    feed = PartnerFeed.objects.get(name="提案")
    assert feed.review_state == "提案中（区の確認待ち）"
    client.force_login(people["staff"])
    data = {
        "name": "提案",
        "url": feed.url,
        "organisation": feed.organisation_id,
        "refresh_minutes": 360,
        "enabled": "on",
    }
    assert client.post(reverse("partner_feeds:edit", args=[feed.pk]), data).status_code == 302
    feed.refresh_from_db()
    assert feed.enabled and feed.approved_by == people["staff"]
    client.force_login(people["a"])
    data = {**data, "url": "https://elsewhere.example.jp/a.ics"}
    del data["enabled"]
    assert client.post(reverse("partner_feeds:edit", args=[feed.pk]), data).status_code == 302
    feed.refresh_from_db()
    assert not feed.enabled and feed.approved_at is None


@pytest.mark.parametrize("url", ["ftp://calendar.example.jp/a.ics", "javascript:alert(1)"])
def test_only_web_addresses_are_accepted(client, people, url):
    client.force_login(people["staff"])
    response = client.post(
        reverse("partner_feeds:add"),
        {
            "name": "x",
            "url": url,
            "organisation": people["orgs"]["a"].pk,
            "refresh_minutes": 360,
        },
    )
    assert response.status_code == 200
    assert "http:// または https://" in response.content.decode()
    assert not PartnerFeed.objects.filter(name="x").exists()


def test_visitors_cannot_reach_the_list(client, people):
    response = client.get(reverse("partner_feeds:index"))
    assert response.status_code == 302 and "/login/" in response["Location"]
