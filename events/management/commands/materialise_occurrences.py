"""``manage.py materialise_occurrences``: extend every live event's occurrences to the
rolling horizon. Run it daily (cron), or with ``--enqueue`` to hand it to the worker."""

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Materialise occurrences of every live event up to the horizon."

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue", action="store_true", help="Queue the work for the task worker."
        )

    def handle(self, *args, enqueue=False, **options):
        if enqueue:
            from events.tasks import extend_occurrence_horizon

            result = extend_occurrence_horizon.enqueue()
            self.stdout.write(f"queued: {result.id}")
            return
        from events.publishing import extend_horizon

        count = extend_horizon()
        self.stdout.write(f"{count} 件のイベントの日程を更新しました。")
