"""Staff side: the bookings list (a Wagtail viewset, with exports), scoped to what each
user may see. The door desk is in ``desk_views``."""

from itertools import chain

from django import forms
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy

import django_filters

from . import exports
from .audit import audit
from .models import Booking
from .scopes import scoped_bookings, scoped_occurrences


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
    """The list, and its CSV / XLSX exports. Every look at the list (a page of it, a
    filtered view, an export) is in the audit trail, without the search text."""

    custom_value_preprocess = {}

    def get_base_queryset(self):
        return scoped_bookings(self.request.user, super().get_base_queryset())

    @cached_property
    def selected_occurrence(self):
        raw = self.request.GET.get("occurrence", "")
        if not raw.isdigit():
            return None
        return scoped_occurrences(self.request.user).filter(pk=int(raw)).first()

    def get(self, request, *args, **kwargs):
        export = request.GET.get("export")
        occurrence = self.selected_occurrence
        if export in self.FORMATS:
            audit(request, "ibasho.bookings.export", occurrence, {"format": export})
        else:
            filters = {
                key: request.GET.get(key) for key in ("status", "channel") if request.GET.get(key)
            }
            page = request.GET.get("p", "1")
            audit(
                request,
                "ibasho.bookings.list",
                occurrence,
                {
                    "filters": filters,
                    "searched": bool(request.GET.get("q")),
                    "page": int(page) if page.isdigit() else 1,
                },
            )
        return super().get(request, *args, **kwargs)

    # Exports: display labels, Tokyo minutes, a file name with the event and the date.

    def get_filename(self):
        return exports.file_name(self.selected_occurrence)

    def get_heading(self, queryset, field):
        return str(exports.HEADINGS[field])

    def to_row_dict(self, item):
        return exports.row(item)

    def write_csv_row(self, writer, row_dict):
        values = {}
        for field, value in row_dict.items():
            if field == "checked_in_at":
                value = value.strftime("%Y-%m-%d %H:%M") if value else ""
            values[field] = exports.neutralise(value if value is not None else "")
        return writer.writerow(values)

    def generate_xlsx_row(self, worksheet, row_dict, date_format=None):
        for cell in super().generate_xlsx_row(worksheet, row_dict):
            if cell.is_date:
                cell.number_format = "yyyy-mm-dd hh:mm"
            yield cell

    def write_csv_response(self, queryset):
        """UTF-8 with a byte-order mark, so Excel reads the Japanese correctly."""
        response = StreamingHttpResponse(
            chain([exports.BOM], self.stream_csv(queryset)),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = content_disposition_header(
            True, f"{self.get_filename()}.csv"
        )
        return response

    def write_xlsx(self, queryset, output):
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        worksheet = workbook.create_sheet(title=str(gettext_lazy("Bookings")))
        worksheet.append(self.get_heading(queryset, field) for field in self.list_export)
        for item in queryset:
            worksheet.append(self.generate_xlsx_row(worksheet, self.to_row_dict(item)))
        workbook.save(output)


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

    def get_field_display_value(self, field_name, field):
        value = super().get_field_display_value(field_name, field)
        if value is True or value is False or value is None or value == "":
            return {True: _("Yes"), False: _("No")}.get(value, "—")
        if field_name == "checked_in_at":
            return exports.minute_text(value)
        return value


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
    list_export = exports.FIELDS
    inspect_view_fields = [
        "code",
        "event_title",
        "date_label",
        "status",
        "party_size",
        "channel",
        "nickname",
        "email",
        "who",
        "residence",
        "municipality",
        "first_time",
        "needs",
        "wants_reminder",
        "checked_in_at",
    ]
    form_fields = ["nickname"]

    def get_queryset(self, request):
        queryset = Booking.objects.select_related("occurrence__event").order_by("-created_at")
        return scoped_bookings(request.user, queryset)


booking_viewset = BookingViewSet("bookings")
