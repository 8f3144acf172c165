"""Record models: categories, the materialised occurrences that the calendar, feeds and
bookings read, and the feed bookkeeping. They know event pages only by a lazy reference
("events.EventPage"), so nothing here imports the page layer."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet

from home.text import single_line_errors

from ..choices import (
    CATEGORY_COLOURS,
    AttendanceMode,
    OccurrenceReading,
    OccurrenceStatus,
    location_text,
)
from ..schedule_text import format_range_ja
from ..schedules import planned_time


class EventCategory(models.Model):
    """A kind of event: 合同相談会, 家族交流会, 講演会, … (snippet)."""

    name = models.CharField(_("name (Japanese)"), max_length=60)
    name_en = models.CharField(_("name (English)"), max_length=60)
    slug = models.SlugField(_("slug"), max_length=60, unique=True, allow_unicode=False)
    colour = models.CharField(_("colour"), max_length=20, choices=CATEGORY_COLOURS)
    icon = models.CharField(
        _("icon"), max_length=4, blank=True, help_text=_("One emoji or symbol, e.g. ☕")
    )
    description = models.CharField(_("description"), max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    panels = [
        FieldPanel("name"),
        FieldPanel("name_en"),
        FieldPanel("slug"),
        FieldPanel("colour"),
        FieldPanel("icon"),
        FieldPanel("description"),
        FieldPanel("sort_order"),
    ]

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("event category")
        verbose_name_plural = _("event categories")

    def __str__(self):
        return self.display_name

    def clean(self):
        super().clean()
        if errors := single_line_errors(self):
            raise ValidationError(errors)

    @property
    def display_name(self):
        """The name in the visitor's language (Japanese unless the interface is English)."""
        if translation.get_language() == "en" and self.name_en:
            return self.name_en
        return self.name


register_snippet(EventCategory)


LONGEST_EVENT = datetime.timedelta(days=31)


# Imported rows: only while their partner calendar is enabled and its owner live.
_IMPORTED = models.Q(event__isnull=True, feed__enabled=True, feed__organisation__live=True)


def _visible_event(prefix):
    """Live, public event pages of live hosts, as a condition on ``<prefix>`` fields.
    Privacy restrictions (one small query) become path prefixes to exclude, as
    ``PageQuerySet.public()`` does."""
    from wagtail.models import PageViewRestriction

    visible = models.Q(**{f"{prefix}live": True, f"{prefix}host__live": True})
    for restricted in PageViewRestriction.objects.values_list("page__path", flat=True):
        visible &= ~models.Q(**{f"{prefix}path__startswith": restricted})
    return visible


class OccurrenceQuerySet(models.QuerySet):
    def visible(self):
        """Occurrences of live, public events whose host organisation is live, and imported
        ones. Written as join conditions (not ``event IN (subquery)``) so the database can
        walk the ``start`` index and stop after one page of rows."""
        return self.filter(_visible_event("event__") | _IMPORTED)

    def of_visible_events(self):
        """The dates of the events ``visible()`` shows (not imported ones), said event by
        event (``event IN (…)``): for reading whole events' dates, as the feeds do, the
        database then walks the (event, start) index instead of joining four tables for
        each of forty thousand rows."""
        events = self.model._meta.get_field("event").related_model._default_manager
        return self.filter(event__in=events.filter(_visible_event("")).values("pk"))

    def imported(self):
        """Dates imported from partners' feeds (no page of ours) that may be shown: their
        calendar is enabled and its organisation live."""
        return self.filter(_IMPORTED)

    def upcoming(self, now=None):
        """Not yet ended. The lower bound on ``start`` lets the index do the work; an
        event longer than ``LONGEST_EVENT`` that started earlier is not listed."""
        now = now or timezone.now()
        return self.filter(end__gt=now, start__gte=now - LONGEST_EVENT)

    def for_listing(self):
        return self.select_related(
            "event", "event__category", "event__host", "feed__organisation", "feed__category"
        ).prefetch_related("event__co_hosts")


