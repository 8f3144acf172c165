"""Staff side: the bookings list (Wagtail viewset) and the door desk for one date, where
staff add phone and walk-in bookings, check people in, close or reopen registration and
draw a lottery. Every change goes through the booking service (under its lock)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy

import django_filters

from home.partners import organisations_of

from ..models import EventPage, Occurrence
from ..schedule_text import format_range_ja
from .availability import desk_counts_for
from .lottery import draw_lottery
from .models import Booking, BookingMode, BookingStatus, Channel, Residence, Who
from .registration import BookingRefused, check_in, register, set_registration_closed
from .retention import pending_erasure_summary

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def scoped_bookings(user, queryset=None):
    """The bookings ``user`` may see: ward staff (``view_all_bookings``) see all; a
    partner's editors see those of events their organisation hosts or co-hosts."""
    queryset = Booking.objects.all() if queryset is None else queryset
    if not user.is_active or not user.has_perm("events.view_booking"):
        return queryset.none()
    if user.is_superuser or user.has_perm("events.view_all_bookings"):
        return queryset
    organisations = organisations_of(user)
    events = EventPage.objects.filter(Q(host__in=organisations) | Q(co_hosts__in=organisations))
    return queryset.filter(occurrence__event__in=events.values("pk"))


def scoped_occurrences(user):
    occurrences = Occurrence.objects.filter(event__isnull=False)
    if user.is_superuser or user.has_perm("events.view_all_bookings"):
        return occurrences
    organisations = organisations_of(user)
    events = EventPage.objects.filter(Q(host__in=organisations) | Q(co_hosts__in=organisations))
    return occurrences.filter(event__in=events.values("pk"))


class BookingPermissionPolicy(ModelPermissionPolicy):
    """Bookings are listed, inspected and exported here, each organisation's only by its
    own people; they are made, changed and cancelled only through the desk and the
    booking pages, which keep capacity right."""

    def user_has_permission(self, user, action):
        if action in {"add", "change", "delete"}:
            return False
        return super().user_has_permission(user, action)

    def user_has_permission_for_instance(self, user, action, instance):
        if not self.user_has_permission(user, action):
            return False
        return scoped_bookings(user).filter(pk=instance.pk).exists()

    def instances_user_has_any_permission_for(self, user, actions):
        if not any(self.user_has_permission(user, action) for action in actions):
            return Booking.objects.none()
        return scoped_bookings(user)


class BookingIndexView(IndexView):
    def get_base_queryset(self):
        return scoped_bookings(self.request.user, super().get_base_queryset())

    def get(self, request, *args, **kwargs):
        export = request.GET.get("export")
        if export in self.FORMATS:
            raw = request.GET.get("occurrence", "")
            occurrence = Occurrence.objects.filter(pk=int(raw)).first() if raw.isdigit() else None
            audit(request, "ibasho.bookings.export", occurrence, {"format": export})
        return super().get(request, *args, **kwargs)

    def write_csv_row(self, writer, row_dict):
        """Neutralise spreadsheet formulas (=, +, -, @) in CSV cells."""
        values = {}
        for field, value in row_dict.items():
            text = self.preprocess_field_value(field, value, self.FORMAT_CSV)
            if isinstance(text, str) and text.startswith(FORMULA_PREFIXES):
                text = "'" + text
            values[field] = text
        return writer.writerow(values)


class BookingFilterSet(WagtailFilterSet):
    occurrence = django_filters.NumberFilter(widget=forms.HiddenInput)

    class Meta:
        model = Booking
        fields = ["status", "channel"]


class BookingInspectView(InspectView):
    def get_object(self, queryset=None):
        booking = get_object_or_404(scoped_bookings(self.request.user), pk=self.pk)
        audit(self.request, "ibasho.bookings.view", booking.occurrence)
        return booking


class BookingViewSet(ModelViewSet):
    model = Booking
    icon = "list-ul"
    menu_label = gettext_lazy("Bookings")
    menu_order = 250
    add_to_admin_menu = True
    inspect_view_enabled = True
    index_view_class = BookingIndexView
    inspect_view_class = BookingInspectView
    list_display = ["code", "event_title", "date_label", "status", "party_size", "nickname"]
    filterset_class = BookingFilterSet
    search_fields = ["code", "nickname"]
    list_export = [
        "code",
        "event_title",
        "date_label",
        "status",
        "party_size",
        "nickname",
        "who",
        "residence",
        "first_time",
        "needs",
        "channel",
        "checked_in_at",
    ]
    export_filename = "bookings"
    form_fields = ["nickname"]

    def get_queryset(self, request):
        queryset = Booking.objects.select_related("occurrence__event").order_by("-created_at")
        return scoped_bookings(request.user, queryset)


booking_viewset = BookingViewSet("bookings")


