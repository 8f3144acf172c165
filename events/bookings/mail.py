"""The outbox. Every e-mail is a row first (queued → sent / failed / not sent), sent by a
task on the worker and retried with backoff; its body is deleted once sent.

Subjects, the sender name and calendar titles are neutral: a family member may see the
phone's lock screen, so no event title or word such as ひきこもり appears there.
"""

import datetime
import hashlib
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from django_tasks import default_task_backend, task

from ..choices import ACTIVE_BOOKING_STATUSES
from ..schedules import TOKYO
from .models import Booking, BookingStatus, MailStatus, OutgoingMail
from .outcome import outcome_of
from .tokens import new_token

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
# A claim older than this belongs to a worker that died mid-send (SMTP times out after
# EMAIL_TIMEOUT, 20 s): the mail goes back to the queue. Long enough never to send twice
# what a slow but living worker is still sending.
STALE_CLAIM = datetime.timedelta(minutes=10)
SUBJECTS = {
    "confirmation": "ご予約の受付",
    "promoted": "キャンセル待ちからのご案内",
    "lottery_result": "抽選結果のお知らせ",
    "cancelled_by_staff": "ご予約の取り消しについて",
    "changed": "日程・会場の変更について",
    "reminder": "明日のご予定",
    "recovery": "ご予約の確認",
}


def occurrence_state(occurrence):
    """A digest of when, where and whether a date happens: a reminder is not sent if it
    changed after the reminder was queued."""
    facts = f"{occurrence.start}|{occurrence.end}|{occurrence.status}|{occurrence.venue_name}"
    return hashlib.sha256(facts.encode()).hexdigest()


def manage_url(token):
    """The full address of a booking's secret page, for mails (Japanese, no prefix)."""
    with translation.override("ja"):
        return settings.BASE_URL + reverse("booking_manage", args=(token,))


def _render(booking, kind, token=None, now=None):
    with translation.override("ja"):
        return render_to_string(
            "events/mail/booking.txt",
            {
                "booking": booking,
                "kind": kind,
                "occurrence": booking.occurrence,
                "event": booking.occurrence.event,
                "outcome": outcome_of(booking, now),
                "link": manage_url(token) if token else "",
                "recover_url": settings.BASE_URL + reverse("booking_recover"),
                "base_url": settings.BASE_URL,
            },
        )


def queue_mail(booking, kind, now=None, token=None):
    """Queue an e-mail to a booking's address (nothing happens without one). Call inside
    the transaction that made the change; the worker picks it up after commit.

    ``token`` (only at registration, the one time it is known) puts the secret link in
    the mail: the mail is the person's own channel, and the body is deleted once sent."""
    if not booking.email:
        return None
    now = now or timezone.now()
    body = _render(booking, kind, token, now)
    mails = [
        OutgoingMail.objects.create(
            kind=kind,
            booking=booking,
            occurrence=booking.occurrence,
            occurrence_state=occurrence_state(booking.occurrence),
            to=booking.email,
            subject=SUBJECTS[kind],
            body=body,
            send_after=now,
        )
    ]
    if kind in {"confirmation", "promoted", "lottery_result"} and booking.wants_reminder:
        reminder = queue_reminder(booking, now)
        if reminder is not None:
            mails.append(reminder)
    for mail in mails:
        transaction.on_commit(lambda pk=mail.pk, when=mail.send_after: _enqueue(pk, when))
    return mails[0]


def queue_reminder(booking, now):
    if booking.status != BookingStatus.CONFIRMED:
        return None
    day_before = booking.occurrence.start.astimezone(TOKYO).date() - datetime.timedelta(days=1)
    send_after = datetime.datetime.combine(day_before, datetime.time(12, 0), tzinfo=TOKYO)
    if send_after <= now or booking.mails.filter(kind="reminder").exists():
        return None
    body = _render(booking, "reminder", now=now)
    return OutgoingMail.objects.create(
        kind="reminder",
        booking=booking,
        occurrence=booking.occurrence,
        occurrence_state=occurrence_state(booking.occurrence),
        to=booking.email,
        subject=SUBJECTS["reminder"],
        body=body,
        send_after=send_after,
    )


def _enqueue(mail_id, send_after):
    if send_after > timezone.now():
        if not default_task_backend.supports_defer:
            return  # the periodic sweep (send_queued_mail) sends it when due
        deliver_mail.using(run_after=send_after).enqueue(mail_id)
    else:
        deliver_mail.enqueue(mail_id)


@task()
def deliver_mail(mail_id):
    """Send one queued e-mail (idempotent: anything not queued and due is left alone)."""
    return send_one(mail_id)


