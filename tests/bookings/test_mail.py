"""E-mail goes through the outbox and the task worker, is retried, and forgets itself."""

import datetime
import email
import email.policy
import os
import subprocess
import sys
from pathlib import Path

from django.core import mail
from django.db import connection
from django.utils import timezone

import pytest

from events.bookings import lottery, registration
from events.bookings.mail import send_due_mail, send_one
from events.bookings.models import MailStatus, OutgoingMail

from .conftest import bookable_event
from .flaky_mail import FlakyEmailBackend

PROJECT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db(transaction=True)
def test_confirmation_is_sent_by_a_real_worker_process(site_tree, settings, tmp_path):
    """The web process only queues; a separate `manage.py db_worker` process sends."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    _, occurrence = bookable_event(site_tree.ward)
    registration.register(occurrence.pk, nickname="匿名", email="person@example.jp")
    queued = OutgoingMail.objects.get()
    assert queued.status == MailStatus.QUEUED and not mail.outbox
    from django_tasks_db.models import DBTaskResult

    assert DBTaskResult.objects.filter(task_path__endswith="deliver_mail").exists()
    run_worker(tmp_path)
    queued.refresh_from_db()
    assert queued.status == MailStatus.SENT
    assert queued.body == "" and queued.to == ""  # the message is not kept once sent
    (sent,) = list(tmp_path.iterdir())
    message = email.message_from_bytes(sent.read_bytes(), policy=email.policy.default)
    assert message["To"] == "person@example.jp"
    assert message["Subject"] == "ご予約の受付"
    assert "ひきこもり" not in message["Subject"] and "ひきこもり" not in message["From"]


@pytest.mark.django_db(transaction=True)
def test_a_mail_left_half_sent_by_a_killed_worker_is_sent_again(site_tree, settings, tmp_path):
    """A worker killed while talking to the mail server leaves the mail claimed
    ("sending"); the next sweep takes the old claim back and sends it."""
    import signal
    import time

    from django.utils import timezone

    from events.bookings.mail import STALE_CLAIM, send_due_mail

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    _, occurrence = bookable_event(site_tree.ward)
    registration.register(occurrence.pk, nickname="匿名", email="person@example.jp")
    marker = tmp_path / "sending"
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-startup-delay", "--interval", "0.2"],
        cwd=PROJECT,
        env={
            **worker_environment(tmp_path),
            "EMAIL_BACKEND": "tests.bookings.flaky_mail.HangingEmailBackend",
            "HANGING_MAIL_MARKER": str(marker),
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert time.monotonic() < deadline, "the worker never started sending"
            assert worker.poll() is None, "the worker stopped by itself"
            time.sleep(0.1)
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
    stuck = OutgoingMail.objects.get()
    assert stuck.status == MailStatus.SENDING and stuck.claimed_at is not None
    assert send_due_mail() == []  # a fresh claim is left alone: its worker may be alive
    stuck.refresh_from_db()
    assert stuck.status == MailStatus.SENDING and not mail.outbox
    later = timezone.now() + STALE_CLAIM + datetime.timedelta(minutes=1)
    assert send_due_mail(now=later) == ["sent"]
    stuck.refresh_from_db()
    assert stuck.status == MailStatus.SENT and stuck.attempts == 1
    assert [m.to for m in mail.outbox] == [["person@example.jp"]]


def worker_environment(mail_dir):
    """The environment of a task worker process against the test database."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        url = f"sqlite:///{db['NAME']}"
    else:
        url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.test",
        "DATABASE_URL": url,
        "TASKS_BACKEND": "database",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
    }


