"""Who may do what: a permission matrix over every role, page subtree and booking list,
through the admin's real URLs. A refused attempt changes nothing."""

from django.contrib.auth import get_user_model
from django.urls import reverse

from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

import pytest

from events.bookings import registration
from events.bookings.models import Booking
from events.factories import publish_event
from events.models import EventPage, Occurrence
from home.models import OrganisationPage
from home.partners import add_partner, ensure_ward_staff
from tests.conftest import build_site_tree

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "editor_a", "editor_b", "editor_c", "ward_staff", "superuser"]


@pytest.fixture(scope="class")
def world_keys(class_db):
    """Partners A and B with one event each, and a joint event of the ward co-hosted by
    partner C; one booking on each event. Built once per class (it is the slow part)."""
    from datetime import timedelta

    from django.utils import timezone

    tree = build_site_tree()
    orgs, users, events = {}, {}, {}
    for key, name, slug in (
        ("a", "家族会A", "org-a"),
        ("b", "当事者会B", "org-b"),
        ("c", "NPO C", "org-c"),
    ):
        result = add_partner(name, "family_association", slug=slug, editors=[f"{key}@example.jp"])
        result.organisation.save_revision().publish()
        orgs[key] = result.organisation
        users[f"editor_{key}"] = result.editors[0]
    day = timezone.localdate() + timedelta(days=10)
    common = {"booking_mode": "first_come", "capacity": 10, "start_date": day}
    events["a"] = publish_event(orgs["a"], title="Aの会", slug="a-event", **common)
    events["b"] = publish_event(orgs["b"], title="Bの会", slug="b-event", **common)
    joint = publish_event(tree.ward, title="合同相談会", slug="joint", **common)
    joint.co_hosts = [orgs["c"]]
    joint.save_revision().publish()
    events["joint"] = joint
    user_model = get_user_model()
    staff = user_model.objects.create_user("staff", "staff@example.jp", "pw")
    staff.groups.add(ensure_ward_staff())
    users["ward_staff"] = staff
    users["superuser"] = user_model.objects.create_superuser("root", "root@example.jp", "pw")
    bookings = {}
    for key, event in events.items():
        occurrence = Occurrence.objects.get(event=event)
        bookings[key], _token = registration.register(occurrence.pk, nickname=f"{key}の参加者")
    return {
        "orgs": {key: page.pk for key, page in orgs.items()},
        "users": {key: user.pk for key, user in users.items()},
        "events": {key: page.pk for key, page in events.items()},
        "bookings": {key: booking.pk for key, booking in bookings.items()},
    }


@pytest.fixture
def world(world_keys, db):
    """Fresh objects for each test: nothing cached on a user or page leaks between tests."""
    user_model = get_user_model()
    return {
        "orgs": {k: OrganisationPage.objects.get(pk=pk) for k, pk in world_keys["orgs"].items()},
        "users": {k: user_model.objects.get(pk=pk) for k, pk in world_keys["users"].items()},
        "events": {k: EventPage.objects.get(pk=pk) for k, pk in world_keys["events"].items()},
        "bookings": {k: Booking.objects.get(pk=pk) for k, pk in world_keys["bookings"].items()},
    }


def login(client, world, role):
    if role != "anonymous":
        client.force_login(world["users"][role])
    return client


# Which roles may edit pages in each subtree (and the joint event).
EDITORS = {
    "a": {"editor_a", "ward_staff", "superuser"},
    "b": {"editor_b", "ward_staff", "superuser"},
    "joint": {"editor_c", "ward_staff", "superuser"},
}
PUBLISHERS = {"ward_staff", "superuser"}
# Partner C edits its own section and the joint event under the ward, so its explorer
# starts at /partners/: it may browse the other partners' published pages (the public
# tree), never their drafts (tests/partners/test_page_scope.py).
PUBLIC_BROWSING = {("editor_c", "a"), ("editor_c", "b")}

BOOKING_VIEWERS = EDITORS

# Every (role, subtree) pair, split by whether the role may edit there.
ALLOWED_EDITS = [(r, t) for t, roles in EDITORS.items() for r in ROLES if r in roles]
REFUSED_EDITS = [(r, t) for t, roles in EDITORS.items() for r in ROLES if r not in roles]


def edit_url(event):
    return reverse("wagtailadmin_pages:edit", args=(event.pk,))


