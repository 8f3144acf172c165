"""The door desk: the day's dates, then one date where staff add phone and walk-in
bookings, check people in, cancel a booking (with a reason), close or reopen
registration and draw a lottery. Every change goes through the booking service (under its
lock), is confirmed with a message, and the cancellations, draws and closings are in the
audit trail (which names no participant)."""

import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import EventPage
from ..schedule_text import format_range_ja
from ..schedules import TOKYO
from .audit import audit
from .availability import desk_counts_for, seats_taken
from .lottery import draw_lottery
from .models import BookingMode, BookingStatus, Channel, Residence, Who
from .registration import BookingRefused, cancel, check_in, register, set_registration_closed
from .retention import pending_erasure_summary
from .scopes import scoped_occurrences

PER_PAGE = 25


class DeskBookingForm(forms.Form):
    nickname = forms.CharField(label=gettext_lazy("Nickname"), max_length=40, initial="匿名")
    party_size = forms.IntegerField(label=gettext_lazy("Number of people"), min_value=1)
    channel = forms.ChoiceField(
        label=gettext_lazy("How it was made"),
        choices=[(Channel.PHONE, Channel.PHONE.label), (Channel.WALK_IN, Channel.WALK_IN.label)],
    )
    who = forms.ChoiceField(
        label=gettext_lazy("Who is coming"), required=False, choices=[("", "—"), *Who.choices]
    )
    residence = forms.ChoiceField(
        label=gettext_lazy("Where they live"),
        required=False,
        choices=[("", "—"), *Residence.choices],
    )


class CancelReason:
    """Fixed reasons: the audit keeps the reason, and a choice cannot hold personal data."""

    CHOICES = [
        ("asked", gettext_lazy("The person or their family asked by phone or in person")),
        ("duplicate", gettext_lazy("A duplicate booking")),
        ("organiser", gettext_lazy("The organiser's circumstances")),
        ("other", gettext_lazy("Other")),
    ]


class CancelForm(forms.Form):
    reason = forms.ChoiceField(
        label=gettext_lazy("Reason"), choices=CancelReason.CHOICES, widget=forms.RadioSelect
    )


