"""The yearly figures: counted by the Tokyo date into fiscal years (April–March), the same
before and after the retention purge, with no row about a person left afterwards."""

import datetime
import json

from django.core import serializers
from django.db import models
from django.utils import timezone

import pytest

from events.bookings import registration
from events.bookings.models import Booking, OutgoingMail
from events.bookings.retention import purge_personal_data
from events.models import AttendanceCounter, Occurrence, OccurrenceCounter
from events.statistics.export import workbook_bytes
from events.statistics.figures import figures
from events.statistics.report import build_report

from .conftest import book, event_on, held, tokyo

pytestmark = pytest.mark.django_db

NOW = tokyo(2026, 11, 20, 12, 0)


def people_by_month(year_figures):
    return {month: measure.people for month, measure in year_figures.months.items()}


def test_fiscal_years_split_at_midnight_on_1_april_in_tokyo(world):
    _, march = event_on(world.a, tokyo(2026, 3, 31, 22, 0), hours=1.75)
    _, april = event_on(world.a, tokyo(2026, 4, 1, 0, 30), hours=1.5)
    book(march, party_size=2, who="family")
    book(april, party_size=3, who="family")
    held(march)
    held(april)
    # 00:30 on 1 April in Tokyo is still 31 March in UTC.
    assert Occurrence.objects.get(pk=april.pk).start.astimezone(datetime.UTC).day == 31

    for when in ("before", "after"):
        by_year = figures([2025, 2026], now=NOW)
        assert people_by_month(by_year[2025]) == {3: 2}, when
        assert people_by_month(by_year[2026]) == {4: 3}, when
        assert (by_year[2025].total.held, by_year[2026].total.held) == (1, 1), when
        purge_personal_data(now=NOW)
    assert not Booking.objects.exists()


def build_year(world):
    """Several events of FY2026: a joint fair of the ward co-hosted by partner A (purged
    at NOW), A's gathering three weeks before NOW (not purged yet), B's lecture, a date
    that was cancelled, and a date still to come."""
    fair, fair_date = event_on(
        world.tree.ward, tokyo(2026, 10, 18, 13, 30), category="joint-consultation-fair"
    )
    fair.co_hosts = [world.a]
    fair.save_revision().publish()
    fair_date = Occurrence.objects.get(event=fair)
    fair_date.planned_start, fair_date.planned_hours = tokyo(2026, 10, 18, 13, 30), 3
    book(fair_date, times=6, attended=5, who="family", residence="ward", first_time=True)
    book(fair_date, times=2, attended=1, party_size=2, who="self", residence="outside")
    book(fair_date, who="supporter", channel="phone", first_time=False)
    cancelled = book(fair_date, who="family")[0]
    registration.cancel(cancelled.pk)

    _, gathering = event_on(world.a, tokyo(2026, 11, 8, 14, 0), category="family-gathering")
    book(gathering, times=3, attended=1, who="family", residence="outside", first_time=True)

    _, lecture = event_on(world.b, tokyo(2026, 6, 2, 18, 30), category="lecture")
    book(lecture, times=7, attended=7, who="supporter", residence="ward", channel="walk_in")

    _, called_off = event_on(world.b, tokyo(2026, 7, 7, 18, 30), category="lecture")
    book(called_off, times=2, who="self")

    _, coming = event_on(world.a, tokyo(2026, 12, 12, 14, 0), category="family-gathering")
    book(coming, times=2, who="family")

    for occurrence in (fair_date, gathering, lecture, called_off):
        held(occurrence)
    Occurrence.objects.filter(pk=called_off.pk).update(status="cancelled")
    # The date to come is moved relative to NOW too (it is after NOW).
    held(coming)
    return fair, fair_date, gathering


def snapshot(world, organisations=None, now=NOW):
    by_year = figures([2025, 2026], organisations=organisations, now=now)
    report = build_report(by_year[2026], by_year[2025], "scope")
    tables = [
        (t.key, [(r.label, [c.text for c in r.cells]) for r in t.rows]) for t in report.tables
    ]
    return by_year, tables


def test_figures_are_identical_before_and_after_the_purge(world):
    build_year(world)
    scopes = [None, {world.a.pk}, {world.b.pk}]
    before = [snapshot(world, scope) for scope in scopes]
    total = before[0][0][2026].total
    # What the year holds: the fair (9 bookings, 11 people, 7 checked in), the gathering
    # (3 / 3 / 1) and the lecture (7 / 7 / 7); not the cancelled booking, the cancelled
    # date or the date still to come.
    assert (total.held, total.bookings, total.people, total.attended) == (3, 19, 21, 15)
    assert total.who == {"self": 4, "family": 9, "supporter": 8, "other": 0, "": 0}
    assert total.residence == {"ward": 13, "outside": 7, "": 1}
    assert total.channel == {"web": 11, "phone": 1, "walk_in": 7, "": 0}

    result = purge_personal_data(now=NOW)
    # The fair and the lecture and the cancelled date are more than 30 days old; every
    # date that took place is counted (not the cancelled one, not the one to come).
    assert result["erased"] == 9 + 1 + 7 + 2
    assert result["counted"] == 16 and result["dates"] == 3
    assert Booking.objects.count() == 3 + 2  # the gathering's and the coming date's
    after = [snapshot(world, scope) for scope in scopes]
    assert after == before

    # A year later the gathering and the date that was to come have taken place too:
    # counted on the fly, then purged, with the same figures.
    later = NOW + datetime.timedelta(days=400)
    before_later = snapshot(world, now=later)
    assert before_later[0][2026].total.people == 21 + 2
    purge_personal_data(now=later)
    assert not Booking.objects.exists()
    assert snapshot(world, now=later) == before_later


