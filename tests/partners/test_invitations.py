"""Onboarded editors are invited by mail, set their own password and log in; the ward sees
who was invited and can resend. Existing accounts are never attached silently."""

import datetime
import email
import email.policy
import re
from io import StringIO

from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse

import pytest

from home.invitations import InvitationTokenGenerator, invitation_link
from home.models import InvitationStatus, OrganisationPage, PartnerInvitation
from home.partners import ExistingAccounts, add_partner, ensure_ward_staff
from tests.bookings.test_mail import run_worker

pytestmark = pytest.mark.django_db

LINK = re.compile(r"http://testserver(/admin/invitation/[^\s]+/)")


def link_in(body):
    match = LINK.search(body)
    assert match, body
    return match.group(1)


@pytest.fixture
def ward_client(client, site_tree):
    staff = get_user_model().objects.create_user("ward", "ward@example.jp", "pw")
    staff.groups.add(ensure_ward_staff())
    client.force_login(staff)
    return client


@pytest.mark.django_db(transaction=True)
def test_the_invitation_lets_a_new_editor_set_a_password_and_log_in(client, settings, tmp_path):
    """Onboarding queues the mail; a real `db_worker` process sends it; its link sets the
    password and logs the editor in; the link then stops working."""
    from tests.conftest import build_site_tree

    build_site_tree()
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    out = StringIO()
    call_command(
        "add_partner",
        "家族会 みらい",
        "--kind",
        "family_association",
        "--slug",
        "mirai",
        "--editor",
        "Mirai@Example.jp",
        stdout=out,
    )
    assert "新しいアカウント：mirai@example.jp" in out.getvalue()
    invitation = PartnerInvitation.objects.get()
    assert invitation.status == InvitationStatus.QUEUED and not mail.outbox
    run_worker(tmp_path)
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.SENT and invitation.times_sent == 1
    (sent,) = list(tmp_path.iterdir())
    message = email.message_from_bytes(sent.read_bytes(), policy=email.policy.default)
    assert message["To"] == "mirai@example.jp"
    body = message.get_content()
    assert "家族会 みらい" in body and "ログイン名：mirai@example.jp" in body

    url = link_in(body)
    response = client.get(url)
    assert response.status_code == 302  # the token moves into the session
    form = client.get(response["Location"])
    assert "パスワードを決めてください" in form.content.decode()
    done = client.post(
        response["Location"],
        {"new_password1": "yuugure-no-hidamari-7", "new_password2": "yuugure-no-hidamari-7"},
    )
    assert done.status_code == 302 and done["Location"] == reverse("wagtailadmin_home")
    assert client.get(reverse("wagtailadmin_home")).status_code == 200  # logged in
    user = get_user_model().objects.get(email="mirai@example.jp")
    assert user.has_usable_password()

    client.logout()
    login = client.post(
        reverse("wagtailadmin_login"),
        {"username": "mirai@example.jp", "password": "yuugure-no-hidamari-7"},
    )
    assert login.status_code == 302
    client.logout()
    used = client.get(url, follow=True).content.decode()
    assert "このリンクは使えなくなりました" in used


def test_an_invitation_link_expires(client, site_tree, monkeypatch, settings):
    settings.PARTNER_INVITATION_DAYS = 7
    result = add_partner("会A", "npo", slug="a", editors=["a@example.jp"])
    url = invitation_link(result.new_accounts[0]).removeprefix("http://testserver")
    later = datetime.datetime.now() + datetime.timedelta(days=8)
    monkeypatch.setattr(InvitationTokenGenerator, "_now", lambda self: later)
    html = client.get(url, follow=True).content.decode()
    assert "このリンクは使えなくなりました" in html
    assert not get_user_model().objects.get(email="a@example.jp").has_usable_password()


