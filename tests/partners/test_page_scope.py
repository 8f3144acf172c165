"""A partner's editors browse and choose their own section and the public site only: no
other partner's drafts or draft titles in choosers, the explorer or its header."""

import datetime
import json

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

import pytest

from events.factories import EventPageFactory, publish_event
from home.partners import add_partner, ensure_ward_staff

pytestmark = pytest.mark.django_db

SECRETS = ("Bの下書きの催し", "当事者会B（準備中）", "Bの新しい題名（未承認）")


@pytest.fixture
def world(site_tree):
    """Partner A (approved) with an event; partner B not yet approved, with a draft
    event; partner C approved, with a live event whose new title awaits approval."""
    day = timezone.localdate() + datetime.timedelta(days=5)
    a = add_partner("家族会A", "family_association", slug="org-a", editors=["a@example.jp"])
    a.organisation.save_revision().publish()
    b = add_partner("当事者会B（準備中）", "peer_group", slug="org-b", editors=["b@example.jp"])
    draft = EventPageFactory(parent=b.organisation, title=SECRETS[0], slug="draft", live=False)
    draft.save_revision()
    c = add_partner("NPO C", "npo", slug="org-c", editors=["c@example.jp"])
    c.organisation.save_revision().publish()
    c_event = publish_event(c.organisation, title="Cの公開中の会", slug="c-live", start_date=day)
    c_event.title = SECRETS[2]
    c_event.save_revision()
    a_event = publish_event(a.organisation, title="Aの会", slug="a-event", start_date=day)
    a_event.title = "Aの会（Aの下書き）"
    a_event.save_revision()
    return {"a": a, "b": b, "c": c, "draft": draft, "c_event": c_event, "a_event": a_event}


def text(response):
    if response["Content-Type"].startswith("application/json"):
        return json.dumps(response.json(), ensure_ascii=False)
    return response.content.decode()


def assert_no_secrets(response, where):
    body = text(response)
    for secret in SECRETS:
        assert secret not in body, (where, secret)


def test_a_partner_sees_no_other_partners_drafts(client, world, site_tree):
    client.force_login(world["a"].editors[0])
    partners, b_org = site_tree.partners, world["b"].organisation
    for url in (
        reverse("wagtailadmin_choose_page"),
        reverse("wagtailadmin_choose_page_child", args=(site_tree.home.pk,)),
        reverse("wagtailadmin_choose_page_child", args=(partners.pk,)),
        reverse("wagtailadmin_choose_page_child", args=(world["c"].organisation.pk,)),
        reverse("wagtailadmin_choose_page") + "?page_type=events.eventpage",
        reverse("wagtailadmin_choose_page_search") + "?q=B",
        reverse("wagtailadmin_explore", args=(world["a"].organisation.pk,)),
        reverse("wagtailadmin_pages:edit", args=(world["a_event"].pk,)),
        reverse("wagtailadmin_pages:add", args=("events", "eventpage", world["a"].organisation.pk)),
        reverse("wagtailadmin_home"),
        f"/admin/api/main/pages/?child_of={partners.pk}&for_explorer=1",
        f"/admin/api/main/pages/?child_of={world['a'].organisation.pk}&for_explorer=1",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_no_secrets(response, url)
    # The public tree is there, with published titles; the partner's own draft title too.
    browse = text(client.get(reverse("wagtailadmin_choose_page_child", args=(partners.pk,))))
    assert "NPO C" in browse and "家族会A" in browse
    c_org = text(
        client.get(reverse("wagtailadmin_choose_page_child", args=(world["c"].organisation.pk,)))
    )
    assert "Cの公開中の会" in c_org
    own = text(
        client.get(reverse("wagtailadmin_choose_page_child", args=(world["a"].organisation.pk,)))
    )
    assert "Aの会（Aの下書き）" in own
    # Another partner's unpublished page cannot be opened in the chooser.
    for page in (b_org, world["draft"]):
        response = client.get(reverse("wagtailadmin_choose_page_child", args=(page.pk,)))
        assert response.status_code == 404


@pytest.mark.django_db(transaction=True)
def test_the_chooser_search_finds_no_other_partners_drafts(client, site_tree):
    """Search goes through the search index (filled after commit)."""
    b = add_partner("当事者会B", "peer_group", slug="org-b", editors=["b@example.jp"])
    draft = EventPageFactory(parent=b.organisation, title="下書き Bの催し", slug="d", live=False)
    draft.save_revision()
    a = add_partner("家族会A", "family_association", slug="org-a", editors=["a@example.jp"])
    mine = EventPageFactory(parent=a.organisation, title="下書き Aの催し", slug="m", live=False)
    mine.save_revision()
    search = reverse("wagtailadmin_choose_page_search") + "?q=下書き"
    client.force_login(a.editors[0])
    found = text(client.get(search))
    assert "下書き Aの催し" in found  # the search works…
    assert "下書き Bの催し" not in found  # …and finds only what the partner may see
    staff = get_user_model().objects.create_user("ward", "w@example.jp", "pw")
    staff.groups.add(ensure_ward_staff())
    client.force_login(staff)
    assert "下書き Bの催し" in text(client.get(search))


def test_ward_staff_still_see_everything(client, world, site_tree):
    staff = get_user_model().objects.create_user("ward", "w@example.jp", "pw")
    staff.groups.add(ensure_ward_staff())
    client.force_login(staff)
    b_org = world["b"].organisation
    html = text(client.get(reverse("wagtailadmin_choose_page_child", args=(b_org.pk,))))
    assert SECRETS[0] in html and SECRETS[1] in html
    c_org = world["c"].organisation
    html = text(client.get(reverse("wagtailadmin_choose_page_child", args=(c_org.pk,))))
    assert SECRETS[2] in html  # the ward reviews drafts: it sees their titles
    html = text(client.get(reverse("wagtailadmin_explore", args=(site_tree.partners.pk,))))
    assert SECRETS[1] in html


def test_co_host_choices_leave_out_organisations_awaiting_approval(client, world):
    client.force_login(world["a"].editors[0])
    url = reverse("wagtailadmin_pages:edit", args=(world["a_event"].pk,))
    html = client.get(url).content.decode()
    assert "NPO C" in html and SECRETS[1] not in html
