"""Benchmark the event calendar: how much slower do its pages get with many events?

Run from the project root (any virtualenv with the project installed)::

    python bench/bench_events.py                        # SQLite, 1000 events, 30 repeats
    python bench/bench_events.py --events 1000 --repeat 30
    python bench/bench_events.py --database-url postgresql://user:pw@localhost/postgres
    python bench/bench_events.py --events 200 --repeat 5 --show-sql   # print the queries

The script never touches the project's ``db.sqlite3`` or the test databases. It runs
against its own throwaway database: a SQLite file in a temporary folder (the default), or,
with ``--database-url`` pointing at a PostgreSQL server, a database named ``ibasho_bench``
on that server (dropped first if it exists). It migrates that database, and removes it
again at the end, even when a step fails. Settings are ``cms.settings.test`` unless
``DJANGO_SETTINGS_MODULE`` says otherwise.

What it does:

1. Builds the site tree the tests use (``tests.conftest.build_site_tree``) plus eight more
   organisations (ten in all), and the default event categories.
2. Measures the site with no events: ``/events/`` (the upcoming list), this month's grid
   ``/events/month/<year>-<month>/``, next month's grid, and ``/bench-trivial/``, a view that
   only returns "ok" (added by the script's own URLconf, in front of ``cms.urls``): the cost
   of the middleware and the test client, with no page, template or query.
3. Seeds ``--events`` event pages over the ten organisations and every category: half repeat
   weekly on one weekday (from about a month ago; a third of those skip public holidays),
   half are one-off dates spread over the next twelve months. Each page is added and
   published the way an editor's publish does it (``save_revision().publish()``), so the
   publish signal materialises real ``Occurrence`` rows. The seeding time is printed.
4. Measures the same pages again, plus one recurring event's page, and the month grids
   once more with each request the first after a change (``invalidate_documents()`` just
   before it, untimed: nothing cached from the calendar's data can be used).

The pages also include ``/ibasho/`` and one ibasho page, made before the empty site is
measured.

How it measures: each page is requested with ``django.test.Client`` (host ``localhost``):
three warm-up rounds, then ``--repeat`` rounds in which every page is requested once in
turn (so drift affects all pages alike); the figure is the median wall time
(``time.perf_counter``) of those requests, in milliseconds. The SQL queries of one further
request per page are counted with ``CaptureQueriesContext`` (outside the timed requests, so
the counting costs nothing there); "response KB" is the size of that response's body.

What the numbers mean:

* ``ratio (loaded/empty)``: the page's median with the events divided by its median on the
  empty site. The aim is at most 1.5x: a calendar with a thousand events should not feel
  slower than an empty one. An event page cannot exist on the empty site, so its ratio
  (marked with a dagger) is taken against the empty ``/events/`` page instead.
* ``ratio to trivial view``: the page's loaded median divided by the trivial view's loaded
  median, i.e. how many times the bare request/response overhead the page costs.
* The trivial view's own loaded/empty ratio shows the measurement noise: it does no queries,
  so anything far from 1.0x there is the machine, not the site.

Timings are only comparable within one run on one machine: compare the ratios, not the
milliseconds, between runs.
"""

import argparse
import datetime
import logging
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
import types
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB_NAME = "ibasho_bench"
URLCONF_NAME = "bench_events_urls"
TRIVIAL_URL = "/bench-trivial/"
WARMUPS = 3
AIM = 1.5  # a loaded page may take at most this many times its empty counterpart
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
AREAS = ("池袋", "大塚", "巣鴨", "目白", "駒込", "要町", "")
POSTGRES_SCHEMES = ("postgres", "postgresql", "pgsql")


# --------------------------------------------------------------------------------------------
# The throwaway database (prepared before Django is set up)


@dataclass
class BenchDatabase:
    """Where the benchmark's own database lives, and how to get rid of it."""

    url: str
    label: str
    expected_name: str
    _cleanup: list = field(default_factory=list)

    def cleanup(self):
        for step in self._cleanup:
            step()


