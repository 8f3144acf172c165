"""The events app's models, by concept: record models (categories, occurrences, feed
state), bookings (``events.bookings.models``), the statistics counters, the page mixins
and the pages. Import them from here: ``from events.models import EventPage, Occurrence``."""

# Records first: the services that the page modules import read them.
from ..bookings.models import AppointmentSlot, Booking, OutgoingMail  # noqa: I001
from ..choices import AttendanceMode, Audience, BookingMode, ExceptionKind, OccurrenceStatus
from .counters import AttendanceCounter, OccurrenceCounter
from .index import EventIndexPage
from .pages import EventException, EventPage
from .records import LONGEST_EVENT, EventCategory, EventFeedState, Occurrence, OccurrenceQuerySet
from .share import CalendarSharePage

from ..importers.models import PartnerFeed  # noqa: I001

__all__ = [
    "LONGEST_EVENT",
    "AppointmentSlot",
    "AttendanceCounter",
    "AttendanceMode",
    "Audience",
    "Booking",
    "BookingMode",
    "CalendarSharePage",
    "EventCategory",
    "EventException",
    "EventFeedState",
    "EventIndexPage",
    "EventPage",
    "ExceptionKind",
    "Occurrence",
    "OccurrenceCounter",
    "OccurrenceQuerySet",
    "OccurrenceStatus",
    "OutgoingMail",
    "PartnerFeed",
]
