"""Real-browser paths through the admin in Japanese: a new partner editor from the
invitation mail to a published recurring event, and ward staff at the door desk."""

import datetime
import re

from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import timezone

import pytest

from events.bookings import registration
from events.bookings.models import Booking, BookingStatus
from events.factories import publish_event
from events.models import EventPage, Occurrence
from events.schedules import TOKYO
from home.partners import add_partner, ensure_ward_staff
from tests.conftest import build_site_tree

from .conftest import WCAG_TAGS

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "hidamari-no-mado-2026"  # noqa: S105


def axe_ours(page, selector):
    """axe-core (WCAG 2.2 A/AA) on the part of an admin page that is ours."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        context={"include": [[selector]]},
        options={"runOnly": {"type": "tag", "values": WCAG_TAGS}},
    )
    assert results.violations_count == 0, results.generate_report()


def log_in(page, base, username, password):
    page.goto(f"{base}/admin/login/")
    assert page.get_by_role("heading", level=1).inner_text() == "管理画面にログイン"
    page.get_by_label("パスワード").fill(password)
    page.locator("#id_username").fill(username)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(f"{base}/admin/")


def click_in_footer(page, selector):
    """Buttons in the editor's footer sit in a drop-up menu: click the real button once
    the editor's scripts have started, as a person would after opening the menu."""
    page.wait_for_load_state("networkidle")
    page.locator(selector).first.evaluate("button => button.click()")


def test_a_new_partner_from_the_invitation_to_a_published_recurring_event(
    live_server, page, screenshot, axe_check
):
    build_site_tree()
    base = live_server.url
    ward = get_user_model().objects.create_user("ward", "ward@example.jp", PASSWORD)
    ward.groups.add(ensure_ward_staff())
    partner = add_partner(
        "家族会 みらい", "family_association", slug="mirai", editors=["mirai@example.jp"]
    )
    partner.organisation.save_revision().publish()  # approved by the ward earlier

    # The invitation mail (sent by the task backend after commit) carries the link.
    (invitation,) = mail.outbox
    link = re.search(r"http://testserver(/admin/invitation/\S+/)", invitation.body).group(1)
    page.goto(base + link)
    page.wait_for_url("**/set-password/")
    heading = page.get_by_role("heading", level=1).inner_text()
    assert heading == "ようこそ。パスワードを決めてください"
    axe_check(page)
    screenshot(page, "partner-1-invitation")
    page.locator("#id_new_password1").fill(PASSWORD)
    page.locator("#id_new_password2").fill(PASSWORD)
    page.get_by_role("button", name="パスワードを設定してログイン").click()
    page.wait_for_url(f"{base}/admin/")
    assert "パスワードを設定しました" in page.locator(".messages").inner_text()
    screenshot(page, "partner-2-dashboard")

    # A recurring event in the partner's own section.
    organisation = partner.organisation
    page.goto(f"{base}/admin/pages/add/events/eventpage/{organisation.pk}/")
    page.wait_for_load_state("networkidle")
    first = timezone.now().astimezone(TOKYO).date() + datetime.timedelta(days=14)
    page.locator("#id_title").fill("家族のつどい みらい")
    page.locator("#id_category-chooser [data-chooser-action-choose]").click()
    page.locator(".modal-content").get_by_role("link", name="家族交流会").click()
    page.wait_for_timeout(300)
    page.locator("#id_summary").fill("家族どうしで、ゆっくり話せる会です。")
    page.locator("#id_start_date").fill(first.isoformat())
    page.locator("#id_start_time").fill("14:00")
    page.locator("#id_end_time").fill("16:00")
    page.locator("#id_recurrence_0").select_option("weekly")
    page.locator(f"#id_recurrence_1_{first.weekday()}").check()
    page.locator("#id_recurrence_4").fill("4")
    screenshot(page, "partner-3-new-event")
    with page.expect_navigation():
        click_in_footer(page, 'button[name="action-submit"]')
    messages = page.locator(".messages").inner_text()
    assert "「家族のつどい みらい」を作成し、承認を依頼しました。" in messages
    event = EventPage.objects.get(title="家族のつどい みらい")
    assert not event.live
    page.goto(f"{base}/admin/pages/{organisation.pk}/")
    assert "承認待ち" in page.locator("main").inner_text()
    screenshot(page, "partner-4-waiting-for-approval")
    page.context.clear_cookies()

    # The ward approves from the review queue on the dashboard.
    log_in(page, base, "ward", PASSWORD)
    queue = page.locator("main").inner_text()
    assert "家族のつどい みらい" in queue and "あなたの承認待ち" in queue
    screenshot(page, "partner-5-review-queue")
    approve = '[data-workflow-action-url*="/approve/"]:not([data-launch-modal])'
    with page.expect_navigation():
        click_in_footer(page, approve)
    approved = page.locator(".messages").inner_text()
    assert "「家族のつどい みらい」を承認し、公開しました。" in approved

    event.refresh_from_db()
    page.goto(base + event.url)
    assert page.get_by_role("heading", level=1).inner_text() == "家族のつどい みらい"
    assert page.locator("ul.dates li").count() == 4
    screenshot(page, "partner-6-public-page")
    axe_check(page)


