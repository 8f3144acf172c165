"""Materialised occurrences: an event's schedule and its per-date changes, written to the
``Occurrence`` table for a rolling horizon.

The calendar, feeds and bookings only ever read that table. Rows that other records point
at (bookings) are never deleted: when the schedule no longer gives their date, or the event
is withdrawn, they are marked cancelled and returned as ``changed``, so the publishing
pipeline can tell the people concerned. This module knows nothing of bookings.
"""

import datetime
from dataclasses import dataclass, field, replace

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .choices import ExceptionKind, OccurrenceReading, OccurrenceStatus
from .models.records import EventFeedState, Occurrence
from .schedules import TOKYO, OccurrenceTime, expand

HISTORY = datetime.timedelta(days=400)  # rows kept (and refreshed) behind today


def horizon_days():
    return getattr(settings, "OCCURRENCE_HORIZON_DAYS", 550)  # about 18 months


@dataclass(frozen=True)
class PlannedOccurrence(OccurrenceReading):
    """One date as it will be shown: the rule's time with its exception applied."""

    original_date: datetime.date
    start: datetime.datetime
    end: datetime.datetime
    all_day: bool
    status: str = OccurrenceStatus.SCHEDULED
    note: str = ""
    venue_name: str = ""
    venue_address: str = ""


def apply_exceptions(times: list[OccurrenceTime], exceptions) -> list[PlannedOccurrence]:
    """Apply per-date changes (cancel, move, note) to the schedule's occurrences.

    ``exceptions`` are objects with ``original_date``, ``kind``, ``reason`` and the
    ``new_*`` fields (``EventException`` rows). A change for a date the schedule does not
    give is ignored. Result sorted by (new) start.
    """
    by_date = {e.original_date: e for e in exceptions}
    planned = []
    for time in times:
        item = PlannedOccurrence(time.original_date, time.start, time.end, time.all_day)
        change = by_date.get(time.original_date)
        if change is not None:
            if change.kind == ExceptionKind.CANCELLED:
                item = replace(item, status=OccurrenceStatus.CANCELLED, note=change.reason)
            elif change.kind == ExceptionKind.MOVED:
                item = _moved(item, change)
            elif change.kind == ExceptionKind.NOTE:
                item = replace(item, note=change.reason)
        planned.append(item)
    planned.sort(key=lambda p: (p.start, p.original_date))
    return planned


def _moved(item: PlannedOccurrence, change) -> PlannedOccurrence:
    start_local = item.start.astimezone(TOKYO)
    duration = item.end - item.start
    new_date = change.new_date or start_local.date()
    if item.all_day:
        start = datetime.datetime.combine(new_date, datetime.time(0, 0), tzinfo=TOKYO)
        end = start + duration
    else:
        new_time = change.new_start_time or start_local.timetz().replace(tzinfo=None)
        start = datetime.datetime.combine(new_date, new_time, tzinfo=TOKYO)
        if change.new_end_time:
            end = datetime.datetime.combine(new_date, change.new_end_time, tzinfo=TOKYO)
            if end <= start:
                end += datetime.timedelta(days=1)
        else:
            end = start + duration
    return replace(
        item,
        start=start,
        end=end,
        status=OccurrenceStatus.MOVED,
        note=change.reason,
        venue_name=change.new_venue_name,
        venue_address=change.new_venue_address,
    )


def planned_occurrences(event, window_start, window_end) -> list[PlannedOccurrence]:
    """What the event's schedule and exceptions give in the window (no database writes)."""
    times = expand(event.schedule, window_start, window_end)
    return apply_exceptions(times, list(event.exceptions.all()))


def is_referenced(occurrence) -> bool:
    """True when any other record points at this occurrence (e.g. a booking).

    Looked up through every reverse relation, so a new kind of record (bookings, check-ins)
    protects its occurrences without changes here.
    """
    for relation in type(occurrence)._meta.related_objects:
        manager = relation.related_model._default_manager
        if manager.filter(**{relation.field.name: occurrence}).exists():
            return True
    return False


