"""``manage.py purge_personal_data``: delete the bookings whose date ended more than
``BOOKING_RETENTION_DAYS`` ago, keeping anonymous counts. Run it daily (cron), or with
``--enqueue`` to hand it to the task worker.

The output is counts only: it ends up in cron mail and logs, where personal data must
never appear.
"""

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Delete bookings past the retention period (anonymous counts are kept)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue", action="store_true", help="Queue the work for the task worker."
        )

    def handle(self, *args, enqueue=False, **options):
        if enqueue:
            from events.bookings.tasks import purge_personal_data_task

            result = purge_personal_data_task.enqueue()
            self.stdout.write(f"予約の削除をキューに追加しました（{result.id}）。")
            return
        from events.bookings.retention import purge_personal_data, retention_days

        counts = purge_personal_data()
        self.stdout.write(
            f"終了から {retention_days()} 日を過ぎた予約 {counts['erased']} 件を個人情報ごと"
            f"削除しました（うち {counts['counted']} 件を匿名の集計に加えました）。"
            f"開催済みの回 {counts['dates']} 件を集計に加えました。"
        )
