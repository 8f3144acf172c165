"""Password-reset mails are throttled: per address asked for and per client address.

Over a limit the mail is quietly not sent and the page says what it always says, so the
form still reveals nothing about which addresses have accounts. A limit is not a
lock-out: the mails already sent keep working until the password is changed.
"""

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache

from wagtail.admin.forms.auth import PasswordResetForm

from events.clientaddr import address_group

logger = logging.getLogger(__name__)

# Mails per window (seconds); ``PASSWORD_RESET_LIMITS`` in the settings overrides.
LIMITS = {"email": (3, 3600), "address": (10, 3600)}


def _count(kind, value, window):
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:reset:{kind}:{value}".encode()).hexdigest()
    key = f"password-reset:{kind}:{digest}"
    cache.add(key, 0, window)
    try:
        return cache.incr(key)
    except ValueError:
        cache.set(key, 1, window)
        return 1


class ThrottledPasswordResetForm(PasswordResetForm):
    def save(self, *args, request=None, **kwargs):
        limits = {**LIMITS, **getattr(settings, "PASSWORD_RESET_LIMITS", {})}
        values = {
            "email": self.cleaned_data["email"].strip().lower(),
            "address": address_group(request) if request is not None else "",
        }
        over = [
            kind
            for kind, value in values.items()
            if _count(kind, value, limits[kind][1]) > limits[kind][0]
        ]
        if over:
            logger.warning("Password-reset mail not sent: limit per %s reached.", over[0])
            return
        super().save(*args, request=request, **kwargs)
