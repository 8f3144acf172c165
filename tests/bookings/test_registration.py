"""Registering without a name, the booking page behind the secret link, and every refusal
in clear Japanese with nothing typed lost."""

import hashlib
import re

import pytest

from events.bookings.models import Booking, BookingStatus
from events.bookings.tokens import hash_token
from events.factories import publish_event

from .conftest import bookable_event, days_ahead

pytestmark = pytest.mark.django_db


def book_url(event, occurrence):
    return f"{event.url}{occurrence.original_date.isoformat()}/book/"


def post(client, event, occurrence, **data):
    payload = {"nickname": "匿名", "party_size": "1", **data}
    return client.post(book_url(event, occurrence), payload)


def token_from(response):
    match = re.match(r"^/booking/([^/]+)/\?new=1$", response["Location"])
    assert match, response["Location"]
    return match.group(1)


def test_register_with_only_a_nickname(client, bookable):
    event, occurrence = bookable
    response = post(client, event, occurrence)
    assert response.status_code == 303
    token = token_from(response)
    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    booking = Booking.objects.get()
    assert booking.status == BookingStatus.CONFIRMED and booking.nickname == "匿名"
    assert booking.code in html and "ご予約が確定しました" in html
    assert f"/booking/{token}/" in html  # the management link
    assert "<svg" in html  # its QR code
    assert "private-room-42" in html  # the meeting link, for confirmed bookings only
    assert "no-store" in page["Cache-Control"] and "private" in page["Cache-Control"]
    assert page["Referrer-Policy"] == "no-referrer"
    assert "noindex" in page["X-Robots-Tag"] and 'name="robots" content="noindex' in html


def test_the_token_is_stored_only_as_a_hash(client, bookable):
    event, occurrence = bookable
    token = token_from(post(client, event, occurrence))
    booking = Booking.objects.get()
    assert booking.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert len(token) >= 43  # 256 bits, URL-safe
    for field in Booking._meta.concrete_fields:
        assert token not in str(getattr(booking, field.attname)), field.name
    assert re.fullmatch(r"[ACDEFHJKMNPRTUVWXY34679]{6}", booking.code)


def test_a_wrong_token_gets_a_404(client, bookable):
    event, occurrence = bookable
    token = token_from(post(client, event, occurrence))
    assert client.get(f"/booking/{token[:-1]}x/").status_code == 404
    assert client.get("/booking/nothing/").status_code == 404
    assert client.get(f"/booking/{token}/calendar.ics".replace(token, "x" * 43)).status_code == 404


def test_get_on_the_management_link_changes_nothing(client, bookable):
    event, occurrence = bookable
    token = token_from(post(client, event, occurrence))
    before = Booking.objects.values().get()
    for url in (
        f"/booking/{token}/",
        f"/booking/{token}/cancel/",
        f"/booking/{token}/calendar.ics",
    ):
        assert client.get(url).status_code == 200
    assert Booking.objects.values().get() == before


def test_cancel_needs_a_confirmation_post(client, bookable):
    event, occurrence = bookable
    token = token_from(post(client, event, occurrence))
    confirm = client.get(f"/booking/{token}/cancel/").content.decode()
    assert "キャンセルしますか" in confirm and 'method="post"' in confirm
    response = client.post(f"/booking/{token}/cancel/")
    assert response.status_code == 303
    assert Booking.objects.get().status == BookingStatus.CANCELLED


def test_change_the_number_of_people(client, bookable):
    event, occurrence = bookable
    token = token_from(post(client, event, occurrence))
    response = client.post(f"/booking/{token}/", {"party_size": "3"})
    assert response.status_code == 303
    assert Booking.objects.get().party_size == 3
    assert client.post(f"/booking/{token}/", {"party_size": "9"}).status_code == 400


@pytest.mark.parametrize(
    ("data", "message", "kept"),
    [
        ({"nickname": ""}, "ニックネームを入力してください", None),
        ({"nickname": "   "}, "ニックネームを入力してください", None),
        ({"nickname": "あ" * 41}, "40文字以内", None),
        ({"party_size": "5"}, "人数を選んでください", "匿名"),
        ({"party_size": "abc"}, "人数を選んでください", "匿名"),
        ({"email": "not-an-address"}, "メールアドレスを確認してください", "not-an-address"),
        ({"needs": "x" * 501}, "500文字以内", None),
        ({"wants_reminder": "on"}, "リマインダーを受け取るには", "匿名"),
        ({"municipality": "市" * 41}, "40文字以内", None),
    ],
)
def test_bad_input_gets_a_japanese_message_and_keeps_the_form(
    client, bookable, data, message, kept
):
    event, occurrence = bookable
    response = post(client, event, occurrence, **data)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "入力内容を確認してください" in html
    if kept:
        assert f'value="{kept}"' in html
    assert not Booking.objects.exists()


