"""Abstract page mixins. Each carries its own fields AND its own panels, so a page type
composes the pieces it needs (``EventPage`` all of them, ``IbashoPage`` the same ones with
a few of its own) instead of copying panel lists by hand.

A mixin's panels are a class attribute (``schedule_panels`` …) that a page puts into its
``content_panels``; the mixin's rules are properties and ``*_errors()`` methods that the
page's ``clean()`` collects.
"""

import datetime

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel

from recurrence.fields import RecurrenceField

from ..choices import BOOKING_MODE_SHORT, AttendanceMode, Audience, BookingMode, location_text
from ..panels import NextOccurrencesPanel
from ..schedule_text import describe
from ..schedules import Schedule

MAX_PARTY_SIZE = 20


class ScheduleMixin(models.Model):
    """When: the first date, local times (or all day), a repeat rule and the holiday
    options, in Asia/Tokyo wall-clock time; single dates changed through ``exceptions``."""

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

    class Meta:
        abstract = True

    @classmethod
    def schedule_panels(cls, heading=None):
        heading = heading or _("Date and time")
        return [
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
                heading=heading,
            ),
            InlinePanel(
                "exceptions",
                heading=_("Changes to single dates"),
                label=_("change"),
                help_text=_("Cancel, move or annotate one date without touching the others."),
            ),
        ]

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
        """「毎週火曜 13:00–17:00（祝日・年末年始を除く）」."""
        return describe(self.schedule)

    def schedule_errors(self):
        errors = {}
        if not self.all_day and self.start_time is None:
            errors["start_time"] = _("Enter a start time, or tick 'all day'.")
        if self.end_date and self.start_date and self.end_date < self.start_date:
            errors["end_date"] = _("The last date must not be before the first date.")
        if (
            not self.all_day
            and self.start_time
            and self.end_time
            and not self.end_date
            and self.end_time <= self.start_time
        ):
            errors["end_time"] = _("The end time must be after the start time.")
        return errors

    def normalise_schedule(self):
        if self.all_day:
            self.start_time = self.end_time = None


class PlaceMixin(models.Model):
    """Where: in person at a venue, online (the link is private) or both."""

    attendance_mode = models.CharField(
        _("how to attend"),
        max_length=20,
        choices=AttendanceMode.choices,
        default=AttendanceMode.IN_PERSON,
    )
    # Never shown on public pages or feeds: only to people with a confirmed booking
    # (``Booking.meeting_link``).
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

    place_fields = [
        FieldPanel("attendance_mode"),
        FieldPanel("venue_name"),
        FieldPanel("venue_address"),
        FieldPanel("venue_access"),
        FieldPanel("area"),
    ]

    class Meta:
        abstract = True

    @classmethod
    def place_panels(cls, extra=(), heading=None):
        """The place fields, with a page type's own (station, map position) before the
        private meeting link."""
        heading = heading or _("Place")
        return [
            MultiFieldPanel(
                [*cls.place_fields, *extra, FieldPanel("meeting_link")], heading=heading
            )
        ]

    @property
    def is_online(self):
        return self.attendance_mode != AttendanceMode.IN_PERSON

    @property
    def has_venue(self):
        return self.attendance_mode != AttendanceMode.ONLINE

    @property
    def location_text(self):
        """The usual venue in words (a single date may differ: ``Occurrence.location_text``)."""
        return location_text(self.attendance_mode, self.venue_name, self.venue_address)


class AudienceMixin(models.Model):
    """Who it is for, and the rules people confirm when they register."""

    audience = models.CharField(
        _("who it is for"), max_length=20, choices=Audience.choices, default=Audience.ANYONE
    )
    women_only = models.BooleanField(_("women only"), default=False)
    mothers_only = models.BooleanField(_("mothers only"), default=False)
    all_municipalities_welcome = models.BooleanField(
        _("residents of any municipality welcome"), default=True
    )

    audience_panels = [
        MultiFieldPanel(
            [
                FieldPanel("audience"),
                FieldPanel("women_only"),
                FieldPanel("mothers_only"),
                FieldPanel("all_municipalities_welcome"),
            ],
            heading=_("Who it is for"),
        )
    ]

    class Meta:
        abstract = True

    @property
    def audience_label(self):
        """「女性」, 「家族（母親）」, 「どなたでも」…: the audience and its rule in one phrase,
        as pages, lists and feeds show it."""
        base = self.get_audience_display()
        restriction = _("Mothers") if self.mothers_only else _("Women") if self.women_only else ""
        if not restriction:
            return str(base)
        if self.audience == Audience.ANYONE:
            return str(restriction)
        return f"{base}（{restriction}）"

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


