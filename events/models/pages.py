"""Event pages: one event (or series) under the organisation that hosts it, composed from
the schedule, place, audience, registration and reassurance mixins, with its per-date
changes. Its routes (the flyer, a date's page, registration) render in the page."""

from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from modelcluster.fields import ParentalKey, ParentalManyToManyField

from home.blocks import BaseStreamBlock
from home.page_scope import DraftTitleScopeMixin
from home.text import single_line_errors

from .. import event_context, flyers
from ..bookings import web as web_bookings
from ..bookings.registration import BookingRefused
from ..choices import ExceptionKind
from ..consistency import event_contradictions
from ..forms import EventPageForm
from .mixins import (
    AudienceMixin,
    FeeContactImageMixin,
    PlaceMixin,
    ReassuranceMixin,
    RegistrationMixin,
    ScheduleMixin,
)
from .records import EventCategory


class EventPage(
    DraftTitleScopeMixin,
    RoutablePageMixin,
    ScheduleMixin,
    PlaceMixin,
    AudienceMixin,
    RegistrationMixin,
    ReassuranceMixin,
    FeeContactImageMixin,
    Page,
):
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

    content_panels = [
        *Page.content_panels,
        FieldPanel("category"),
        FieldPanel("summary"),
        *ScheduleMixin.schedule_panels(),
        *PlaceMixin.place_panels(),
        *AudienceMixin.audience_panels,
        *RegistrationMixin.registration_panels(),
        *ReassuranceMixin.reassurance_panels(),
        FieldPanel("what_happens"),
        FieldPanel("body"),
        FieldPanel("co_hosts"),
        *FeeContactImageMixin.fee_contact_panels,
        *FeeContactImageMixin.image_panels,
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
    # Events live under their organisation, but people find them in the events section.
    nav_section = "events.EventIndexPage"

    class Meta:
        verbose_name = _("event page")
        verbose_name_plural = _("event pages")

    def clean(self):
        super().clean()
        errors = {**single_line_errors(self), **self.schedule_errors(), **self.image_errors()}
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        parent = self.get_parent() if self.path else None
        if parent is not None:
            self.host_id = parent.pk
        self.normalise_schedule()
        return super().save(*args, **kwargs)

    @cached_property
    def host_organisation(self):
        return self.host or self.get_parent().specific

    @classmethod
    def hosted_by(cls, organisations=None, slug=None):
        """The events that ``organisations`` (one page or several) or the organisation
        with ``slug`` host or co-host, each once."""
        if slug is not None:
            where = models.Q(host__slug=slug) | models.Q(co_hosts__slug=slug)
        else:
            if isinstance(organisations, Page):
                organisations = [organisations]
            where = models.Q(host__in=organisations) | models.Q(co_hosts__in=organisations)
        return EventPage.objects.filter(where).distinct()

    @property
    def contact_text(self):
        """Whom to contact, in one line: the page's own contact, else the host
        organisation's name (and contact person), phone and e-mail, separated by
        full-width spaces; empty when the host has neither phone nor e-mail (a name is no
        way to reach anyone) and for a page not yet placed under its host."""
        if self.contact:
            return self.contact
        if self.host_id is None and not (self.path and self.depth > 1):
            return ""
        host = self.host_organisation
        if not (host.phone or host.email):
            return ""
        name = host.title + (f"（{host.contact_name}）" if host.contact_name else "")
        return "　".join(part for part in (name, host.phone, host.email) if part)

    @property
    def organisers(self):
        """The host and the co-hosts, host first (for "who runs it")."""
        return [self.host_organisation, *self.co_hosts.all()]

    def contradictions(self):
        """Where the page's words contradict its settings (``seed_demo`` refuses these)."""
        return event_contradictions(self)

    def upcoming_occurrences(self, limit=10, now=None):
        now = now or timezone.now()
        return list(self.occurrences.filter(end__gt=now).order_by("start")[:limit])

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(event_context.event_context(request, self))
        return context

    def occurrence_url(self, occurrence, request=None):
        return self.url + self.reverse_subpage(
            "occurrence", args=(occurrence.original_date.isoformat(),)
        )

    def get_cached_paths(self):
        """Paths under this page that a CDN must drop on publish: the page, its flyer and
        the pages of its dates (the feeds are purged by the publishing pipeline)."""
        dates = self.occurrences.values_list("original_date", flat=True)
        return ["/", "flyer/", "flyer/pdf/", *(f"{d.isoformat()}/" for d in dates)]

    # Routes (the flyer's come first: "<date>/" would take "flyer/") --------------------

    @path("flyer/", name="flyer")
    def flyer(self, request):
        """The A4 flyer, ready to print from the browser."""
        return self.render(
            request,
            template="events/flyer.html",
            context_overrides=flyers.flyer_context(request, self),
        )

    @path("flyer/pdf/", name="flyer_pdf")
    def flyer_pdf(self, request):
        return flyers.flyer_pdf_response(request, self)

    @path("<str:date>/", name="occurrence")
    def occurrence(self, request, date):
        occurrence = event_context.occurrence_or_404(self, date)
        return self.render(
            request,
            template="events/occurrence_page.html",
            context_overrides=event_context.occurrence_context(request, self, occurrence),
        )

    @path("<str:date>/book/", name="book")
    def book(self, request, date):
        """Registration from the date's form (POST only)."""
        occurrence = event_context.occurrence_or_404(self, date)
        if request.method != "POST":
            return redirect(self.occurrence_url(occurrence))
        form = event_context.registration_form(self, occurrence, request.POST)
        if form.is_bot:
            message = _gettext("Your registration could not be sent. Please try again.")
            return self._registration_failed(request, occurrence, form, message, 400)
        if not form.is_valid():
            message = _gettext("Please check the items marked below.")
            return self._registration_failed(request, occurrence, form, message, 400)
        try:
            _booking, token = web_bookings.book_from_web(request, occurrence, form.cleaned_data)
        except web_bookings.RateLimited as limited:
            return self._registration_failed(request, occurrence, form, limited.message, 429)
        except BookingRefused as refusal:
            return self._registration_failed(request, occurrence, form, refusal.message, 409)
        url = reverse("booking_manage", args=(token,)) + "?new=1"
        return web_bookings.private(HttpResponseRedirect(url, status=303))

    def _registration_failed(self, request, occurrence, form, message, status):
        """The date's page again, with the message and everything the person typed."""
        context = event_context.occurrence_context(request, self, occurrence, form=form)
        context["booking_error"] = message
        response = self.render(
            request, template="events/occurrence_page.html", context_overrides=context
        )
        response.status_code = status
        response["Cache-Control"] = "no-store, private"
        return response


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
        if errors := single_line_errors(self):
            raise ValidationError(errors)
        if self.kind == ExceptionKind.CANCELLED and not self.reason:
            raise ValidationError({"reason": _("Say briefly why the date is cancelled.")})
        if self.kind == ExceptionKind.MOVED and not (
            self.new_date or self.new_start_time or self.new_venue_name
        ):
            raise ValidationError({"new_date": _("Enter the new date, time or venue.")})
