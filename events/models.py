"""Events: categories, event pages with their schedules, per-date exceptions, and the
materialised occurrences that the calendar, feeds and bookings read."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.shortcuts import redirect
from django.utils import timezone, translation
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index
from wagtail.snippets.models import register_snippet

from modelcluster.fields import ParentalKey, ParentalManyToManyField
from recurrence.fields import RecurrenceField

from home.blocks import BaseStreamBlock
from home.page_scope import DraftTitleScopeMixin

from .bookings.models import (  # noqa: F401  (registered with the app here)
    AppointmentSlot,
    AttendanceCounter,
    Booking,
    BookingMode,
    OutgoingMail,
)
from .forms import EventPageForm
from .panels import NextOccurrencesPanel
from .schedules import TOKYO, Schedule

# CSS colour names only: calendar clients take COLOR as a CSS3 colour name (RFC 7986).
CATEGORY_COLOURS = [
    ("teal", _("Teal")),
    ("darkorange", _("Orange")),
    ("mediumvioletred", _("Pink")),
    ("orchid", _("Orchid")),
    ("steelblue", _("Blue")),
    ("seagreen", _("Green")),
    ("slateblue", _("Purple")),
    ("sienna", _("Brown")),
    ("dimgray", _("Grey")),
]


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

    @property
    def display_name(self):
        """The name in the visitor's language (Japanese unless the interface is English)."""
        if translation.get_language() == "en" and self.name_en:
            return self.name_en
        return self.name


register_snippet(EventCategory)


class Audience(models.TextChoices):
    SELF = "self", _("People who are withdrawn themselves")
    FAMILY = "family", _("Families")
    SUPPORTERS = "supporters", _("Supporters")
    ANYONE = "anyone", _("Anyone")


class AttendanceMode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    HYBRID = "hybrid", _("In person and online")


class EventIndexPage(RoutablePageMixin, Page):
    """/events/: the calendar of every live event, whoever hosts it.

    Events live under their organisation (``/partners/<org>/<event>/``); this page
    aggregates their occurrences: the upcoming list, a month grid and filters.
    """

    intro = models.TextField(_("introduction"), blank=True, max_length=600)

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    parent_page_types = ["home.HomePage"]
    subpage_types = []
    max_count = 1

    class Meta:
        verbose_name = _("event index page")
        verbose_name_plural = _("event index pages")

    @path("")
    def upcoming(self, request):
        from .views import upcoming_view

        return upcoming_view(request, self)

    @path("month/<int:year>-<int:month>/")
    def month(self, request, year, month):
        from .views import month_view

        return month_view(request, self, year, month)


