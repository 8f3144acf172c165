"""Ibasho (居場所): places where a person can simply be.

An IbashoPage *is* an EventPage (multi-table inheritance): its opening times use the same
schedule engine, its openings are Occurrence rows shown in the calendar and feeds, and a
visit that needs booking goes through the same bookings code. It is composed from the
same page mixins (schedule, place, audience, registration, reassurance), and adds only
what a place has and an event has not.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from events.choices import BookingMode
from events.consistency import event_contradictions, page_text
from events.models import EventPage
from events.models.mixins import (
    AudienceMixin,
    FeeContactImageMixin,
    PlaceMixin,
    ReassuranceMixin,
    RegistrationMixin,
    ScheduleMixin,
)
from home.models import ConsultationDesk, OneLineTextMixin

from . import places


class IbashoKind(models.TextChoices):
    DROP_IN = "drop_in", _("Drop-in space")
    CAFE = "cafe", _("Café")
    PEER_MEETING = "peer_meeting", _("Peer group meeting place")
    ONLINE = "online", _("Online space")
    OTHER = "other", _("Other")


class IbashoIndexPage(RoutablePageMixin, OneLineTextMixin, Page):
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

    @path("")
    def list_places(self, request):
        return self.render(
            request, context_overrides=places.index_context(request, IbashoPage.visible())
        )

    @path("print/", name="print")
    def print_view(self, request):
        groups = places.print_groups(IbashoPage.visible(), with_qr=True)
        return self.render(
            request, template="ibasho/ibasho_print.html", context_overrides={"groups": groups}
        )

    @path("print/pdf/", name="print_pdf")
    def print_pdf(self, request):
        body = places.print_pdf(IbashoPage.visible(), ConsultationDesk.for_request(request))
        response = HttpResponse(body, content_type="application/pdf")
        response["Content-Disposition"] = 'attachment; filename="ibasho-map.pdf"'
        return response


class IbashoPage(EventPage):
    kind = models.CharField(
        _("kind of place"), max_length=20, choices=IbashoKind.choices, default=IbashoKind.DROP_IN
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
    address_on_request = models.BooleanField(
        _("exact address given on request"),
        default=False,
        help_text=_(
            "For places that do not publish their exact address: the page, the print list "
            "and the PDF then say whom to ask (the contact below, or the organisation's)."
        ),
    )
    step_free = models.BooleanField(_("step-free access"), default=False)
    accessible_toilet = models.BooleanField(_("accessible toilet"), default=False)
    accessibility_note = models.CharField(_("accessibility notes"), max_length=200, blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("category"),
        FieldPanel("summary"),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("ages")]),
        FieldPanel("what_you_can_do"),
        *ReassuranceMixin.reassurance_panels(
            extra=[FieldPanel("quiet_room"), FieldPanel("staff_present")],
            heading=_("How it feels"),
        ),
        *ScheduleMixin.schedule_panels(heading=_("Opening times")),
        *PlaceMixin.place_panels(
            extra=[
                FieldPanel("address_on_request"),
                FieldPanel("nearest_station"),
                FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
            ]
        ),
        MultiFieldPanel(
            [
                FieldPanel("step_free"),
                FieldPanel("accessible_toilet"),
                FieldPanel("accessibility_note"),
            ],
            heading=_("Accessibility"),
        ),
        *AudienceMixin.audience_panels,
        *RegistrationMixin.registration_panels(heading=_("Visits")),
        FieldPanel("co_hosts"),
        *FeeContactImageMixin.fee_contact_panels,
        FieldPanel("body"),
        *FeeContactImageMixin.image_panels,
    ]
    search_fields = [*EventPage.search_fields, index.SearchField("nearest_station")]

    parent_page_types = ["home.OrganisationPage"]
    subpage_types = []
    nav_section = "ibasho.IbashoIndexPage"

    class Meta:
        verbose_name = _("ibasho page")
        verbose_name_plural = _("ibasho pages")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        now = places.current_time()
        openings = [o for o in context["upcoming"] if not o.is_cancelled and o.end > now]
        context["opening_status"] = places.opening_status(openings, now)
        return context

    @classmethod
    def visible(cls):
        """Live, public places whose organisation is live, by area and name."""
        return (
            cls.objects.live()
            .public()
            .filter(host__live=True)
            .select_related("host", "category")
            .order_by("area", "title")
        )

    def clean(self):
        super().clean()
        if self.address_on_request and not self.contact_text:
            raise ValidationError(
                {
                    "contact": _(
                        "Say whom to ask for the address: a contact here, or a phone or "
                        "e-mail address on the organisation's page."
                    )
                }
            )

    def contradictions(self):
        found = event_contradictions(self, page_text(self, extra_fields=["what_you_can_do"]))
        needs_booking = self.booking_mode in {BookingMode.FIRST_COME, BookingMode.LOTTERY}
        if self.kind == IbashoKind.DROP_IN and self.booking_mode != BookingMode.NONE:
            found.append("立ち寄りの居場所（予約なし）なのに、申し込みが必要な設定です")
        if needs_booking and self.capacity and self.join_late_leave_early:
            found.append("「出入り自由」と表示されますが、定員のある申し込み制です")
        if self.address_on_request and not self.contact_text:
            found.append("詳しい場所を問い合わせる先（連絡先）がありません")
        return found

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
