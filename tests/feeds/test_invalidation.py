"""Every change a feed shows reaches the next request at once (issue 14, item 7): each test
fetches feeds (so they and each event's text are cached), changes one thing, fetches again
and sees the change, and the feed served is the one a cold cache would build."""

import datetime

from django.core.cache import cache
from django.utils import timezone

import icalendar
import pytest
import recurrence

from events.factories import category, publish_event
from events.models import EventCategory
from events.publishing import extend_horizon
from home.factories import OrganisationIndexPageFactory

pytestmark = pytest.mark.django_db

ALL = "/events/calendar.ics"


def fetch(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content


def fresh(client, url):
    """What the feed is with nothing cached."""
    cache.clear()
    return fetch(client, url)


def vevents(body):
    return icalendar.Calendar.from_ical(body).walk("VEVENT")


def soon(days=3):
    return timezone.localdate() + datetime.timedelta(days=days)


def test_renaming_a_category(client, site_tree):
    lecture = category("lecture")
    publish_event(site_tree.ward, title="講演会A", category=lecture, start_date=soon())
    feeds = [ALL, "/events/category/lecture.ics", "/events/calendar.ics?category=lecture"]
    before = {url: fetch(client, url) for url in feeds}
    assert "CATEGORIES:講演会" in before[ALL].decode()

    lecture.name = "講演会・学習会"
    lecture.save()

    after = {url: fetch(client, url) for url in feeds}
    for url in feeds:
        assert "CATEGORIES:講演会・学習会" in after[url].decode(), url
    calendar = icalendar.Calendar.from_ical(after["/events/category/lecture.ics"])
    assert str(calendar["X-WR-CALNAME"]) == "テストサイト（講演会・学習会）"
    assert after == {url: fresh(client, url) for url in feeds}


def test_deleting_a_category(client, site_tree):
    publish_event(site_tree.ward, title="交流会", start_date=soon())
    unused = EventCategory.objects.create(
        name="臨時", name_en="Extra", slug="extra", colour="teal", sort_order=99
    )
    filtered = "/events/calendar.ics?category=extra"
    assert fetch(client, "/events/category/extra.ics")
    before = icalendar.Calendar.from_ical(fetch(client, filtered))
    assert str(before["X-WR-CALNAME"]).endswith("（臨時）")
    assert vevents(fetch(client, filtered)) == []

    unused.delete()

    assert client.get("/events/category/extra.ics").status_code == 404
    # A filter that no longer means anything is refused, not quietly widened to every event.
    assert client.get(filtered).status_code == 400
    assert [str(c["SUMMARY"]) for c in vevents(fetch(client, ALL))] == ["交流会"]


def test_moving_an_organisation(client, site_tree):
    event = publish_event(site_tree.family, title="交流会", slug="talk", start_date=soon())
    assert "/partners/hidamari/talk/" in fetch(client, ALL).decode()
    fetch(client, "/partners/hidamari/calendar.ics")
    others = OrganisationIndexPageFactory(parent=site_tree.home, title="連携先", slug="others")

    site_tree.family.move(others, pos="last-child")

    for url in (ALL, "/partners/hidamari/calendar.ics", "/partners/hidamari/talk/calendar.ics"):
        (component,) = vevents(fetch(client, url))
        assert (
            str(component["URL"]) == f"http://testserver/others/hidamari/talk/{event.start_date}/"
        )
        assert "http://testserver/others/hidamari/talk/" in str(component["DESCRIPTION"])
    assert fetch(client, ALL) == fresh(client, ALL)


def test_renaming_an_organisation(client, site_tree):
    publish_event(site_tree.family, title="交流会", start_date=soon())
    feeds = [ALL, "/partners/hidamari/calendar.ics"]
    for url in feeds:
        (component,) = vevents(fetch(client, url))
        assert "主催：家族会 ひだまり" in str(component["DESCRIPTION"])

    site_tree.family.title = "家族会 こもれび"
    site_tree.family.save_revision().publish()

    for url in feeds:
        body = fetch(client, url)
        (component,) = vevents(body)
        assert component["ORGANIZER"].params["CN"] == "家族会 こもれび"
        assert "主催：家族会 こもれび" in str(component["DESCRIPTION"])
    calendar = icalendar.Calendar.from_ical(fetch(client, "/partners/hidamari/calendar.ics"))
    assert str(calendar["X-WR-CALNAME"]) == "テストサイト（家族会 こもれび）"
    assert {url: fetch(client, url) for url in feeds} == {url: fresh(client, url) for url in feeds}


def test_unpublishing_an_organisation(client, site_tree):
    publish_event(site_tree.ward, title="区の会", slug="ward", start_date=soon())
    publish_event(site_tree.family, title="家族会の会", slug="family", start_date=soon())
    assert {str(c["SUMMARY"]) for c in vevents(fetch(client, ALL))} == {"区の会", "家族会の会"}
    fetch(client, "/partners/hidamari/calendar.ics")

    site_tree.family.unpublish()

    assert [str(c["SUMMARY"]) for c in vevents(fetch(client, ALL))] == ["区の会"]
    assert client.get("/partners/hidamari/calendar.ics").status_code == 404
    assert client.get("/partners/hidamari/family/calendar.ics").status_code == 404
    assert fetch(client, ALL) == fresh(client, ALL)


def test_rolling_the_horizon_forward(client, site_tree, settings):
    settings.OCCURRENCE_HORIZON_DAYS = 30
    publish_event(
        site_tree.ward,
        title="毎週の会",
        start_date=soon(1),
        recurrence=recurrence.deserialize("RRULE:FREQ=WEEKLY"),
    )

    def last_date(body):
        (series,) = vevents(body)
        until = series["RRULE"]["UNTIL"][0]
        return until.astimezone(datetime.UTC).date()

    before = last_date(fetch(client, ALL))
    assert before <= soon(31)

    settings.OCCURRENCE_HORIZON_DAYS = 60
    assert extend_horizon() == 1

    after = last_date(fetch(client, ALL))
    assert after - before >= datetime.timedelta(days=28)  # four more weeks
    assert fetch(client, ALL) == fresh(client, ALL)


def test_a_changed_event_is_written_again_and_only_it(client, site_tree, monkeypatch):
    from events.feeds import ics

    one = publish_event(site_tree.ward, title="一つ目", slug="one", start_date=soon())
    publish_event(site_tree.ward, title="二つ目", slug="two", start_date=soon())
    fetch(client, ALL)
    written = []
    original = ics.event_text

    def spy(event, values, site):
        written.append(event.title)
        return original(event, values, site)

    monkeypatch.setattr(ics, "event_text", spy)
    one.title = "一つ目（変更）"
    one.save_revision().publish()

    assert "一つ目（変更）" in fetch(client, ALL).decode()
    assert written == ["一つ目（変更）"]


def test_dates_the_daily_roll_corrects_are_written_again(client, site_tree):
    """The roll can change dates without a publish and without adding any (here: a date
    whose time had drifted from the schedule is put back): the event is written again."""
    from events.models import Occurrence

    event = publish_event(
        site_tree.ward,
        title="毎週の会",
        start_date=soon(1),
        recurrence=recurrence.deserialize("RRULE:FREQ=WEEKLY;COUNT=4"),
    )
    row = Occurrence.objects.filter(event=event).order_by("start")[1]
    hour = datetime.timedelta(hours=1)
    Occurrence.objects.filter(pk=row.pk).update(start=row.start + hour, end=row.end + hour)
    drifted = fresh(client, ALL)
    assert len(vevents(drifted)) == 2  # the series and the drifted date on its own

    extend_horizon()

    corrected = fetch(client, ALL)
    assert len(vevents(corrected)) == 1
    assert corrected == fresh(client, ALL)
