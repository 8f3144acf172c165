"""Admin view: onboarding a partner organisation, the same step as ``add_partner``."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import OrganisationKind
from .partners import MAX_NAME_LENGTH, ExistingAccounts, PartnerError, account_groups, add_partner


class OnboardPartnerForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Organisation name"), max_length=MAX_NAME_LENGTH)
    kind = forms.ChoiceField(label=gettext_lazy("kind"), choices=OrganisationKind.choices)
    slug = forms.SlugField(
        label=gettext_lazy("Address (letters, digits and hyphens)"),
        max_length=60,
        help_text=gettext_lazy("Used in /partners/<address>/"),
    )
    editors = forms.CharField(
        label=gettext_lazy("Editors' e-mail addresses (one per line)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    # Shown only with the list of existing accounts (see the template).
    attach_existing = forms.BooleanField(
        label=gettext_lazy("Add the existing accounts above as this organisation's editors"),
        required=False,
    )
    confirmed_accounts = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_editors(self):
        emails = [line.strip() for line in self.cleaned_data["editors"].splitlines()]
        emails = [email for email in emails if email]
        validator = forms.EmailField()
        for email in emails:
            validator.clean(email)
        return emails

    def clean_confirmed_accounts(self):
        raw = self.cleaned_data["confirmed_accounts"]
        ids = [part for part in raw.split(",") if part.strip()]
        if not all(part.strip().isdigit() for part in ids):
            raise forms.ValidationError(_("Please confirm the existing accounts again."))
        return {int(part) for part in ids}


def onboard_partner(request):
    if not request.user.has_perm("home.onboard_partner"):
        raise PermissionDenied
    form = OnboardPartnerForm(request.POST or None)
    existing = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = add_partner(
                data["name"],
                data["kind"],
                slug=data["slug"],
                editors=data["editors"],
                attach_existing=data["attach_existing"],
                confirmed_accounts=data["confirmed_accounts"] if data["attach_existing"] else None,
                invited_by=request.user,
            )
        except ExistingAccounts as error:
            existing = [(user, account_groups(user)) for user in error.accounts]
            form = OnboardPartnerForm(
                initial={
                    **{key: request.POST.get(key, "") for key in ("name", "kind", "slug")},
                    "editors": request.POST.get("editors", ""),
                    "confirmed_accounts": ",".join(str(user.pk) for user, _ in existing),
                }
            )
        except PartnerError as error:
            form.add_error(None, str(error))
        else:
            _report(request, result)
            url = reverse("home_partner_accounts")
            return redirect(f"{url}?organisation={result.organisation.pk}")
    return TemplateResponse(
        request, "home/admin/onboard_partner.html", {"form": form, "existing": existing}
    )


def _report(request, result):
    """One message per fact the ward should see: what was made, who was invited, which
    existing accounts were added."""
    title = result.organisation.title
    if result.created:
        messages.success(
            request,
            _("%(name)s is onboarded. Its page is published after the ward approves it.")
            % {"name": title},
        )
    else:
        messages.info(request, _("%(name)s was onboarded already.") % {"name": title})
    if result.new_accounts:
        messages.success(
            request,
            _("Invitation mail to set a password will be sent to: %(emails)s")
            % {"emails": "、".join(user.email for user in result.new_accounts)},
        )
    for user in result.attached:
        messages.warning(
            request,
            _("Existing account added as an editor: %(email)s (groups: %(groups)s)")
            % {"email": user.email, "groups": "、".join(account_groups(user))},
        )
