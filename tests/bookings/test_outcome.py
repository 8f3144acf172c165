"""Before and after the form: the registration facts a date shows, the state a booking is
in (in plain words), and the .ics, mails and reminders that follow that state."""

import datetime
import re

from django.core import mail
from django.utils import timezone

import pytest

from events.bookings import lottery, registration
from events.bookings.availability import availability, waiting_position
from events.bookings.mail import send_one
from events.bookings.models import Booking, BookingStatus, OutgoingMail
from events.bookings.outcome import outcome_of

from .conftest import bookable_event, days_ahead
from .test_registration import post, token_from

pytestmark = pytest.mark.django_db


def date_page(client, event, occurrence):
    return client.get(f"{event.url}{occurrence.original_date.isoformat()}/").content.decode()


def test_seats_are_shown_as_japanese_event_sites_do(site_tree):
    _, occurrence = bookable_event(site_tree.ward, capacity=8)
    facts = availability(occurrence)
    assert (facts.mode_label, facts.capacity, facts.label) == ("先着順", 8, "残り8席")
    registration.register(occurrence.pk, nickname="a", party_size=4)
    assert availability(occurrence).label == "残りわずか"  # 4 left: no number below five
    registration.register(occurrence.pk, nickname="b", party_size=4)
    assert availability(occurrence).label == "満席・キャンセル待ち受付中"
    unlimited = bookable_event(site_tree.ward, slug="open", capacity=None)[1]
    assert availability(unlimited).label == "空きあり"


def test_a_date_shows_its_window_and_no_button_before_registration_opens(client, site_tree):
    event, occurrence = bookable_event(
        site_tree.ward, start_date=days_ahead(20), booking_opens_days_before=7
    )
    html = date_page(client, event, occurrence)
    assert "受付開始前" in html and "受付期間" in html and "定員10名" in html
    opens = (occurrence.start - datetime.timedelta(days=7)).date()
    assert f"{opens.month}月{opens.day}日" in html  # when it opens
    assert "<form" not in html.split('id="booking"')[1].split("</section>")[0]
    assert 'href="#booking"' not in html  # no 申し込む button
    event_html = client.get(event.url).content.decode()
    assert "受付開始前" in event_html and "#booking" not in event_html
    assert "申し込みは各回の7日前から前日の17:00まで" in event_html


def test_a_lottery_date_says_when_it_closes_and_is_drawn(client, site_tree):
    event, occurrence = bookable_event(site_tree.ward, booking_mode="lottery", capacity=3)
    html = date_page(client, event, occurrence)
    assert "抽選受付中" in html and "締め切り（" in html and "のあとすぐに抽選します" in html
    assert "予約確認ページでお知らせします" in html
    registration.register(occurrence.pk, nickname="a")
    lottery.draw_lottery(occurrence.pk, seed=1)
    assert "に抽選しました" in date_page(client, event, occurrence)


def test_the_state_in_plain_words(site_tree):
    _, occurrence = bookable_event(
        site_tree.ward, booking_mode="lottery", capacity=1, max_party_size=1
    )
    one, _ = registration.register(occurrence.pk, nickname="一")
    two, _ = registration.register(occurrence.pk, nickname="二")
    assert outcome_of(one).label == "抽選前" and not outcome_of(one).is_confirmed
    lottery.draw_lottery(occurrence.pk, seed=3)
    labels = sorted(outcome_of(Booking.objects.get(pk=b.pk)).label for b in (one, two))
    assert labels == ["当選（参加が確定しました）", "落選"]

    _, first_come = bookable_event(site_tree.ward, slug="fc", capacity=1, max_party_size=1)
    confirmed, _ = registration.register(first_come.pk, nickname="a")
    waiting = [registration.register(first_come.pk, nickname=n)[0] for n in "bc"]
    labels = [outcome_of(b).label for b in waiting]
    assert labels == ["キャンセル待ち 1番目", "キャンセル待ち 2番目"]
    assert waiting_position(waiting[1]) == 2
    assert outcome_of(confirmed).label == "確定"
    registration.cancel(confirmed.pk)
    confirmed.refresh_from_db()
    assert outcome_of(confirmed).label == "キャンセル済み"
    assert outcome_of(Booking.objects.get(pk=waiting[1].pk)).label == "キャンセル待ち 1番目"


