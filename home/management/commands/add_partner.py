"""``manage.py add_partner "<name>" --kind family_association --slug <slug> [--editor e@x …]``

Onboards a partner in one step (idempotent): its unpublished organisation page, an editors'
group with add / edit / lock (not publish) on that subtree, its own image and document
collection, and the ward's approval workflow."""

from django.core.management.base import BaseCommand, CommandError

from home.models import OrganisationKind
from home.partners import PartnerError, add_partner


class Command(BaseCommand):
    help = "Onboard a partner organisation (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--kind", required=True, help=", ".join(OrganisationKind.values))
        parser.add_argument("--slug", required=True)
        parser.add_argument("--editor", action="append", default=[], dest="editors")
        parser.add_argument("--verified", action="store_true")

    def handle(self, name, kind, slug, editors, verified, **options):
        try:
            result = add_partner(name, kind, slug=slug, editors=editors, verified=verified)
        except PartnerError as error:
            raise CommandError(str(error)) from error
        verb = "登録しました" if result.created else "確認しました（既に登録済み）"
        self.stdout.write(f"{result.organisation.title}（/partners/{slug}/）を{verb}。")
        self.stdout.write(
            f"編集者グループ：{result.group.name}、コレクション：{result.collection.name}"
        )
        for user in result.editors:
            self.stdout.write(
                f"編集者：{user.email}（パスワードは管理画面の「パスワードを忘れた場合」から設定）"
            )
        if result.created:
            self.stdout.write("団体ページは区の承認後に公開されます。")