class EventPage(DraftTitleScopeMixin, RoutablePageMixin, Page):
    """One event (or series of events), hosted by the organisation it sits under."""

    category = models.ForeignKey(
        EventCategory,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="events",
        null=True,
    )
    summary = models.TextField(
        _("summary"),
        max_length=300,
        help_text=_("Two or three calm sentences: what it is and who it is for."),
    )
    body = StreamField(BaseStreamBlock(), blank=True, verbose_name=_("body"))
    what_happens = RichTextField(
        _("what will happen"),
        blank=True,
        features=["bold", "ol", "ul", "link"],
        help_text=_("The flow of the day, so nobody meets a surprise."),
    )
    # The host is the parent organisation; kept here too so lists need no tree look-ups.
    host = models.ForeignKey(
        "home.OrganisationPage",
        verbose_name=_("host organisation"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="hosted_events",
    )
    co_hosts = ParentalManyToManyField(
        "home.OrganisationPage",
        verbose_name=_("co-host organisations"),
        blank=True,
        related_name="co_hosted_events",
    )

    audience = models.CharField(
        _("who it is for"), max_length=20, choices=Audience.choices, default=Audience.ANYONE
    )
    women_only = models.BooleanField(_("women only"), default=False)
    mothers_only = models.BooleanField(_("mothers only"), default=False)
    all_municipalities_welcome = models.BooleanField(
        _("residents of any municipality welcome"), default=True
    )

    # Reassurance, shown as badges.
    join_late_leave_early = models.BooleanField(_("come late or leave early"), default=True)
    no_need_to_talk = models.BooleanField(_("no need to talk"), default=True)
    camera_off_ok = models.BooleanField(_("camera off is fine"), default=False)
    anonymous_ok = models.BooleanField(_("anonymous is fine"), default=True)

    attendance_mode = models.CharField(
        _("how to attend"),
        max_length=20,
        choices=AttendanceMode.choices,
        default=AttendanceMode.IN_PERSON,
    )
    # Never shown on public pages or feeds: only to people with a confirmed booking.
    meeting_link = models.URLField(
        _("online meeting link (private)"),
        blank=True,
        help_text=_("Only shown to people with a confirmed booking, never on public pages."),
    )
    venue_name = models.CharField(_("venue"), max_length=120, blank=True)
    venue_address = models.CharField(_("venue address"), max_length=200, blank=True)
    venue_access = models.TextField(
        _("how to get there"),
        max_length=600,
        blank=True,
        help_text=_("Nearest station and directions in words, for people who do not use maps."),
    )
    area = models.CharField(
        _("area"), max_length=40, blank=True, help_text=_("e.g. 池袋, 大塚, 巣鴨 (for the filter)")
    )

    fee = models.PositiveIntegerField(_("fee (yen)"), default=0)
    fee_note = models.CharField(_("fee note"), max_length=120, blank=True)
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    image_alt = models.CharField(
        _("image description"),
        max_length=200,
        blank=True,
        help_text=_("What the image shows, for people who cannot see it."),
    )
    contact = models.CharField(
        _("contact"),
        max_length=200,
        blank=True,
        help_text=_("Leave empty to show the host organisation's contact."),
    )

    # Schedule: local Asia/Tokyo dates and clock times.
    # No callable default: it would make Django send a hidden "initial" copy and count
    # every save as a change (which restarts moderation when a reviewer approves).
    start_date = models.DateField(_("first date"))
    end_date = models.DateField(
        _("last date of a multi-day event"),
        null=True,
        blank=True,
        help_text=_("Only for events that span several days."),
    )
    all_day = models.BooleanField(_("all day"), default=False)
    start_time = models.TimeField(_("start time"), null=True, blank=True)
    end_time = models.TimeField(_("end time"), null=True, blank=True)
    recurrence = RecurrenceField(verbose_name=_("repeats"), blank=True, null=True)
    skip_public_holidays = models.BooleanField(_("skip public holidays"), default=False)
    skip_year_end = models.BooleanField(_("skip the year-end closure (12/29–1/3)"), default=False)
    only_weekends_and_holidays = models.BooleanField(
        _("only on weekends and public holidays"),
        default=False,
        help_text=_("For holiday consultations: weekdays that are not holidays are left out."),
    )

    # Registration (each date of the event takes these settings).
    booking_mode = models.CharField(
        _("registration"), max_length=20, choices=BookingMode.choices, default=BookingMode.NONE
    )
    capacity = models.PositiveIntegerField(
        _("places (people)"), null=True, blank=True, help_text=_("Per date. Empty: no limit.")
    )
    max_party_size = models.PositiveSmallIntegerField(_("most people in one booking"), default=4)
    booking_opens_days_before = models.PositiveSmallIntegerField(
        _("registration opens (days before)"),
        null=True,
        blank=True,
        help_text=_("Empty: as soon as the date is published."),
    )
    booking_closes_days_before = models.PositiveSmallIntegerField(
        _("registration closes (days before)"), default=1
    )
    booking_closes_time = models.TimeField(
        _("registration closes at"), default=datetime.time(17, 0)
    )
    lottery_residents_first = models.BooleanField(_("lottery: ward residents first"), default=False)
    lottery_first_timers_first = models.BooleanField(
        _("lottery: first-time participants first"), default=False
    )
    slot_minutes = models.PositiveSmallIntegerField(_("appointment length (minutes)"), default=50)
    slot_break_minutes = models.PositiveSmallIntegerField(
        _("break between appointments (minutes)"), default=10
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("category"),
        FieldPanel("summary"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")]),
                FieldRowPanel(
                    [FieldPanel("all_day"), FieldPanel("start_time"), FieldPanel("end_time")]
                ),
                FieldPanel("recurrence"),
                FieldPanel("skip_public_holidays"),
                FieldPanel("skip_year_end"),
                FieldPanel("only_weekends_and_holidays"),
                NextOccurrencesPanel(),
            ],
            heading=_("Date and time"),
        ),
        InlinePanel(
            "exceptions",
            heading=_("Changes to single dates"),
            label=_("change"),
            help_text=_("Cancel, move or annotate one date without touching the others."),
        ),
        MultiFieldPanel(
            [
                FieldPanel("attendance_mode"),
                FieldPanel("venue_name"),
                FieldPanel("venue_address"),
                FieldPanel("venue_access"),
                FieldPanel("area"),
                FieldPanel("meeting_link"),
            ],
            heading=_("Place"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("audience"),
                FieldPanel("women_only"),
                FieldPanel("mothers_only"),
                FieldPanel("all_municipalities_welcome"),
            ],
            heading=_("Who it is for"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("booking_mode"),
                FieldRowPanel([FieldPanel("capacity"), FieldPanel("max_party_size")]),
                FieldRowPanel(
                    [
                        FieldPanel("booking_opens_days_before"),
                        FieldPanel("booking_closes_days_before"),
                        FieldPanel("booking_closes_time"),
                    ]
                ),
                FieldPanel("lottery_residents_first"),
                FieldPanel("lottery_first_timers_first"),
                FieldRowPanel([FieldPanel("slot_minutes"), FieldPanel("slot_break_minutes")]),
            ],
            heading=_("Registration"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("join_late_leave_early"),
                FieldPanel("no_need_to_talk"),
                FieldPanel("camera_off_ok"),
                FieldPanel("anonymous_ok"),
            ],
            heading=_("Reassurance"),
        ),
        FieldPanel("what_happens"),
        FieldPanel("body"),
        FieldPanel("co_hosts"),
        MultiFieldPanel(
            [FieldPanel("fee"), FieldPanel("fee_note"), FieldPanel("contact")],
            heading=_("Fee and contact"),
        ),
        MultiFieldPanel([FieldPanel("image"), FieldPanel("image_alt")], heading=_("Image")),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("venue_name"),
        index.FilterField("category"),
    ]

    parent_page_types = ["home.OrganisationPage"]
    subpage_types = []
    base_form_class = EventPageForm

    class Meta:
        verbose_name = _("event page")
        verbose_name_plural = _("event pages")

    def clean(self):
        super().clean()
        errors = {}
        if not self.all_day and self.start_time is None:
            errors["start_time"] = _("Enter a start time, or tick 'all day'.")
        if self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("The last date must not be before the first date.")
        if (
            not self.all_day
            and self.start_time
            and self.end_time
            and not self.end_date
            and self.end_time <= self.start_time
        ):
            errors["end_time"] = _("The end time must be after the start time.")
        if self.image_id and not self.image_alt:
            errors["image_alt"] = _("Describe the image for people who cannot see it.")
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        parent = self.get_parent() if self.path else None
        if parent is not None:
            self.host_id = parent.pk
        if self.all_day:
            self.start_time = self.end_time = None
        return super().save(*args, **kwargs)

    @property
    def schedule(self):
        """The schedule as the pure engine sees it."""
        return Schedule(
            start_date=self.start_date,
            start_time=None if self.all_day else self.start_time,
            end_time=None if self.all_day else self.end_time,
            end_date=self.end_date,
            recurrence=self.recurrence,
            skip_public_holidays=self.skip_public_holidays,
            skip_year_end=self.skip_year_end,
            only_weekends_and_holidays=self.only_weekends_and_holidays,
        )

    @property
    def schedule_text(self):
        from .schedules import describe

        return describe(self.schedule)

    @cached_property
    def host_organisation(self):
        return self.host or self.get_parent().specific

    @property
    def is_free(self):
        return self.fee == 0

    @property
    def reassurances(self):
        """The badges to show, in a fixed order."""
        options = [
            (self.join_late_leave_early, _("Come late or leave early")),
            (self.no_need_to_talk, _("No need to talk")),
            (self.camera_off_ok, _("Camera off is fine")),
            (self.anonymous_ok, _("Anonymous is fine")),
            (self.booking_mode == BookingMode.NONE, _("No booking needed")),
        ]
        return [label for shown, label in options if shown]

    @property
    def audience_rules(self):
        rules = []
        if self.women_only:
            rules.append(_("Women only"))
        if self.mothers_only:
            rules.append(_("For mothers"))
        if self.all_municipalities_welcome:
            rules.append(_("Residents of any municipality are welcome"))
        return rules

    def upcoming_occurrences(self, limit=10, now=None):
        now = now or timezone.now()
        return list(self.occurrences.filter(end__gt=now).order_by("start")[:limit])

    def get_context(self, request, *args, **kwargs):
        from .views import event_context

        context = super().get_context(request, *args, **kwargs)
        context.update(event_context(request, self))
        return context

    @path("<str:date>/", name="occurrence")
    def occurrence(self, request, date):
        from .views import occurrence_view

        return occurrence_view(request, self, date)

    @path("<str:date>/book/", name="book")
    def book(self, request, date):
        from .bookings.views import book
        from .views import occurrence_or_404

        if request.method != "POST":
            return redirect(self.url + self.reverse_subpage("occurrence", args=(date,)))
        return book(request, self, occurrence_or_404(self, date))

    def get_cached_paths(self):
        """Paths under this page that a CDN must drop on publish: the page, its feed and
        the pages of its dates."""
        dates = self.occurrences.values_list("original_date", flat=True)
        return ["/", "calendar.ics", *(f"{d.isoformat()}/" for d in dates)]

    def occurrence_url(self, occurrence, request=None):
        return self.url + self.reverse_subpage(
            "occurrence", args=(occurrence.original_date.isoformat(),)
        )


