"""Write the consultation desk's contact for the database-outage page (run at each deploy;
saving the desk setting in the admin does it too)."""

from django.core.management.base import BaseCommand

from home.outage import SNAPSHOT_NAME, save_snapshot


class Command(BaseCommand):
    help = "Copy the consultation desk's phone number where the outage page can read it."

    def handle(self, *args, **options):
        sites = save_snapshot()
        missing = [host for host, contact in sites.items() if not contact["phone"]]
        self.stdout.write(f"{SNAPSHOT_NAME}: {len(sites)} site(s)")
        for host in missing:
            self.stderr.write(f"{host}: the desk has no phone number (設定 → 相談窓口)")
