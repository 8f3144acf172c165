"""Japanese 400, 403 and CSRF-failure pages (the CSRF page keeps what was typed on the
booking form), and with the database down a 503 page with the desk's phone number."""

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.utils import OperationalError
from django.test import Client, RequestFactory, override_settings
from django.urls import get_resolver

import pytest

from home.outage import SNAPSHOT_NAME, load_contact

from ..bookings.conftest import bookable_event

pytestmark = pytest.mark.django_db


@override_settings(DATA_UPLOAD_MAX_NUMBER_FIELDS=5)
def test_a_bad_request_gets_a_japanese_page(client, site_tree):
    event, occurrence = bookable_event(site_tree.ward)
    data = {f"field{n}": "x" for n in range(10)}
    response = client.post(f"{event.url}{occurrence.original_date.isoformat()}/book/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert '<html lang="ja">' in html and "送信された内容を読み取れませんでした" in html
    assert "Bad Request" not in html


def test_a_bad_host_gets_the_page_too(client, site_tree, settings):
    settings.ALLOWED_HOSTS = ["ibasho.example.jp"]
    response = client.get("/events/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "送信された内容を読み取れませんでした" in response.content.decode()


def test_permission_denied_is_japanese(site_tree):
    request = RequestFactory().get("/")
    response = get_resolver().resolve_error_handler(403)(request, PermissionDenied())
    assert response.status_code == 403
    assert "このページは開けません" in response.content.decode()


def test_a_csrf_failure_explains_cookies_and_keeps_the_booking(site_tree):
    event, occurrence = bookable_event(site_tree.ward)
    url = f"{event.url}{occurrence.original_date.isoformat()}/book/"
    browser = Client(enforce_csrf_checks=True)
    data = {"nickname": "ひみつ", "party_size": "2", "needs": "<b>静かな席</b>", "website": "x"}
    response = browser.post(url, data)
    assert response.status_code == 403
    html = response.content.decode()
    assert "Cookie" in html and "送信できませんでした" in html
    assert "追跡" in html  # says what the cookie is not
    assert f'action="{url}"' in html
    assert 'name="nickname" value="ひみつ"' in html and 'name="party_size" value="2"' in html
    assert "&lt;b&gt;静かな席&lt;/b&gt;" in html and "<b>静かな席" not in html
    assert 'name="website"' not in html  # never the honeypot
    # The page gave a fresh token: sending again works.
    token = browser.cookies["csrftoken"].value
    again = browser.post(url, {**data, "website": "", "csrfmiddlewaretoken": token})
    assert again.status_code == 303


def test_a_csrf_failure_elsewhere_keeps_nothing(site_tree):
    response = Client(enforce_csrf_checks=True).post(
        "/admin/login/", {"username": "staff", "password": "secret-password"}
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert "Cookie" in html and "secret-password" not in html and "<form" not in html


def _database_down(monkeypatch):
    def unreachable(*args, **kwargs):
        raise OperationalError("could not connect to server: Connection refused")

    monkeypatch.setattr(connection, "cursor", unreachable)
    monkeypatch.setattr(connection, "chunked_cursor", unreachable)


def test_database_down_gives_a_503_with_the_desk_phone(site_tree, monkeypatch):
    load_contact()  # the copy was written when the desk was saved
    event, occurrence = bookable_event(site_tree.ward)
    browser = Client(raise_request_exception=False)
    _database_down(monkeypatch)
    for url in ("/", "/events/", event.url, "/en/events/"):
        response = browser.get(url)
        assert response.status_code == 503, url
        html = response.content.decode()
        assert "03-1111-2222" in html and 'href="tel:0311112222"' in html, url
        assert response["Retry-After"] == "120"


def test_without_a_copy_the_settings_give_the_number(site_tree, monkeypatch, settings):
    from django.core.files.storage import default_storage

    default_storage.delete(SNAPSHOT_NAME)
    settings.OUTAGE_CONTACT = {"name": "区役所", "phone": "03-9999-0000", "hours": ""}
    _database_down(monkeypatch)
    response = Client(raise_request_exception=False).get("/events/")
    assert response.status_code == 503
    assert "03-9999-0000" in response.content.decode()


def test_save_outage_contact_writes_the_copy(site_tree):
    from django.core.files.storage import default_storage
    from django.core.management import call_command

    default_storage.delete(SNAPSHOT_NAME)
    assert load_contact("localhost") is None
    call_command("save_outage_contact")
    assert load_contact("localhost")["phone"] == "03-1111-2222"
    assert load_contact("unknown.example")["phone"] == "03-1111-2222"  # the default site