FIELDS = ("start", "end", "all_day", "status", "note", "venue_name", "venue_address")


@dataclass
class Materialised:
    """What ``materialise`` did: counts, and the rows whose time, place or status changed
    (the people booked on them are to be told)."""

    created: int = 0
    updated: int = 0
    removed: int = 0
    cancelled: int = 0
    changed: list = field(default_factory=list)

    def __iter__(self):
        return iter((self.created, self.updated, self.removed, self.cancelled))


@transaction.atomic
def materialise(event, now=None) -> Materialised:
    """Bring ``event``'s occurrence rows in line with its schedule up to the horizon.

    Past rows older than ``HISTORY`` are left as they were.
    """
    now = now or timezone.now()
    window_start = max(
        datetime.datetime.combine(event.start_date, datetime.time(0, 0), tzinfo=TOKYO),
        now - HISTORY,
    )
    window_end = now + datetime.timedelta(days=horizon_days())
    planned = {p.original_date: p for p in planned_occurrences(event, window_start, window_end)}
    # Rows from the whole refreshed period, including dates before a start date that was
    # moved later: those must be retired too.
    first_date = (now - HISTORY).astimezone(TOKYO).date()
    existing = {
        o.original_date: o
        for o in Occurrence.objects.select_for_update().filter(
            event=event, original_date__gte=first_date
        )
    }
    to_create, to_update = [], []
    for date, plan in planned.items():
        row = existing.pop(date, None)
        values = {name: getattr(plan, name) for name in FIELDS}
        if row is None:
            # A date that has already ended when it first appears was never announced
            # (a schedule changed after the fact): it is not counted as held.
            settled = plan.end <= now
            to_create.append(Occurrence(event=event, original_date=date, counted=settled, **values))
        elif any(getattr(row, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(row, name, value)
            to_update.append(row)
    with translation.override(settings.LANGUAGE_CODE):
        reason = _("The schedule changed.")
    result = _retire(existing.values(), reason)
    Occurrence.objects.bulk_create(to_create)
    if to_update:
        # When the row was written (``bulk_update`` skips auto_now), not the ``now`` the
        # dates were computed for: feeds tell changed rows by it (``events.feeds.facts``).
        written = timezone.now()
        for row in to_update:
            row.updated_at = written
        Occurrence.objects.bulk_update(to_update, [*FIELDS, "updated_at"])
    result.created, result.updated = len(to_create), len(to_update)
    result.changed = [*to_update, *result.changed]
    _note_change(event, result)
    return result


def _note_change(event, result):
    """Stamp the event's ``rows_changed_at`` when any of its rows changed."""
    if any(result):
        EventFeedState.objects.filter(event=event).update(rows_changed_at=timezone.now())


def _retire(rows, reason, keep_title=False) -> Materialised:
    """Delete rows nobody refers to; mark the others cancelled (never lose a booking)."""
    result = Materialised()
    delete_ids = []
    for row in rows:
        if is_referenced(row):
            row.status = OccurrenceStatus.CANCELLED
            row.note = reason
            if keep_title and row.event_id:
                row.title = row.event.title
            row.save(update_fields=["status", "note", "title", "updated_at"])
            result.changed.append(row)
        else:
            delete_ids.append(row.pk)
    Occurrence.objects.filter(pk__in=delete_ids).delete()
    result.removed, result.cancelled = len(delete_ids), len(result.changed)
    return result


@transaction.atomic
def withdraw(event, reason=None, keep_title=False) -> Materialised:
    """The event was unpublished or deleted: its dates leave the calendar."""
    rows = list(Occurrence.objects.select_for_update().filter(event=event))
    with translation.override(settings.LANGUAGE_CODE):
        reason = reason or _("This event has been withdrawn.")
    result = _retire(rows, reason, keep_title=keep_title)
    _note_change(event, result)
    return result
