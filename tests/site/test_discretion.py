"""Discretion and the night: a neutral public name and calendar name as site settings,
help lines while the desk is closed, and wording that says what changed and where you
are."""

import datetime
import re

from django.utils import timezone

import pytest

from events.models import EventException
from home import desk_hours
from home.models import ConsultationDesk, OutOfHoursHelp, SiteIdentity
from tests.bookings.conftest import bookable_event

pytestmark = pytest.mark.django_db

TOKYO = desk_hours.TOKYO


def at(year, month, day, hour, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=TOKYO)


def title_of(html):
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()


def test_the_public_name_is_a_site_setting(client, site_tree):
    event, _ = bookable_event(site_tree.ward, title="家族交流会")
    assert title_of(client.get(event.url).content.decode()) == "家族交流会 | テストサイト"
    identity = SiteIdentity.for_site(site_tree.site)
    identity.public_name = "としまの案内"
    identity.save()
    html = client.get(event.url).content.decode()
    assert title_of(html) == "家族交流会 | としまの案内"
    assert ">としまの案内</a>" in html  # the header
    assert "テストサイト" not in html


def test_calendar_feeds_carry_the_configured_neutral_name(client, site_tree):
    event, _ = bookable_event(site_tree.ward, title="ひきこもり家族交流会")

    def calname(url):
        body = client.get(url).content.decode().replace("\r\n ", "")
        return re.search(r"X-WR-CALNAME:(.*)", body).group(1).strip()

    assert calname("/events/calendar.ics") == "テストサイト"
    identity = SiteIdentity.for_site(site_tree.site)
    identity.calendar_name = "地域の予定"
    identity.save()  # cached feeds are dropped
    assert calname("/events/calendar.ics") == "地域の予定"
    assert calname(f"{event.url}calendar.ics") == "地域の予定"  # not the event's title
    assert calname("/events/category/family-gathering.ics") == "地域の予定（家族交流会）"
    all_feed = client.get("/events/calendar.ics").content.decode()
    assert "X-WR-CALDESC:ひきこもり" not in all_feed


def desk(**fields):
    values = {
        "open_days": "weekdays",
        "opens_at": datetime.time(8, 30),
        "closes_at": datetime.time(17, 15),
        "closed_on_public_holidays": True,
        "closed_at_year_end": True,
    }
    values.update(fields)
    return ConsultationDesk(**values)


def test_when_the_desk_is_open():
    ward = desk()
    assert desk_hours.is_open(ward, at(2026, 12, 1, 10)) is True  # Tuesday morning
    assert desk_hours.is_open(ward, at(2026, 12, 1, 3)) is False  # 3 a.m.
    assert desk_hours.is_open(ward, at(2026, 11, 23, 10)) is False  # 勤労感謝の日
    assert desk_hours.is_open(ward, at(2026, 12, 30, 10)) is False  # year end
    assert desk_hours.next_opening(ward, at(2026, 12, 1, 3)) == at(2026, 12, 1, 8, 30)
    assert desk_hours.next_opening(ward, at(2026, 12, 4, 18)) == at(2026, 12, 7, 8, 30)
    assert desk_hours.next_opening(ward, at(2026, 12, 28, 18)) == at(2027, 1, 4, 8, 30)
    assert desk_hours.is_open(desk(opens_at=None), at(2026, 12, 1, 10)) is None


def test_help_lines_are_shown_while_the_desk_is_closed(client, site_tree, monkeypatch):
    settings = ConsultationDesk.for_site(site_tree.site)
    settings.opens_at, settings.closes_at = datetime.time(8, 30), datetime.time(17, 15)
    settings.save()
    help_lines = OutOfHoursHelp.for_site(site_tree.site)
    help_lines.lines = [
        ("line", {"name": "よりそいホットライン", "phone": "0120-279-338", "hours": "24時間"})
    ]
    help_lines.save()
    night = at(2026, 12, 1, 3)  # Tuesday, 3 a.m.
    monkeypatch.setattr(timezone, "now", lambda: night)
    html = client.get("/").content.decode()
    assert "いまは受付時間外です。次に開くのは今日 8:30です。" in html
    assert 'href="tel:0120279338"' in html and "24時間" in html
    assert 'href="#help-lines"' in html  # the home page's "talk to someone"
    monkeypatch.setattr(timezone, "now", lambda: night.replace(hour=10))
    html = client.get("/").content.decode()
    assert "いま開いています（17:15まで）" in html and "0120-279-338" not in html


def test_the_header_highlights_the_section_of_events_places_and_bookings(client, site_tree):
    event, occurrence = bookable_event(site_tree.ward)

    def current(url):
        html = client.get(url).content.decode()
        nav = html.split('class="site-nav"')[1].split("</nav>")[0]
        return re.findall(r'aria-current="[^"]+"[^>]*>([^<]+)<', nav)

    assert current(event.url) == ["イベント"]
    assert current(f"{event.url}{occurrence.original_date.isoformat()}/") == ["イベント"]
    assert current("/booking/") == ["イベント"]
    assert current("/partners/") == ["団体"]


def test_a_moved_date_says_what_changed(client, site_tree):
    event, occurrence = bookable_event(site_tree.ward, venue_name="区民ひろば")
    event.exceptions = [
        EventException(
            original_date=occurrence.original_date,
            kind="moved",
            reason="会場の都合",
            new_start_time=datetime.time(10, 0),
            new_end_time=datetime.time(12, 0),
            new_venue_name="区民センター",
        )
    ]
    event.save_revision().publish()
    occurrence.refresh_from_db()
    rows = occurrence.changes()
    assert [what for what, _before, _after in rows] == ["日時", "会場"]
    assert "14:00–16:00" in rows[0][1] and "10:00–12:00" in rows[0][2]
    assert "区民ひろば" in rows[1][1] and "区民センター" in rows[1][2]
    for url in (event.url, f"{event.url}{occurrence.original_date.isoformat()}/", "/events/"):
        html = client.get(url).content.decode()
        assert "変更前：" in html and "14:00–16:00" in html and "10:00–12:00" in html, url


def test_the_home_page_works_out_the_desk_status_once(client, site_tree, monkeypatch):
    """The home page and its footer both show it; one request computes it once."""
    desk = ConsultationDesk.for_site(site_tree.site)
    desk.opens_at, desk.closes_at = datetime.time(8, 30), datetime.time(17, 15)
    desk.save()
    monkeypatch.setattr(timezone, "now", lambda: at(2026, 12, 1, 10))  # Tuesday morning
    calls = []
    original = desk_hours.is_open
    monkeypatch.setattr(desk_hours, "is_open", lambda *args: calls.append(1) or original(*args))
    html = client.get("/").content.decode()
    assert 'href="#consultation-desk"' in html and "desk__now--open" in html  # both use it
    assert len(calls) == 1
    client.get("/")
    assert len(calls) == 2  # the next request works it out afresh