def test_the_ward_at_the_door_desk(live_server, page, screenshot, tmp_path):
    tree = build_site_tree()
    base = live_server.url
    ward = get_user_model().objects.create_user("ward", "ward@example.jp", PASSWORD)
    ward.groups.add(ensure_ward_staff())
    today = timezone.now().astimezone(TOKYO).date()
    event = publish_event(
        tree.ward,
        title="居場所カフェ",
        slug="cafe",
        start_date=today,
        all_day=True,
        start_time=None,
        end_time=None,
        booking_mode="first_come",
        capacity=10,
        booking_closes_days_before=0,
    )
    occurrence = Occurrence.objects.get(event=event)
    # Booked the day before (a web booking for an all-day date closes when the day starts).
    web, _token = registration.register(
        occurrence.pk, nickname="前日の方", party_size=2, channel="phone"
    )

    log_in(page, base, "ward", PASSWORD)
    page.get_by_role("link", name="当日受付").first.click()
    page.wait_for_url("**/admin/desk/")
    assert "（今日）" in page.locator("main").inner_text()
    axe_ours(page, ".nice-padding")
    screenshot(page, "desk-1-today")
    page.locator("table.listing").get_by_role("link").first.click()
    page.wait_for_url(f"**/admin/desk/{occurrence.pk}/")
    axe_ours(page, ".nice-padding")

    # A phone booking.
    page.locator("#id_nickname").fill("電話の方")
    page.locator("#id_party_size").fill("1")
    page.locator("#id_channel").select_option("phone")
    page.locator("#id_who").select_option("family")
    page.get_by_role("button", name="追加", exact=True).click()
    added = page.locator(".messages").inner_text()
    code = re.search(r"予約番号\s*([A-Z0-9]+)", added).group(1)
    phone = Booking.objects.get(code=code)
    assert phone.channel == "phone"
    screenshot(page, "desk-2-phone-booking")

    # Check in by code.
    page.get_by_label("予約番号またはニックネームで受付").fill(code.lower())
    page.get_by_role("button", name="受付する").click()
    assert f"受付しました：{code}" in page.locator(".messages").inner_text()
    phone.refresh_from_db()
    assert phone.checked_in_at is not None

    # Cancel the web booking, with a reason.
    page.get_by_role("link", name=f"取り消す {web.code}").click()
    page.wait_for_url("**/cancel/**")
    axe_ours(page, ".nice-padding")
    screenshot(page, "desk-3-cancel")
    page.get_by_label("本人または家族から電話・窓口で依頼があった").check()
    page.get_by_role("button", name="予約を取り消す").click()
    assert f"予約 {web.code} を取り消しました" in page.locator(".messages").inner_text()
    web.refresh_from_db()
    assert web.status == BookingStatus.CANCELLED
    screenshot(page, "desk-4-after-cancel")

    # The list for Excel.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="一覧をダウンロード（CSV）").click()
    download = download_info.value
    assert download.suggested_filename == f"予約_居場所カフェ_{today:%Y-%m-%d}.csv"
    path = tmp_path / "list.csv"
    download.save_as(path)
    raw = path.read_bytes()
    assert raw.startswith("\ufeff".encode())
    text = raw.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("予約番号,イベント,日時,状態")
    assert "電話の方" in text and "取り消し" in text