def test_the_export_is_identical_before_and_after_the_purge(world):
    build_year(world)

    def cells():
        from io import BytesIO

        from openpyxl import load_workbook

        by_year = figures([2025, 2026], now=NOW)
        report = build_report(by_year[2026], by_year[2025], "scope")
        book_ = load_workbook(BytesIO(workbook_bytes(report, now=NOW)))
        return {
            sheet.title: [list(row) for row in sheet.iter_rows(min_row=2, values_only=True)]
            for sheet in book_.worksheets
        }

    before = cells()
    purge_personal_data(now=NOW)
    assert cells() == before


def test_a_date_cancelled_after_the_fact_keeps_the_people_who_came(world):
    _, occurrence = event_on(world.a, tokyo(2026, 9, 5, 14, 0), category="family-gathering")
    book(occurrence, times=6, attended=5, who="family")
    held(occurrence)
    before = figures([2026], now=NOW)[2026].total
    assert (before.held, before.bookings, before.people) == (1, 6, 6)
    # A schedule change marks the past date cancelled: the five checked in still count.
    Occurrence.objects.filter(pk=occurrence.pk).update(status="cancelled")
    after = figures([2026], now=NOW)[2026].total
    assert (after.bookings, after.people, after.attended) == (5, 5, 5)
    purge_personal_data(now=NOW)
    assert figures([2026], now=NOW)[2026].total == after


def test_a_date_that_appears_after_it_ended_is_not_counted_as_held(world):
    """A schedule changed after the fact creates rows for past dates that were never
    announced: they are not dates held."""
    from events.factories import publish_event

    yesterday = NOW.date() - datetime.timedelta(days=1)
    publish_event(world.a, slug="late", start_date=yesterday)
    row = Occurrence.objects.get(event__slug="late")
    assert row.counted  # settled at creation
    assert figures([2026], now=timezone.now())[2026].total.held == 0


def test_co_hosted_dates_count_for_each_organiser_but_once_in_the_total(world):
    build_year(world)
    by_year = figures([2026], now=NOW)[2026]
    fair_people = 11
    assert by_year.organisations[world.tree.ward.pk].people == fair_people
    assert by_year.organisations[world.a.pk].people == fair_people + 3
    assert by_year.organisations[world.b.pk].people == 7
    assert by_year.total.people == fair_people + 3 + 7
    assert by_year.organisation_names[world.a.pk] == "家族会A"

    # Partner A sees the dates it hosts or co-hosts, and only itself in the breakdown.
    mine = figures([2026], organisations={world.a.pk}, now=NOW)[2026]
    assert mine.total.people == fair_people + 3
    assert set(mine.organisations) == {world.a.pk}
    assert set(mine.categories) == {"joint-consultation-fair", "family-gathering"}


def test_no_row_about_a_person_is_left_after_the_purge(world):
    fair, fair_date, _gathering = build_year(world)
    purged = Booking.objects.filter(occurrence=fair_date)
    codes = list(purged.values_list("code", flat=True))
    # Times that only these bookings have (the others were made in the same second).
    arrived = tokyo(2026, 10, 18, 13, 47, 11)
    purged.filter(checked_in_at__isnull=False).update(checked_in_at=arrived)
    purged.update(
        nickname="ひまわり太郎",
        email="himawari@example.jp",
        municipality="練馬区",
        created_at=tokyo(2026, 9, 30, 22, 13, 58),
    )
    assert len(codes) == 10

    purge_personal_data(now=NOW)

    assert not Booking.objects.filter(occurrence=fair_date).exists()
    assert not OutgoingMail.objects.filter(occurrence=fair_date).exists()
    # Nothing in the events app's tables still carries a door code, a name, an address or
    # a check-in time of those bookings.
    from django.apps import apps

    dump = serializers.serialize("json", _all_rows(apps.get_app_config("events")))
    for secret in [*codes, "ひまわり太郎", "himawari@example.jp", "練馬区"]:
        assert secret not in dump
    for moment in (arrived, tokyo(2026, 9, 30, 22, 13, 58)):
        assert moment.astimezone(datetime.UTC).isoformat()[:19] not in dump
    # The counters carry combinations and sums only: no time, no reference to a row.
    for model in (AttendanceCounter, OccurrenceCounter):
        kinds = {type(f) for f in model._meta.concrete_fields}
        assert not kinds & {models.DateTimeField, models.DateField, models.ForeignKey}
    rows = json.loads(dump)
    assert all(r["model"] != "events.booking" or r["fields"]["code"] not in codes for r in rows)


def _all_rows(app_config):
    for model in app_config.get_models():
        if model._meta.proxy:
            continue
        yield from model._default_manager.all()
