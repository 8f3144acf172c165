"""Booking records. A booking lives until a fixed number of days after its date: then it
is added to the anonymous counters (``events.models.counters``) and deleted, with its
mails (``events.bookings.retention``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..choices import (  # noqa: F401  (the vocabulary of bookings, importable from here)
    ACTIVE_BOOKING_STATUSES,
    AttendanceMode,
    BookingMode,
    BookingStatus,
    Channel,
    MailStatus,
    Residence,
    Who,
)
from ..schedule_text import format_range_ja
from ..schedules import TOKYO


class AppointmentSlot(models.Model):
    """A one-to-one slot inside an occurrence (e.g. a 50-minute holiday consultation)."""

    # Not worth a reference-index task per row (and bookings hold personal data).
    wagtail_reference_index_ignore = True

    occurrence = models.ForeignKey(
        "events.Occurrence", on_delete=models.CASCADE, related_name="slots"
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))

    class Meta:
        ordering = ["start"]
        verbose_name = _("appointment slot")
        verbose_name_plural = _("appointment slots")
        constraints = [
            models.UniqueConstraint(fields=["occurrence", "start"], name="one_slot_per_start")
        ]

    def __str__(self):
        return self.label

    @property
    def label(self):
        """ "10:00–10:50" in Tokyo time."""
        start, end = self.start.astimezone(TOKYO), self.end.astimezone(TOKYO)
        return f"{start.hour}:{start.minute:02d}–{end.hour}:{end.minute:02d}"


class Booking(models.Model):
    # Not worth a reference-index task per row (and bookings hold personal data).
    wagtail_reference_index_ignore = True
    occurrence = models.ForeignKey(
        "events.Occurrence",
        on_delete=models.PROTECT,
        related_name="bookings",
        verbose_name=_("date"),
    )
    slot = models.ForeignKey(
        AppointmentSlot,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bookings",
        verbose_name=_("appointment slot"),
    )
    code = models.CharField(_("booking code"), max_length=8, unique=True)
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=BookingStatus.choices, db_index=True
    )
    party_size = models.PositiveSmallIntegerField(_("number of people"), default=1)
    channel = models.CharField(
        _("how it was made"), max_length=10, choices=Channel.choices, default=Channel.WEB
    )

    # Personal data. The whole row is deleted after the retention period.
    nickname = models.CharField(_("nickname"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), max_length=254, blank=True)
    municipality = models.CharField(_("municipality"), max_length=40, blank=True)
    needs = models.TextField(_("needs for the day"), max_length=500, blank=True)

    # Answers that the statistics count (as combinations, never per person).
    who = models.CharField(_("who is coming"), max_length=20, choices=Who.choices, blank=True)
    residence = models.CharField(
        _("where they live"), max_length=20, choices=Residence.choices, blank=True
    )
    first_time = models.BooleanField(_("first time"), null=True, blank=True)
    wants_reminder = models.BooleanField(_("reminder the day before"), default=False)
    audience_confirmed = models.BooleanField(default=False)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        indexes = [models.Index(fields=["occurrence", "status"])]
        permissions = [
            ("check_in_booking", _("Can check people in")),
            ("view_all_bookings", _("Can see the bookings of every organisation")),
        ]

    def __str__(self):
        return self.code

    @property
    def event_title(self):
        event = self.occurrence.event
        return event.title if event else self.occurrence.title

    event_title.fget.short_description = _("event")

    @property
    def date_label(self):
        o = self.occurrence
        return format_range_ja(o.start, o.end, o.all_day)

    date_label.fget.short_description = _("date")

    @property
    def is_active(self):
        return self.status in ACTIVE_BOOKING_STATUSES

    @property
    def meeting_link(self):
        """The private online meeting link, for this booking's page, mails and .ics only:
        given to a confirmed booking of a date that takes place, for an event that can be
        joined online. The one place where that rule is written."""
        occurrence = self.occurrence
        event = occurrence.event
        if (
            event is None
            or self.status != BookingStatus.CONFIRMED
            or occurrence.is_cancelled
            or not event.is_online
        ):
            return ""
        return event.meeting_link


class OutgoingMail(models.Model):
    """The outbox: every e-mail goes through here and a task worker sends it, retrying with
    backoff. The body is deleted once sent."""

    # Not worth a reference-index task per row (and bookings hold personal data).
    wagtail_reference_index_ignore = True

    kind = models.CharField(max_length=30)
    booking = models.ForeignKey(
        Booking, null=True, blank=True, on_delete=models.SET_NULL, related_name="mails"
    )
    occurrence = models.ForeignKey(
        "events.Occurrence", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    occurrence_state = models.CharField(max_length=64, blank=True)
    to = models.EmailField(max_length=254, blank=True)
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField(blank=True)
    status = models.CharField(
        max_length=10, choices=MailStatus.choices, default=MailStatus.QUEUED, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    send_after = models.DateTimeField(db_index=True)
    # When a worker took the mail to send it: a claim that grows old is taken back.
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["send_after", "pk"]
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")

    def __str__(self):
        return f"{self.kind} {self.status}"
