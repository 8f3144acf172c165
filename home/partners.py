"""Onboarding partner organisations and the ward's approval workflow.

One call gives a partner everything it needs, and nothing more: its organisation page
(unpublished until the ward approves it), a group of editors who may add, edit and lock
pages in that subtree but not publish, a collection of images and documents of its own,
and the ward's approval workflow over the whole organisations tree.
"""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils.text import slugify

from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from .invitations import invite
from .models import OrganisationIndexPage, OrganisationKind, OrganisationPage

WARD_STAFF_GROUP = "区職員"
WORKFLOW_NAME = "区の承認"
EDITOR_PAGE_PERMISSIONS = ("add_page", "change_page", "lock_page")
WARD_PAGE_PERMISSIONS = (
    "add_page",
    "change_page",
    "bulk_delete_page",
    "delete_page",
    "lock_page",
    "publish_page",
    "unlock_page",
)
COLLECTION_PERMISSIONS = (
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
)
PARTNER_MODEL_PERMISSIONS = (
    ("wagtailadmin", "access_admin"),
    ("events", "view_booking"),
    ("events", "check_in_booking"),
    # A partner proposes its own calendar for import; the ward enables it.
    ("events", "add_partnerfeed"),
    ("events", "change_partnerfeed"),
    ("events", "view_partnerfeed"),
)
WARD_MODEL_PERMISSIONS = (
    *PARTNER_MODEL_PERMISSIONS,
    ("events", "view_all_bookings"),
    ("events", "view_booking_audit"),
    ("home", "verify_organisation"),
    ("home", "onboard_partner"),
    ("events", "add_eventcategory"),
    ("events", "change_eventcategory"),
    ("events", "delete_partnerfeed"),
    ("events", "enable_partnerfeed"),
)


class PartnerError(ValueError):
    """Onboarding cannot go ahead; the message says why, in Japanese."""


class ExistingAccounts(PartnerError):
    """Some addresses belong to accounts that exist already. They are added only on the
    ward's explicit confirmation, after it has seen what each account can do today: an
    editor of one partner must not get another partner's pages by changing an address."""

    def __init__(self, accounts):
        self.accounts = accounts
        lines = "\n".join(f"・{describe_account(user)}" for user in accounts)
        super().__init__(
            "次のアドレスにはすでにアカウントがあります。確認のうえ、この団体の編集者に加える"
            "場合は --attach-existing を指定してください（管理画面では確認欄にチェック）。\n"
            + lines
        )


def account_groups(user):
    """What an account can do today, in words: its groups and whether it is an admin."""
    groups = [group.name for group in user.groups.order_by("name")]
    if user.is_superuser:
        groups.insert(0, "管理者（すべての権限）")
    return groups


def describe_account(user):
    groups = "、".join(account_groups(user)) or "なし"
    name = user.get_username()
    return f"{user.email or name}（ログイン名 {name}、グループ：{groups}）"


@dataclass
class Onboarded:
    organisation: OrganisationPage
    group: Group
    collection: Collection
    editors: list = field(default_factory=list)
    created: bool = False
    new_accounts: list = field(default_factory=list)
    attached: list = field(default_factory=list)  # existing accounts added just now
    members: list = field(default_factory=list)  # already editors of this organisation


MAX_NAME_LENGTH = 120


def _permission(app_label, codename):
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def ensure_ward_staff():
    """The ward staff group: publishes, approves, sees every booking."""
    group, _ = Group.objects.get_or_create(name=WARD_STAFF_GROUP)
    group.permissions.add(*(_permission(a, c) for a, c in WARD_MODEL_PERMISSIONS))
    index = OrganisationIndexPage.objects.first()
    root = index.get_parent() if index else None
    if root is not None:
        for codename in WARD_PAGE_PERMISSIONS:
            GroupPagePermission.objects.get_or_create(
                group=group, page=root, permission=_permission("wagtailcore", codename)
            )
    root_collection = Collection.get_first_root_node()
    for app_label, codename in COLLECTION_PERMISSIONS:
        GroupCollectionPermission.objects.get_or_create(
            group=group, collection=root_collection, permission=_permission(app_label, codename)
        )
    return group


def ensure_workflow():
    """One workflow with a group-approval task for ward staff over the organisations tree."""
    staff = ensure_ward_staff()
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    task = GroupApprovalTask.objects.filter(name=WORKFLOW_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=WORKFLOW_NAME)
    task.groups.set([staff])
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    index = OrganisationIndexPage.objects.first()
    if index is not None:
        WorkflowPage.objects.update_or_create(page=index, defaults={"workflow": workflow})
    return workflow


