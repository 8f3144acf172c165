"""Storing a parsed partner calendar in the ``Occurrence`` table: rows keyed by (feed,
UID, RECURRENCE-ID) are created, updated or deleted in one transaction per feed, so the
calendar never shows half of a refresh. Our own events coming back through a partner's
calendar (it re-published them) are recognised by their UID and left out."""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from ..choices import OccurrenceStatus
from ..models.records import Occurrence
from ..schedules import TOKYO
from ..uids import is_own_uid
from .parse import Problem
from .signals import partner_events_changed

FIELDS = (
    "original_date",
    "start",
    "end",
    "all_day",
    "status",
    "title",
    "description",
    "venue_name",
    "url",
)
# Status marks our own feeds put in front of titles (and the calendar shows from status).
TITLE_MARKS = ("【中止】", "【変更】")
KEEP_PAST = datetime.timedelta(days=400)  # imported rows kept behind today, as for our own


@dataclass
class Stored:
    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    own: int = 0  # our own events seen in the partner's calendar and left out

    @property
    def changed(self):
        return bool(self.created or self.updated or self.deleted)

    @property
    def total(self):
        return self.created + self.updated + self.unchanged


def store(feed, occurrences, window_start, now, problems=None, state=None) -> Stored:
    """Make ``feed``'s rows in ``[window_start, …)`` exactly ``occurrences``
    (``ParsedOccurrence`` items). Rows that ended before the window are history and stay
    (up to ``KEEP_PAST``). ``problems`` gets a line for our own events left out; ``state``
    (fields of the feed) is saved in the same transaction, with ``event_count``."""
    from .models import PartnerFeed

    stored = Stored()
    with transaction.atomic():
        PartnerFeed.objects.select_for_update().filter(pk=feed.pk).first()
        # Every row of the feed, history included: a date that comes back into the window
        # (an event moved from the past to the future) reuses its row.
        existing = {
            (row.external_uid, row.external_recurrence_id): row
            for row in Occurrence.objects.filter(feed=feed)
        }
        to_create, to_update, seen = [], [], set()
        for item in occurrences:
            if is_own_uid(item.uid):
                stored.own += 1
                continue
            key = (item.uid, item.recurrence_id)
            if key in seen:  # the same date twice (e.g. in two VCALENDARs): the first counts
                continue
            seen.add(key)
            values = row_values(item)
            row = existing.pop(key, None)
            if row is None:
                to_create.append(
                    Occurrence(
                        feed=feed,
                        source="feed",
                        external_uid=item.uid,
                        external_recurrence_id=item.recurrence_id,
                        updated_at=now,
                        **values,
                    )
                )
            elif any(getattr(row, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(row, name, value)
                row.updated_at = now
                to_update.append(row)
            else:
                stored.unchanged += 1
        Occurrence.objects.bulk_create(to_create, batch_size=500)
        Occurrence.objects.bulk_update(to_update, [*FIELDS, "updated_at"], batch_size=500)
        gone = [row.pk for row in existing.values() if row.end > window_start]
        old = Occurrence.objects.filter(feed=feed, end__lt=min(window_start, now - KEEP_PAST))
        stored.deleted = Occurrence.objects.filter(pk__in=gone).delete()[0] + old.delete()[0]
        stored.created, stored.updated = len(to_create), len(to_update)
        state = {**(state or {}), "event_count": stored.total}
        if stored.changed:
            state["last_changed_at"] = now
        PartnerFeed.objects.filter(pk=feed.pk).update(**state)
        for name, value in state.items():
            setattr(feed, name, value)
        if stored.changed:
            transaction.on_commit(lambda: partner_events_changed.send(PartnerFeed, feed=feed))
    if stored.own and problems is not None:
        problems.append(Problem("own_event", detail=str(stored.own)))
    return stored


def row_values(item) -> dict:
    """The ``Occurrence`` fields of one parsed date."""
    if item.all_day:
        start = datetime.datetime.combine(item.start, datetime.time(0, 0), tzinfo=TOKYO)
        end = datetime.datetime.combine(item.end, datetime.time(0, 0), tzinfo=TOKYO)
    else:
        start, end = item.start, item.end
    if item.cancelled:
        status = OccurrenceStatus.CANCELLED
    elif item.moved:
        status = OccurrenceStatus.MOVED
    else:
        status = OccurrenceStatus.SCHEDULED
    return {
        "original_date": item.original_date,
        "start": start,
        "end": end,
        "all_day": item.all_day,
        "status": status,
        "title": clean_title(item.title),
        "description": item.description,
        "venue_name": item.location[:120],
        "url": item.url[:500],
    }


def clean_title(title):
    for mark in TITLE_MARKS:
        if title.startswith(mark):
            title = title[len(mark) :].lstrip()
    return title[:255] or _("(untitled)")
