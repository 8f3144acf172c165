"""Onboarding partner organisations and the ward's approval workflow.

One call gives a partner everything it needs, and nothing more: its organisation page
(unpublished until the ward approves it), a group of editors who may add, edit and lock
pages in that subtree but not publish, a collection of images and documents of its own,
and the ward's approval workflow over the whole organisations tree.
"""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
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


@dataclass
class Onboarded:
    organisation: OrganisationPage
    group: Group
    collection: Collection
    editors: list = field(default_factory=list)
    created: bool = False


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
def add_partner(name, kind, slug=None, editors=(), verified=False):
    """Onboard a partner (idempotent). Raises ``PartnerError`` with a Japanese message."""
    name = (name or "").strip()
    if not name:
        raise PartnerError("団体名を指定してください。")
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
        organisation = OrganisationPage(title=name, slug=slug, kind=kind, verified=verified)
        organisation.live = False  # unpublished until the ward approves it
        index.add_child(instance=organisation)
        organisation.save_revision()

    group = organisation.editors_group
    if group is None:
        group, _ = Group.objects.get_or_create(name=f"{name} 編集者")
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
    users = [_editor(email, group) for email in editors]
    return Onboarded(organisation, group, collection, users, created)


def _editor(email, group):
    email = email.strip().lower()
    if "@" not in email:
        raise PartnerError(f"メールアドレス「{email}」が正しくありません。")
    user_model = get_user_model()
    user = user_model.objects.filter(email__iexact=email).first()
    if user is None:
        user = user_model.objects.create_user(username=email, email=email)
        user.set_unusable_password()  # they choose one through "パスワードを忘れた場合"
        user.save()
    user.groups.add(group)
    return user


def organisations_of(user):
    """The organisations whose editors' group ``user`` belongs to."""
    return OrganisationPage.objects.filter(editors_group__in=user.groups.all())