def sqlite_database() -> BenchDatabase:
    folder = Path(tempfile.mkdtemp(prefix=f"ibasho-bench-{os.getpid()}-"))
    path = folder / "bench.sqlite3"
    db = BenchDatabase(url=f"sqlite:///{path}", label=str(path), expected_name=str(path))
    db._cleanup.append(lambda: shutil.rmtree(folder, ignore_errors=True))
    return db


def postgres_database(server_url: str, db_name: str = BENCH_DB_NAME) -> BenchDatabase:
    """Create ``db_name`` (``ibasho_bench``) on the server of ``server_url`` (dropping it
    first)."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(server_url)
    given = parts.path.lstrip("/")
    maintenance = given if given and given != db_name else "postgres"
    admin_url = urlunsplit(parts._replace(scheme="postgresql", path=f"/{maintenance}"))
    bench_url = urlunsplit(parts._replace(path=f"/{db_name}"))
    name = sql.Identifier(db_name)

    def drop():
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))

    drop()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(name))
    host = unquote(parts.hostname or "") or "the local socket"
    db = BenchDatabase(url=bench_url, label=f"{db_name} on {host}", expected_name=db_name)
    db._cleanup.append(drop)
    return db


def setup_django(db: BenchDatabase):
    """Point the settings at the bench database, set Django up and migrate."""
    os.environ["DATABASE_URL"] = db.url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.test")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))

    import django

    django.setup()

    from django.conf import settings
    from django.core.management import call_command

    actual = str(settings.DATABASES["default"]["NAME"])
    if actual != db.expected_name:  # never migrate, seed or drop anybody else's database
        raise SystemExit(f"Refusing to run: the settings point at {actual!r}, not the bench db.")
    call_command("migrate", verbosity=0, interactive=False)
    # Publishing logs every page and task at INFO: thousands of lines, and time spent on them.
    logging.disable(logging.INFO)


# --------------------------------------------------------------------------------------------
# The site: URLconf with a trivial view, page tree, events


def trivial_view(request):
    from django.http import HttpResponse

    return HttpResponse("ok")


def install_urlconf():
    """Make a URLconf that is ``cms.urls`` plus the trivial view, and use it as the root.

    ``cms.urls`` uses ``i18n_patterns``, which Django only allows in the root URLconf, so its
    patterns are copied rather than ``include()``-d.
    """
    from django.test import override_settings
    from django.urls import path

    from cms import urls as cms_urls

    module = types.ModuleType(URLCONF_NAME)
    module.urlpatterns = [path(TRIVIAL_URL.strip("/") + "/", trivial_view), *cms_urls.urlpatterns]
    sys.modules[URLCONF_NAME] = module
    override_settings(ROOT_URLCONF=URLCONF_NAME).enable()


def build_site():
    """The tests' site tree, ten organisations in all, and the default categories."""
    from django.core.cache import cache

    from events.categories import ensure_default_categories
    from events.models import EventCategory
    from home.factories import OrganisationPageFactory
    from tests.conftest import build_site_tree

    tree = build_site_tree()
    organisations = [tree.ward, tree.family]
    for n in range(len(organisations), 10):
        organisations.append(
            OrganisationPageFactory(
                parent=tree.partners, title=f"ベンチ団体 {n}", slug=f"bench-org-{n}"
            )
        )
    ensure_default_categories(EventCategory)
    cache.clear()
    return tree, organisations


