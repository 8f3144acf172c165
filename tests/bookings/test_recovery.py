"""「予約を確認する」: new links by e-mail for a lost booking page, never telling whether an
address has bookings, limited per client and per address."""

import datetime
import re

from django.core import mail
from django.utils import timezone

import pytest

from events.bookings import recovery, registration
from events.bookings.mail import send_one
from events.bookings.models import MailStatus, OutgoingMail
from events.bookings.tokens import find_booking

from .conftest import bookable_event

pytestmark = pytest.mark.django_db


def ask(client, address):
    return client.post("/booking/", {"email": address})


def send_recovery_mail():
    """What the worker does with the queued requests (other mail left aside)."""
    later = timezone.now() + datetime.timedelta(seconds=1)
    return [send_one(row.pk, later) for row in OutgoingMail.objects.filter(kind="recovery")]


def test_the_same_answer_whether_or_not_the_address_has_bookings(client, site_tree):
    _, occurrence = bookable_event(site_tree.ward)
    registration.register(occurrence.pk, nickname="匿名", email="hana@example.jp")
    known, unknown = ask(client, "hana@example.jp"), ask(client, "nobody@example.jp")
    assert known.status_code == unknown.status_code == 200

    def main(response):
        return response.content.decode().split("<main")[1].split("</main>")[0]

    assert main(known) == main(unknown)
    # Both queue one row; which one finds bookings is decided by the worker.
    assert OutgoingMail.objects.filter(kind="recovery").count() == 2
    assert "no-store" in known["Cache-Control"]


def test_the_worker_sends_new_links_and_only_then_retires_the_old_ones(site_tree, rf):
    _, occurrence = bookable_event(site_tree.ward)
    _, later = bookable_event(site_tree.ward, slug="later")
    first, old_token = registration.register(occurrence.pk, nickname="a", email="Hana@Example.jp")
    second, _ = registration.register(later.pk, nickname="b", email="hana@example.jp")
    cancelled, _ = registration.register(later.pk, nickname="c", email="hana@example.jp")
    registration.cancel(cancelled.pk)
    mail.outbox.clear()
    request = rf.post("/booking/", REMOTE_ADDR="192.0.2.1")
    assert recovery.request_links(request, "hana@example.jp")
    assert find_booking(old_token) == first  # still works until the mail has gone
    assert send_recovery_mail() == ["sent"]
    (message,) = mail.outbox
    assert message.to == ["hana@example.jp"] and message.subject == "ご予約の確認"
    tokens = re.findall(r"/booking/([\w-]{40,})/", message.body)
    assert len(tokens) == 2  # the two active bookings, not the cancelled one
    assert {find_booking(t) for t in tokens} == {first, second}
    assert find_booking(old_token) is None
    assert "これまでのリンク（ブックマークなど）は使えなくなります" in message.body
    row = OutgoingMail.objects.get(kind="recovery")
    assert row.status == MailStatus.SENT and row.to == "" and row.body == ""


def test_an_address_without_bookings_is_sent_nothing(site_tree, rf):
    _, occurrence = bookable_event(site_tree.ward)
    booking, _ = registration.register(occurrence.pk, nickname="a", email="old@example.jp")
    booking.occurrence.__class__.objects.filter(pk=occurrence.pk).update(
        start=timezone.now() - datetime.timedelta(days=2),
        end=timezone.now() - datetime.timedelta(days=2, hours=-2),
    )
    mail.outbox.clear()
    recovery.request_links(rf.post("/booking/"), "old@example.jp")  # only a past date
    recovery.request_links(rf.post("/booking/"), "stranger@example.jp")
    assert send_recovery_mail() == ["skipped", "skipped"]
    assert mail.outbox == []
    assert set(OutgoingMail.objects.filter(kind="recovery").values_list("status", flat=True)) == {
        MailStatus.SKIPPED
    }


def test_requests_are_limited_per_address_and_per_client(client, site_tree, monkeypatch):
    monkeypatch.setitem(recovery.LIMITS, "email", (2, 3600))
    monkeypatch.setitem(recovery.LIMITS, "ip", (4, 3600))
    for _ in range(2):
        assert ask(client, "hana@example.jp").status_code == 200
    limited = ask(client, "HANA@example.jp")
    assert limited.status_code == 429 and "しばらく待って" in limited.content.decode()
    assert ask(client, "other@example.jp").status_code == 200  # the 4th from this client
    assert ask(client, "third@example.jp").status_code == 429  # the 5th
    assert OutgoingMail.objects.filter(kind="recovery").count() == 3


def test_a_bad_address_is_a_clear_400(client, site_tree):
    response = ask(client, "not an address")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="error-summary"' in html and "メールアドレスを確認してください" in html
    assert not OutgoingMail.objects.exists()


def test_without_an_email_the_page_explains_the_code_and_the_desk(client, site_tree):
    html = client.get("/booking/").content.decode()
    assert "予約番号が分かれば" in html and "03-1111-2222" in html and "平日 8:30–17:15" in html


def test_a_failed_send_keeps_the_old_link_working(site_tree, rf, settings):
    from .flaky_mail import FlakyEmailBackend

    _, occurrence = bookable_event(site_tree.ward)
    booking, old_token = registration.register(occurrence.pk, nickname="a", email="h@example.jp")
    settings.EMAIL_BACKEND = "tests.bookings.flaky_mail.FlakyEmailBackend"
    FlakyEmailBackend.failures_left = 1
    recovery.request_links(rf.post("/booking/"), "h@example.jp")
    assert send_recovery_mail() == ["retry"]
    assert find_booking(old_token) == booking  # nothing was delivered, nothing replaced
    row = OutgoingMail.objects.get(kind="recovery")
    assert row.status == MailStatus.QUEUED and row.body == ""  # links are never stored
