"""Registration from the public web form: abuse limits first, then the booking service.
Also the headers every page behind a secret booking link carries."""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from .registration import register

RATE_LIMITS = {"ip": (20, 3600), "email": (5, 3600)}  # attempts per window (seconds)


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


def _rate_limited(request, email):
    """Cache counters per client address and per e-mail address. Keys are hashed with
    the secret key, so neither appears in the cache."""
    keys = [("ip", request.META.get("REMOTE_ADDR", ""))]
    if email:
        keys.append(("email", email.lower()))
    limited = False
    for kind, value in keys:
        limit, window = RATE_LIMITS[kind]
        digest = hashlib.sha256(f"{settings.SECRET_KEY}:{kind}:{value}".encode()).hexdigest()
        key = f"booking-rate:{kind}:{digest}"
        cache.add(key, 0, window)
        try:
            count = cache.incr(key)
        except ValueError:
            cache.set(key, 1, window)
            count = 1
        limited = limited or count > limit
    return limited


def book_from_web(request, occurrence, data):
    """Take a booking from the public form's cleaned data. Raises ``RateLimited`` or
    ``BookingRefused``; returns ``(booking, token)``."""
    if _rate_limited(request, data.get("email")):
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
    """Count one attempt at ``scope`` (e.g. "recovery") from this client address and for
    this e-mail address; True when either has gone over its ``limits``
    (``{"ip": (attempts, seconds), "email": (…)}``). Keys are hashed like the booking
    limits, so neither address appears in the cache."""
    over = False
    for kind, value in (("ip", request.META.get("REMOTE_ADDR", "")), ("email", email.lower())):
        limit, window = limits[kind]
        digest = hashlib.sha256(f"{settings.SECRET_KEY}:{scope}:{kind}:{value}".encode())
        key = f"{scope}-rate:{kind}:{digest.hexdigest()}"
        cache.add(key, 0, window)
        try:
            count = cache.incr(key)
        except ValueError:
            cache.set(key, 1, window)
            count = 1
        over = over or count > limit
    return over