class RegistrationMixin(models.Model):
    """How people register for each date: the mode, places, window and lottery options."""

    booking_mode = models.CharField(
        _("registration"), max_length=20, choices=BookingMode.choices, default=BookingMode.NONE
    )
    capacity = models.PositiveIntegerField(
        _("places (people)"), null=True, blank=True, help_text=_("Per date. Empty: no limit.")
    )
    max_party_size = models.PositiveSmallIntegerField(
        _("most people in one booking"),
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_PARTY_SIZE)],
        help_text=_("At most 20."),
    )
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

    class Meta:
        abstract = True

    @classmethod
    def registration_panels(cls, heading=None):
        heading = heading or _("Registration")
        return [
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
                heading=heading,
            )
        ]

    @property
    def takes_bookings(self):
        return self.booking_mode != BookingMode.NONE

    @property
    def registration_summary(self):
        """The rules of every date in one line, as event sites state them:
        「先着順・定員12名（各回）。申し込みは各回の30日前から前日の17:00まで」."""
        mode = str(BOOKING_MODE_SHORT[self.booking_mode])
        if not self.takes_bookings:
            return mode
        if self.capacity and self.booking_mode != BookingMode.APPOINTMENT:
            capacity = _("capacity %(n)d per date") % {"n": self.capacity}
            mode = _("%(mode)s, %(capacity)s") % {"mode": mode, "capacity": capacity}
        closes_time = f"{self.booking_closes_time.hour}:{self.booking_closes_time.minute:02d}"
        days = self.booking_closes_days_before
        if days == 0:
            closes = _("%(time)s on the day") % {"time": closes_time}
        elif days == 1:
            closes = _("%(time)s the day before") % {"time": closes_time}
        else:
            closes = _("%(time)s, %(days)d days before") % {"time": closes_time, "days": days}
        if self.booking_opens_days_before is None:
            window = _("Register until %(closes)s") % {"closes": closes}
        else:
            window = _("Register from %(days)d days before until %(closes)s") % {
                "days": self.booking_opens_days_before,
                "closes": closes,
            }
        return _("%(mode)s. %(window)s") % {"mode": mode, "window": window}


class ReassuranceMixin(models.Model):
    """The badges that tell a frightened person what will not be asked of them."""

    join_late_leave_early = models.BooleanField(_("come late or leave early"), default=True)
    no_need_to_talk = models.BooleanField(_("no need to talk"), default=True)
    camera_off_ok = models.BooleanField(_("camera off is fine"), default=False)
    anonymous_ok = models.BooleanField(_("anonymous is fine"), default=True)

    reassurance_fields = [
        FieldPanel("join_late_leave_early"),
        FieldPanel("no_need_to_talk"),
        FieldPanel("camera_off_ok"),
        FieldPanel("anonymous_ok"),
    ]

    class Meta:
        abstract = True

    @classmethod
    def reassurance_panels(cls, extra=(), heading=None):
        heading = heading or _("Reassurance")
        return [MultiFieldPanel([*cls.reassurance_fields, *extra], heading=heading)]

    @property
    def reassurances(self):
        """The badges to show, in a fixed order."""
        options = [
            (self.join_late_leave_early, _("Come late or leave early")),
            (self.no_need_to_talk, _("No need to talk")),
            (self.camera_off_ok, _("Camera off is fine")),
            (self.anonymous_ok, _("Anonymous is fine")),
            (getattr(self, "booking_mode", None) == BookingMode.NONE, _("No booking needed")),
        ]
        return [label for shown, label in options if shown]


class FeeContactImageMixin(models.Model):
    """What it costs, whom to ask, and one image with its description."""

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

    fee_contact_panels = [
        MultiFieldPanel(
            [FieldPanel("fee"), FieldPanel("fee_note"), FieldPanel("contact")],
            heading=_("Fee and contact"),
        )
    ]
    image_panels = [
        MultiFieldPanel([FieldPanel("image"), FieldPanel("image_alt")], heading=_("Image"))
    ]

    class Meta:
        abstract = True

    @property
    def is_free(self):
        return self.fee == 0

    def image_errors(self):
        if self.image_id and not self.image_alt:
            return {"image_alt": _("Describe the image for people who cannot see it.")}
        return {}
