"""An event's A4 flyer (page and PDF) and the monthly programme 「今月の予定」: what they
say, that the PDFs are A4 with Japanese text a reader can extract, and that their QR codes
open the right page when a real decoder reads them."""

import datetime

from django.utils import timezone

import pytest
import recurrence

from events.factories import category, publish_event
from events.models import Occurrence
from events.schedules import TOKYO

from .pdfs import A4_POINTS, page_sizes, qr_codes, text_of

pytestmark = pytest.mark.django_db

BASE = "http://testserver"
DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def next_month_start():
    today = timezone.now().astimezone(TOKYO).date()
    return (today.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


@pytest.fixture
def gathering(site_tree):
    """A monthly family gathering of the (verified) ward, co-hosted by 家族会 ひだまり."""
    first = next_month_start() + datetime.timedelta(days=3)
    event = publish_event(
        site_tree.ward,
        title="家族交流会 ひだまりの会",
        slug="hidamari-kai",
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
        camera_off_ok=True,
        what_happens="<ol><li>はじめに簡単なごあいさつ</li><li>お茶を飲みながら自由に交流&amp;相談</li></ol>",
    )
    event.co_hosts = [site_tree.family]
    event.save_revision().publish()
    return event


def test_the_flyer_page_says_what_the_event_page_says(client, gathering):
    response = client.get("/partners/toshima-ward/hidamari-kai/flyer/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "家族交流会 ひだまりの会" in html
    assert gathering.schedule_text in html  # the rule in words
    first = Occurrence.objects.filter(event=gathering).order_by("start").first()
    assert f"{first.local_start.month}月{first.local_start.day}日" in html  # the next dates
    assert "区民ひろば大塚（東京都豊島区北大塚）" in html
    assert gathering.audience_label in html
    for badge in ("途中参加・途中退出OK", "話さなくてもOK", "カメラオフOK", "匿名OK"):
        assert badge in html, badge
    assert "豊島区 ひきこもり相談窓口" in html and "区が確認した団体" in html
    assert "家族会 ひだまり" in html  # co-host
    assert "<li>はじめに簡単なごあいさつ</li>" in html
    assert "テスト相談窓口" in html and "03-1111-2222" in html  # the consultation desk
    assert "<svg" in html and f"{BASE}/partners/toshima-ward/hidamari-kai/" in html
    assert "css/sheets.css" in html
    assert 'href="/partners/toshima-ward/hidamari-kai/flyer/pdf/"' in html
    # The event page links to it.
    page = client.get("/partners/toshima-ward/hidamari-kai/").content.decode()
    assert 'href="/partners/toshima-ward/hidamari-kai/flyer/"' in page


def test_the_flyer_pdf_is_one_a4_page_with_japanese_text_and_a_working_qr_code(client, gathering):
    response = client.get("/partners/toshima-ward/hidamari-kai/flyer/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="flyer-hidamari-kai.pdf"' in response["Content-Disposition"]
    body = response.content
    assert page_sizes(body) == [A4_POINTS]
    text = text_of(body)
    for expected in (
        "家族交流会 ひだまりの会",
        gathering.schedule_text,
        "区民ひろば大塚",
        gathering.audience_label,
        "話さなくてもOK",
        "豊島区 ひきこもり相談窓口",
        "区が確認した団体",
        "テスト相談窓口",
        "03-1111-2222",
        "匿名でのご相談もできます",
        "・お茶を飲みながら自由に交流&相談",
    ):
        assert expected in text.replace("\n", ""), expected
    assert qr_codes(body) == [f"{BASE}/partners/toshima-ward/hidamari-kai/"]


def test_a_flyer_for_an_online_event_without_a_verified_host(client, site_tree):
    publish_event(
        site_tree.family,
        title="オンライン講演会",
        slug="online-lecture",
        category=category("lecture"),
        attendance_mode="online",
        meeting_link="https://meet.example.jp/secret-room",
        start_date=next_month_start(),
        fee=500,
        fee_note="資料代",
    )
    html = client.get("/partners/hidamari/online-lecture/flyer/").content.decode()
    assert "オンライン" in html and "secret-room" not in html
    assert "区が確認した団体" not in html
    assert "500円（資料代）" in html
    body = client.get("/partners/hidamari/online-lecture/flyer/pdf/").content
    assert "secret-room" not in text_of(body)
    assert qr_codes(body) == [f"{BASE}/partners/hidamari/online-lecture/"]


def test_an_ibasho_has_a_flyer_too(client, site_tree):
    from ibasho.models import IbashoPage

    place = site_tree.family.add_child(
        instance=IbashoPage(
            title="ひだまりカフェ 大塚",
            slug="cafe",
            category=category("ibasho"),
            summary="安心して過ごせる場所です。",
            start_date=next_month_start(),
            start_time=datetime.time(14, 0),
            end_time=datetime.time(16, 0),
            recurrence=recurrence.deserialize("RRULE:FREQ=MONTHLY;BYDAY=1SA,3SA"),
            venue_name="ひだまりカフェ",
            venue_address="東京都豊島区北大塚",
        )
    )
    place.save_revision().publish()
    html = client.get("/partners/hidamari/cafe/flyer/").content.decode()
    assert "ひだまりカフェ 大塚" in html and "毎月第1・第3土曜" in html
    body = client.get("/partners/hidamari/cafe/flyer/pdf/").content
    assert "ひだまりカフェ 大塚" in text_of(body)
    assert qr_codes(body) == [f"{BASE}/partners/hidamari/cafe/"]


def test_the_monthly_programme_lists_every_event_of_the_month(client, site_tree, gathering):
    month = next_month_start()
    lecture = publish_event(
        site_tree.family,
        title="講演会「家族にできること」",
        slug="lecture",
        category=category("lecture"),
        start_date=month + datetime.timedelta(days=10),
    )
    later = publish_event(
        site_tree.ward,
        title="来月の勉強会",
        slug="later",
        start_date=month + datetime.timedelta(days=40),
    )
    # A cancelled date is left out; an imported partner event too.
    cancelled = Occurrence.objects.filter(event=gathering).order_by("start")[1]
    cancelled.status = "cancelled"
    cancelled.save()
    Occurrence.objects.create(
        source="partner-feed",
        title="よその区のイベント",
        original_date=month,
        start=datetime.datetime.combine(month, datetime.time(10), tzinfo=TOKYO),
        end=datetime.datetime.combine(month, datetime.time(12), tzinfo=TOKYO),
    )
    url = f"/events/programme/{month.year}-{month.month}/"
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert f"今月の予定　{month.year}年{month.month}月" in html
    assert "家族交流会 ひだまりの会" in html and lecture.title in html
    assert later.title not in html and "よその区のイベント" not in html
    cancelled_day = cancelled.local_start.date()
    dates_line = html.split("programme__dates", 1)[1].split("</p>", 1)[0]
    assert f"・{cancelled_day.day}日（" not in dates_line
    assert html.count("<svg") == 2  # a QR code for each event

    # Per category and per organisation, with the filters of /events/.
    only_lectures = client.get(url + "?category=lecture").content.decode()
    assert lecture.title in only_lectures and "ひだまりの会" not in only_lectures
    by_family = client.get(url + "?organisation=hidamari").content.decode()
    # The family association hosts the lecture and co-hosts the gathering.
    assert lecture.title in by_family and "ひだまりの会" in by_family

    pdf = client.get(f"/events/programme/{month.year}-{month.month}/pdf/?category=lecture")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    body = pdf.content
    assert set(page_sizes(body)) == {A4_POINTS}
    text = text_of(body).replace("\n", "")
    assert "今月の予定" in text and lecture.title in text and "ひだまりの会" not in text
    assert f"{BASE}/events/" in text
    assert qr_codes(body) == [f"{BASE}/partners/hidamari/lecture/"]


def test_the_programme_pdf_of_a_month_with_both_events(client, gathering, site_tree):
    month = next_month_start()
    publish_event(site_tree.family, title="勉強会", slug="study", start_date=month)
    body = client.get(f"/events/programme/{month.year}-{month.month}/pdf/").content
    assert set(qr_codes(body)) == {
        f"{BASE}/partners/toshima-ward/hidamari-kai/",
        f"{BASE}/partners/hidamari/study/",
    }
    assert "ひだまりの会" in text_of(body).replace("\n", "")


def test_a_month_that_does_not_exist_is_a_404(client, site_tree):
    assert client.get("/events/programme/2026-13/").status_code == 404
    assert client.get("/events/programme/1999-12/pdf/").status_code == 404
    empty = client.get("/events/programme/2031-1/")
    assert empty.status_code == 200 and "この月の予定はありません" in empty.content.decode()


def test_print_outs_and_the_widget_use_the_wards_public_name(client, settings, gathering):
    """The name the ward chose (a neutral one, say) — never the configured full name."""
    from django.urls import reverse

    from home.models import SiteIdentity

    settings.WAGTAIL_SITE_NAME = "ひきこもり支援 居場所・イベント"
    identity = SiteIdentity.for_site(gathering.get_site())
    identity.public_name = "まちの予定帳"
    identity.save()
    month = next_month_start()
    programme = f"/events/programme/{month.year}-{month.month}/"
    flyer = "/partners/toshima-ward/hidamari-kai/flyer/"
    texts = {
        "flyer": client.get(flyer).content.decode(),
        "flyer pdf": text_of(client.get(flyer + "pdf/").content).replace("\n", ""),
        "programme": client.get(programme).content.decode(),
        "programme pdf": text_of(client.get(programme + "pdf/").content).replace("\n", ""),
        "widget": client.get(reverse("events_widget")).content.decode(),
    }
    for name, text in texts.items():
        assert "まちの予定帳" in text, name
        assert "居場所・イベント" not in text, name


def test_the_flyer_and_the_event_page_name_the_same_contact(client, gathering):
    """No contact on the page: the host's name and phone, as on the event page."""
    expected = "豊島区 ひきこもり相談窓口　03-0000-0000"
    assert gathering.contact_text == expected
    assert expected in client.get("/partners/toshima-ward/hidamari-kai/").content.decode()
    flyer = client.get("/partners/toshima-ward/hidamari-kai/flyer/").content.decode()
    assert expected in flyer
