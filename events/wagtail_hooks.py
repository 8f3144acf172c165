"""Admin wiring for events: the bookings list, the door desk, the permission policy, the
yearly statistics."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.permissions import register_permission_policy

from .bookings.admin_views import BookingPermissionPolicy, booking_viewset, desk, desk_index
from .bookings.models import Booking
from .embed import views as embed_views
from .statistics import views as statistics_views

register_permission_policy(Booking, BookingPermissionPolicy(Booking))


@hooks.register("register_admin_viewset")
def register_booking_viewset():
    return booking_viewset


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [
        path("desk/", desk_index, name="events_desk_index"),
        path("desk/<int:occurrence_id>/", desk, name="events_desk"),
        path("embed/", embed_views.embed_admin, name="events_embed"),
        path("statistics/", statistics_views.statistics_index, name="events_statistics_index"),
        path("statistics/<int:year>/", statistics_views.statistics_year, name="events_statistics"),
        path(
            "statistics/<int:year>/export.xlsx",
            statistics_views.statistics_export,
            name="events_statistics_export",
        ),
        path(
            "statistics/<int:year>/summary/",
            statistics_views.statistics_summary,
            name="events_statistics_summary",
        ),
    ]


class DeskMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("events.view_booking")


@hooks.register("register_admin_menu_item")
def register_desk_menu_item():
    return DeskMenuItem(_("Door desk"), reverse("events_desk_index"), icon_name="tick", order=260)


@hooks.register("register_admin_menu_item")
def register_statistics_menu_item():
    return DeskMenuItem(
        _("Statistics"), reverse("events_statistics_index"), icon_name="table", order=270
    )


@hooks.register("register_admin_menu_item")
def register_embed_menu_item():
    return MenuItem(_("Embed on your site"), reverse("events_embed"), icon_name="code", order=280)


@hooks.register("register_log_actions")
def register_booking_log_actions(actions):
    actions.register_action("ibasho.bookings.view", _("View bookings"), _("Viewed the bookings"))
    actions.register_action(
        "ibasho.bookings.export", _("Export bookings"), _("Exported the bookings")
    )