def edit_form(event, title):
    """The whole edit form of ``event`` as the admin posts it, with a new title: every
    field, the (empty) body stream, the exceptions formset and the co-hosts as they are."""
    return nested_form_data(
        {
            "title": title,
            "slug": event.slug,
            "category": event.category_id,
            "summary": event.summary,
            "body": streamfield([]),
            "what_happens": "null",  # what Draftail sends for an empty editor
            "start_date": event.start_date.isoformat(),
            "start_time": event.start_time.strftime("%H:%M"),
            "end_time": event.end_time.strftime("%H:%M"),
            "recurrence_0": "",
            "exceptions": inline_formset([]),
            "venue_name": event.venue_name,
            "area": event.area,
            "audience": event.audience,
            "attendance_mode": event.attendance_mode,
            "fee": event.fee or "0",
            "booking_mode": event.booking_mode,
            "capacity": event.capacity,
            "max_party_size": event.max_party_size,
            "booking_closes_days_before": event.booking_closes_days_before,
            "booking_closes_time": event.booking_closes_time.strftime("%H:%M"),
            "slot_minutes": event.slot_minutes,
            "slot_break_minutes": event.slot_break_minutes,
            "co_hosts": [page.pk for page in event.co_hosts.all()],
        }
    )


class TestPermissionMatrix:
    """Every role against every subtree; the world is built once for the class."""

    @pytest.mark.parametrize("role", ROLES)
    @pytest.mark.parametrize("target", ["a", "b", "joint"])
    def test_page_actions(self, client, world, role, target):
        login(client, world, role)
        event = world["events"][target]
        allowed = role in EDITORS[target]
        edit = client.get(reverse("wagtailadmin_pages:edit", args=(event.pk,)))
        assert (edit.status_code == 200) == allowed, (role, target, edit.status_code)
        explore = client.get(reverse("wagtailadmin_explore", args=(event.get_parent().pk,)))
        if role == "anonymous":
            assert explore.status_code == 302 and "/admin/login/" in explore["Location"]
        else:
            # Each role explores the subtrees it may edit; another partner's is refused.
            explorable = allowed or (role, target) in PUBLIC_BROWSING
            assert (explore.status_code == 200) == explorable, (role, target, explore.status_code)
        # Publishing, deleting and moving are the ward's. Copying only opens a form whose
        # destinations are where the user may add pages, and the copy is a draft that needs
        # the ward's approval: everyone who may edit the page may start one.
        user = world["users"].get(role)
        permissions = event.permissions_for_user(user) if user else None
        expected = {
            "wagtailadmin_pages:delete": role in PUBLISHERS,
            "wagtailadmin_pages:move": role in PUBLISHERS,
            "wagtailadmin_pages:unpublish": role in PUBLISHERS,
            "wagtailadmin_pages:copy": allowed,
        }
        for url_name, may in expected.items():
            response = client.get(reverse(url_name, args=(event.pk,)))
            assert (response.status_code == 200) == may, (role, target, url_name)
        if permissions is not None:
            assert permissions.can_publish() == (role in PUBLISHERS)
            assert permissions.can_edit() == allowed

    @pytest.mark.parametrize(("role", "target"), ALLOWED_EDITS)
    def test_an_allowed_edit_saves_a_draft(self, client, world, role, target):
        """The complete form that the refused test posts does change the page when the
        role may edit it: a new revision with the new title (a draft; going live is the
        ward's approval, tests/partners/test_workflow.py)."""
        login(client, world, role)
        event = world["events"][target]
        before = event.latest_revision_id
        response = client.post(edit_url(event), edit_form(event, "下書きの更新"))
        assert response.status_code == 302, response.content.decode()[:3000]
        event.refresh_from_db()
        assert event.latest_revision_id != before
        assert event.latest_revision.content["title"] == "下書きの更新"
        assert event.draft_title == "下書きの更新"

    @pytest.mark.parametrize("action", ["save-draft", "action-submit", "action-publish"])
    @pytest.mark.parametrize(("role", "target"), REFUSED_EDITS)
    def test_a_refused_edit_changes_nothing(self, client, world, role, target, action):
        login(client, world, role)
        event = world["events"][target]
        title, before = event.title, event.latest_revision_id
        data = edit_form(event, "乗っ取り")
        if action != "save-draft":
            data[action] = "1"
        response = client.post(edit_url(event), data)
        event.refresh_from_db()
        assert (event.title, event.draft_title) == (title, title)
        assert event.latest_revision_id == before
        assert event.latest_revision.content["title"] == title
        assert response.status_code == 302, (role, target, response.status_code)
        if role == "anonymous":
            assert "/admin/login/" in response["Location"]
        else:
            # Wagtail's refusal: back to the dashboard with a "permission denied" message.
            assert response["Location"] == reverse("wagtailadmin_home"), response["Location"]

    @pytest.mark.parametrize("role", ROLES)
    @pytest.mark.parametrize("target", ["a", "b", "joint"])
    def test_booking_lists_exports_and_check_in(self, client, world, role, target):
        login(client, world, role)
        booking = world["bookings"][target]
        allowed = role in BOOKING_VIEWERS[target]
        index = client.get(reverse("bookings:index"))
        if role == "anonymous":
            assert index.status_code == 302
        else:
            shown = booking.nickname in index.content.decode()
            assert shown == allowed, (role, target)
        inspect = client.get(reverse("bookings:inspect", args=(booking.pk,)))
        assert (inspect.status_code == 200) == allowed, (role, target, inspect.status_code)
        export = client.get(
            reverse("bookings:index") + f"?occurrence={booking.occurrence_id}&export=csv"
        )
        if export.status_code == 200:
            text = b"".join(export.streaming_content).decode()
            assert (booking.nickname in text) == allowed
        else:
            assert not allowed
        xlsx = client.get(reverse("bookings:index") + "?export=xlsx")
        assert (xlsx.status_code == 200) == (role != "anonymous")
        desk = reverse("events_desk", args=(booking.occurrence_id,))
        assert (client.get(desk).status_code == 200) == allowed
        client.post(desk, {"action": "check_in", "query": booking.code})
        booking.refresh_from_db()
        assert (booking.checked_in_at is not None) == allowed

    def test_co_host_permission_is_revoked_with_the_co_host(self, client, world):
        joint = world["events"]["joint"]
        login(client, world, "editor_c")
        assert client.get(reverse("wagtailadmin_pages:edit", args=(joint.pk,))).status_code == 200
        joint.co_hosts = []
        joint.save_revision().publish()
        assert client.get(reverse("wagtailadmin_pages:edit", args=(joint.pk,))).status_code != 200

    def test_viewing_and_exporting_bookings_is_audited(self, client, world):
        from wagtail.models import ModelLogEntry

        login(client, world, "ward_staff")
        booking = world["bookings"]["a"]
        client.get(reverse("events_desk", args=(booking.occurrence_id,)))
        response = client.get(
            reverse("bookings:index") + f"?occurrence={booking.occurrence_id}&export=xlsx"
        )
        assert response.status_code == 200
        entries = ModelLogEntry.objects.filter(action__startswith="ibasho.bookings.")
        assert {e.action for e in entries} == {"ibasho.bookings.view", "ibasho.bookings.export"}
        assert all(e.user == world["users"]["ward_staff"] for e in entries)
        for entry in entries:
            assert booking.nickname not in str(entry.data) + entry.label
        assert Booking.objects.count() == 3

    @pytest.mark.parametrize("role", ROLES)
    def test_images_and_documents_per_collection(self, client, world, role):
        from wagtail.models import Collection

        import wagtail_factories

        login(client, world, role)
        items = {}
        for key in ("a", "b"):
            collection = Collection.objects.get(name=world["orgs"][key].title)
            items[key] = (
                wagtail_factories.ImageFactory(collection=collection, title=f"画像{key}"),
                wagtail_factories.DocumentFactory(collection=collection, title=f"文書{key}"),
            )
        for key, (image, document) in items.items():
            may = role in {f"editor_{key}", "ward_staff", "superuser"}
            edit_image = client.get(reverse("wagtailimages:edit", args=(image.pk,)))
            assert (edit_image.status_code == 200) == may, (role, key, "image")
            edit_doc = client.get(reverse("wagtaildocs:edit", args=(document.pk,)))
            assert (edit_doc.status_code == 200) == may, (role, key, "document")
        if role == "anonymous":
            return
        import json

        chooser = json.loads(client.get(reverse("wagtailimages_chooser:choose")).content)["html"]
        for key in ("a", "b"):
            may = role in {f"editor_{key}", "ward_staff", "superuser"}
            assert (f"画像{key}" in chooser) == may, (role, key, "chooser")

    @pytest.mark.parametrize("role", ROLES)
    def test_organisation_profiles(self, client, world, role):
        login(client, world, role)
        for key in ("a", "b"):
            organisation = world["orgs"][key]
            may = role in {f"editor_{key}", "ward_staff", "superuser"}
            response = client.get(reverse("wagtailadmin_pages:edit", args=(organisation.pk,)))
            assert (response.status_code == 200) == may, (role, key)
            user = world["users"].get(role)
            if user is not None:
                permissions = organisation.permissions_for_user(user)
                assert permissions.can_publish() == (role in PUBLISHERS)
                assert permissions.can_delete() == (role in PUBLISHERS), (role, key)
