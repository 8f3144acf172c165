"""``manage.py draw_lotteries``: draw every lottery whose registration has closed. Run it
every few minutes from cron (or ``--enqueue`` it for the task worker)."""

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Draw the lotteries whose registration has closed."

    def add_arguments(self, parser):
        parser.add_argument("--enqueue", action="store_true")

    def handle(self, *args, enqueue=False, **options):
        if enqueue:
            from events.bookings.tasks import draw_due_lotteries_task

            self.stdout.write(f"queued: {draw_due_lotteries_task.enqueue().id}")
            return
        from events.bookings.lottery import draw_due_lotteries

        self.stdout.write(f"{draw_due_lotteries()} 件の抽選を行いました。")
