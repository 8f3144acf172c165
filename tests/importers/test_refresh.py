"""Refreshing partner calendars end to end, from a local HTTP server into the calendar:
updates, deletions upstream, 304s, failures that keep the last good events, staleness,
one broken feed never stopping the others, and our own events coming back."""

import datetime

from django.utils import timezone

import pytest

from events.importers.service import refresh_due_feeds, refresh_feed
from events.importers.tasks import refresh_partner_feed
from events.models import Occurrence, OccurrenceStatus, PartnerFeed
from events.schedules import TOKYO

pytestmark = pytest.mark.django_db


def day(offset, hour=14):
    local = timezone.now().astimezone(TOKYO) + datetime.timedelta(days=offset)
    return local.replace(hour=hour, minute=0, second=0, microsecond=0)


def stamp(moment):
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def event(uid, start, title="家族のつどい", extra=""):
    end = start + datetime.timedelta(hours=2)
    return (
        f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:{title}\r\n"
        f"DTSTART:{stamp(start)}\r\nDTEND:{stamp(end)}\r\n{extra}END:VEVENT\r\n"
    )


def ics(*events):
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//partner//EN\r\n"
        + "".join(events)
        + "END:VCALENDAR\r\n"
    ).encode()


@pytest.fixture
def served_feed(feed, feed_server, loopback_allowed, inprocess):
    feed.url = feed_server.route("/feed.ics", body=ics(event("a@p", day(3))))
    feed.save()
    return feed


def rows(feed):
    return list(Occurrence.objects.filter(feed=feed).order_by("start"))


def test_a_refresh_imports_and_shows_the_partners_events(served_feed, client):
    outcome = refresh_feed(served_feed)
    assert outcome.ok and outcome.stored.created == 1
    (row,) = rows(served_feed)
    assert (row.start, row.title, row.external_uid) == (day(3), "家族のつどい", "a@p")
    assert row.event_id is None and row.source == "feed"
    served_feed.refresh_from_db()
    assert served_feed.event_count == 1 and served_feed.last_error == ""
    assert served_feed.last_success_at is not None and not served_feed.is_stale()
    assert Occurrence.objects.visible().filter(pk=row.pk).exists()


def test_changes_and_deletions_upstream_arrive_with_the_next_refresh(served_feed, feed_server):
    feed_server.route(
        "/feed.ics",
        body=ics(event("a@p", day(3)), event("b@p", day(4)), event("c@p", day(5))),
    )
    refresh_feed(served_feed, force=True)
    assert [r.external_uid for r in rows(served_feed)] == ["a@p", "b@p", "c@p"]
    feed_server.route(
        "/feed.ics",
        body=ics(
            event("a@p", day(3, hour=10), title="時間が変わった会"),
            event("c@p", day(5), extra="STATUS:CANCELLED\r\n"),
        ),
    )
    outcome = refresh_feed(served_feed, force=True)
    assert (outcome.stored.updated, outcome.stored.deleted) == (2, 1)
    a, c = rows(served_feed)
    assert (a.start, a.title) == (day(3, hour=10), "時間が変わった会")
    assert c.status == OccurrenceStatus.CANCELLED


def test_history_stays_and_a_date_moved_back_into_the_window_reuses_its_row(
    served_feed, feed_server
):
    feed_server.route("/feed.ics", body=ics(event("a@p", day(-40)), event("b@p", day(3))))
    refresh_feed(served_feed, force=True)  # a@p is before the window: not imported
    assert [r.external_uid for r in rows(served_feed)] == ["b@p"]
    Occurrence.objects.filter(feed=served_feed).update(
        start=day(-40), end=day(-40) + datetime.timedelta(hours=2)
    )  # b@p now lies in the past, as if imported long ago
    feed_server.route("/feed.ics", body=ics(event("b@p", day(5))))
    refresh_feed(served_feed, force=True)
    (row,) = rows(served_feed)
    assert row.start == day(5)
    feed_server.route("/feed.ics", body=ics(event("c@p", day(6))))
    Occurrence.objects.filter(feed=served_feed).update(
        start=day(-40), end=day(-40) + datetime.timedelta(hours=2)
    )
    refresh_feed(served_feed, force=True)
    assert [r.external_uid for r in rows(served_feed)] == ["b@p", "c@p"]  # history kept


def test_not_modified_changes_nothing(served_feed, feed_server):
    calls = []

    def answer(request):
        calls.append(request.headers.get("If-None-Match"))
        if request.headers.get("If-None-Match") == '"v1"':
            return 304, b""
        return 200, ics(event("a@p", day(3)))

    feed_server.route("/feed.ics", body=answer, headers={"ETag": '"v1"'})
    refresh_feed(served_feed)
    (before,) = rows(served_feed)
    outcome = refresh_feed(served_feed, now=timezone.now() + datetime.timedelta(hours=7))
    assert outcome.ok and outcome.not_modified
    assert calls == [None, '"v1"']
    (after,) = rows(served_feed)
    assert after.updated_at == before.updated_at
    served_feed.refresh_from_db()
    assert served_feed.failures == 0


