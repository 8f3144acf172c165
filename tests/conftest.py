"""Shared fixtures: a small, real page tree like the one seed_demo builds."""

from dataclasses import dataclass

from django.core.cache import cache

from wagtail.models import Page, Site

import pytest

from home.demo import ensure_root
from home.factories import (
    HomePageFactory,
    OrganisationIndexPageFactory,
    OrganisationPageFactory,
    StandardPageFactory,
)
from home.models import ConsultationDesk, OrganisationKind


@dataclass
class SiteTree:
    site: Site
    home: Page
    events: Page
    ibasho: Page
    partners: Page
    contact: Page
    ward: Page
    family: Page


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def build_site_tree():
    """Home, the three section indexes, a contact page and two organisations."""
    from events.categories import ensure_default_categories
    from events.models import EventCategory, EventIndexPage
    from ibasho.models import IbashoIndexPage

    ensure_default_categories(EventCategory)
    root = ensure_root()
    Site.objects.all().delete()
    for page in root.get_children():
        page.delete()
    home = HomePageFactory(parent=root)
    site = Site.objects.create(
        hostname="localhost",
        port=80,
        root_page=home,
        is_default_site=True,
        site_name="テストサイト",
    )
    events = home.add_child(instance=EventIndexPage(title="イベント", slug="events"))
    ibasho = home.add_child(instance=IbashoIndexPage(title="居場所", slug="ibasho"))
    partners = OrganisationIndexPageFactory(parent=home, show_in_menus=True)
    for section in (events, ibasho):
        section.show_in_menus = True
        section.save()
    contact = StandardPageFactory(parent=home, title="相談する", slug="soudan")
    ward = OrganisationPageFactory(
        parent=partners,
        title="豊島区 ひきこもり相談窓口",
        slug="toshima-ward",
        kind=OrganisationKind.WARD_OFFICE,
        verified=True,
        phone="03-0000-0000",
    )
    family = OrganisationPageFactory(
        parent=partners, title="家族会 ひだまり", slug="hidamari", verified=False
    )
    desk = ConsultationDesk.for_site(site)
    desk.name = "テスト相談窓口"
    desk.phone = "03-1111-2222"
    desk.hours = "平日 8:30–17:15"
    desk.email = "desk@example.jp"
    desk.anonymous_note = "匿名でのご相談もできます"
    desk.contact_page = contact
    desk.save()
    return SiteTree(site, home, events, ibasho, partners, contact, ward, family)


@pytest.fixture
def site_tree(db):
    return build_site_tree()
