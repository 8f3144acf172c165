"""``seed_demo`` builds the demo site and is idempotent."""

from io import StringIO

from django.core.management import call_command

from wagtail.models import Page, Revision, Site

import pytest

from home.models import ConsultationDesk, OrganisationKind, OrganisationPage

pytestmark = pytest.mark.django_db


def snapshot():
    pages = [
        (p.url_path, type(p.specific).__name__, p.title, p.live)
        for p in Page.objects.order_by("path")
    ]
    desk = ConsultationDesk.for_site(Site.objects.get(is_default_site=True))
    return pages, (desk.name, desk.phone, desk.hours, desk.anonymous_note, desk.contact_page_id)


def test_seed_demo_twice_gives_the_same_content(client):
    call_command("seed_demo", stdout=StringIO())
    first = snapshot()
    revisions = Revision.objects.count()
    call_command("seed_demo", stdout=StringIO())
    assert snapshot() == first
    assert Revision.objects.count() == revisions, "a second run must not create revisions"


def test_seed_demo_builds_the_site_people_expect(client):
    call_command("seed_demo", stdout=StringIO())
    site = Site.objects.get(is_default_site=True)
    assert type(site.root_page.specific).__name__ == "HomePage"
    assert not Page.objects.filter(title__startswith="Welcome to").exists()
    kinds = set(OrganisationPage.objects.live().values_list("kind", flat=True))
    assert {
        OrganisationKind.WARD_OFFICE,
        OrganisationKind.FAMILY_ASSOCIATION,
        OrganisationKind.PEER_GROUP,
        OrganisationKind.PARTNER_MUNICIPALITY,
    } <= kinds
    for url in ("/", "/partners/", "/partners/toshima-ward/", "/events/", "/ibasho/", "/soudan/"):
        response = client.get(url)
        assert response.status_code == 200, url
    assert "匿名でのご相談もできます" in client.get("/").content.decode()


def test_seed_demo_repairs_an_edited_page(client):
    call_command("seed_demo", stdout=StringIO())
    ward = OrganisationPage.objects.get(slug="toshima-ward")
    ward.summary = "書き換えられた"
    ward.save_revision().publish()
    call_command("seed_demo", stdout=StringIO())
    ward.refresh_from_db()
    assert ward.summary != "書き換えられた"
    assert OrganisationPage.objects.filter(slug="toshima-ward").count() == 1
