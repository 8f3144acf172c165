"""Registration from the public web form: abuse limits first, then the booking service.
Also the headers every page behind a secret booking link carries."""

from django.conf import settings
from django.utils.translation import gettext as _

from ..clientaddr import address_group
from ..ratelimits import exceeded
from .registration import register

# Booking attempts per window (seconds); ``BOOKING_RATE_LIMITS`` in the settings overrides
# any of them. A client address is the trusted proxy's view of it (``events.clientaddr``);
# IPv6 counts per /64. Japanese mobile carriers put many people behind one IPv4 address, so
# the per-address ceiling is wide and the tight limit is per address *and* date: one
# shared address cannot fill an event, and cannot lock out the people it is shared with
# from the other events. E-mail addresses are not counted: anyone can type anyone's.
RATE_LIMITS = {
    "address_occurrence": (3, 24 * 3600),  # bookings, waiting-list places, lottery entries
    "address": (30, 3600),  # one address (or IPv6 /64), all dates
    "site": (600, 3600),  # everyone together: a ceiling against mass abuse
}


class RateLimited(Exception):
    """Too many registrations from one place in a short time."""

    def __init__(self):
        self.message = _(
            "Too many registrations from here in a short time. Please wait a while and "
            "try again, or call the desk."
        )
        super().__init__(self.message)


def private(response):
    """Headers for pages behind a secret link: never cached, indexed or referred."""
    response["Cache-Control"] = "no-store, private"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _rate_limited(request, occurrence):
    """Count one booking attempt against each limit; True when any is exceeded."""
    limits = {**RATE_LIMITS, **getattr(settings, "BOOKING_RATE_LIMITS", {})}
    group = address_group(request)
    keys = {
        "address_occurrence": f"{group}:{occurrence.pk}",
        "address": group,
        "site": "",
    }
    return bool(exceeded("booking", keys, limits))


def book_from_web(request, occurrence, data):
    """Take a booking from the public form's cleaned data. Raises ``RateLimited`` or
    ``BookingRefused``; returns ``(booking, token)``."""
    if _rate_limited(request, occurrence):
        raise RateLimited
    return register(
        occurrence.pk,
        party_size=data["party_size"],
        slot_id=data.get("slot"),
        nickname=data["nickname"],
        email=data.get("email", ""),
        who=data.get("who", ""),
        residence=data.get("residence", ""),
        municipality=data.get("municipality", ""),
        first_time=data.get("first_time"),
        needs=data.get("needs", ""),
        wants_reminder=data.get("wants_reminder", False),
        audience_confirmed=data.get("audience_confirmed", False),
    )


def over_limits(scope, request, email, limits):
    """Count one attempt at ``scope`` (e.g. "recovery") from this client address (behind
    the trusted proxies) and for this e-mail address; True when either has gone over its
    ``limits`` (``{"ip": (attempts, seconds), "email": (…)}``)."""
    return bool(exceeded(scope, {"ip": address_group(request), "email": email.lower()}, limits))