class DeskBookingForm(forms.Form):
    nickname = forms.CharField(label=gettext_lazy("Nickname"), max_length=40, initial="匿名")
    party_size = forms.IntegerField(label=gettext_lazy("Number of people"), min_value=1)
    channel = forms.ChoiceField(
        label=gettext_lazy("How it was made"),
        choices=[(Channel.PHONE, Channel.PHONE.label), (Channel.WALK_IN, Channel.WALK_IN.label)],
    )
    who = forms.ChoiceField(required=False, choices=[("", "—"), *Who.choices])
    residence = forms.ChoiceField(required=False, choices=[("", "—"), *Residence.choices])


def _require(request, codename):
    if not request.user.has_perm(f"events.{codename}"):
        raise PermissionDenied


def desk_index(request):
    """Upcoming dates that take bookings, with their counts."""
    _require(request, "view_booking")
    occurrences = (
        scoped_occurrences(request.user)
        .filter(end__gt=timezone.now())
        .exclude(event__booking_mode=BookingMode.NONE)
        .select_related("event")
        .order_by("start")[:100]
    )
    occurrences = list(occurrences)
    counts = desk_counts_for(occurrences)
    for occurrence in occurrences:
        occurrence.confirmed = counts[occurrence.pk]["confirmed"]
        occurrence.waiting = counts[occurrence.pk]["waiting"]
    return TemplateResponse(request, "events/admin/desk_index.html", {"occurrences": occurrences})


def desk(request, occurrence_id):
    """One date at the door: counts, the list, add, check in, close or reopen, draw."""
    _require(request, "view_booking")
    occurrence = get_object_or_404(
        scoped_occurrences(request.user).select_related("event"), pk=occurrence_id
    )
    form = DeskBookingForm()
    if request.method == "GET":
        audit(request, "ibasho.bookings.view", occurrence)
    if request.method == "POST":
        _require(request, "check_in_booking")
        action = request.POST.get("action")
        if action == "add":
            form = DeskBookingForm(request.POST)
            if form.is_valid():
                try:
                    booking, _token = register(occurrence.pk, **form.cleaned_data)
                    messages.success(
                        request, _("Added: booking code %(code)s") % {"code": booking.code}
                    )
                    return redirect("events_desk", occurrence.pk)
                except BookingRefused as refusal:
                    messages.error(request, refusal.message)
        elif action == "check_in":
            found = _find_for_check_in(occurrence, request.POST.get("query", ""))
            if len(found) == 1:
                check_in(found[0].pk)
                messages.success(request, _("Checked in: %(code)s") % {"code": found[0].code})
            elif not found:
                messages.error(request, _("No confirmed booking matches."))
            else:
                messages.warning(request, _("Several bookings match: check in by code."))
            return redirect("events_desk", occurrence.pk)
        elif action in {"close", "reopen"}:
            set_registration_closed(occurrence.pk, closed=action == "close")
            return redirect("events_desk", occurrence.pk)
        elif action == "draw":
            winners = draw_lottery(occurrence.pk)
            messages.success(request, _("Lottery drawn: %(n)d confirmed") % {"n": len(winners)})
            return redirect("events_desk", occurrence.pk)
    bookings = list(occurrence.bookings.order_by("created_at", "pk"))
    counts = {
        **desk_counts_for([occurrence])[occurrence.pk],
        "cancelled": sum(1 for b in bookings if b.status == BookingStatus.CANCELLED),
        "checked_in": sum(b.party_size for b in bookings if b.checked_in_at),
    }
    slot_bookings = {b.slot_id: b for b in bookings if b.slot_id and b.is_active}
    schedule = [(slot, slot_bookings.get(slot.pk)) for slot in occurrence.slots.order_by("start")]
    context = {
        "occurrence": occurrence,
        "schedule": schedule,
        "when": format_range_ja(occurrence.start, occurrence.end, occurrence.all_day),
        "bookings": bookings,
        "counts": counts,
        "form": form,
        "capacity": occurrence.event.capacity if occurrence.event else None,
        "retention": pending_erasure_summary(occurrence.event) if occurrence.event else None,
    }
    return TemplateResponse(request, "events/admin/desk.html", context)


def audit(request, action, occurrence, data=None):
    """Record who looked at or exported which date's bookings, and when. The entry names
    the date, never a participant."""
    from wagtail.log_actions import log

    label = str(occurrence) if occurrence is not None else "all"
    log(
        instance=occurrence if occurrence is not None else request.user,
        action=action,
        user=request.user,
        title=label,
        data={"occurrence": occurrence.pk if occurrence is not None else None, **(data or {})},
    )


def _find_for_check_in(occurrence, query):
    query = query.strip()
    if not query:
        return []
    confirmed = occurrence.bookings.filter(status=BookingStatus.CONFIRMED)
    by_code = list(confirmed.filter(code=query.upper()))
    return by_code or list(confirmed.filter(nickname=query))