def test_women_only_meetings_ask_for_self_declaration(client, site_tree):
    event, occurrence = bookable_event(site_tree.ward, women_only=True)
    response = post(client, event, occurrence)
    assert response.status_code == 400
    assert "ご自身が対象であることを確認してください" in response.content.decode()
    assert post(client, event, occurrence, audience_confirmed="on").status_code == 303
    assert Booking.objects.get().audience_confirmed


def test_the_honeypot_stops_bots(client, bookable):
    event, occurrence = bookable
    response = post(client, event, occurrence, website="http://spam.example")
    assert response.status_code == 400
    assert not Booking.objects.exists()


def test_full_goes_to_the_waiting_list_and_never_shows_counts(client, site_tree):
    event, occurrence = bookable_event(site_tree.ward, capacity=6)
    html = client.get(f"{event.url}{occurrence.original_date}/").content.decode()
    assert "定員6名" in html and "残り6席" in html  # counts are shown from five up
    post(client, event, occurrence, party_size="2")
    html = client.get(f"{event.url}{occurrence.original_date}/").content.decode()
    assert "残りわずか" in html
    seats = re.findall(r'class="availability[^"]*">([^<]*)<', html)
    assert seats == ["残りわずか"]
    assert not re.search(r"\d", seats[0])  # never a number below 5
    post(client, event, occurrence, party_size="4")
    html = client.get(f"{event.url}{occurrence.original_date}/").content.decode()
    assert "キャンセル待ち" in html
    response = post(client, event, occurrence, nickname="ひみつさん")
    token = token_from(response)
    assert Booking.objects.get(token_hash=hash_token(token)).status == BookingStatus.WAITING
    assert "キャンセル待ちとして受け付けました" in client.get(response["Location"]).content.decode()
    for url in (event.url, f"{event.url}{occurrence.original_date}/", "/events/"):
        assert "ひみつさん" not in client.get(url).content.decode()  # no participant list


def test_closed_and_not_yet_open_windows(client, site_tree):
    event, occurrence = bookable_event(
        site_tree.ward, start_date=days_ahead(20), booking_opens_days_before=7
    )
    response = post(client, event, occurrence)
    assert response.status_code == 409
    assert "まだ申し込みを受け付けていません" in response.content.decode()
    soon_event, soon = bookable_event(
        site_tree.ward, slug="soon", start_date=days_ahead(1), booking_closes_days_before=2
    )
    response = post(client, soon_event, soon)
    assert response.status_code == 409
    assert "受付を終了しました" in response.content.decode()


def test_staff_closing_registration_is_respected(client, bookable):
    event, occurrence = bookable
    occurrence.registration_closed = True
    occurrence.save()
    response = post(client, event, occurrence)
    assert response.status_code == 409 and "受付を終了しました" in response.content.decode()


def test_events_without_booking_refuse_politely(client, site_tree):
    event, occurrence = bookable_event(site_tree.ward, booking_mode="none")
    response = post(client, event, occurrence)
    assert response.status_code == 409
    assert "このイベントは予約不要です" in response.content.decode()


def test_booking_ics_has_private_details_and_the_public_feed_does_not(client, bookable):
    event, occurrence = bookable
    token = token_from(post(client, event, occurrence, nickname="ないしょの名前"))
    private = client.get(f"/booking/{token}/calendar.ics")
    assert private["Content-Type"] == "text/calendar; charset=utf-8"
    text = private.content.decode().replace("\r\n ", "")  # unfolded
    assert "private-room-42" in text and "駅から徒歩5分" in text
    assert "SUMMARY:ご予約（予約番号" in text and "ひきこもり" not in text.split("SUMMARY:")[1][:30]
    public = client.get("/events/calendar.ics").content.decode()
    assert "private-room-42" not in public
    assert Booking.objects.get().code not in public and "ないしょの名前" not in public


def test_get_on_the_book_url_redirects_to_the_form(client, bookable):
    event, occurrence = bookable
    response = client.get(book_url(event, occurrence))
    assert response.status_code == 302
    assert not Booking.objects.exists()


