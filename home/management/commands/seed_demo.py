"""``manage.py seed_demo``: load the demo content. Safe to run again and again.

Each installed app may provide a ``demo_content`` module with ``seed(command)`` and an
optional ``finish(command)``; seeds run in ``INSTALLED_APPS`` order, so ``home`` builds the
tree the others hang from, and every ``finish`` runs after all seeds. An app's optional
``contradictions()`` lists pages whose words contradict their settings: any found makes the
command fail and leaves the database as it was.
"""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction


class Command(BaseCommand):
    help = "Create or update the demo content (idempotent)."

    def handle(self, *args, **options):
        modules = [
            import_module(f"{app_config.name}.demo_content")
            for app_config in apps.get_app_configs()
            if find_spec(f"{app_config.name}.demo_content") is not None
        ]
        with transaction.atomic():
            for module in modules:
                module.seed(self)
            # Pages that describe the others (e.g. the list of feeds) come last.
            for module in modules:
                if hasattr(module, "finish"):
                    module.finish(self)
            found = [
                item
                for module in modules
                if hasattr(module, "contradictions")
                for item in module.contradictions()
            ]
            if found:
                lines = "\n".join(f"  {title}: {message}" for title, message in found)
                raise CommandError(f"デモ用コンテンツに矛盾があります：\n{lines}")
        self.stdout.write(self.style.SUCCESS("デモ用コンテンツを用意しました。"))
