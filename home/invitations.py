"""Invitations for partner editors: a mail with a time-limited link to set a password.

Onboarded editors start with an unusable password (Django's "forgotten password" form
skips such accounts on purpose), so the ward invites them. The mail is sent by the task
worker; its link is made when the mail is sent, is never stored, and stops working once
the password is set (the token covers the password hash) or after
``PARTNER_INVITATION_DAYS`` days.
"""

import datetime
import logging

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_encode

from django_tasks import task

from .models import InvitationStatus, PartnerInvitation

logger = logging.getLogger(__name__)

SUBJECT = "管理画面のアカウントのご案内"


def invitation_days():
    return int(getattr(settings, "PARTNER_INVITATION_DAYS", 7))


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """Django's password-reset token with its own salt and its own lifetime."""

    key_salt = "home.invitations.InvitationTokenGenerator"

    def check_token(self, user, token):
        if not (user and token):
            return False
        try:
            ts_b36, _hash = token.split("-")
            ts = base36_to_int(ts_b36)
        except ValueError:
            return False
        if not any(
            constant_time_compare(self._make_token_with_timestamp(user, ts, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        ):
            return False
        age = self._num_seconds(self._now()) - ts
        return 0 <= age <= invitation_days() * 24 * 3600


invitation_tokens = InvitationTokenGenerator()


def invitation_link(user):
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    path = reverse("home_invitation_accept", args=(uid, invitation_tokens.make_token(user)))
    return settings.BASE_URL + path


def invite(user, organisation, *, attached_existing=False, invited_by=None):
    """Record the invitation and queue its mail (after the transaction commits). An
    account that already has a password is recorded but gets no set-password link."""
    invitation, created = PartnerInvitation.objects.get_or_create(
        user=user,
        organisation=organisation,
        defaults={"attached_existing": attached_existing, "invited_by": invited_by},
    )
    if created and user.has_usable_password():
        invitation.status = InvitationStatus.NOT_NEEDED
        invitation.save(update_fields=["status"])
    elif created:
        queue(invitation)
    return invitation


def queue(invitation):
    """(Re)send an invitation through the task worker."""
    PartnerInvitation.objects.filter(pk=invitation.pk).update(
        status=InvitationStatus.QUEUED, last_error=""
    )
    invitation.status = InvitationStatus.QUEUED
    transaction.on_commit(lambda pk=invitation.pk: deliver_invitation.enqueue(pk))


def can_invite(user):
    """An invitation can go to an active account with an address and no password yet
    (someone with a password uses "パスワードを忘れた場合" instead)."""
    return user.is_active and bool(user.email) and not user.has_usable_password()


def can_resend(invitation):
    return can_invite(invitation.user)


@task()
def deliver_invitation(invitation_id):
    """Send one invitation mail (run by the worker). Returns "sent", "failed" or "skipped"."""
    return send_invitation(invitation_id)


def send_invitation(invitation_id, now=None):
    now = now or timezone.now()
    invitation = (
        PartnerInvitation.objects.select_related("user", "organisation")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None:
        return "skipped"
    if not can_resend(invitation):
        # The password was set meanwhile (the link would not work anyway).
        invitation.status = InvitationStatus.NOT_NEEDED
        invitation.save(update_fields=["status"])
        return "skipped"
    user = invitation.user
    expires = now + datetime.timedelta(days=invitation_days())
    with translation.override("ja"):
        body = render_to_string(
            "home/mail/invitation.txt",
            {
                "organisation": invitation.organisation,
                "username": user.get_username(),
                "link": invitation_link(user),
                "expires": timezone.localtime(expires),
                "days": invitation_days(),
                "login_url": settings.BASE_URL + reverse("wagtailadmin_login"),
                "site_name": settings.WAGTAIL_SITE_NAME,
            },
        )
    try:
        EmailMessage(
            subject=SUBJECT,
            body=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[user.email],
        ).send()
    except Exception as exc:  # the mail server's problem: the ward sees it and resends
        invitation.status = InvitationStatus.FAILED
        invitation.last_error = type(exc).__name__[:200]
        invitation.save(update_fields=["status", "last_error"])
        logger.warning("invitation %s failed: %s", invitation.pk, invitation.last_error)
        return "failed"
    invitation.status = InvitationStatus.SENT
    invitation.sent_at = now
    invitation.times_sent += 1
    invitation.last_error = ""
    invitation.save(update_fields=["status", "sent_at", "times_sent", "last_error"])
    return "sent"
