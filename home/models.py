"""Pages every part of the site hangs from: home, plain pages, partner organisations.

Also the consultation desk shown in every footer, as a site setting.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page, Site
from wagtail.search import index

from .blocks import BaseStreamBlock, HelpLineBlock
from .page_scope import DraftTitleScopeMixin
from .text import single_line_errors


class OneLineTextMixin:
    """Single-line text fields (the title, names, phone numbers…) refuse line breaks and
    control characters: they end up in e-mail subjects, calendar lines and exports."""

    def clean(self):
        super().clean()
        errors = single_line_errors(self)
        if errors:
            raise ValidationError(errors)


class HomePage(OneLineTextMixin, Page):
    """The site root: who we are, what happens soon, where to ask for help."""

    intro = models.TextField(
        _("introduction"),
        blank=True,
        max_length=600,
        help_text=_("A few calm sentences shown at the top of the home page."),
    )
    body = StreamField(BaseStreamBlock(), blank=True, verbose_name=_("body"))

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "events.EventIndexPage",
        "ibasho.IbashoIndexPage",
        "home.OrganisationIndexPage",
        "home.StandardPage",
        "events.CalendarSharePage",
    ]
    max_count = 1

    class Meta:
        verbose_name = _("home page")
        verbose_name_plural = _("home pages")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["sections"] = self.get_children().live().public().specific()
        context["organisations"] = (
            OrganisationPage.objects.live().public().descendant_of(self).order_by("title")
        )
        return context


class StandardPage(OneLineTextMixin, Page):
    """A plain content page: about the programme, privacy, how to share our calendar."""

    intro = models.TextField(_("introduction"), blank=True, max_length=600)
    body = StreamField(BaseStreamBlock(), blank=True, verbose_name=_("body"))

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("body"),
    ]

    parent_page_types = ["home.HomePage", "home.StandardPage"]
    subpage_types = ["home.StandardPage"]

    class Meta:
        verbose_name = _("standard page")
        verbose_name_plural = _("standard pages")


class OrganisationIndexPage(OneLineTextMixin, Page):
    """/partners/: every organisation, grouped by kind."""

    intro = models.TextField(_("introduction"), blank=True, max_length=600)

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    parent_page_types = ["home.HomePage"]
    subpage_types = ["home.OrganisationPage"]
    max_count = 1

    class Meta:
        verbose_name = _("organisation index page")
        verbose_name_plural = _("organisation index pages")

    def organisations_by_kind(self):
        """[(kind label, [organisations…]), …] in the order of OrganisationKind."""
        organisations = OrganisationPage.objects.child_of(self).live().public().order_by("title")
        groups = {kind: [] for kind in OrganisationKind.values}
        for organisation in organisations:
            groups.setdefault(organisation.kind, []).append(organisation)
        return [
            (OrganisationKind(kind).label, members) for kind, members in groups.items() if members
        ]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["groups"] = self.organisations_by_kind()
        return context


class OrganisationKind(models.TextChoices):
    WARD_OFFICE = "ward_office", _("Ward office")
    FAMILY_ASSOCIATION = "family_association", _("Family association")
    PEER_GROUP = "peer_group", _("Peer group")
    NPO = "npo", _("NPO")
    PARTNER_MUNICIPALITY = "partner_municipality", _("Partner municipality")


class OrganisationPage(DraftTitleScopeMixin, OneLineTextMixin, Page):
    """One organisation (the ward included). Its events and ibasho are its children, so
    Wagtail's tree permissions give each partner its own subtree."""

    kind = models.CharField(_("kind"), max_length=32, choices=OrganisationKind.choices)
    summary = models.TextField(
        _("summary"),
        max_length=400,
        blank=True,
        help_text=_("One or two sentences: who you are and who you help."),
    )
    description = RichTextField(
        _("description"), blank=True, features=["bold", "italic", "link", "ol", "ul"]
    )
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    contact_name = models.CharField(_("contact person or desk"), max_length=120, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    editors_group = models.OneToOneField(
        "auth.Group",
        verbose_name=_("editors' group"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="organisation",
        help_text=_("Set when the partner is onboarded (manage.py add_partner)."),
    )
    verified = models.BooleanField(
        _("verified by the ward"),
        default=False,
        help_text=_("Ward staff only: the ward has checked this organisation."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("kind"),
        FieldPanel("summary"),
        FieldPanel("description"),
        FieldPanel("logo"),
        MultiFieldPanel(
            [
                FieldPanel("contact_name"),
                FieldPanel("phone"),
                FieldPanel("email"),
                FieldPanel("website"),
                FieldPanel("address"),
            ],
            heading=_("Contact"),
        ),
        FieldPanel("verified", permission="home.verify_organisation"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("description"),
        index.FilterField("kind"),
    ]

    parent_page_types = ["home.OrganisationIndexPage"]
    # Events and ibasho are children of the organisation that runs them. Named lazily:
    # home never imports the apps that build on it.
    subpage_types = ["events.EventPage", "ibasho.IbashoPage"]

    class Meta:
        verbose_name = _("organisation page")
        verbose_name_plural = _("organisation pages")
        permissions = [
            ("verify_organisation", _("Can mark an organisation as verified")),
            ("onboard_partner", _("Can onboard partner organisations")),
        ]


@register_setting(icon="help")
class ConsultationDesk(OneLineTextMixin, BaseSiteSetting):
    """The ward's consultation desk, shown in every footer and behind "相談する"."""

    name = models.CharField(_("desk name"), max_length=120, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    hours = models.CharField(
        _("opening hours"), max_length=200, blank=True, help_text=_("e.g. 平日 8:30–17:15")
    )
    # The same hours, for the site to know when the desk is closed (and then show the
    # out-of-hours help lines).
    open_days = models.CharField(
        _("open on"),
        max_length=12,
        choices=[
            ("weekdays", _("Weekdays (Monday to Friday)")),
            ("mon_sat", _("Monday to Saturday")),
            ("every_day", _("Every day")),
        ],
        default="weekdays",
    )
    opens_at = models.TimeField(_("opens at"), null=True, blank=True)
    closes_at = models.TimeField(_("closes at"), null=True, blank=True)
    closed_on_public_holidays = models.BooleanField(_("closed on public holidays"), default=True)
    closed_at_year_end = models.BooleanField(_("closed at the year end (12/29–1/3)"), default=True)
    email = models.EmailField(_("e-mail"), blank=True)
    anonymous_note = models.CharField(
        _("note on anonymity"), max_length=200, blank=True, default="匿名でのご相談もできます"
    )
    contact_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("contact page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The page the header's 'Contact the desk' link opens."),
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("phone"),
        FieldPanel("hours"),
        MultiFieldPanel(
            [
                FieldPanel("open_days"),
                FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")]),
                FieldPanel("closed_on_public_holidays"),
                FieldPanel("closed_at_year_end"),
            ],
            heading=_("When the desk is open (for the out-of-hours help lines)"),
        ),
        FieldPanel("email"),
        FieldPanel("anonymous_note"),
        FieldPanel("contact_page"),
    ]

    class Meta:
        verbose_name = _("consultation desk")
        verbose_name_plural = _("consultation desk")


class InvitationStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Could not be sent")
    NOT_NEEDED = "not_needed", _("Not needed: the account has a password")


class PartnerInvitation(models.Model):
    """An editor's invitation to a partner's section of the admin: whom the ward invited,
    whether the mail went out and whether they have set a password since. The mail's
    set-password link is made when it is sent and never stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="partner_invitations",
    )
    organisation = models.ForeignKey(
        OrganisationPage,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    attached_existing = models.BooleanField(
        _("existing account added"),
        default=False,
        help_text=_("The account existed before and was added on the ward's confirmation."),
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("invitation mail"),
        max_length=10,
        choices=InvitationStatus.choices,
        default=InvitationStatus.QUEUED,
    )
    times_sent = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation", "created_at", "pk"]
        verbose_name = _("editor invitation")
        verbose_name_plural = _("editor invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="one_invitation_per_editor"
            )
        ]

    def __str__(self):
        return f"{self.organisation} / {self.user}"


@register_setting(icon="site")
class SiteIdentity(BaseSiteSetting):
    """The names the public sees. A family member may glance at a phone's tabs, bookmarks
    or calendar list: a neutral name there keeps a visit private."""

    public_name = models.CharField(
        _("public name of the site"),
        max_length=80,
        blank=True,
        help_text=_(
            "Shown in the header and after every page title. Empty: the site name in "
            "Wagtail's site settings."
        ),
    )
    calendar_name = models.CharField(
        _("name of the calendar feeds"),
        max_length=60,
        blank=True,
        help_text=_(
            "What subscribed calendars are called in people's calendar apps, e.g. "
            "「地域の予定」. Keep it neutral. Empty: the public name."
        ),
    )

    panels = [FieldPanel("public_name"), FieldPanel("calendar_name")]

    class Meta:
        verbose_name = _("site name")
        verbose_name_plural = _("site name")

    @property
    def name(self):
        return self.public_name or self.site.site_name or ""

    @classmethod
    def name_for_request(cls, request):
        """The public name of the request's site ("" without a request or a site): what
        every page, print-out and widget calls the site."""
        if request is None or Site.find_for_request(request) is None:
            return ""
        return cls.for_request(request).name

    @property
    def calendar(self):
        return self.calendar_name or self.name


@register_setting(icon="mobile-alt")
class OutOfHoursHelp(BaseSiteSetting):
    """Help lines shown while the consultation desk is closed (at night, at weekends)."""

    heading = models.CharField(
        _("heading"), max_length=80, blank=True, default="今すぐ誰かと話したいとき"
    )
    intro = models.TextField(_("introduction"), max_length=400, blank=True)
    lines = StreamField([("line", HelpLineBlock())], blank=True, verbose_name=_("help lines"))

    panels = [FieldPanel("heading"), FieldPanel("intro"), FieldPanel("lines")]

    class Meta:
        verbose_name = _("out-of-hours help lines")
        verbose_name_plural = _("out-of-hours help lines")
