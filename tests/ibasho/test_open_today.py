""" "Open today" around the end of a timed opening: a place open 13:00–17:00 today is open
now at 16:59 (Tokyo time) and no longer open today at 17:01, when the list says when it
opens next. The list's clock is set through ``ibasho.places.current_time``."""

import datetime

from django.utils import timezone

import pytest

from events.schedules import TOKYO
from ibasho import places

from .test_ibasho import place

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch):
    """Set the list's clock to a Tokyo wall-clock time today."""
    today = timezone.now().astimezone(TOKYO).date()

    def at(hour, minute):
        moment = datetime.datetime.combine(today, datetime.time(hour, minute), tzinfo=TOKYO)
        monkeypatch.setattr(places, "current_time", lambda: moment)
        return moment

    return at


@pytest.fixture
def afternoon_place(site_tree):
    """Open every week on today's weekday, 13:00–17:00, from today."""
    today = timezone.now().astimezone(TOKYO).date()
    return place(site_tree.ward, "afternoon", weekday=today.weekday(), start_date=today)


def status_of(html, title):
    """The status line of the place card titled ``title``."""
    card = html.split(f"{title}<", 1)[1]
    return card.split('class="place__status"><strong>', 1)[1].split("</strong>", 1)[0]


def test_at_16_59_the_place_is_open_now_and_open_today(client, clock, afternoon_place):
    clock(16, 59)
    html = client.get("/ibasho/").content.decode()
    assert status_of(html, afternoon_place.title) == "いま開いています（17:00まで）"
    today = client.get("/ibasho/?today=on").content.decode()
    assert f"{afternoon_place.title}<" in today
    assert "今日これから開く場所はありません" not in today


def test_at_17_01_it_is_not_open_today_and_the_page_says_the_next_opening(
    client, clock, afternoon_place
):
    now = clock(17, 1)
    following = (now + datetime.timedelta(days=7)).date()
    expected = f"次は {following.month}月{following.day}日（"
    html = client.get("/ibasho/").content.decode()
    status = status_of(html, afternoon_place.title)
    assert status.startswith(expected) and status.endswith("13:00から"), status
    assert "いま開いています" not in html
    # Asked for places open today: none is, so the page says so and still lists the
    # place with its next opening rather than an empty page.
    today = client.get("/ibasho/?today=on").content.decode()
    assert "今日これから開く場所はありません。次に開く順に並べています。" in today
    assert status_of(today, afternoon_place.title) == status


def test_the_places_own_page_says_the_same_at_16_59_and_17_01(client, clock, afternoon_place):
    clock(16, 59)
    assert "いま開いています（17:00まで）" in client.get(afternoon_place.url).content.decode()
    now = clock(17, 1)
    following = (now + datetime.timedelta(days=7)).date()
    html = client.get(afternoon_place.url).content.decode()
    assert "いま開いています" not in html
    assert f"次は {following.month}月{following.day}日（" in html