def test_the_ward_sees_who_was_invited_and_resends(
    ward_client, site_tree, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = ward_client.post(
            reverse("home_onboard_partner"),
            {"name": "当事者会 そら", "kind": "peer_group", "slug": "sora", "editors": "s@ex.jp"},
            follow=True,
        )
    html = response.content.decode()
    assert "当事者会 そら" in html and "s@ex.jp" in html
    assert "パスワード設定用の招待メールを送ります" in html and "送信待ち" in html
    html = ward_client.get(reverse("home_partner_accounts")).content.decode()
    assert "送信済み" in html and "未設定" in html and "新規アカウント" in html
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["s@ex.jp"]

    organisation = OrganisationPage.objects.get(slug="sora")
    user = get_user_model().objects.get(email="s@ex.jp")
    resend = reverse("home_resend_invitation", args=(organisation.pk, user.pk))
    assert ward_client.get(resend).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        html = ward_client.post(resend, follow=True).content.decode()
    assert "招待メールを再送します" in html
    assert len(mail.outbox) == 2
    assert PartnerInvitation.objects.get().times_sent == 2

    user.set_password("a-password-of-their-own")
    user.save()
    html = ward_client.get(reverse("home_partner_accounts")).content.decode()
    assert "設定済み" in html and "招待メールを再送" not in html
    html = ward_client.post(resend, follow=True).content.decode()
    assert "パスワードを設定済み" in html
    assert len(mail.outbox) == 2


def test_partners_cannot_see_the_accounts_list(client, site_tree):
    editor = add_partner("会A", "npo", slug="a", editors=["a@example.jp"]).editors[0]
    client.force_login(editor)
    assert client.get(reverse("home_partner_accounts")).status_code in {302, 403}


def test_an_editor_cannot_change_their_own_address(client, site_tree):
    """The hijack: an editor of partner A changes their address to the one the ward will
    onboard next, to be given partner N's pages and bookings."""
    a = add_partner("家族会A", "family_association", slug="org-a", editors=["a@example.jp"])
    editor = a.editors[0]
    client.force_login(editor)
    account = reverse("wagtailadmin_account")
    assert 'name="name_email-email"' not in client.get(account).content.decode()
    client.post(
        account,
        {
            "name_email-first_name": "花子",
            "name_email-last_name": "山田",
            "name_email-email": "next@example.jp",
            "locale-preferred_language": "ja",
            "locale-current_time_zone": "Asia/Tokyo",
            "theme-theme": "system",
            "theme-density": "default",
            "theme-contrast": "system",
        },
    )
    editor.refresh_from_db()
    assert editor.email == "a@example.jp"
    assert editor.first_name == "花子"  # the rest of the page still works
    n = add_partner("家族会N", "family_association", slug="org-n", editors=["next@example.jp"])
    assert n.new_accounts and n.new_accounts[0].pk != editor.pk
    assert not editor.groups.filter(pk=n.group.pk).exists()


def test_an_existing_account_is_never_attached_silently(site_tree):
    a = add_partner("家族会A", "family_association", slug="org-a", editors=["a@example.jp"])
    # However the address got there (a superuser's edit, an old account): refused.
    with pytest.raises(ExistingAccounts) as refusal:
        add_partner("家族会N", "family_association", slug="org-n", editors=["A@example.jp"])
    assert "家族会A 編集者" in str(refusal.value) and "--attach-existing" in str(refusal.value)
    assert not OrganisationPage.objects.filter(slug="org-n").exists()  # nothing half-made

    out = StringIO()
    with pytest.raises(CommandError, match="家族会A 編集者"):
        call_command(
            "add_partner", "家族会N", "--kind", "npo", "--slug", "org-n", "--editor",
            "a@example.jp", stdout=out,
        )  # fmt: skip
    call_command(
        "add_partner", "家族会N", "--kind", "npo", "--slug", "org-n", "--editor",
        "a@example.jp", "--attach-existing", stdout=out,
    )  # fmt: skip
    assert "既存のアカウントを追加しました：a@example.jp" in out.getvalue()
    editor = a.editors[0]
    assert editor.groups.filter(name="家族会N 編集者").exists()
    invitation = PartnerInvitation.objects.get(organisation__slug="org-n")
    assert invitation.attached_existing


def test_the_admin_form_asks_before_attaching_and_lists_the_groups(ward_client, site_tree):
    a = add_partner("家族会A", "family_association", slug="org-a", editors=["a@example.jp"])
    editor = a.editors[0]
    url = reverse("home_onboard_partner")
    data = {"name": "家族会N", "kind": "npo", "slug": "org-n", "editors": "a@example.jp"}
    html = ward_client.post(url, data).content.decode()
    assert "すでにアカウントがあります" in html and "家族会A 編集者" in html
    assert not OrganisationPage.objects.filter(slug="org-n").exists()
    # Ticking the box without the confirmed list (or for other accounts) asks again.
    html = ward_client.post(url, {**data, "attach_existing": "on"}).content.decode()
    assert "すでにアカウントがあります" in html
    assert not OrganisationPage.objects.filter(slug="org-n").exists()
    confirmed = {**data, "attach_existing": "on", "confirmed_accounts": str(editor.pk)}
    html = ward_client.post(url, confirmed, follow=True).content.decode()
    assert "既存のアカウントを編集者に加えました" in html and "既存のアカウントを追加" in html
    assert editor.groups.filter(name="家族会N 編集者").exists()


def test_an_existing_name_under_a_new_slug_is_a_clear_error(ward_client, site_tree):
    add_partner("家族会A", "family_association", slug="org-a")
    with pytest.raises(CommandError, match="/partners/org-a/"):
        call_command("add_partner", "家族会A", "--kind", "npo", "--slug", "x", stdout=StringIO())
    response = ward_client.post(
        reverse("home_onboard_partner"), {"name": "家族会A", "kind": "npo", "slug": "other"}
    )
    assert response.status_code == 200
    assert "すでに /partners/org-a/ で登録されています" in response.content.decode()
    assert OrganisationPage.objects.filter(title="家族会A").count() == 1


def test_no_invitation_mail_once_a_password_is_set_or_the_account_is_off(ward_client, site_tree):
    from home.invitations import send_invitation

    result = add_partner("会A", "npo", slug="a", editors=["a@example.jp"])
    user, invitation = result.new_accounts[0], PartnerInvitation.objects.get()
    user.set_password("chosen-before-the-mail-went-out")
    user.save()
    assert send_invitation(invitation.pk) == "skipped" and not mail.outbox
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.NOT_NEEDED
    user.set_unusable_password()
    user.is_active = False
    user.save()
    resend = reverse("home_resend_invitation", args=(result.organisation.pk, user.pk))
    html = ward_client.post(resend, follow=True).content.decode()
    assert "招待メールを送れません" in html and not mail.outbox
