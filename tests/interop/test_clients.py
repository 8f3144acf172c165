"""Real calendar clients read every public feed and a booking's private .ics, and each
shows exactly the site's own ``Occurrence`` rows over 400 days.

The site is built once for the module (inside a transaction that is rolled back), its feeds
are fetched over HTTP and saved to files, and each client (libical, ical.js, rrule.js,
calcurse, ical-expander; see ``runners.py``) reads every file. Only public URLs and
``events.models.Occurrence`` are used, so the test does not depend on how the feed code is
organised. ``make interop`` runs this module; the clients come from ``make interop-deps``.
The table of results is written to ``test-artifacts/interop.md``.
"""

import datetime
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from io import StringIO
from pathlib import Path

from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.test import Client
from django.utils import timezone

import pytest
import recurrence

from events.bookings import registration
from events.factories import category, publish_event
from events.models import EventException, Occurrence

from ..conftest import build_site_tree
from .compare import Expected, problems, summarise
from .runners import CLIENTS, missing_clients, read

# django_db: pytest-django sets up the test database only for modules that ask for it.
pytestmark = [pytest.mark.interop, pytest.mark.django_db]

DAYS = 400
TOKYO_OFFSET = datetime.timedelta(hours=9)
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
T = datetime.time
RULE = recurrence.deserialize


@dataclass
class Feed:
    name: str
    url: str
    path: Path
    expected: list


def _next(day, weekday):
    """The first date on or after ``day`` that falls on ``weekday`` (0 = Monday)."""
    return day + datetime.timedelta((weekday - day.weekday()) % 7)


def build_events(tree, today):
    """The schedules issue 14 names, as editors enter them. Returns {name: EventPage}."""
    saturday = _next(today + datetime.timedelta(7), 5)
    weekly = publish_event(
        tree.ward,
        title="家族交流会（毎週土曜）",
        slug="weekly",
        start_date=saturday,
        recurrence=RULE("RRULE:FREQ=WEEKLY;BYDAY=SA"),
    )
    weekly.exceptions = [
        EventException(
            original_date=saturday + datetime.timedelta(7), kind="cancelled", reason="台風のため"
        ),
        EventException(
            original_date=saturday + datetime.timedelta(14),
            kind="moved",
            reason="会場の都合で日曜の午前に",
            new_date=saturday + datetime.timedelta(15),
            new_start_time=T(10, 0),
            new_end_time=T(12, 0),
            new_venue_name="別の会場",
        ),
        EventException(
            original_date=saturday + datetime.timedelta(21), kind="note", reason="今年最後の回"
        ),
    ]
    weekly.save_revision().publish()
    events = {"weekly": weekly}
    events["second-fourth"] = publish_event(
        tree.family,
        title="当事者の集い（第2・第4土曜）",
        slug="second-fourth",
        category=category("lecture"),
        start_date=today + datetime.timedelta(1),
        start_time=T(13, 30),
        end_time=T(15, 30),
        recurrence=RULE("RRULE:FREQ=MONTHLY;BYDAY=2SA,4SA"),
    )
    events["count"] = publish_event(
        tree.ward,
        title="連続講座（全6回）",
        slug="count",
        category=category("study-training"),
        start_date=_next(today + datetime.timedelta(3), 2),
        start_time=T(18, 0),
        end_time=T(20, 0),
        recurrence=RULE("RRULE:FREQ=WEEKLY;BYDAY=WE;COUNT=6"),
    )
    events["all-day"] = publish_event(
        tree.ward,
        title="パネル展（2日間・毎月）",
        slug="all-day",
        category=category("lecture"),
        start_date=_next(today + datetime.timedelta(2), 5),
        end_date=_next(today + datetime.timedelta(2), 5) + datetime.timedelta(1),
        all_day=True,
        recurrence=RULE("RRULE:FREQ=MONTHLY;BYDAY=1SA;COUNT=8"),
    )
    events["exhibition"] = publish_event(
        tree.family,
        title="作品展（3日間）",
        slug="exhibition",
        start_date=today + datetime.timedelta(30),
        end_date=today + datetime.timedelta(32),
        all_day=True,
    )
    # Running since long before today, as the demo's 休日相談 does: its feed window holds
    # about 25 months of dates.
    events["weekends"] = publish_event(
        tree.ward,
        title="休日相談",
        slug="weekends",
        category=category("holiday-consultation"),
        start_date=today - datetime.timedelta(300),
        start_time=T(10, 0),
        end_time=T(16, 0),
        recurrence=RULE("RRULE:FREQ=DAILY"),
        only_weekends_and_holidays=True,
    )
    events["holidays-skipped"] = publish_event(
        tree.ward,
        title="夜の家族相談（月曜・祝日休み）",
        slug="holidays-skipped",
        start_date=_next(today + datetime.timedelta(1), 0),
        start_time=T(19, 0),
        end_time=T(21, 0),
        recurrence=RULE("RRULE:FREQ=WEEKLY;BYDAY=MO"),
        skip_public_holidays=True,
        skip_year_end=True,
    )
    cancelled_day = today + datetime.timedelta(20)
    events["cancelled"] = publish_event(
        tree.ward, title="中止になる講演会", slug="cancelled", start_date=cancelled_day
    )
    events["cancelled"].exceptions = [
        EventException(original_date=cancelled_day, kind="cancelled", reason="講師急病")
    ]
    events["cancelled"].save_revision().publish()
    events["bookable"] = publish_event(
        tree.ward,
        title="ひきこもり家族教室",
        slug="bookable",
        booking_mode="first_come",
        capacity=10,
        start_date=today + datetime.timedelta(10),
        attendance_mode="hybrid",
        meeting_link="https://meet.example.jp/private-room",
    )
    return events


