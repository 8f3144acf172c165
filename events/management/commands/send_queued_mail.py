"""``manage.py send_queued_mail``: send every queued e-mail whose time has come (reminders,
retries). The task worker sends most mail at once; run this from cron as a sweep."""

from django.core.management.base import BaseCommand

from events.bookings.mail import send_due_mail


class Command(BaseCommand):
    help = "Send queued e-mail that is due."

    def handle(self, *args, **options):
        results = send_due_mail()
        self.stdout.write(
            f"送信 {results.count('sent')} 件、見送り {results.count('skipped')} 件、"
            f"再試行待ち {results.count('retry')} 件"
        )
