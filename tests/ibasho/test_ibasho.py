"""Ibasho: places on a list and in GeoJSON, with opening times from the schedule engine,
openings in the calendar and feeds, and visits booked through the bookings code."""

import datetime
import json
import re
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import pytest
import recurrence

from events.bookings import registration
from events.bookings.models import Booking
from events.bookings.registration import BookingRefused
from events.factories import category
from events.models import Occurrence
from events.schedules import TOKYO
from home.factories import OrganisationPageFactory
from ibasho.models import IbashoPage

pytestmark = pytest.mark.django_db

WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def ibasho_category():
    return category("ibasho")


def place(parent, slug, weekday=1, **fields):
    defaults = {
        "title": f"居場所 {slug}",
        "slug": slug,
        "category": ibasho_category(),
        "summary": "安心して過ごせる場所です。",
        "start_date": timezone.localdate(),
        "start_time": datetime.time(13, 0),
        "end_time": datetime.time(17, 0),
        "recurrence": recurrence.deserialize(f"RRULE:FREQ=WEEKLY;BYDAY={WEEKDAY_CODES[weekday]}"),
        "area": "池袋",
        "latitude": Decimal("35.729500"),
        "longitude": Decimal("139.710900"),
        "venue_address": "東京都豊島区池袋",
        "meeting_link": "https://meet.example.jp/secret-ibasho",
        "contact": "担当 山田（内線123）",
    }
    defaults.update(fields)
    page = parent.add_child(instance=IbashoPage(**defaults))
    page.save_revision().publish()
    return IbashoPage.objects.get(pk=page.pk)


def test_ibasho_live_under_organisations(site_tree):
    from wagtail.test.utils import WagtailPageTestCase

    helper = WagtailPageTestCase()
    helper.assertAllowedParentPageTypes(IbashoPage, {type(site_tree.ward.specific)})
    assert IbashoPage in type(site_tree.ward.specific).allowed_subpage_models()


def test_geojson_is_valid_and_public_only(client, site_tree):
    place(site_tree.ward, "a")
    place(site_tree.family, "online", attendance_mode="online", latitude=None, longitude=None)
    response = client.get("/ibasho/places.geojson")
    assert response["Content-Type"].startswith("application/geo+json")
    data = json.loads(response.content)
    assert data["type"] == "FeatureCollection"
    (feature,) = data["features"]  # the online place has no location
    assert feature["type"] == "Feature"
    lon, lat = feature["geometry"]["coordinates"]
    assert (lon, lat) == (139.7109, 35.7295)  # [longitude, latitude]
    text = response.content.decode()
    assert "secret-ibasho" not in text and "山田" not in text
    html = client.get("/ibasho/").content.decode()
    assert 'type="application/geo+json"' in html and "/ibasho/places.geojson" in html


def test_filters(client, site_tree):
    place(site_tree.ward, "tuesday", weekday=1)
    place(site_tree.ward, "women", weekday=5, women_only=True, area="目白", fee=300)
    place(site_tree.family, "stepfree", weekday=2, step_free=True, area="巣鴨")

    def names(query):
        html = client.get(f"/ibasho/?{query}").content.decode()
        return {s for s in ("tuesday", "women", "stepfree") if f"居場所 {s}<" in html}

    assert names("") == {"tuesday", "women", "stepfree"}
    assert names("day=1") == {"tuesday"}
    assert names("day=5") == {"women"}
    assert names("who=women") == {"tuesday", "women", "stepfree"}  # どなたでも included
    assert names("who=family") == {"tuesday", "stepfree"}
    assert names("free=on") == {"tuesday", "stepfree"}
    assert names("step_free=on") == {"stepfree"}
    assert names("area=目白") == {"women"}
    assert client.get("/ibasho/?day=abc&area=nowhere").status_code == 200


