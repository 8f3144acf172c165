"""The door desk as ward staff use it: today's dates first, paging and filters, cancelled
dates locked, a confirmed draw, an audited staff cancel that promotes the waiting list,
a message for every action, and exports that Japanese Excel opens."""

import csv
import datetime
import io
from urllib.parse import unquote

from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.urls import reverse

from wagtail.models import ModelLogEntry

import pytest
import recurrence

from events.bookings import registration
from events.bookings.models import Booking, BookingStatus, OutgoingMail
from events.factories import publish_event
from events.models import Occurrence
from events.schedules import TOKYO
from home.partners import add_partner, ensure_ward_staff

from .conftest import bookable_event, days_ahead

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(site_tree):
    user = get_user_model().objects.create_user("ward", "ward@example.jp", "pw")
    user.groups.add(ensure_ward_staff())
    return user


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def messages_of(response):
    """The messages a response leaves for the next page (redirects are not followed)."""
    return [str(m) for m in get_messages(response.wsgi_request)]


def said(client, url, data):
    """Post and follow to the page that shows the messages; return them."""
    response = client.post(url, data, follow=True)
    return [str(m) for m in response.context["messages"]]


def listing(response):
    """The table of dates (the event filter's options name every event)."""
    html = response.content.decode()
    start = html.index('<table class="listing"')
    return html[start : html.index("</table>", start)]


def audit_entries(action):
    return ModelLogEntry.objects.filter(action=action)


def assert_nothing_personal(entries, *secrets):
    for entry in entries:
        text = f"{entry.label} {entry.data}"
        for secret in secrets:
            assert secret not in text, (entry.action, secret)


def today_event(parent, **fields):
    # All day: "today" whatever the time of day the test runs.
    defaults = {
        "start_date": days_ahead(0),
        "all_day": True,
        "start_time": None,
        "end_time": None,
        "booking_closes_days_before": 0,
    }
    return bookable_event(parent, **{**defaults, **fields})


def test_staff_cancel_promotes_the_waiting_list_and_is_audited(staff_client, site_tree):
    _, occurrence = bookable_event(site_tree.ward, capacity=2)
    first, _t = registration.register(
        occurrence.pk, nickname="山田", party_size=2, email="yamada@example.jp"
    )
    waiting, _t = registration.register(occurrence.pk, nickname="待つ人", party_size=1)
    assert waiting.status == BookingStatus.WAITING
    url = reverse("events_desk_cancel", args=(occurrence.pk, first.pk))
    desk = staff_client.get(reverse("events_desk", args=(occurrence.pk,))).content.decode()
    assert url in desk

    page = staff_client.get(url).content.decode()
    assert "重複した予約" in page and "キャンセル待ち" in page
    first.refresh_from_db()
    assert first.status == BookingStatus.CONFIRMED  # looking changes nothing

    refused = staff_client.post(url, {"reason": "because I say so"})
    assert refused.status_code == 200
    first.refresh_from_db()
    assert first.status == BookingStatus.CONFIRMED

    response = staff_client.post(url, {"reason": "asked"})
    assert response.status_code == 302
    first.refresh_from_db()
    waiting.refresh_from_db()
    assert first.status == BookingStatus.CANCELLED
    assert waiting.status == BookingStatus.CONFIRMED
    said = " ".join(messages_of(response))
    assert f"予約 {first.code} を取り消しました" in said and waiting.code in said
    assert OutgoingMail.objects.filter(booking=first, kind="cancelled_by_staff").exists()
    (entry,) = audit_entries("ibasho.bookings.cancel")
    assert entry.data["reason"] == "asked" and entry.data["promoted"] == 1
    assert_nothing_personal([entry], "山田", "yamada", first.code, waiting.code)
    # Cancelling again changes nothing and says so.
    again = staff_client.post(url, {"reason": "asked"})
    assert "有効な予約ではありません" in " ".join(messages_of(again))
    assert audit_entries("ibasho.bookings.cancel").count() == 1


def test_another_partner_cannot_cancel(client, site_tree):
    a = add_partner("会A", "npo", slug="a", editors=["a@example.jp"])
    b = add_partner("会B", "npo", slug="b", editors=["b@example.jp"])
    a.organisation.save_revision().publish()
    _, occurrence = bookable_event(a.organisation)
    booking, _t = registration.register(occurrence.pk, nickname="Aの参加者")
    client.force_login(b.editors[0])
    url = reverse("events_desk_cancel", args=(occurrence.pk, booking.pk))
    assert client.post(url, {"reason": "asked"}).status_code == 404
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    client.force_login(a.editors[0])  # the host's own editors may
    assert client.post(url, {"reason": "asked"}).status_code == 302


