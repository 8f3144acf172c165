"""Error pages in Japanese (English under /en/), and the database-outage page.

- 400 / 403 / CSRF failure: plain pages that need neither the database nor a valid Host
  header; the CSRF page explains cookies and, on the booking form, keeps what was typed.
- 500: if the cause is the database being unreachable, a 503 page with the consultation
  desk's phone number from a copy that needs no database (home/outage.py).
"""

import re
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token

from events.bookings.forms import BookingForm
from home.outage import load_contact

DATABASE_DOWN = (OperationalError, InterfaceError)
BOOKING_FORM_PATH = re.compile(r"^(/en)?/[\w\-/]+/\d{4}-\d{2}-\d{2}/book/$")
# What the booking form may carry back after a CSRF failure: its fields, never the honeypot.
BOOKING_FIELDS = [name for name in BookingForm.base_fields if name != "website"]


def _render(request, template, status, context=None, **headers):
    body = loader.render_to_string(template, context or {}, request=request)
    response = HttpResponse(body, status=status)
    response["Cache-Control"] = "no-store"
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


@requires_csrf_token
def bad_request(request, exception=None):
    return _render(request, "errors/400.html", 400)


@requires_csrf_token
def permission_denied(request, exception=None):
    return _render(request, "errors/403.html", 403)


@requires_csrf_token
def server_error(request):
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_DOWN):
        return database_unavailable(request)
    return _render(request, "500.html", 500)


def database_unavailable(request):
    host = request.META.get("HTTP_HOST", "").rsplit(":", 1)[0].lower()
    context = {"desk": load_contact(host)}
    return _render(request, "errors/503.html", 503, context, Retry_After="120")


def csrf_failure(request, reason=""):
    """``CSRF_FAILURE_VIEW``: explain cookies; on the booking form, offer to send again."""
    kept = []
    if request.method == "POST" and BOOKING_FORM_PATH.match(request.path):
        kept = [
            (BookingForm.base_fields[name].label or _("Confirmation"), name, value)
            for name in BOOKING_FIELDS
            for value in request.POST.getlist(name)
            if value.strip()
        ]
    context = {
        "kept": kept,
        "resend_to": request.path if kept else "",
        "no_cookie": "cookie" in (reason or "").lower(),
    }
    return _render(request, "errors/403_csrf.html", 403, context)
