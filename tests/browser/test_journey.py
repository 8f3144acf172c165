"""After the form, on a phone (390×844): a person always knows where they stand.

A lottery entry before and after the draw, a waiting-list place that moves up and is
confirmed, a failed submit that puts focus on the error summary, a cancellation that
reads 「キャンセルしました」, and a lost link recovered by e-mail through a real worker.
"""

import email
import email.policy
import re
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

import pytest

from events.bookings import registration
from events.bookings.availability import registration_window
from events.bookings.models import Booking, BookingStatus
from events.schedule_text import format_moment_ja
from events.schedules import TOKYO
from tests.bookings.conftest import bookable_event
from tests.bookings.test_mail import run_worker
from tests.conftest import build_site_tree

pytestmark = pytest.mark.django_db(transaction=True)

DOOR = "当日、受付でこの番号を見せるか伝えてください"


def date_url(live_server, event, occurrence):
    return f"{live_server.url}{event.url}{occurrence.original_date.isoformat()}/"


def ics_of(page):
    href = page.get_by_role("link", name="カレンダーに追加").evaluate("link => link.href")
    return page.request.get(href).text().replace("\r\n ", "")


def test_lottery_entry_before_and_after_the_draw(
    live_server, phone, screenshot, axe_check, fits_the_phone
):
    tree = build_site_tree()
    event, occurrence = bookable_event(
        tree.ward,
        title="UX女子会",
        booking_mode="lottery",
        capacity=1,
        max_party_size=1,
        lottery_residents_first=True,
    )
    # Someone else entered too; ward residents are drawn first, so the person below wins.
    _other, other_token = registration.register(
        occurrence.pk, nickname="別の人", residence="outside"
    )
    page = phone
    page.goto(date_url(live_server, event, occurrence))
    # Before applying: when entries close, when the draw is, where the result appears.
    facts = page.locator("#booking").inner_text()
    closes = registration_window(occurrence)[1]
    deadline = format_moment_ja(closes, timezone.now().astimezone(TOKYO).date())
    assert "抽選" in facts and deadline in facts
    assert "予約確認ページでお知らせします" in facts
    assert "定員1名" in facts
    axe_check(page)
    page.get_by_role("link", name="抽選に申し込む").click()  # the prominent action
    assert page.evaluate("location.hash") == "#booking"
    page.get_by_label("ニックネーム").fill("ゆき")
    page.get_by_label("お住まい（任意）").select_option(label="区内")
    page.get_by_role("button", name="抽選に申し込む").click()
    page.wait_for_url("**/booking/*/?new=1")
    main = page.locator("main").inner_text()
    assert "抽選のお申し込みを受け付けました" in main
    assert "抽選前" in main and deadline in main
    assert "結果はこのページでお知らせします" in main
    assert DOOR not in main  # not a place yet
    assert "STATUS:TENTATIVE" in ics_of(page)
    fits_the_phone(page)
    screenshot(page, "phone-lottery-entered")
    axe_check(page)

    # The draw: staff close the entries, the periodic command draws.
    registration.set_registration_closed(occurrence.pk, closed=True)
    call_command("draw_lotteries", stdout=StringIO())
    page.reload()
    main = page.locator("main").inner_text()
    assert "当選" in main and "受付番号" in main and DOOR in main
    assert "STATUS:CONFIRMED" in ics_of(page)
    fits_the_phone(page)
    screenshot(page, "phone-lottery-drawn")
    axe_check(page)

    # The other entrant's page says so plainly, with no door code and no "keep this page".
    page.goto(f"{live_server.url}/booking/{other_token}/")
    main = page.locator("main").inner_text()
    assert "落選" in main and "今回はご参加いただけません" in main
    assert DOOR not in main and "このページを保存" not in main and "受付番号" not in main
    href = f"/booking/{other_token}/calendar.ics"
    assert "STATUS:CANCELLED" in page.request.get(live_server.url + href).text()
    axe_check(page)


def test_waiting_list_position_then_a_place(live_server, phone, screenshot, axe_check):
    tree = build_site_tree()
    event, occurrence = bookable_event(tree.family, capacity=1, max_party_size=1)
    first, _ = registration.register(occurrence.pk, nickname="一番目")
    second, _ = registration.register(occurrence.pk, nickname="二番目")
    assert second.status == BookingStatus.WAITING
    page = phone
    page.goto(date_url(live_server, event, occurrence))
    assert "満席・キャンセル待ち受付中" in page.locator("#booking").inner_text()
    page.get_by_label("ニックネーム").fill("みどり")
    page.get_by_role("button", name="キャンセル待ちに申し込む").click()
    page.wait_for_url("**/booking/*/?new=1")
    main = page.locator("main").inner_text()
    assert "キャンセル待ち 2番目" in main and "あなたは2番目です" in main
    assert DOOR not in main
    screenshot(page, "phone-waiting-list")
    axe_check(page)

    registration.cancel(first.pk)  # the second person moves up to a place
    page.reload()
    assert "キャンセル待ち 1番目" in page.locator("main").inner_text()
    registration.cancel(second.pk)
    page.reload()
    main = page.locator("main").inner_text()
    assert "確定" in main and "受付番号" in main and DOOR in main
    assert Booking.objects.get(nickname="みどり").status == BookingStatus.CONFIRMED
    axe_check(page)


