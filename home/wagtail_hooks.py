"""Admin wiring for the site frame: onboarding partners."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.menu import MenuItem

from .views import onboard_partner


@hooks.register("register_admin_urls")
def register_onboarding_url():
    return [path("partners/onboard/", onboard_partner, name="home_onboard_partner")]


class OnboardMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("home.onboard_partner")


@hooks.register("register_settings_menu_item")
def register_onboarding_menu_item():
    return OnboardMenuItem(
        _("Onboard a partner"), reverse("home_onboard_partner"), icon_name="group", order=50
    )
