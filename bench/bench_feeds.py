"""Benchmark the all-events calendar feed: building it, serving it from the cache, and 304s.

Run from the project root (any virtualenv with the project installed)::

    python bench/bench_feeds.py                        # SQLite, 1000 events, 15 repeats
    python bench/bench_feeds.py --events 1000 --repeat 15
    python bench/bench_feeds.py --database-url postgresql://user:pw@localhost/postgres
    python bench/bench_feeds.py --database-url postgres://… --database-name ibasho_bench_me
    python bench/bench_feeds.py --events 200 --repeat 5 --profile   # + where the build goes
    python bench/bench_feeds.py --events 200 --repeat 5 --show-sql  # + each one's queries

Run it as a script (as above): it imports the database, site and seeding helpers from
``bench/bench_events.py`` next to it, so the two benchmarks measure the same site. Like that
benchmark it never touches the project's ``db.sqlite3`` or the test databases: it creates its
own throwaway database (a temporary SQLite file by default, or ``--database-name``
(``ibasho_bench_feeds``) on the PostgreSQL server of ``--database-url``, dropped first if it
exists), migrates it, seeds ``--events`` events (half weekly, half one-off dates over the
next twelve months, each one published so its ``Occurrence`` rows are materialised; on
PostgreSQL then ``VACUUM ANALYZE``, as autovacuum would) and removes the database at the end, even
when a step fails. Settings are ``cms.settings.test`` unless ``DJANGO_SETTINGS_MODULE`` says
otherwise. The script clears the Django cache many times, so it ignores ``REDIS_URL`` and
refuses to run unless the cache is the process's own local-memory cache.

What it measures, for ``GET /events/calendar.ics`` (the feed of every public event), in two
groups: first the light ones (trivial view, cached 200, 304), then the heavy ones (the
builds, the rows, the floor), so that the garbage of a build does not slow down the
sub-millisecond requests next to it. Each group has three warm-up rounds, then ``--repeat``
rounds in which each of its measurements is taken once in turn (so drift affects them
alike), the heavy ones each after a garbage collection (so that no build collects the
previous one's garbage); each figure is the median wall time (``time.perf_counter``) in
milliseconds. Every ratio the aims judge compares two figures of the same group:

* ``trivial view``: ``/bench-trivial/``, a view that only returns "ok" (the bench URLconf of
  ``bench_events.py``): the cost of the middleware and the test client alone.
* ``cold build, HTTP``: the feed request through ``django.test.Client`` with the whole cache
  cleared just before it (``cache.clear()``, not timed): the feed and every event's VEVENT
  text are built, stored and sent, as for the first poller after a deploy.
* ``cold build, direct``: ``events.feeds.ics.build_calendar`` called directly with the rows
  and the ``FeedInfo`` the view uses, cache cleared first (no middleware, no HTTP cache).
  Its bytes are checked against the HTTP response's.
* ``rebuild after one change, HTTP``: one recurring event is published again with another
  title (not timed), then the feed is requested: the feed is stale, the other events' VEVENT
  texts are still in the cache, so only the changed event is written again; what a poller
  waits for after an editor's publish.
* ``of which rows``: reading every row a cold build reads (``events.feeds.facts.rows_of``:
  the query and the driver), to tell database time from iCalendar time.
* ``floor``: icalendar's own serialisation of the same calendar: the built bytes are parsed
  once with ``icalendar.Calendar.from_ical`` and ``cal.to_ical()`` is timed. No feed can be
  built with icalendar faster than icalendar writes it, so this is the floor.
* ``cached 200``: the feed request with the feed in the cache (no ``If-None-Match``).
* ``304``: the feed request with ``If-None-Match: <ETag of the built feed>``.

The SQL queries of one further run of each (outside the timed ones) are counted with
``CaptureQueriesContext``; "response KB" is the size of the body; "VEVENTs" counts the
VEVENT components of the feed; "rows" is the number of ``Occurrence`` rows the feed reads
(those in its window). ``--show-sql`` prints those queries; ``--profile`` prints a cProfile
of one cold direct build (the 25 functions with most cumulative time).

What the numbers mean, and the aims (issue 14):

* ``÷ floor`` for the cold builds: build median ÷ floor median. Aim **≤ 2×**: reading the
  rows and assembling the text may cost at most as much again as writing the text.
* ``÷ floor`` for the rebuild after one change. Aim **≤ 0.25×**: a publish must not make the
  next poller wait for the whole calendar again.
* ``÷ trivial`` for the 304: 304 median ÷ trivial view median. Aim **≤ 3×**: a polling
  client whose copy is current must cost next to nothing (no build, no body).
* ``÷ trivial`` for the cached 200 is for information (how many bare requests one costs).

A missed aim is printed with how far off it is.

Timings are only comparable within one run on one machine: compare the ratios, not the
milliseconds, between runs.
"""

