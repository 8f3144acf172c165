"""Uploaded images answer in production: through nginx's /media/ (documented), or from the
app with SERVE_MEDIA; Wagtail's documents never bypass their own privacy check."""

from django.test import override_settings

import pytest
from wagtail_factories import ImageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rendition(site_tree):
    image = ImageFactory(title="会場の写真")
    return image, image.get_rendition("fill-120x80")


@override_settings(SERVE_MEDIA=True, DEBUG=False)
def test_an_uploaded_image_rendition_answers(client, rendition):
    image, rendition = rendition
    response = client.get(rendition.url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/")
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert client.get(image.file.url).status_code == 200  # the original too
    assert client.get(rendition.url + "x").status_code == 404


@override_settings(SERVE_MEDIA=False, DEBUG=False)
def test_without_the_setting_media_is_left_to_the_web_server(client, rendition):
    assert client.get(rendition[1].url).status_code == 404


@override_settings(SERVE_MEDIA=True)
def test_documents_and_other_folders_are_never_served_from_media(client, settings, site_tree):
    folder = settings.MEDIA_ROOT / "documents"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "private.pdf").write_bytes(b"%PDF-1.4 private")
    (settings.MEDIA_ROOT / "outage").mkdir(exist_ok=True)
    assert client.get("/media/documents/private.pdf").status_code == 404
    assert client.get("/media/outage/desk-contact.json").status_code == 404
    assert client.get("/media/images/../documents/private.pdf").status_code == 404
    assert client.post("/media/images/x.png").status_code == 405
