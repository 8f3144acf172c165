"""A partner's edit reaches the public site only after the ward approves it, and every
later edit needs approval again."""

import datetime

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from wagtail.models import Page
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

import pytest

from events.factories import publish_event
from home.partners import add_partner, ensure_ward_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner(site_tree):
    result = add_partner("家族会A", "family_association", slug="org-a", editors=["a@example.jp"])
    result.organisation.save_revision().publish()
    event = publish_event(
        result.organisation,
        title="家族交流会",
        slug="meeting",
        start_date=timezone.localdate() + datetime.timedelta(days=9),
    )
    staff = get_user_model().objects.create_user("staff", "staff@example.jp", "pw")
    staff.groups.add(ensure_ward_staff())
    return result.editors[0], staff, event


def edit_data(event, title):
    return nested_form_data(
        {
            "title": title,
            "slug": event.slug,
            "category": event.category_id,
            "summary": event.summary,
            "body": streamfield([]),
            "what_happens": "null",  # what Draftail sends for an empty editor
            "start_date": event.start_date.isoformat(),
            "start_time": "14:00",
            "end_time": "16:00",
            "recurrence_0": "",
            "exceptions": inline_formset([]),
            "audience": "anyone",
            "attendance_mode": "in_person",
            "fee": "0",
            "booking_mode": "none",
            "max_party_size": "4",
            "booking_closes_days_before": "1",
            "booking_closes_time": "17:00",
            "slot_minutes": "50",
            "slot_break_minutes": "10",
            "co_hosts": [],
        }
    )


def submit(client, event, title):
    data = edit_data(event, title)
    data["action-submit"] = "1"
    return client.post(reverse("wagtailadmin_pages:edit", args=(event.pk,)), data)


def approve(client, event):
    page = Page.objects.get(pk=event.pk)
    state = page.current_workflow_task_state
    assert state is not None, "nothing is waiting for approval"
    url = reverse("wagtailadmin_pages:workflow_action", args=(event.pk, "approve", state.pk))
    return client.post(url, {"comment": ""})


def test_partner_edits_wait_for_the_wards_approval(client, partner):
    editor, staff, event = partner
    client.force_login(editor)
    response = submit(client, event, "家族交流会（内容を更新）")
    assert response.status_code == 302, response.content.decode()[:2000]
    public = client.get(event.url).content.decode()
    assert "内容を更新" not in public  # not live yet
    client.force_login(staff)
    assert client.get(reverse("wagtailadmin_home")).status_code == 200
    assert approve(client, event).status_code in {200, 302}
    event.refresh_from_db()
    assert event.title == "家族交流会（内容を更新）"
    assert "内容を更新" in client.get(event.url).content.decode()

    # An edit after approval needs approval again.
    client.force_login(editor)
    submit(client, event, "家族交流会（二度目の更新）")
    event.refresh_from_db()
    assert event.title == "家族交流会（内容を更新）"
    assert Page.objects.get(pk=event.pk).current_workflow_task_state is not None


def test_partners_cannot_publish_directly(client, partner):
    editor, _staff, event = partner
    client.force_login(editor)
    data = edit_data(event, "勝手に公開")
    data["action-publish"] = "1"
    client.post(reverse("wagtailadmin_pages:edit", args=(event.pk,)), data)
    event.refresh_from_db()
    assert event.title != "勝手に公開"
    assert "勝手に公開" not in client.get(event.url).content.decode()


def test_ward_staff_can_approve_from_the_page_editor(client, partner):
    editor, staff, event = partner
    client.force_login(editor)
    submit(client, event, "家族交流会（更新）")
    client.force_login(staff)
    data = edit_data(event, "家族交流会（更新）")
    data["action-workflow-action"] = "true"
    data["workflow-action-name"] = "approve"
    response = client.post(reverse("wagtailadmin_pages:edit", args=(event.pk,)), data)
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.title == "家族交流会（更新）"
    assert Page.objects.get(pk=event.pk).current_workflow_task_state is None
