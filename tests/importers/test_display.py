"""Imported partner events in our calendar, filters and feeds: the partner's name, the
「外部の予定」 label, a link to the event's own page or the partner's site, shown as
cancelled when cancelled upstream, never bookable; re-published only when the calendar
says so, with the partner's own UIDs."""

import datetime

from django.utils import timezone

import icalendar
import pytest
import recurring_ical_events

from events.bookings import registration
from events.factories import category
from events.importers.parse import ParsedOccurrence
from events.importers.sync import store
from events.models import Occurrence
from events.schedules import TOKYO

pytestmark = pytest.mark.django_db


def local_day(offset, hour=14):
    moment = timezone.now().astimezone(TOKYO) + datetime.timedelta(days=offset)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


def item(uid, start, title, recurrence_id="", **extra):
    return ParsedOccurrence(
        uid=uid,
        recurrence_id=recurrence_id,
        start=start,
        end=start + datetime.timedelta(hours=2),
        all_day=False,
        title=title,
        **extra,
    )


@pytest.fixture
def imported(feed):
    feed.category = category("family-gathering")
    feed.save()
    now = timezone.now()
    first, second = local_day(5), local_day(12)
    items = [
        item(
            "talk@partner",
            local_day(3),
            "講演会「親ができること」",
            url="https://partner.example.jp/e/1",
        ),
        item("weekly@partner", first, "家族のつどい", recurrence_id="20300101T050000Z"),
        item(
            "weekly@partner",
            second,
            "家族のつどい",
            recurrence_id="20300108T050000Z",
            cancelled=True,
        ),
        item("cafe@partner", local_day(4), "居場所カフェ", location="区民ひろば南"),
    ]
    store(feed, items, now - datetime.timedelta(days=30), now)
    return feed


def test_the_list_shows_partner_events_labelled_and_linked(client, site_tree, imported):
    page = client.get("/events/").content.decode()
    assert "講演会「親ができること」" in page and "居場所カフェ" in page
    assert page.count("外部の予定") == 4
    assert "主催 家族会 ひだまり" in page
    assert 'href="https://partner.example.jp/e/1" rel="noopener external"' in page
    # Without a link of its own, the partner's website.
    assert 'href="https://hidamari.example.jp/" rel="noopener external">居場所カフェ' in page
    assert "このサイトでは予約できません" in page
    cancelled = page.split("occurrence--cancelled")[1].split("</li>")[0]
    assert "【中止】" in cancelled and "家族のつどい" in cancelled


def test_the_month_shows_them_too(client, site_tree, imported):
    day = local_day(3)
    page = client.get(f"/events/month/{day.year}-{day.month}/").content.decode()
    assert "講演会「親ができること」" in page
    assert '<span class="badge badge--external">外部</span>' in page


def test_filters_find_them_by_category_and_organisation(client, site_tree, imported):
    by_category = client.get("/events/?category=family-gathering").content.decode()
    assert "居場所カフェ" in by_category
    other = client.get("/events/?category=lecture").content.decode()
    assert "居場所カフェ" not in other
    by_organisation = client.get("/events/?organisation=hidamari").content.decode()
    assert "居場所カフェ" in by_organisation
    assert "居場所カフェ" not in client.get("/events/?organisation=toshima-ward").content.decode()


def test_they_cannot_be_booked(imported):
    row = Occurrence.objects.get(external_uid="talk@partner")
    with pytest.raises(registration.BookingRefused):
        registration.register(row.pk, nickname="匿名")
    assert not row.bookings.exists()


def republished(client, url="/events/calendar.ics"):
    calendar = icalendar.Calendar.from_ical(client.get(url).content)
    return [c for c in calendar.walk("VEVENT") if "@partner" in str(c["UID"])]


def test_our_feeds_include_them_only_when_the_calendar_says_so(client, site_tree, imported):
    assert republished(client) == []
    imported.include_in_our_feeds = True
    imported.save()  # saving the calendar drops cached feeds
    components = republished(client)
    assert sorted(str(c["UID"]) for c in components) == [
        "cafe@partner",
        "talk@partner",
        "weekly@partner",
        "weekly@partner",
    ]
    weekly = sorted(
        (c for c in components if c["UID"] == "weekly@partner"),
        key=lambda c: c.decoded("RECURRENCE-ID"),
    )
    assert weekly[0].decoded("RECURRENCE-ID") == datetime.datetime(
        2030, 1, 1, 5, 0, tzinfo=datetime.UTC
    )
    assert str(weekly[1]["STATUS"]) == "CANCELLED"
    talk = next(c for c in components if c["UID"] == "talk@partner")
    assert talk.decoded("DTSTART") == local_day(3)
    assert str(talk["URL"]) == "https://partner.example.jp/e/1"
    # A calendar app shows each once.
    calendar = icalendar.Calendar.from_ical(client.get("/events/calendar.ics").content)
    start, end = (
        timezone.now() - datetime.timedelta(days=1),
        timezone.now() + datetime.timedelta(days=60),
    )
    shown = [
        c
        for c in recurring_ical_events.of(calendar).between(start, end)
        if "@partner" in str(c["UID"])
    ]
    assert len(shown) == 4
    # The organisation's and the category's feeds carry them as well.
    assert len(republished(client, "/partners/hidamari/calendar.ics")) == 4
    assert len(republished(client, "/events/category/family-gathering.ics")) == 4
    assert republished(client, "/events/category/lecture.ics") == []
