"""Remove an account's two-step login devices (a lost phone and no backup codes). If the
account must use two-step login, it sets up a new app at its next sign-in."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from home.twofactor import remove_devices


class Command(BaseCommand):
    help = "Reset two-step login for a user (after checking who they are, e.g. by phone)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        User = get_user_model()
        try:
            user = User.objects.get(**{User.USERNAME_FIELD: username})
        except User.DoesNotExist as missing:
            raise CommandError(f"No user {username!r}.") from missing
        removed = remove_devices(user)
        self.stdout.write(f"{username}: {removed} device record(s) removed.")
