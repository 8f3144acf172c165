"""Login protection: wrong passwords lock an account from that client address (the
trusted-proxy address), with a Japanese page and a documented unlock; password-reset
mails are throttled without revealing which addresses have accounts."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.test import override_settings

import pytest

from home.partners import WARD_STAFF_GROUP, ensure_ward_staff

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


@pytest.fixture
def staff(site_tree):
    user = get_user_model().objects.create_user(
        "ward-staff", email="staff@ward.example.jp", password=PASSWORD
    )
    ensure_ward_staff()
    user.groups.add(Group.objects.get(name=WARD_STAFF_GROUP))
    return user


def login(client, password, address="203.0.113.5", forwarded=None, username="ward-staff"):
    extra = {"REMOTE_ADDR": address}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(
        "/admin/login/", {"username": username, "password": password, "next": "/admin/"}, **extra
    )


def test_wrong_passwords_lock_the_account_from_that_address(client, staff, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(client, "guess").status_code == 200  # the form again, with an error
    assert login(client, "guess").status_code == 429  # the last allowed failure locks
    response = login(client, PASSWORD)
    assert response.status_code == 429
    html = response.content.decode()
    assert "このアカウントへのログインを一時停止しています" in html
    assert "1時間" in html
    # A forged header changes nothing when no proxy is configured.
    assert login(client, PASSWORD, forwarded="198.51.100.1").status_code == 429
    # The person at another address is not locked out.
    assert login(client, PASSWORD, address="198.51.100.20").status_code == 302


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_the_proxy_the_lock_is_on_the_client_address(client, staff, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "guess", address="127.0.0.1", forwarded="198.51.100.66")
    assert login(client, PASSWORD, "127.0.0.1", "198.51.100.66").status_code == 429
    assert login(client, PASSWORD, "127.0.0.1", "198.51.100.7").status_code == 302


def test_staff_unlock_with_axes_reset_username(client, staff, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "guess")
    assert login(client, PASSWORD).status_code == 429
    call_command("axes_reset_username", "ward-staff")
    assert login(client, PASSWORD).status_code == 302


def reset(client, email, address="203.0.113.5"):
    return client.post("/admin/password_reset/", {"email": email}, REMOTE_ADDR=address)


def test_password_reset_mails_are_throttled_per_account(client, staff):
    responses = [reset(client, "staff@ward.example.jp", f"198.51.100.{n}") for n in range(6)]
    assert {r.status_code for r in responses} == {302}  # the same answer every time
    assert {r["Location"] for r in responses} == {responses[0]["Location"]}
    assert len(mail.outbox) == 3
    # An unknown address gets exactly the same answer.
    other = reset(client, "nobody@example.jp")
    assert (other.status_code, other["Location"]) == (302, responses[0]["Location"])


def test_password_reset_mails_are_throttled_per_client_address(client, site_tree, settings):
    settings.PASSWORD_RESET_LIMITS = {"address": (2, 3600)}
    for n in range(4):
        get_user_model().objects.create_user(f"editor{n}", f"e{n}@example.jp", PASSWORD)
        assert reset(client, f"e{n}@example.jp").status_code == 302
    assert len(mail.outbox) == 2
