"""Staff in the Wagtail admin: the bookings list and exports, and the door desk."""

import csv
import io

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

import pytest

from events.bookings import registration
from events.bookings.models import Booking, BookingStatus

from .conftest import bookable_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, site_tree):
    user = get_user_model().objects.create_user("staff", "staff@example.jp", "pw")
    group = Group.objects.create(name="区職員")
    group.permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="view_booking"),
        Permission.objects.get(codename="check_in_booking"),
        Permission.objects.get(codename="view_all_bookings"),
    )
    user.groups.add(group)
    client.force_login(user)
    return client


@pytest.mark.django_db(transaction=True)
def test_staff_list_and_export_bookings(staff_client, bookable):
    # Transactional: a streamed export finishes its request after the response is read.
    _, occurrence = bookable
    registration.register(occurrence.pk, nickname='=HYPERLINK("http://evil.example")', needs="+1")
    registration.register(occurrence.pk, nickname="匿名")
    index = reverse("bookings:index")
    html = staff_client.get(index).content.decode()
    assert "匿名" in html
    response = staff_client.get(index + "?export=csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    cells = [cell for row in rows[1:] for cell in row]
    assert '\'=HYPERLINK("http://evil.example")' in cells and "'+1" in cells
    assert not any(cell.startswith(("=", "+", "@")) for cell in cells)
    xlsx = staff_client.get(index + "?export=xlsx")
    assert xlsx.status_code == 200
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_bookings_cannot_be_created_or_edited_around_the_capacity_rules(staff_client, bookable):
    _, occurrence = bookable
    booking, _token = registration.register(occurrence.pk, nickname="匿名")
    assert staff_client.get(reverse("bookings:add")).status_code in {302, 403}
    assert staff_client.get(reverse("bookings:edit", args=(booking.pk,))).status_code in {302, 403}
    response = staff_client.post(reverse("bookings:delete", args=(booking.pk,)))
    assert response.status_code in {302, 403}
    assert Booking.objects.filter(pk=booking.pk).exists()


def test_desk_adds_phone_bookings_within_capacity(staff_client, site_tree):
    _, occurrence = bookable_event(site_tree.ward, capacity=3)
    url = reverse("events_desk", args=(occurrence.pk,))
    data = {"action": "add", "nickname": "電話の方", "party_size": "2", "channel": "phone"}
    assert staff_client.post(url, data).status_code == 302
    booking = Booking.objects.get()
    assert booking.channel == "phone" and booking.status == BookingStatus.CONFIRMED
    response = staff_client.post(url, {**data, "channel": "walk_in"}, follow=True)
    assert "満席" in response.content.decode()
    assert Booking.objects.count() == 1
    html = staff_client.get(url).content.decode()
    assert "電話の方" in html


def test_desk_checks_in_by_code_or_nickname_idempotently(staff_client, bookable):
    _, occurrence = bookable
    booking, _token = registration.register(occurrence.pk, nickname="ひだまり")
    other, _token = registration.register(occurrence.pk, nickname="そら")
    url = reverse("events_desk", args=(occurrence.pk,))
    staff_client.post(url, {"action": "check_in", "query": booking.code.lower()})
    booking.refresh_from_db()
    first = booking.checked_in_at
    assert first is not None
    staff_client.post(url, {"action": "check_in", "query": booking.code})
    booking.refresh_from_db()
    assert booking.checked_in_at == first  # idempotent
    staff_client.post(url, {"action": "check_in", "query": "そら"})
    other.refresh_from_db()
    assert other.checked_in_at is not None


def test_desk_closes_and_reopens_registration(staff_client, client, bookable):
    event, occurrence = bookable
    url = reverse("events_desk", args=(occurrence.pk,))
    staff_client.post(url, {"action": "close"})
    occurrence.refresh_from_db()
    assert occurrence.registration_closed
    staff_client.post(url, {"action": "reopen"})
    occurrence.refresh_from_db()
    assert not occurrence.registration_closed


def test_people_without_the_permission_are_refused(client, site_tree, bookable):
    _, occurrence = bookable
    url = reverse("events_desk", args=(occurrence.pk,))
    assert client.get(url).status_code == 302  # to the login page
    user = get_user_model().objects.create_user("editor", "e@example.jp", "pw")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    assert client.get(url).status_code in {302, 403}  # Wagtail sends non-staff home
    assert client.post(url, {"action": "close"}).status_code in {302, 403}
    occurrence.refresh_from_db()
    assert not occurrence.registration_closed
    assert client.get(reverse("bookings:index")).status_code in {302, 403}


@pytest.mark.django_db(transaction=True)
def test_export_of_one_date(staff_client, site_tree):
    _, first = bookable_event(site_tree.ward, slug="first")
    _, second = bookable_event(site_tree.ward, slug="second")
    registration.register(first.pk, nickname="一日目の人")
    registration.register(second.pk, nickname="二日目の人")
    response = staff_client.get(reverse("bookings:index") + f"?occurrence={first.pk}&export=csv")
    text = b"".join(response.streaming_content).decode()
    assert "一日目の人" in text and "二日目の人" not in text
    desk = staff_client.get(reverse("events_desk", args=(first.pk,))).content.decode()
    assert f"?occurrence={first.pk}&amp;export=xlsx" in desk


def test_desk_shows_the_days_appointment_schedule(staff_client, site_tree):
    _, occurrence = bookable_event(
        site_tree.ward, booking_mode="appointment", slot_minutes=50, slot_break_minutes=10
    )
    slots = list(occurrence.slots.order_by("start"))
    assert [s.label for s in slots] == ["14:00–14:50", "15:00–15:50"]
    booking, _token = registration.register(occurrence.pk, slot_id=slots[1].pk, nickname="相談者")
    html = staff_client.get(reverse("events_desk", args=(occurrence.pk,))).content.decode()
    assert "14:00–14:50" in html and "15:00–15:50" in html
    assert booking.code in html and "相談者" in html