def test_open_today_at_any_time_of_day(client, site_tree):
    """All day today is open today whatever the clock says; a place that opens on another
    weekday is not."""
    today = timezone.now().astimezone(TOKYO).weekday()
    place(site_tree.ward, "allday", weekday=today, all_day=True)
    place(site_tree.ward, "tomorrow", weekday=(today + 1) % 7)
    html = client.get("/ibasho/?today=on").content.decode()
    assert "居場所 allday<" in html
    assert "居場所 tomorrow<" not in html


def test_schedule_text_in_natural_japanese(site_tree):
    weekly = place(
        site_tree.ward, "weekly", weekday=1, skip_public_holidays=True, skip_year_end=True
    )
    assert weekly.schedule_text == "毎週火曜 13:00–17:00（祝日・年末年始を除く）"
    monthly = place(
        site_tree.ward,
        "monthly",
        recurrence=recurrence.deserialize("RRULE:FREQ=MONTHLY;BYDAY=2SA,4SA"),
    )
    assert monthly.schedule_text == "毎月第2・第4土曜 13:00–17:00"


def test_openings_are_in_the_calendar_and_feeds(client, site_tree):
    item = place(site_tree.ward, "a", weekday=timezone.localdate().weekday())
    assert Occurrence.objects.filter(event=item).exists()
    assert "居場所 a" in client.get("/events/?category=ibasho").content.decode()
    assert "居場所 a" in client.get("/events/category/ibasho.ics").content.decode()
    feed = client.get(f"{item.url}calendar.ics").content.decode()
    assert "RRULE:FREQ=WEEKLY" in feed and "secret-ibasho" not in feed


def test_list_and_geojson_queries_do_not_grow(client, site_tree):
    def count(url):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    for i in range(5):
        place(site_tree.ward, f"p{i}", weekday=i % 7)
    client.get("/ibasho/")
    small = (count("/ibasho/"), count("/ibasho/places.geojson"))
    other = OrganisationPageFactory(parent=site_tree.partners, slug="other")
    for i in range(5, 30):
        place(other if i % 2 else site_tree.ward, f"p{i}", weekday=i % 7)
    assert (count("/ibasho/"), count("/ibasho/places.geojson")) == small


def test_visit_booking_obeys_capacity_through_the_same_code(site_tree):
    item = place(
        site_tree.ward,
        "first-visit",
        booking_mode="first_come",
        capacity=2,
        max_party_size=1,
        start_date=timezone.localdate() + datetime.timedelta(days=14),
        recurrence=None,
    )
    occurrence = Occurrence.objects.get(event=item)
    registration.register(occurrence.pk, nickname="一人目")
    registration.register(occurrence.pk, nickname="二人目")
    third, _token = registration.register(occurrence.pk, nickname="三人目")
    assert third.status == "waiting"
    with pytest.raises(BookingRefused):
        registration.register(occurrence.pk, nickname="電話", channel="phone")
    assert Booking.objects.filter(occurrence=occurrence, status="confirmed").count() == 2


def test_place_page_renders_with_facts(client, site_tree):
    item = place(site_tree.ward, "a", step_free=True, nearest_station="池袋駅")
    html = client.get(item.url).content.decode()
    for text in ("毎週火曜 13:00–17:00", "池袋駅", "段差なし", "無料", "これからの開所日"):
        assert text in html, text
    assert "secret-ibasho" not in html  # the meeting link is for people who booked
    assert "担当 山田（内線123）" in html  # the place's contact: whom to ask


def test_print_list_groups_places_by_area_with_qr_codes(client, site_tree):
    place(site_tree.ward, "a", area="池袋")
    place(site_tree.ward, "b", area="大塚")
    place(
        site_tree.family, "online", attendance_mode="online", area="", latitude=None, longitude=None
    )
    html = client.get("/ibasho/print/").content.decode()
    assert "居場所マップ" in html
    assert html.index("オンライン") > 0 and "池袋" in html and "大塚" in html
    assert html.count("<svg") == 3
    assert "secret-ibasho" not in html