def send_one(mail_id, now=None):
    """Send one due mail. The row is claimed in a short transaction and the SMTP
    conversation happens outside it, so a slow mail server never holds a database lock
    (on SQLite that lock is the whole database's)."""
    now = now or timezone.now()
    with transaction.atomic():
        claimed = OutgoingMail.objects.filter(
            pk=mail_id, status=MailStatus.QUEUED, send_after__lte=now
        ).update(status=MailStatus.SENDING, claimed_at=timezone.now())
    if not claimed:
        return "not due"
    mail = OutgoingMail.objects.select_related("booking", "occurrence").get(pk=mail_id)
    if mail.kind == "reminder" and not _reminder_still_true(mail):
        _close(mail, MailStatus.SKIPPED)
        return "skipped"
    body, new_links = mail.body, {}
    if mail.kind == "recovery":
        body, new_links = _compose_recovery(mail.to, now)
        if not new_links:  # nothing active under that address: nobody is written to
            _close(mail, MailStatus.SKIPPED)
            return "skipped"
    try:
        EmailMessage(
            subject=mail.subject,
            body=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[mail.to],
        ).send()
    except Exception as exc:  # the mail server's problem must not lose the message
        mail.attempts += 1
        mail.last_error = type(exc).__name__[:200]
        if mail.attempts >= MAX_ATTEMPTS:
            _close(mail, MailStatus.FAILED)
        else:
            mail.status = MailStatus.QUEUED
            mail.send_after = now + datetime.timedelta(minutes=2**mail.attempts)
            mail.save(update_fields=["status", "attempts", "last_error", "send_after"])
            transaction.on_commit(lambda: _enqueue(mail.pk, mail.send_after))
        logger.warning("mail %s (%s) failed: %s", mail.pk, mail.kind, mail.last_error)
        return "retry"
    for booking_id, token_hash in new_links.items():
        # Only now that the mail has gone: until then the old links keep working.
        Booking.objects.filter(pk=booking_id).update(token_hash=token_hash)
    mail.sent_at = now
    _close(mail, MailStatus.SENT)
    return "sent"


def queue_recovery(email, now=None):
    """Queue "your booking links" for ``email``. The same one row whatever the address
    holds: whether it has bookings is looked up by the worker when it sends, so neither
    the answer nor its timing tells the person asking."""
    now = now or timezone.now()
    mail = OutgoingMail.objects.create(
        kind="recovery", to=email, subject=SUBJECTS["recovery"], body="", send_after=now
    )
    transaction.on_commit(lambda: _enqueue(mail.pk, now))
    return mail


def _compose_recovery(email, now):
    """The mail listing new links to every active booking of ``email`` whose date is
    ahead, and ``{booking_id: new token hash}``. Only hashes are stored, so the old links
    cannot be sent again: new ones are issued (and the mail says so)."""
    bookings = (
        Booking.objects.filter(
            email__iexact=email,
            status__in=ACTIVE_BOOKING_STATUSES,
            occurrence__end__gt=now,
        )
        .select_related("occurrence", "occurrence__event", "slot")
        .order_by("occurrence__start", "pk")
    )
    items, new_links = [], {}
    for booking in bookings:
        token, token_hash = new_token()
        new_links[booking.pk] = token_hash
        items.append(
            {"booking": booking, "outcome": outcome_of(booking, now), "link": manage_url(token)}
        )
    if not items:
        return "", {}
    with translation.override("ja"):
        body = render_to_string(
            "events/mail/recovery.txt", {"items": items, "base_url": settings.BASE_URL}
        )
    return body, new_links


def _reminder_still_true(mail):
    booking, occurrence = mail.booking, mail.occurrence
    return (
        booking is not None
        and occurrence is not None
        and booking.status == BookingStatus.CONFIRMED
        and not occurrence.is_cancelled
        and occurrence_state(occurrence) == mail.occurrence_state
    )


def _close(mail, status):
    """Final state: keep the row for the record, drop the message and the address."""
    mail.status = status
    mail.body = ""
    mail.to = ""
    mail.save(update_fields=["status", "body", "to", "attempts", "last_error", "sent_at"])


def requeue_stale_claims(now=None):
    """Mails a worker claimed and never finished (it was killed, or the machine went
    down) go back to the queue, counting the attempt. Returns how many."""
    now = now or timezone.now()
    stale = OutgoingMail.objects.filter(status=MailStatus.SENDING).filter(
        Q(claimed_at__lt=now - STALE_CLAIM) | Q(claimed_at__isnull=True)
    )
    count = stale.update(
        status=MailStatus.QUEUED,
        attempts=F("attempts") + 1,
        last_error="WorkerStopped",
        send_after=now,
        claimed_at=None,
    )
    if count:
        logger.warning("requeued %d mails whose worker stopped while sending", count)
    return count


def send_due_mail(now=None):
    """Send everything queued and due (the periodic sweep behind the task worker), after
    taking back what a stopped worker left half-sent."""
    now = now or timezone.now()
    requeue_stale_claims(now)
    ids = list(
        OutgoingMail.objects.filter(status=MailStatus.QUEUED, send_after__lte=now).values_list(
            "pk", flat=True
        )
    )
    return [send_one(pk, now) for pk in ids]