class ExceptionKind(models.TextChoices):
    CANCELLED = "cancelled", _("Cancelled")
    MOVED = "moved", _("Moved")
    NOTE = "note", _("Note")


class EventException(Orderable):
    """A change to one date of an event, keyed by the date the schedule gives it."""

    page = ParentalKey(EventPage, on_delete=models.CASCADE, related_name="exceptions")
    original_date = models.DateField(_("date in the schedule"))
    kind = models.CharField(_("change"), max_length=20, choices=ExceptionKind.choices)
    reason = models.CharField(
        _("reason or note"),
        max_length=200,
        blank=True,
        help_text=_("Shown to visitors, e.g. 講師の体調不良のため"),
    )
    new_date = models.DateField(_("new date"), null=True, blank=True)
    new_start_time = models.TimeField(_("new start time"), null=True, blank=True)
    new_end_time = models.TimeField(_("new end time"), null=True, blank=True)
    new_venue_name = models.CharField(_("new venue"), max_length=120, blank=True)
    new_venue_address = models.CharField(_("new venue address"), max_length=200, blank=True)

    panels = [
        FieldRowPanel([FieldPanel("original_date"), FieldPanel("kind")]),
        FieldPanel("reason"),
        FieldRowPanel(
            [FieldPanel("new_date"), FieldPanel("new_start_time"), FieldPanel("new_end_time")]
        ),
        FieldRowPanel([FieldPanel("new_venue_name"), FieldPanel("new_venue_address")]),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("change to one date")
        verbose_name_plural = _("changes to single dates")
        constraints = [
            models.UniqueConstraint(fields=["page", "original_date"], name="one_exception_per_date")
        ]

    def clean(self):
        super().clean()
        if self.kind == ExceptionKind.CANCELLED and not self.reason:
            raise ValidationError({"reason": _("Say briefly why the date is cancelled.")})
        if self.kind == ExceptionKind.MOVED and not (
            self.new_date or self.new_start_time or self.new_venue_name
        ):
            raise ValidationError({"new_date": _("Enter the new date, time or venue.")})


class OccurrenceStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    MOVED = "moved", _("Moved")
    CANCELLED = "cancelled", _("Cancelled")


class OccurrenceQuerySet(models.QuerySet):
    def visible(self):
        """Occurrences of live, public events whose host organisation is live, and imported
        ones. Written as join conditions (not ``event IN (subquery)``) so the database can
        walk the ``start`` index and stop after one page of rows; privacy restrictions
        (one small query) become path prefixes to exclude, as ``PageQuerySet.public()``
        does."""
        from wagtail.models import PageViewRestriction

        own = models.Q(event__live=True, event__host__live=True)
        for restricted in PageViewRestriction.objects.values_list("page__path", flat=True):
            own &= ~models.Q(event__path__startswith=restricted)
        imported = models.Q(event__isnull=True) & ~models.Q(source="page")
        return self.filter(own | imported)

    def upcoming(self, now=None):
        """Not yet ended. The lower bound on ``start`` lets the index do the work; an
        event longer than ``LONGEST_EVENT`` that started earlier is not listed."""
        now = now or timezone.now()
        return self.filter(end__gt=now, start__gte=now - LONGEST_EVENT)

    def for_listing(self):
        return self.select_related("event", "event__category", "event__host").prefetch_related(
            "event__co_hosts"
        )


LONGEST_EVENT = datetime.timedelta(days=31)


class Occurrence(models.Model):
    """One concrete date of an event, materialised for a rolling horizon.

    The calendar, the feeds and bookings read this table. Rows come from an event page's
    schedule (``event`` set) or, later, from an imported partner feed (``source`` names it,
    with the title, link and place stored on the row). Rows that anything refers to (e.g.
    bookings) are never deleted: they are marked cancelled.
    """

    event = models.ForeignKey(
        EventPage,
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
    external_uid = models.CharField(max_length=255, blank=True)
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
    # Registration state of this date (settings come from the event).
    registration_closed = models.BooleanField(_("registration closed by staff"), default=False)
    lottery_drawn_at = models.DateTimeField(_("lottery drawn"), null=True, blank=True)
    lottery_log = models.TextField(_("lottery record"), blank=True)
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
            )
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

    @property
    def local_start(self):
        return self.start.astimezone(TOKYO)

    @property
    def local_end(self):
        return self.end.astimezone(TOKYO)

    @property
    def is_cancelled(self):
        return self.status == OccurrenceStatus.CANCELLED

    @property
    def is_moved(self):
        return self.status == OccurrenceStatus.MOVED

    @property
    def place(self):
        if self.venue_name:
            return self.venue_name
        return self.event.venue_name if self.event_id else ""

    def get_url(self, request=None):
        if self.event_id:
            return self.event.occurrence_url(self, request)
        return self.url


class EventFeedState(models.Model):
    """What calendar clients need to know across publishes: the iCalendar SEQUENCE, bumped
    when the event's time or place changes. Kept outside the page so revisions cannot
    roll it back."""

    event = models.OneToOneField(
        EventPage, on_delete=models.CASCADE, primary_key=True, related_name="feed_state"
    )
    sequence = models.PositiveIntegerField(default=0)
    fingerprint = models.CharField(max_length=64)

    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("calendar feed state")
        verbose_name_plural = _("calendar feed states")

    def __str__(self):
        return f"{self.event_id}: SEQUENCE {self.sequence}"
