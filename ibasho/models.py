"""Ibasho (居場所): places where a person can simply be.

An IbashoPage *is* an EventPage (multi-table inheritance): its opening times use the same
schedule engine, its openings are Occurrence rows shown in the calendar and feeds, and a
visit that needs booking goes through the same bookings code. Only what a place has and an
event has not is added here.
"""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from events.models import EventPage
from events.panels import NextOccurrencesPanel


class IbashoKind(models.TextChoices):
    DROP_IN = "drop_in", _("Drop-in space")
    CAFE = "cafe", _("Café")
    PEER_MEETING = "peer_meeting", _("Peer group meeting place")
    ONLINE = "online", _("Online space")
    OTHER = "other", _("Other")


class IbashoAudience(models.TextChoices):
    SELF = "self", _("People who are withdrawn themselves")
    FAMILY = "family", _("Families")
    WOMEN = "women", _("Women")
    ANYONE = "anyone", _("Anyone")


class IbashoIndexPage(RoutablePageMixin, Page):
    """/ibasho/: the list (complete without JavaScript) and map of every live ibasho, and
    the printable list (/ibasho/print/) for the ward's leaflets."""

    intro = models.TextField(_("introduction"), blank=True, max_length=600)

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    parent_page_types = ["home.HomePage"]
    subpage_types = []
    max_count = 1

    class Meta:
        verbose_name = _("ibasho index page")
        verbose_name_plural = _("ibasho index pages")

    def get_context(self, request, *args, **kwargs):
        from .views import index_context

        context = super().get_context(request, *args, **kwargs)
        context.update(index_context(request))
        return context

    @path("")
    def places(self, request):
        return self.render(request)

    @path("print/", name="print")
    def print_view(self, request):
        from .views import print_view

        return print_view(request, self)

    @path("print/pdf/", name="print_pdf")
    def print_pdf(self, request):
        from .views import print_pdf

        return print_pdf(request, self)


class IbashoPage(EventPage):
    kind = models.CharField(
        _("kind of place"), max_length=20, choices=IbashoKind.choices, default=IbashoKind.DROP_IN
    )
    who_for = models.CharField(
        _("who it is for"),
        max_length=20,
        choices=IbashoAudience.choices,
        default=IbashoAudience.ANYONE,
    )
    ages = models.CharField(_("ages"), max_length=60, blank=True, help_text=_("e.g. 18歳以上"))
    what_you_can_do = RichTextField(
        _("what you can do there"), blank=True, features=["bold", "ul", "link"]
    )
    quiet_room = models.BooleanField(_("a quiet room"), default=False)
    staff_present = models.BooleanField(_("staff are there"), default=True)
    nearest_station = models.CharField(_("nearest station"), max_length=80, blank=True)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("-90")), MaxValueValidator(Decimal("90"))],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("-180")), MaxValueValidator(Decimal("180"))],
    )
    step_free = models.BooleanField(_("step-free access"), default=False)
    accessible_toilet = models.BooleanField(_("accessible toilet"), default=False)
    accessibility_note = models.CharField(_("accessibility notes"), max_length=200, blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("category"),
        FieldPanel("summary"),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("who_for"), FieldPanel("ages")]),
        FieldPanel("what_you_can_do"),
        MultiFieldPanel(
            [
                FieldPanel("no_need_to_talk"),
                FieldPanel("quiet_room"),
                FieldPanel("staff_present"),
                FieldPanel("join_late_leave_early"),
                FieldPanel("anonymous_ok"),
            ],
            heading=_("How it feels"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")]),
                FieldRowPanel(
                    [FieldPanel("all_day"), FieldPanel("start_time"), FieldPanel("end_time")]
                ),
                FieldPanel("recurrence"),
                FieldPanel("skip_public_holidays"),
                FieldPanel("skip_year_end"),
                NextOccurrencesPanel(),
            ],
            heading=_("Opening times"),
        ),
        InlinePanel("exceptions", heading=_("Changes to single dates"), label=_("change")),
        MultiFieldPanel(
            [
                FieldPanel("attendance_mode"),
                FieldPanel("venue_name"),
                FieldPanel("venue_address"),
                FieldPanel("area"),
                FieldPanel("nearest_station"),
                FieldPanel("venue_access"),
                FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
                FieldPanel("meeting_link"),
            ],
            heading=_("Place"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("step_free"),
                FieldPanel("accessible_toilet"),
                FieldPanel("accessibility_note"),
            ],
            heading=_("Accessibility"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("booking_mode"),
                FieldRowPanel([FieldPanel("capacity"), FieldPanel("max_party_size")]),
            ],
            heading=_("Visits"),
        ),
        MultiFieldPanel(
            [FieldPanel("fee"), FieldPanel("fee_note"), FieldPanel("contact")],
            heading=_("Fee and contact"),
        ),
        FieldPanel("body"),
        MultiFieldPanel([FieldPanel("image"), FieldPanel("image_alt")], heading=_("Image")),
    ]
    search_fields = [*EventPage.search_fields, index.SearchField("nearest_station")]

    parent_page_types = ["home.OrganisationPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("ibasho page")
        verbose_name_plural = _("ibasho pages")

    @property
    def has_location(self):
        return self.latitude is not None and self.longitude is not None

    @property
    def feelings(self):
        """Badges for how the place feels, in a fixed order."""
        options = [
            (self.no_need_to_talk, _("No need to talk")),
            (self.quiet_room, _("Quiet room")),
            (self.staff_present, _("Staff are there")),
            (self.join_late_leave_early, _("Come and go as you like")),
            (self.anonymous_ok, _("Anonymous is fine")),
        ]
        return [label for shown, label in options if shown]