import argparse
import cProfile
import gc
import io
import os
import platform
import pstats
import statistics
import sys
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from bench_events import (
    POSTGRES_SCHEMES,
    TRIVIAL_URL,
    WARMUPS,
    BenchDatabase,
    build_site,
    install_urlconf,
    print_sql,
    print_table,
    run_in_bench_database,
    seed_events,
    setup_django,
)

FEED_URL = "/events/calendar.ics"
BUILD_AIM = 2.0  # a cold build may take at most this many times icalendar's own to_ical()
REBUILD_AIM = 0.25  # a rebuild after one change: at most this share of the floor
NOT_MODIFIED_AIM = 3.0  # a 304 may take at most this many times the trivial view
PROFILE_LINES = 25
LOCAL_CACHE = "django.core.cache.backends.locmem.LocMemCache"
PG_DATABASE = "ibasho_bench_feeds"
COLD, DIRECT, REBUILD = "cold build, HTTP", "cold build, direct", "rebuild after one change, HTTP"
ROWS = (  # the table's rows, in order
    "trivial view",
    COLD,
    DIRECT,
    REBUILD,
    "of which rows",
    "floor",
    "cached 200",
    "304",
)
AIMS = {COLD: BUILD_AIM, DIRECT: BUILD_AIM, REBUILD: REBUILD_AIM}  # ÷ floor


@dataclass
class Measured:
    median_ms: float
    queries: int
    size_kb: float | None
    sql: list[str]


# --------------------------------------------------------------------------------------------
# Getting hold of what the view builds


def feed_info_of_view(client):
    """The ``FeedInfo`` the all-events view passes to ``build_calendar``, and its response.

    The view is called once (cache cleared) with ``build_calendar`` wrapped to note its
    argument, so the direct build uses exactly the view's name, description and path.
    """
    from django.core.cache import cache

    from events.feeds import views as feed_views

    seen = []
    original = feed_views.build_calendar

    def spy(info, rows, imported=None, now=None):
        seen.append(info)
        return original(info, rows, imported, now)

    feed_views.build_calendar = spy
    try:
        cache.clear()
        response = client.get(FEED_URL)
    finally:
        feed_views.build_calendar = original
    if response.status_code != 200 or len(seen) != 1:
        raise SystemExit(f"{FEED_URL} answered {response.status_code} (built {len(seen)}×)")
    return seen[0], response


# --------------------------------------------------------------------------------------------
# Measuring


def make_steps(client, info, etag, floor_calendar, changed_event):
    """The two groups of steps, each label → (prepare, timed call, check); ``prepare`` is
    not timed. The light group (sub-millisecond requests) is measured apart from the heavy
    one, so that the builds' garbage does not slow down the requests they are compared with.
    The heavy steps run in this order each round: the cold builds fill the cache of VEVENT
    texts that the rebuild then finds."""
    from django.core.cache import cache

    from events.feeds import facts
    from events.feeds.ics import build_calendar, feed_window
    from events.models import Occurrence

    def get(**headers):
        return lambda: client.get(FEED_URL, **headers)

    def status(expected):
        def check(response):
            if response.status_code != expected:
                raise SystemExit(f"{FEED_URL} answered {response.status_code}, not {expected}")

        return check

    def nothing(_):
        return None

    titles = [changed_event.title, f"{changed_event.title}（改）"]

    def change_one_event():
        titles.reverse()
        changed_event.title = titles[0]
        changed_event.save_revision().publish()

    def read_rows():
        start, end = feed_window()
        rows = Occurrence.objects.of_visible_events().filter(start__gte=start, start__lt=end)
        return facts.rows_of(rows, (), all_events=True)

    light = {
        "trivial view": (None, lambda: client.get(TRIVIAL_URL), status(200)),
        "cached 200": (None, get(), status(200)),
        "304": (None, get(HTTP_IF_NONE_MATCH=etag), status(304)),
    }
    heavy = {
        COLD: (cache.clear, get(), status(200)),
        DIRECT: (cache.clear, lambda: build_calendar(info, *feed_rows()), nothing),
        REBUILD: (change_one_event, get(), status(200)),
        "of which rows": (None, read_rows, nothing),
        "floor": (None, floor_calendar.to_ical, nothing),
    }
    return light, heavy


def feed_rows():
    """The rows the all-events view gives ``build_calendar``: own events', imported."""
    from events.models import Occurrence

    return Occurrence.objects.of_visible_events(), Occurrence.objects.imported()


