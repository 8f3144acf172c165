"""The two-factor pages: enter a code, set up an authenticator app, see one's status."""

from django import forms
from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

import django_otp
import segno
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .twofactor import has_device, remove_devices, safe_next, two_factor_required

BACKUP_CODES = 10


class CodeForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=16,
        help_text=gettext_lazy("6 digits from your authenticator app, or a backup code."),
        # Django adds required, maxlength, and aria-describedby naming the help text (and
        # the errors while there are some, with aria-invalid): code_field.html's ids.
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_token(self):
        return "".join(self.cleaned_data["token"].split())


def _signed_in(view):
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect("wagtailadmin_login")
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    return wrapped


@never_cache
@sensitive_post_parameters("token")
@_signed_in
def verify(request):
    user = request.user
    if user.is_verified() or not has_device(user):
        return redirect(safe_next(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = django_otp.match_token(user, form.cleaned_data["token"])
        if device is not None:
            django_otp.login(request, device)
            return redirect(safe_next(request))
        form.add_error("token", _("This code is not right or has expired. Try the next one."))
    context = {"form": form, "next": safe_next(request)}
    return TemplateResponse(request, "home/twofactor/verify.html", context)


@never_cache
@sensitive_post_parameters("token")
@_signed_in
def setup(request):
    user = request.user
    if has_device(user) and not user.is_verified():
        return redirect(f"{reverse('home_twofactor_verify')}?{request.META['QUERY_STRING']}")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            codes = _confirm(user, device)
            django_otp.login(request, device)
            context = {"codes": codes, "next": safe_next(request)}
            return TemplateResponse(request, "home/twofactor/backup_codes.html", context)
        form.add_error("token", _("This code is not right. Check the phone's clock and retry."))
    context = {
        "form": form,
        "next": safe_next(request),
        "required": two_factor_required(user),
        "qr_svg": segno.make(device.config_url, error="m").svg_inline(
            scale=4, title=_("QR code for the authenticator app")
        ),
        "secret": " ".join(_groups(device)),
    }
    return TemplateResponse(request, "home/twofactor/setup.html", context)


def _groups(device):
    from base64 import b32encode

    key = b32encode(device.bin_key).decode().rstrip("=")
    return [key[i : i + 4] for i in range(0, len(key), 4)]


@transaction.atomic
def _confirm(user, device):
    """The new app replaces any old one; fresh backup codes replace the old ones."""
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    StaticDevice.objects.filter(user=user).delete()
    backup = StaticDevice.objects.create(user=user, name=_("Backup codes"), confirmed=True)
    codes = [StaticToken.random_token() for _n in range(BACKUP_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=backup, token=code) for code in codes)
    return codes


@never_cache
@_signed_in
def status(request):
    """The account's two-factor status; turning it off where it is not required."""
    user = request.user
    required = two_factor_required(user)
    if request.method == "POST" and request.POST.get("action") == "disable" and not required:
        remove_devices(user)
        messages.success(request, _("Two-step login is turned off for your account."))
        return redirect("home_twofactor_status")
    backup = StaticDevice.objects.filter(user=user, confirmed=True).first()
    context = {
        "enabled": has_device(user),
        "required": required,
        "backup_left": backup.token_set.count() if backup else 0,
    }
    return TemplateResponse(request, "home/twofactor/status.html", context)