def test_map_uses_our_own_leaflet_and_configurable_tiles(client, site_tree, settings):
    place(site_tree.ward, "a")
    html = client.get("/ibasho/").content.decode()
    assert "/static/leaflet/leaflet.js" in html and "/static/js/ibasho-map.js" in html
    assert "unpkg.com" not in html and "cdn" not in html.lower()
    assert 'data-tiles="/map-tiles-unavailable/' in html
    from django.contrib.staticfiles import finders

    assert finders.find("leaflet/leaflet.js")


def test_print_list_as_pdf(client, site_tree):
    place(site_tree.ward, "a", area="池袋")
    place(site_tree.ward, "b", area="大塚")
    response = client.get("/ibasho/print/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "ibasho-map.pdf" in response["Content-Disposition"]
    body = response.content
    assert body.startswith(b"%PDF") and len(body) > 2000
    assert b"HeiseiKakuGo" in body  # Japanese text with the PDF reader's own font
    assert b"/MediaBox [ 0 0 595.2756 841.8898 ]" in body  # A4
    assert b"secret-ibasho" not in body


def test_a_place_for_women_is_women_only_everywhere(client, site_tree):
    """One audience model for places and events: the page, the feed, the filters and the
    booking form all say "women only"."""
    women = place(
        site_tree.ward,
        "women",
        women_only=True,
        booking_mode="first_come",
        capacity=5,
        start_date=timezone.localdate() + datetime.timedelta(days=7),
        recurrence=None,
    )
    place(site_tree.ward, "anyone")
    html = client.get(women.url).content.decode()
    facts = re.search(r"対象</dt><dd>([^<]*)", html).group(1)
    assert facts == "女性"
    feed = client.get(f"{women.url}calendar.ics").content.decode().replace("\r\n ", "")
    assert "対象：女性" in feed and "女性限定" in feed and "どなたでも" not in feed
    for url, shown in (
        ("/events/?audience=women", {"women", "anyone"}),
        ("/events/?audience=family", {"anyone"}),
        ("/ibasho/?who=women", {"women", "anyone"}),
        ("/ibasho/?who=family", {"anyone"}),
    ):
        listing = client.get(url).content.decode()
        assert {s for s in ("women", "anyone") if f"居場所 {s}<" in listing} == shown, url
    occurrence = Occurrence.objects.get(event=women)
    form = client.get(women.occurrence_url(occurrence)).content.decode()
    assert 'name="audience_confirmed"' in form and "女性" in form


@pytest.mark.django_db(transaction=True)
def test_who_for_moves_into_the_audience_fields_with_the_data(site_tree):
    """The migration that retired ``who_for`` keeps what editors chose, on the page and in
    its revisions (a draft published later must not lose "women only")."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from wagtail.models import Revision

    women = place(site_tree.ward, "women")
    family = place(site_tree.ward, "family")
    executor = MigrationExecutor(connection)
    executor.migrate([("ibasho", "0003_ibasho_category")])
    with connection.cursor() as cursor:
        for page, who_for in ((women, "women"), (family, "family")):
            cursor.execute(
                "UPDATE ibasho_ibashopage SET who_for = %s WHERE eventpage_ptr_id = %s",
                [who_for, page.pk],
            )
    revision = Revision.objects.get(pk=women.latest_revision_id)
    revision.content = {**revision.content, "who_for": "women"}
    revision.save(update_fields=["content"])
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    women = IbashoPage.objects.get(pk=women.pk)
    family = IbashoPage.objects.get(pk=family.pk)
    assert (women.women_only, women.audience) == (True, "anyone")
    assert (family.women_only, family.audience) == (False, "family")
    content = Revision.objects.get(pk=women.latest_revision_id).content
    assert content["women_only"] is True and "who_for" not in content
    assert women.latest_revision.as_object().audience_label == "女性"
