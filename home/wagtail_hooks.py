"""Admin wiring for the site frame: onboarding partners, their editors' accounts, what
partner editors see of the page tree, and two-step login."""

from django.http import Http404
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import twofactor_views
from .page_scope import browsable_pages, scope
from .partner_views import partner_accounts, resend_invitation
from .review import confirm_withdrawal, withdraw_request
from .views import onboard_partner


@hooks.register("register_admin_urls")
def register_onboarding_url():
    return [
        path("partners/onboard/", onboard_partner, name="home_onboard_partner"),
        path("partners/accounts/", partner_accounts, name="home_partner_accounts"),
        path(
            "partners/accounts/<int:organisation_id>/<int:user_id>/resend/",
            resend_invitation,
            name="home_resend_invitation",
        ),
        path("pages/<int:page_id>/withdraw/", withdraw_request, name="home_withdraw_request"),
    ]


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


@hooks.register("register_settings_menu_item")
def register_partner_accounts_menu_item():
    return OnboardMenuItem(
        _("Partners' editors"), reverse("home_partner_accounts"), icon_name="user", order=51
    )


@hooks.register("construct_page_chooser_queryset")
def scope_page_chooser(pages, request):
    """Choosers list the user's own section and the public site only; opening another
    partner's unpublished page in the chooser is a 404."""
    match = request.resolver_match
    if match is not None and match.url_name == "wagtailadmin_choose_page_child":
        allowed = browsable_pages(request.user)
        parent_id = match.kwargs.get("parent_page_id")
        if allowed is not None and not allowed.filter(pk=parent_id).exists():
            raise Http404
    return scope(pages, request.user)


@hooks.register("construct_explorer_page_queryset")
def scope_explorer(parent_page, pages, request):
    return scope(pages, request.user)


hooks.register("construct_page_action_menu", confirm_withdrawal)
