"""Partners' editor accounts: the ward's list (who was invited, whether they have set a
password, resend), and the page an invited editor opens to set a password."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _

from .invitations import can_invite, can_resend, invitation_tokens, queue
from .models import InvitationStatus, OrganisationPage, PartnerInvitation


def _require_ward(request):
    if not request.user.has_perm("home.onboard_partner"):
        raise PermissionDenied


def partner_accounts(request):
    """Every onboarded organisation with its editors: how each was added, the state of
    their invitation mail, whether they have set a password, their last log-in."""
    _require_ward(request)
    organisations = (
        OrganisationPage.objects.filter(editors_group__isnull=False)
        .select_related("editors_group")
        .order_by("title")
    )
    raw = request.GET.get("organisation", "")
    selected = None
    if raw.isdigit():
        selected = organisations.filter(pk=int(raw)).first()
        if selected is not None:
            organisations = organisations.filter(pk=selected.pk)
    users = get_user_model().objects.order_by("email", "username")
    organisations = organisations.prefetch_related(
        Prefetch("editors_group__user_set", queryset=users, to_attr="members")
    )
    invitations = {
        (invitation.organisation_id, invitation.user_id): invitation
        for invitation in PartnerInvitation.objects.filter(organisation__in=organisations)
    }
    rows = []
    for organisation in organisations:
        editors = []
        for user in organisation.editors_group.members:
            invitation = invitations.get((organisation.pk, user.pk))
            editors.append(
                {
                    "user": user,
                    "invitation": invitation,
                    "password_set": user.has_usable_password(),
                    "can_resend": can_invite(user),
                }
            )
        rows.append((organisation, editors))
    context = {"rows": rows, "selected": selected, "statuses": InvitationStatus}
    return TemplateResponse(request, "home/admin/partner_accounts.html", context)


def resend_invitation(request, organisation_id, user_id):
    """Queue the invitation mail again (a new link; the old one still works until it
    expires or a password is set)."""
    _require_ward(request)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    organisation = get_object_or_404(
        OrganisationPage, pk=organisation_id, editors_group__isnull=False
    )
    user = get_object_or_404(get_user_model(), pk=user_id, groups=organisation.editors_group_id)
    invitation, _created = PartnerInvitation.objects.get_or_create(
        user=user, organisation=organisation, defaults={"invited_by": request.user}
    )
    if can_resend(invitation):
        queue(invitation)
        messages.success(
            request,
            _("The invitation mail will be sent again to %(email)s.") % {"email": user.email},
        )
    elif user.has_usable_password():
        messages.error(
            request,
            _(
                '%(email)s has set a password already: they can use "Forgotten password?" '
                "on the log-in page."
            )
            % {"email": user.email or user.get_username()},
        )
    else:
        messages.error(
            request,
            _("No invitation can go to %(name)s: the account is inactive or has no address.")
            % {"name": user.get_username()},
        )
    url = reverse("home_partner_accounts")
    return redirect(f"{url}?organisation={organisation.pk}")


class InvitationAcceptView(auth_views.PasswordResetConfirmView):
    """The invitation's link: set a password, then straight into the admin."""

    token_generator = invitation_tokens
    template_name = "home/admin/invitation_accept.html"
    post_reset_login = True
    post_reset_login_backend = "django.contrib.auth.backends.ModelBackend"
    success_url = reverse_lazy("wagtailadmin_home")

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your password is set. Welcome! You are logged in."))
        return response