@transaction.atomic
def add_partner(
    name,
    kind,
    slug=None,
    editors=(),
    verified=False,
    *,
    attach_existing=False,
    confirmed_accounts=None,
    invited_by=None,
):
    """Onboard a partner (idempotent). Raises ``PartnerError`` with a Japanese message.

    Editors' addresses that belong to existing accounts raise ``ExistingAccounts`` unless
    ``attach_existing`` is given; ``confirmed_accounts`` (a set of user ids) makes sure
    the accounts added are exactly those the ward was shown. New accounts get an
    invitation mail with a link to set their password."""
    name = (name or "").strip()
    if not name:
        raise PartnerError("団体名を指定してください。")
    if len(name) > MAX_NAME_LENGTH:
        raise PartnerError(f"団体名は{MAX_NAME_LENGTH}文字以内にしてください。")
    if kind not in OrganisationKind.values:
        choices = "、".join(OrganisationKind.values)
        raise PartnerError(f"種別「{kind}」はありません。次のいずれかを指定してください：{choices}")
    slug = slugify(slug or "")
    if not slug:
        raise PartnerError("スラッグ（URL に使う英数字）を指定してください。")
    index = OrganisationIndexPage.objects.first()
    if index is None:
        raise PartnerError(
            "団体一覧ページ（/partners/）がありません。先に seed_demo を実行してください。"
        )

    existing = index.get_children().filter(slug=slug).first()
    created = existing is None
    if existing is not None:
        organisation = existing.specific
        if not isinstance(organisation, OrganisationPage) or organisation.title != name:
            raise PartnerError(f"スラッグ「{slug}」はすでに「{existing.title}」で使われています。")
    else:
        _refuse_same_name(name)
        organisation = OrganisationPage(title=name, slug=slug, kind=kind, verified=verified)
        organisation.live = False  # unpublished until the ward approves it
        index.add_child(instance=organisation)
        organisation.save_revision()

    group = organisation.editors_group
    if group is None:
        group, _ = Group.objects.get_or_create(name=f"{name} 編集者")
        if OrganisationPage.objects.filter(editors_group=group).exists():
            raise PartnerError(f"グループ「{group.name}」はすでに別の団体の編集者グループです。")
        OrganisationPage.objects.filter(pk=organisation.pk).update(editors_group=group)
        organisation.editors_group = group
    group.permissions.add(*(_permission(a, c) for a, c in PARTNER_MODEL_PERMISSIONS))
    for codename in EDITOR_PAGE_PERMISSIONS:
        GroupPagePermission.objects.get_or_create(
            group=group, page=organisation, permission=_permission("wagtailcore", codename)
        )

    root_collection = Collection.get_first_root_node()
    collection = root_collection.get_children().filter(name=name).first()
    if collection is None:
        collection = root_collection.add_child(instance=Collection(name=name))
    for app_label, codename in COLLECTION_PERMISSIONS:
        GroupCollectionPermission.objects.get_or_create(
            group=group, collection=collection, permission=_permission(app_label, codename)
        )

    ensure_workflow()
    result = Onboarded(organisation, group, collection, created=created)
    new, existing, members = _resolve_editors(editors, group)
    if existing and not attach_existing:
        raise ExistingAccounts(existing)
    confirmed = set(confirmed_accounts) if confirmed_accounts is not None else None
    if existing and confirmed is not None and {user.pk for user in existing} != confirmed:
        raise ExistingAccounts(existing)  # not what the ward confirmed: show it again
    user_model = get_user_model()
    for email in new:
        user = user_model.objects.create_user(username=email, email=email)
        user.set_unusable_password()  # set through the invitation's link
        user.save()
        result.new_accounts.append(user)
    result.attached = existing
    result.members = members
    for user in [*result.new_accounts, *existing]:
        user.groups.add(group)
        invite(
            user,
            organisation,
            attached_existing=user in existing,
            invited_by=invited_by,
        )
    result.editors = [*result.new_accounts, *existing, *members]
    return result


def _refuse_same_name(name):
    """One organisation per name: a second page would fight the first one over its
    editors' group (and the public would see two of them)."""
    same = OrganisationPage.objects.filter(title=name).first()
    if same is not None:
        raise PartnerError(
            f"団体名「{name}」はすでに /partners/{same.slug}/ で登録されています。"
            f"同じ団体ならスラッグに「{same.slug}」を指定し、"
            "別の団体なら名前を区別してください。"
        )


def _resolve_editors(emails, group):
    """Sort editors' addresses into new accounts, existing accounts not yet in the
    group, and accounts that are members already."""
    user_model = get_user_model()
    new, existing, members = [], [], []
    for raw in emails:
        email = (raw or "").strip().lower()
        if not email:
            continue
        try:
            validate_email(email)
        except ValidationError:
            raise PartnerError(f"メールアドレス「{email}」が正しくありません。") from None
        matches = list(
            user_model.objects.filter(Q(email__iexact=email) | Q(username__iexact=email))
        )
        if len(matches) > 1:
            raise PartnerError(
                f"メールアドレス「{email}」のアカウントが複数あります。"
                "ユーザー管理で整理してから登録してください。"
            )
        if not matches:
            if email not in new:
                new.append(email)
        elif matches[0].groups.filter(pk=group.pk).exists():
            if matches[0] not in members:
                members.append(matches[0])
        elif matches[0] not in existing:
            existing.append(matches[0])
    return new, existing, members


def organisations_of(user):
    """The organisations whose editors' group ``user`` belongs to."""
    return OrganisationPage.objects.filter(editors_group__in=user.groups.all())