def _local(moment, all_day):
    local = moment.astimezone(datetime.UTC) + TOKYO_OFFSET
    return local.date().isoformat() if all_day else local.strftime("%Y-%m-%dT%H:%M")


def expected_rows(rows, title=None):
    """What a client should show for these ``Occurrence`` rows."""
    return [
        Expected(
            start=_local(row.start, row.all_day),
            end=_local(row.end, row.all_day),
            all_day=row.all_day,
            title=title if title is not None else row.event.title,
            cancelled=row.status == "cancelled",
        )
        for row in rows.select_related("event")
    ]


def _without_title(expected):
    return [Expected(e.start, e.end, e.all_day, None, e.cancelled) for e in expected]


@pytest.fixture(scope="module")
def feeds(django_db_setup, django_db_blocker, tmp_path_factory):
    """Every feed as a file, with the rows each one must show. Built in a transaction
    that is rolled back, so the database is left as it was."""
    missing = missing_clients()
    if missing:
        pytest.fail("calendar clients missing, run `make interop-deps`: " + ", ".join(missing))
    folder = tmp_path_factory.mktemp("feeds")
    today = timezone.localdate()
    window_start = datetime.datetime.combine(today, T(0, 0)) - TOKYO_OFFSET
    window_start = window_start.replace(tzinfo=datetime.UTC)
    window = Q(start__gte=window_start, start__lt=window_start + datetime.timedelta(DAYS))
    result = []
    with django_db_blocker.unblock(), transaction.atomic():
        cache.clear()
        tree = build_site_tree()
        events = build_events(tree, today)
        occurrence = Occurrence.objects.get(event=events["bookable"])
        booking, token = registration.register(occurrence.pk, party_size=2, nickname="匿名")
        visible = Occurrence.objects.visible().filter(window)
        public = {
            "all": ("/events/calendar.ics", visible),
            **{
                f"category {slug}": (
                    f"/events/category/{slug}.ics",
                    visible.filter(event__category__slug=slug),
                )
                for slug in ("family-gathering", "lecture", "holiday-consultation")
            },
            **{
                f"partner {org}": (
                    f"/partners/{org}/calendar.ics",
                    visible.filter(Q(event__host__slug=org) | Q(event__co_hosts__slug=org)),
                )
                for org in ("toshima-ward", "hidamari")
            },
            **{
                f"event {name}": (f"{event.url}calendar.ics", visible.filter(event=event))
                for name, event in events.items()
            },
        }
        http = Client()
        for name, (url, rows) in public.items():
            result.append(_save(http, folder, name, url, expected_rows(rows.distinct())))
        booking_rows = Occurrence.objects.filter(pk=booking.occurrence_id)
        result.append(
            _save(
                http,
                folder,
                "booking",
                f"/booking/{token}/calendar.ics",
                _without_title(expected_rows(booking_rows)),
            )
        )
        transaction.set_rollback(True)
        cache.clear()
    return result


