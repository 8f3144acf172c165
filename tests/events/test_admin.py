"""Editors create events in the Wagtail admin: Japanese rule editor, next dates shown
before publishing, categories as snippets."""

import datetime

from django.contrib.auth import get_user_model
from django.urls import reverse

from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

import pytest

from events.factories import category
from events.models import EventCategory, EventPage, Occurrence
from events.schedules import TOKYO

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client, site_tree):
    user = get_user_model().objects.create_superuser("editor", "editor@example.jp", "pw")
    client.force_login(user)
    return client


def event_form(repeat, **overrides):
    data = {
        "title": "テストの会",
        "slug": "test-event",
        "category": category("family-gathering").pk,
        "summary": "テストです。",
        "body": streamfield([]),
        "what_happens": rich_text(""),
        "start_date": "2026-12-05",
        "start_time": "10:00",
        "end_time": "12:00",
        "recurrence": repeat,
        "exceptions": inline_formset([]),
        "audience": "anyone",
        "attendance_mode": "in_person",
        "fee": "0",
        "all_municipalities_welcome": "on",
        "booking_mode": "none",
        "max_party_size": "4",
        "booking_closes_days_before": "1",
        "booking_closes_time": "17:00",
        "slot_minutes": "50",
        "slot_break_minutes": "10",
    }
    data.update(overrides)
    return nested_form_data(data)


def rule(repeat="", weekdays=(), positions=(), until="", count="", exdates=""):
    return {
        "0": repeat,
        "1": list(weekdays),
        "2": list(positions),
        "3": until,
        "4": count,
        "5": exdates,
    }


def post_event(client, parent, data, action="action-publish"):
    url = reverse("wagtailadmin_pages:add", args=("events", "eventpage", parent.pk))
    flat = {}
    for key, value in data.items():
        if key.startswith("recurrence-"):
            continue
        flat[key] = value
    rec = data.get("recurrence") or {}
    for index, value in rec.items():
        flat[f"recurrence_{index}"] = value
    flat[action] = "1"
    return client.post(url, flat)


def add_event(client, parent, rule_parts, **overrides):
    data = event_form("", **overrides)
    data.pop("recurrence", None)
    data["recurrence"] = rule_parts
    return post_event(client, parent, data)


@pytest.mark.parametrize(
    ("parts", "description", "weekday_check"),
    [
        (rule("weekly", weekdays=["1"]), "毎週火曜", lambda d: d.weekday() == 1),
        (
            rule("monthly_weekday", weekdays=["5"], positions=["2", "4"]),
            "毎月第2・第4土曜",
            lambda d: d.weekday() == 5 and (d.day - 1) // 7 in (1, 3),
        ),
        (
            rule("monthly_weekday", weekdays=["6"], positions=["1"], until="2027-03-31"),
            "毎月第1日曜",
            lambda d: d.weekday() == 6 and d.day <= 7 and d <= datetime.date(2027, 3, 31),
        ),
    ],
)
def test_editor_states_rules_in_japanese(
    editor_client, site_tree, parts, description, weekday_check
):
    response = add_event(editor_client, site_tree.ward, parts)
    assert response.status_code == 302, response.content.decode()[:3000]
    event = EventPage.objects.get(slug="test-event")
    assert description in event.schedule_text
    dates = [o.original_date for o in Occurrence.objects.filter(event=event)]
    assert dates and all(weekday_check(d) for d in dates), dates
    assert all(
        o.start.astimezone(TOKYO).time() == datetime.time(10, 0)
        for o in Occurrence.objects.filter(event=event)
    )


def test_until_march_2027_ends_in_march_2027(editor_client, site_tree):
    add_event(
        editor_client,
        site_tree.ward,
        rule("monthly_weekday", weekdays=["6"], positions=["1"], until="2027-03-31"),
    )
    event = EventPage.objects.get(slug="test-event")
    last = Occurrence.objects.filter(event=event).order_by("-start").first()
    assert last.original_date == datetime.date(2027, 3, 7)
    assert "2027年3月31日まで" in event.schedule_text


def test_a_bad_date_gets_a_japanese_message_and_keeps_the_form(editor_client, site_tree):
    response = add_event(
        editor_client, site_tree.ward, rule("weekly", weekdays=["1"], until="2027-13-45")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "繰り返しの設定を読み取れませんでした" in html
    assert "テストの会" in html  # nothing typed is lost
    assert not EventPage.objects.filter(slug="test-event").exists()


def test_weekly_without_a_day_is_refused(editor_client, site_tree):
    response = add_event(editor_client, site_tree.ward, rule("weekly"))
    assert response.status_code == 200
    assert "曜日を1つ以上選んでください" in response.content.decode()


def test_missing_start_time_is_refused_in_japanese(editor_client, site_tree):
    response = add_event(editor_client, site_tree.ward, rule(), start_time="")
    assert response.status_code == 200
    assert "開始時刻を入力するか" in response.content.decode()


def test_edit_page_lists_the_next_dates_of_the_draft(editor_client, site_tree):
    add_event(
        editor_client, site_tree.ward, rule("weekly", weekdays=["1"]), **{"action-publish": ""}
    )
    event = EventPage.objects.get(slug="test-event")
    html = editor_client.get(reverse("wagtailadmin_pages:edit", args=(event.pk,))).content.decode()
    assert "これからの日程" in html
    assert "毎週火曜 10:00–12:00" in html
    assert "（火）10:00–12:00" in html
    # The rule widget shows the saved rule again.
    assert 'value="weekly" selected' in html


def test_a_draft_has_no_occurrences_until_published(editor_client, site_tree):
    data = event_form("")
    data["recurrence"] = rule("weekly", weekdays=["1"])
    response = post_event(editor_client, site_tree.ward, data, action="action-save")
    assert response.status_code == 302
    event = EventPage.objects.get(slug="test-event")
    assert not event.live
    assert not Occurrence.objects.filter(event=event).exists()


def test_categories_are_seeded_and_editable_as_snippets(editor_client):
    # The eight categories of the programme, in order (ibasho adds its own 居場所).
    names = [n for n in EventCategory.objects.values_list("name", flat=True) if n != "居場所"]
    assert names == [
        "合同相談会",
        "家族交流会",
        "ひきこもりUX女子会",
        "UXママ会",
        "講演会",
        "休日相談",
        "勉強会・研修会",
        "ネットワーク会議",
    ]
    url = reverse("wagtailsnippets_events_eventcategory:list")
    assert editor_client.get(url).status_code == 200