def run_worker(mail_dir):
    """Run the task worker in its own process against the test database until the queue
    is empty."""
    env = worker_environment(mail_dir)
    result = subprocess.run(
        [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay"],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]


pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def commit_callbacks(request, django_capture_on_commit_callbacks):
    """Run on-commit work (the immediate task backend's sends) as each action commits."""
    if "transactional_db" in request.fixturenames:
        yield
        return
    import events.bookings.registration as module

    original_register, original_cancel = module.register, module.cancel

    def wrap(function):
        def wrapped(*args, **kwargs):
            with django_capture_on_commit_callbacks(execute=True):
                return function(*args, **kwargs)

        return wrapped

    module.register, module.cancel = wrap(original_register), wrap(original_cancel)
    yield
    module.register, module.cancel = original_register, original_cancel


def test_a_failure_is_retried_with_backoff(site_tree, settings):
    settings.EMAIL_BACKEND = "tests.bookings.flaky_mail.FlakyEmailBackend"
    FlakyEmailBackend.failures_left = 1
    _, occurrence = bookable_event(site_tree.ward)
    registration.register(occurrence.pk, nickname="匿名", email="person@example.jp")
    queued = OutgoingMail.objects.get()
    assert queued.status == MailStatus.QUEUED and queued.attempts == 1
    assert queued.send_after > timezone.now()
    assert queued.last_error == "ConnectionRefusedError"
    assert "person@example.jp" not in queued.last_error
    assert send_due_mail() == []  # not due yet
    assert send_one(queued.pk, now=queued.send_after) == "sent"
    assert len(mail.outbox) == 1


def test_gives_up_after_repeated_failures(site_tree, settings):
    settings.EMAIL_BACKEND = "tests.bookings.flaky_mail.FlakyEmailBackend"
    FlakyEmailBackend.failures_left = 100
    _, occurrence = bookable_event(site_tree.ward)
    registration.register(occurrence.pk, nickname="匿名", email="person@example.jp")
    queued = OutgoingMail.objects.get()
    later = timezone.now()
    for _ in range(10):
        later += datetime.timedelta(days=1)
        send_one(queued.pk, now=later)
    queued.refresh_from_db()
    assert queued.status == MailStatus.FAILED and queued.body == ""
    FlakyEmailBackend.failures_left = 0


def test_no_email_no_mail(site_tree):
    _, occurrence = bookable_event(site_tree.ward)
    registration.register(occurrence.pk, nickname="匿名")
    assert not OutgoingMail.objects.exists() and not mail.outbox


def test_reminder_is_skipped_when_the_date_moved(site_tree):
    event, occurrence = bookable_event(site_tree.ward)
    booking, _ = registration.register(
        occurrence.pk, nickname="匿名", email="p@example.jp", wants_reminder=True
    )
    reminder = OutgoingMail.objects.get(kind="reminder")
    due = reminder.send_after
    assert due < occurrence.start  # queued for before the date
    from events.models import EventException

    event.exceptions = [
        EventException(
            original_date=occurrence.original_date,
            kind="moved",
            reason="会場変更",
            new_start_time=datetime.time(18, 0),
        )
    ]
    event.save_revision().publish()
    assert send_one(reminder.pk, now=due) == "skipped"
    reminder.refresh_from_db()
    assert reminder.status == MailStatus.SKIPPED and reminder.body == ""
    assert [m.subject for m in mail.outbox] == ["ご予約の受付"]


def test_reminder_is_sent_the_day_before_when_nothing_changed(site_tree):
    _, occurrence = bookable_event(site_tree.ward)
    registration.register(occurrence.pk, nickname="匿名", email="p@example.jp", wants_reminder=True)
    reminder = OutgoingMail.objects.get(kind="reminder")
    assert reminder.send_after < occurrence.start
    assert occurrence.start - reminder.send_after < datetime.timedelta(days=2)
    assert send_one(reminder.pk, now=reminder.send_after) == "sent"
    assert mail.outbox[-1].subject == "明日のご予定"


def test_waiting_list_promotion_and_staff_cancellation_are_mailed(site_tree):
    _, occurrence = bookable_event(site_tree.ward, capacity=1)
    first, _ = registration.register(occurrence.pk, nickname="一", email="one@example.jp")
    registration.register(occurrence.pk, nickname="二", email="two@example.jp")
    registration.cancel(first.pk, by_staff=True)
    subjects = [(m.to[0], m.subject) for m in mail.outbox]
    assert ("one@example.jp", "ご予約の取り消しについて") in subjects
    assert ("two@example.jp", "キャンセル待ちからのご案内") in subjects


def test_lottery_is_reproducible_and_notifies(site_tree, django_capture_on_commit_callbacks):
    event, occurrence = bookable_event(
        site_tree.ward,
        booking_mode="lottery",
        capacity=3,
        max_party_size=1,
        lottery_residents_first=True,
    )
    entries = []
    for i in range(8):
        booking, _ = registration.register(
            occurrence.pk,
            nickname=f"応募{i}",
            email=f"p{i}@example.jp",
            residence="ward" if i < 2 else "outside",
        )
        entries.append(booking)
    assert {b.status for b in entries} == {"lottery"}
    with django_capture_on_commit_callbacks(execute=True):
        winners = lottery.draw_lottery(occurrence.pk, seed=42)
    assert len(winners) == 3
    assert {entries[0].pk, entries[1].pk} <= {w.pk for w in winners}  # residents first
    occurrence.refresh_from_db()
    assert occurrence.lottery_log.startswith("seed=42")
    assert lottery.draw_lottery(occurrence.pk, seed=1) == []  # drawn once only
    results = [m for m in mail.outbox if m.subject == "抽選結果のお知らせ"]
    assert len(results) == 8


def test_the_sweep_command_sends_due_reminders(site_tree):
    from io import StringIO

    from django.core.management import call_command

    _, occurrence = bookable_event(site_tree.ward)
    registration.register(occurrence.pk, nickname="匿名", email="p@example.jp", wants_reminder=True)
    reminder = OutgoingMail.objects.get(kind="reminder")
    OutgoingMail.objects.filter(pk=reminder.pk).update(send_after=timezone.now())
    out = StringIO()
    call_command("send_queued_mail", stdout=out)
    assert "送信 1 件" in out.getvalue()
    assert "p@example.jp" not in out.getvalue()


def test_lotteries_are_drawn_when_registration_closes(site_tree):
    import datetime as dt

    from events.bookings.availability import registration_window
    from events.bookings.lottery import draw_due_lotteries

    _, occurrence = bookable_event(site_tree.ward, booking_mode="lottery", capacity=2)
    for i in range(3):
        registration.register(occurrence.pk, nickname=f"応募{i}")
    _opens, closes = registration_window(occurrence)
    assert draw_due_lotteries(now=closes - dt.timedelta(minutes=1)) == 0
    assert draw_due_lotteries(now=closes + dt.timedelta(minutes=1)) == 1
    occurrence.refresh_from_db()
    assert occurrence.lottery_drawn_at is not None
    statuses = sorted(occurrence.bookings.values_list("status", flat=True))
    assert statuses == ["confirmed", "confirmed", "not_drawn"]
    assert draw_due_lotteries(now=closes + dt.timedelta(minutes=2)) == 0


def test_people_are_told_when_their_date_moves(site_tree):
    from events.models import EventException

    event, occurrence = bookable_event(site_tree.ward)
    registration.register(occurrence.pk, nickname="匿名", email="p@example.jp")
    event.exceptions = [
        EventException(
            original_date=occurrence.original_date,
            kind="moved",
            reason="会場の都合",
            new_start_time=datetime.time(10, 0),
        )
    ]
    event.save_revision().publish()
    changed = OutgoingMail.objects.get(kind="changed")
    assert send_one(changed.pk) == "sent"
    assert mail.outbox[-1].subject == "日程・会場の変更について"
    assert "10:00" in mail.outbox[-1].body
