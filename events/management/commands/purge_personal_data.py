"""``manage.py purge_personal_data``: erase the personal data of bookings whose date ended
more than ``BOOKING_RETENTION_DAYS`` ago, keeping anonymous counts. Run it daily (cron), or
with ``--enqueue`` to hand it to the task worker.

The output is counts only: it ends up in cron mail and logs, where personal data must
never appear.
"""

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Erase personal data of bookings past the retention period (counts are kept)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue", action="store_true", help="Queue the work for the task worker."
        )

    def handle(self, *args, enqueue=False, **options):
        if enqueue:
            from events.bookings.tasks import purge_personal_data_task

            result = purge_personal_data_task.enqueue()
            self.stdout.write(f"個人情報の消去をキューに追加しました（{result.id}）。")
            return
        from events.bookings.retention import purge_personal_data, retention_days

        counts = purge_personal_data()
        self.stdout.write(
            f"終了から {retention_days()} 日を過ぎた予約 {counts['erased']} 件の個人情報を"
            f"消去しました（うち {counts['counted']} 件を匿名の集計に加えました）。"
        )