def test_the_desk_opens_on_todays_dates(staff_client, site_tree):
    today_event(site_tree.ward, title="今日の居場所", slug="today")
    bookable_event(site_tree.ward, title="来週の会", slug="later", start_date=days_ahead(7))
    index = reverse("events_desk_index")
    response = staff_client.get(index)
    assert "（今日）" in response.content.decode()
    html = listing(response)
    assert "今日の居場所" in html and "来週の会" not in html
    upcoming = listing(staff_client.get(index + "?period=upcoming"))
    assert "今日の居場所" in upcoming and "来週の会" in upcoming
    day = listing(staff_client.get(index + f"?day={days_ahead(7):%Y-%m-%d}"))
    assert "来週の会" in day and "今日の居場所" not in day


def test_an_empty_day_points_to_the_coming_dates(staff_client, site_tree):
    bookable_event(site_tree.ward, title="来週の会", slug="later", start_date=days_ahead(7))
    html = staff_client.get(reverse("events_desk_index")).content.decode()
    assert "今日は予約を受け付ける日程がありません" in html and "?period=upcoming" in html


def test_the_desk_pages_and_filters_by_event(staff_client, site_tree):
    publish_event(
        site_tree.ward,
        title="毎日の居場所",
        slug="daily",
        booking_mode="first_come",
        capacity=10,
        start_date=days_ahead(1),
        recurrence=recurrence.deserialize("RRULE:FREQ=DAILY;COUNT=30"),
    )
    other, _o = bookable_event(
        site_tree.ward, title="別の会", slug="other", start_date=days_ahead(40)
    )
    index = reverse("events_desk_index")
    response = staff_client.get(index + "?period=upcoming")
    assert listing(response).count("毎日の居場所") == 25
    assert "1 / 2 ページ" in response.content.decode()
    assert "period=upcoming&amp;p=2" in response.content.decode()
    second = listing(staff_client.get(index + "?period=upcoming&p=2"))
    assert second.count("毎日の居場所") == 5 and "別の会" in second
    only = listing(staff_client.get(index + f"?period=upcoming&event={other.pk}"))
    assert "別の会" in only and "毎日の居場所" not in only
    bad = staff_client.get(index + "?day=2026-13-45&event=abc")
    assert bad.status_code == 200
    assert "絞り込みの条件を読み取れませんでした" in bad.content.decode()


def test_cancelled_dates_are_marked_and_take_no_bookings(staff_client, site_tree):
    _, occurrence = today_event(site_tree.ward, title="中止の会", slug="off")
    Occurrence.objects.filter(pk=occurrence.pk).update(status="cancelled", note="台風のため")
    html = listing(staff_client.get(reverse("events_desk_index")))
    assert "中止の会" in html and "<strong>中止</strong>" in html
    url = reverse("events_desk", args=(occurrence.pk,))
    desk = staff_client.get(url).content.decode()
    assert "この回は中止になりました" in desk and "台風のため" in desk
    assert 'value="add"' not in desk
    data = {"action": "add", "nickname": "電話の方", "party_size": "1", "channel": "phone"}
    response = staff_client.post(url, data)
    assert "中止" in " ".join(messages_of(response))
    assert not Booking.objects.exists()


def test_a_draw_is_confirmed_after_seeing_the_entries_and_seats(staff_client, site_tree):
    _, occurrence = bookable_event(site_tree.ward, booking_mode="lottery", capacity=3)
    entries = [
        registration.register(occurrence.pk, nickname=f"応募{n}", party_size=1)[0] for n in range(4)
    ]
    desk = staff_client.get(reverse("events_desk", args=(occurrence.pk,))).content.decode()
    draw_url = reverse("events_desk_draw", args=(occurrence.pk,))
    assert f'href="{draw_url}"' in desk and 'value="draw"' not in desk
    page = staff_client.get(draw_url).content.decode()
    assert all(entry.code in page for entry in entries)
    assert "定員" in page and "残り" in page and "応募" in page
    occurrence.refresh_from_db()
    assert occurrence.lottery_drawn_at is None  # looking does not draw
    response = staff_client.post(draw_url)
    occurrence.refresh_from_db()
    assert occurrence.lottery_drawn_at is not None
    assert "抽選しました" in " ".join(messages_of(response))
    assert Booking.objects.filter(status=BookingStatus.CONFIRMED).count() == 3
    assert audit_entries("ibasho.bookings.draw").count() == 1


