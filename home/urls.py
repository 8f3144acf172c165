"""The invitation link (outside Wagtail's admin URLs, which require a logged-in user)."""

from django.urls import path

from .partner_views import InvitationAcceptView

urlpatterns = [
    path(
        "<uidb64>/<token>/",
        InvitationAcceptView.as_view(),
        name="home_invitation_accept",
    ),
]