def test_a_failed_submit_moves_focus_to_the_error_summary(
    live_server, phone, screenshot, axe_check
):
    tree = build_site_tree()
    event, occurrence = bookable_event(tree.ward, women_only=True)
    page = phone
    page.goto(date_url(live_server, event, occurrence))
    nickname = page.get_by_label("ニックネーム")
    assert nickname.input_value() == "匿名"  # a real value, not a placeholder
    nickname.fill("")
    page.get_by_label("当日の配慮のご希望（任意）").fill("カメラオフで参加します")
    page.get_by_role("button", name="申し込む").click()
    page.wait_for_url("**/book/")
    summary = page.locator("#error-summary")
    page.wait_for_function("document.activeElement.id === 'error-summary'")
    links = summary.get_by_role("link")
    assert links.count() == 2
    assert "ニックネームを入力してください" in links.nth(0).inner_text()
    assert "ご自身が対象であることを確認してください" in links.nth(1).inner_text()
    assert page.get_by_label("当日の配慮のご希望（任意）").input_value() == "カメラオフで参加します"
    screenshot(page, "phone-error-summary", full_page=False)
    axe_check(page)
    links.nth(0).click()
    assert page.evaluate("document.activeElement.id") == "id_nickname"
    assert not Booking.objects.exists()


def test_cancelling_says_cancelled_and_what_happens_to_the_data(
    live_server, phone, screenshot, axe_check
):
    tree = build_site_tree()
    event, occurrence = bookable_event(tree.family, title="家族交流会")
    page = phone
    page.goto(date_url(live_server, event, occurrence))
    page.get_by_role("button", name="申し込む").click()
    page.wait_for_url("**/booking/*/?new=1")
    page.get_by_role("link", name="予約をキャンセルする").click()
    page.wait_for_url("**/cancel/")
    axe_check(page)
    page.get_by_role("button", name="はい、キャンセルします").click()
    page.wait_for_url("**/booking/*/?cancelled=1")
    main = page.locator("main")
    assert page.get_by_role("heading", level=1).inner_text() == "キャンセルしました"
    text = main.inner_text()
    assert "キャンセル済み" in text and "中止" not in text
    for gone in ("受付番号", DOOR, "このページを保存", "カレンダーに追加", "スクリーンショット"):
        assert gone not in text, gone
    assert "開催日の30日後に消去されます" in text
    screenshot(page, "phone-cancelled")
    axe_check(page)


def _mails(directory):
    found = []
    for path in sorted(directory.iterdir()):
        for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if chunk.strip():
                message = email.message_from_bytes(chunk, policy=email.policy.default)
                found.append((message["To"], message["Subject"], message.get_content()))
    return found


def test_a_lost_link_is_sent_again_by_a_real_worker(
    live_server, phone, settings, tmp_path, screenshot, axe_check
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    tree = build_site_tree()
    event, occurrence = bookable_event(tree.family, title="家族交流会")
    page = phone
    page.goto(date_url(live_server, event, occurrence))
    page.get_by_label("確認・お知らせ用のメールアドレス（任意）").fill("hana@example.jp")
    page.get_by_role("button", name="申し込む").click()
    page.wait_for_url("**/booking/*/?new=1")
    old_link = page.get_by_label("あなたの予約ページのアドレス").input_value()
    code = Booking.objects.get().code

    # The link is lost. From any page: 「予約を確認する」.
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="予約を確認する").click()
    page.wait_for_url("**/booking/")
    assert "03-1111-2222" in page.locator("main").inner_text()  # without e-mail: the desk
    axe_check(page)
    answers = []
    for address in ("hana@example.jp", "nobody@example.jp"):
        page.goto(live_server.url + "/booking/")
        page.get_by_label("申し込みのときに入力したメールアドレス").fill(address)
        page.get_by_role("button", name="予約のリンクを送ってもらう").click()
        answers.append(page.locator("main").inner_text())
    assert answers[0] == answers[1]  # never tells whether an address has bookings
    assert "新しいリンク" in answers[0]
    screenshot(page, "phone-link-recovery")
    axe_check(page)

    run_worker(tmp_path)
    mails = _mails(tmp_path)
    assert {to for to, _subject, _body in mails} == {"hana@example.jp"}  # nobody@: nothing
    (confirmation,) = [body for _to, subject, body in mails if subject == "ご予約の受付"]
    assert old_link.split(live_server.url)[1] in confirmation  # the link is in the mail
    (recovery,) = [body for _to, subject, body in mails if subject == "ご予約の確認"]
    assert code in recovery and "これまでのリンク" in recovery
    new_path = re.search(r"/booking/[\w-]{40,}/", recovery).group(0)
    page.goto(live_server.url + new_path)
    assert code in page.locator("main").inner_text()
    assert page.request.get(old_link).status == 404  # the old link was replaced


def test_without_javascript_focus_still_lands_on_the_error_summary(live_server, browser):
    """Progressive enhancement: the summary's ``autofocus`` does it; the script only helps."""
    tree = build_site_tree()
    event, occurrence = bookable_event(tree.ward)
    context = browser.new_context(
        locale="ja-JP", viewport={"width": 390, "height": 844}, java_script_enabled=False
    )
    page = context.new_page()
    page.goto(date_url(live_server, event, occurrence))
    page.get_by_label("ニックネーム").fill("")
    page.get_by_role("button", name="申し込む").click()
    page.wait_for_url("**/book/")
    page.wait_for_function("document.activeElement.id === 'error-summary'", timeout=5000)
    assert page.get_by_label("ニックネーム").input_value() == ""
    context.close()