def measure(steps, repeat, collect=False):
    """Median wall time of each step (interleaved rounds), then one counted run each.

    Measure one group of steps at a time: warm-up rounds, then ``repeat`` rounds in which
    each step runs once in turn; with ``collect`` (the heavy steps), each after a garbage
    collection."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def run(prepare, call, check):
        if prepare:
            prepare()
        if collect:
            gc.collect()  # the previous step's garbage is not collected during this one
        started = time.perf_counter()
        outcome = call()
        elapsed = time.perf_counter() - started
        check(outcome)
        return elapsed, outcome

    for _ in range(WARMUPS):
        for step in steps.values():
            run(*step)
    timings = {label: [] for label in steps}
    for _ in range(repeat):
        for label, step in steps.items():
            timings[label].append(run(*step)[0])
    results = {}
    for label, (prepare, call, check) in steps.items():
        if prepare:
            prepare()
        with CaptureQueriesContext(connection) as captured:
            outcome = call()
        check(outcome)
        results[label] = Measured(
            median_ms=statistics.median(timings[label]) * 1000,
            queries=len(captured),
            size_kb=body_size(outcome),
            sql=[q["sql"] for q in captured.captured_queries],
        )
    return results


def body_size(outcome):
    """KB of what a step produced: a response's body, feed bytes, or None for rows."""
    if isinstance(outcome, tuple):  # build_calendar → (bytes, last_modified)
        outcome = outcome[0]
    if isinstance(outcome, bytes):
        return len(outcome) / 1024
    if hasattr(outcome, "content"):
        return len(outcome.content) / 1024
    return None  # rows


def profile_build(info, lines):
    """cProfile of one cold direct build: the ``lines`` functions with most cumulative time."""
    from django.core.cache import cache

    from events.feeds.ics import build_calendar

    cache.clear()
    profiler = cProfile.Profile()
    profiler.enable()
    build_calendar(info, *feed_rows())
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(lines)
    return out.getvalue()


@dataclass
class Feeds:
    results: dict[str, Measured]  # in the order of ROWS
    vevents: int
    rows: int
    same_bytes: bool  # the direct build gives the HTTP response's bytes
    remark: str
    info: object  # the FeedInfo the view builds with


def measure_feeds(client, changed_event, repeat) -> Feeds:
    """Measure the all-events feed on the seeded site (``changed_event`` is published again
    with another title for the rebuild)."""
    import icalendar

    from events.feeds.ics import build_calendar, feed_window
    from events.models import Occurrence

    info, response = feed_info_of_view(client)
    body, etag = response.content, response["ETag"]
    direct_body, _ = build_calendar(info, *feed_rows())
    floor_calendar = icalendar.Calendar.from_ical(body)
    vevents = len(floor_calendar.walk("VEVENT"))
    start, end = feed_window()
    rows = Occurrence.objects.visible().filter(start__gte=start, start__lt=end).count()

    print(f"Measuring the feed ({repeat} repeats) …", file=sys.stderr, flush=True)
    light, heavy = make_steps(client, info, etag, floor_calendar, changed_event)
    measured = {**measure(light, repeat), **measure(heavy, repeat, collect=True)}
    same = "identical to" if direct_body == body else "DIFFERENT from"
    reserialised = floor_calendar.to_ical()
    remark = (
        f"The direct build's bytes are {same} the HTTP response's; icalendar's re-serialisation "
        f"is {len(reserialised) / 1024:.1f} KB "
        f"({'byte for byte the same' if reserialised == body else 'not byte for byte the same'})."
    )
    results = {label: measured[label] for label in ROWS}
    return Feeds(results, vevents, rows, direct_body == body, remark, info)


# --------------------------------------------------------------------------------------------
# Reporting


def report(header, results, vevents, rows):
    floor = results["floor"].median_ms
    trivial = results["trivial view"].median_ms
    what = {
        "trivial view": f"GET {TRIVIAL_URL}",
        COLD: f"GET {FEED_URL}, cache cleared",
        DIRECT: "build_calendar(info, rows, imported), cache cleared",
        REBUILD: f"publish one event, GET {FEED_URL}",
        "of which rows": "facts.rows_of(...): query + driver",
        "floor": "Calendar.from_ical(body).to_ical()",
        "cached 200": f"GET {FEED_URL}, in the cache",
        "304": f"GET {FEED_URL}, If-None-Match: <etag>",
    }
    http = {"trivial view", COLD, REBUILD, "cached 200", "304"}
    has_feed = {COLD, DIRECT, REBUILD, "floor", "cached 200"}
    table, verdicts = [], []
    for label, result in results.items():
        by_floor = result.median_ms / floor
        by_trivial = result.median_ms / trivial
        aim = ""
        if label in AIMS:
            aim = f"≤ {AIMS[label]:g}× floor"
            verdicts.append(
                f"  {label}: {by_floor:.2f}× the floor, {verdict(by_floor, AIMS[label])}"
            )
        elif label == "304":
            aim = f"≤ {NOT_MODIFIED_AIM:g}× trivial"
            met = verdict(by_trivial, NOT_MODIFIED_AIM)
            verdicts.append(f"  {label}: {by_trivial:.2f}× the trivial view, {met}")
        elif label == "cached 200":
            verdicts.append(f"  {label}: {by_trivial:.2f}× the trivial view (for information)")
        table.append(
            [
                f"{label}: {what[label]}",
                f"{result.median_ms:.2f}",
                f"{by_floor:.2f}×" if label in AIMS else "—",
                f"{by_trivial:.1f}×" if label in http else "—",
                str(result.queries),
                "—" if result.size_kb is None else f"{result.size_kb:.1f}",
                str(vevents) if label in has_feed else "—",
                str(rows) if label in has_feed - {"floor"} or label == "of which rows" else "—",
                aim,
            ]
        )
    print()
    print(header)
    print()
    print_table(
        [
            "measurement",
            "median ms",
            "÷ floor",
            "÷ trivial",
            "queries",
            "response KB",
            "VEVENTs",
            "rows",
            "aim",
        ],
        table,
    )
    print()
    print(f"Trivial view median: {trivial:.2f} ms; floor median: {floor:.2f} ms")
    print("\n".join(verdicts))


