"""The admin in natural Japanese at the moments that matter to a partner: the explorer, the
editor and the ward's review (submit, withdraw, approve, send back), with no English
status words, and a confirmation before a request for approval is withdrawn."""

import datetime
import re

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

import pytest
from bs4 import BeautifulSoup

from events.models import EventPage
from home import admin_vocabulary
from home.partners import add_partner, ensure_ward_staff
from tests.events.test_admin import event_form, post_event, rule

pytestmark = pytest.mark.django_db

ENGLISH_STATUS = re.compile(
    r"\b(in moderation|draft|live|submitted|awaiting|approved|rejected|needs changes|"
    r"changes requested|cancel workflow|workflow|moderation|saved|collapse all|"
    r"who:|residence:|published|scheduled)\b",
    re.IGNORECASE,
)
ATTRIBUTES = ("aria-label", "title", "placeholder", "alt", "data-w-tooltip-content-value")


def visible_words(response):
    """Text and the labels a screen reader reads, without scripts and styles."""
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    for tag in soup(["script", "style"]):
        tag.decompose()
    words = [soup.get_text(" ")]
    for tag in soup.find_all(True):
        words += [tag[name] for name in ATTRIBUTES if tag.get(name)]
        if tag.name in {"button", "input"} and tag.get("type") in {"submit", "button"}:
            words.append(tag.get("value") or "")
    return " ".join(words)


def assert_japanese(response, where):
    found = ENGLISH_STATUS.findall(visible_words(response))
    assert not found, (where, sorted(set(found)))


def said(response):
    return " ".join(str(m) for m in response.context["messages"])


@pytest.fixture
def partner(client, site_tree):
    result = add_partner("家族会A", "family_association", slug="org-a", editors=["a@example.jp"])
    result.organisation.save_revision().publish()
    editor = result.editors[0]
    editor.set_password("pw")
    editor.save()
    client.force_login(editor)
    return result


@pytest.fixture
def ward(site_tree):
    staff = get_user_model().objects.create_user("ward", "ward@example.jp", "pw")
    staff.groups.add(ensure_ward_staff())
    return staff


def weekly_event():
    """A recurring event: four Saturdays from three weeks on."""
    day = timezone.localdate() + datetime.timedelta(days=20)
    data = event_form("", start_date=f"{day:%Y-%m-%d}")
    data["recurrence"] = rule("weekly", weekdays=[str(day.weekday())], count="4")
    return data


def submit_new_event(client, organisation):
    response = post_event(client, organisation, weekly_event(), action="action-submit")
    assert response.status_code == 302, response.content.decode()[:2000]
    return client.get(response["Location"]), EventPage.objects.get(slug="test-event")


def submit_again(client, event):
    """Send the editor's form again with "request approval" (as the browser does)."""
    data = weekly_event()
    flat = {key: value for key, value in data.items() if key != "recurrence"}
    flat.update({f"recurrence_{i}": value for i, value in data["recurrence"].items()})
    flat["action-submit"] = "1"
    url = reverse("wagtailadmin_pages:edit", args=(event.pk,))
    return client.post(url, flat, follow=True)


def test_every_wagtail_string_we_override_reads_in_japanese():
    japanese = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
    with translation.override("ja"):
        for msgid in admin_vocabulary.STRINGS:
            assert japanese.search(gettext(msgid)), msgid
        for plural in admin_vocabulary.PLURALS:
            singular, plural_id = plural._kw["singular"], plural._kw["plural"]
            assert japanese.search(ngettext(singular, plural_id, 2)), singular
        assert gettext("Submit for moderation") == "承認を依頼する"
        assert gettext("Cancel workflow ") == "依頼を取り下げる"
        assert gettext("In Moderation") == "承認待ち"