class Occurrence(OccurrenceReading, models.Model):
    """One concrete date of an event, materialised for a rolling horizon.

    The calendar, the feeds and bookings read this table. Rows come from an event page's
    schedule (``event`` set) or from an imported partner calendar (``feed`` set, keyed by
    the partner's UID and RECURRENCE-ID, with the title, link and place stored on the
    row). Rows that anything refers to (e.g. bookings) are never deleted: they are marked
    cancelled.
    """

    event = models.ForeignKey(
        "events.EventPage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="occurrences",
    )
    source = models.CharField(
        _("source"),
        max_length=100,
        default="page",
        help_text=_("'page' for our own events, or the partner feed it was imported from."),
    )
    feed = models.ForeignKey(
        "events.PartnerFeed",
        verbose_name=_("partner calendar"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="occurrences",
    )
    external_uid = models.CharField(max_length=255, blank=True)
    # The partner's RECURRENCE-ID of this date ("" for a single event), see importers.parse.
    external_recurrence_id = models.CharField(max_length=40, blank=True)
    original_date = models.DateField(_("date in the schedule"))
    start = models.DateTimeField(_("start"), db_index=True)
    end = models.DateTimeField(_("end"))
    all_day = models.BooleanField(_("all day"), default=False)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=OccurrenceStatus.choices,
        default=OccurrenceStatus.SCHEDULED,
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    # Set when a date was moved to another venue, or for imported events.
    venue_name = models.CharField(_("venue"), max_length=120, blank=True)
    venue_address = models.CharField(_("venue address"), max_length=200, blank=True)
    title = models.CharField(
        _("title"), max_length=255, blank=True, help_text=_("For imported events")
    )
    url = models.URLField(_("link"), max_length=500, blank=True)
    description = models.TextField(_("description"), blank=True, help_text=_("For imported events"))
    # Registration state of this date (settings come from the event).
    registration_closed = models.BooleanField(_("registration closed by staff"), default=False)
    lottery_drawn_at = models.DateTimeField(_("lottery drawn"), null=True, blank=True)
    lottery_log = models.TextField(_("lottery record"), blank=True)
    # Set when the date has been added to the statistics' counters (OccurrenceCounter);
    # until then the statistics count it from this table. Also set on a row created after
    # its date had ended (a schedule changed after the fact): that date was never
    # announced, so it is never counted as held.
    counted = models.BooleanField(_("counted in the statistics"), default=False, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OccurrenceQuerySet.as_manager()
    wagtail_reference_index_ignore = True  # thousands of rows, nothing to report

    class Meta:
        ordering = ["start"]
        verbose_name = _("occurrence")
        verbose_name_plural = _("occurrences")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "original_date"],
                condition=models.Q(event__isnull=False),
                name="one_occurrence_per_event_date",
            ),
            models.UniqueConstraint(
                fields=["feed", "external_uid", "external_recurrence_id"],
                condition=models.Q(feed__isnull=False),
                name="one_occurrence_per_feed_uid_recurrence",
            ),
        ]
        indexes = [models.Index(fields=["event", "start"])]
        permissions = [
            ("view_booking_audit", _("Can see who viewed or exported booking lists")),
        ]

    def __str__(self):
        return f"{self.display_title} {self.local_start:%Y-%m-%d %H:%M}"

    @property
    def display_title(self):
        return self.event.title if self.event_id else self.title

    # The venue of this date: a date moved to another venue carries its own name and
    # address; otherwise the event's. The one place where that rule is written.
    @property
    def venue_name_shown(self):
        if self.venue_name or not self.event_id:
            return self.venue_name
        return self.event.venue_name

    @property
    def venue_address_shown(self):
        if self.venue_name or not self.event_id:
            return self.venue_address
        return self.event.venue_address

    @property
    def attendance_mode(self):
        return self.event.attendance_mode if self.event_id else AttendanceMode.IN_PERSON

    @property
    def location_text(self):
        """「区民ひろば、豊島区…」, 「オンライン」 … for pages, feeds and mails."""
        return location_text(self.attendance_mode, self.venue_name_shown, self.venue_address_shown)

    def changes(self):
        """What a move changed, as ``[(what, before, after)]`` rows (「日時」, 「会場」): the
        time the schedule gave this date and the event's usual venue, against this date's."""
        if not self.is_moved or not self.event_id:
            return []
        event = self.event
        rows = []
        planned = planned_time(event.schedule, self.original_date)
        if (planned.start, planned.end) != (self.start, self.end):
            rows.append(
                (
                    _("Date and time"),
                    format_range_ja(planned.start, planned.end, planned.all_day),
                    format_range_ja(self.start, self.end, self.all_day),
                )
            )
        if self.venue_name and self.attendance_mode != AttendanceMode.ONLINE:
            rows.append((_("Venue"), event.location_text, self.location_text))
        return rows

    def get_url(self, request=None):
        """Our page for the date; for an imported date, the partner's own page for the
        event (http/https only, checked on import) or else the partner's site."""
        if self.event_id:
            return self.event.occurrence_url(self, request)
        if self.url or not self.feed_id:
            return self.url
        return self.feed.partner_url


class EventFeedState(models.Model):
    """What calendar clients need to know across publishes: the iCalendar SEQUENCE, bumped
    when the event's time or place changes, and when the event's dates last changed. Kept
    outside the page so revisions cannot roll it back."""

    event = models.OneToOneField(
        "events.EventPage", on_delete=models.CASCADE, primary_key=True, related_name="feed_state"
    )
    sequence = models.PositiveIntegerField(default=0)
    fingerprint = models.CharField(max_length=64)
    # Set by ``events.occurrences`` whenever it creates, changes, cancels or removes one of
    # the event's ``Occurrence`` rows: feeds know by it which events to write again.
    rows_changed_at = models.DateTimeField(null=True, blank=True, editable=False)

    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("calendar feed state")
        verbose_name_plural = _("calendar feed states")

    def __str__(self):
        return f"{self.event_id}: SEQUENCE {self.sequence}"
