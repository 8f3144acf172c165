"""Two-factor login for the admin (django-otp: an authenticator app, plus backup codes).

Offered to every account; required for ward staff (the 区職員 group) and superusers
when ``TWO_FACTOR_REQUIRED`` is on (production's default). wagtail-2fa, the usual package,
does not run on Wagtail 8 (it imports ``wagtail.users.widgets``, removed in Wagtail 8), so
this is the small integration it would have been: after the password, an account with a
device is asked for a code; an account that must have one and has none is sent to set
one up. Until then the session is anonymous outside those pages.
"""

from functools import lru_cache

from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

import django_otp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from .partners import WARD_STAFF_GROUP

# Pages a signed-in but not yet verified account may open.
OPEN_URL_NAMES = (
    "wagtailadmin_login",
    "wagtailadmin_logout",
    "wagtailadmin_javascript_catalog",
    "home_twofactor_verify",
    "home_twofactor_setup",
)


def two_factor_required(user):
    if not getattr(settings, "TWO_FACTOR_REQUIRED", False) or not user.is_authenticated:
        return False
    return user.is_superuser or user.groups.filter(name=WARD_STAFF_GROUP).exists()


def has_device(user):
    return django_otp.user_has_device(user, confirmed=True)


@transaction.atomic
def remove_devices(user):
    """Remove the account's authenticator apps and backup codes (turning two-step login
    off, or resetting it after a lost phone); the number of records removed."""
    return sum(model.objects.filter(user=user).delete()[0] for model in (TOTPDevice, StaticDevice))


def safe_next(request, default=None):
    target = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME, "")
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if target and allowed else (default or reverse("wagtailadmin_home"))


@lru_cache(maxsize=1)
def _open_paths():
    return tuple(reverse(name) for name in OPEN_URL_NAMES)


def _is_open(path):
    prefixes = (settings.STATIC_URL, settings.MEDIA_URL, "/health/", "/admin/sprite-")
    return path in _open_paths() or path.startswith(prefixes)


class TwoFactorMiddleware:
    """After ``django_otp.middleware.OTPMiddleware``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if not user.is_authenticated or _is_open(request.path_info) or user.is_verified():
            return self.get_response(request)
        if has_device(user):
            page = "home_twofactor_verify"
        elif two_factor_required(user):
            page = "home_twofactor_setup"
        else:
            return self.get_response(request)
        if request.path_info.startswith(reverse("wagtailadmin_home")):
            query = urlencode({REDIRECT_FIELD_NAME: request.get_full_path()})
            return redirect(f"{reverse(page)}?{query}")
        # Elsewhere a half-signed-in account is nobody in particular.
        request.user = AnonymousUser()
        return self.get_response(request)