def test_every_desk_action_says_what_happened(staff_client, site_tree):
    _, occurrence = bookable_event(site_tree.ward)
    url = reverse("events_desk", args=(occurrence.pk,))
    booking, _t = registration.register(occurrence.pk, nickname="ひだまり")
    phone = {"action": "add", "nickname": "電話", "party_size": "1", "channel": "phone"}
    messages = {
        "close": said(staff_client, url, {"action": "close"}),
        "reopen": said(staff_client, url, {"action": "reopen"}),
        "check_in": said(staff_client, url, {"action": "check_in", "query": booking.code}),
        "again": said(staff_client, url, {"action": "check_in", "query": booking.code}),
        "add": said(staff_client, url, phone),
        "bad_add": said(staff_client, url, {"action": "add", "party_size": "x"}),
    }
    assert all(len(m) == 1 for m in messages.values()), messages
    assert "締め切りました" in messages["close"][0] and "再開" in messages["reopen"][0]
    assert "受付しました" in messages["check_in"][0] and "受付済み" in messages["again"][0]
    assert "予約番号" in messages["add"][0] and "追加できません" in messages["bad_add"][0]
    assert {e.action for e in ModelLogEntry.objects.all()} >= {
        "ibasho.bookings.close",
        "ibasho.bookings.reopen",
    }


@pytest.mark.django_db(transaction=True)
def test_the_csv_opens_in_japanese_excel(staff_client, site_tree):
    _, occurrence = bookable_event(site_tree.ward, title="家族交流会/特別編", slug="csv")
    booking, _t = registration.register(
        occurrence.pk, nickname="電話の方", who="family", residence="ward", channel="phone"
    )
    arrived = datetime.datetime(2026, 5, 9, 5, 3, 27, 123456, tzinfo=datetime.UTC)
    Booking.objects.filter(pk=booking.pk).update(checked_in_at=arrived)
    url = reverse("bookings:index") + f"?occurrence={occurrence.pk}&export=csv"
    response = staff_client.get(url)
    raw = b"".join(response.streaming_content)
    assert raw.startswith("\ufeff".encode())
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    disposition = unquote(response["Content-Disposition"])
    day = occurrence.start.astimezone(TOKYO).date()
    assert f"予約_家族交流会 特別編_{day:%Y-%m-%d}.csv" in disposition
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    header, values = rows[0], dict(zip(rows[0], rows[1], strict=True))
    assert header[:4] == ["予約番号", "イベント", "日時", "状態"]
    assert values["状態"] == "確定" and values["受付方法"] == "電話"
    assert values["参加者の立場"] == "ご家族" and values["お住まい"] == "区内"
    assert values["受付時刻"] == "2026-05-09 14:03"  # Tokyo, to the minute
    assert "年" in values["日時"]
    all_text = raw.decode("utf-8-sig")
    for code in ("confirmed", "family", "phone", "web", "+00:00", ".123456"):
        assert code not in all_text


@pytest.mark.django_db(transaction=True)
def test_the_xlsx_has_japanese_headings_and_tokyo_minutes(staff_client, site_tree):
    from openpyxl import load_workbook

    _, occurrence = bookable_event(site_tree.ward, title="講演会", slug="xlsx")
    booking, _t = registration.register(occurrence.pk, nickname="匿名", channel="walk_in")
    arrived = datetime.datetime(2026, 5, 9, 5, 3, 27, tzinfo=datetime.UTC)
    Booking.objects.filter(pk=booking.pk).update(checked_in_at=arrived)
    response = staff_client.get(
        reverse("bookings:index") + f"?occurrence={occurrence.pk}&export=xlsx"
    )
    assert "講演会" in unquote(response["Content-Disposition"])
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book.active
    header = [cell.value for cell in sheet[1]]
    values = dict(zip(header, [cell.value for cell in sheet[2]], strict=True))
    assert values["受付方法"] == "当日来場" and values["状態"] == "確定"
    assert values["受付時刻"] == datetime.datetime(2026, 5, 9, 14, 3)


def test_list_views_are_audited_without_personal_data(staff_client, site_tree):
    _, occurrence = bookable_event(site_tree.ward)
    booking, _t = registration.register(occurrence.pk, nickname="秘密の人", email="s@example.jp")
    index = reverse("bookings:index")
    staff_client.get(index)
    staff_client.get(index + "?q=秘密の人&status=confirmed")
    staff_client.get(index + f"?occurrence={occurrence.pk}")
    entries = list(audit_entries("ibasho.bookings.list").order_by("pk"))
    assert len(entries) == 3
    assert entries[1].data["searched"] is True
    assert entries[1].data["filters"] == {"status": "confirmed"}
    assert entries[2].data["occurrence"] == occurrence.pk
    assert_nothing_personal(entries, "秘密の人", "s@example.jp", booking.code)
    history = staff_client.get(reverse("wagtailadmin_reports:site_history")).content.decode()
    assert "予約一覧を表示しました" in history
