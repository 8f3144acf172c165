"""Shared fixtures: a small, real page tree like the one seed_demo builds, and one starting
state for every test, locally and in CI.

The test database is reused between local runs (``--reuse-db``) and created afresh in CI.
Tests that need real transactions (browsers, threads, worker processes) end with a
flush; without care that leaves the next run with no root page, site, categories or
groups. So every such test runs with serialized rollback (the state that migrations
leave is put back after it), the state is checked at the start of a run (a database
left empty by an interrupted run is built again) and put back at the end.
"""

from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection, transaction

from wagtail.models import Page, Site

import pytest

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


def pytest_collection_modifyitems(items):
    """Serialized rollback for every test that uses real transactions."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        kwargs = dict(marker.kwargs) if marker else {}
        if marker and marker.args:
            kwargs.setdefault("transaction", marker.args[0])
        fixtures = item.fixturenames
        if kwargs.get("transaction") or "transactional_db" in fixtures or "live_server" in fixtures:
            kwargs.update(transaction=True, serialized_rollback=True)
            item.add_marker(pytest.mark.django_db(**kwargs), append=False)


def migrated_state_present():
    """True when the database holds what the migrations create: Wagtail's root page and
    default site, the event categories and the partner groups' permissions."""
    from django.contrib.auth.models import Permission

    from wagtail.models import Page, Site

    from events.models import EventCategory

    return (
        Page.objects.filter(depth=1).exists()
        and Site.objects.exists()
        and EventCategory.objects.filter(slug="family-gathering").exists()
        and EventCategory.objects.filter(slug="ibasho").exists()
        and Permission.objects.filter(codename="view_all_bookings").exists()
    )


# The state the migrations leave, serialized once per run.
MIGRATED_STATE = {}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        if not migrated_state_present():
            # An interrupted run left the reused database empty: build it again.
            connection.close()
            connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=True)
        elif not getattr(connection, "_test_serialized_contents", None):
            connection._test_serialized_contents = connection.creation.serialize_db_to_string()
        MIGRATED_STATE["default"] = connection._test_serialized_contents
    _attach_migrated_state()
    yield
    with django_db_blocker.unblock():
        if not migrated_state_present():
            connection.creation.deserialize_db_from_string(MIGRATED_STATE["default"])


def _attach_migrated_state():
    """Django restores (and its flush spares) the state through the connection's
    ``_test_serialized_contents``. A test that runs Playwright's event loop can leave the
    thread with a new connection object, so the state is put on the connection class,
    which every connection object of the run shares."""
    from django.db import connections

    for alias, state in MIGRATED_STATE.items():
        type(connections[alias])._test_serialized_contents = state


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    _attach_migrated_state()


@pytest.fixture(scope="class")
def class_db(django_db_setup, django_db_blocker):
    """Data built once for a test class: a transaction rolled back after the class. Each
    test still runs in its own savepoint (the ``db`` fixture), so none sees another's
    changes."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def build_site_tree():
    """Home, the three section indexes, a contact page and two organisations."""
    from events.models import EventIndexPage
    from ibasho.models import IbashoIndexPage

    root = Page.get_first_root_node()
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