def verdict(ratio, aim):
    if ratio <= aim:
        return "meets the aim"
    return f"MISSES the aim by {ratio / aim:.2f}× ({ratio - aim:+.2f})"


# --------------------------------------------------------------------------------------------


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1000, help="events to seed (1000)")
    parser.add_argument("--repeat", type=int, default=15, help="timed runs of each (15)")
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL server to create the bench database on "
        "(default: a temporary SQLite file)",
    )
    parser.add_argument(
        "--database-name",
        default=PG_DATABASE,
        help=f"the database to create on that server (dropped first if it exists; {PG_DATABASE})",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help=f"print a cProfile of one cold direct build (top {PROFILE_LINES}, cumulative)",
    )
    parser.add_argument("--show-sql", action="store_true", help="print the SQL of each one")
    args = parser.parse_args(argv)
    if args.events < 1 or args.repeat < 1:
        parser.error("--events and --repeat must be at least 1")
    if args.database_url and urlsplit(args.database_url).scheme not in POSTGRES_SCHEMES:
        parser.error("--database-url must be a postgres:// URL (SQLite needs none)")
    return args


def run(args, db: BenchDatabase):
    # cache.clear() on a shared Redis would empty it for everybody (FLUSHDB): use the
    # process's own memory cache, and check below that the settings did.
    os.environ.pop("REDIS_URL", None)
    setup_django(db)
    from django.conf import settings

    backend = settings.CACHES["default"]["BACKEND"]
    if backend != LOCAL_CACHE:
        raise SystemExit(f"Refusing to run: the cache is {backend}, not {LOCAL_CACHE}.")
    install_urlconf()

    import django
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    import wagtail

    import icalendar

    from events.models import Occurrence
    from events.schedules import TOKYO

    today = timezone.now().astimezone(TOKYO).date()
    client = Client(HTTP_HOST="localhost")

    print(f"Building the site in {db.label} …", file=sys.stderr, flush=True)
    _, organisations = build_site()
    print(f"Seeding {args.events} events …", file=sys.stderr, flush=True)
    started = time.perf_counter()
    changed_event = seed_events(organisations, args.events, today)
    seeding = time.perf_counter() - started
    if connection.vendor == "postgresql":
        # Statistics for the planner and the visibility map, as autovacuum keeps them on a
        # live database: freshly seeded tables have none, and PostgreSQL then joins row by
        # row and reads the table for what the index holds.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    feeds = measure_feeds(client, changed_event, args.repeat)
    results, vevents, rows = feeds.results, feeds.vevents, feeds.rows
    occurrences = Occurrence.objects.count()

    version = ".".join(map(str, connection.get_database_version()))
    header = (
        f"DB: {connection.display_name} {version} ({db.label}) | events: {args.events} | "
        f"occurrences: {occurrences} ({rows} in the feed window) | "
        f"repeats: {args.repeat} (+{WARMUPS} warm-ups) | Python {platform.python_version()} | "
        f"Django {django.get_version()} | Wagtail {wagtail.__version__} | "
        f"icalendar {icalendar.__version__}"
    )
    print(
        f"\nSeeded {args.events} events in {seeding:.1f} s "
        f"({seeding / args.events * 1000:.0f} ms per event, publish included); "
        f"{occurrences} occurrence rows."
    )
    print(feeds.remark)
    report(header, results, vevents, rows)
    if args.show_sql:
        print_sql(results)
    if args.profile:
        print(f"\ncProfile of one cold build_calendar (top {PROFILE_LINES}, cumulative):\n")
        print(profile_build(feeds.info, PROFILE_LINES))


def main(argv=None):
    args = parse_args(argv)
    run_in_bench_database(run, args, args.database_name)


if __name__ == "__main__":
    main()
