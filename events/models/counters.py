"""The anonymous counters the yearly statistics are built from.

When a booking's personal data is due for erasure, the booking is added to
``AttendanceCounter`` and its row is deleted; once a date has ended, it is added to
``OccurrenceCounter``. Nothing here points at a person, a booking or a date: a counter
row is a combination of attributes and how many bookings and people had it.

Organisations are kept by page id (``organisation`` for the host, ``co_hosts`` for the
others) with the host's name at the time, not by a foreign key: deleting or renaming a
page must never change last year's figures.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

UNKNOWN_MONTH = 0  # counts kept before months were recorded (see migration 0014)
UNKNOWN_ORGANISATION = 0


def co_host_key(ids):
    """``{15, 12}`` → ``",12,15,"``: sorted page ids between commas, so that one
    organisation is found with ``co_hosts__contains=",12,"`` and equal sets compare
    equal. No co-hosts → ``""``."""
    ids = sorted({int(i) for i in ids})
    return f",{','.join(str(i) for i in ids)}," if ids else ""


def co_host_ids(key):
    """The inverse of ``co_host_key``."""
    return tuple(int(part) for part in key.strip(",").split(",") if part)


class AttributionFields(models.Model):
    """What a date is counted under: fiscal year (年度, April–March) and calendar month of
    its Tokyo start, the category's slug, the host organisation and the co-hosts."""

    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    month = models.PositiveSmallIntegerField(_("month"), default=UNKNOWN_MONTH)
    category = models.CharField(_("category"), max_length=60, blank=True)  # the slug
    organisation = models.PositiveIntegerField(
        _("host organisation (page id)"), default=UNKNOWN_ORGANISATION
    )
    organisation_name = models.CharField(_("host organisation"), max_length=255, blank=True)
    co_hosts = models.CharField(_("co-hosts (page ids)"), max_length=255, blank=True)

    # Not worth a reference-index task per row.
    wagtail_reference_index_ignore = True

    class Meta:
        abstract = True


# What makes a counter row unique: its attribution, and for attendance also the
# booking's anonymous answers. ``KEY`` on each model and its unique constraint read these.
ATTRIBUTION_KEY = ("fiscal_year", "month", "category", "organisation", "co_hosts")
ATTENDANCE_KEY = (*ATTRIBUTION_KEY, "who", "residence", "first_time", "attended", "channel")


class AttendanceCounter(AttributionFields):
    """Confirmed bookings of dates that took place, counted per combination of the
    date's attribution and the booking's anonymous answers: who is coming, where they
    live, first time or not, whether they were checked in, and how the booking was made.
    ``people`` sums the party sizes."""

    who = models.CharField(max_length=20, blank=True)
    residence = models.CharField(max_length=20, blank=True)
    first_time = models.CharField(max_length=10, blank=True)  # "yes", "no" or ""
    attended = models.BooleanField()
    channel = models.CharField(max_length=10, blank=True)
    bookings = models.PositiveIntegerField(default=0)
    people = models.PositiveIntegerField(default=0)

    KEY = ATTENDANCE_KEY

    class Meta:
        verbose_name = _("attendance counter")
        verbose_name_plural = _("attendance counters")
        constraints = [
            models.UniqueConstraint(
                fields=list(ATTENDANCE_KEY),
                name="one_attendance_counter_per_combination",
            )
        ]

    def __str__(self):
        return f"{self.fiscal_year}/{self.month} {self.category} {self.who}: {self.people}"


class OccurrenceCounter(AttributionFields):
    """Dates that took place (not cancelled), per attribution."""

    held = models.PositiveIntegerField(_("dates held"), default=0)

    KEY = ATTRIBUTION_KEY

    class Meta:
        verbose_name = _("dates-held counter")
        verbose_name_plural = _("dates-held counters")
        constraints = [
            models.UniqueConstraint(
                fields=list(ATTRIBUTION_KEY),
                name="one_occurrence_counter_per_combination",
            )
        ]

    def __str__(self):
        return f"{self.fiscal_year}/{self.month} {self.category}: {self.held}"
