"""Someone registers with only a nickname, keeps the link, comes back and cancels."""

import pytest

from events.bookings.models import Booking, BookingStatus
from tests.bookings.conftest import bookable_event
from tests.conftest import build_site_tree

pytestmark = pytest.mark.django_db(transaction=True)


def test_register_with_a_nickname_then_cancel_from_the_link(
    live_server, page, screenshot, axe_check
):
    tree = build_site_tree()
    event, occurrence = bookable_event(tree.family, title="家族交流会 ひだまり", capacity=12)
    page.goto(f"{live_server.url}{event.url}{occurrence.original_date.isoformat()}/")
    form_heading = page.get_by_role("heading", name="申し込む")
    assert form_heading.is_visible()
    assert page.locator("#booking").get_by_text("残り12席").is_visible()
    axe_check(page)

    page.get_by_label("ニックネーム").fill("ひまわり")
    page.get_by_role("button", name="申し込む").click()
    page.wait_for_url("**/booking/*/?new=1")
    assert page.get_by_role("heading", level=1).inner_text() == "ご予約が確定しました"
    booking = Booking.objects.get()
    assert page.get_by_text(booking.code, exact=True).is_visible()
    link = page.get_by_label("あなたの予約ページのアドレス").input_value()
    assert "/booking/" in link
    assert page.locator(".booking-qr svg").count() == 1
    screenshot(page, "booking-confirmation")
    axe_check(page)

    # Later, from the saved link: cancel after a confirmation step.
    page.goto(link)
    page.get_by_role("link", name="予約をキャンセルする").click()
    page.wait_for_url("**/cancel/")
    axe_check(page)
    page.get_by_role("button", name="はい、キャンセルします").click()
    page.wait_for_url(link + "?cancelled=1")
    assert page.get_by_role("heading", level=1).inner_text() == "キャンセルしました"
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    screenshot(page, "booking-cancelled")


def test_a_mistake_keeps_what_was_typed(live_server, page, axe_check):
    tree = build_site_tree()
    event, occurrence = bookable_event(tree.ward, women_only=True)
    page.goto(f"{live_server.url}{event.url}{occurrence.original_date.isoformat()}/")
    page.get_by_label("ニックネーム").fill("ゆき")
    page.get_by_label("当日の配慮のご希望（任意）").fill("カメラオフで参加します")
    page.get_by_role("button", name="申し込む").click()
    assert page.locator("#id_audience_confirmed_error").is_visible()
    assert page.get_by_role("link", name="ご自身が対象であることを確認してください").is_visible()
    assert page.get_by_label("ニックネーム").input_value() == "ゆき"
    assert page.get_by_label("当日の配慮のご希望（任意）").input_value() == "カメラオフで参加します"
    axe_check(page)
    assert not Booking.objects.exists()
