"""A person opens the site in a real browser."""

import pytest

from tests.conftest import build_site_tree

pytestmark = pytest.mark.django_db(transaction=True)


def test_home_page_in_a_real_browser(live_server, page, screenshot, axe_check):
    build_site_tree()
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "ja"
    assert page.get_by_role("heading", level=1).inner_text() == "ひきこもり支援 イベント・居場所"
    assert page.get_by_role("link", name="相談する").first.is_visible()
    footer = page.locator("footer")
    assert "匿名でのご相談もできます" in footer.inner_text()
    shot = screenshot(page, "home")
    assert shot.exists()
    axe_check(page)


def test_skip_link_and_navigation_work_from_the_keyboard(live_server, page, axe_check):
    build_site_tree()
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="メインコンテンツへ")
    assert skip.evaluate("el => el === document.activeElement")
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    page.get_by_role("navigation", name="メイン").get_by_role("link", name="団体").click()
    page.wait_for_url("**/partners/")
    assert "豊島区 ひきこもり相談窓口" in page.content()
    axe_check(page)
    page.get_by_role("link", name="豊島区 ひきこもり相談窓口").click()
    page.wait_for_url("**/partners/toshima-ward/")
    assert page.get_by_text("区が確認した団体").first.is_visible()
    axe_check(page)


def test_language_switch_to_english_and_back(live_server, page):
    build_site_tree()
    page.goto(live_server.url + "/partners/")
    page.get_by_role("link", name="English").click()
    page.wait_for_url("**/en/partners/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("link", name="Contact the desk").is_visible()
    page.get_by_role("link", name="日本語").click()
    page.wait_for_url(lambda url: "/en/" not in url)
    assert page.locator("html").get_attribute("lang") == "ja"
