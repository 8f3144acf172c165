"""``manage.py run_periodic``: the scheduler. Runs every periodic job (scheduled
publishing, mail, lottery draws, partner feeds, the retention purge, the occurrence
horizon) at its own interval, forever, or once with ``--once``. Safe to start on several
machines: each job runs on one of them at a time (see cms/periodic.py)."""

import signal
import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from cms.models import PeriodicJob
from cms.periodic import jobs, owner_name, run_due_jobs


class Command(BaseCommand):
    help = "Run the periodic jobs (scheduled publishing, mail, lotteries, imports, purge)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run what is due, then stop.")
        parser.add_argument(
            "--tick", type=float, default=15.0, help="Seconds between looks (default 15)."
        )
        parser.add_argument("--job", action="append", help="Only this job (repeatable).")
        parser.add_argument("--list", action="store_true", help="Show the jobs and their state.")

    def handle(self, *args, once=False, tick=15.0, job=None, list=False, **options):
        if list:
            return self.show()
        owner = owner_name()
        stopping = []

        def stop(signum, frame):
            stopping.append(signum)  # finish the job in hand, then leave

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        while True:
            for name, result in run_due_jobs(owner, only=job).items():
                self.stdout.write(f"{timezone.localtime():%Y-%m-%d %H:%M:%S} {name}: {result}")
            if once or stopping:
                return
            deadline = time.monotonic() + tick
            while time.monotonic() < deadline and not stopping:
                time.sleep(min(1.0, tick))
            if stopping:
                return

    def show(self):
        state = {row.name: row for row in PeriodicJob.objects.all()}
        for job in jobs():
            row = state.get(job.name)
            last = (
                timezone.localtime(row.last_started).strftime("%Y-%m-%d %H:%M")
                if row and row.last_started
                else "—"
            )
            self.stdout.write(
                f"{job.name:24} 間隔 {job.every:>6} 秒  最終開始 {last}  "
                f"回数 {row.runs if row else 0}  {row.last_error if row and row.last_error else ''}"
            )
