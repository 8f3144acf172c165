"""Booking lists as files that open cleanly in Japanese Excel: UTF-8 with a BOM for CSV,
display labels instead of codes, Tokyo times to the minute, and a file name that says
which event and date it is."""

import re

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from ..schedule_text import format_range_ja
from ..schedules import TOKYO
from .models import BookingStatus

BOM = "\ufeff"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
UNSAFE_IN_FILE_NAMES = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')

# (key, heading) in column order.
COLUMNS = [
    ("code", gettext_lazy("Booking code")),
    ("event", gettext_lazy("Event")),
    ("date", gettext_lazy("Date and time")),
    ("status", gettext_lazy("Status")),
    ("party_size", gettext_lazy("Number of people")),
    ("nickname", gettext_lazy("Nickname")),
    ("who", gettext_lazy("Who is coming")),
    ("residence", gettext_lazy("Where they live")),
    ("first_time", gettext_lazy("First time")),
    ("needs", gettext_lazy("Needs for the day")),
    ("channel", gettext_lazy("How it was made")),
    ("checked_in_at", gettext_lazy("Checked in at")),
]
FIELDS = [key for key, _heading in COLUMNS]
# A cancelled booking is 取り消し; the status's own label (中止) is shared with cancelled dates.
STATUS_LABELS = {BookingStatus.CANCELLED: pgettext_lazy("booking", "Cancelled")}
HEADINGS = dict(COLUMNS)


def local_minute(value):
    """A naive Tokyo datetime, to the minute (for spreadsheet cells)."""
    if value is None:
        return None
    return value.astimezone(TOKYO).replace(second=0, microsecond=0, tzinfo=None)


def minute_text(value):
    local = local_minute(value)
    return local.strftime("%Y-%m-%d %H:%M") if local else ""


def row(booking):
    """One booking as display values (labels in the active language)."""
    occurrence = booking.occurrence
    first_time = {True: _("Yes"), False: _("No"), None: ""}[booking.first_time]
    return {
        "code": booking.code,
        "event": booking.event_title,
        "date": format_range_ja(occurrence.start, occurrence.end, occurrence.all_day),
        "status": STATUS_LABELS.get(booking.status, booking.get_status_display()),
        "party_size": booking.party_size,
        "nickname": booking.nickname,
        "who": booking.get_who_display() if booking.who else "",
        "residence": booking.get_residence_display() if booking.residence else "",
        "first_time": first_time,
        "needs": booking.needs,
        "channel": booking.get_channel_display(),
        "checked_in_at": local_minute(booking.checked_in_at),
    }


def neutralise(text):
    """Spreadsheet formulas (=, +, -, @) in a cell become plain text."""
    if isinstance(text, str) and text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def file_name(occurrence=None, now=None):
    """``予約_<event>_<date>`` for one date, ``予約_<today>`` for the whole list."""
    if occurrence is None:
        day = timezone.localtime(now or timezone.now(), TOKYO).date()
        return f"{_('Bookings')}_{day:%Y-%m-%d}"
    title = UNSAFE_IN_FILE_NAMES.sub(" ", occurrence.display_title).strip()[:60].strip()
    return f"{_('Bookings')}_{title}_{occurrence.local_start:%Y-%m-%d}"
