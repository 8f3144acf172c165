"""The fixed vocabularies of events and bookings (pure: imports nothing of ours).

Every layer above uses these names; keeping them here lets record models, services and
pages share them without importing each other.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .schedules import TOKYO

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


class Audience(models.TextChoices):
    SELF = "self", _("People who are withdrawn themselves")
    FAMILY = "family", _("Families")
    SUPPORTERS = "supporters", _("Supporters")
    ANYONE = "anyone", _("Anyone")


class AttendanceMode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    HYBRID = "hybrid", _("In person and online")


class ExceptionKind(models.TextChoices):
    CANCELLED = "cancelled", _("Cancelled")
    MOVED = "moved", _("Moved")
    NOTE = "note", _("Note")


class OccurrenceStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    MOVED = "moved", _("Moved")
    CANCELLED = "cancelled", _("Cancelled")


class BookingMode(models.TextChoices):
    NONE = "none", _("No booking needed (just come along)")
    FIRST_COME = "first_come", _("First come, first served, with a waiting list")
    LOTTERY = "lottery", _("Lottery at the closing time")
    APPOINTMENT = "appointment", _("One-to-one appointment slots")


# How Japanese event sites name the registration modes in a list of facts.
BOOKING_MODE_SHORT = {
    BookingMode.NONE: _("No booking needed"),
    BookingMode.FIRST_COME: _("First come, first served"),
    BookingMode.LOTTERY: _("Lottery"),
    BookingMode.APPOINTMENT: _("Booked time slots"),
}


class Who(models.TextChoices):
    SELF = "self", _("The person themselves")
    FAMILY = "family", _("Family")
    SUPPORTER = "supporter", _("Supporter or professional")
    OTHER = "other", _("Other")


class Residence(models.TextChoices):
    WARD = "ward", _("Lives in the ward")
    OUTSIDE = "outside", _("Lives outside the ward")


class BookingStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    WAITING = "waiting", _("Waiting list")
    LOTTERY = "lottery", _("Entered in the lottery")
    NOT_DRAWN = "not_drawn", _("Not drawn in the lottery")
    CANCELLED = "cancelled", _("Cancelled")


ACTIVE_BOOKING_STATUSES = (BookingStatus.CONFIRMED, BookingStatus.WAITING, BookingStatus.LOTTERY)


class Channel(models.TextChoices):
    WEB = "web", _("Web form")
    PHONE = "phone", _("Phone")
    WALK_IN = "walk_in", _("Walk-in")


class MailStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Not sent")


ONLINE_LABEL = "オンライン"


def location_text(mode, name="", address=""):
    """The one wording of where something happens, for pages, feeds and mails:
    「オンライン」, 「区民ひろば、豊島区…」 or 「区民ひろば（オンライン参加も可）」."""
    if mode == AttendanceMode.ONLINE:
        return ONLINE_LABEL
    text = "、".join(part for part in (name, address) if part)
    if mode == AttendanceMode.HYBRID:
        return f"{text}（オンライン参加も可）" if text else ONLINE_LABEL
    return text


class OccurrenceReading:
    """How a date reads, for anything with ``start``, ``end`` and ``status``: the stored
    ``Occurrence`` rows and the dates a draft's schedule gives, so templates take either."""

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
