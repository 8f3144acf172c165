"""Whole feeds with awkward text: what icalendar reads back is what was published, and
icalendar writing the parsed calendar again gives byte for byte the same feed."""

import datetime

from django.core.cache import cache

import icalendar
import pytest
import recurrence

from events.factories import publish_event
from events.models import EventCategory, EventException

pytestmark = pytest.mark.django_db

D = datetime.date
T = datetime.time

TITLE = "家族会; 話そう, いっしょに \\ 第2回 🙂"
SUMMARY = "一行目です。\n二行目: セミコロン; カンマ, バックスラッシュ \\ と \\N の文字。" * 3
VENUE = "区民センター; 3階, 第1会議室"
HOST = 'NPO "ひだまり" ^ 相談室'


def test_awkward_text_round_trips_through_icalendar(client, site_tree):
    host = site_tree.family
    host.title = HOST
    host.save_revision().publish()
    odd = EventCategory.objects.create(
        name="講座, 研修; その他", name_en="Odd", slug="odd", colour="teal", sort_order=50
    )
    event = publish_event(
        host,
        title=TITLE,
        summary=SUMMARY,
        venue_name=VENUE,
        category=odd,
        start_date=D(2026, 12, 5),
        start_time=T(8, 0),
        end_time=T(9, 30),
        recurrence=recurrence.deserialize("RRULE:FREQ=WEEKLY;COUNT=4"),
    )
    event.exceptions = [
        EventException(
            original_date=D(2026, 12, 12),
            kind="moved",
            reason="会場変更; 詳しくは, ページで",
            new_venue_name="別館\\2階",
        )
    ]
    event.save_revision().publish()

    body = client.get("/events/calendar.ics").content
    assert icalendar.Calendar.from_ical(body).to_ical() == body
    cache.clear()
    assert client.get("/events/calendar.ics").content == body  # a cold build: the same bytes

    components = icalendar.Calendar.from_ical(body).walk("VEVENT")
    (series,) = [c for c in components if "RRULE" in c]
    (moved,) = [c for c in components if "RRULE" not in c]
    assert str(series["SUMMARY"]) == TITLE
    assert str(moved["SUMMARY"]) == f"【変更】{TITLE}"
    assert str(series["DESCRIPTION"]).startswith(SUMMARY.replace("\\N", "\n"))
    assert str(series["LOCATION"]) == VENUE
    assert str(moved["LOCATION"]) == "別館\\2階"
    assert series["CATEGORIES"].cats == ["講座, 研修; その他"]
    assert series["ORGANIZER"].params["CN"] == HOST  # RFC 6868 escaping
    assert "会場変更; 詳しくは, ページで" in str(moved["DESCRIPTION"])
    for line in body.split(b"\r\n"):
        assert len(line) <= 75


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"audience": "family", "mothers_only": True, "fee": 500, "booking_mode": "first_come"},
        {"women_only": True, "attendance_mode": "hybrid", "all_municipalities_welcome": False},
        {"attendance_mode": "online", "no_need_to_talk": False, "all_day": True},
    ],
)
def test_event_facts_say_what_the_event_page_says(site_tree, fields):
    """The feeds read events as values and borrow the page's properties: they must give
    what the page itself gives."""
    from events.feeds.facts import EventFacts, event_values
    from events.models import EventPage

    event = publish_event(site_tree.ward, start_date=D(2026, 12, 5), **fields)
    page = EventPage.objects.get(pk=event.pk)
    facts = EventFacts(event_values([page.pk])[page.pk])
    for name in ("audience_label", "location_text", "is_free", "schedule"):
        assert getattr(facts, name) == getattr(page, name), name
    for name in ("audience_rules", "reassurances"):
        assert [str(x) for x in getattr(facts, name)] == [str(x) for x in getattr(page, name)]
    assert facts.stamp == page.last_published_at
    assert facts.host.title == page.host.title and facts.category_name == page.category.name