def seed_events(organisations, count, today):
    """Add and publish ``count`` events; return the first recurring one."""
    from django.db import transaction

    import recurrence

    from events.models import AttendanceMode, EventCategory, EventPage

    categories = list(EventCategory.objects.all())
    modes = list(AttendanceMode.values)
    single_total = count - (count + 1) // 2
    singles = 0
    first_recurring = None
    for i in range(count):
        start_time = datetime.time(9 + i % 9, 30 * (i % 2))
        end_time = (
            datetime.datetime.combine(today, start_time) + datetime.timedelta(hours=2)
        ).time()
        recurring = (i // 10) % 2 == 0  # blocks of ten, so every organisation gets both kinds
        if recurring:
            schedule = {
                "start_date": today - datetime.timedelta(days=30 + i % 7),
                "recurrence": recurrence.deserialize(
                    f"RRULE:FREQ=WEEKLY;BYDAY={WEEKDAYS[(i // 10) % 7]}"
                ),
                "skip_public_holidays": i % 3 == 0,
            }
        else:
            offset = 1 + singles * 364 // max(single_total, 1)
            schedule = {"start_date": today + datetime.timedelta(days=offset)}
            singles += 1
        organisation = organisations[i % len(organisations)]
        page = EventPage(
            title=f"{'定例会' if recurring else '講座'} {i}",
            slug=f"bench-event-{i}",
            category=categories[i % len(categories)],
            summary="ベンチマーク用のイベントです。途中参加・途中退出もできます。",
            start_time=start_time,
            end_time=end_time,
            attendance_mode=modes[i % len(modes)],
            venue_name=f"地域交流センター {i % 12}",
            venue_address="東京都豊島区",
            area=AREAS[i % len(AREAS)],
            **schedule,
        )
        if i % 25 == 0:
            page.co_hosts = [organisations[(i + 1) % len(organisations)]]
        with transaction.atomic():
            organisation.add_child(instance=page)
            page.save_revision().publish()
        if recurring and first_recurring is None:
            first_recurring = page
        if (i + 1) % 100 == 0:
            print(f"  … {i + 1}/{count} events", file=sys.stderr, flush=True)
    return first_recurring


# --------------------------------------------------------------------------------------------
# Measuring


@dataclass
class Result:
    median_ms: float
    queries: int
    size_kb: float
    sql: list[str]


def measure(client, urls: dict[str, str], repeat: int) -> dict[str, Result]:
    """Median wall time of each URL (interleaved rounds), then one counted request each."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(WARMUPS):
        for label, url in urls.items():
            response = client.get(url)
            if response.status_code != 200:
                raise SystemExit(f"{label} ({url}) answered {response.status_code}")
    timings = {label: [] for label in urls}
    for _ in range(repeat):
        for label, url in urls.items():
            started = time.perf_counter()
            client.get(url)
            timings[label].append(time.perf_counter() - started)
    results = {}
    for label, url in urls.items():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        results[label] = Result(
            median_ms=statistics.median(timings[label]) * 1000,
            queries=len(captured),
            size_kb=len(response.content) / 1024,
            sql=[q["sql"] for q in captured.captured_queries],
        )
    return results


def month_path(day: datetime.date) -> str:
    return f"/events/month/{day.year}-{day.month}/"


# --------------------------------------------------------------------------------------------
# Reporting


def print_table(headers, rows):
    widths = [max(len(str(r[c])) for r in [headers, *rows]) for c in range(len(headers))]

    def line(cells):
        first = str(cells[0]).ljust(widths[0])
        rest = (str(cell).rjust(width) for cell, width in zip(cells[1:], widths[1:], strict=True))
        return " | ".join([first, *rest])

    print(line(headers))
    print("-+-".join("-" * w for w in widths))
    for row in rows:
        print(line(row))


def report(header, events, empty, loaded, pages, event_label):
    trivial = loaded["trivial view"].median_ms
    rows, verdicts = [], []
    for label, url in pages.items():
        now = loaded[label]
        if label == event_label:
            base, mark = empty["/events/"], "†"
            empty_ms, empty_queries = "—", "—"
        else:
            base, mark = empty[label], ""
            empty_ms, empty_queries = f"{base.median_ms:.1f}", str(base.queries)
        ratio = now.median_ms / base.median_ms
        rows.append(
            [
                f"{label} {url}" if label != url else label,
                empty_ms,
                f"{now.median_ms:.1f}",
                f"{ratio:.2f}×{mark}",
                f"{now.median_ms / trivial:.1f}×",
                empty_queries,
                str(now.queries),
                f"{now.size_kb:.1f}",
            ]
        )
        if label == "trivial view":  # no queries, no template: it only shows the noise
            verdicts.append(f"  {label}: {ratio:.2f}× (noise control, not judged)")
        else:
            verdict = "meets the aim" if ratio <= AIM else "MISSES the aim"
            verdicts.append(f"  {label}: {ratio:.2f}×{mark} {verdict}")
    print()
    print(header)
    print()
    print_table(
        [
            "page",
            "empty median ms",
            f"{events}-events median ms",
            "ratio (loaded/empty)",
            "ratio to trivial view",
            "queries empty",
            "queries loaded",
            "response KB",
        ],
        rows,
    )
    print("† no event page exists on the empty site: compared with the empty /events/ page.")
    print()
    print(f"Aim: at most {AIM}× the empty page")
    print("\n".join(verdicts))


def print_sql(results):
    for label, result in results.items():
        print(f"\n-- {label}: {result.queries} queries")
        for number, statement in enumerate(result.sql, 1):
            text = " ".join(statement.split())
            print(f"{number:3}. {text[:300]}{'…' if len(text) > 300 else ''}")


# --------------------------------------------------------------------------------------------


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1000, help="events to seed (1000)")
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per page (30)")
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL server to create the ibasho_bench database on "
        "(default: a temporary SQLite file)",
    )
    parser.add_argument(
        "--show-sql", action="store_true", help="print the SQL of each page (loaded site)"
    )
    args = parser.parse_args(argv)
    if args.events < 1 or args.repeat < 1:
        parser.error("--events and --repeat must be at least 1")
    if args.database_url and urlsplit(args.database_url).scheme not in POSTGRES_SCHEMES:
        parser.error("--database-url must be a postgres:// URL (SQLite needs none)")
    return args


@dataclass
class Pages:
    """What ``measure_pages`` found: the pages, their medians on the empty and the loaded
    site, and the facts for the header."""

    pages: dict[str, str]
    empty: dict[str, Result]
    loaded: dict[str, Result]
    event: object  # the first recurring event (the feeds benchmark changes it)
    tree: object
    seconds_seeding: float
    occurrences: int
    header: str
    after_change: dict[str, Result] = field(default_factory=dict)


AFTER_CHANGE = " after a change"


def measure_after_change(client, urls: dict[str, str], repeat: int) -> dict[str, Result]:
    """Like ``measure``, but every request is the first after a change to the calendar
    (``invalidate_documents()`` just before it, not timed): what a page costs when nothing
    cached from the calendar's data can be used."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from events.versions import invalidate_documents

    timings = {label: [] for label in urls}
    for _ in range(repeat):
        for label, url in urls.items():
            invalidate_documents()
            started = time.perf_counter()
            response = client.get(url)
            timings[label].append(time.perf_counter() - started)
            if response.status_code != 200:
                raise SystemExit(f"{label} ({url}) answered {response.status_code}")
    results = {}
    for label, url in urls.items():
        invalidate_documents()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        results[label + AFTER_CHANGE] = Result(
            median_ms=statistics.median(timings[label]) * 1000,
            queries=len(captured),
            size_kb=len(response.content) / 1024,
            sql=[q["sql"] for q in captured.captured_queries],
        )
    return results


EVENT_LABEL = "event page"
IBASHO_LABEL = "ibasho page"


def add_ibasho_place(tree, today):
    """One weekly ibasho under the ward, published: it exists on the empty site too."""
    import recurrence

    from events.models import EventCategory
    from ibasho.models import IbashoPage

    page = IbashoPage(
        title="ベンチ居場所",
        slug="bench-ibasho",
        category=EventCategory.objects.get(slug="ibasho"),
        summary="安心して過ごせる場所です。",
        start_date=today - datetime.timedelta(days=30),
        start_time=datetime.time(13, 0),
        end_time=datetime.time(17, 0),
        recurrence=recurrence.deserialize("RRULE:FREQ=WEEKLY;BYDAY=WE"),
        area="池袋",
        venue_address="東京都豊島区池袋",
    )
    tree.ward.add_child(instance=page)
    page.save_revision().publish()
    return page


def measure_pages(events: int, repeat: int, label: str) -> Pages:
    """Build the site, measure its pages empty, seed ``events`` events, measure again.

    Django must have been set up (``setup_django``) and the URLconf installed."""
    import django
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    import wagtail

    from events.models import Occurrence
    from events.schedules import TOKYO

    today = timezone.now().astimezone(TOKYO).date()
    this_month = today.replace(day=1)
    next_month = (this_month + datetime.timedelta(days=32)).replace(day=1)
    client = Client(HTTP_HOST="localhost")

    print(f"Building the site in {label} …", file=sys.stderr, flush=True)
    tree, organisations = build_site()
    place = add_ibasho_place(tree, today)
    pages = {
        "trivial view": TRIVIAL_URL,
        "/events/": "/events/",
        "this month": month_path(this_month),
        "next month": month_path(next_month),
        "/ibasho/": "/ibasho/",
        IBASHO_LABEL: place.get_url(),
    }
    print(f"Measuring the empty site ({repeat} repeats) …", file=sys.stderr, flush=True)
    empty = measure(client, pages, repeat)

    print(f"Seeding {events} events …", file=sys.stderr, flush=True)
    started = time.perf_counter()
    event = seed_events(organisations, events, today)
    seeding = time.perf_counter() - started
    occurrences = Occurrence.objects.count()
    if event is not None:
        pages[EVENT_LABEL] = event.get_url()
    print(f"Measuring the loaded site ({repeat} repeats) …", file=sys.stderr, flush=True)
    loaded = measure(client, pages, repeat)
    changed = {label: pages[label] for label in ("this month", "next month")}
    after_change = measure_after_change(client, changed, repeat)

    version = ".".join(map(str, connection.get_database_version()))
    header = (
        f"DB: {connection.display_name} {version} ({label}) | events: {events} | "
        f"occurrences: {occurrences} | "
        f"repeats: {repeat} (+{WARMUPS} warm-ups) | Python {platform.python_version()} | "
        f"Django {django.get_version()} | Wagtail {wagtail.__version__}"
    )
    return Pages(pages, empty, loaded, event, tree, seeding, occurrences, header, after_change)


def run(args, db: BenchDatabase):
    setup_django(db)
    install_urlconf()
    found = measure_pages(args.events, args.repeat, db.label)
    print(
        f"\nSeeded {args.events} events in {found.seconds_seeding:.1f} s "
        f"({found.seconds_seeding / args.events * 1000:.0f} ms per event, publish included); "
        f"{found.occurrences} occurrence rows."
    )
    loaded = {**found.loaded, **found.after_change}
    pages = {**found.pages}
    for label in found.after_change:
        pages[label] = found.pages[label.removesuffix(AFTER_CHANGE)]
    empty = {**found.empty}
    for label in found.after_change:
        empty[label] = found.empty[label.removesuffix(AFTER_CHANGE)]
    report(found.header, args.events, empty, loaded, pages, EVENT_LABEL)
    if args.show_sql:
        print_sql(found.loaded)


def close_connections():
    """Close Django's connections (if it got that far), so the database can be removed."""
    if "django.db" not in sys.modules:
        return
    try:
        from django.db import connections

        connections.close_all()
    except Exception as error:  # broken settings: nothing was connected, carry on cleaning
        print(f"Could not close the database connections: {error!r}", file=sys.stderr)


def run_in_bench_database(run, args, db_name=BENCH_DB_NAME):
    """``run(args, db)`` in a throwaway database (PostgreSQL when ``args.database_url``,
    else SQLite), removed afterwards whatever happens."""
    db = postgres_database(args.database_url, db_name) if args.database_url else sqlite_database()
    try:
        return run(args, db)
    finally:
        close_connections()
        db.cleanup()
        print(f"Removed the bench database ({db.label}).", file=sys.stderr)


def main(argv=None):
    run_in_bench_database(run, parse_args(argv))


if __name__ == "__main__":
    main()