def test_no_personal_data_in_logs(client, bookable, caplog):
    event, occurrence = bookable
    with caplog.at_level("DEBUG"):
        post(
            client,
            event,
            occurrence,
            nickname="秘密の名前",
            email="secret@example.jp",
            needs="車椅子を使います",
        )
        post(client, event, occurrence, nickname="あ" * 41, email="secret2@example.jp")
    for text in ("秘密の名前", "secret@example.jp", "車椅子", "secret2@example.jp"):
        assert text not in caplog.text


def test_a_party_larger_than_the_capacity_is_refused_not_queued(client, site_tree):
    event, occurrence = bookable_event(site_tree.ward, capacity=3, max_party_size=4)
    html = client.get(f"{event.url}{occurrence.original_date}/").content.decode()
    assert '<option value="4">' not in html  # the form offers at most the capacity
    response = post(client, event, occurrence, party_size="4")
    assert response.status_code == 400 and not Booking.objects.exists()
    from events.bookings.registration import BookingRefused, register

    with pytest.raises(BookingRefused):
        register(occurrence.pk, party_size=4, nickname="四人")


def test_after_a_lottery_draw_the_web_form_is_closed(client, site_tree):
    from events.bookings.lottery import draw_lottery

    event, occurrence = bookable_event(site_tree.ward, booking_mode="lottery", capacity=1)
    post(client, event, occurrence)
    draw_lottery(occurrence.pk, seed=1)
    response = post(client, event, occurrence, nickname="後から")
    assert response.status_code == 409
    assert not Booking.objects.filter(nickname="後から").exists()


def test_out_of_range_dates_in_filters_are_ignored(client, site_tree):
    for url in (
        "/events/?on=9999-12-31",
        "/events/?on=0001-01-01",
        "/events/calendar.ics?on=9999-12-31",
    ):
        assert client.get(url).status_code == 200, url


@pytest.mark.django_db(transaction=True)
def test_the_seat_lock_refuses_to_run_outside_a_transaction(site_tree):
    from events.bookings import locking

    _, occurrence = bookable_event(site_tree.ward)
    with pytest.raises(locking.NotInTransaction):
        locking.lock_occurrence(occurrence.pk)


def test_staff_close_and_reopen_through_the_booking_service(client, bookable):
    from events.bookings.registration import BookingRefused, register, set_registration_closed

    _, occurrence = bookable
    set_registration_closed(occurrence.pk, closed=True)
    with pytest.raises(BookingRefused) as refused:
        register(occurrence.pk, nickname="匿名")
    assert refused.value.code == "closed"
    set_registration_closed(occurrence.pk, closed=False)
    booking, _token = register(occurrence.pk, nickname="匿名")
    assert booking.status == "confirmed"


def test_the_event_page_asks_availability_in_constant_queries(client, site_tree):
    """The next dates' availability comes from one query for all of them, not per date."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    import recurrence

    def count(event):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(event.url).status_code == 200
        return len(queries)

    one, _ = bookable_event(site_tree.ward, slug="once")
    weekly = publish_event(
        site_tree.ward,
        slug="weekly",
        booking_mode="first_come",
        capacity=10,
        start_date=days_ahead(3),
        recurrence=recurrence.deserialize("RRULE:FREQ=WEEKLY"),
    )
    assert weekly.occurrences.count() > 10
    client.get(one.url)
    assert count(weekly) == count(one)


def test_control_characters_are_dropped_from_what_people_type(client, bookable):
    event, occurrence = bookable
    response = post(
        client,
        event,
        occurrence,
        nickname="ひ\x07まわり\r\nさん",
        municipality="練馬\x1b区",
        needs="一行目\r\n二行目\x0b",
    )
    assert response.status_code == 303
    booking = Booking.objects.get()
    assert booking.nickname == "ひまわり さん"
    assert booking.municipality == "練馬区"
    assert booking.needs == "一行目\n二行目"


def test_an_appointment_dates_page_reads_its_free_slots_once(client, site_tree):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    event, occurrence = bookable_event(
        site_tree.ward, booking_mode="appointment", slot_minutes=50, slot_break_minutes=10
    )
    url = f"{event.url}{occurrence.original_date.isoformat()}/"
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url)
    assert page.status_code == 200
    assert "14:00" in page.content.decode()
    # The slots themselves (for the form), not the per-date counts of the availability.
    whole_slots = 'SELECT "events_appointmentslot"."id"'
    slot_reads = [q for q in queries.captured_queries if q["sql"].startswith(whole_slots)]
    assert len(slot_reads) == 1, [q["sql"][:200] for q in slot_reads]
