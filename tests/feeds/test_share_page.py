"""「カレンダーを共有する」 (issue 14, item 6): every feed's address built from the address the
page was asked for, with webcal:// links and copy buttons that need no JavaScript to be
useful, and per-app instructions that say truthfully when each app shows changes."""

import re
from html import unescape

import pytest

from events.models import CalendarSharePage, EventCategory

pytestmark = pytest.mark.django_db


@pytest.fixture
def share_page(site_tree):
    page = CalendarSharePage(
        title="カレンダーを共有する", slug="calendar-share", intro="登録して確認できます。"
    )
    site_tree.home.add_child(instance=page)
    page.save_revision().publish()
    return page


def html_of(client, **request):
    response = client.get("/calendar-share/", **request)
    assert response.status_code == 200
    return unescape(response.content.decode())


def addresses(html):
    """The values of the read-only address fields."""
    return re.findall(
        r'<input id="feed-[^"]+" class="feed__url" type="text" readonly value="([^"]+)"', html
    )


def test_every_feed_is_listed_with_the_address_the_page_was_asked_for(client, share_page):
    html = html_of(client, HTTP_HOST="ibasho.example.jp")
    base = "http://ibasho.example.jp"
    expected = [
        f"{base}/events/calendar.ics",
        *(f"{base}/events/category/{c.slug}.ics" for c in EventCategory.objects.all()),
        f"{base}/partners/hidamari/calendar.ics",  # organisations by name
        f"{base}/partners/toshima-ward/calendar.ics",
    ]
    assert addresses(html) == expected
    for url in expected:
        webcal = url.replace("http://", "webcal://")
        assert f'href="{webcal}"' in html
        assert (
            "calendar.google.com/calendar/render?cid="
            + webcal.replace(":", "%3A").replace("/", "%2F")
            in html
        )
    for feed in expected[:2]:
        assert client.get(feed.removeprefix(base), HTTP_HOST="ibasho.example.jp").status_code == 200


def test_the_addresses_follow_the_site_when_it_moves(client, share_page, settings):
    first = addresses(html_of(client, HTTP_HOST="old.example.jp"))
    assert first[0] == "http://old.example.jp/events/calendar.ics"

    settings.BASE_URL = "https://ibasho.example.jp"
    settings.ALLOWED_HOSTS = ["ibasho.example.jp"]
    moved = html_of(client, HTTP_HOST="ibasho.example.jp", secure=True)

    assert addresses(moved)[0] == "https://ibasho.example.jp/events/calendar.ics"
    assert 'href="webcal://ibasho.example.jp/events/calendar.ics"' in moved
    assert "old.example.jp" not in moved


def test_it_works_without_javascript(client, share_page):
    html = html_of(client)
    # The address is in a read-only field with a label; the copy buttons stay hidden
    # until the script shows them, and the script comes from our own static files.
    assert html.count('class="feed__url" type="text" readonly') == len(addresses(html)) > 5
    assert '<label class="feed__name" for="feed-all">すべてのイベント' in html
    buttons = re.findall(r"<button [^>]*data-copy=[^>]*>", html)
    assert buttons and all(" hidden" in button for button in buttons)
    script = re.search(r'<script src="(/static/js/copy-address\.js)" defer>', html)
    assert script, "the copy script is not linked"
    assert b"navigator.clipboard" in b"".join(client.get(script.group(1)).streaming_content)


def test_each_app_is_told_truthfully_when_changes_show(client, share_page):
    html = html_of(client)
    assert "約6時間ごとに更新" not in html
    sections = dict(re.findall(r"<h3>([^<]+)</h3>(.*?)(?=<h3>|$)", html, re.S))
    google = sections["Google カレンダー"]
    assert "Google が決める間隔" in google and "1日以上かかることもあります" in google
    assert "更新間隔は使われず" in google
    apple = sections["iPhone・iPad・Mac（カレンダー）"]
    assert "このカレンダーが知らせる間隔（約6時間）か、端末の設定" in apple
    assert "Microsoft が決める間隔（数時間おき）" in sections["Outlook"]
    assert "30分ごと" in sections["Thunderbird"]
    for app in ("Google カレンダー", "iPhone・iPad・Mac（カレンダー）", "Outlook", "Thunderbird"):
        assert "<ol>" in sections[app], app  # how to subscribe, step by step


def test_the_feed_pages_link_to_it(client, share_page, site_tree):
    html = client.get("/partners/toshima-ward/").content.decode()
    assert '<a href="/calendar-share/">配信しているカレンダーと登録のしかた</a>' in html
    assert "約6時間ごとに更新" not in html


def test_the_demo_replaces_the_plain_page_an_older_demo_left(client, site_tree):
    from events.demo_content import share_calendar_page
    from home.factories import StandardPageFactory
    from home.models import StandardPage

    StandardPageFactory(parent=site_tree.home, title="カレンダーを共有する", slug="calendar-share")
    share_calendar_page()
    share_calendar_page()
    assert not StandardPage.objects.filter(slug="calendar-share").exists()
    assert CalendarSharePage.objects.get().url == "/calendar-share/"
    assert addresses(html_of(client))[0] == "http://testserver/events/calendar.ics"
