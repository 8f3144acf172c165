"""One installation's side of the two-site test: its events (a weekly series with a moved
and a cancelled date, a cancelled single event, an all-day event and a plain one), the
partner calendar pointing at the other site, and what it shows. Used in-process for site
A and by ``site_b`` (a separate process with its own database) for site B."""

import datetime

from django.utils import timezone

import recurrence

from events.factories import publish_event
from events.models import EventException, EventPage, Occurrence, PartnerFeed
from events.schedules import TOKYO
from events.uids import is_own_uid


def next_weekday(weekday, after_days=3):
    day = timezone.now().astimezone(TOKYO).date() + datetime.timedelta(days=after_days)
    return day + datetime.timedelta(days=(weekday - day.weekday()) % 7)


def build_events(tree, prefix, weekday, hour):
    """``prefix`` tells the sites' events apart ("A", "B")."""
    first = next_weekday(weekday)
    weekly = publish_event(
        tree.ward,
        title=f"{prefix} 家族のつどい",
        slug=f"{prefix.lower()}-weekly",
        start_date=first,
        start_time=datetime.time(hour, 0),
        end_time=datetime.time(hour + 2, 0),
        recurrence=recurrence.deserialize("RRULE:FREQ=WEEKLY;COUNT=6"),
    )
    weekly.exceptions = [
        EventException(
            original_date=first + datetime.timedelta(weeks=1), kind="cancelled", reason="台風のため"
        ),
        EventException(
            original_date=first + datetime.timedelta(weeks=2),
            kind="moved",
            reason="会場の都合",
            new_date=first + datetime.timedelta(weeks=2, days=1),
            new_start_time=datetime.time(10, 0),
            new_end_time=datetime.time(11, 30),
        ),
    ]
    weekly.save_revision().publish()
    lecture = publish_event(
        tree.ward,
        title=f"{prefix} 講演会",
        slug=f"{prefix.lower()}-lecture",
        start_date=first + datetime.timedelta(days=10),
        start_time=datetime.time(18, 30),
        end_time=datetime.time(20, 0),
    )
    lecture.exceptions = [
        EventException(original_date=lecture.start_date, kind="cancelled", reason="講師急病")
    ]
    lecture.save_revision().publish()
    publish_event(
        tree.ward,
        title=f"{prefix} 休日相談",
        slug=f"{prefix.lower()}-holiday",
        start_date=first + datetime.timedelta(days=15),
        all_day=True,
        start_time=None,
        end_time=None,
    )
    publish_event(
        tree.ward,
        title=f"{prefix} 相談会",
        slug=f"{prefix.lower()}-consult",
        start_date=first + datetime.timedelta(days=20),
        start_time=datetime.time(13, 0),
        end_time=datetime.time(16, 0),
    )


def change_events(prefix):
    """Move one more date (and rename the series); withdraw the plain event."""
    weekly = EventPage.objects.get(slug=f"{prefix.lower()}-weekly")
    weekly.title = f"{prefix} 家族のつどい（会場変更あり）"
    fourth = weekly.start_date + datetime.timedelta(weeks=3)
    weekly.exceptions.add(
        EventException(
            original_date=fourth,
            kind="moved",
            reason="時間変更",
            new_start_time=datetime.time(16, 0),
        )
    )
    weekly.save_revision().publish()
    EventPage.objects.get(slug=f"{prefix.lower()}-consult").unpublish()


def subscribe(tree, url):
    organisation = tree.family
    organisation.save_revision().publish()
    return PartnerFeed.objects.create(
        name="連携自治体のカレンダー",
        url=url,
        organisation=organisation,
        enabled=True,
        include_in_our_feeds=True,
        approved_at=timezone.now(),
    )


def _row(occurrence, uid):
    return {
        "uid": uid,
        "start": occurrence.start.astimezone(TOKYO).isoformat(),
        "end": occurrence.end.astimezone(TOKYO).isoformat(),
        "all_day": occurrence.all_day,
        "status": occurrence.status,
        "title": occurrence.display_title,
        "recurring": bool(occurrence.event_id and occurrence.event.recurrence),
    }


def shown():
    """What this site shows: its own dates and the imported ones, and its feed's state."""
    from events.uids import event_uid

    visible = Occurrence.objects.visible().select_related("event")
    own = [_row(o, event_uid(o.event)) for o in visible.filter(event__isnull=False)]
    imported = [_row(o, o.external_uid) for o in visible.filter(event__isnull=True)]
    feed = PartnerFeed.objects.first()
    return {
        "own": own,
        "imported": imported,
        "own_uids_imported": [r["uid"] for r in imported if is_own_uid(r["uid"])],
        "feed": {"error": feed.last_error, "warnings": feed.last_warnings} if feed else None,
    }