class DeskFilterForm(forms.Form):
    PERIODS = [
        ("today", gettext_lazy("Today")),
        ("upcoming", gettext_lazy("From today on")),
        ("past", gettext_lazy("Past dates")),
    ]
    period = forms.ChoiceField(label=gettext_lazy("Dates"), choices=PERIODS, required=False)
    day = forms.DateField(
        label=gettext_lazy("Day"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    event = forms.TypedChoiceField(
        label=gettext_lazy("Event"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, data, events):
        super().__init__(data)
        self.fields["event"].choices = [
            ("", gettext_lazy("All events")),
            *[(event.pk, event.title) for event in events],
        ]


def _require(request, codename):
    if not request.user.has_perm(f"events.{codename}"):
        raise PermissionDenied


def _day_bounds(day):
    start = datetime.datetime.combine(day, datetime.time(0, 0), tzinfo=TOKYO)
    return start, start + datetime.timedelta(days=1)


def desk_index(request):
    """Dates that take bookings, today's first; filter by period, day and event; paged."""
    _require(request, "view_booking")
    bookable = (
        scoped_occurrences(request.user)
        .exclude(event__booking_mode=BookingMode.NONE)
        .select_related("event")
    )
    events = EventPage.objects.filter(pk__in=bookable.values("event")).order_by("title")
    form = DeskFilterForm(request.GET, events)
    query = {key: value for key, value in request.GET.items() if key != "p" and value}
    if not form.is_valid():
        messages.error(request, _("The filter could not be read: showing today's dates."))
        form = DeskFilterForm({}, events)
        form.is_valid()
        query = {}
    period = form.cleaned_data.get("period") or "today"
    day = form.cleaned_data.get("day")
    event = form.cleaned_data.get("event")
    now = timezone.now()
    today = timezone.localtime(now, TOKYO).date()
    occurrences = bookable
    if day is not None or period == "today":
        start, end = _day_bounds(day or today)
        occurrences = occurrences.filter(start__lt=end, end__gt=start).order_by("start")
    elif period == "upcoming":
        occurrences = occurrences.filter(end__gt=now).order_by("start")
    else:
        occurrences = occurrences.filter(end__lte=now).order_by("-start")
    if event is not None:
        occurrences = occurrences.filter(event_id=event)
    page = Paginator(occurrences, PER_PAGE).get_page(request.GET.get("p"))
    page.object_list = list(page.object_list)
    counts = desk_counts_for(page.object_list)
    for occurrence in page.object_list:
        occurrence.confirmed = counts[occurrence.pk]["confirmed"]
        occurrence.waiting = counts[occurrence.pk]["waiting"]
    shown_day = day or (today if period == "today" else None)
    if shown_day is not None and day is None:
        form = DeskFilterForm({**dict(form.data.items()), "day": shown_day.isoformat()}, events)
        form.is_valid()
    context = {
        "page": page,
        "form": form,
        "period": "day" if day else period,
        "shown_day": shown_day,
        "previous_day": shown_day - datetime.timedelta(days=1) if shown_day else None,
        "next_day": shown_day + datetime.timedelta(days=1) if shown_day else None,
        "today": today,
        "event": event,
        "query": urlencode(query),
    }
    return TemplateResponse(request, "events/admin/desk_index.html", context)


def _occurrence(request, occurrence_id):
    return get_object_or_404(
        scoped_occurrences(request.user).select_related("event"), pk=occurrence_id
    )


def desk(request, occurrence_id):
    """One date at the door: counts, the list, add, check in, cancel, close or reopen."""
    _require(request, "view_booking")
    occurrence = _occurrence(request, occurrence_id)
    form = DeskBookingForm()
    if request.method == "GET":
        audit(request, "ibasho.bookings.view", occurrence)
    if request.method == "POST":
        _require(request, "check_in_booking")
        action = request.POST.get("action")
        if action == "add":
            form = DeskBookingForm(request.POST)
            if occurrence.is_cancelled:
                messages.error(request, _("This date is cancelled: no bookings can be added."))
                return redirect("events_desk", occurrence.pk)
            if form.is_valid():
                try:
                    booking, _token = register(occurrence.pk, **form.cleaned_data)
                    messages.success(
                        request, _("Added: booking code %(code)s") % {"code": booking.code}
                    )
                    return redirect("events_desk", occurrence.pk)
                except BookingRefused as refusal:
                    messages.error(request, refusal.message)
            else:
                messages.error(request, _("The booking was not added: check the form below."))
        elif action == "check_in":
            found = _find_for_check_in(occurrence, request.POST.get("query", ""))
            if len(found) == 1:
                if check_in(found[0].pk):
                    messages.success(request, _("Checked in: %(code)s") % {"code": found[0].code})
                else:
                    messages.info(
                        request, _("Already checked in: %(code)s") % {"code": found[0].code}
                    )
            elif not found:
                messages.error(request, _("No confirmed booking matches."))
            else:
                messages.warning(request, _("Several bookings match: check in by code."))
            return redirect("events_desk", occurrence.pk)
        elif action in {"close", "reopen"}:
            set_registration_closed(occurrence.pk, closed=action == "close")
            audit(request, f"ibasho.bookings.{action}", occurrence)
            if action == "close":
                messages.success(request, _("Registration for this date is closed."))
            else:
                messages.success(request, _("Registration for this date is open again."))
            return redirect("events_desk", occurrence.pk)
    bookings = list(occurrence.bookings.select_related("slot").order_by("created_at", "pk"))
    counts = {
        "confirmed": sum(b.party_size for b in bookings if b.status == BookingStatus.CONFIRMED),
        "waiting": sum(1 for b in bookings if b.status == BookingStatus.WAITING),
        "lottery": sum(1 for b in bookings if b.status == BookingStatus.LOTTERY),
        "cancelled": sum(1 for b in bookings if b.status == BookingStatus.CANCELLED),
        "checked_in": sum(b.party_size for b in bookings if b.checked_in_at),
    }
    slot_bookings = {b.slot_id: b for b in bookings if b.slot_id and b.is_active}
    schedule = [(slot, slot_bookings.get(slot.pk)) for slot in occurrence.slots.order_by("start")]
    event = occurrence.event
    context = {
        "occurrence": occurrence,
        "schedule": schedule,
        "when": format_range_ja(occurrence.start, occurrence.end, occurrence.all_day),
        "bookings": bookings,
        "counts": counts,
        "form": form,
        "capacity": event.capacity if event else None,
        "retention": pending_erasure_summary(event) if event else None,
        "can_draw": event is not None
        and event.booking_mode == BookingMode.LOTTERY
        and not occurrence.lottery_drawn_at
        and not occurrence.is_cancelled,
        "desk_index": reverse("events_desk_index") + f"?day={occurrence.local_start:%Y-%m-%d}",
    }
    return TemplateResponse(request, "events/admin/desk.html", context)


def cancel_booking(request, occurrence_id, booking_id):
    """Ask for a reason, then cancel: the seats go to the waiting list, the person is told
    by mail if they left an address, and the audit records the date and the reason."""
    _require(request, "view_booking")
    occurrence = _occurrence(request, occurrence_id)
    booking = get_object_or_404(occurrence.bookings, pk=booking_id)
    if not booking.is_active:
        messages.info(request, _("Booking %(code)s is not active.") % {"code": booking.code})
        return redirect("events_desk", occurrence.pk)
    form = CancelForm(request.POST or None)
    if request.method == "POST":
        _require(request, "check_in_booking")
        if form.is_valid():
            reason = form.cleaned_data["reason"]
            with transaction.atomic():
                promoted = cancel(booking.pk, by_staff=True)
                audit(
                    request,
                    "ibasho.bookings.cancel",
                    occurrence,
                    {"booking": booking.pk, "reason": reason, "promoted": len(promoted)},
                )
            messages.success(request, _("Booking %(code)s is cancelled.") % {"code": booking.code})
            if promoted:
                messages.success(
                    request,
                    _("From the waiting list, %(n)d booking(s) are now confirmed: %(codes)s")
                    % {"n": len(promoted), "codes": "、".join(b.code for b in promoted)},
                )
            return redirect("events_desk", occurrence.pk)
    context = {
        "occurrence": occurrence,
        "booking": booking,
        "form": form,
        "when": format_range_ja(occurrence.start, occurrence.end, occurrence.all_day),
        "waiting": occurrence.bookings.filter(status=BookingStatus.WAITING).count(),
    }
    return TemplateResponse(request, "events/admin/desk_cancel.html", context)


def draw(request, occurrence_id):
    """Show who is in the lottery and how many seats there are; draw on confirmation."""
    _require(request, "view_booking")
    occurrence = _occurrence(request, occurrence_id)
    event = occurrence.event
    if event is None or event.booking_mode != BookingMode.LOTTERY:
        messages.error(request, _("This date has no lottery."))
        return redirect("events_desk", occurrence.pk)
    if occurrence.lottery_drawn_at:
        messages.info(request, _("The lottery for this date has been drawn already."))
        return redirect("events_desk", occurrence.pk)
    if occurrence.is_cancelled:
        messages.error(request, _("This date has been cancelled: there is nothing to draw."))
        return redirect("events_desk", occurrence.pk)
    if request.method == "POST":
        _require(request, "check_in_booking")
        winners = draw_lottery(occurrence.pk)
        audit(request, "ibasho.bookings.draw", occurrence, {"confirmed": len(winners)})
        messages.success(request, _("Lottery drawn: %(n)d confirmed") % {"n": len(winners)})
        return redirect("events_desk", occurrence.pk)
    entries = list(
        occurrence.bookings.filter(status=BookingStatus.LOTTERY).order_by("created_at", "pk")
    )
    capacity = event.capacity
    taken = seats_taken(occurrence)
    context = {
        "occurrence": occurrence,
        "when": format_range_ja(occurrence.start, occurrence.end, occurrence.all_day),
        "entries": entries,
        "people": sum(b.party_size for b in entries),
        "capacity": capacity,
        "taken": taken,
        "free": max(capacity - taken, 0) if capacity is not None else None,
        "residents_first": event.lottery_residents_first,
        "first_timers_first": event.lottery_first_timers_first,
    }
    return TemplateResponse(request, "events/admin/desk_draw.html", context)


def _find_for_check_in(occurrence, query):
    query = query.strip()
    if not query:
        return []
    confirmed = occurrence.bookings.filter(status=BookingStatus.CONFIRMED)
    by_code = list(confirmed.filter(code=query.upper()))
    return by_code or list(confirmed.filter(nickname=query))
