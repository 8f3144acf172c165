"""What an event page and one date's page show: the next dates with their availability,
the registration part and schema.org data. Context helpers for ``EventPage``'s routes."""

import datetime
import json

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from .bookings.availability import OPEN_STATES, availability_for, free_slots, party_limit
from .bookings.forms import BookingForm
from .bookings.retention import retention_days
from .choices import AttendanceMode, BookingMode, OccurrenceStatus
from .occurrences import horizon_days, planned_occurrences

UPCOMING_SHOWN = 10


def event_context(request, page):
    """The event's next dates: from the table when live, computed from the schedule for
    a preview or a draft (so editors see their change before publishing)."""
    now = timezone.now()
    if getattr(request, "is_preview", False) or not page.live or not page.pk:
        window_end = now + datetime.timedelta(days=horizon_days())
        upcoming = [p for p in planned_occurrences(page, now, window_end) if p.end > now]
        upcoming = upcoming[:UPCOMING_SHOWN]
    else:
        upcoming = page.upcoming_occurrences(limit=UPCOMING_SHOWN, now=now)
        if page.takes_bookings:
            facts = availability_for(upcoming, now)
            for occurrence in upcoming:
                occurrence.availability = facts[occurrence.pk]
    next_open = next(
        (o for o in upcoming if getattr(o, "availability", None) and o.availability.is_open), None
    )
    return {
        "upcoming": upcoming,
        "next_open": next_open,
        "json_ld": json_ld(request, page, [o for o in upcoming if hasattr(o, "pk")]),
    }


def occurrence_or_404(page, date):
    try:
        day = datetime.date.fromisoformat(date)
    except ValueError:
        raise Http404(_("There is no such date.")) from None
    occurrence = page.occurrences.select_related("event").filter(original_date=day).first()
    if occurrence is None:
        raise Http404(_("This event does not take place on that date."))
    return occurrence


def date_slots(event, occurrence):
    """The free appointment slots of one date ([] for other kinds of registration)."""
    return free_slots(occurrence) if event.booking_mode == BookingMode.APPOINTMENT else []


def registration_form(event, occurrence, data=None, slots=None):
    """The registration form for one date (its free slots and party limit)."""
    if slots is None:
        slots = date_slots(event, occurrence)
    return BookingForm(data, event=event, slots=slots, limit=party_limit(occurrence))


def occurrence_context(request, page, occurrence, form=None):
    """One date's page: its facts and, when registration is open, the form."""
    facts = availability_for([occurrence])[occurrence.pk]
    state = facts.state
    slots = date_slots(page, occurrence)
    if form is None and state in OPEN_STATES:
        form = registration_form(page, occurrence, slots=slots)
    return {
        "occurrence": occurrence,
        "retention_days": retention_days(),
        "availability": facts,
        "booking_state": state,
        "availability_label": facts.label,
        "booking_form": form if state in OPEN_STATES else None,
        "slots": slots,
    }


def json_ld(request, page, occurrences):
    """schema.org Event data for the next dates (no private details)."""
    mode = {
        AttendanceMode.IN_PERSON: "https://schema.org/OfflineEventAttendanceMode",
        AttendanceMode.ONLINE: "https://schema.org/OnlineEventAttendanceMode",
        AttendanceMode.HYBRID: "https://schema.org/MixedEventAttendanceMode",
    }[page.attendance_mode]
    status = {
        OccurrenceStatus.SCHEDULED: "https://schema.org/EventScheduled",
        OccurrenceStatus.MOVED: "https://schema.org/EventRescheduled",
        OccurrenceStatus.CANCELLED: "https://schema.org/EventCancelled",
    }
    base = request.build_absolute_uri("/").rstrip("/") if request else ""
    host = page.host_organisation
    events = []
    for occurrence in occurrences:
        location = []
        if page.has_venue:
            location.append(
                {
                    "@type": "Place",
                    "name": occurrence.venue_name_shown,
                    "address": occurrence.venue_address_shown,
                }
            )
        if page.is_online:
            location.append({"@type": "VirtualLocation", "url": base + page.url})
        events.append(
            {
                "@context": "https://schema.org",
                "@type": "Event",
                "name": page.title,
                "description": page.summary,
                "startDate": occurrence.local_start.isoformat(),
                "endDate": occurrence.local_end.isoformat(),
                "eventStatus": status[occurrence.status],
                "eventAttendanceMode": mode,
                "location": location[0] if len(location) == 1 else location,
                "organizer": {"@type": "Organization", "name": host.title, "url": base + host.url},
                "isAccessibleForFree": page.is_free,
                "url": base + page.occurrence_url(occurrence),
                "inLanguage": "ja",
            }
        )
    # "<" escaped so the JSON can never close the script element.
    return json.dumps(events, ensure_ascii=False).replace("<", "\\u003c")
