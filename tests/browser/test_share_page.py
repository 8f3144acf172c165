"""A partner opens 「カレンダーを共有する」 on a phone (390×844): it must be accessible, copy an
address with one tap, and still give the addresses when JavaScript is off."""

import pytest

from events.models import CalendarSharePage
from tests.conftest import build_site_tree

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


def build_share_page():
    tree = build_site_tree()
    page = CalendarSharePage(title="カレンダーを共有する", slug="calendar-share")
    tree.home.add_child(instance=page)
    page.save_revision().publish()
    return page


def test_on_a_phone_an_address_is_copied_with_one_tap(live_server, browser, screenshot, axe_check):
    build_share_page()
    context = browser.new_context(
        locale="ja-JP",
        timezone_id="Asia/Tokyo",
        viewport=PHONE,
        permissions=["clipboard-read", "clipboard-write"],
    )
    page = context.new_page()
    try:
        page.goto(live_server.url + "/calendar-share/")
        assert page.get_by_role("heading", level=1).inner_text() == "カレンダーを共有する"
        field = page.get_by_role("textbox", name="すべてのイベント （アドレス）")
        assert field.input_value() == live_server.url + "/events/calendar.ics"
        assert not field.is_editable()
        button = page.get_by_role("button", name="コピー （「すべてのイベント」のアドレス）")
        assert button.is_visible()
        # Nothing sticks out of a phone's width.
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        axe_check(page)

        button.click()
        status = page.locator("#feed-all-status")
        status.filter(has_text="コピーしました").wait_for()
        assert page.evaluate("navigator.clipboard.readText()") == field.input_value()
        subscribe = page.get_by_role("link", name="購読する （「すべてのイベント」）")
        assert subscribe.get_attribute("href").startswith("webcal://")
        screenshot(page, "calendar-share-phone")
        axe_check(page)
    finally:
        context.close()


def test_without_javascript_the_address_can_still_be_selected(live_server, browser):
    build_share_page()
    context = browser.new_context(locale="ja-JP", viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/calendar-share/")
        field = page.get_by_role("textbox", name="すべてのイベント （アドレス）")
        assert field.is_visible()
        assert field.input_value() == live_server.url + "/events/calendar.ics"
        assert page.locator("button[data-copy]").first.is_hidden()
        assert page.get_by_role("link", name="購読する （「すべてのイベント」）").is_visible()
    finally:
        context.close()
