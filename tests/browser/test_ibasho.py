"""Someone looks for a place on /ibasho/: the map shows the listed places (tiles may be
blank offline), a filter narrows both, a place opens; the print view is ready for A4."""

import datetime
from decimal import Decimal

from django.utils import timezone

import pytest
import recurrence

from ibasho.models import IbashoPage
from tests.conftest import build_site_tree

pytestmark = pytest.mark.django_db(transaction=True)

DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def build_places():
    from events.models import EventCategory

    tree = build_site_tree()
    category, _ = EventCategory.objects.get_or_create(
        slug="ibasho", defaults={"name": "居場所", "name_en": "Ibasho", "colour": "dimgray"}
    )
    spots = [
        ("ikebukuro", "居場所 いけぶくろ", 1, "35.729500", "139.710900", "池袋"),
        ("otsuka", "ひだまりカフェ 大塚", 5, "35.731800", "139.728600", "大塚"),
        ("komagome", "ほっとスペース 駒込", 2, "35.736500", "139.747000", "駒込"),
    ]
    for slug, title, weekday, lat, lon, area in spots:
        page = tree.ward.add_child(
            instance=IbashoPage(
                title=title,
                slug=slug,
                category=category,
                summary="安心して過ごせる場所です。",
                start_date=timezone.localdate(),
                start_time=datetime.time(13, 0),
                end_time=datetime.time(17, 0),
                recurrence=recurrence.deserialize(f"RRULE:FREQ=WEEKLY;BYDAY={DAYS[weekday]}"),
                latitude=Decimal(lat),
                longitude=Decimal(lon),
                area=area,
                venue_address=f"東京都豊島区{area}",
            )
        )
        page.save_revision().publish()
    return tree


def test_map_list_filter_and_place(live_server, page, screenshot, axe_check):
    build_places()
    page.goto(f"{live_server.url}/ibasho/")
    # A locator, not wait_for_function: polling a string predicate needs eval, which the
    # Content-Security-Policy forbids.
    page.locator("#ibasho-map[data-markers]").wait_for(state="attached")
    markers = page.locator("#ibasho-map .leaflet-marker-icon")
    assert markers.count() == 3
    # Markers are reachable with the keyboard and named.
    assert markers.first.get_attribute("tabindex") == "0"
    assert markers.first.get_attribute("alt")
    assert page.locator(".places .place").count() == 3
    screenshot(page, "ibasho-map")
    axe_check(page)

    page.get_by_label("曜日").select_option(label="火曜")
    page.get_by_role("button", name="この条件で表示").click()
    page.wait_for_url("**/ibasho/?*day=1*")
    # A locator, not wait_for_function: polling a string predicate needs eval, which the
    # Content-Security-Policy forbids.
    page.locator("#ibasho-map[data-markers]").wait_for(state="attached")
    assert page.locator(".places .place").count() == 1
    assert page.locator("#ibasho-map .leaflet-marker-icon").count() == 1
    page.get_by_role("link", name="居場所 いけぶくろ").click()
    page.wait_for_url("**/partners/toshima-ward/ikebukuro/")
    assert "毎週火曜 13:00–17:00" in page.locator("main").inner_text()
    axe_check(page)


def test_print_view(live_server, page, screenshot, axe_check):
    build_places()
    page.goto(f"{live_server.url}/ibasho/print/")
    assert page.locator(".print-place").count() == 3
    assert page.locator(".print-place svg").count() == 3  # a QR code for each place
    page.emulate_media(media="print")
    screenshot(page, "ibasho-print")
    axe_check(page)
