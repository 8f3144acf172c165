"""The events app's models, by concept: record models (categories, occurrences, feed
state), bookings (``events.bookings.models``), the page mixins and the pages. Import them
from here: ``from events.models import EventPage, Occurrence``."""

# Records first: the services that the page modules import read them.
from ..bookings.models import AppointmentSlot, AttendanceCounter, Booking, OutgoingMail  # noqa: I001
from ..choices import AttendanceMode, Audience, BookingMode, ExceptionKind, OccurrenceStatus
from .index import EventIndexPage
from .pages import EventException, EventPage
from .records import LONGEST_EVENT, EventCategory, EventFeedState, Occurrence, OccurrenceQuerySet
from .share import CalendarSharePage

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
    "OccurrenceQuerySet",
    "OccurrenceStatus",
    "OutgoingMail",
]
