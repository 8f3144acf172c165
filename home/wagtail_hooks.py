"""Admin wiring for the site frame: onboarding partners, two-step login."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import twofactor_views
from .views import onboard_partner


@hooks.register("register_admin_urls")
def register_onboarding_url():
    return [path("partners/onboard/", onboard_partner, name="home_onboard_partner")]


@hooks.register("register_admin_urls")
def register_two_factor_urls():
    return [
        path("2fa/", twofactor_views.status, name="home_twofactor_status"),
        path("2fa/verify/", twofactor_views.verify, name="home_twofactor_verify"),
        path("2fa/setup/", twofactor_views.setup, name="home_twofactor_setup"),
    ]


@hooks.register("register_account_menu_item")
def register_two_factor_account_item(request):
    return {
        "url": reverse("home_twofactor_status"),
        "label": _("Two-step login"),
        "help_text": _("Sign in with a code from an authenticator app as well as the password."),
    }


class OnboardMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("home.onboard_partner")


@hooks.register("register_settings_menu_item")
def register_onboarding_menu_item():
    return OnboardMenuItem(
        _("Onboard a partner"), reverse("home_onboard_partner"), icon_name="group", order=50
    )