def test_a_broken_refresh_keeps_the_last_good_events_and_says_why(served_feed, feed_server):
    refresh_feed(served_feed)
    feed_server.route("/feed.ics", body="<html><body>メンテナンス中</body></html>".encode())
    outcome = refresh_feed(served_feed, force=True)
    assert not outcome.ok
    served_feed.refresh_from_db()
    assert "カレンダーのファイル（iCalendar 形式）ではありません" in served_feed.last_error
    assert served_feed.failures == 1
    assert [r.external_uid for r in rows(served_feed)] == ["a@p"]
    later = timezone.now() + datetime.timedelta(hours=13)
    assert served_feed.staleness(later) > datetime.timedelta(hours=12)
    assert served_feed.is_stale(later)


def test_one_broken_feed_never_stops_the_others(served_feed, feed_server, partner):
    broken = PartnerFeed.objects.create(
        name="壊れた配信",
        url=feed_server.route("/broken.ics", status=500),
        organisation=partner,
        enabled=True,
    )
    paused = PartnerFeed.objects.create(
        name="停止中",
        url=feed_server.route("/paused.ics", body=ics(event("p@p", day(2)))),
        organisation=partner,
        enabled=False,
    )
    outcomes = refresh_due_feeds()
    assert {o.feed.pk: o.ok for o in outcomes} == {broken.pk: False, served_feed.pk: True}
    assert rows(served_feed) and not rows(paused)
    broken.refresh_from_db()
    assert "HTTP 500" in broken.last_error
    # Not due again until the interval passes (twice as long after a failure).
    assert refresh_due_feeds() == []
    in_seven_hours = timezone.now() + datetime.timedelta(hours=7)
    assert [o.feed for o in refresh_due_feeds(now=in_seven_hours)] == [served_feed]


def test_a_feed_is_refreshed_by_one_runner_at_a_time(served_feed):
    stale = PartnerFeed.objects.get(pk=served_feed.pk)  # what a second runner loaded
    assert len(refresh_due_feeds()) == 1
    from events.importers.service import _claim

    assert not _claim(stale, timezone.now())


def test_events_of_a_disabled_feed_or_an_unpublished_partner_are_hidden(served_feed, partner):
    refresh_feed(served_feed)
    visible = Occurrence.objects.visible().filter(feed=served_feed)
    assert visible.count() == 1
    served_feed.enabled = False
    served_feed.save()
    assert visible.count() == 0
    served_feed.enabled = True
    served_feed.save()
    partner.unpublish()
    assert visible.count() == 0


def test_our_own_events_coming_back_are_left_out(served_feed, feed_server):
    feed_server.route(
        "/feed.ics",
        body=ics(
            event("a@p", day(3)),
            event("event-42@testserver", day(4), title="私たちの会"),
            event("event-42@testserver-2026-12-01", day(5), title="私たちの会"),
            event("event-42@elsewhere.example", day(6), title="よその会"),
        ),
    )
    outcome = refresh_feed(served_feed, force=True)
    assert [r.external_uid for r in rows(served_feed)] == ["a@p", "event-42@elsewhere.example"]
    assert [p.code for p in outcome.problems] == ["own_event"]
    served_feed.refresh_from_db()
    assert "二重には取り込みません" in served_feed.last_warnings


def test_the_task_refreshes_one_feed(served_feed):
    result = refresh_partner_feed.enqueue(served_feed.pk)
    assert "1 件の日程" in result.return_value
    assert len(rows(served_feed)) == 1


def test_the_parse_runs_in_a_child_process_by_default(served_feed, settings):
    settings.PARTNER_FEED_PARSE_IN_SUBPROCESS = True
    outcome = refresh_feed(served_feed)
    assert outcome.ok and len(rows(served_feed)) == 1


def test_the_wards_approval_imports_the_calendar_at_once(
    served_feed, client, django_capture_on_commit_callbacks
):
    """Enabling a proposed calendar in the admin fetches it right after the save, not at
    the next periodic run."""
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from home.partners import ensure_ward_staff

    served_feed.enabled = False
    served_feed.save()
    staff = get_user_model().objects.create_user("staff", "staff@example.jp", "pw")
    staff.groups.add(ensure_ward_staff())
    client.force_login(staff)
    data = {
        "name": served_feed.name,
        "url": served_feed.url,
        "organisation": served_feed.organisation_id,
        "refresh_minutes": 360,
        "enabled": "on",
    }
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(reverse("partner_feeds:edit", args=[served_feed.pk]), data)
    assert response.status_code == 302
    assert len(callbacks) >= 1
    assert [row.title for row in rows(served_feed)] == ["家族のつどい"]
    served_feed.refresh_from_db()
    assert served_feed.enabled and served_feed.last_success_at is not None
