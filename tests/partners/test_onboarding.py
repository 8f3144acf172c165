"""Onboarding a partner is one step, from the command line or the admin."""

from io import StringIO

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.urls import reverse

from wagtail.models import Collection, GroupPagePermission, WorkflowPage

import pytest

from home.models import OrganisationPage
from home.partners import WARD_STAFF_GROUP, ensure_ward_staff

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    call_command("add_partner", *args, stdout=out)
    return out.getvalue()


def test_add_partner_creates_everything_once(site_tree):
    output = run(
        "家族会 みらい",
        "--kind",
        "family_association",
        "--slug",
        "mirai",
        "--editor",
        "mirai@example.jp",
    )
    assert "登録しました" in output
    organisation = OrganisationPage.objects.get(slug="mirai")
    assert not organisation.live  # published after the ward approves it
    group = organisation.editors_group
    codenames = set(
        GroupPagePermission.objects.filter(group=group, page=organisation).values_list(
            "permission__codename", flat=True
        )
    )
    assert codenames == {"add_page", "change_page", "lock_page"}
    assert Collection.objects.filter(name="家族会 みらい").exists()
    user = get_user_model().objects.get(email="mirai@example.jp")
    assert group in user.groups.all() and not user.has_usable_password()
    assert WorkflowPage.objects.filter(page=site_tree.partners).exists()
    assert Group.objects.filter(name=WARD_STAFF_GROUP).exists()
    # Again: nothing is duplicated.
    assert "既に登録済み" in run("家族会 みらい", "--kind", "family_association", "--slug", "mirai")
    assert OrganisationPage.objects.filter(slug="mirai").count() == 1
    assert Group.objects.filter(name="家族会 みらい 編集者").count() == 1
    assert Collection.objects.filter(name="家族会 みらい").count() == 1


def test_clear_errors(site_tree):
    run("家族会 みらい", "--kind", "npo", "--slug", "mirai")
    with pytest.raises(CommandError, match="すでに"):
        run("別の会", "--kind", "npo", "--slug", "mirai")
    with pytest.raises(CommandError, match="種別"):
        run("会", "--kind", "club", "--slug", "kai")


def test_onboarding_from_the_admin(client, site_tree):
    staff = get_user_model().objects.create_user("staff", "s@example.jp", "pw")
    staff.groups.add(ensure_ward_staff())
    client.force_login(staff)
    url = reverse("home_onboard_partner")
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "name": "当事者会 そら",
            "kind": "peer_group",
            "slug": "sora",
            "editors": "sora@example.jp\n",
        },
    )
    assert response.status_code == 302
    assert OrganisationPage.objects.filter(slug="sora", live=False).exists()
    bad = client.post(url, {"name": "x", "kind": "peer_group", "slug": "sora", "editors": "no"})
    assert bad.status_code == 200 and "有効なメールアドレス" in bad.content.decode()


def test_only_the_ward_onboards(client, site_tree):
    from home.partners import add_partner

    editor = add_partner("会A", "npo", slug="a", editors=["a@example.jp"]).editors[0]
    client.force_login(editor)
    response = client.get(reverse("home_onboard_partner"))
    assert response.status_code in {302, 403}


def test_the_audit_log_is_visible_to_ward_staff_only(client, site_tree):
    from events.bookings import registration
    from home.partners import add_partner
    from tests.bookings.conftest import bookable_event

    partner = add_partner("会A", "npo", slug="a", editors=["a@example.jp"])
    partner.organisation.save_revision().publish()
    _, occurrence = bookable_event(partner.organisation)
    registration.register(occurrence.pk, nickname="秘密の参加者")
    staff = get_user_model().objects.create_user("staff", "s@example.jp", "pw")
    staff.groups.add(ensure_ward_staff())
    editor = partner.editors[0]
    client.force_login(editor)
    assert client.get(reverse("events_desk", args=(occurrence.pk,))).status_code == 200
    history = reverse("wagtailadmin_reports:site_history")
    client.force_login(staff)
    html = client.get(history).content.decode()
    assert "予約一覧を閲覧しました" in html and "秘密の参加者" not in html
    client.force_login(editor)
    assert "予約一覧を閲覧しました" not in client.get(history).content.decode()
