"""Reach and evaluation in the real browser: an event's flyer and the monthly programme
print on A4 with a QR code a phone can read; the widget shows inside a plain page of
another site (another port) while the site's other pages refuse to be framed there; the
statistics page for ward staff. Screenshots go to test-artifacts/."""

import datetime
import functools
import http.server
import threading
from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

import pytest
import recurrence

from events.factories import category, publish_event
from events.schedules import TOKYO
from events.tally import fiscal_year
from home.partners import ensure_ward_staff
from tests.browser import test_csp
from tests.conftest import build_site_tree
from tests.flyers.pdfs import qr_codes_in_image

pytestmark = pytest.mark.django_db(transaction=True)

DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
watched = test_csp.watched  # the fixture that collects Content-Security-Policy violations


def next_month():
    today = timezone.now().astimezone(TOKYO).date()
    return (today.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


def build_events():
    tree = build_site_tree()
    first = next_month() + datetime.timedelta(days=2)
    gathering = publish_event(
        tree.ward,
        title="家族交流会 ひだまりの会",
        slug="hidamari-kai",
        category=category("family-gathering"),
        summary="ひきこもりの家族を持つ方どうしで、日ごろの思いを話し合う会です。",
        start_date=first,
        start_time=datetime.time(14, 0),
        end_time=datetime.time(16, 0),
        recurrence=recurrence.deserialize(f"RRULE:FREQ=WEEKLY;BYDAY={DAYS[first.weekday()]}"),
        venue_name="区民ひろば大塚",
        venue_address="東京都豊島区北大塚",
        venue_access="JR大塚駅北口から徒歩5分。",
        audience="family",
        booking_mode="first_come",
        capacity=12,
        what_happens="<ol><li>はじめに簡単なごあいさつ</li><li>お茶を飲みながら自由に交流</li></ol>",
    )
    gathering.co_hosts = [tree.family]
    gathering.save_revision().publish()
    publish_event(
        tree.family,
        title="講演会「家族にできること」",
        slug="lecture",
        category=category("lecture"),
        start_date=next_month() + datetime.timedelta(days=9),
        start_time=datetime.time(18, 30),
        end_time=datetime.time(20, 0),
        attendance_mode="online",
        meeting_link="https://meet.example.jp/private",
        booking_mode="first_come",  # the link reaches people through their booking
        capacity=50,
    )
    return tree


def test_a_flyer_prints_on_a4_with_a_qr_code_a_phone_reads(
    live_server, page, screenshot, axe_check
):
    build_events()
    page.goto(f"{live_server.url}/partners/toshima-ward/hidamari-kai/")
    page.get_by_role("link", name="印刷用のチラシ（A4）").click()
    page.wait_for_url("**/hidamari-kai/flyer/")
    sheet = page.locator("article.flyer")
    assert "家族交流会 ひだまりの会" in sheet.inner_text()
    assert "区が確認した団体" in sheet.inner_text()
    axe_check(page)
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    path = screenshot(page, "flyer")
    assert qr_codes_in_image(path) == ["http://testserver/partners/toshima-ward/hidamari-kai/"]
    # Printed, it is one A4 page.
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    from tests.flyers.pdfs import page_sizes

    ((width, height),) = page_sizes(pdf)
    assert abs(width - 595.28) < 2 and abs(height - 841.89) < 2


def test_the_monthly_programme(live_server, page, screenshot, axe_check):
    build_events()
    month = next_month()
    page.goto(f"{live_server.url}/events/month/{month.year}-{month.month}/")
    page.get_by_role("link", name="この月の予定表を印刷する（A4）").click()
    page.wait_for_url(f"**/events/programme/{month.year}-{month.month}/")
    entries = page.locator(".programme__entry")
    assert entries.count() == 2
    assert "講演会「家族にできること」" in entries.nth(1).inner_text()
    axe_check(page)
    page.emulate_media(media="print")
    path = screenshot(page, "programme")
    assert set(qr_codes_in_image(path)) == {
        "http://testserver/partners/toshima-ward/hidamari-kai/",
        "http://testserver/partners/hidamari/lecture/",
    }


@pytest.fixture
def other_site(tmp_path):
    """A plain HTML server on another port of 127.0.0.1: a partner's own site."""

    def serve(html):
        (tmp_path / "index.html").write_text(html, encoding="utf-8")
        handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
        handler.log_message = lambda *args: None
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/"

    servers = []
    yield serve
    for server in servers:
        server.shutdown()
        server.server_close()


def test_the_widget_shows_on_another_site_and_other_pages_refuse(
    live_server, page, screenshot, other_site, axe_check
):
    build_events()
    widget = f"{live_server.url}/events/widget/?organisation=hidamari&count=3"
    url = other_site(
        f"""<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8">
        <title>家族会 ひだまり</title></head>
        <body style="font-family: sans-serif; display: flex; gap: 2rem; padding: 1rem">
        <main style="flex: 1"><h1>家族会 ひだまり</h1><p>私たちの活動のお知らせです。</p></main>
        <aside style="width: 300px"><h2>これからの予定</h2>
        <iframe id="widget" src="{widget}" title="これからのイベント・居場所"
          width="300" height="460" style="border:1px solid #ccc"></iframe></aside>
        <iframe id="refused" src="{live_server.url}/events/" title="イベント一覧"
          width="300" height="200"></iframe>
        </body></html>"""
    )
    assert not url.startswith(live_server.url)
    page.goto(url)
    frame = page.frame_locator("#widget")
    names = frame.locator(".widget__name")
    names.first.wait_for()
    gathering, lecture = "家族交流会 ひだまりの会", "講演会「家族にできること」"
    assert names.all_inner_texts() == [gathering, gathering, lecture]
    assert frame.locator("h1").inner_text().startswith("これからのイベント・居場所")
    # The calendar itself, from the same server, refuses to be framed by another site:
    # the browser puts its error page in that frame instead.
    page.wait_for_load_state("load")
    refused = page.locator("#refused").element_handle().content_frame()
    assert refused.url.startswith("chrome-error://"), refused.url
    assert "テストサイト" not in refused.content() and "イベント" not in refused.content()
    screenshot(page, "widget-embedded")
    # The widget on its own passes the accessibility checks.
    page.goto(widget)
    axe_check(page)


def test_the_statistics_page_for_ward_staff(live_server, page, screenshot):
    call_command("seed_demo", stdout=StringIO())
    staff = get_user_model().objects.create_user("stats", "stats@example.jp", "pw-for-tests")
    staff.groups.add(ensure_ward_staff())
    page.goto(f"{live_server.url}/admin/login/")
    page.locator("#id_username").fill("stats")
    page.locator("#id_password").fill("pw-for-tests")
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(f"{live_server.url}/admin/")
    page.get_by_role("link", name="統計").first.click()
    year = fiscal_year(timezone.now())
    page.wait_for_url(f"**/admin/statistics/{year}/")
    assert page.locator("svg.stats-chart").count() == 2
    assert page.locator("table.stats-table").count() >= 4
    text = page.locator("main").inner_text()
    assert "前年度の人数" in text and "家族" in text
    screenshot(page, "statistics")
    page.locator("svg.stats-chart").first.scroll_into_view_if_needed()
    screenshot(page, "statistics-chart")
    page.goto(f"{live_server.url}/admin/statistics/{year}/summary/")
    page.emulate_media(media="print")
    screenshot(page, "statistics-summary")


def test_a_partner_copies_the_widget_code_from_the_admin(live_server, page, screenshot):
    from home.partners import add_partner

    build_events()
    editor = add_partner(
        "家族会 ひだまり", "family_association", slug="hidamari", editors=["h@example.jp"]
    ).editors[0]
    editor.set_password("pw-for-tests")
    editor.save()
    page.goto(f"{live_server.url}/admin/login/")
    page.locator("#id_username").fill("h@example.jp")
    page.locator("#id_password").fill("pw-for-tests")
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(f"{live_server.url}/admin/")
    page.get_by_role("link", name="サイトに埋め込む").first.click()
    page.wait_for_url("**/admin/embed/")
    code = page.get_by_label("コピーするコード").input_value()
    assert 'src="http://testserver/events/widget/?organisation=hidamari"' in code
    assert 'title="これからのイベント・居場所' in code
    preview = page.frame_locator("iframe.embed-preview")
    assert preview.locator(".widget__name").first.inner_text() == "家族交流会 ひだまりの会"
    assert page.get_by_label("表示する件数").input_value() == "5"
    page.get_by_label("種類").select_option("lecture")
    page.get_by_role("button", name="コードを更新する").click()
    page.wait_for_url("**/admin/embed/?*category=lecture*")
    code = page.get_by_label("コピーするコード").input_value()
    assert 'widget/?category=lecture&amp;organisation=hidamari"' in code
    assert preview.locator(".widget__name").all_inner_texts() == ["講演会「家族にできること」"]
    screenshot(page, "widget-admin")


def test_the_new_pages_keep_the_content_security_policy(live_server, watched, other_site):
    """No inline script or style slipped into the flyer, the programme, the widget (alone
    and framed by another site), the statistics or the embed page."""
    page = watched
    build_events()
    call_command("seed_demo", stdout=StringIO())
    staff = get_user_model().objects.create_user("csp", "csp@example.jp", "pw-for-tests")
    staff.groups.add(ensure_ward_staff())
    base = live_server.url
    month = next_month()
    for path in (
        "/partners/toshima-ward/hidamari-kai/flyer/",
        f"/events/programme/{month.year}-{month.month}/",
        "/events/widget/?count=3",
    ):
        page.goto(f"{base}{path}")
        page.wait_for_load_state("networkidle")
    page.goto(other_site(f'<iframe src="{base}/events/widget/" title="w"></iframe>'))
    page.frame_locator("iframe").locator(".widget__name").first.wait_for()
    page.goto(f"{base}/admin/login/")
    page.locator("#id_username").fill("csp")
    page.locator("#id_password").fill("pw-for-tests")
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(f"{base}/admin/")
    year = fiscal_year(timezone.now())
    for path in (
        f"/admin/statistics/{year}/",
        f"/admin/statistics/{year}/summary/",
        "/admin/embed/",
    ):
        page.goto(f"{base}{path}")
        page.wait_for_load_state("networkidle")
    page.get_by_role("button", name="コードをコピーする").click()
    assert page.csp_violations() == []
