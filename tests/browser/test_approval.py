"""A partner edits an event and submits it; ward staff approve; the public page changes."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

import pytest

from events.factories import publish_event
from home.partners import add_partner, ensure_ward_staff
from tests.conftest import build_site_tree

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(page, base, username):
    page.goto(f"{base}/admin/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill("pw-for-tests")
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(f"{base}/admin/")


def click_hidden(page, selector):
    """Buttons in the editor's footer sit in a dropdown menu: click the real button, once
    the editor's scripts (rich text fields) have started, as a person would."""
    page.wait_for_load_state("networkidle")
    if "/edit/" in page.url:
        page.wait_for_selector(".Draftail-Editor", state="attached")
    page.locator(selector).first.evaluate("button => button.click()")


def test_partner_submits_and_the_ward_approves(live_server, page, screenshot):
    build_site_tree()
    partner = add_partner("家族会A", "family_association", slug="org-a")
    partner.organisation.save_revision().publish()
    event = publish_event(
        partner.organisation,
        title="家族交流会",
        slug="meeting",
        start_date=timezone.localdate() + datetime.timedelta(days=9),
    )
    users = get_user_model().objects
    editor = users.create_user("editor-a", "a@example.jp", "pw-for-tests")
    editor.groups.add(partner.group)
    staff = users.create_user("ward", "w@example.jp", "pw-for-tests")
    staff.groups.add(ensure_ward_staff())
    base = live_server.url

    log_in(page, base, "editor-a")
    page.goto(f"{base}/admin/pages/{event.pk}/edit/")
    page.locator("#id_title").fill("家族交流会（12月は特別編）")
    with page.expect_navigation():
        click_hidden(page, 'button[name="action-submit"]')
    page.goto(f"{base}{event.url}")
    assert "特別編" not in page.content()  # waiting for the ward
    page.context.clear_cookies()

    log_in(page, base, "ward")
    # The dashboard's review queue: approve without a comment.
    screenshot(page, "approval-queue")
    approve = '[data-workflow-action-url*="/approve/"]:not([data-launch-modal])'
    assert page.locator(approve).count() == 1
    with page.expect_navigation():
        click_hidden(page, approve)
    page.goto(f"{base}{event.url}")
    assert page.get_by_role("heading", level=1).inner_text() == "家族交流会（12月は特別編）"
    screenshot(page, "approval-public")

    # A later edit needs approval again; this time the ward approves in the page editor.
    page.context.clear_cookies()
    log_in(page, base, "editor-a")
    page.goto(f"{base}/admin/pages/{event.pk}/edit/")
    page.locator("#id_title").fill("家族交流会（1月の予定）")
    with page.expect_navigation():
        click_hidden(page, 'button[name="action-submit"]')
    page.context.clear_cookies()
    log_in(page, base, "ward")
    page.goto(f"{base}/admin/pages/{event.pk}/edit/")
    in_editor = 'button[data-workflow-action-name="approve"]:not([data-workflow-action-modal-url])'
    with page.expect_navigation():
        click_hidden(page, in_editor)
    page.goto(f"{base}{event.url}")
    assert page.get_by_role("heading", level=1).inner_text() == "家族交流会（1月の予定）"
