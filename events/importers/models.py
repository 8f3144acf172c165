"""Partner calendars we import: where they are, who owns them, whether the ward has
enabled them, and how the last refresh went (kept on the row so staff see it in the
list). Registered with the events app by one import line in ``events/models.py``.

Nothing here imports the rest of the events app: related models are named lazily.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

REFRESH_CHOICES = [
    (60, _("Every hour")),
    (180, _("Every 3 hours")),
    (360, _("Every 6 hours")),
    (720, _("Every 12 hours")),
    (1440, _("Once a day")),
]
STALE_AFTER_REFRESHES = 2  # shown as stale after missing this many refreshes


def normalise_feed_url(value: str) -> str:
    """``webcal://`` (what calendar sites offer for subscribing) is https."""
    value = (value or "").strip()
    if value.lower().startswith("webcal://"):
        return "https://" + value[len("webcal://") :]
    return value


validate_feed_url = URLValidator(
    schemes=["http", "https"],
    message=_("Enter the calendar's address starting with http:// or https://."),
)


class PartnerFeed(models.Model):
    """A partner organisation's public iCalendar feed, shown in our calendar."""

    name = models.CharField(_("name"), max_length=120)
    url = models.URLField(
        _("calendar address (URL)"),
        max_length=500,
        blank=True,
        validators=[validate_feed_url],
        help_text=_(
            "The public iCalendar (.ics) address, e.g. Google Calendar's 'public address in "
            "iCal format'. webcal:// addresses are accepted. Empty only for calendars "
            "imported once from a file."
        ),
    )
    organisation = models.ForeignKey(
        "home.OrganisationPage",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="partner_feeds",
    )
    category = models.ForeignKey(
        "events.EventCategory",
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The category its events are listed under."),
    )
    enabled = models.BooleanField(
        _("enabled"),
        default=False,
        help_text=_("Only ward staff can enable a calendar; its events are shown while enabled."),
    )
    refresh_minutes = models.PositiveIntegerField(
        _("refresh"), choices=REFRESH_CHOICES, default=360
    )
    include_in_our_feeds = models.BooleanField(
        _("include in our calendar feeds"),
        default=False,
        help_text=_(
            "Re-publish these events in this site's own iCalendar feeds (with their "
            "original identifiers, so nobody gets them twice)."
        ),
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    # State of the last refreshes (written by the importer only).
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True, editable=False)
    last_success_at = models.DateTimeField(_("last success"), null=True, blank=True, editable=False)
    last_parsed_at = models.DateTimeField(
        _("last full import"), null=True, blank=True, editable=False
    )
    last_changed_at = models.DateTimeField(
        _("last change of its events"), null=True, blank=True, editable=False
    )
    last_error = models.TextField(_("last error"), blank=True, editable=False)
    last_warnings = models.TextField(_("events left out"), blank=True, editable=False)
    failures = models.PositiveIntegerField(_("failures in a row"), default=0, editable=False)
    etag = models.CharField(max_length=200, blank=True, editable=False)
    last_modified = models.CharField(max_length=100, blank=True, editable=False)
    content_hash = models.CharField(max_length=64, blank=True, editable=False)
    event_count = models.PositiveIntegerField(_("dates"), default=0, editable=False)

    wagtail_reference_index_ignore = True

    class Meta:
        ordering = ["organisation__title", "name"]
        verbose_name = _("partner calendar")
        verbose_name_plural = _("partner calendars")
        permissions = [("enable_partnerfeed", _("Can enable partner calendars"))]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "url"],
                condition=~models.Q(url=""),
                name="one_feed_per_url_and_organisation",
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        self.url = normalise_feed_url(self.url)
        if self.url:
            try:
                validate_feed_url(self.url)
            except ValidationError as error:
                raise ValidationError({"url": error.messages}) from None

    @property
    def refresh_interval(self) -> datetime.timedelta:
        return datetime.timedelta(minutes=self.refresh_minutes)

    def is_due(self, now=None) -> bool:
        """Enabled, fetched from a URL, and its interval has passed since the last try
        (longer after repeated failures, up to a day, so a dead server is not hammered)."""
        if not (self.enabled and self.url):
            return False
        if self.last_attempt_at is None:
            return True
        now = now or timezone.now()
        wait = self.refresh_interval * (2 ** min(self.failures, 4))
        return now - self.last_attempt_at >= min(wait, max(self.refresh_interval, _DAY))

    def staleness(self, now=None):
        """How old the shown events are (None when never imported)."""
        if self.last_success_at is None:
            return None
        return (now or timezone.now()) - self.last_success_at

    def is_stale(self, now=None) -> bool:
        if not self.url:
            return False  # imported once from a file: nothing to refresh
        age = self.staleness(now)
        return age is None or age > self.refresh_interval * STALE_AFTER_REFRESHES

    @property
    def partner_url(self) -> str:
        """Where a visitor learns more: the partner's own website, else its page here."""
        organisation = self.organisation
        return organisation.website or organisation.url or ""

    @property
    def review_state(self):
        if self.enabled:
            return _("Enabled")
        if self.approved_at is None:
            return _("Proposed, awaiting the ward")
        return _("Paused")


_DAY = datetime.timedelta(days=1)
