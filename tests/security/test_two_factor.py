"""Two-step login: required for ward staff when the production setting says so, offered
to partners, backup codes for a lost phone, and a reset command for the administrator."""

import json
import re
import subprocess
import sys
import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from home.partners import WARD_STAFF_GROUP, ensure_ward_staff

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"
PROJECT = Path(__file__).resolve().parents[2]


def make_user(username, group=None):
    user = get_user_model().objects.create_user(username, f"{username}@example.jp", PASSWORD)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def ward_staff(site_tree):
    ensure_ward_staff()
    return make_user("ward-staff", WARD_STAFF_GROUP)


@pytest.fixture
def partner(site_tree):
    from home.partners import add_partner

    result = add_partner("家族会 テスト", "family_association", slug="test-family")
    return make_user("partner-editor", result.group.name)


def sign_in(client, username):
    response = client.post(
        "/admin/login/", {"username": username, "password": PASSWORD, "next": "/admin/"}
    )
    assert response.status_code == 302, response.content.decode()[:500]
    return client.get(response["Location"])


def enrol(client, user):
    client.get("/admin/2fa/setup/")
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    done = client.post("/admin/2fa/setup/", {"token": current_code(device)})
    return re.findall(r"<li><code>(\w+)</code></li>", done.content.decode())


def current_code(device):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():06d}"


def test_ward_staff_must_set_up_two_step_login(client, ward_staff, settings):
    settings.TWO_FACTOR_REQUIRED = True
    response = sign_in(client, "ward-staff")
    assert response.status_code == 302
    assert response["Location"] == "/admin/2fa/setup/?next=%2Fadmin%2F"
    assert client.get("/admin/").status_code == 302  # the password alone opens nothing
    setup = client.get(response["Location"])
    html = setup.content.decode()
    assert setup.status_code == 200 and "<svg" in html and "2段階認証を設定する" in html
    # Outside the admin the half-signed-in account is anonymous.
    assert "wagtail-userbar" not in client.get("/events/").content.decode()
    device = TOTPDevice.objects.get(user=ward_staff, confirmed=False)
    wrong = client.post(response["Location"], {"token": "000000"})
    assert wrong.status_code == 200 and "コードが正しくありません" in wrong.content.decode()
    # The form's field, with its widget's attributes, names its help text and the error.
    field = re.search(r'<input type="text" name="token"[^>]*>', wrong.content.decode())[0]
    for attribute in (
        'autocomplete="one-time-code"',
        'inputmode="numeric"',
        'aria-describedby="id_token_helptext id_token_error"',
        'aria-invalid="true"',
        'maxlength="16"',
    ):
        assert attribute in field, attribute
    assert 'id="id_token_helptext"' in html and 'aria-describedby="id_token_helptext"' in html
    time.sleep(1.1)  # django-otp makes a device wait after a wrong code
    done = client.post(response["Location"], {"token": current_code(device)})
    codes = re.findall(r"<li><code>(\w+)</code></li>", done.content.decode())
    assert len(codes) == 10
    assert client.get("/admin/").status_code == 200
    assert TOTPDevice.objects.get(user=ward_staff).confirmed

    # Next time: the password, then a code. A backup code works once.
    client.logout()
    response = sign_in(client, "ward-staff")
    assert response["Location"].startswith("/admin/2fa/verify/")
    verified = client.post(response["Location"], {"token": codes[0]})
    assert verified.status_code == 302 and verified["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    client.logout()
    response = sign_in(client, "ward-staff")
    again = client.post(response["Location"], {"token": codes[0]})
    assert again.status_code == 200 and "正しくない" in again.content.decode()


def test_without_the_setting_it_is_offered_not_forced(client, ward_staff, settings):
    settings.TWO_FACTOR_REQUIRED = False
    assert sign_in(client, "ward-staff").status_code == 200


def test_partners_may_turn_it_on_and_off(client, partner, settings):
    settings.TWO_FACTOR_REQUIRED = True  # required for ward staff only
    assert sign_in(client, "partner-editor").status_code == 200
    status = client.get("/admin/2fa/").content.decode()
    assert "2段階認証はオフです" in status
    assert len(enrol(client, partner)) == 10
    assert "2段階認証はオンです" in client.get("/admin/2fa/").content.decode()
    client.logout()
    assert sign_in(client, "partner-editor").status_code == 302  # now a code is asked for
    backup = StaticDevice.objects.get(user=partner).token_set.first().token
    client.post("/admin/2fa/verify/", {"token": backup})
    assert client.post("/admin/2fa/", {"action": "disable"}).status_code == 302
    assert not TOTPDevice.objects.filter(user=partner).exists()


def test_staff_cannot_turn_it_off_when_required(client, ward_staff, settings):
    settings.TWO_FACTOR_REQUIRED = True
    sign_in(client, "ward-staff")
    assert len(enrol(client, ward_staff)) == 10
    client.post("/admin/2fa/", {"action": "disable"})
    assert TOTPDevice.objects.filter(user=ward_staff, confirmed=True).exists()


def test_the_administrator_resets_a_lost_phone(client, ward_staff, settings):
    settings.TWO_FACTOR_REQUIRED = True
    sign_in(client, "ward-staff")
    assert len(enrol(client, ward_staff)) == 10
    call_command("twofactor_reset", "ward-staff")
    assert not TOTPDevice.objects.filter(user=ward_staff).exists()
    assert not StaticDevice.objects.filter(user=ward_staff).exists()
    client.logout()
    assert sign_in(client, "ward-staff")["Location"].startswith("/admin/2fa/setup/")


def test_a_next_parameter_cannot_leave_the_site(client, ward_staff, settings):
    settings.TWO_FACTOR_REQUIRED = True
    sign_in(client, "ward-staff")
    assert len(enrol(client, ward_staff)) == 10
    client.logout()
    sign_in(client, "ward-staff")
    code = StaticDevice.objects.get(user=ward_staff).token_set.first().token
    response = client.post("/admin/2fa/verify/?next=//evil.example/", {"token": code})
    assert response["Location"] == "/admin/"


def test_production_requires_it_by_default():
    probe = (
        "import json, django; from django.conf import settings; django.setup(); "
        "print(json.dumps([settings.TWO_FACTOR_REQUIRED]))"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "cms.settings.production",
        "SECRET_KEY": "x" * 60,
    }
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=PROJECT, env=env, capture_output=True, text=True
    )
    assert json.loads(result.stdout) == [True], result.stderr[-1000:]
