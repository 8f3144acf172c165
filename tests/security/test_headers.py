"""Security headers: a Content-Security-Policy without inline script on public pages, a
separate one for the admin, a Permissions-Policy; and no inline script in our templates."""

import re
from pathlib import Path

from django.contrib.auth import get_user_model

import pytest

from ..bookings.conftest import bookable_event

pytestmark = pytest.mark.django_db
TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def directives(header):
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def test_public_pages_forbid_inline_script(client, site_tree):
    event, occurrence = bookable_event(site_tree.ward)
    for url in ("/", "/events/", event.url, f"{event.url}{occurrence.original_date}/", "/ibasho/"):
        response = client.get(url)
        assert response.status_code == 200
        policy = directives(response["Content-Security-Policy"])
        assert policy["script-src"] == ["'self'"], url
        assert "'unsafe-inline'" not in policy["style-src"]
        assert policy["object-src"] == ["'none'"] and policy["base-uri"] == ["'none'"]
        assert "geolocation=()" in response["Permissions-Policy"]
        assert "camera=()" in response["Permissions-Policy"]


def test_feeds_and_errors_carry_the_policy_too(client, site_tree):
    for url in ("/events/calendar.ics", "/no-such-page/"):
        assert "script-src 'self'" in client.get(url)["Content-Security-Policy"]


def test_the_admin_has_its_own_policy(client, site_tree):
    # Where a password or a code is typed, no inline script runs, as on public pages.
    for url in ("/admin/login/", "/admin/password_reset/"):
        login = directives(client.get(url)["Content-Security-Policy"])
        assert login["script-src"] == ["'self'"], url
    admin = get_user_model().objects.create_superuser("admin", "a@example.jp", "pw")
    client.force_login(admin)
    response = client.get("/admin/")
    assert response.status_code == 200
    policy = directives(response["Content-Security-Policy"])
    # Wagtail 8's widgets write inline scripts (wagtail/wagtail#1288): the admin only.
    assert policy["script-src"] == ["'self'", "'unsafe-inline'"]
    assert "'unsafe-eval'" not in policy["script-src"]
    assert policy["object-src"] == ["'none'"] and policy["form-action"] == ["'self'"]
    public = directives(client.get("/events/")["Content-Security-Policy"])
    assert public["script-src"] == ["'self'"]
    assert "gravatar" not in client.get("/admin/").content.decode()


SCRIPT = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)


def test_templates_have_no_inline_script():
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text()
        for attributes in SCRIPT.findall(text):
            if "src=" not in attributes and "application/ld+json" not in attributes:
                offenders.append(f"{path.relative_to(TEMPLATES)}: <script{attributes}>")
        if HANDLER.search(re.sub(r"{%.*?%}|{{.*?}}", "", text)):
            offenders.append(f"{path.relative_to(TEMPLATES)}: an on…= event handler")
    assert not offenders, offenders
