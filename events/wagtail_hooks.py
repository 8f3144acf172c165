"""Admin wiring for events: the bookings list, the door desk, the permission policy, the
yearly statistics."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.permissions import register_permission_policy

from .bookings.admin_views import BookingPermissionPolicy, booking_viewset
from .bookings.audit import ACTIONS
from .bookings.desk_views import cancel_booking, desk, desk_index, draw
from .bookings.models import Booking
from .embed import views as embed_views
from .importers.admin import PartnerFeedPermissionPolicy, partner_feed_viewset
from .importers.models import PartnerFeed
from .statistics import views as statistics_views

register_permission_policy(Booking, BookingPermissionPolicy(Booking))
register_permission_policy(PartnerFeed, PartnerFeedPermissionPolicy(PartnerFeed))


@hooks.register("register_admin_viewset")
def register_partner_feed_viewset():
    return partner_feed_viewset


@hooks.register("register_admin_viewset")
def register_booking_viewset():
    return booking_viewset


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [
        path("desk/", desk_index, name="events_desk_index"),
        path("desk/<int:occurrence_id>/", desk, name="events_desk"),
        path("desk/<int:occurrence_id>/draw/", draw, name="events_desk_draw"),
        path(
            "desk/<int:occurrence_id>/cancel/<int:booking_id>/",
            cancel_booking,
            name="events_desk_cancel",
        ),
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
    for action, label, message in ACTIONS:
        actions.register_action(action, label, message)
