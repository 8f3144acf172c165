"""Password-reset mails are throttled: per address asked for and per client address.

Over a limit the mail is quietly not sent and the page says what it always says, so the
form still reveals nothing about which addresses have accounts. A limit is not a
lock-out: the mails already sent keep working until the password is changed.
"""

import logging

from django.conf import settings

from wagtail.admin.forms.auth import PasswordResetForm

from events.clientaddr import address_group
from events.ratelimits import exceeded

logger = logging.getLogger(__name__)

# Mails per window (seconds); ``PASSWORD_RESET_LIMITS`` in the settings overrides.
LIMITS = {"email": (3, 3600), "address": (10, 3600)}


class ThrottledPasswordResetForm(PasswordResetForm):
    def save(self, *args, request=None, **kwargs):
        limits = {**LIMITS, **getattr(settings, "PASSWORD_RESET_LIMITS", {})}
        values = {
            "email": self.cleaned_data["email"].strip().lower(),
            "address": address_group(request) if request is not None else "",
        }
        over = exceeded("password-reset", values, limits)
        if over:
            logger.warning("Password-reset mail not sent: limit per %s reached.", over[0])
            return
        super().save(*args, request=request, **kwargs)
