"""What a feed reads about its events and their dates, in a few queries and without model
instances, and the key under which each event's VEVENT text is cached.

An ``EventPage`` instance costs about six times its bare values (a page model has a hundred
fields and a modelcluster), and a feed of a thousand events has forty thousand dates. So
events are read with ``values_list`` into ``EventFacts``, and rows into tuples, then
``FeedRow`` for the few that become VEVENTs of their own. Both borrow the models' own
properties (the audience's wording, the reassurance badges, where a date takes place), so
each rule stays written once, on the model.

An event's text depends only on its facts (every value read here), on its rows in the
window, and on the site's address. The window moves a whole day at a time, and rows change
only through ``events.occurrences``, which stamps the event's ``rows_changed_at`` with each
change; so that stamp and the number of the event's rows in the window (counted by the
database in one grouped query on the (event, start) index) tell whether any of them
changed. The key is a digest of all of that and of the day: a rebuild after one event
changed writes that one event.
"""

import datetime
import hashlib
from dataclasses import dataclass
from functools import cached_property

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Count, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from ..models import EventPage, Occurrence

FORMAT = "1"  # part of every key: change it when the text of a VEVENT changes form

# The page's own fields that the borrowed properties and ``vevents`` read.
EVENT_FIELDS = (
    "pk",
    "title",
    "summary",
    "url_path",
    "last_published_at",
    "latest_revision_created_at",
    "audience",
    "women_only",
    "mothers_only",
    "all_municipalities_welcome",
    "join_late_leave_early",
    "no_need_to_talk",
    "camera_off_ok",
    "anonymous_ok",
    "booking_mode",
    "attendance_mode",
    "venue_name",
    "venue_address",
    "fee",
    "start_date",
    "end_date",
    "start_time",
    "end_time",
    "all_day",
    "skip_public_holidays",
    "skip_year_end",
    "only_weekends_and_holidays",
)
# Read beside them: the rule as stored (parsed only when the text is built), the category's
# name, the host's name, address and path, and the SEQUENCE.
RELATED_FIELDS = (
    "rule_text",
    "category__name",
    "host_id",
    "host__title",
    "host__email",
    "host__url_path",
    "feed_state__sequence",
    "rows_changed_text",
)
ROW_FIELDS = (
    "event_id",
    "original_date",
    "start",
    "end",
    "all_day",
    "status",
    "note",
    "venue_name",
    "venue_address",
)
IMPORTED_FIELDS = (
    "pk",
    "external_uid",
    "external_recurrence_id",
    "title",
    "description",
    "start",
    "end",
    "all_day",
    "status",
    "venue_name",
    "url",
    "updated_at",
    "feed__category__name",
    "feed__organisation__title",
    "feed__organisation__url_path",
    "feed__organisation__website",
)
_RECURRENCE = EventPage._meta.get_field("recurrence")
_LAST_PUBLISHED = EVENT_FIELDS.index("last_published_at")
_AS_TEXT = ("last_published_at", "latest_revision_created_at")
UTC = datetime.UTC


def _moment(text):
    return None if text is None else moment(text)


class HostFacts:
    __slots__ = ("title", "email", "url_path")

    def __init__(self, title, email, url_path):
        self.title, self.email, self.url_path = title, email, url_path


class EventFacts:
    """An event as the feeds read it: its values, with the event page's properties."""

    __slots__ = (*EVENT_FIELDS, "rule_text", "category_name", "host", "sequence", "_rule")

    get_audience_display = EventPage.__dict__["get_audience_display"]
    audience_label = EventPage.audience_label
    audience_rules = EventPage.audience_rules
    reassurances = EventPage.reassurances
    location_text = EventPage.location_text
    is_free = EventPage.is_free
    schedule = EventPage.schedule

    def __init__(self, values):
        for name, value in zip(EVENT_FIELDS, values, strict=False):
            setattr(self, name, value)
        # Read as text (see ``event_values``).
        self.last_published_at = _moment(self.last_published_at)
        self.latest_revision_created_at = _moment(self.latest_revision_created_at)
        rule_text, self.category_name, host_id, title, email, url_path, sequence, _rows = values[
            len(EVENT_FIELDS) :
        ]
        self.rule_text = rule_text
        self.host = HostFacts(title, email, url_path) if host_id is not None else None
        self.sequence = sequence or 0

    @property
    def recurrence(self):
        try:
            return self._rule
        except AttributeError:
            self._rule = _RECURRENCE.to_python(self.rule_text)
            return self._rule

    @property
    def stamp(self):
        """DTSTAMP and LAST-MODIFIED: the last publish, so the same data gives the same
        bytes."""
        return self.last_published_at or self.latest_revision_created_at or timezone.now()


