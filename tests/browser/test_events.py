"""A person looks for a family gathering in a real browser: filter, open, see the dates."""

import datetime

from django.utils import timezone

import pytest
import recurrence

from events.factories import category, publish_event
from events.models import EventException
from events.schedules import TOKYO
from tests.conftest import build_site_tree

pytestmark = pytest.mark.django_db(transaction=True)


def build_calendar():
    tree = build_site_tree()
    today = timezone.now().astimezone(TOKYO).date()
    family = publish_event(
        tree.family,
        title="家族交流会 ひだまり",
        slug="family-meeting",
        category=category("family-gathering"),
        audience="family",
        start_date=today + datetime.timedelta(days=2),
        recurrence=recurrence.deserialize("RRULE:FREQ=WEEKLY;COUNT=5"),
        what_happens="<p>はじめに簡単なごあいさつをします。</p>",
    )
    family.exceptions = [
        EventException(
            original_date=today + datetime.timedelta(days=9),
            kind="cancelled",
            reason="会場点検のため",
        )
    ]
    family.save_revision().publish()
    publish_event(
        tree.ward,
        title="オンライン講演会",
        slug="lecture",
        category=category("lecture"),
        attendance_mode="online",
        start_date=today + datetime.timedelta(days=4),
    )
    return tree


def test_find_a_family_gathering_and_see_its_dates(live_server, page, screenshot, axe_check):
    build_calendar()
    page.goto(live_server.url + "/events/")
    assert page.get_by_role("heading", level=1).inner_text() == "イベント"
    assert page.get_by_role("link", name="オンライン講演会").is_visible()
    axe_check(page)

    page.get_by_text("イベントを絞り込む", exact=True).click()  # the filters fold away
    page.get_by_label("種類").select_option(label="家族交流会")
    page.get_by_role("button", name="この条件で表示").click()
    page.wait_for_url("**/events/?*category=family-gathering*")
    assert page.get_by_role("link", name="オンライン講演会").count() == 0
    assert "【中止】" in page.locator("main").inner_text()
    screenshot(page, "events-filtered")

    page.get_by_role("link", name="家族交流会 ひだまり").first.click()
    page.wait_for_url("**/partners/hidamari/family-meeting/**")
    page.get_by_role("link", name="このイベントのすべての日程と詳細").click()
    page.wait_for_url("**/partners/hidamari/family-meeting/")
    dates = page.get_by_role("heading", name="これからの日程")
    assert dates.is_visible()
    items = page.locator("ul.dates li")
    assert items.count() == 5
    assert "会場点検のため" in page.locator("ul.dates").inner_text()
    assert page.locator("ul.dates s").count() == 1  # the cancelled date, struck through
    screenshot(page, "event-page")
    axe_check(page)


def test_month_view_is_accessible(live_server, page, axe_check, screenshot):
    build_calendar()
    page.goto(live_server.url + "/events/")
    page.get_by_role("link", name="月", exact=True).click()
    page.wait_for_url("**/events/month/**")
    assert page.locator("table.month").is_visible()
    screenshot(page, "events-month")
    axe_check(page)
