"""The public pages on a phone (390×844), and the same pages on a desktop where they differ:
the month as an agenda, results before filters, a prominent 「申し込む」, a map that shows
its markers, the section highlighted in the header, and Japanese content marked as such
under /en/. Every page visited is checked with axe-core (WCAG 2.2 AA, target-size
included)."""

import pytest

from tests.browser.test_events import build_calendar
from tests.browser.test_ibasho import build_places

pytestmark = pytest.mark.django_db(transaction=True)

# Visible text with Japanese letters whose nearest lang attribute is not Japanese.
UNMARKED_JAPANESE = """() => {
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (!/[\\u3040-\\u30ff\\u3400-\\u9fff]/.test(node.textContent)) continue;
    const element = node.parentElement;
    if (!element.checkVisibility()) continue;
    const lang = element.closest("[lang]").getAttribute("lang");
    if (!lang.startsWith("ja")) found.push(node.textContent.trim().slice(0, 30));
  }
  return found;
}"""


def test_the_month_is_an_agenda_on_a_phone_and_a_grid_on_a_desktop(
    live_server, phone, page, screenshot, axe_check, fits_the_phone
):
    build_calendar()
    phone.goto(live_server.url + "/events/")
    phone.get_by_role("link", name="月", exact=True).click()
    phone.wait_for_url("**/events/month/**")
    if not phone.locator(".agenda__day").count():  # late in the month: the dates are next month
        phone.get_by_role("link", name="次の月").click()
        phone.wait_for_url("**/events/month/**")
    assert phone.locator(".agenda").is_visible()
    assert not phone.locator("table.month").is_visible()
    headings = phone.locator(".agenda__heading").all_inner_texts()
    assert headings and all("（" in h and "）" in h for h in headings)  # with the weekday
    links = phone.locator(".agenda__link")
    assert links.count() >= 5
    for box in (links.nth(i).bounding_box() for i in range(links.count())):
        assert box["height"] >= 44, box
    fits_the_phone(phone)
    screenshot(phone, "phone-month-agenda", full_page=False)
    axe_check(phone)  # WCAG 2.2 AA: target-size included

    page.goto(phone.url)  # a desktop window
    assert page.locator("table.month").is_visible()
    assert not page.locator(".agenda").is_visible()
    screenshot(page, "desktop-month-grid")
    axe_check(page)


def test_results_come_first_and_filtering_returns_to_them(
    live_server, phone, screenshot, axe_check, fits_the_phone
):
    build_calendar()
    phone.goto(live_server.url + "/events/")
    heading = phone.get_by_role("heading", name="これからのイベント")
    assert heading.bounding_box()["y"] < 844  # on the first screen
    assert not phone.get_by_label("種類").is_visible()  # the filters are folded away
    fits_the_phone(phone)
    axe_check(phone)
    phone.get_by_text("イベントを絞り込む", exact=True).click()
    phone.get_by_label("種類").select_option(label="家族交流会")
    phone.get_by_role("button", name="この条件で表示").click()
    phone.wait_for_url("**/events/?*category=family-gathering*#results")
    box = phone.get_by_role("heading", name="これからのイベント").bounding_box()
    assert 0 <= box["y"] < 844  # back at the results, not at the top
    assert phone.get_by_role("link", name="オンライン講演会").count() == 0
    # 【中止】 is part of the link, so a screen reader hears it.
    assert phone.get_by_role("link", name="【中止】家族交流会 ひだまり").count() == 1
    screenshot(phone, "phone-events-filtered", full_page=False)
    axe_check(phone)


def test_a_prominent_register_button_jumps_to_the_form(
    live_server, phone, screenshot, axe_check, fits_the_phone
):
    from tests.bookings.conftest import bookable_event
    from tests.conftest import build_site_tree

    tree = build_site_tree()
    event, occurrence = bookable_event(tree.family, title="家族交流会 ひだまり", capacity=12)
    phone.goto(live_server.url + event.url)
    # The header says where we are: the events section, not 団体.
    nav = phone.get_by_role("navigation", name="メイン")
    assert nav.get_by_role("link", name="イベント").get_attribute("aria-current") == "true"
    assert nav.get_by_role("link", name="団体").get_attribute("aria-current") is None
    facts = phone.locator(".facts--event").inner_text()
    assert "先着順・定員12名（各回）" in facts
    assert "残り12席" in phone.locator(".dates").inner_text()
    button = phone.locator(".call-to-action .button")
    assert button.bounding_box()["height"] >= 44 and button.bounding_box()["y"] < 844
    fits_the_phone(phone)
    axe_check(phone)
    button.click()
    phone.wait_for_url(f"**/{occurrence.original_date.isoformat()}/#booking")
    assert phone.get_by_role("heading", name="申し込む").is_visible()
    assert phone.get_by_role("button", name="申し込む").is_visible()
    fits_the_phone(phone)
    screenshot(phone, "phone-registration-form", full_page=False)
    axe_check(phone)


def test_the_map_shows_its_markers_on_a_phone_and_a_desktop(
    live_server, phone, page, screenshot, axe_check, fits_the_phone
):
    build_places()
    for window, name in ((phone, "phone-ibasho-map"), (page, "desktop-ibasho-map")):
        window.goto(live_server.url + "/ibasho/")
        window.wait_for_function(
            "document.getElementById('ibasho-map').dataset.markers !== undefined"
        )
        window.wait_for_timeout(300)  # the fit's zoom animation
        area = window.locator("#ibasho-map").bounding_box()
        markers = window.locator("#ibasho-map .leaflet-marker-icon")
        assert markers.count() == 3
        for i in range(3):
            box = markers.nth(i).bounding_box()
            assert area["x"] <= box["x"] and box["x"] + box["width"] <= area["x"] + area["width"]
            assert area["y"] <= box["y"] and box["y"] + box["height"] <= area["y"] + area["height"]
        assert (
            "次は" in window.locator(".places").inner_text()
            or "今日" in window.locator(".places").inner_text()
        )  # each place says when it opens next
        screenshot(window, name, full_page=False)
        axe_check(window)
    fits_the_phone(phone)


def test_english_pages_mark_japanese_content(live_server, page, axe_check):
    from tests.bookings.conftest import bookable_event
    from tests.conftest import build_site_tree

    tree = build_site_tree()
    event, occurrence = bookable_event(tree.family, title="家族交流会 ひだまり")
    for path in (
        "/en/events/",
        f"/en{event.url}",
        f"/en{event.url}{occurrence.original_date.isoformat()}/",
        "/en/",
    ):
        page.goto(live_server.url + path)
        assert page.locator("html").get_attribute("lang") == "en"
        assert page.evaluate(UNMARKED_JAPANESE) == [], path
        axe_check(page)
