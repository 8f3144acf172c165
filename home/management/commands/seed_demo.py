"""``manage.py seed_demo``: load the demo content. Safe to run again and again.

Each installed app may provide a ``demo_content`` module with ``seed(command)``; they
run in ``INSTALLED_APPS`` order, so ``home`` builds the tree the others hang from.
"""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = "Create or update the demo content (idempotent)."

    def handle(self, *args, **options):
        for app_config in apps.get_app_configs():
            module_name = f"{app_config.name}.demo_content"
            if find_spec(module_name) is None:
                continue
            with transaction.atomic():
                import_module(module_name).seed(self)
        self.stdout.write(self.style.SUCCESS("デモ用コンテンツを用意しました。"))
