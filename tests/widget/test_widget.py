"""The widget partner sites embed: what it lists and with which filters, that any site
may frame it while every other page still refuses, HTTP caching, and the admin page where
a partner copies its code."""

import datetime
import html as html_module
import re

from django.contrib.auth import get_user_model
from django.utils import timezone

import pytest

from events.factories import category, publish_event
from events.models import Occurrence
from events.schedules import TOKYO
from home.partners import add_partner, ensure_ward_staff

pytestmark = pytest.mark.django_db

WIDGET = "/events/widget/"


def days_ahead(n):
    return timezone.now().astimezone(TOKYO).date() + datetime.timedelta(days=n)


@pytest.fixture
def events(site_tree):
    from ibasho.models import IbashoPage

    lecture = publish_event(
        site_tree.ward,
        title="講演会「家族にできること」",
        slug="lecture",
        category=category("lecture"),
        start_date=days_ahead(3),
    )
    gathering = publish_event(
        site_tree.family,
        title="家族交流会 ひだまり",
        slug="gathering",
        category=category("family-gathering"),
        start_date=days_ahead(5),
        audience="family",
    )
    fair = publish_event(
        site_tree.ward,
        title="合同相談会",
        slug="fair",
        category=category("joint-consultation-fair"),
        start_date=days_ahead(7),
    )
    fair.co_hosts = [site_tree.family]
    fair.save_revision().publish()
    publish_event(site_tree.ward, title="終わった会", slug="past", start_date=days_ahead(-3))
    place = site_tree.family.add_child(
        instance=IbashoPage(
            title="居場所 ひだまりカフェ",
            slug="cafe",
            category=category("ibasho"),
            summary="安心して過ごせる場所です。",
            start_date=days_ahead(2),
            start_time=datetime.time(13, 0),
            end_time=datetime.time(17, 0),
            venue_name="ひだまりカフェ",
        )
    )
    place.save_revision().publish()
    return {"lecture": lecture, "gathering": gathering, "fair": fair, "place": place}


def titles(response):
    body = response.content.decode()
    return [
        html_module.unescape(t) for t in re.findall(r'class="widget__name"[^>]*>([^<]+)<', body)
    ]


def test_lists_the_next_dates_in_order(client, events):
    response = client.get(WIDGET)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert titles(response) == [
        "居場所 ひだまりカフェ",
        "講演会「家族にできること」",
        "家族交流会 ひだまり",
        "合同相談会",
    ]
    body = response.content.decode()
    assert '<html lang="ja">' in body and "css/widget.css" in body
    assert 'target="_blank" rel="noopener"' in body
    day = days_ahead(3)
    assert f"{day.month}月{day.day}日" in body and "14:00" in body
    assert 'href="/partners/toshima-ward/lecture/' in body


def test_filters_by_category_organisation_ibasho_and_count(client, events):
    assert titles(client.get(WIDGET + "?category=lecture")) == ["講演会「家族にできること」"]
    # Hosted or co-hosted by the family association (the cafe, the gathering, the fair).
    assert titles(client.get(WIDGET + "?organisation=hidamari")) == [
        "居場所 ひだまりカフェ",
        "家族交流会 ひだまり",
        "合同相談会",
    ]
    place = events["place"]
    one_place = client.get(f"{WIDGET}?ibasho={place.pk}")
    assert titles(one_place) == ["居場所 ひだまりカフェ"]
    assert "居場所 ひだまりカフェ" in one_place.content.decode().split("</h1>")[0]
    assert len(titles(client.get(WIDGET + "?count=2"))) == 2


@pytest.mark.parametrize(
    "query", ["category=nothing", "organisation=nobody", "ibasho=999999", "count=50", "ibasho=x"]
)
def test_wrong_settings_are_a_clear_400_inside_the_frame(client, events, query):
    response = client.get(f"{WIDGET}?{query}")
    assert response.status_code == 400
    assert "ウィジェットの設定が正しくありません" in response.content.decode()
    assert "X-Frame-Options" not in response


def test_an_event_page_cannot_be_an_ibasho_filter(client, events):
    assert client.get(f"{WIDGET}?ibasho={events['lecture'].pk}").status_code == 400


def test_only_the_widget_may_be_framed(client, events):
    widget = client.get(WIDGET)
    assert "X-Frame-Options" not in widget
    assert "frame-ancestors *" in widget["Content-Security-Policy"]
    for path in ("/events/", "/partners/toshima-ward/lecture/", "/ibasho/", "/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response["X-Frame-Options"] == "DENY", path
        assert "frame-ancestors *" not in response.get("Content-Security-Policy", ""), path


def policy(response):
    """The Content-Security-Policy header as {directive: [sources]}."""
    parts = (part.split() for part in response["Content-Security-Policy"].split(";"))
    return {words[0]: words[1:] for words in parts if words}


def test_the_widget_keeps_the_rest_of_the_site_policy(client, events):
    """Under the project's own middleware (cms.csp) and settings, the widget opens only
    frame-ancestors; the rest of the site's policy holds inside the frame too."""
    widget, page = policy(client.get(WIDGET)), policy(client.get("/events/"))
    assert widget["frame-ancestors"] == ["*"]
    assert page["frame-ancestors"] == ["'self'"]
    assert {k: v for k, v in widget.items() if k != "frame-ancestors"} == {
        k: v for k, v in page.items() if k != "frame-ancestors"
    }
    assert widget["script-src"] == ["'self'"]
    assert widget["object-src"] == ["'none'"]
    assert widget["default-src"] == ["'self'"]


def test_cached_with_an_etag(client, events):
    first = client.get(WIDGET + "?category=lecture")
    etag = first["ETag"]
    assert etag and "public" in first["Cache-Control"]
    again = client.get(WIDGET + "?category=lecture", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and "X-Frame-Options" not in again
    # Publishing a change makes a new list.
    lecture = events["lecture"]
    lecture.title = "講演会（会場変更）"
    lecture.save_revision().publish()
    changed = client.get(WIDGET + "?category=lecture", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert titles(changed) == ["講演会（会場変更）"]


def test_cancelled_dates_say_so(client, events):
    Occurrence.objects.filter(event=events["gathering"]).update(status="cancelled")
    body = client.get(WIDGET + "?category=family-gathering").content.decode()
    assert "is-cancelled" in body and "中止" in body


def test_a_partner_copies_its_code_with_its_organisation_chosen(client, events):
    result = add_partner(
        "家族会 ひだまり", "family_association", slug="hidamari", editors=["h@example.jp"]
    )
    client.force_login(result.editors[0])
    response = client.get("/admin/embed/")
    assert response.status_code == 200
    body = html_module.unescape(response.content.decode())
    assert '<iframe src="http://testserver/events/widget/?organisation=hidamari"' in body
    assert 'title="これからのイベント・居場所' in body
    assert '<option value="hidamari" selected>' in body
    # Choosing a category changes the code.
    body = html_module.unescape(
        client.get(
            "/admin/embed/?organisation=hidamari&category=family-gathering&count=3"
        ).content.decode()
    )
    assert "/events/widget/?category=family-gathering&organisation=hidamari&count=3" in body


def test_ward_staff_start_from_every_event_and_strangers_are_sent_to_log_in(client, events):
    staff = get_user_model().objects.create_user("staff", "s@example.jp", "pw")
    staff.groups.add(ensure_ward_staff())
    client.force_login(staff)
    body = html_module.unescape(client.get("/admin/embed/").content.decode())
    assert '<iframe src="http://testserver/events/widget/"' in body
    client.logout()
    assert client.get("/admin/embed/").status_code == 302
