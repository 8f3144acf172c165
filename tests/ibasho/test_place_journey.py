"""A place never leaves a person at a dead end: it says whom to ask for the exact address
(page, print list and PDF), when it opens next (also at 3 a.m.), and its words agree with
its settings (the demo is checked by ``seed_demo``)."""

import datetime
from io import StringIO
from types import SimpleNamespace

from django.core.management import call_command
from django.core.management.base import CommandError

import pytest

from events.schedules import TOKYO
from home.models import HomePage
from ibasho import demo_content
from ibasho.models import IbashoPage
from ibasho.places import opening_status

from .test_ibasho import place

pytestmark = pytest.mark.django_db


def at(day, hour, minute=0):
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=TOKYO)


def opening(start, hours=4):
    return SimpleNamespace(
        start=start,
        end=start + datetime.timedelta(hours=hours),
        local_start=start,
        local_end=start + datetime.timedelta(hours=hours),
    )


def test_opening_status_says_when_a_place_opens_next():
    day = datetime.date(2026, 12, 1)  # a Tuesday
    today = opening(at(day, 13))
    assert opening_status([today], at(day, 14)) == "いま開いています（17:00まで）"
    assert opening_status([today], at(day, 9)) == "今日 13:00から"
    friday = opening(at(day + datetime.timedelta(days=3), 13))
    assert opening_status([friday], at(day, 3)) == "次は 12月4日（金）13:00から"
    assert opening_status([], at(day, 3)) == "次の開所日はまだ決まっていません"


def test_open_today_with_nothing_left_today_lists_places_by_their_next_opening(client, site_tree):
    from django.utils import timezone

    now = timezone.now().astimezone(TOKYO)
    place(site_tree.ward, "later", weekday=(now.weekday() + 3) % 7)
    place(site_tree.ward, "sooner", weekday=(now.weekday() + 1) % 7)
    html = client.get("/ibasho/?today=on").content.decode()
    assert "今日これから開く場所はありません" in html
    assert html.index("居場所 sooner<") < html.index("居場所 later<")  # soonest first
    assert html.count("次は ") >= 2


def test_a_place_with_its_address_on_request_says_whom_to_ask(client, site_tree, monkeypatch):
    item = place(site_tree.ward, "hidden", address_on_request=True, contact="")
    html = client.get(item.url).content.decode()
    assert "詳しい場所は、問い合わせるとお伝えします" in html
    assert "豊島区 ひきこもり相談窓口　03-0000-0000" in html  # the organisation's contact
    assert "詳しい場所の問い合わせ先：" in client.get("/ibasho/print/").content.decode()
    assert "詳しい場所の問い合わせ先：" in client.get("/ibasho/").content.decode()

    written = []
    import ibasho.pdf

    original = ibasho.pdf.Paragraph
    monkeypatch.setattr(
        ibasho.pdf, "Paragraph", lambda text, style: written.append(text) or original(text, style)
    )
    assert client.get("/ibasho/print/pdf/").status_code == 200
    assert any(t.startswith("詳しい場所のお問い合わせ：豊島区") for t in written)


def test_a_place_on_request_needs_somewhere_to_ask(site_tree):
    from django.core.exceptions import ValidationError

    item = place(site_tree.family, "nowhere")  # 家族会 ひだまり has no phone or e-mail
    item.address_on_request, item.contact = True, ""
    with pytest.raises(ValidationError) as error:
        item.full_clean()
    assert "contact" in error.value.message_dict


def test_contradictions_the_model_can_see(site_tree):
    mejiro_as_it_was = place(
        site_tree.ward,
        "mejiro",
        summary="予約なしで立ち寄れる、どなたでも安心して過ごせる場所です。",
        women_only=True,
        booking_mode="first_come",
        capacity=8,
        kind="drop_in",
    )
    found = " / ".join(mejiro_as_it_was.contradictions())
    for words in ("予約なし", "どなたでも", "立ち寄り", "出入り自由"):
        assert words in found, words
    calm = place(site_tree.ward, "calm", summary="予約なしで立ち寄れる場所です。")
    assert calm.contradictions() == []


def test_seed_demo_refuses_contradictions_and_changes_nothing(monkeypatch):
    spec = list(demo_content.PLACES[0])
    spec[-1] = {**spec[-1], "booking_mode": "first_come", "capacity": 5}  # says 予約なし
    monkeypatch.setattr(demo_content, "PLACES", [tuple(spec)])
    with pytest.raises(CommandError) as refused:
        call_command("seed_demo", stdout=StringIO())
    assert "居場所 いけぶくろ" in str(refused.value) and "予約なし" in str(refused.value)
    assert not IbashoPage.objects.exists()  # the whole run was rolled back
    assert not HomePage.objects.exists()


def test_the_demo_is_consistent(client):
    call_command("seed_demo", stdout=StringIO())  # would raise on any contradiction
    mejiro = IbashoPage.objects.get(slug="mejiro-women")
    assert mejiro.women_only and mejiro.booking_mode == "first_come"
    assert "予約なし" not in mejiro.summary and not mejiro.join_late_leave_early
    html = client.get(mejiro.url).content.decode()
    assert "出入り自由" not in html and "事前にお申し込みください" in html
    assert "詳しい場所は、問い合わせるとお伝えします" in html and "hotspace@example.jp" in html
