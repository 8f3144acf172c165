"""Lost links. The secret link is in the confirmation mail; a person who has lost both can
ask for it again with the e-mail address they gave, from 「予約を確認する」.

The answer is the same whether or not the address has bookings: the request only queues
one outbox row, and the worker looks the bookings up when it sends (``mail``). An address
without active bookings is sent nothing. Attempts are limited per client address and per
e-mail address, so the page cannot be used to flood someone's mailbox.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from .mail import queue_recovery
from .web import over_limits

LIMITS = {"ip": (10, 3600), "email": (3, 24 * 3600)}  # attempts per window (seconds)


class RecoveryForm(forms.Form):
    email = forms.EmailField(
        label=_("The e-mail address you gave when you registered"),
        max_length=254,
        error_messages={
            "required": _("Please enter the e-mail address."),
            "invalid": _("Please check the e-mail address."),
            "max_length": _("This e-mail address is too long."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


def request_links(request, email):
    """Queue new links to ``email``'s bookings. Returns False when the attempt is over
    the limits (nothing is queued)."""
    if over_limits("recovery", request, email, LIMITS):
        return False
    queue_recovery(email)
    return True