def test_the_booking_ics_follows_the_state(client, site_tree):
    event, occurrence = bookable_event(site_tree.ward, booking_mode="lottery", capacity=1)
    token = token_from(post(client, event, occurrence))

    def ics():
        return client.get(f"/booking/{token}/calendar.ics").content.decode().replace("\r\n ", "")

    entered = ics()
    assert "STATUS:TENTATIVE" in entered and "SUMMARY:ご予約・抽選前（予約番号" in entered
    assert "SEQUENCE:0" in entered
    booking = Booking.objects.get()
    Booking.objects.filter(pk=booking.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=1)
    )
    lottery.draw_lottery(occurrence.pk, seed=1)
    drawn = ics()
    assert "STATUS:CONFIRMED" in drawn and "SEQUENCE:1" in drawn and "当選" in drawn
    registration.cancel(booking.pk)
    cancelled = ics()
    assert "STATUS:CANCELLED" in cancelled and "SEQUENCE:2" in cancelled
    for text in (entered, drawn, cancelled):
        summary = re.search(r"SUMMARY:(.*)", text).group(1)
        assert "ひきこもり" not in summary and event.title not in summary  # neutral


def test_no_reminder_for_a_lottery_not_won(site_tree, django_capture_on_commit_callbacks):
    _, occurrence = bookable_event(
        site_tree.ward, booking_mode="lottery", capacity=1, max_party_size=1
    )
    for name in ("a", "b"):
        registration.register(
            occurrence.pk, nickname=name, email=f"{name}@example.jp", wants_reminder=True
        )
    assert not OutgoingMail.objects.filter(kind="reminder").exists()  # not before the draw
    with django_capture_on_commit_callbacks(execute=True):
        lottery.draw_lottery(occurrence.pk, seed=5)
    winner = Booking.objects.get(status=BookingStatus.CONFIRMED)
    reminders = OutgoingMail.objects.filter(kind="reminder")
    assert [r.booking_id for r in reminders] == [winner.pk]
    results = {m.to[0]: m.body for m in mail.outbox if m.subject == "抽選結果のお知らせ"}
    loser = Booking.objects.get(status=BookingStatus.NOT_DRAWN)
    assert "落選" in results[loser.email] and "当日、受付で" not in results[loser.email]
    assert "当選" in results[winner.email] and "当日、受付で" in results[winner.email]


def test_the_confirmation_mail_carries_the_secret_link(client, site_tree, settings):
    event, occurrence = bookable_event(site_tree.ward, capacity=1)
    registration.register(occurrence.pk, nickname="先")
    token = token_from(post(client, event, occurrence, email="p@example.jp"))
    queued = OutgoingMail.objects.get(kind="confirmation")
    assert f"{settings.BASE_URL}/booking/{token}/" in queued.body
    assert "キャンセル待ち 1番目" in queued.body and "当日、受付で" not in queued.body
    assert "予約を確認する" in queued.body
    send_one(queued.pk)
    queued.refresh_from_db()
    assert queued.body == "" and token in mail.outbox[-1].body  # gone from the outbox once sent


def test_cancelling_reads_cancelled_and_the_pages_are_neutral(client, site_tree):
    event, occurrence = bookable_event(site_tree.ward, title="ひきこもり家族交流会")
    token = token_from(post(client, event, occurrence))
    for url in (f"/booking/{token}/", f"/booking/{token}/cancel/", "/booking/"):
        title = re.search(r"<title>(.*?)</title>", client.get(url).content.decode(), re.S)
        assert title.group(1).strip() in {"ご予約", "予約を確認する"}, url  # no site name
    response = client.post(f"/booking/{token}/cancel/")
    html = client.get(response["Location"]).content.decode()
    assert "<h1>キャンセルしました</h1>" in html and "中止" not in html
    assert "受付番号" not in html and "カレンダーに追加" not in html
    assert "このページを保存" not in html
    assert "開催日の30日後に消去されます" in html


def test_a_date_that_is_over_asks_nothing_more(client, site_tree):
    event, occurrence = bookable_event(site_tree.ward)
    token = token_from(post(client, event, occurrence))
    type(occurrence).objects.filter(pk=occurrence.pk).update(
        start=timezone.now() - datetime.timedelta(hours=3),
        end=timezone.now() - datetime.timedelta(hours=1),
    )
    html = client.get(f"/booking/{token}/").content.decode()
    assert "終了しました" in html and "当日、受付で" not in html and "キャンセルする" not in html
    ics = client.get(f"/booking/{token}/calendar.ics").content.decode()
    assert "STATUS:CONFIRMED" in ics  # it did take place