def _save(http, folder, name, url, expected):
    response = http.get(url)
    assert response.status_code == 200, (url, response.status_code)
    assert expected, f"{name}: no occurrences in the window"
    path = folder / (name.replace(" ", "-") + ".ics")
    path.write_bytes(response.content)
    return Feed(name, url, path, expected)


RESULTS = {}  # client -> {feed name: problems}, for the table


@pytest.fixture(scope="module", autouse=True)
def _write_table():
    yield
    if not RESULTS:
        return
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "interop.md").write_text(results_table(RESULTS), encoding="utf-8")


def results_table(results):
    clients = [c for c in CLIENTS if c in results]
    names = list(next(iter(results.values())))
    lines = [
        "| feed | " + " | ".join(clients) + " |",
        "| --- |" + " --- |" * len(clients),
    ]
    for name in names:
        cells = [summarise(results[c].get(name, ["not run"])) for c in clients]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines.append("")
    for client in clients:
        for name, found in results[client].items():
            for line in found[:8]:
                lines.append(f"- {client} × {name}: {line}")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("client", CLIENTS)
def test_client_shows_exactly_the_sites_occurrences(client, feeds):
    first_day = timezone.localdate().isoformat()
    with ThreadPoolExecutor(max_workers=2) as pool:
        readings = list(pool.map(lambda feed: read(client, feed.path, first_day, DAYS), feeds))
    RESULTS[client] = {
        feed.name: problems(reading, feed.expected)
        for feed, reading in zip(feeds, readings, strict=True)
    }
    disagreeing = {name: found for name, found in RESULTS[client].items() if found}
    assert not disagreeing, "\n".join(
        f"{name}: {line}" for name, found in disagreeing.items() for line in found[:6]
    )


def test_every_client_shows_the_demo_calendar_exactly(site_tree, tmp_path):
    """The demo's whole-site feed (seed_demo: ibasho openings, 休日相談, a moved joint fair,
    series ending inside the window), which every other public feed is a subset of."""
    from django.core.management import call_command

    call_command("seed_demo", stdout=StringIO())
    today = timezone.localdate()
    window_start = datetime.datetime.combine(today, T(0, 0)) - TOKYO_OFFSET
    window_start = window_start.replace(tzinfo=datetime.UTC)
    rows = Occurrence.objects.visible().filter(
        start__gte=window_start, start__lt=window_start + datetime.timedelta(DAYS)
    )
    path = tmp_path / "demo.ics"
    demo = _save(Client(), tmp_path, "demo", "/events/calendar.ics", expected_rows(rows))
    assert demo.path == path and len(demo.expected) > 300
    with ThreadPoolExecutor(max_workers=2) as pool:
        readings = list(pool.map(lambda c: read(c, path, today.isoformat(), DAYS), CLIENTS))
    found = {reading.client: problems(reading, demo.expected) for reading in readings}
    assert not any(found.values()), {client: lines[:6] for client, lines in found.items()}
