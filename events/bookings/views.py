"""Registration, the confirmation page and the secret management link. Thin: the rules
are in ``capacity``; these views turn them into pages and clear Japanese messages."""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

import segno

from ..clientaddr import address_group
from .capacity import (
    BookingRefused,
    availability,
    change_party_size,
    free_slots,
    party_limit,
    register,
)
from .capacity import cancel as cancel_booking
from .forms import BookingForm, PartySizeForm
from .models import BookingMode, BookingStatus
from .tokens import find_booking

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


def private(response):
    """Headers for pages behind a secret link: never cached, indexed or referred."""
    response["Cache-Control"] = "no-store, private"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


def booking_context(request, event, occurrence, form=None):
    """What the registration part of an occurrence page needs."""
    state, label = availability(occurrence)
    slots = free_slots(occurrence) if event.booking_mode == BookingMode.APPOINTMENT else []
    if form is None and state in {"open", "few", "waiting", "lottery"}:
        form = BookingForm(event=event, slots=slots, limit=party_limit(occurrence))
    from .retention import retention_days

    return {
        "retention_days": retention_days(),
        "booking_state": state,
        "availability_label": label,
        "booking_form": form if state in {"open", "few", "waiting", "lottery"} else None,
        "slots": slots,
    }


def _rate_limited(request, occurrence):
    """Count one booking attempt against each limit; True when any is exceeded. Keys are
    hashed with the secret key, so no address appears in the cache. When the cache is
    unavailable its fail-open backend counts nothing and nobody is refused."""
    limits = {**RATE_LIMITS, **getattr(settings, "BOOKING_RATE_LIMITS", {})}
    group = address_group(request)
    keys = {
        "address_occurrence": f"{group}:{occurrence.pk}",
        "address": group,
        "site": "",
    }
    limited = False
    for kind, value in keys.items():
        limit, window = limits[kind]
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


@require_http_methods(["POST"])
def book(request, event, occurrence):
    """POST from an occurrence page's form."""
    slots = free_slots(occurrence) if event.booking_mode == BookingMode.APPOINTMENT else []
    form = BookingForm(request.POST, event=event, slots=slots, limit=party_limit(occurrence))

    def again(message, status):
        context = event.get_context(request)
        context.update({"occurrence": occurrence, "booking_error": message})
        context.update(booking_context(request, event, occurrence, form=form))
        response = TemplateResponse(request, "events/occurrence_page.html", context, status=status)
        response["Cache-Control"] = "no-store, private"
        return response

    if form.is_bot:
        return again(_("Your registration could not be sent. Please try again."), 400)
    if not form.is_valid():
        return again(_("Please check the items marked below."), 400)
    data = form.cleaned_data
    if _rate_limited(request, occurrence):
        return again(
            _(
                "Too many registrations from here in a short time. Please wait a while and "
                "try again, or call the desk."
            ),
            429,
        )
    try:
        booking, token = register(
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
    except BookingRefused as refusal:
        return again(refusal.message, 409)
    url = reverse("booking_manage", args=(token,)) + "?new=1"
    return private(HttpResponseRedirect(url, status=303))


def _booking_or_404(token):
    booking = find_booking(token)
    if booking is None or booking.personal_data_erased_at:
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
        else:
            message, status = _("The number of people could not be changed."), 400
    booking.refresh_from_db()
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
        "show_private_details": booking.status == BookingStatus.CONFIRMED,
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
        return private(HttpResponseRedirect(reverse("booking_manage", args=(token,)), status=303))
    context = {
        "booking": booking,
        "occurrence": booking.occurrence,
        "page": booking.occurrence.event,
    }
    return private(TemplateResponse(request, "events/booking_cancel.html", context))


@never_cache
def calendar(request, token):
    """The booking as an .ics: it may hold the venue details and the meeting link."""
    from ..feeds import booking_calendar

    booking = _booking_or_404(token)
    link = request.build_absolute_uri(reverse("booking_manage", args=(token,)))
    body = booking_calendar(booking, link)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="booking-{booking.code}.ics"'
    return private(response)
