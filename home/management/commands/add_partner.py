"""``manage.py add_partner "<name>" --kind family_association --slug <slug> [--editor e@x …]``

Onboards a partner in one step (idempotent): its unpublished organisation page, an editors'
group with add / edit / lock (not publish) on that subtree, its own image and document
collection, and the ward's approval workflow. New editors get an invitation mail (sent by
the task worker) with a link to set their password. An address that already has an
account is refused unless ``--attach-existing`` is given: the refusal lists what that
account can do today."""

from django.core.management.base import BaseCommand, CommandError

from home.models import OrganisationKind
from home.partners import PartnerError, add_partner, describe_account


class Command(BaseCommand):
    help = "Onboard a partner organisation (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--kind", required=True, help=", ".join(OrganisationKind.values))
        parser.add_argument("--slug", required=True)
        parser.add_argument("--editor", action="append", default=[], dest="editors")
        parser.add_argument("--verified", action="store_true")
        parser.add_argument(
            "--attach-existing",
            action="store_true",
            help="Add editors whose address already has an account (their groups are listed).",
        )

    def handle(self, name, kind, slug, editors, verified, attach_existing, **options):
        try:
            result = add_partner(
                name,
                kind,
                slug=slug,
                editors=editors,
                verified=verified,
                attach_existing=attach_existing,
            )
        except PartnerError as error:
            raise CommandError(str(error)) from error
        verb = "登録しました" if result.created else "確認しました（既に登録済み）"
        self.stdout.write(f"{result.organisation.title}（/partners/{slug}/）を{verb}。")
        self.stdout.write(
            f"編集者グループ：{result.group.name}、コレクション：{result.collection.name}"
        )
        for user in result.new_accounts:
            self.stdout.write(
                f"新しいアカウント：{user.email}（パスワード設定用の招待メールを送ります）"
            )
        for user in result.attached:
            self.stdout.write(f"既存のアカウントを追加しました：{describe_account(user)}")
        for user in result.members:
            self.stdout.write(f"すでにこの団体の編集者です：{user.email or user.get_username()}")
        if result.created:
            self.stdout.write("団体ページは区の承認後に公開されます。")
