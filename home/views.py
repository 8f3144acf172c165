"""Admin view: onboarding a partner organisation, the same step as ``add_partner``."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import OrganisationKind
from .partners import PartnerError, add_partner


class OnboardPartnerForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Organisation name"), max_length=120)
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

    def clean_editors(self):
        emails = [line.strip() for line in self.cleaned_data["editors"].splitlines()]
        emails = [email for email in emails if email]
        validator = forms.EmailField()
        for email in emails:
            validator.clean(email)
        return emails


def onboard_partner(request):
    if not request.user.has_perm("home.onboard_partner"):
        raise PermissionDenied
    form = OnboardPartnerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = add_partner(
                data["name"], data["kind"], slug=data["slug"], editors=data["editors"]
            )
        except PartnerError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("%(name)s is onboarded. Its page is published after the ward approves it.")
                % {"name": result.organisation.title},
            )
            return redirect("wagtailadmin_pages:edit", result.organisation.pk)
    return TemplateResponse(request, "home/admin/onboard_partner.html", {"form": form})
