"""``manage.py import_partner_feeds``: refresh the partner calendars that are due (or all
enabled ones with ``--all``), with a progress bar on a terminal and a line per feed."""

import sys

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from tqdm import tqdm


class Command(BaseCommand):
    help = "Refresh the partner calendars that are due (or all enabled ones)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--all", action="store_true", help="Refresh every enabled calendar, due or not."
        )
        parser.add_argument(
            "--enqueue", action="store_true", help="Queue the work for the task worker."
        )

    def handle(self, *args, **options):
        if options["enqueue"]:
            from events.importers.tasks import refresh_due_partner_feeds

            result = refresh_due_partner_feeds.enqueue()
            self.stdout.write(f"queued: {result.id}")
            return
        from events.importers.service import due_count, refresh_due_feeds

        every = options["all"]
        total = due_count(every=every)
        if not total:
            self.stdout.write(_("No partner calendar is due for a refresh."))
            return
        interactive = hasattr(self.stdout, "isatty") and self.stdout.isatty()
        bar = tqdm(total=total, unit="feed", file=sys.stdout, disable=not interactive)
        failed = 0

        def progress(outcome):
            nonlocal failed
            failed += not outcome.ok
            bar.update(1)
            (bar.write if interactive else self.stdout.write)(outcome.summary())

        outcomes = refresh_due_feeds(every=every, progress=progress)
        bar.close()
        self.stdout.write(
            _("%(count)d calendars refreshed, %(failed)d failed.")
            % {"count": len(outcomes), "failed": failed}
        )
