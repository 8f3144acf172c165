"""``manage.py demo_admin``: create (or reuse) the demo administrator and print its login.

For ``make demo`` on a developer's machine only: it refuses to run with DEBUG off.
"""

import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

DEMO_USERNAME = "admin"


class Command(BaseCommand):
    help = "Create or reuse the demo superuser and print its login (DEBUG only)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("demo_admin is for local demos only (DEBUG is off).")
        password = os.environ.get("DEMO_ADMIN_PASSWORD", "ibasho-demo")
        user_model = get_user_model()
        user, created = user_model.objects.get_or_create(
            username=DEMO_USERNAME,
            defaults={"email": "admin@example.jp", "is_staff": True, "is_superuser": True},
        )
        if created:
            user.set_password(password)
            user.save()
        base = settings.WAGTAILADMIN_BASE_URL
        self.stdout.write(f"管理画面 / Admin: {base}/admin/")
        if user.check_password(password):
            self.stdout.write(f"  ユーザー名 / username: {DEMO_USERNAME}")
            self.stdout.write(f"  パスワード / password: {password}")
        else:
            self.stdout.write(
                f"  ユーザー名 / username: {DEMO_USERNAME} (password was changed; unchanged here)"
            )