def test_a_partners_review_in_japanese(client, partner, ward):
    organisation = partner.organisation
    page, event = submit_new_event(client, organisation)
    assert "「テストの会」を作成し、承認を依頼しました。" in said(page)
    assert_japanese(page, "after submitting")

    explorer = client.get(reverse("wagtailadmin_explore", args=(organisation.pk,)))
    assert "承認待ち" in visible_words(explorer)
    assert_japanese(explorer, "explorer")

    edit_url = reverse("wagtailadmin_pages:edit", args=(event.pk,))
    editor = client.get(edit_url)
    html = editor.content.decode()
    assert_japanese(editor, "editor in moderation")
    withdraw_url = reverse("home_withdraw_request", args=(event.pk,))
    assert "承認の依頼を取り下げる" in html and f'href="{withdraw_url}"' in html
    assert 'name="action-cancel-workflow"' not in html  # no one-click withdrawal

    confirm = client.get(withdraw_url)
    assert "依頼を取り下げる" in confirm.content.decode()
    event.refresh_from_db()
    assert event.current_workflow_state is not None  # asking withdraws nothing
    done = client.post(withdraw_url, follow=True)
    assert "「テストの会」の承認の依頼を取り下げました" in said(done)
    event.refresh_from_db()
    assert event.current_workflow_state is None
    assert_japanese(done, "after withdrawing")

    # Submitted again; the ward sends it back, then approves it from the review queue.
    again = submit_again(client, event)
    assert "「テストの会」の承認を依頼しました。" in said(again)
    client.force_login(ward)
    dashboard = client.get(reverse("wagtailadmin_home"))
    assert "あなたの承認待ち" in visible_words(dashboard)
    assert_japanese(dashboard, "ward's dashboard")
    task_state = event.current_workflow_task_state
    reject = reverse("wagtailadmin_pages:workflow_action", args=(event.pk, "reject", task_state.pk))
    sent_back = client.post(reject, {"comment": "日付を確認してください"}, follow=True)
    assert "「テストの会」を差し戻しました" in said(sent_back)

    client.force_login(partner.editors[0])
    needs_changes = client.get(edit_url)
    assert "修正" in visible_words(needs_changes)
    assert_japanese(needs_changes, "editor after changes were requested")
    assert "承認を依頼しました" in said(submit_again(client, event))

    client.force_login(ward)
    event.refresh_from_db()
    task_state = event.current_workflow_task_state
    approve = reverse(
        "wagtailadmin_pages:workflow_action", args=(event.pk, "approve", task_state.pk)
    )
    approved = client.post(approve, follow=True)
    assert "「テストの会」を承認し、公開しました。" in said(approved)
    event.refresh_from_db()
    assert event.live

    client.force_login(partner.editors[0])
    history = client.get(reverse("wagtailadmin_pages:history", args=(event.pk,)))
    assert_japanese(history, "page history")
    explorer = client.get(reverse("wagtailadmin_explore", args=(organisation.pk,)))
    assert "公開中" in visible_words(explorer)
    assert_japanese(explorer, "explorer after approval")


def test_the_admin_javascript_speaks_japanese(client, partner):
    """Wagtail's scripts take their words from the JavaScript catalogue."""
    import json

    script = client.get("/admin/jsi18n/").content.decode()
    catalog = json.loads(re.search(r"const newcatalog = (\{.*?\});", script, re.S).group(1))
    assert catalog["Collapse all"] == "すべて折りたたむ"
    assert catalog["Changes have been autosaved."] == "変更を自動保存しました。"
    assert catalog["Toggle sidebar"] == "サイドバーの開閉"


def test_the_desk_form_labels_are_japanese(client, partner):
    from tests.bookings.conftest import bookable_event

    _, occurrence = bookable_event(partner.organisation)
    html = client.get(reverse("events_desk", args=(occurrence.pk,))).content.decode()
    assert "Who:" not in html and "Residence:" not in html
    assert "参加者の立場" in html and "お住まい" in html


def test_the_log_in_page_is_japanese(client, site_tree):
    response = client.get(reverse("wagtailadmin_login"))
    words = visible_words(response)
    assert "管理画面にログイン" in words and "パスワード" in words
    assert not re.search(r"\b(Password|Sign in|Remember me)\b", words)