class FeedRow:
    """One ``Occurrence`` row that becomes a VEVENT: its venue is the row's own when it
    was moved, else its event's (``Occurrence``'s rule, borrowed)."""

    __slots__ = (*ROW_FIELDS, "event")

    location_text = Occurrence.location_text
    venue_name_shown = Occurrence.venue_name_shown
    venue_address_shown = Occurrence.venue_address_shown
    attendance_mode = Occurrence.attendance_mode

    def __init__(self, event, values):
        self.event = event
        (
            self.event_id,
            self.original_date,
            start,
            end,
            self.all_day,
            self.status,
            self.note,
            self.venue_name,
            self.venue_address,
        ) = values
        self.start, self.end = moment(start), moment(end)


class ImportedRow:
    """A date imported from a partner's feed, with what its VEVENT needs of the feed."""

    __slots__ = tuple(name.replace("feed__", "").replace("__", "_") for name in IMPORTED_FIELDS)

    def __init__(self, values):
        for name, value in zip(self.__slots__, values, strict=True):
            setattr(self, name, value)


def row_groups(rows):
    """``{event id: number of its rows}``, counted by the database."""
    return dict(rows.order_by().values_list("event_id").annotate(Count("pk")))


def event_values(ids):
    """``{event id: values}`` for ``EventFacts`` (and for the keys), one query. The rule and
    the two datetimes come as text: parsed only for the events written (the others need
    them only in their key), and PostgreSQL's datetime loader is slow (``rows_of``)."""
    as_text = {name: Cast(name, TextField()) for name in _AS_TEXT}
    columns = [f"{name}_text" if name in _AS_TEXT else name for name in EVENT_FIELDS]
    values = (
        EventPage.objects.filter(pk__in=ids)
        .annotate(
            rule_text=Cast("recurrence", TextField()),
            rows_changed_text=Cast("feed_state__rows_changed_at", TextField()),
        )
        .annotate(**{f"{name}_text": expression for name, expression in as_text.items()})
        .values_list(*columns, *RELATED_FIELDS)
    )
    return {row[0]: row for row in driver_rows(values)}


def last_changed(values):
    """When the event or its dates last changed (for Last-Modified)."""
    return max(filter(None, (_moment(values[_LAST_PUBLISHED]), _moment(values[-1]))), default=None)


@dataclass(frozen=True)
class KeyScope:
    """What every event's text in a feed shares: the site and the day's window."""

    site: object
    window: tuple

    @cached_property
    def prefix(self):
        facts = (FORMAT, self.site.base_url, self.site.root_path, *self.window)
        return hashlib.sha256(repr(facts).encode()).hexdigest()[:16]


def text_key(scope, values, group):
    """The cache key of an event's VEVENT text: a digest of everything it is made of."""
    digest = hashlib.sha256(repr((values, group)).encode()).hexdigest()[:40]
    return f"feed-vevent:{scope.prefix}:{values[0]}:{digest}"


def rows_of(rows, event_ids, all_events):
    """``{event id: [row tuples]}`` ordered by start, for ``event_ids`` (or for every event
    when ``all_events``: one query either way). The start and end come as text (read them
    with ``moment``): a large feed has eighty thousand of them, and the drivers' datetime
    conversions (Django's own on top of the driver's, a Python loader on PostgreSQL) would
    cost more than writing the whole feed; ``datetime.fromisoformat`` reads them at a
    tenth of that."""
    if not all_events:
        rows = rows.filter(event_id__in=event_ids)
    rows = rows.annotate(start_text=Cast("start", TextField()), end_text=Cast("end", TextField()))
    columns = [{"start": "start_text", "end": "end_text"}.get(name, name) for name in ROW_FIELDS]
    by_event = {}
    for values in driver_rows(rows.order_by("event_id", "start", "pk").values_list(*columns)):
        by_event.setdefault(values[0], []).append(values)
    return by_event


def moment(text):
    """A datetime that the database gave as ISO text: PostgreSQL writes its offset (Django
    keeps sessions in UTC and the ISO date style); SQLite stores UTC without one."""
    value = datetime.datetime.fromisoformat(text)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def driver_rows(queryset):
    """The rows of a ``values_list`` queryset as the database driver returns them: no
    second conversion by Django of what the driver has converted already (datetimes are
    selected as text, read with ``moment``)."""
    try:
        sql, params = queryset.query.get_compiler(queryset.db).as_sql()
    except EmptyResultSet:  # e.g. ``pk__in=[]``
        return []
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def imported_rows(rows):
    """Dates imported from partners' feeds (no page of ours), in order."""
    values = rows.order_by("start", "pk").values_list(*IMPORTED_FIELDS)
    return [ImportedRow(v) for v in values]
