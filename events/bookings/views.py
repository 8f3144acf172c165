"""The pages behind a booking's secret link: view, change the party size, cancel, and the
booking's own .ics. Thin: the rules are in the booking service."""

from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

import segno

from ..feeds.ics import booking_calendar
from .availability import party_limit
from .forms import PartySizeForm
from .outcome import outcome_of
from .recovery import RecoveryForm, request_links
from .registration import BookingRefused, change_party_size
from .registration import cancel as cancel_booking
from .retention import retention_days
from .tokens import find_booking
from .web import private


def _booking_or_404(token):
    booking = find_booking(token)
    if booking is None:
        raise Http404(_("This booking link is not valid."))
    return booking


# The pages behind the secret link are exempt from Django's CSRF check: with
# "Referrer-Policy: no-referrer" browsers send "Origin: null" on their forms, and a forged
# cross-site request would have to know the 256-bit token in the URL, which is what CSRF
# protection would otherwise guarantee.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def manage(request, token):
    booking = _booking_or_404(token)
    occurrence = booking.occurrence
    event = occurrence.event
    message = None
    form = PartySizeForm(
        request.POST or None,
        maximum=party_limit(occurrence) if event else booking.party_size,
        initial={"party_size": booking.party_size},
    )
    status = 200
    if request.method == "POST":
        if booking.is_active and event is not None and form.is_valid():
            try:
                change_party_size(booking.pk, form.cleaned_data["party_size"])
                return private(HttpResponseRedirect(request.path + "?changed=1", status=303))
            except BookingRefused as refusal:
                message, status = refusal.message, 409
                booking.refresh_from_db(fields=["status", "party_size"])  # as it stands now
        else:
            message, status = _("The number of people could not be changed."), 400
    outcome = outcome_of(booking)
    link = request.build_absolute_uri(reverse("booking_manage", args=(token,)))
    context = {
        "booking": booking,
        "occurrence": occurrence,
        "event": event,
        "page": event,
        "link": link,
        "qr_svg": segno.make(link, error="m").svg_inline(scale=4, title=_("QR code of this page")),
        "ics_url": reverse("booking_calendar", args=(token,)),
        "cancel_url": reverse("booking_cancel", args=(token,)),
        "form": form,
        "message": message,
        "is_new": request.GET.get("new") == "1",
        "changed": request.GET.get("changed") == "1",
        "just_cancelled": request.GET.get("cancelled") == "1",
        "outcome": outcome,
        "retention_days": retention_days(),
        "show_private_details": outcome.is_confirmed,
    }
    return private(TemplateResponse(request, "events/booking_manage.html", context, status=status))


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def cancel(request, token):
    """Cancelling takes a POST after a confirmation page, so a mail scanner that opens
    the link cancels nothing."""
    booking = _booking_or_404(token)
    if request.method == "POST" and booking.is_active:
        cancel_booking(booking.pk)
        url = reverse("booking_manage", args=(token,)) + "?cancelled=1"
        return private(HttpResponseRedirect(url, status=303))
    context = {
        "booking": booking,
        "occurrence": booking.occurrence,
        "page": booking.occurrence.event,
        "outcome": outcome_of(booking),
        "retention_days": retention_days(),
    }
    return private(TemplateResponse(request, "events/booking_cancel.html", context))


@never_cache
def calendar(request, token):
    """The booking as an .ics: it may hold the venue details and the meeting link."""
    booking = _booking_or_404(token)
    link = request.build_absolute_uri(reverse("booking_manage", args=(token,)))
    body = booking_calendar(booking, link)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="booking-{booking.code}.ics"'
    return private(response)


@never_cache
@require_http_methods(["GET", "POST"])
def recover(request):
    """「予約を確認する」: new links by e-mail, or how to manage without one. The answer
    never says whether the address has bookings."""
    form = RecoveryForm(request.POST or None)
    status, sent, limited = 200, False, False
    if request.method == "POST":
        if not form.is_valid():
            status = 400
        elif request_links(request, form.cleaned_data["email"]):
            sent = True
        else:
            limited, status = True, 429
    context = {
        "form": form,
        "sent": sent,
        "limited": limited,
        "nav_section": "events.EventIndexPage",
    }
    response = TemplateResponse(request, "events/booking_recover.html", context, status=status)
    # Not ``private()``: no secret in this address, and its form needs the Referer/Origin
    # that Django's CSRF check reads.
    response["Cache-Control"] = "no-store, private"
    return response
